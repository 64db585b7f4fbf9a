"""kg_connect: a knowledge graph of people, organisations, events and ideas, for Jupyter.

>>> from kg_connect import KnowledgeGraph
>>> kg = KnowledgeGraph()            # embedded Oxigraph, in memory
>>> len(kg)
0
"""

from __future__ import annotations

from kg_connect._graph import KnowledgeGraph
from kg_connect._resources import ontology_graph, shapes_graph
from kg_connect._results import Results
from kg_connect._terms import KGC, PREFIXES
from kg_connect._validation import ValidationReport, validate
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
    "ontology_graph",
    "shapes_graph",
    "load_ipython_extension",
    "validate",
]


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext kg_connect``: register the ``%%sparql`` and ``%sparql`` magics."""
    from kg_connect.magics import load_ipython_extension as load

    load(ipython)
