"""The kg-connect command line, run as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import STORY

EXE = Path(sys.executable).parent / "kg-connect"


def run(*args: str) -> subprocess.CompletedProcess:
    assert EXE.exists() or shutil.which("kg-connect"), "kg-connect is not installed"
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def person_file(tmp_path) -> Path:
    path = tmp_path / "people.ttl"
    path.write_text("""@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix ex: <https://example.org/> .
ex:ada a foaf:Person ; foaf:name "Ada" .
ex:bob a foaf:Person ; foaf:name "Bob <b>" .
""")
    return path


def test_validate_conforming_exits_0(person_file):
    out = run("validate", str(person_file))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "conforms (4 triples" in out.stdout


def test_validate_violations_exit_1_with_focus_and_message(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<https://example.org/x> a foaf:Person .\n")
    out = run("validate", str(bad))
    assert out.returncode == 1
    assert "Violation: https://example.org/x foaf:name: A person needs a name (foaf:name)." in out.stdout
    assert "does not conform: 1 violations" in out.stdout


def test_validate_load_error_exits_2_with_position(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/b>\n  <https://example.org/c> <oops .\n")
    out = run("validate", str(bad))
    assert out.returncode == 2
    assert out.stderr.startswith(f"error: {bad}:2:")


def test_query_table_csv_json(person_file):
    q = "SELECT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n"
    table = run("query", str(person_file), "-q", q)
    assert table.returncode == 0
    assert table.stdout.splitlines() == ["n      ", "-------", "Ada    ", "Bob <b>", "(2 rows)"]
    csv = run("query", str(person_file), "-q", q, "--format", "csv")
    assert csv.stdout == "n\nAda\nBob <b>\n"
    doc = json.loads(run("query", str(person_file), "-q", q, "--format", "json").stdout)
    assert [b["n"]["value"] for b in doc["results"]["bindings"]] == ["Ada", "Bob <b>"]


def test_query_from_file_and_ask(person_file, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text("ASK { ?p foaf:name 'Ada' }")
    out = run("query", str(person_file), "-q", f"@{rq}")
    assert out.stdout.strip() == "yes"


def test_query_syntax_error_exits_2_with_caret(person_file):
    out = run("query", str(person_file), "-q", "SELECT ?n WHERE {\n  ?p nope:name ?n }")
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "error: line 2, column 6: unknown prefix 'nope:'", "  ?p nope:name ?n }", "     ^"]


def test_info_counts_by_class(person_file):
    out = run("info", str(person_file))
    assert out.returncode == 0
    assert out.stdout.splitlines()[:2] == ["4 triples", "       2  foaf:Person"]


def test_info_on_the_story():
    out = run("info", str(STORY))
    assert out.returncode == 0 and "kgc:IdeaMention" in out.stdout and "foaf:Person" in out.stdout


def test_backend_option(person_file):
    out = run("--backend", "rdflib", "query", str(person_file), "-q", "ASK { ?s ?p ?o }")
    assert out.stdout.strip() == "yes"
