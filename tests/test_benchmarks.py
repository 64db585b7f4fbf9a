"""The benchmark's data generator makes data in our ontology's shape (speed itself is
measured by benchmarks/run.py, never by a timed test)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT
from kg_connect import KnowledgeGraph


def test_generated_graph_has_the_size_asked_and_conforms(tmp_path):
    out = tmp_path / "social.nt"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--triples", "3000",
                    "--out", str(out)], check=True, capture_output=True, timeout=120)
    kg = KnowledgeGraph().load(out)
    assert len(kg) == 3000
    report = kg.validate()
    assert report.conforms, str(report)
    assert kg.query("ASK { ?e prov:qualifiedUsage ?m . ?m a kgc:IdeaMention ; kgc:previousMention ?p }").boolean


def test_run_py_documents_its_options():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--help"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--sizes" in out.stdout


def test_graph_py_builds_and_reports_without_a_browser():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "graph.py"), "--sizes", "100", "--repeat", "1",
                          "--no-browser"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    row = next(line for line in out.stdout.splitlines() if line.startswith("| 100 nodes"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "100" and cells[3] == "6,123"  # drawn nodes, of nodes
    assert cells[-3:] == ["–", "–", "–"]  # no browser figures without a browser


def test_trails_py_documents_its_options():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "trails.py"), "--help"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--naive-timeout" in out.stdout


def test_sheets_py_runs_small_and_reports_its_table():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "sheets.py"), "--people", "300", "--events", "40",
                          "--per-event", "10"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    row = out.stdout.strip().splitlines()[-1]
    assert "| 400 |" in row and "(conforms)" in row  # 40 events x 10 attendees; the result conforms
