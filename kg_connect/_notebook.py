"""What the ``%%sparql`` magic does, as plain functions (no IPython needed to test them)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from kg_connect._graph import KnowledgeGraph
from kg_connect._results import Results
from kg_connect._sparql import dollar_parameters
from kg_connect.errors import KgConnectError, QueryError

__all__ = ["DISPLAYS", "CellError", "Raw", "find_graph", "run_cell"]

DISPLAYS = ("table", "graph", "raw", "json")


class CellError(KgConnectError):
    """A problem with a %%sparql cell, with a short message for the notebook."""


def find_graph(namespace: Mapping[str, Any], name: str | None = None) -> tuple[str, KnowledgeGraph]:
    """The graph a cell runs on: ``name`` from the namespace, else the newest graph there.

    >>> kg = KnowledgeGraph()
    >>> find_graph({"kg": kg, "x": 1})[0]
    'kg'
    """
    if name is not None:
        if name not in namespace:
            raise CellError(f"no variable {name!r} in the notebook (-g names a KnowledgeGraph variable)")
        graph = namespace[name]
        if not isinstance(graph, KnowledgeGraph):
            raise CellError(f"{name!r} is a {type(graph).__name__}, not a KnowledgeGraph")
        return name, graph
    graphs: dict[int, list[str]] = {}
    for key, value in namespace.items():
        if isinstance(value, KnowledgeGraph) and not key.startswith("_"):
            graphs.setdefault(id(value), []).append(key)
    if not graphs:
        raise CellError("no KnowledgeGraph in the notebook: create one (kg = KnowledgeGraph()) "
                        "or name one with -g NAME")
    newest = max(graphs, key=lambda i: namespace[graphs[i][0]]._serial)
    names = sorted(graphs[newest])
    return names[0], namespace[names[0]]


def bind_python_values(text: str, namespace: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Take the Python variables a query names with ``$name``/``${name}`` from the namespace."""
    text, names = dollar_parameters(text)
    missing = [n for n in names if n not in namespace]
    if missing:
        raise CellError(f"the query uses ${missing[0]} but there is no Python variable "
                        f"{missing[0]!r} in the notebook")
    return text, {n: namespace[n] for n in names}


@dataclass
class Raw:
    """Raw results as text: SPARQL JSON for SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE."""

    text: str
    mime: str

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return {"text/plain": self.text}

    def __repr__(self) -> str:
        return self.text


def raw(results: Results) -> Raw:
    if results.form in ("CONSTRUCT", "DESCRIBE"):
        graph = results.graph
        return Raw(graph.serialize(format="turtle") if graph is not None else "", "text/turtle")
    return Raw(json.dumps(json.loads(results.to_json()), indent=2, ensure_ascii=False),
               "application/sparql-results+json")


def as_json(results: Results) -> Any:
    if results.form in ("CONSTRUCT", "DESCRIBE"):
        graph = results.graph
        return json.loads(graph.serialize(format="json-ld") if graph is not None else "[]")
    return json.loads(results.to_json())


def run_cell(text: str, namespace: Mapping[str, Any], *, graph: str | None = None,
             display: str = "table", timeout: float | None = None,
             allow_network: bool = False, limit: int = 50, out: str | None = None,
             max_rows: int | None = None, kg: KnowledgeGraph | None = None, union: bool = False,
             ) -> tuple[Results, KnowledgeGraph]:
    """Check the options, find the graph, bind ``$`` variables and run the query."""
    if limit < 1:
        raise CellError(f"--limit must be at least 1, not {limit}")
    if timeout is not None and timeout <= 0:
        raise CellError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    if out is not None and not out.isidentifier():
        raise CellError(f"-o {out!r} is not a Python variable name")
    if display not in DISPLAYS:
        raise CellError(f"unknown display {display!r}; expected one of: {', '.join(DISPLAYS)}")
    if not text.strip():
        raise CellError("the cell has no query")
    if kg is None:
        _, kg = find_graph(namespace, graph)
    text, params = bind_python_values(text, namespace)
    return kg.query(text, timeout=timeout, allow_network=allow_network, max_rows=max_rows, union=union,
                    **params), kg


def graph_options(layout: str | None, max_nodes: int | None, literals: str | None, size_by: str | None,
                  theme: str | None) -> dict[str, Any]:
    """The explorer's options from the magic's flags, checked (the choices in the message)."""
    from kg_connect.render._network import LAYOUTS

    options: dict[str, Any] = {}
    if layout is not None:
        if layout not in LAYOUTS:
            raise CellError(f"unknown --layout {layout!r}; expected one of: {', '.join(LAYOUTS)}")
        options["layout"] = layout
    if max_nodes is not None:
        if max_nodes < 1:
            raise CellError(f"--max-nodes must be at least 1, not {max_nodes}")
        options["max_nodes"] = max_nodes
    if literals is not None:
        if literals not in ("properties", "nodes"):
            raise CellError(f"unknown --literals {literals!r}; expected one of: properties, nodes")
        options["literals"] = literals
    if size_by is not None:
        options["size_by"] = None if size_by == "none" else size_by
    if theme is not None:
        if theme not in ("light", "dark"):
            raise CellError(f"unknown --theme {theme!r}; expected one of: light, dark")
        options["theme"] = theme
    return options


def graph_view(results: Results, kg: KnowledgeGraph, options: dict[str, Any]) -> Any:
    """The explorer over a result: CONSTRUCT/DESCRIBE, or SELECT by the graph conventions."""
    if results.form == "ASK":
        raise CellError("an ASK answer has no graph to draw; use --display table")
    from kg_connect.widgets import Explorer

    try:
        return Explorer(kg, source=results, **options)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def short_error(exc: KgConnectError) -> str:
    """The message a failing cell shows: one line, plus the query line and a caret."""
    if isinstance(exc, QueryError):
        pointer = exc.pointer()
        return f"{exc}\n{pointer}" if pointer else str(exc)
    return str(exc)
