"""The kg-connect command line, run as a user runs it."""

from __future__ import annotations

import gzip
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import STORY

EXE = Path(sys.executable).parent / "kg-connect"


def run(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    assert EXE.exists() or shutil.which("kg-connect"), "kg-connect is not installed"
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, timeout=120, input=input,
                          cwd=cwd)


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
    assert "does not conform: 1 violation," in out.stdout


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
    csv = subprocess.run([str(EXE), "query", str(person_file), "-q", q, "--format", "csv"], capture_output=True)
    assert csv.stdout == b"n\r\nAda\r\nBob <b>\r\n"  # W3C CSV results: CRLF
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


# ---------------------------------------------------------------- what riot/arq users expect
def test_version_and_python_dash_m():
    from kg_connect import __version__

    assert run("--version").stdout.strip() == f"kg-connect {__version__}"
    out = subprocess.run([sys.executable, "-m", "kg_connect", "--version"], capture_output=True, text=True)
    assert out.stdout.strip() == f"kg-connect {__version__}"


def test_help_has_examples_and_exit_codes():
    out = run("--help")
    assert out.returncode == 0
    for part in ("examples:", "exit codes:", "130  interrupted", "kg-connect load --store", "--graph-per-file"):
        assert part in out.stdout, part
    assert "exit codes:" in run("query", "--help").stdout


def test_global_options_before_or_after_the_command(person_file):
    q = "ASK { ?s ?p ?o }"
    for args in (["--backend", "rdflib", "query", str(person_file), "-q", q],
                 ["query", str(person_file), "-q", q, "--backend", "rdflib"],
                 ["query", "--backend", "rdflib", str(person_file), "-q", q]):
        out = run(*args)
        assert out.returncode == 0 and out.stdout.strip() == "yes", (args, out.stderr)


def test_standard_input_with_input_format_and_base():
    out = run("query", "-", "--input-format", "turtle", "--base", "https://example.org/",
              "-q", "SELECT ?s WHERE { ?s ?p ?o }", "--format", "tsv", input="<ada> <knows> <bob> .")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "?s\n<https://example.org/ada>\n"


def test_limit_tsv_and_output_file(person_file, tmp_path):
    target = tmp_path / "answer.tsv"
    target.write_text("old")
    out = run("query", str(person_file), "-q", "SELECT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n",
              "--format", "tsv", "--limit", "1", "-o", str(target))
    assert out.returncode == 0 and out.stdout == ""
    assert target.read_text() == '?n\n"Ada"\n'
    bad = run("query", str(person_file), "-q", "SELECT ?n WHERE { ?p nope:x ?n }", "-o", str(target))
    assert bad.returncode == 2 and target.read_text() == '?n\n"Ada"\n'  # a failure leaves the old file
    assert run("query", str(person_file), "-q", "ASK {}", "--limit", "0").returncode == 2


