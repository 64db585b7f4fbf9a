"""KnowledgeGraph: loading every format, atomicity, labels, saving — on every backend."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import FOAF, RDFS

from kg_connect import KGC, KgConnectError, KnowledgeGraph, LoadError, SaveError
from kg_connect.errors import KgConnectWarning

ON_SERVERS = True  # the parity suite: these tests also run on real servers (conftest.SERVERS)

EX = "https://example.org/"
HEAD = f"@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n@prefix ex: <{EX}> .\n"
BODY = """ex:ada a foaf:Person ; foaf:name "Ada Lovelace" ; foaf:knows ex:charles .
ex:charles a foaf:Person ; foaf:name "Charles Babbage"@en .
"""
TURTLE_FULL = HEAD + BODY

SAME_DATA = {
    "turtle": TURTLE_FULL,
    "ntriples": f"""<{EX}ada> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person> .
<{EX}ada> <http://xmlns.com/foaf/0.1/name> "Ada Lovelace" .
<{EX}ada> <http://xmlns.com/foaf/0.1/knows> <{EX}charles> .
<{EX}charles> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person> .
<{EX}charles> <http://xmlns.com/foaf/0.1/name> "Charles Babbage"@en .
""",
    "jsonld": json.dumps({
        "@context": {"foaf": "http://xmlns.com/foaf/0.1/"},
        "@graph": [
            {"@id": f"{EX}ada", "@type": "foaf:Person", "foaf:name": "Ada Lovelace",
             "foaf:knows": {"@id": f"{EX}charles"}},
            {"@id": f"{EX}charles", "@type": "foaf:Person",
             "foaf:name": {"@value": "Charles Babbage", "@language": "en"}},
        ],
    }),
    "rdfxml": f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:foaf="http://xmlns.com/foaf/0.1/">
  <foaf:Person rdf:about="{EX}ada">
    <foaf:name>Ada Lovelace</foaf:name>
    <foaf:knows rdf:resource="{EX}charles"/>
  </foaf:Person>
  <foaf:Person rdf:about="{EX}charles"><foaf:name xml:lang="en">Charles Babbage</foaf:name></foaf:Person>
</rdf:RDF>
""",
    "trig": HEAD + "<https://example.org/g> {\n" + BODY + "}\n",
    "nquads": "".join(
        line[:-2] + f" <{EX}g> .\n" for line in f"""<{EX}ada> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person> .
<{EX}ada> <http://xmlns.com/foaf/0.1/name> "Ada Lovelace" .
<{EX}ada> <http://xmlns.com/foaf/0.1/knows> <{EX}charles> .
<{EX}charles> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://xmlns.com/foaf/0.1/Person> .
<{EX}charles> <http://xmlns.com/foaf/0.1/name> "Charles Babbage"@en .
""".splitlines(keepends=True)
    ),
}
SUFFIX = {"turtle": ".ttl", "ntriples": ".nt", "jsonld": ".jsonld", "rdfxml": ".rdf",
          "trig": ".trig", "nquads": ".nq"}
NAMES = "SELECT DISTINCT ?n WHERE { ?p a foaf:Person ; foaf:name ?n } ORDER BY ?n"


def names(kg: KnowledgeGraph) -> list[str]:
    return [str(r.n) for r in kg.query(NAMES)]


def names_anywhere(kg: KnowledgeGraph) -> list[str]:
    query = "SELECT DISTINCT ?n WHERE { { ?p foaf:name ?n } UNION { GRAPH ?g { ?p foaf:name ?n } } } ORDER BY ?n"
    return [str(r.n) for r in kg.query(query)]


@pytest.mark.parametrize("fmt", sorted(SAME_DATA))
def test_every_format_loads_from_a_file_by_suffix(kg, tmp_path, fmt, server_limit):
    if fmt in ("nquads", "trig"):  # their data is in a named graph
        server_limit("virtuoso", "a connection with default_graph= counts only that graph")
    path = tmp_path / f"people{SUFFIX[fmt]}"
    path.write_text(SAME_DATA[fmt], encoding="utf-8")
    kg.load(path)
    assert len(kg) == 5
    assert names_anywhere(kg) == ["Ada Lovelace", "Charles Babbage"]


