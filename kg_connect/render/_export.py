"""A notebook as one HTML page that needs nothing outside itself.

``jupyter nbconvert --to html`` already shows kg_connect's graphs and tables (every view
leaves a static, self-contained copy in the notebook), but its page loads require.js and
MathJax from a CDN, stored widget state loads the widget manager from another, and each
graph carries its own vis-network. :func:`export_notebook` (``kg-connect export``) makes
the page nbconvert would, from a template that fetches nothing (and says so in a
Content-Security-Policy), without widget state, with one vis-network for all its graphs.
"""

from __future__ import annotations

import html
import json
import re
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from kg_connect._running import _CHILDREN
from kg_connect.errors import KgConnectError, MissingDependencyError
from kg_connect.render._document import graph_document, vis_library

__all__ = ["ExportError", "Exported", "export_notebook", "notebook_html"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_FRAME = re.compile(r'(<iframe class="kgc-graph"[^>]*?\ssrcdoc=")([^"]*)(")')
_DATA = re.compile(r'<script type="application/json" id="kgc-graph">(.*?)</script>', re.DOTALL)


class ExportError(KgConnectError):
    """The notebook could not be read, run or exported."""


@dataclass
class Exported:
    """What :func:`export_notebook` did: the page, and what it found on the way."""

    html: str
    graphs: int = 0
    widgets_dropped: int = 0
    executed: bool = False
    notes: list[str] = field(default_factory=list)


def _read(path: Path) -> Any:
    import nbformat

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExportError(f"{path}: no such notebook") from None
    except IsADirectoryError:
        raise ExportError(f"{path} is a folder; give a notebook (.ipynb)") from None
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path}: not a notebook: the file is not UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise ExportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"{path}:{exc.lineno}:{exc.colno}: not a notebook: the JSON is malformed: {exc.msg}") \
            from None
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for one bad notebook
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExportError(f"{path}: not a notebook nbformat can read: {first}") from None


def _execute(nb: Any, path: Path, timeout: float) -> None:
    try:
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError
    except ImportError:
        raise MissingDependencyError("nbclient", "notebook") from None
    from jupyter_client.manager import KernelManager

    kernel = (nb.metadata.get("kernelspec") or {}).get("name") or "python3"
    # the kernel talks over local sockets (IPC) in a folder of its own, not TCP: nothing
    # listens on a port meanwhile
    sockets = tempfile.TemporaryDirectory(prefix="kgc-kernel-")
    manager = KernelManager(kernel_name=kernel, transport="ipc", ip=str(Path(sockets.name) / "kernel"))
    client = NotebookClient(nb, km=manager, timeout=int(timeout), kernel_name=kernel, store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    process = None
    try:
        manager.start_kernel(cwd=str(path.parent))
        process = getattr(manager.provisioner, "process", None)
        if process is not None:
            _CHILDREN.add(process)  # ended with the command line on Ctrl-C
        client.execute()
    except CellTimeoutError:
        raise ExportError(f"{path}: a cell ran longer than {timeout:g} s (--timeout sets the limit)") from None
    except CellExecutionError as exc:
        number = next((i + 1 for i, c in enumerate(nb.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        where = f"cell {number}" if number else "a cell"
        name = getattr(exc, "ename", "") or "error"
        value = (getattr(exc, "evalue", "") or "").strip().splitlines()
        raise ExportError(f"{path}: {where} failed: {name}: {value[0] if value else ''}".rstrip(": ")) from None
    except Exception as exc:  # noqa: BLE001 - the kernel would not start, or died
        raise ExportError(f"{path}: cannot run the notebook: {type(exc).__name__}: {exc}") from None
    finally:
        _CHILDREN.discard(process)
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
        sockets.cleanup()


def _shared(srcdoc: str, theme: str | None = None) -> str | None:
    """A graph page (an escaped srcdoc) rewritten to borrow vis-network from the page around it
    (and to follow the export's theme, when one is given)."""
    page = html.unescape(srcdoc)
    match = _DATA.search(page)
    if match is None:
        return None
    data = json.loads(match.group(1))
    shared = graph_document(data, theme=theme or data.get("theme", "light"), title=str(data.get("title", "kg_connect graph")),
                            lib="shared", live=False, view=str(data.get("view", "")))
    return html.escape(shared, quote=True)


def _prepare(nb: Any, result: Exported, theme: str | None = None) -> None:
    """Drop widget state and widget views (the static copies stay); graphs share one library."""
    if "widgets" in nb.metadata:
        del nb.metadata["widgets"]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if isinstance(data, dict) and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                result.widgets_dropped += 1
                if not any(k for k in data if k != "text/plain"):
                    continue  # nothing but the widget (its static copy is the output before)
            if isinstance(data, dict) and isinstance(data.get("text/html"), (str, list)):
                text = data["text/html"] if isinstance(data["text/html"], str) else "".join(data["text/html"])

                def swap(m: re.Match[str]) -> str:
                    shared = _shared(m.group(2), theme)
                    if shared is None:
                        return m.group(0)
                    result.graphs += 1
                    return m.group(1) + shared + m.group(3)

                data["text/html"] = _FRAME.sub(swap, text)
            kept.append(output)
        cell.outputs = kept


def notebook_html(nb: Any, *, name: str = "notebook", theme: str = "light") -> Exported:
    """The page of an (executed) notebook node: see the module's docstring."""
    try:
        from nbconvert import HTMLExporter
    except ImportError:
        raise MissingDependencyError("nbconvert", "notebook") from None
    result = Exported("")
    _prepare(nb, result, theme)
    templates = resources.files("kg_connect.render") / "templates"
    exporter = HTMLExporter(template_name="kgc", extra_template_basedirs=[str(templates)], theme=theme,
                            embed_images=True)
    extra: dict[str, Any] = {"metadata": {"name": name}}
    if result.graphs:
        js, css = vis_library()
        extra["kgc_lib"] = {"js": js, "css": css}
    body, _ = exporter.from_notebook_node(nb, resources=extra)
    result.html = body
    outside = sorted(set(re.findall(r"""<(?:script|link|img|iframe)\b[^>]*?\s(?:src|href)=["']?(https?://[^"'\s>]+)""",
                                    body)))
    if outside:
        result.notes.append(f"{len(outside)} reference(s) outside the file will not load (the page forbids "
                            f"network access): {', '.join(outside[:3])}{' …' if len(outside) > 3 else ''}")
    return result


def export_notebook(path: str | Path, *, execute: bool = False, timeout: float = 600, theme: str = "light") -> Exported:
    """The notebook at ``path`` (run first with ``execute=True``) as one self-contained page."""
    source = Path(path)
    if theme not in ("light", "dark"):
        raise ValueError(f"unknown theme {theme!r}; expected one of: light, dark")
    nb = _read(source)
    if execute:
        _execute(nb, source, timeout)
    ran = any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    result = notebook_html(nb, name=source.stem, theme=theme)
    if not ran and any(c.cell_type == "code" and c.source.strip() for c in nb.cells):
        result.notes.append("the notebook has no outputs (never run, or saved cleared): --execute runs it first")
    result.executed = execute
    return result
