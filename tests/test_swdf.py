"""Real data nobody here wrote: Semantic Web Dog Food, ISWC 2010 and 2011 (RDF/XML)."""

from __future__ import annotations

import pytest

from conftest import SWDF
from kg_connect import KgConnectWarning, KnowledgeGraph


@pytest.fixture(scope="module")
def iswc() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.load(SWDF / "iswc-2010-complete.rdf")
    with pytest.warns(KgConnectWarning) as caught:
        kg.load(SWDF / "iswc-2011-complete.rdf")
    messages = sorted(str(w.message) for w in caught)
    # the two years disagree on dc: (elements in 2010, terms in 2011), and 2011 has relative IRIs
    assert "declares dc: as <http://purl.org/dc/terms/>, but dc: already means <http://purl.org/dc/elements/1.1/>" \
        in messages[0]
    assert "relative IRIs (the first is <faculty-of-computer-science-universitas-indonesia>" in messages[1]
    return kg


def test_both_years_load_on_both_backends(backend):
    kg = KnowledgeGraph(backend=backend).load(SWDF / "iswc-2010-complete.rdf")
    assert len(kg) == 14_864
    people = kg.query("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a foaf:Person }").rows[0].n
    assert int(people) > 500


def test_questions_on_conference_data(iswc):
    res = iswc.query("""
        PREFIX swc: <http://data.semanticweb.org/ns/swc/ontology#>
        SELECT ?name (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
          ?paper foaf:maker ?person . ?person foaf:name ?name .
        } GROUP BY ?name ORDER BY DESC(?papers) ?name LIMIT 5""")
    assert len(res) == 5 and int(res.rows[0].papers) >= int(res.rows[4].papers) >= 2
    labels = iswc.labels(r[0] for r in iswc.query("SELECT ?p WHERE { ?p a foaf:Person } LIMIT 20").rows)
    assert all(labels.values()) and not any(v.startswith("http") for v in labels.values())


def test_validation_runs_on_real_data(iswc):
    report = iswc.validate(progress=False)
    # the shapes find nothing wrong; two ISWC 2011 times are ill-typed (hours "9" and "109")
    assert [str(r.value) for r in report.violations] == ["2011-10-26T109:30:00+02:00", "2011-10-25T9:30:00+02:00"]
    assert all(r.component.endswith("DatatypeConstraintComponent") for r in report.violations)
    assert iswc.validate(literals=False, progress=False).conforms


def test_real_data_round_trips_through_turtle(iswc, tmp_path):
    again = KnowledgeGraph().load(iswc.save(tmp_path / "iswc.ttl"))
    assert len(again) == len(iswc)