@pytest.mark.parametrize("fmt", sorted(SAME_DATA))
def test_every_format_loads_from_a_string_bytes_and_file_object(make_kg, fmt):
    for source in (SAME_DATA[fmt], SAME_DATA[fmt].encode(), io.BytesIO(SAME_DATA[fmt].encode()),
                   io.StringIO(SAME_DATA[fmt])):
        kg = make_kg().load(source, format=fmt)
        assert names_anywhere(kg) == ["Ada Lovelace", "Charles Babbage"], (fmt, type(source))


def test_string_path_and_data_are_told_apart(kg, tmp_path):
    path = tmp_path / "p.ttl"
    path.write_text(TURTLE_FULL)
    kg.load(str(path))
    kg.load(SAME_DATA["ntriples"])  # data, sniffed as Turtle (N-Triples is a subset)
    assert len(kg) == 5


def test_format_aliases_and_unknown_format(kg):
    kg.load(SAME_DATA["ntriples"], format="nt")
    with pytest.raises(ValueError, match="unknown format 'tutle'; expected one of: turtle"):
        kg.load(TURTLE_FULL, format="tutle")


def test_unknown_suffix_says_what_to_do(kg, tmp_path):
    path = tmp_path / "people.txt"
    path.write_text(TURTLE_FULL)
    with pytest.raises(LoadError, match=r"people.txt: cannot tell the format .* pass format="):
        kg.load(path)
    kg.load(path, format="turtle")
    assert len(kg) == 5


