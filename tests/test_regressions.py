"""One test per defect found by trying kg_connect as a new user."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, URIRef

from kg_connect import KgConnectError, KgConnectWarning, KnowledgeGraph, LoadError, QueryError, SaveError
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
    with pytest.warns(KgConnectWarning, match="N-Triples holds one graph, so the triples of 2 named graphs were merged"):
        saved = kg.save(tmp_path / "flat.nt")
    again = KnowledgeGraph(backend=backend).load(saved)
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


# ---------------------------------------------------------------- found by a new-user trial of issue 6
DERIVED = """@prefix ex: <http://ex.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:n "5"^^xsd:int ; ex:m "7"^^xsd:nonNegativeInteger ; ex:b "1"^^xsd:byte ;
     ex:ts "2020-01-01T00:00:00Z"^^xsd:dateTimeStamp .
ex:z ex:n "x"^^xsd:int ; ex:b "300"^^xsd:byte ; ex:m "-5"^^xsd:nonNegativeInteger ;
     ex:ts "2011-10-25T09:30:00"^^xsd:dateTimeStamp ."""
DERIVED_SHAPES = """@prefix ex: <http://ex.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:n ;
  sh:property [ sh:path ex:n ; sh:datatype xsd:int ] , [ sh:path ex:m ; sh:datatype xsd:nonNegativeInteger ] ,
              [ sh:path ex:b ; sh:datatype xsd:byte ] , [ sh:path ex:ts ; sh:datatype xsd:dateTimeStamp ] ."""


def test_sh_datatype_with_derived_xsd_types(backend, tmp_path):
    # Oxigraph stores derived integers as xsd:integer and dateTimeStamp as dateTime: the
    # check reads the stored form (a value in range, a time zone), so valid data passes
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(DERIVED_SHAPES)
    report = KnowledgeGraph(backend=backend).load(DERIVED).validate(shapes, progress=False)
    bad = sorted((str(r.focus_node)[-1], str(r.path).rsplit("/", 1)[-1], str(r.value)) for r in report.results)
    assert bad == [("z", "b", "300"), ("z", "m", "-5"), ("z", "n", "x"), ("z", "ts", "2011-10-25T09:30:00")]
    with pytest.raises(TypeError, match="shapes must be an rdflib Graph, a KnowledgeGraph or a path"):
        KnowledgeGraph().validate(shapes=42)


def test_the_fallback_to_pyshacl_still_reports_ill_typed_literals():
    import rdflib

    shapes = rdflib.Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:T ;
          sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:T ] ; sh:qualifiedMinCount 1 ] .""",
                                  format="turtle")
    kg = KnowledgeGraph().load('<http://ex.org/a> <http://ex.org/t> "2011-10-25T9:30:00+02:00"^^'
                               '<http://www.w3.org/2001/XMLSchema#dateTime> .')
    report = kg.validate(shapes, progress=False)
    assert report.engine == "pyshacl" and not report.conforms
    assert [str(r.value) for r in report.violations] == ["2011-10-25T9:30:00+02:00"]


def test_shapes_with_no_targets_are_said_to_check_nothing(tmp_path):
    empty = tmp_path / "not-shapes.ttl"
    empty.write_text('<http://ex.org/a> <http://ex.org/p> 1 .')
    with pytest.warns(KgConnectWarning, match="hold no SHACL shape with a target"):
        KnowledgeGraph().validate(empty, progress=False)


def test_short_construct_where_takes_parameters(backend):
    kg = KnowledgeGraph(backend=backend).load(
        "<http://ex.org/a> <http://ex.org/k> <http://ex.org/b> . <http://ex.org/c> <http://ex.org/k> <http://ex.org/d> .")
    a = URIRef("http://ex.org/a")
    query = "CONSTRUCT WHERE { ?x <http://ex.org/k> ?y }"
    assert len(kg.query(query, x=a)) == 1 and len(kg.query(query, x=[])) == 0 and len(kg.query(query)) == 2
    with pytest.raises(QueryError) as info:
        kg.query("CONSTRUCT WHERE { ?x <http://ex.org/k> ?y . ?a ?b }", x=a)
    err = info.value  # positions in the caller's text, not in the rewritten one
    assert err.query.startswith("CONSTRUCT WHERE") and err.query[err.column - 1] == "}"


