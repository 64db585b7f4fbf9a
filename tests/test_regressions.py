"""One test per defect found by trying kg_connect as a new user."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, URIRef

from kg_connect import KgConnectError, KnowledgeGraph, LoadError, QueryError, SaveError
from kg_connect.widgets import ResultsView

BOMB_ENTITIES = "".join(
    f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(10))}">' for i in range(1, 4))


def test_entity_guard_is_not_bypassed_by_a_long_comment(backend):
    doc = ('<?xml version="1.0"?>\n<!--' + "x" * 100_000 + '-->\n<!DOCTYPE rdf:RDF [ <!ENTITY l0 "lol">'
           + BOMB_ENTITIES + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')
    with pytest.raises(LoadError, match="nested entities are refused"):
        KnowledgeGraph(backend=backend).load(doc, format="rdfxml")


def test_entity_declarations_the_guard_cannot_read_are_refused():
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY\n\tx\n"y" > <!ENTITY z SYSTEM> ]>\n'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')
    with pytest.raises(LoadError, match="refused"):
        KnowledgeGraph().load(doc, format="rdfxml")


def test_blank_nodes_of_two_loads_stay_apart(backend):
    kg = KnowledgeGraph(backend=backend)
    kg.load('_:x <http://e/name> "one" .\n', format="nt")
    kg.load('_:x <http://e/name> "two" .\n', format="nt")
    assert len(kg.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }")) == 2


def test_blank_node_parameters_are_refused(backend):
    kg = KnowledgeGraph(backend=backend).load('_:x <http://e/name> "one" . _:y <http://e/name> "two" .', format="turtle")
    b = kg.query("SELECT ?s WHERE { ?s ?p 'one' }").rows[0].s
    assert isinstance(b, BNode)
    for value in (b, [b]):
        with pytest.raises(QueryError, match="a blank node cannot be bound"):
            kg.query("SELECT ?n WHERE { ?s <http://e/name> ?n }", s=value)


def test_an_empty_list_matches_nothing(backend):
    kg = KnowledgeGraph(backend=backend).load('<http://e/a> <http://e/name> "A" .')
    assert kg.query("SELECT ?s ?n WHERE { ?s <http://e/name> ?n }", s=[]).rows == []


def test_rdf_star_is_a_clear_error_and_loses_nothing_on_rdflib():
    kg = KnowledgeGraph(backend="rdflib").load('<http://e/a> <http://e/p> "kept" .')
    with pytest.raises(LoadError, match="triple terms"):
        kg.load("<< <http://e/a> <http://e/p> <http://e/b> >> <http://e/src> <http://e/c> .", format="turtle")
    assert len(kg) == 1


def test_one_line_data_is_not_taken_for_a_path(backend):
    kg = KnowledgeGraph(backend=backend)
    kg.load('_:b <http://e/p> "x" .', format="nt")
    kg.load("PREFIX ex: <http://e/> ex:a ex:p 1 .")
    assert len(kg) == 2
    with pytest.raises(ValueError, match="unknown format 'bogus'"):
        kg.load("x", format="bogus")
    with pytest.raises(LoadError, match="no such file"):
        kg.load("missing-file.ttl")


def test_reopening_a_store_held_by_another_graph_says_so(tmp_path):
    first = KnowledgeGraph(path=tmp_path / "s")
    with pytest.raises(LoadError, match="open in another KnowledgeGraph"):
        KnowledgeGraph(path=tmp_path / "s")
    first.close()
    KnowledgeGraph(path=tmp_path / "s").close()


def test_save_keeps_permissions_and_symlinks_and_wraps_os_errors(tmp_path):
    kg = KnowledgeGraph().load('<http://e/a> <http://e/p> "x" .')
    real = tmp_path / "real.ttl"
    real.write_text("old")
    real.chmod(0o644)
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    kg.save(link)
    assert link.is_symlink() and "<http://e/a>" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o644
    with pytest.raises(SaveError):
        kg.save("/proc/kg-connect-test.ttl")
    with pytest.raises(SaveError, match="is a folder"):
        kg.save(tmp_path)


def test_triples_in_several_graphs_are_saved_once(backend, tmp_path):
    kg = KnowledgeGraph(backend=backend).load(
        '<http://e/g> { <http://e/s> <http://e/p> "shared" } <http://e/h> { <http://e/s> <http://e/p> "shared" }',
        format="trig")
    again = KnowledgeGraph(backend=backend).load(kg.save(tmp_path / "flat.nt"))
    assert len(again) == 1 and (tmp_path / "flat.nt").read_text().count("shared") == 1


def test_unknown_prefix_is_named_the_same_on_both_backends(backend):
    kg = KnowledgeGraph(backend=backend)
    for query in ("SELECT ?s WHERE { ?s zz:p ?o }", "SELECT ?s WHERE { ?s dcat:p ?o }"):
        with pytest.raises(QueryError, match="unknown prefix") as info:
            kg.query(query)
        assert (info.value.line, info.value.column) == (1, 22)
    # declared in the query: fine
    assert kg.query("PREFIX zz: <http://e/> SELECT ?s WHERE { ?s zz:p ?o }").rows == []


def test_rdflib_switches_are_restored_after_timeouts():
    import rdflib.plugins.sparql as rs

    kg = KnowledgeGraph(backend="rdflib")
    kg.add([(URIRef(f"http://e/{i}"), URIRef("http://e/p"), URIRef(f"http://e/{j}"))
            for i in range(40) for j in range(40)])
    with pytest.raises(QueryError):
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?b ?q ?c . ?c ?r ?d }", timeout=0.2)
    assert kg.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1").rows  # parses fine meanwhile
    import time
    for _ in range(600):
        if rs.SPARQL_LOAD_GRAPHS:
            break
        time.sleep(0.1)
    assert rs.SPARQL_LOAD_GRAPHS is True and rs.SPARQL_DEFAULT_GRAPH_UNION is True


def test_bad_timeouts_page_sizes_and_names():
    kg = KnowledgeGraph()
    for bad in (0, -1, "1"):
        with pytest.raises(ValueError, match="timeout must be a positive number"):
            kg.query("ASK {}", timeout=bad)
    with pytest.raises(ValueError, match="page_size must be at least 1"):
        ResultsView(kg.query("ASK {}"), kg, page_size=0)
    with pytest.raises(QueryError, match="no named query 'nosuch'"):
        kg.ask_named("nosuch")


def test_empty_labels_fall_back(backend):
    kg = KnowledgeGraph(backend=backend).load(
        '<http://e/a> <http://www.w3.org/2000/01/rdf-schema#label> "" ; <http://xmlns.com/foaf/0.1/name> "Ann" .')
    assert kg.label(URIRef("http://e/a")) == "Ann"


def _cli(*args: str, **kw) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "kg-connect"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120, **kw)


def test_cli_query_file_not_utf8_and_broken_pipe(tmp_path):
    data = tmp_path / "d.nt"
    data.write_text("".join(f'<http://e/{i}> <http://e/p> "{i}" .\n' for i in range(5000)))
    rq = tmp_path / "q.rq"
    rq.write_bytes("SELECT * WHERE { ?s ?p ?o }".encode("utf-16"))
    out = _cli("query", str(data), "-q", f"@{rq}")
    assert out.returncode == 2 and "not UTF-8" in out.stderr and "Traceback" not in out.stderr
    exe = Path(sys.executable).parent / "kg-connect"
    pipe = subprocess.run(f"'{exe}' query '{data}' -q 'SELECT * {{ ?s ?p ?o }}' | head -1",
                          shell=True, capture_output=True, text=True, timeout=120, env=os.environ)
    assert "Broken pipe" not in pipe.stderr


def test_cli_table_shows_blank_nodes_and_one_row(tmp_path):
    data = tmp_path / "b.nt"
    data.write_text('_:x <http://e/p> "a\\nb" .\n')
    out = _cli("query", str(data), "-q", "SELECT ?s ?o WHERE { ?s ?p ?o }")
    lines = out.stdout.splitlines()
    assert lines[2].startswith("_:") and "a\\nb" in lines[2] and lines[-1] == "(1 row)"


def test_kg_connect_errors_for_everything_a_magic_user_mistypes():
    from kg_connect._notebook import CellError, run_cell

    kg = KnowledgeGraph()
    for kwargs, message in (({"limit": 0}, "--limit must be at least 1"),
                            ({"timeout": -1}, "--timeout must be a positive"),
                            ({"out": "1bad"}, "is not a Python variable name")):
        with pytest.raises(CellError, match=message):
            run_cell("ASK {}", {"kg": kg}, **kwargs)
    assert issubclass(CellError, KgConnectError)
