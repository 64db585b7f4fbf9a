"""The ontology is code: canonical, documented, consistent, and its shapes tested."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conftest import DATA, EXAMPLES, ROOT
from kg_connect import KGC, KnowledgeGraph, ontology_graph, shapes_graph, validate
from kg_connect._canonical import canonical_turtle

ONTOLOGY = ROOT / "ontology"
TTL_FILES = sorted(ONTOLOGY.glob("*.ttl"))
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
SHAPE_FIXTURES = DATA / "shapes"


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_turtle_is_canonical(path):
    text = path.read_text(encoding="utf-8")
    assert canonical_turtle(rdflib.Graph().parse(data=text, format="turtle")) == text, (
        f"{path.name} is not canonical: rewrite it with kg_connect._canonical.canonical_turtle")


def test_ontology_metadata():
    g = rdflib.Graph().parse(ONTOLOGY / "kg_connect.ttl")
    onto = rdflib.URIRef("https://w3id.org/kg-connect/ns")
    assert (onto, RDF.type, OWL.Ontology) in g
    for prop in (DCTERMS.title, OWL.versionIRI, OWL.versionInfo, DCTERMS.license, DCTERMS.creator,
                 VANN.preferredNamespacePrefix, VANN.preferredNamespaceUri):
        assert g.value(onto, prop) is not None, prop
    assert str(g.value(onto, VANN.preferredNamespaceUri)) == str(KGC)


def test_every_term_of_ours_has_label_definition_example():
    g = rdflib.Graph().parse(ONTOLOGY / "kg_connect.ttl")
    terms = {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(str(KGC))}
    assert len(terms) > 20
    for term in terms:
        assert g.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
        assert g.value(term, SKOS.definition) is not None, f"{term} has no skos:definition"
        assert g.value(term, SKOS.example) is not None, f"{term} has no skos:example"
        assert g.value(term, RDFS.isDefinedBy) is not None, f"{term} has no rdfs:isDefinedBy"


def test_we_put_no_domain_or_range_on_other_vocabularies():
    g = ontology_graph()
    for s in set(g.subjects(RDFS.domain, None)) | set(g.subjects(RDFS.range, None)):
        assert str(s).startswith(str(KGC)), f"{s}: never add a domain or range to someone else's term"


def test_roles_and_ideas_are_individuals_not_classes():
    g = ontology_graph()
    for s in g.subjects(SKOS.inScheme, None):
        assert (s, RDF.type, OWL.Class) not in g, f"{s} is punned as a class"


def test_ontology_readme_is_current():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "ontology_readme.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout
    text = (ONTOLOGY / "README.md").read_text()
    for term in ("`kgc:IdeaMention`", "`kgc:carriedBy`", "`foaf:Person`", "`org:Membership`",
                 "`schema:Event`", "`prov:qualifiedUsage`", "`sioc:Post`"):
        assert term in text


def _rdf_files() -> list[Path]:
    return sorted([*ONTOLOGY.glob("*.ttl"), *(EXAMPLES / "data").glob("*.ttl"), *SHAPE_FIXTURES.glob("*.ttl")])


@pytest.mark.parametrize("path", _rdf_files(), ids=lambda p: p.name)
def test_namespace_lint(path):
    text = path.read_text(encoding="utf-8")
    assert "http://schema.org/" not in text, "store schema.org in its https form only"
    for wrong in ("https://linkedevents.org/", "http://purl.org/ontology/c4dm/event.owl#", "org:subOrganzationOf"):
        assert wrong not in text


def test_shapes_are_valid_shacl():
    from pyshacl import validate as shacl_validate

    shacl_shacl = None  # pyshacl's meta-shacl validates shapes against SHACL-SHACL
    conforms, _, text = shacl_validate(shapes_graph(), shacl_graph=shacl_shacl, meta_shacl=True)
    assert conforms, text


def _shape_names() -> list[str]:
    g = shapes_graph()
    return sorted(str(s).rsplit("#", 1)[-1] for s in g.subjects(RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")))


@pytest.mark.parametrize("shape", _shape_names())
def test_each_shape_has_a_valid_and_an_invalid_fixture(shape):
    valid = SHAPE_FIXTURES / f"{shape}-valid.ttl"
    invalid = sorted(SHAPE_FIXTURES.glob(f"{shape}-invalid-*.ttl"))
    assert valid.exists(), f"missing fixture {valid.name}"
    assert invalid, f"missing fixture {shape}-invalid-01.ttl"
    report = KnowledgeGraph().load(valid).validate()
    assert report.conforms, str(report)
    for path in invalid:
        expect = re.search(r"^# expect: (.+)$", path.read_text(), re.M)
        assert expect, f"{path.name} must say '# expect: <message>'"
        report = KnowledgeGraph().load(path).validate()
        assert not report.conforms, f"{path.name} should not conform"
        messages = [r.message for r in report.violations]
        assert any(expect.group(1).strip() in m for m in messages), (path.name, messages)
        shapes = {str(r.source_shape) for r in report.violations}
        assert any(shape in s for s in shapes) or any(
            expect.group(1).strip() in m for m in messages), shapes


@pytest.mark.parametrize("path", sorted((EXAMPLES / "data").glob("*.ttl")), ids=lambda p: p.name)
def test_example_data_conforms(path):
    report = KnowledgeGraph().load(path).validate()
    assert report.conforms, str(report)


def test_validation_report_fields():
    kg = KnowledgeGraph().load("""@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://e.org/p> a foaf:Person .
<https://e.org/e> a schema:SocialEvent ; rdfs:label "Party" ; schema:startDate "2011-01-01" .""")
    report = validate(kg)
    assert not report.conforms
    by_focus = {str(r.focus_node): r for r in report.violations}
    person = by_focus["https://e.org/p"]
    assert person.severity == "Violation" and str(person.path) == "http://xmlns.com/foaf/0.1/name"
    event = by_focus["https://e.org/e"]  # a SocialEvent is checked as an Event (RDFS inference)
    assert "startDate" in event.message and event.value == rdflib.Literal("2011-01-01")
    assert [r.severity for r in report.warnings] == ["Warning"]  # no location
    assert "violations" in repr(report)


def test_validation_does_not_change_the_data():
    kg = KnowledgeGraph().load("@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<https://e.org/p> a foaf:Person ; foaf:name 'P' .")
    before = len(kg)
    assert kg.validate().conforms
    assert len(kg) == before