def test_missing_file_is_a_load_error(kg, tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        kg.load(tmp_path / "nope.ttl")


def test_load_error_has_file_line_column_and_leaves_graph_unchanged(kg, tmp_path):
    kg.load(TURTLE_FULL)
    before = sorted(kg.query("SELECT ?s ?p ?o { ?s ?p ?o }").rows)
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <https://example.org/> .\nex:x ex:p "ok" .\nex:y ex:p ex:z ;\n   ex:q "unterminated .\n')
    with pytest.raises(LoadError) as info:
        kg.load(bad)
    err = info.value
    assert err.source == str(bad) and err.line == 4 and err.column is not None
    assert str(err).startswith(f"{bad}:4:")
    assert sorted(kg.query("SELECT ?s ?p ?o { ?s ?p ?o }").rows) == before


def test_load_error_mid_file_after_many_good_triples_adds_nothing(kg):
    good = "".join(f'<{EX}s{i}> <{EX}p> "{i}" .\n' for i in range(5000))
    with pytest.raises(LoadError) as info:
        kg.load(good + f"<{EX}s> <{EX}p> <not an iri> .\n", format="ntriples")
    assert info.value.line == 5001
    assert len(kg) == 0


def test_relative_iris_in_a_file_resolve_against_its_name_with_a_warning(kg, tmp_path, make_kg):
    path = tmp_path / "rel.ttl"
    path.write_text("<http://e/x> <http://e/p> 1 .\n<a> <b> <c> .")
    with pytest.warns(KgConnectWarning, match=r"rel.ttl: relative IRIs \(the first is <a> at line 2, "
                      r"column 1\) were resolved against <file:///rel.ttl>; pass base_iri="):
        kg.load(path)
    (s,), = kg.query("SELECT ?s { ?s <file:///b> ?o }").rows
    assert str(s) == "file:///a"  # the same wherever the file sits
    other = make_kg()
    other.load(path, base_iri="https://example.org/data/")  # a chosen base: no warning
    assert other.query("ASK { <https://example.org/data/a> ?p ?o }").boolean


def test_relative_iris_in_a_string_need_a_base(kg):
    with pytest.raises(LoadError, match=r"<string>:1:1: relative IRI <a> needs a base: pass base_iri="):
        kg.load("<a> <http://e/p> 1 .")
    kg.load("<a> <http://e/p> 1 .", base_iri="http://e/")
    assert len(kg) == 1


def test_named_graphs_follow_sparql_dataset_semantics(kg, server_limit):
    server_limit("virtuoso", "a connection with default_graph= counts only that graph, and GRAPH ?g also "
                             "ranges over Virtuoso's own system graphs")
    kg.load(SAME_DATA["trig"], format="trig")
    assert len(kg) == 5
    assert names(kg) == []  # the default graph is empty
    in_graphs = "SELECT DISTINCT ?n WHERE { GRAPH ?g { ?p foaf:name ?n } } ORDER BY ?n"
    assert [str(r.n) for r in kg.query(in_graphs)] == ["Ada Lovelace", "Charles Babbage"]
    kg.load(TURTLE_FULL)
    assert len(kg) == 10  # 5 quads in the named graph, 5 in the default graph
    assert names(kg) == ["Ada Lovelace", "Charles Babbage"]
    assert kg.query("SELECT ?g { GRAPH ?g { ?s ?p ?o } } LIMIT 1").rows[0][0] == URIRef(f"{EX}g")


def test_a_query_can_ask_for_the_union_of_all_graphs(kg, server_limit):
    server_limit("virtuoso", "a connection with default_graph= counts only that graph, and GRAPH ?g also "
                             "ranges over Virtuoso's own system graphs")
    kg.load(SAME_DATA["trig"], format="trig")
    union = "SELECT DISTINCT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n"
    assert names(kg) == [] and [str(r.n) for r in kg.query(union, union=True)] == ["Ada Lovelace", "Charles Babbage"]
    assert names(kg) == []  # only that query: the next one sees the default graph again
    assert kg.query("ASK { ?p foaf:name ?n }", union=True, timeout=30).boolean  # a timed query too
    # labels name things wherever their labels are
    ada = kg.query("SELECT ?p WHERE { ?p foaf:name 'Ada Lovelace' }", union=True).rows[0][0]
    assert kg.label(ada) == "Ada Lovelace"
    rows = list(kg.query("SELECT ?p ?g WHERE { GRAPH ?g { ?p ?x ?y } }").rows.tuples())
    assert len({id(r[1]) for r in rows}) == 1  # one term, one object


def test_len_repr_and_namespaces(kg):
    remote = kg.backend == "endpoint"  # a remote store is not counted for a repr: that may take long
    url = getattr(kg._backend, "query_url", "")
    assert repr(kg) == (f"<KnowledgeGraph endpoint {url} (writable)>" if remote else
                        f"<KnowledgeGraph {kg.backend} memory: 0 triples>")
    kg.load(TURTLE_FULL)
    assert len(kg) == 5
    assert repr(kg).endswith(" (writable)>" if remote else ": 5 triples>")
    assert kg.namespaces["ex"] == EX
    assert kg.namespaces["kgc"] == str(KGC)
    assert kg.namespaces["schema"] == "https://schema.org/"


def test_add_triples(kg, server_limit):
    server_limit("virtuoso", "a connection with default_graph= counts only that graph, and GRAPH ?g also "
                             "ranges over Virtuoso's own system graphs")
    ada = URIRef(f"{EX}ada")
    kg.add((ada, FOAF.name, Literal("Ada")))
    kg.add([(ada, RDFS.label, "Ada L."), (BNode(), RDFS.label, 1)])
    kg.add((ada, RDFS.comment, Literal("in g"), URIRef(f"{EX}g")))
    assert len(kg) == 4
    assert kg.query("ASK { GRAPH <https://example.org/g> { ?s ?p ?o } }").boolean
    with pytest.raises(TypeError, match="not a triple"):
        kg.add(("not a term", FOAF.name, "x"))


@pytest.mark.parametrize("prop,value,expected", [
    ("rdfs:label", '"Label"@en', "Label"),
    ("skos:prefLabel", '"Pref"@en', "Pref"),
    ("foaf:name", '"Name"', "Name"),
    ("schema:name", '"Schema name"', "Schema name"),
])
def test_label_uses_each_label_property(kg, prop, value, expected):
    kg.update(f"INSERT DATA {{ <{EX}x> {prop} {value} }}")
    assert kg.label(URIRef(f"{EX}x")) == expected


def test_label_prefers_rdfs_label_and_english(kg):
    kg.load(HEAD + """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ex:x foaf:name "Name" ; rdfs:label "Etikett"@de , "Label"@en ; skos:prefLabel "Pref" .""")
    assert kg.label(URIRef(f"{EX}x")) == "Label"


def test_label_falls_back_to_ontology_then_prefixed_name_then_iri(kg):
    assert kg.label(KGC.IdeaMention) == "Idea mention"  # our own terms: from the shipped ontology
    assert kg.label(KGC.noSuchTerm) == "kgc:noSuchTerm"
    assert kg.label(URIRef("http://xmlns.com/foaf/0.1/Person")) == "foaf:Person"
    assert kg.label(URIRef("urn:x:1")) == "urn:x:1"
    assert kg.label(Literal("text")) == "text"


def test_label_of_a_hostile_iri_is_plain_text(kg):
    evil = URIRef(f"{EX}x")
    kg.add((evil, RDFS.label, Literal('<img src=x onerror=alert(1)>')))
    assert kg.label(evil) == '<img src=x onerror=alert(1)>'


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_save_and_reload_round_trips(kg, tmp_path, fmt, backend, make_kg):
    kg.load(TURTLE_FULL)
    path = kg.save(tmp_path / f"out{SUFFIX[fmt]}")
    again = make_kg().load(path)
    assert names(again) == ["Ada Lovelace", "Charles Babbage"]
    assert len(again) == 5


def test_save_turtle_uses_prefixes(kg, tmp_path):
    kg.load(TURTLE_FULL)
    text = kg.save(tmp_path / "out.ttl").read_text()
    assert "foaf:name" in text and "ex:ada" in text


def test_save_failure_leaves_the_old_file_intact(kg, tmp_path, monkeypatch):
    target = tmp_path / "keep.ttl"
    target.write_text("old contents")
    kg.load(TURTLE_FULL)

    def broken_dump(out, fmt, prefixes):
        out.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(kg._store, "dump", broken_dump)
    with pytest.raises(SaveError, match="disk full"):
        kg.save(target)
    assert target.read_text() == "old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.ttl"]  # no temporary file left


