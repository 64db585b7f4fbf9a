"""The example notebooks run top to bottom in a real kernel, and are stored without outputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import EXAMPLES

NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:3] == ["00-from-a-spreadsheet.ipynb", "01-quickstart.ipynb",
                                               "02-sparql.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} has outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path: Path, tmp_path: Path):
    nb = nbformat.read(path, as_version=4)
    here = tmp_path / "examples"  # a copy: what the notebooks write stays out of the repository
    shutil.copytree(EXAMPLES, here, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(here)}}).execute()
    text = "\n".join(
        out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
        + str(out.get("data", {}).get("text/html", ""))
        for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
    )
    if path.name == "00-from-a-spreadsheet.ipynb":
        assert "<SheetsImport 97 things into <urn:kg-connect:sheets:story>, 0 warnings, 0 errors>" in text
        assert 'Events!B3: "31/02/2012" is not a date' in text and "events row 3" in text.lower()
        assert "David Wilcox" in text and "<IdeaExplorer 'social app store'" in text
        assert "\nTrue" in text or text.rstrip().endswith("True")  # the round trip changed nothing
    if path.name == "01-quickstart.ipynb":
        assert "<KnowledgeGraph oxigraph memory:" in text
        assert "social app store - " in text
        assert "Conforms." in text
    if path.name == "02-sparql.ipynb":
        assert "showing 1–10 of 17" in text        # the first page of the people table
        assert "idea-trail" in text and '"boolean": true' in text
        # every live table is preceded by its static copy (the first page) for exports
        pairs = [(cell.outputs[i - 1] if i else {}, out) for cell in nb.cells if cell.cell_type == "code"
                 for i, out in enumerate(cell.outputs)
                 if "application/vnd.jupyter.widget-view+json" in out.get("data", {})]
        assert pairs and all('class="kgc-static"' in copy.get("data", {}).get("text/html", "") for copy, _ in pairs)
    if path.name == "03-explore.ipynb":
        assert "<Explorer " in text and "nodes added;" in text
        assert text.count('<iframe class="kgc-graph"') >= 4  # each view leaves its static copy
        exported = (here / "david-wilcox.html").read_text()
        assert "default-src 'none'" in exported and "David Wilcox" in exported
    if path.name == "05-endpoint.ipynb":
        assert "<KnowledgeGraph endpoint http://127.0.0.1:" in text and "David Wilcox" in text
        assert "<IdeaExplorer 'social app store'" in text and "Most like" in text
    if path.name == "04-ideas-at-iswc.ipynb":
        assert "<SwdfImport 2 files" in text and "missing attendance" in text
        assert "topics travelled from ISWC 2010 to ISWC 2011" in text
        travelled = int(text.split(" topics travelled from ISWC 2010")[0].rsplit("\n", 1)[-1].strip().split()[-1])
        assert travelled >= 5
        assert "<IdeaExplorer 'Linked Data'" in text and "carriers: " in text
        assert "Most like “join up yourselves”" in text  # the co-authorship network
        trail = (here / "linked-data-trail.html").read_text()
        assert "default-src 'none'" in trail and '"viewer": "trail"' in trail