def test_an_update_takes_a_list_of_one(backend):
    kg = KnowledgeGraph(backend=backend).load('<http://ex.org/a> <http://ex.org/age> 3 .')
    kg.update("DELETE WHERE { ?x <http://ex.org/age> ?a }", x=[URIRef("http://ex.org/a")])
    assert len(kg) == 0
    with pytest.raises(QueryError, match="an update takes one value per parameter, not 2"):
        kg.update("DELETE WHERE { ?x ?p ?o }", x=[URIRef("http://ex.org/a"), URIRef("http://ex.org/b")])


def test_n_triples_with_relative_iris_is_a_syntax_error_not_a_base_question(tmp_path):
    path = tmp_path / "rel.nt"
    path.write_text("<a> <http://ex.org/p> <b> .\n")
    with pytest.raises(LoadError, match=r"N-Triples allows only absolute IRIs, and <a> is relative"):
        KnowledgeGraph().load(path, base_iri="http://base.org/")


def test_utf16_rdfxml_without_a_bom(tmp_path):
    text = ('<?xml version="1.0" encoding="UTF-16LE"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="http://ex.org/a"><rdf:value>café</rdf:value></rdf:Description></rdf:RDF>')
    path = tmp_path / "u16.rdf"
    path.write_bytes(text.encode("utf-16-le"))
    kg = KnowledgeGraph().load(path)
    assert [str(r.v) for r in kg.query("SELECT ?v WHERE { ?s rdf:value ?v }")] == ["café"]


def test_control_characters_from_data_never_reach_messages(tmp_path):
    path = tmp_path / "esc.nt"
    path.write_bytes(b"<http://ex.org/\x1b[31m> <http://ex.org/p> 1 .\n")
    with pytest.raises(LoadError) as info:
        KnowledgeGraph().load(path)
    assert "\x1b" not in str(info.value) and "␛" in str(info.value)


def test_a_guessed_format_is_named_in_the_error():
    with pytest.raises(LoadError, match=r"\(the data was read as turtle: pass format= if it is another\)"):
        KnowledgeGraph().load(b'<http://e/a> <http://e/p> <http://e/b> <http://e/g> <http://e/x> .')
    # and one line that is N-Quads is read as N-Quads
    kg = KnowledgeGraph().load(b'<http://e/a> <http://e/p> <http://e/b> <http://e/g> .')
    assert kg.query("ASK { GRAPH <http://e/g> { ?s ?p ?o } }").boolean


def _cli_tool() -> str:
    return str(Path(sys.executable).parent / "kg-connect")


def test_cli_bad_timeouts_are_usage_errors():
    for bad in ("0", "-1", "nan", "inf", "soon"):
        out = _cli("query", "-", "-q", "ASK {}", "--timeout", bad, input="")
        assert out.returncode == 2 and "Traceback" not in out.stderr and "--timeout" in out.stderr, bad


def test_cli_output_file_permissions_and_errors(tmp_path):
    data = tmp_path / "d.ttl"
    data.write_text('<http://e/a> <http://e/p> "x" .')
    old = os.umask(0o022)
    try:
        new = tmp_path / "new.csv"
        assert _cli("query", str(data), "-q", "SELECT * { ?s ?p ?o }", "-o", str(new)).returncode == 0
        assert new.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.csv"
        kept.write_text("old")
        kept.chmod(0o640)
        assert _cli("query", str(data), "-q", "SELECT * { ?s ?p ?o }", "-o", str(kept)).returncode == 0
        assert kept.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)
    out = _cli("query", str(data), "-q", "ASK {}", "-o", "/nonexistent/dir/x.csv")
    assert out.returncode == 2 and ".tmp" not in out.stderr and "/nonexistent/dir does not exist" in out.stderr


