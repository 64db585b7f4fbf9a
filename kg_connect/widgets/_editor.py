"""SparqlEditor: write a query, run it (Shift+Enter), see results or the error at its line."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets

from kg_connect._graph import KnowledgeGraph
from kg_connect._text import visible
from kg_connect.errors import KgConnectError, QueryError
from kg_connect.queries import catalogue
from kg_connect.widgets._results import ResultsView
from kg_connect.widgets._static import StaticCopy

__all__ = ["SparqlEditor"]

_HERE = Path(__file__).parent
_START = "SELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n}\nLIMIT 10"


class _EditorInput(anywidget.AnyWidget):
    _esm = _HERE / "editor.js"
    _css = _HERE / "editor.css"

    query = traitlets.Unicode(_START).tag(sync=True)
    error = traitlets.Dict().tag(sync=True)
    history: traitlets.List[str] = traitlets.List().tag(sync=True)
    catalogue: traitlets.List[Any] = traitlets.List().tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)


class SparqlEditor(StaticCopy, ipywidgets.VBox):
    """A SPARQL editor over ``graph`` with the results view under it.

    ``run(query)`` does from Python what the Run button does, so it can be scripted and tested.
    """

    def __init__(self, graph: KnowledgeGraph, query: str = _START, **kwargs: Any) -> None:
        self.graph = graph
        self.input = _EditorInput(query=query, catalogue=[
            {"name": q.name, "title": q.title, "description": q.description, "text": q.text,
             "params": [{"name": p.name, "type": p.type, "description": p.description} for p in q.params]}
            for q in catalogue()])
        self.results = ResultsView()
        self.static_id = self.results.static_id  # the results view, drawn, hides the copy
        super().__init__(children=[self.input, self.results], **kwargs)
        self.input.on_msg(self._on_msg)

    def __repr__(self) -> str:
        return f"<SparqlEditor over {self.graph!r}>"

    def static_html(self) -> str:
        """What an export shows without a kernel: the query, as text, and the results shown."""
        shown = self.results.static_html() or ""
        return ('<div class="kgc-editor-static"><em>SPARQL editor (needs a running kernel)</em>'
                f"<pre>{html.escape(visible(self.input.query))}</pre>{shown}</div>")

    def run(self, query: str | None = None) -> None:
        """Run ``query`` (default: the editor's text) and show the results or the error."""
        text = self.input.query if query is None else query
        self.input.query = text
        self._remember(text)
        self._show(lambda: self.graph.query(text))

    def check(self, query: str | None = None) -> bool:
        """Check the query without running it (``KnowledgeGraph.parse``), as the editor does
        while you type: the error is marked at its line, or the mark is cleared."""
        text = self.input.query if query is None else query
        if not text.strip():
            self.input.error = {}
            return True
        try:
            self.graph.parse(text)
        except QueryError as exc:
            self.input.error = {"message": exc.reason, "line": exc.line, "column": exc.column,
                                "pointer": exc.pointer(), "checked": True}
            return False
        except KgConnectError as exc:
            self.input.error = {"message": str(exc), "checked": True}
            return False
        self.input.error = {}
        return True

    def ask(self, name: str, **params: Any) -> None:
        """Run a named question with its parameters and show the answer."""
        self._show(lambda: self.graph.ask_named(name, **{k: v for k, v in params.items() if v != ""}))

    def _show(self, call: Any) -> None:
        try:
            results = call()
        except QueryError as exc:
            self.input.error = {"message": exc.reason, "line": exc.line, "column": exc.column,
                                "pointer": exc.pointer()}
            self.results.show_error(str(exc))
            self.input.status = ""
            return
        except KgConnectError as exc:
            self.input.error = {"message": str(exc)}
            self.results.show_error(str(exc))
            return
        self.input.error = {}
        self.input.status = repr(results)
        self.results.show(results, self.graph)

    def _remember(self, text: str) -> None:
        history = [q for q in self.input.history if q != text]
        self.input.history = [text, *history][:50]

    def _on_msg(self, widget: Any, content: dict[str, Any], buffers: Any) -> None:
        if content.get("type") == "run":
            self.run(str(content.get("query", "")))
        elif content.get("type") == "check":
            self.check(str(content.get("query", "")))
        elif content.get("type") == "ask":
            self.ask(str(content.get("name")), **dict(content.get("params") or {}))
