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
def test_every_format_loads_from_a_file_by_suffix(kg, tmp_path, fmt):
    path = tmp_path / f"people{SUFFIX[fmt]}"
    path.write_text(SAME_DATA[fmt], encoding="utf-8")
    kg.load(path)
    assert len(kg) == 5
    assert names_anywhere(kg) == ["Ada Lovelace", "Charles Babbage"]


@pytest.mark.parametrize("fmt", sorted(SAME_DATA))
def test_every_format_loads_from_a_string_bytes_and_file_object(backend, fmt):
    for source in (SAME_DATA[fmt], SAME_DATA[fmt].encode(), io.BytesIO(SAME_DATA[fmt].encode()),
                   io.StringIO(SAME_DATA[fmt])):
        kg = KnowledgeGraph(backend=backend).load(source, format=fmt)
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


def test_relative_iris_in_a_file_resolve_against_its_name_with_a_warning(kg, tmp_path):
    path = tmp_path / "rel.ttl"
    path.write_text("<http://e/x> <http://e/p> 1 .\n<a> <b> <c> .")
    with pytest.warns(KgConnectWarning, match=r"rel.ttl: relative IRIs \(the first is <a> at line 2, "
                      r"column 1\) were resolved against <file:///rel.ttl>; pass base_iri="):
        kg.load(path)
    (s,), = kg.query("SELECT ?s { ?s <file:///b> ?o }").rows
    assert str(s) == "file:///a"  # the same wherever the file sits
    other = KnowledgeGraph(backend=kg.backend)
    other.load(path, base_iri="https://example.org/data/")  # a chosen base: no warning
    assert other.query("ASK { <https://example.org/data/a> ?p ?o }").boolean


def test_relative_iris_in_a_string_need_a_base(kg):
    with pytest.raises(LoadError, match=r"<string>:1:1: relative IRI <a> needs a base: pass base_iri="):
        kg.load("<a> <http://e/p> 1 .")
    kg.load("<a> <http://e/p> 1 .", base_iri="http://e/")
    assert len(kg) == 1


def test_named_graphs_follow_sparql_dataset_semantics(kg):
    kg.load(SAME_DATA["trig"], format="trig")
    assert len(kg) == 5
    assert names(kg) == []  # the default graph is empty
    in_graphs = "SELECT DISTINCT ?n WHERE { GRAPH ?g { ?p foaf:name ?n } } ORDER BY ?n"
    assert [str(r.n) for r in kg.query(in_graphs)] == ["Ada Lovelace", "Charles Babbage"]
    kg.load(TURTLE_FULL)
    assert len(kg) == 10  # 5 quads in the named graph, 5 in the default graph
    assert names(kg) == ["Ada Lovelace", "Charles Babbage"]
    assert kg.query("SELECT ?g { GRAPH ?g { ?s ?p ?o } } LIMIT 1").rows[0][0] == URIRef(f"{EX}g")


def test_len_repr_and_namespaces(kg):
    assert repr(kg) == f"<KnowledgeGraph {kg.backend} memory: 0 triples>"
    kg.load(TURTLE_FULL)
    assert len(kg) == 5
    assert repr(kg).endswith(": 5 triples>")
    assert kg.namespaces["ex"] == EX
    assert kg.namespaces["kgc"] == str(KGC)
    assert kg.namespaces["schema"] == "https://schema.org/"


def test_add_triples(kg):
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
def test_save_and_reload_round_trips(kg, tmp_path, fmt, backend):
    kg.load(TURTLE_FULL)
    path = kg.save(tmp_path / f"out{SUFFIX[fmt]}")
    again = KnowledgeGraph(backend=backend).load(path)
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


def test_closed_graph_says_so(backend):
    kg = KnowledgeGraph(backend=backend)
    kg.close()
    assert repr(kg).endswith("closed>")
    with pytest.raises(KgConnectError, match="closed"):
        kg.query("ASK {}")


def test_unknown_backend_lists_the_choices():
    with pytest.raises(ValueError, match="unknown backend 'oxygraph'; expected one of: oxigraph, rdflib"):
        KnowledgeGraph(backend="oxygraph")
    with pytest.raises(ValueError, match="in memory only"):
        KnowledgeGraph(path="x", backend="rdflib")


def test_to_rdflib_copies_everything(kg):
    kg.load(SAME_DATA["trig"], format="trig")
    ds = kg.to_rdflib()
    assert len(list(ds.quads())) == 5
    assert {str(g.identifier) for g in ds.graphs() if len(g)} == {f"{EX}g"}


def test_data_file_with_bom_loads(kg, tmp_path):
    path = Path(tmp_path / "bom.ttl")
    path.write_bytes(b"\xef\xbb\xbf" + TURTLE_FULL.encode())
    kg.load(path)
    assert len(kg) == 5