def test_cli_info_lists_prefixes_and_blank_node_graphs_and_counts_one_triple(tmp_path):
    rdf = tmp_path / "x.rdf"
    rdf.write_text('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:zz="http://zz.org/">'
                   '<rdf:Description rdf:about="http://e/a"><zz:p>1</zz:p></rdf:Description></rdf:RDF>')
    out = _cli("info", str(rdf)).stdout.splitlines()
    assert out[0] == "1 triple" and "  zz: <http://zz.org/>" in out
    trig = tmp_path / "b.trig"
    trig.write_text("_:g { <http://e/a> <http://e/p> 1 }")
    assert any(line.strip().startswith("1  _:") for line in _cli("info", str(trig)).stdout.splitlines())


def test_cli_table_cuts_long_cells(tmp_path):
    data = tmp_path / "big.nt"
    data.write_text(f'<http://e/a> <http://e/p> "{"x" * 100_000}" .\n')
    out = _cli("query", str(data), "-q", "SELECT ?o { ?s ?p ?o }")
    assert len(out.stdout) < 1000 and "cells cut at 80 characters: --format tsv gives them whole" in out.stdout
    assert len(_cli("query", str(data), "-q", "SELECT ?o { ?s ?p ?o }", "--format", "tsv").stdout) > 100_000


def test_cli_load_of_several_files_into_a_store_is_all_or_nothing(tmp_path):
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text("<http://e/a> <http://e/p> 1 .")
    bad.write_text('<http://e/b> <http://e/p> "unterminated .')
    store = tmp_path / "store"
    out = _cli("load", "--store", str(store), str(good), str(bad))
    assert out.returncode == 2 and "bad.ttl:1:" in out.stderr
    assert _cli("info", "--store", str(store)).stdout.startswith("0 triples")


def test_cli_json_for_graphs_keeps_lexical_forms(tmp_path):
    data = tmp_path / "d.ttl"
    data.write_text('<http://e/a> <http://e/p> "1"^^<http://www.w3.org/2001/XMLSchema#double> .')
    out = _cli("query", str(data), "-q", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "json")
    assert '"@value":"1"' in out.stdout.replace(" ", "")


def test_cli_shows_inverse_paths_readably(tmp_path):
    shapes, data = tmp_path / "s.ttl", tmp_path / "d.ttl"
    shapes.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        <http://e/S> a sh:NodeShape ; sh:targetNode <http://e/p1> ;
          sh:property [ sh:path [ sh:inversePath foaf:member ] ; sh:maxCount 1 ] .""")
    data.write_text("<http://e/g1> <http://xmlns.com/foaf/0.1/member> <http://e/p1> . "
                    "<http://e/g2> <http://xmlns.com/foaf/0.1/member> <http://e/p1> .")
    out = _cli("validate", str(data), "--shapes", str(shapes))
    assert out.returncode == 1 and "http://e/p1 ^(foaf:member):" in out.stdout


def _python_children() -> set[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if "kg_connect._worker" in line}


@pytest.mark.parametrize("where", ["memory", "store"])
def test_cli_ctrl_c_with_a_timeout_ends_the_query_process_too(tmp_path, where):
    import signal
    import time

    data = tmp_path / "d.nt"
    data.write_text("".join(f"<http://e/{i}> <http://e/p> <http://e/{i % 9}> .\n" for i in range(500)))
    store = tmp_path / "store"
    args = ["query", "-q", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }", "--timeout", "60"]
    if where == "store":
        assert _cli("load", "--store", str(store), str(data)).returncode == 0
        args += ["--store", str(store)]
    else:
        args.append(str(data))
    before = _python_children()
    proc = subprocess.Popen([_cli_tool(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    time.sleep(3)
    assert proc.poll() is None
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends Ctrl-C: to the whole process group
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 1.5 and proc.returncode == 130 and err == "interrupted\n"
    time.sleep(0.5)
    assert _python_children() == before  # no query process left computing
    assert not list(tmp_path.glob(".store.snapshot-*"))  # and no snapshot left beside the store


def test_cli_timed_queries_on_a_store_leave_no_snapshot(tmp_path):
    data = tmp_path / "d.nt"
    data.write_text('<http://e/a> <http://e/p> "1" .\n')  # N-Triples has no bare numbers
    store = tmp_path / "st"
    assert _cli("load", "--store", str(store), str(data)).returncode == 0
    out = _cli("query", "--store", str(store), "-q", "ASK { ?s ?p ?o }", "--timeout", "30")
    assert out.stdout.strip() == "yes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.nt", "st"]
