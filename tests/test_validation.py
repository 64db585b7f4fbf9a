"""Validation compiled to SPARQL agrees with pySHACL, reports ill-typed literals, names files,
shows progress, and falls back to pySHACL for what it does not compile."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib

import kg_connect._progress as progress_module
from conftest import DATA, EXAMPLES, STORY
from kg_connect import KnowledgeGraph, validate
from kg_connect._validation import pyshacl_report

FIXTURES = sorted((DATA / "shapes").glob("*.ttl")) + sorted((EXAMPLES / "data").glob("*.ttl"))


def key(r) -> tuple:
    """A result, with blank nodes (property shapes, complex paths) named by what they hold."""
    focus = "_:" if isinstance(r.focus_node, rdflib.BNode) else str(r.focus_node)
    value = "_:" if isinstance(r.value, rdflib.BNode) else str(r.value)
    if isinstance(r.value, rdflib.Literal) and isinstance(r.value.toPython(), (int, float, Decimal)):
        value = repr(float(r.value.toPython()))  # Oxigraph keeps numbers canonical: 0.0 is "0"
    path = "_:" if isinstance(r.path, rdflib.BNode) else str(r.path)
    shape = r.source_shape
    if isinstance(shape, rdflib.BNode):
        shape = f"property shape on {path}"
    return (r.severity, focus, path, value, r.component.rsplit("#", 1)[-1], str(shape))


def same_as_pyshacl(kg: KnowledgeGraph, shapes: rdflib.Graph | None = None) -> list:
    ours = validate(kg, shapes, literals=False, progress=False)
    theirs = pyshacl_report(kg, shapes)
    assert ours.engine == "sparql"
    assert sorted(map(key, ours.results)) == sorted(map(key, theirs.results))
    assert ours.conforms == theirs.conforms
    return ours.results


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_the_kg_connect_shapes_agree_with_pyshacl(path):
    same_as_pyshacl(KnowledgeGraph().load(path))


SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .

ex:Thing a rdfs:Class, sh:NodeShape ;                       # an implicit class target
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 2 ; sh:datatype xsd:string ;
                sh:minLength 2 ; sh:maxLength 10 ; sh:pattern "^[a-z]+$" ; sh:flags "i" ] ;
  sh:property [ sh:path ex:age ; sh:datatype xsd:integer ; sh:minInclusive 0 ; sh:maxExclusive 150 ] ;
  sh:property [ sh:path ex:score ; sh:minExclusive 0.0 ; sh:maxInclusive 1.0 ; sh:severity sh:Warning ] ;
  sh:property [ sh:path ex:label ; sh:uniqueLang true ; sh:languageIn ( "en" "fr" ) ] ;
  sh:property [ sh:path ex:kind ; sh:in ( ex:a ex:b ) ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path ex:start ; sh:lessThan ex:end ] ;
  sh:property [ sh:path ex:start ; sh:lessThanOrEquals ex:end2 ] ;
  sh:property [ sh:path ex:alias ; sh:disjoint ex:name ] ;
  sh:property [ sh:path ex:same ; sh:equals ex:same2 ] ;
  sh:property [ sh:path ( ex:friend ex:name ) ; sh:minCount 1 ; sh:severity sh:Info ] ;
  sh:property [ sh:path [ sh:inversePath ex:owns ] ; sh:maxCount 1 ] ;
  sh:property [ sh:path [ sh:alternativePath ( ex:phone ex:email ) ] ; sh:minCount 1 ] ;
  sh:property [ sh:path [ sh:oneOrMorePath ex:partOf ] ; sh:class ex:Group ] ;
  sh:property [ sh:path [ sh:zeroOrMorePath ex:next ] ; sh:nodeKind sh:BlankNodeOrIRI ] ;
  sh:property [ sh:path [ sh:zeroOrOnePath ex:parent ] ; sh:hasValue ex:root ; sh:deactivated true ] ;
  sh:property [ sh:path ex:friend ; sh:node ex:NamedShape ; sh:class ex:Thing ] ;
  sh:property [ sh:path ex:rating ;
                sh:or ( [ sh:datatype xsd:integer ] [ sh:datatype xsd:decimal ] ) ;
                sh:not [ sh:hasValue 13 ] ] ;
  sh:property [ sh:path ex:code ; sh:xone ( [ sh:pattern "^A" ] [ sh:pattern "Z$" ] ) ] ;
  sh:property [ sh:path ex:tag ; sh:and ( [ sh:nodeKind sh:Literal ] [ sh:minLength 3 ] ) ] .

ex:NamedShape a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .

ex:TargetsShape a sh:NodeShape ;
  sh:targetNode ex:special ; sh:targetSubjectsOf ex:owns ; sh:targetObjectsOf ex:memberOf ;
  sh:property [ sh:path ex:id ; sh:minCount 1 ; sh:message "needs an id"@en , "braucht eine ID"@de ] .

ex:ClosedShape a sh:NodeShape ; sh:targetClass ex:Closed ; sh:closed true ;
  sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ;
  sh:property [ sh:path ex:name ] .

ex:SparqlShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:sparql [ a sh:SPARQLConstraint ; sh:message "{$this} ranks higher ({?rank}) than its friend" ;
              sh:select "SELECT $this ?rank WHERE { $this <https://example.org/rank> ?rank ; <https://example.org/friend>/<https://example.org/rank> ?f FILTER(?rank > ?f) }" ] .

ex:InferShape a sh:NodeShape ; sh:targetClass ex:Agent ;      # instances through domain, range, subclasses
  sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""

DATA_TTL = """@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Person rdfs:subClassOf ex:Agent .
ex:hires rdfs:domain ex:Agent ; rdfs:range ex:Agent .
ex:employs rdfs:subPropertyOf ex:hires .
ex:Closed a rdfs:Class .

