"""ResultsView: a live, paged, sortable results table, with a static HTML fallback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets

from kg_connect._graph import KnowledgeGraph
from kg_connect._results import Results
from kg_connect.render._results import (
    PAGE_SIZE,
    page,
    results_html,
    sort_order,
    spreadsheet_csv,
    stylesheet,
    whole_cell,
)
from kg_connect.widgets._static import StaticCopy, new_static_id

__all__ = ["ResultsView"]

_HERE = Path(__file__).parent
_DOWNLOADS = {"csv": ("text/csv", "results.csv"), "json": ("application/sparql-results+json", "results.json"),
              "turtle": ("text/turtle", "results.ttl")}


class ResultsView(StaticCopy, anywidget.AnyWidget):
    """Query results in JupyterLab: one page at a time, sortable, downloadable.

    Displayed, it leaves a static, escaped HTML table of the first page beside the live
    view, so a saved notebook reopened without its kernel, nbconvert (with or without
    stored widget state), nbviewer and GitHub all show the results.
    """

    _esm = _HERE / "results.js"
    _css = stylesheet()

    payload = traitlets.Dict().tag(sync=True)
    static_id = traitlets.Unicode().tag(sync=True)
    page = traitlets.Int(0).tag(sync=True)
    sort: traitlets.List[Any] = traitlets.List().tag(sync=True)

    #: seconds a capped answer's exact count may take before the view says "at least"
    count_timeout = 2.0

    def __init__(self, results: Results | None = None, graph: KnowledgeGraph | None = None, *,
                 page_size: int = PAGE_SIZE, **kwargs: Any) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {page_size}")
        super().__init__(static_id=new_static_id(), **kwargs)
        self.results = results
        self.graph = graph
        self.page_size = page_size
        self._order: list[int] | None = None
        self.on_msg(self._on_msg)
        self._count()
        self._refresh()

    def _count(self) -> None:
        if self.results is not None and self.results.truncated and self.results.form == "SELECT":
            self.results.count(timeout=self.count_timeout)  # cheap or not at all

    def __repr__(self) -> str:
        return f"<ResultsView {self.results!r}>"

    def show(self, results: Results, graph: KnowledgeGraph) -> None:
        """Show new results (used by the editor)."""
        self.results, self.graph, self._order = results, graph, None
        self.sort, self.page = [], 0
        self._count()
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
        if self.results is None or self.graph is None:
            return
        if content.get("type") == "cell" and self.results.form == "SELECT":
            row, col = content.get("row"), content.get("col")
            if isinstance(row, int) and isinstance(col, int) and 0 <= row < len(self.results) \
                    and 0 <= col < len(self.results.vars):
                text = whole_cell(self.results, self.graph, row, col)
                self.send({"type": "cell", "row": row, "col": col, "text": text})
            return
        if content.get("type") == "more" and self.results.form == "SELECT":
            try:
                self.results.fetch_more()
            except Exception as exc:  # noqa: BLE001 - the error is shown, the rows kept
                self.payload = {**self.payload, "error": None, "fetchError": str(exc)}
                return
            if self.sort:
                column, direction = (self.sort + [None, None])[:2]
                self._order = sort_order(self.results, column, direction == "desc")
            else:
                self._order = None
            self._refresh()
            return
        if content.get("type") != "download":
            return
        fmt = content.get("format")
        if fmt not in _DOWNLOADS:
            return
        mime, name = _DOWNLOADS[fmt]
        if fmt == "csv":
            text = spreadsheet_csv(self.results)  # for spreadsheets: no formula injection
        elif fmt == "json":
            text = self.results.to_json()
        else:
            graph = self.results.graph
            text = graph.serialize(format="turtle") if graph is not None else ""
        self.send({"type": "download", "format": fmt, "mime": mime, "name": name, "content": text})

    def static_html(self) -> str | None:
        """The escaped HTML of the first page that exports and kernel-less views show."""
        if self.results is None or self.graph is None:
            return None
        return results_html(self.results, self.graph, size=self.page_size)
