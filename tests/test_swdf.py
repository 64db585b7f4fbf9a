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


# ---------------------------------------------------------------------- the importer
from collections import Counter  # noqa: E402

from rdflib import Graph, Literal, URIRef  # noqa: E402

import kg_connect  # noqa: E402
from conftest import DATA, EXAMPLES  # noqa: E402
from kg_connect.importers import import_swdf  # noqa: E402
from kg_connect.importers.swdf import idea_key  # noqa: E402

Y2010, Y2011 = SWDF / "iswc-2010-complete.rdf", SWDF / "iswc-2011-complete.rdf"
OTHER = DATA / "swdf" / "eswc-2012-sample.ttl"
SUBJECT = [URIRef("http://purl.org/dc/elements/1.1/subject"), URIRef("http://purl.org/dc/terms/subject"),
           URIRef("http://swrc.ontoware.org/ontology#keywords")]


@pytest.fixture(scope="module")
def imported():
    return import_swdf(Y2010, Y2011)


def test_import_maps_both_years_into_our_ontology(imported):
    kg = imported.graph
    assert imported.graphs == {"iswc-2010-complete.rdf": "file:///iswc-2010-complete.rdf",
                               "iswc-2011-complete.rdf": "file:///iswc-2011-complete.rdf"}
    assert {str(g) for g in kg._backend.graph_names()} == set(imported.graphs.values())
    c = imported.counts
    assert c["conferences"] == 2 and c["papers"] == 147 + 217 and c["people"] > 800 and c["mentions"] > 1000
    report = kg.validate(progress=False)
    assert report.conforms, str(report)[:2000]  # warnings (events without a place) allowed
    kinds = Counter(i.kind for i in imported.irregularities)
    # what the data gets wrong or lacks is reported, never fatal
    assert {"missing attendance", "relative IRIs", "date types", "repaired dates", "unreadable dates",
            "no keywords"} <= set(kinds)
    text = imported.summary()
    assert "<faculty-of-computer-science-universitas-indonesia> as <http://data.semanticweb.org/organization/" \
           "faculty-of-computer-science-universitas-indonesia>" in text
    assert "'2011-10-25T9:30:00+02:00' as 2011-10-25T09:30:00+02:00" in text
    assert "time nodes with ical:dateTime (GMT+8)" in text and "xsd:dateTime literals" in text
    # 2010's times are nodes with a local time and a zone: read as the zoned time
    start = kg.query("SELECT ?d WHERE { <http://data.semanticweb.org/conference/iswc/2010/presentation-904> "
                     "schema:startDate ?d }", union=True).rows[0].d
    assert str(start) == "2010-11-09T18:00:00+08:00"


def test_keywords_become_one_idea_per_concept(imported):
    assert idea_key("Linked-Data") == idea_key("linked data") == idea_key("Linked Data ")
    assert idea_key("Ontologies") == idea_key("ontology") and idea_key("Web Services") == "web service"
    assert idea_key("Semantics") == "semantics" and idea_key("analysis") == "analysis"
    kg = imported.graph
    # worked out from the raw files: each paper whose keywords include linked data in any spelling
    raw = Graph()
    for f in (Y2010, Y2011):
        raw.parse(f, format="xml")
    papers = {p for p, _, k in raw.triples((None, None, None)) if _ in SUBJECT and isinstance(k, Literal)
              and str(k).strip().lower().replace("-", " ") in ("linked data", "linked datum")}
    trail = kg_connect.trace(kg, "linked data")
    assert {e for m in trail.mentions for e in m.evidence} >= papers and len(papers) > 30
    idea = trail.idea
    labels = {str(r[0]) for r in kg.query("SELECT ?l WHERE { ?i skos:prefLabel|skos:altLabel ?l }", i=idea,
                                          union=True).rows}
    assert {"Linked Data", "linked data"} <= labels
    # swc:hasTopic <dbpedia:Semantic_Web> joins the keyword "semantic web"
    sw = kg_connect.analysis.find_idea(kg, "semantic web")
    assert kg.query("ASK { ?i skos:exactMatch <http://dbpedia.org/resource/Semantic_Web> }", i=sw,
                    union=True).boolean