ex:good a ex:Thing ; ex:name "alice" ; ex:age 30 ; ex:score 0.5 ; ex:label "hi"@en , "salut"@fr ;
  ex:kind ex:a ; ex:start 1 ; ex:end 2 ; ex:end2 1 ; ex:same ex:x ; ex:same2 ex:x ;
  ex:friend ex:good2 ; ex:phone "1" ; ex:partOf ex:g1 ; ex:rating 4 ; ex:code "AB" ; ex:tag "tag" ; ex:rank 3 .
ex:good2 a ex:Thing ; ex:name "bob" ; ex:age 20 ; ex:email "b@e" ; ex:friend ex:good ; ex:rank 1 .
ex:g1 a ex:Group ; ex:partOf ex:g2 . ex:g2 a ex:Group .

ex:bad a ex:Thing ; ex:name "x", "y1", "zz", "much too long a name" ; ex:age -1, "old", "12"^^xsd:decimal ;
  ex:score 0.0, 2 ; ex:label "a"@en, "b"@en, "c"@de, "plain" ; ex:kind ex:c, "ex:a" ;
  ex:start 5 ; ex:end 3 ; ex:end2 4 ; ex:alias "zz" ; ex:same ex:x ; ex:same2 ex:y ;
  ex:friend ex:nameless ; ex:partOf ex:notagroup ; ex:next "literal" ;
  ex:rating 13, 1.5, "five" ; ex:code "AZ", "Q" ; ex:tag "ab", ex:iri .
ex:nameless a ex:Thing ; ex:age 99 .
ex:owner1 ex:owns ex:bad . ex:owner2 ex:owns ex:bad .
ex:special ex:x 1 . ex:z ex:memberOf ex:club .
ex:c1 a ex:Closed ; ex:name "ok" ; ex:extra "not allowed" .
ex:boss ex:employs ex:worker .
ex:p a ex:Person .
"""


def test_every_supported_construct_agrees_with_pyshacl(backend):
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    kg = KnowledgeGraph(backend=backend).load(DATA_TTL)
    results = same_as_pyshacl(kg, shapes)
    components = {r.component.rsplit("#", 1)[-1] for r in results}
    assert len(components) >= 22, components  # the data breaks nearly every rule once
    nameless = {str(r.focus_node) for r in results
                if r.component.endswith("MinCountConstraintComponent") and str(r.path) == "https://example.org/name"}
    # agents by domain, range (through a sub-property) and subclass; ex:nameless is a Thing
    assert nameless == {"https://example.org/boss", "https://example.org/worker", "https://example.org/p",
                        "https://example.org/nameless"}
    sparql = [r.message for r in results if r.component.endswith("SPARQLConstraintComponent")]
    assert sparql == ["https://example.org/good ranks higher (3) than its friend"]


def test_shapes_the_compiler_does_not_cover_fall_back_to_pyshacl():
    shapes = rdflib.Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
          sh:property [ sh:path ex:friend ; sh:qualifiedValueShape [ sh:class ex:Thing ] ;
                        sh:qualifiedMinCount 2 ] .""", format="turtle")
    report = validate(KnowledgeGraph().load(DATA_TTL), shapes, progress=False)
    assert report.engine == "pyshacl" and "qualifiedValueShape" in report.text.splitlines()[0]
    assert {str(r.focus_node) for r in report.violations} >= {"https://example.org/good"}


