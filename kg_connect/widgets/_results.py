"""ResultsView: a live, paged, sortable results table, with a static HTML fallback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from kg_connect._graph import KnowledgeGraph
from kg_connect._results import Results
from kg_connect.render._results import PAGE_SIZE, page, results_html, sort_order, stylesheet

__all__ = ["ResultsView"]

_HERE = Path(__file__).parent
_DOWNLOADS = {"csv": ("text/csv", "results.csv"), "json": ("application/sparql-results+json", "results.json"),
              "turtle": ("text/turtle", "results.ttl")}


class ResultsView(anywidget.AnyWidget):
    """Query results in JupyterLab: one page at a time, sortable, downloadable.

    Its saved output also holds a static, escaped HTML table of the first page, so
    nbconvert, nbviewer and GitHub show the results without a kernel.
    """

    _esm = _HERE / "results.js"
    _css = stylesheet()

    payload = traitlets.Dict().tag(sync=True)
    page = traitlets.Int(0).tag(sync=True)
    sort: traitlets.List[Any] = traitlets.List().tag(sync=True)

    def __init__(self, results: Results | None = None, graph: KnowledgeGraph | None = None, *,
                 page_size: int = PAGE_SIZE, **kwargs: Any) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        super().__init__(**kwargs)
        self.results = results
        self.graph = graph
        self.page_size = page_size
        self._order: list[int] | None = None
        self.on_msg(self._on_msg)
        self._refresh()

    def __repr__(self) -> str:
        return f"<ResultsView {self.results!r}>"

    def show(self, results: Results, graph: KnowledgeGraph) -> None:
        """Show new results (used by the editor)."""
        self.results, self.graph, self._order = results, graph, None
        self.sort, self.page = [], 0
        self._refresh()

    def show_error(self, message: str) -> None:
        """Show an error message instead of results."""
        self.results = None
        self.payload = {"error": message}

    @traitlets.observe("page")
    def _on_page(self, change: dict[str, Any]) -> None:
        self._refresh()

    @traitlets.observe("sort")
    def _on_sort(self, change: dict[str, Any]) -> None:
        if self.results is not None and self.results.form == "SELECT":
            column, direction = (self.sort + [None, None])[:2]
            self._order = sort_order(self.results, column, direction == "desc")
        if self.page != 0:
            self.page = 0  # a new order starts at its first page (this refreshes)
            return
        self._refresh()

    def _refresh(self) -> None:
        if self.results is None or self.graph is None:
            return
        self.payload = page(self.results, self.graph, number=self.page, size=self.page_size,
                            order=self._order)

    def _on_msg(self, widget: Any, content: dict[str, Any], buffers: Any) -> None:
        if content.get("type") != "download" or self.results is None:
            return
        fmt = content.get("format")
        if fmt not in _DOWNLOADS:
            return
        mime, name = _DOWNLOADS[fmt]
        if fmt == "csv":
            text = self.results.to_csv()
        elif fmt == "json":
            text = self.results.to_json()
        else:
            graph = self.results.graph
            text = graph.serialize(format="turtle") if graph is not None else ""
        self.send({"type": "download", "format": fmt, "mime": mime, "name": name, "content": text})

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None or self.results is None or self.graph is None:
            return bundle
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = dict(data)
        data["text/html"] = results_html(self.results, self.graph, size=self.page_size)
        return data, metadata