def test_ideas_travel_from_2010_to_2011(imported):
    kg = imported.graph
    trail = kg_connect.trace(kg, "linked data")
    years = {m.time.year for m in trail.mentions}
    assert years == {2010, 2011}
    crossing = [h for h in trail.hops if h.source.time.year == 2010 and h.target.time.year == 2011]
    assert crossing, "no hop from ISWC 2010 to ISWC 2011"
    people_2010 = {str(r[0]) for r in kg.query("SELECT ?p WHERE { GRAPH <file:///iswc-2010-complete.rdf> "
                                                "{ ?e schema:attendee ?p } }").rows}
    people_2011 = {str(r[0]) for r in kg.query("SELECT ?p WHERE { GRAPH <file:///iswc-2011-complete.rdf> "
                                                "{ ?e schema:attendee ?p } }").rows}
    for hop in crossing:
        if hop.by_people:  # whoever carried it across was at both conferences
            assert {str(c) for c in hop.carriers} <= people_2010 & people_2011
    assert trail.measures["reach"]["events"] > 10 and trail.groups_reached
    flows = kg_connect.flows(kg)
    assert flows.edges and kg_connect.network_model(kg, "coauthors").model == "join-up"


def test_another_conference_without_code_changes():
    result = import_swdf(Y2010, OTHER)
    kinds = {i.kind for i in result.irregularities}
    assert {"IRI casing", "relative IRIs", "no keywords", "no authors", "no event", "date types"} <= kinds
    text = result.summary()
    assert "<http://data.semanticweb.org/person/christian-bizer> is also written " \
           "<http://data.semanticweb.org/person/Christian-Bizer> (eswc-2012-sample.ttl): taken as one" in text
    assert "1 papers are linked to no talk or proceedings: taken as presented at " \
           "<http://data.semanticweb.org/conference/eswc/2012>" in text  # the conference, not the series above it
    kg = result.graph
    report = kg.validate(progress=False)
    assert report.conforms and not [r for r in report.results if "eswc" in str(r.focus)]  # places inherited
    where = kg.query("SELECT ?e WHERE { ?e schema:attendee <http://data.semanticweb.org/person/ada-example> }",
                     union=True).rows
    assert "http://data.semanticweb.org/conference/eswc/2012/posters" in {str(r[0]) for r in where}
    trail = kg_connect.trace(kg, "linked data")
    last = trail.mentions[-1]
    assert str(last.event) == "http://data.semanticweb.org/conference/eswc/2012/talk/1"
    into = [h for h in trail.hops if h.target.iri == last.iri]
    assert into and any("Christian Bizer" in h.reason for h in into)
    # "Linked-Data; Ontologies" in one literal: two ideas
    about = kg.query("SELECT ?i WHERE { <http://data.semanticweb.org/conference/eswc/2012/paper/1> schema:about ?i }",
                     union=True).rows
    assert sorted(kg.label(r[0]) for r in about) == ["Linked Data", "ontology"]


def test_import_is_all_or_nothing(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text(OTHER.read_text() + "\n<http://x> <http://y> .\n")
    kg = KnowledgeGraph().load(EXAMPLES / "data" / "story.ttl")
    before = len(kg)
    with pytest.raises(kg_connect.LoadError, match=r"broken.ttl:\d+:\d+: "):
        import_swdf(Y2010, bad, graph=kg)
    assert len(kg) == before
    empty = tmp_path / "empty.ttl"
    empty.write_text("<http://x> <http://y> <http://z> .\n")
    with pytest.raises(kg_connect.KgConnectError, match="empty.ttl: no conference or other event found"):
        import_swdf(empty, graph=kg)
    assert len(kg) == before


def test_import_command(tmp_path):
    import json as _json
    import subprocess
    import sys

    kgc = [sys.executable, "-m", "kg_connect"]
    out = subprocess.run(kgc + ["import", "swdf", str(Y2010), str(OTHER), "-o", str(tmp_path / "c.trig")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "taken as one" in out.stderr and "c.trig:" in out.stderr
    trail = subprocess.run(kgc + ["trace", "linked data", str(tmp_path / "c.trig"), "--format", "json"],
                           capture_output=True, text=True, timeout=300)
    assert trail.returncode == 0, trail.stderr
    assert any(m["event"]["label"] == "Talk: Publishing linked data with ease"
               for m in _json.loads(trail.stdout)["mentions"])
    ttl = subprocess.run(kgc + ["import", "swdf", str(OTHER), "-o", str(tmp_path / "c.ttl")],
                         capture_output=True, text=True, timeout=300)
    assert ttl.returncode == 0 and "write .trig or .nq to keep them" in ttl.stderr
    missing = subprocess.run(kgc + ["import", "swdf", str(tmp_path / "nope.rdf")], capture_output=True, text=True)
    assert missing.returncode != 0 and "nope.rdf: no such file" in missing.stderr
