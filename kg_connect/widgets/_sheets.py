"""SheetsUpload: a workbook (or CSV files) uploaded in the notebook, imported into a graph, and
the import's report shown. A thin adapter over :func:`kg_connect.importers.sheets.import_sheets`."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import Any, Callable

import ipywidgets as widgets

from kg_connect._graph import KnowledgeGraph
from kg_connect.errors import KgConnectError

__all__ = ["SheetsUpload", "upload_sheets"]

_ACCEPT = ".xlsx,.xlsm,.ods,.xls,.csv,.tsv"


class SheetsUpload(widgets.VBox):
    """An upload button for a workbook (``.xlsx``, ``.ods``) or the CSV files of the templates:
    each upload is imported into ``graph`` (all of it or nothing, unless "keep the rows that
    are fine" is ticked) and its report shown below. ``result`` holds the last
    :class:`~kg_connect.importers.sheets.SheetsImport`; ``on_import(callback)`` is told of
    each one."""

    def __init__(self, graph: KnowledgeGraph, *, base: str | None = None, errors: str = "raise") -> None:
        self.graph = graph
        self.base = base
        self.result: Any = None
        self._callbacks: list[Callable[[Any], None]] = []
        self.upload = widgets.FileUpload(accept=_ACCEPT, multiple=True, description="Workbook or CSV files")
        self.upload.layout.width = "260px"
        self.keep = widgets.Checkbox(value=errors == "report", description="keep the rows that are fine",
                                     indent=False)
        self.report = widgets.HTML(value='<p class="kgc-import-hint">Import a workbook made from the templates '
                                         "(<code>kg-connect template -o network.xlsx</code>), or its CSV files.</p>")
        self.upload.observe(self._on_upload, names="value")
        super().__init__([widgets.HBox([self.upload, self.keep]), self.report])

    def on_import(self, callback: Callable[[Any], None]) -> None:
        self._callbacks.append(callback)

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = list(change.get("new") or ())
        if not files:
            return
        self.import_files([(str(f.get("name") or "upload"), bytes(f.get("content") or b"")) for f in files])

    def import_files(self, files: list[tuple[str, bytes]]) -> Any:
        """Import uploaded ``(name, content)`` files: one workbook, or CSV files named after the
        templates. Shows the report, and returns the import (None when it failed)."""
        from kg_connect.importers.sheets import SheetsError, import_sheets

        e = html.escape
        with tempfile.TemporaryDirectory(prefix="kgc-upload-") as tmp:
            saved = []
            for name, content in files:
                safe = Path(name).name or "upload"  # never a path of the sender's choosing
                (Path(tmp) / safe).write_bytes(content)
                saved.append(Path(tmp) / safe)
            books = [p for p in saved if p.suffix.lower() not in (".csv", ".tsv")]
            if len(books) > 1 or (books and len(saved) > 1):
                self.report.value = ('<p class="kgc-error">Upload one workbook, or the CSV files of the '
                                     "templates (people.csv, events.csv, ...), not both.</p>")
                return None
            target = books[0] if books else Path(tmp)
            what = books[0].name if books else "the CSV files"
            # CSV files come in a folder of no name of theirs: their IRIs get a base that stays the same
            base = self.base or (None if books else "urn:kg-connect:sheets:upload/")
            try:
                result = import_sheets(self.graph, target, base=base,
                                       errors="report" if self.keep.value else "raise")
            except SheetsError as exc:
                self.result = None
                self.report.value = (f'<p class="kgc-error">Nothing was imported from {e(what)}: '
                                     f"{len(exc.report.errors)} error{'' if len(exc.report.errors) == 1 else 's'}. "
                                     "Mend them in the sheet and upload it again, or tick “keep the rows that "
                                     "are fine”.</p>" + exc.report._repr_html_())
                return None
            except (KgConnectError, ValueError) as exc:
                self.result = None
                self.report.value = f'<p class="kgc-error">{e(str(exc))}</p>'
                return None
        self.result = result
        self.report.value = result._repr_html_()
        for callback in self._callbacks:
            callback(result)
        return result


def upload_sheets(graph: KnowledgeGraph, **options: Any) -> SheetsUpload:
    """An upload button that imports a workbook into ``graph`` and shows the report."""
    return SheetsUpload(graph, **options)