def test_ill_typed_literals_are_violations_with_their_focus_node(backend, caplog):
    kg = KnowledgeGraph(backend=backend).load("""@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://example.org/talk> <http://www.w3.org/2002/12/cal/ical#dtstart> "2011-10-25T9:30:00+02:00"^^xsd:dateTime ;
            <https://example.org/n> "12x"^^xsd:integer , "maybe"^^xsd:boolean , "ok" , 5 .""")
    with caplog.at_level(logging.WARNING):
        kg.query("SELECT * WHERE { ?s ?p ?o }").rows  # noqa: B018 - converting the terms is the point
        report = kg.validate(progress=False)
    assert not [r for r in caplog.records if "Failed to convert" in r.getMessage()]  # no rdflib traceback
    bad = {(str(r.path).rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(r.value)) for r in report.violations}
    assert bad == {("dtstart", "2011-10-25T9:30:00+02:00"), ("n", "12x"), ("n", "maybe")}
    assert all(str(r.focus_node) == "https://example.org/talk" for r in report.violations)
    assert "is not a valid xsd:dateTime" in report.violations[0].message + report.violations[1].message \
        + report.violations[2].message
    assert kg.validate(literals=False, progress=False).conforms


def test_the_ill_typed_literals_of_iswc_2011(backend):
    import warnings

    kg = KnowledgeGraph(backend=backend)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its relative IRIs
        kg.load(EXAMPLES / "data" / "swdf" / "iswc-2011-complete.rdf")
    report = kg.validate(progress=False)
    assert {str(r.value) for r in report.violations} == {"2011-10-25T9:30:00+02:00", "2011-10-26T109:30:00+02:00"}
    assert {str(r.focus_node).rsplit("/", 1)[-1] for r in report.violations} == {"opening-ceremony",
                                                                                  "conference-dinner"}


def test_with_graphs_per_file_a_violation_names_its_file(tmp_path):
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text('<https://e.org/a> a <http://xmlns.com/foaf/0.1/Person> ; <http://xmlns.com/foaf/0.1/name> "A" .')
    bad.write_text('<https://e.org/b> a <http://xmlns.com/foaf/0.1/Person> .')
    kg = KnowledgeGraph().load(good, graph=True).load(bad, graph=True)
    report = kg.validate(progress=False)
    (violation,) = report.violations
    assert str(violation.focus_node) == "https://e.org/b"
    assert [str(g) for g in violation.graphs] == ["file:///bad.ttl"]
    assert "[in file:///bad.ttl]" in str(violation)


def test_progress_is_reported_and_shown_on_long_runs(monkeypatch, capsys):
    steps: list[tuple[int, int, str]] = []
    kg = KnowledgeGraph().load(STORY)
    kg.validate(progress=lambda done, total, label: steps.append((done, total, label)))
    assert steps and steps[-1][0] == steps[-1][1] and len({s[1] for s in steps}) == 1
    assert any("Event" in label for _, _, label in steps)
    monkeypatch.setattr(progress_module, "DELAY", 0.0)  # as if it had taken long
    monkeypatch.setattr(progress_module, "_factory", progress_module._Stderr)  # not a notebook's widget
    kg.validate()
    err = capsys.readouterr().err
    assert "validating" in err and f"{steps[-1][1]}/{steps[-1][1]}" in err and err.endswith("\n")
    kg.validate(progress=False)
    assert capsys.readouterr().err == ""


def test_both_backends_give_the_same_report():
    reports = [KnowledgeGraph(backend=b).load(STORY).validate(progress=False) for b in ("oxigraph", "rdflib")]
    assert [key(r) for r in reports[0].results] == [key(r) for r in reports[1].results]


def test_an_rdflib_graph_validates_too():
    g = rdflib.Graph().parse(data='<https://e.org/p> a <http://xmlns.com/foaf/0.1/Person> .', format="turtle")
    report = validate(g, progress=False)
    assert not report.conforms and report.graph is None


def test_unknown_inference_is_a_clear_error():
    with pytest.raises(ValueError, match="expected one of: rdfs, none"):
        validate(KnowledgeGraph(), inference="owl")


def test_inference_none_uses_only_the_datas_subclasses():
    kg = KnowledgeGraph().load(DATA_TTL)
    shapes = rdflib.Graph().parse(data=SHAPES, format="turtle")
    ours = validate(kg, shapes, inference="none", literals=False, progress=False)
    theirs = pyshacl_report(kg, shapes, inference="none")
    assert sorted(map(key, ours.results)) == sorted(map(key, theirs.results))
    assert not any(str(r.focus_node).endswith("boss") for r in ours.results)  # no domain inference


def test_cli_validate_shows_progress_on_stderr_for_long_runs(tmp_path):
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "kg-connect"
    code = ("import kg_connect._progress as p; p.DELAY = 0.0\n"
            f"import sys; from kg_connect.cli import main; sys.exit(main(['validate', {str(STORY)!r}]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "validating" in out.stderr and "conforms" in out.stdout
    assert exe.exists()