def test_save_errors_are_clear(kg, tmp_path):
    with pytest.raises(SaveError, match="cannot tell the format"):
        kg.save(tmp_path / "x.unknown")
    with pytest.raises(SaveError, match="does not exist"):
        kg.save(tmp_path / "no" / "x.ttl")


def test_closed_graph_says_so(make_kg):
    kg = make_kg()
    kg.close()
    assert repr(kg).endswith("closed>")
    with pytest.raises(KgConnectError, match="closed"):
        kg.query("ASK {}")


def test_unknown_backend_lists_the_choices():
    with pytest.raises(ValueError, match="unknown backend 'oxygraph'; expected one of: oxigraph, rdflib"):
        KnowledgeGraph(backend="oxygraph")
    with pytest.raises(ValueError, match="in memory only"):
        KnowledgeGraph(path="x", backend="rdflib")


def test_to_rdflib_copies_everything(kg, server_limit):
    server_limit("virtuoso", "a connection with default_graph= counts only that graph, and GRAPH ?g also "
                             "ranges over Virtuoso's own system graphs")
    kg.load(SAME_DATA["trig"], format="trig")
    ds = kg.to_rdflib()
    assert len(list(ds.quads())) == 5
    assert {str(g.identifier) for g in ds.graphs() if len(g)} == {f"{EX}g"}


def test_data_file_with_bom_loads(kg, tmp_path):
    path = Path(tmp_path / "bom.ttl")
    path.write_bytes(b"\xef\xbb\xbf" + TURTLE_FULL.encode())
    kg.load(path)
    assert len(kg) == 5


# ---------------------------------------------------------------- real data: graphs, encodings, gz, URLs
def test_load_into_a_named_graph_or_one_per_file(kg, tmp_path, server_limit):
    server_limit("virtuoso", "a connection with default_graph= counts only that graph, and GRAPH ?g also "
                             "ranges over Virtuoso's own system graphs")
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_text(TURTLE_FULL)
    b.write_text('<https://example.org/x> <http://xmlns.com/foaf/0.1/name> "X" .')
    kg.load(a, graph="https://example.org/people").load(b, graph=True)
    assert names(kg) == []  # nothing in the default graph
    rows = kg.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g").rows
    assert [(str(g), int(n)) for g, n in rows] == [("file:///b.ttl", 1), ("https://example.org/people", 5)]
    if kg.backend != "endpoint":
        assert repr(kg).endswith("6 quads in 2 named graphs and the default graph>")
    assert len(kg) == 6
    with pytest.raises(LoadError, match="not a file; pass graph=IRI"):
        kg.load(TURTLE_FULL, graph=True)
    with pytest.raises(LoadError, match="is not an IRI"):
        kg.load(a, graph="not an iri")


def test_a_named_graph_for_trig_keeps_its_own_graphs(kg, server_limit):
    server_limit("virtuoso", "a connection with default_graph= counts only that graph, and GRAPH ?g also "
                             "ranges over Virtuoso's own system graphs")
    kg.load("<https://e.org/s> <https://e.org/p> 1 . <https://e.org/g> { <https://e.org/s> <https://e.org/p> 2 }",
            format="trig", graph="https://e.org/file")
    rows = kg.query("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g").rows
    assert [(str(g), int(o)) for g, o in rows] == [("https://e.org/file", 1), ("https://e.org/g", 2)]