def test_shapes_option(person_file, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://example.org/NickShape> a sh:NodeShape ; sh:targetClass foaf:Person ;
  sh:property [ sh:path foaf:nick ; sh:minCount 1 ; sh:message "needs a nick" ] .
""")
    out = run("validate", str(person_file), "--shapes", str(shapes))
    assert out.returncode == 1 and out.stdout.count("needs a nick") == 2


def test_load_once_into_a_store_and_query_it_later(tmp_path):
    data = tmp_path / "big.nt.gz"
    with gzip.open(data, "wt") as fh:
        fh.writelines(f'<https://example.org/{i}> <http://xmlns.com/foaf/0.1/name> "n{i}" .\n' for i in range(3000))
    store = tmp_path / "kg-store"
    out = run("load", "--store", str(store), str(data))
    assert out.returncode == 0 and "3,000 triples" in out.stderr, out.stderr
    out = run("query", "--store", str(store), "-q", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
    assert out.stdout.splitlines()[1] == "3000"
    out = run("update", "--store", str(store), "-u", "DELETE WHERE { <https://example.org/1> ?p ?o }")
    assert out.returncode == 0 and "2,999 triples (-1)" in out.stderr
    assert run("info", "--store", str(store)).stdout.startswith("2,999 triples")
    assert "needs --store" in run("load", str(data)).stderr


def test_update_files_into_an_output_file(person_file, tmp_path):
    target = tmp_path / "out.ttl"
    out = run("update", str(person_file), "-u", "DELETE WHERE { ?p foaf:name 'Ada' }", "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert "Ada" not in target.read_text() and "Bob" in target.read_text()
    assert "-o FILE" in run("update", str(person_file), "-u", "DELETE WHERE { ?s ?p ?o }").stderr


def test_timeout_option_stops_a_long_query(tmp_path):
    data = tmp_path / "d.nt"
    data.write_text("".join(f"<http://e/{i}> <http://e/p> <http://e/{i % 9}> .\n" for i in range(400)))
    start = time.monotonic()
    out = run("query", str(data), "--timeout", "1",
              "-q", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }")
    assert out.returncode == 2 and time.monotonic() - start < 10
    assert "stopped after 1 s (--timeout)" in out.stderr and "Traceback" not in out.stderr


def test_advice_is_in_command_line_terms(person_file, tmp_path):
    out = run("query", str(person_file), "-q", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert "add --allow-network" in out.stderr and "allow_network=" not in out.stderr
    out = run("query", str(person_file), "-q", "INSERT DATA { <http://e/a> <http://e/b> 1 }")
    assert "use kg-connect update" in out.stderr
    out = run("query", str(person_file), "-q", "SELECT * { <rel> ?p ?o }")
    assert "needs --base IRI" in out.stderr
    out = run("info", "https://example.org/data.ttl")
    assert out.returncode == 2 and "add --allow-network" in out.stderr
    rel = tmp_path / "rel.ttl"
    rel.write_text("<a> <b> <c> .")
    out = run("info", str(rel))
    assert out.returncode == 0 and "warning:" in out.stderr and "pass --base IRI" in out.stderr


def test_a_query_file_without_at_gets_did_you_mean(person_file, tmp_path):
    (tmp_path / "q.rq").write_text("ASK { ?s ?p ?o }")
    out = run("query", str(person_file), "-q", "q.rq", cwd=tmp_path)
    assert out.returncode == 2 and "did you mean -q @q.rq?" in out.stderr


def test_info_on_trig_counts_quads_and_lists_graphs(tmp_path):
    trig = tmp_path / "d.trig"
    trig.write_text("""@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://e.org/g1> { <https://e.org/a> a foaf:Person ; foaf:name "A" . }
<https://e.org/g2> { <https://e.org/b> a foaf:Person . <https://e.org/c> a foaf:Group . }
<https://e.org/d> a foaf:Person .
""")
    out = run("info", str(trig)).stdout.splitlines()
    assert out[0] == "5 quads: 1 in the default graph, 4 in 2 named graphs"
    assert "       2  https://e.org/g1" in out and "       2  https://e.org/g2" in out
    assert "       3  foaf:Person" in out and "       1  foaf:Group" in out


def test_graph_per_file_lets_queries_compare_files(person_file, tmp_path):
    other = tmp_path / "more.ttl"
    other.write_text('<https://example.org/cat> <http://xmlns.com/foaf/0.1/name> "Cat" .')
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    out = run("query", str(person_file), str(other), "--graph-per-file", "-q", q, "--format", "csv")
    assert out.stdout.splitlines() == ["g,n", "file:///more.ttl,1", "file:///people.ttl,4"]


def test_ctrl_c_exits_at_once_with_130(tmp_path):
    data = tmp_path / "d.nt"
    data.write_text("".join(f"<http://e/{i}> <http://e/p> <http://e/{i % 9}> .\n" for i in range(2000)))
    proc = subprocess.Popen([str(EXE), "query", str(data), "-q",
                             "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    assert proc.poll() is None  # still computing
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 1.5
    assert proc.returncode == 130 and err == "interrupted\n" and out == ""
