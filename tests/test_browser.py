"""The %%sparql magic in a real JupyterLab, driven in headless Chromium, and its HTML export.

Needs Debian's chromium (installed by `make test`). In CI a missing browser fails these
tests; elsewhere they are skipped with a reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from browsing import kernel_notebook, need_browser, open_notebook
from nbformat.v4 import new_code_cell, new_notebook

from conftest import STORY

CANARY = "<img src=x onerror=alert(1)>"

pytestmark = pytest.mark.browser


def _notebook(path: Path) -> None:
    cells = [
        new_code_cell(f"%load_ext kg_connect\nfrom kg_connect import KnowledgeGraph\n"
                      f"kg = KnowledgeGraph().load({str(STORY)!r})\n"
                      f"kg.update('INSERT DATA {{ <https://e.org/evil> a foaf:Person ; foaf:name {json.dumps(CANARY)} }}')"),
        new_code_cell("%%sparql --limit 5\nSELECT ?person ?name WHERE { ?person a foaf:Person ; foaf:name ?name }\nORDER BY ?name"),
        new_code_cell("%%sparql\nSELECT ?name WHERE {\n  ?p foaf:name ?name .\n  ?p nope:thing ?x }"),
    ]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nbformat.write(nb, path)


def _status(page) -> str:
    return page.locator(".kgc-live .kgc-status").first.inner_text().strip()


def _names(page) -> list[str]:
    return page.locator(".kgc-live tbody tr td:nth-child(2) .kgc-v").all_inner_texts()


def test_sparql_cell_in_jupyterlab_pages_sorts_shows_errors_and_exports(lab, browser, tmp_path):
    nb_path = lab["root"] / "magic.ipynb"
    _notebook(nb_path)
    dialogs: list[str] = []
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{lab['base']}/lab/tree/magic.ipynb?token={lab['token']}")
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=90_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-Toolbar-kernelStatus", timeout=90_000)
    time.sleep(2)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")

    # the table, its first page
    page.wait_for_selector(".kgc-live table tbody tr", timeout=90_000)
    assert _status(page) == "showing 1–5 of 18"
    first = _names(page)
    assert len(first) == 5 and first == sorted(first, key=str)

    # page 2
    page.get_by_role("button", name="next ›").click()
    page.wait_for_function("document.querySelector('.kgc-live .kgc-status').textContent.startsWith('showing 6–10')")
    second = _names(page)
    assert len(second) == 5 and not set(second) & set(first)

    # sort by name, descending on the second click
    page.locator(".kgc-live th button", has_text="name").click()
    page.wait_for_function("document.querySelector('.kgc-live th button').parentElement.parentElement.textContent.includes('▲')")
    page.locator(".kgc-live th button", has_text="name").click()
    page.wait_for_function("document.querySelector('.kgc-live').textContent.includes('▼')")
    time.sleep(0.5)
    descending = _names(page)
    assert _status(page) == "showing 1–5 of 18"
    assert descending == sorted(descending, reverse=True) and descending[0] == "Tom Phillips"

    # the hostile name is text, in the table and its hover
    page.get_by_role("button", name="last »").click()
    page.wait_for_function("document.querySelector('.kgc-live .kgc-status').textContent.startsWith('showing 16–18')")
    page.locator(".kgc-live th button", has_text="name").click()  # back to ascending: '<' sorts first
    page.wait_for_function(f"document.querySelector('.kgc-live tbody').textContent.includes({json.dumps(CANARY)})")
    assert page.locator(".kgc-live img").count() == 0

    # CSV download of the whole result
    with page.expect_download() as info:
        page.get_by_role("button", name="⤓ CSV").first.click()
    csv_lines = Path(info.value.path()).read_text().splitlines()
    assert csv_lines[0] == "person,name" and len(csv_lines) == 19

    # the syntax error: a caret under the offending column, and the cell failed
    page.wait_for_selector("text=unknown prefix 'nope:'", timeout=60_000)
    error_text = page.locator(".jp-OutputArea-output", has_text="unknown prefix").last.inner_text()
    assert "line 3, column 6: unknown prefix 'nope:'" in error_text
    assert "  ?p nope:thing ?x }\n     ^" in error_text
    page.screenshot(path=str(tmp_path / "lab.png"), full_page=True)
    shutil.copy(tmp_path / "lab.png", lab["root"] / "lab.png")

    # save, export with nbconvert, open the HTML: the first page is there, as text
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    for _ in range(60):
        saved = nbformat.read(nb_path, as_version=4)
        if saved.cells[1].get("outputs"):
            break
        time.sleep(0.5)
    html_path = tmp_path / "magic.html"
    subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "html",
                    str(nb_path), "--output", str(html_path)], check=True, capture_output=True, timeout=120)
    exported = browser.new_page()
    exported.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # nbconvert's page asks a CDN for require.js and MathJax: refused at once (an unanswered DNS
    # lookup once held the page's load event, and the test, for good)
    exported.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())
    exported.goto(html_path.as_uri(), timeout=60_000)
    exported.wait_for_selector(".kgc-results table")
    assert exported.locator(".kgc-results .kgc-status").first.inner_text().strip() == "showing 1–5 of 18"
    assert exported.locator(".kgc-results tbody tr").count() == 5
    assert CANARY in exported.locator(".kgc-results tbody").first.inner_text()
    assert exported.locator(".kgc-results img").count() == 0
    exported.screenshot(path=str(lab["root"] / "export.png"), full_page=True)
    assert dialogs == []


def test_editor_widget_runs_with_shift_enter_and_marks_errors(lab, browser):
    nb = new_notebook(cells=[new_code_cell(
        f"from kg_connect import KnowledgeGraph\nfrom kg_connect.widgets import SparqlEditor\n"
        f"kg = KnowledgeGraph().load({str(STORY)!r})\n"
        "SparqlEditor(kg, 'SELECT ?name WHERE { ?p a foaf:Person ; foaf:name ?name } ORDER BY ?name')")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, lab["root"] / "editor.ipynb")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    # a workspace of its own, so the other test's notebook is not restored beside it
    page.goto(f"{lab['base']}/lab/workspaces/editor/tree/editor.ipynb?token={lab['token']}")
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=90_000)
    time.sleep(2)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    editor = page.locator(".kgc-editor-input")
    editor.wait_for(timeout=90_000)
    assert page.locator(".kgc-editor-shade .kgc-tok-keyword", has_text="SELECT").count() >= 1  # highlighted

    editor.click()
    editor.press("Shift+Enter")
    page.wait_for_selector(".kgc-live tbody tr", timeout=60_000)
    assert page.locator(".kgc-live .kgc-status").first.inner_text().strip() == "showing 1–17 of 17"

    editor.fill("SELECT ?name WHERE {\n  ?p foaf:name ?name .\n  ?p nope:x ?y }")
    # checked as it is typed (KnowledgeGraph.parse), before anything runs
    page.wait_for_selector(".kgc-editor-error >> text=check: line 3, column 6: unknown prefix 'nope:'", timeout=30_000)
    assert page.locator(".kgc-line-error").inner_text().strip() == "?p nope:x ?y }"
    editor.press("Shift+Enter")
    page.wait_for_selector(".kgc-editor-error >> text=unknown prefix 'nope:'", timeout=60_000)
    assert "line 3, column 6" in page.locator(".kgc-editor-error").inner_text()
    assert page.locator(".kgc-line-error").inner_text().strip() == "?p nope:x ?y }"

    page.locator(".kgc-questions").select_option("event-attendees")
    page.locator(".kgc-params input[name=event]").fill(
        "https://w3id.org/kg-connect/examples/story/event/kent-camp")
    page.get_by_role("button", name="Ask").click()
    page.wait_for_function("document.querySelector('.kgc-live .kgc-status')"
                           " && document.querySelector('.kgc-live .kgc-status').textContent.includes('of 2')",
                           timeout=60_000)
    assert "Tom Phillips" in page.locator(".kgc-live tbody").inner_text()
    assert page.locator(".kgc-history option").count() >= 3
    page.screenshot(path=str(lab["root"] / "editor.png"), full_page=True)


HOSTILE_CELLS = [
    f"%load_ext kg_connect\nfrom kg_connect import KnowledgeGraph\nkg = KnowledgeGraph().load({str(STORY)!r})\n"
    f"kg.update('INSERT DATA {{ <https://e.org/evil> a foaf:Person ; foaf:name {json.dumps(CANARY)} }}')",
    "%%sparql --limit 5\nSELECT ?person ?name WHERE { ?person a foaf:Person ; foaf:name ?name }\nORDER BY ?name",
]


def _execute(nb: nbformat.NotebookNode, store_widget_state: bool) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=store_widget_state).execute()
    return nb


@pytest.mark.parametrize("trusted", [True, False], ids=["trusted", "untrusted"])
def test_a_saved_notebook_reopened_without_its_widgets_shows_the_static_copy(lab, browser, trusted):
    # saved as JupyterLab saves by default: outputs, no widget state. Trusted (signed, as a
    # notebook you saved yourself is) the widget renderer runs and finds no model;
    # untrusted, JupyterLab sanitises the HTML and skips the widget.
    nb = _execute(kernel_notebook(HOSTILE_CELLS), store_widget_state=False)
    if trusted:
        from nbformat.sign import NotebookNotary

        NotebookNotary(data_dir=str(lab["root"] / ".data")).sign(nb)
    name = f"saved-{'trusted' if trusted else 'untrusted'}"
    nbformat.write(nb, lab["root"] / f"{name}.ipynb")
    dialogs: list[str] = []
    page = open_notebook(browser, lab, f"{name}.ipynb", name, dialogs)
    page.wait_for_selector(".kgc-static table tbody tr", timeout=60_000)
    time.sleep(3)  # the widget manager has given up on the missing models by now
    assert page.locator(".kgc-static .kgc-status").first.inner_text().strip() == "showing 1–5 of 18"
    assert page.locator(".kgc-static tbody tr").count() == 5
    body = page.locator(".jp-Notebook").inner_text()
    assert "Error displaying widget" not in body and "model not found" not in body
    if trusted:  # the copy's own stylesheet applies
        assert page.locator(".kgc-static td").first.evaluate("e => getComputedStyle(e).textAlign") == "left"
    shot = Path(os.environ.get("KGC_SCREENSHOTS", lab["root"])) / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert dialogs == []


def test_nbconvert_execute_with_default_settings_shows_tables_offline(browser, tmp_path):
    need_browser()
    nb_path = tmp_path / "executed.ipynb"
    nbformat.write(kernel_notebook(HOSTILE_CELLS), nb_path)
    html_path = tmp_path / "executed.html"
    subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--execute", "--to", "html",
                    str(nb_path), "--output", str(html_path)], check=True, capture_output=True, timeout=300)
    assert "application/vnd.jupyter.widget-state+json" in html_path.read_text()  # widget state was stored
    page = browser.new_page()
    blocked: list[str] = []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else (blocked.append(route.request.url), route.abort()))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(html_path.as_uri())
    page.wait_for_selector(".kgc-static table tbody tr", timeout=30_000)
    assert page.locator(".kgc-static .kgc-status").first.inner_text().strip() == "showing 1–5 of 18"
    assert CANARY in page.locator(".kgc-static tbody").first.inner_text()
    assert page.locator("img").count() == 0 and dialogs == []
    page.screenshot(path=str(Path(os.environ.get("KGC_SCREENSHOTS", tmp_path)) / "offline.png"), full_page=True)


def test_long_and_direction_changing_labels_in_the_live_view(lab, browser):
    long = "Ω" * 200_000
    cells = [
        "%load_ext kg_connect\nfrom kg_connect import KnowledgeGraph\nfrom rdflib import URIRef, Literal, RDFS\n"
        "kg = KnowledgeGraph()\n"
        f"kg.add((URIRef('https://e.org/long'), RDFS.label, Literal({long!r})))\n"
        "kg.add((URIRef('https://e.org/file'), RDFS.label, Literal('report\\u202egnp.exe')))",
        "%%sparql\nSELECT ?thing ?label WHERE { ?thing rdfs:label ?label } ORDER BY ?thing",
    ]
    nbformat.write(kernel_notebook(cells), lab["root"] / "long.ipynb")
    page = open_notebook(browser, lab, "long.ipynb", "long")
    time.sleep(2)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(".kgc-live tbody tr", timeout=90_000)
    rows = page.locator(".kgc-live tbody tr")
    assert rows.count() == 2
    long_row = rows.nth(1)
    assert long_row.bounding_box()["height"] < 400  # cut, not 61,000 pixels tall
    assert "⟨U+202E⟩" in rows.nth(0).inner_text() and "\u202e" not in rows.nth(0).inner_text()
    assert rows.nth(0).locator("td").first.get_attribute("title") == "https://e.org/file\nhttps://e.org/file"
    start = time.monotonic()
    rows.nth(0).locator("td").first.hover()
    assert time.monotonic() - start < 1.0
    # the label column (the thing's own cell shows its label, cut alike)
    long_row.locator("td").nth(1).get_by_role("button", name="… 199,700 more characters").click()
    full = long_row.locator("td").nth(1).locator(".kgc-full")
    full.wait_for(timeout=30_000)
    assert len(full.inner_text()) == 200_000
    assert full.bounding_box()["height"] < 400  # in a scrolling box
    page.screenshot(path=str(Path(os.environ.get("KGC_SCREENSHOTS", lab["root"])) / "long.png"))