def test_rdfxml_and_jsonld_prefixes_join_the_namespaces(kg):
    kg.load(SAME_DATA["rdfxml"].replace('xmlns:foaf=', 'xmlns:swrc="http://swrc.ontoware.org/ontology#" xmlns:foaf='),
            format="rdfxml")
    assert kg.namespaces["swrc"] == "http://swrc.ontoware.org/ontology#"
    kg.load(json.dumps({"@context": {"ex2": "https://example.org/two/", "name": "http://xmlns.com/foaf/0.1/name"},
                        "@id": "ex2:a", "name": "A"}), format="jsonld")
    assert kg.namespaces["ex2"] == "https://example.org/two/" and "name" not in kg.namespaces
    assert kg.qname(URIRef("https://example.org/two/a")) == "ex2:a"


@pytest.mark.parametrize("encoding", ["windows-1252", "iso-8859-1", "utf-16"])
def test_rdfxml_in_any_encoding_xml_allows(kg, tmp_path, encoding):
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:foaf="http://xmlns.com/foaf/0.1/">'
            '<rdf:Description rdf:about="https://example.org/c"><foaf:name>Café Müller</foaf:name></rdf:Description>'
            "</rdf:RDF>")
    path = tmp_path / "enc.rdf"
    path.write_bytes(text.encode(encoding))
    kg.load(path)
    assert [str(r.n) for r in kg.query("SELECT ?n WHERE { ?s foaf:name ?n }")] == ["Café Müller"]


def test_a_wrongly_declared_xml_encoding_is_a_clear_error(kg, tmp_path):
    path = tmp_path / "bad.rdf"
    path.write_bytes(b'<?xml version="1.0" encoding="utf-16"?>\n<rdf:RDF/>')
    with pytest.raises(LoadError):
        kg.load(path)
    path.write_bytes(b'<?xml version="1.0" encoding="no-such-codec"?>\n<rdf:RDF/>')
    with pytest.raises(LoadError, match="unknown XML encoding 'no-such-codec'"):
        kg.load(path)


@pytest.mark.parametrize("fmt", sorted(SAME_DATA))
def test_gzip_files_of_every_format(kg, tmp_path, fmt):
    import gzip

    path = tmp_path / f"people{SUFFIX[fmt]}.gz"
    path.write_bytes(gzip.compress(SAME_DATA[fmt].encode()))
    kg.load(path)
    assert names_anywhere(kg) == ["Ada Lovelace", "Charles Babbage"]


def test_a_url_is_loaded_only_when_the_network_is_allowed(kg):
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = TURTLE_FULL.encode() if self.path == "/people" else b"nope"
            self.send_response(200 if self.path == "/people" else 404)
            self.send_header("Content-Type", "text/turtle; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/people"
    try:
        with pytest.raises(LoadError, match="this is a URL and loading from the network is off; pass allow_network=True"):
            kg.load(url)
        assert len(kg) == 0
        kg.load(url, allow_network=True)  # format from the Content-Type, no suffix needed
        assert names(kg) == ["Ada Lovelace", "Charles Babbage"]
        with pytest.raises(LoadError, match="the server answered 404"):
            kg.load(url + "-missing", allow_network=True)
        with pytest.raises(LoadError, match="cannot load a ftp: URL"):
            kg.load("ftp://127.0.0.1/x.ttl", allow_network=True)
    finally:
        server.shutdown()


def test_a_download_past_the_size_limit_is_refused(kg, monkeypatch):
    import http.server
    import threading

    import kg_connect._loading as loading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.end_headers()
            for i in range(2000):
                self.wfile.write(f'<https://e.org/{i}> <https://e.org/p> "{i}" .\n'.encode())

        def log_message(self, *args):
            pass

    monkeypatch.setattr(loading, "MAX_DOWNLOAD_BYTES", 10_000)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(LoadError, match=r"larger than 9.765\d* KiB; download it yourself"):
            kg.load(f"http://127.0.0.1:{server.server_address[1]}/big.nt", allow_network=True)
        assert len(kg) == 0
    finally:
        server.shutdown()
