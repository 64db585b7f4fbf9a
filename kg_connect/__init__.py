"""kg_connect: a knowledge graph of people, organisations, events and ideas, for Jupyter.

>>> from kg_connect import KnowledgeGraph
>>> kg = KnowledgeGraph()            # embedded Oxigraph, in memory
>>> len(kg)
0
"""

from __future__ import annotations

from typing import Any

from kg_connect._graph import KnowledgeGraph
from kg_connect._resources import ontology_graph, shapes_graph
from kg_connect._results import Results
from kg_connect._terms import KGC, PREFIXES
from kg_connect._validation import ValidationReport, validate
from kg_connect.analysis import IdeaTrail, flows, introductions, network_model, spread, trace
from kg_connect.errors import (
    EndpointError,
    KgConnectError,
    KgConnectWarning,
    LoadError,
    MissingDependencyError,
    QueryError,
    QueryTimeout,
    SaveError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "KGC",
    "PREFIXES",
    "EndpointError",
    "KgConnectError",
    "KgConnectWarning",
    "IdeaTrail",
    "KnowledgeGraph",
    "LoadError",
    "MissingDependencyError",
    "QueryError",
    "QueryTimeout",
    "Results",
    "SaveError",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "explore",
    "explore_idea",
    "explore_shape",
    "export_sheets",
    "flows",
    "import_sheets",
    "introductions",
    "ontology_graph",
    "shapes_graph",
    "spread",
    "trace",
    "load_ipython_extension",
    "network_model",
    "validate",
]


_SUBPACKAGES = ("analysis", "cli", "queries", "render", "widgets")


def __getattr__(name: str) -> object:
    """``kg_connect.widgets`` (and the other sub-packages) work after a plain ``import kg_connect``;
    they are imported on first use, so importing kg_connect stays light."""
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"kg_connect.{name}")
    raise AttributeError(f"module 'kg_connect' has no attribute {name!r}")


def explore(graph: KnowledgeGraph, focus: object = None, depth: int = 1, **options: object) -> object:
    """Explore ``graph`` by clicking, in a notebook: see :func:`kg_connect.widgets.explore`.

    Needs the notebook extra (``pip install 'kg_connect[notebook]'``).
    """
    from kg_connect.widgets import explore as widget

    return widget(graph, focus, depth, **options)


def explore_idea(graph: KnowledgeGraph, idea: object = None, **options: Any) -> object:
    """The trail of an idea to watch and click through, in a notebook: see
    :func:`kg_connect.widgets.explore_idea`."""
    from kg_connect.widgets import explore_idea as widget

    return widget(graph, idea, **options)


def explore_shape(graph: KnowledgeGraph, projection: str | None = None, **options: object) -> object:
    """The network's shape drawn beside its verdict: see :func:`kg_connect.widgets.explore_shape`."""
    from kg_connect.widgets import explore_shape as widget

    return widget(graph, projection, **options)


def import_sheets(graph: KnowledgeGraph | None, path: Any, *, base: str | None = None, errors: str = "raise",
                  **options: Any) -> Any:
    """Import a workbook (.xlsx, .ods) or a folder of CSV files made from the spreadsheet
    templates: see :func:`kg_connect.importers.sheets.import_sheets`."""
    from kg_connect.importers.sheets import import_sheets as run

    return run(graph, path, base=base, errors=errors, **options)


def export_sheets(graph: KnowledgeGraph, path: Any) -> Any:
    """Write the graph into the spreadsheet templates (.xlsx or a folder of CSV files): see
    :func:`kg_connect.importers.sheets.export_sheets`."""
    from kg_connect.importers.sheets import export_sheets as run

    return run(graph, path)


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext kg_connect``: register the ``%%sparql`` and ``%sparql`` magics."""
    from kg_connect.magics import load_ipython_extension as load

    load(ipython)
