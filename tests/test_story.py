"""The story dataset models the blog post: what it names is there, and queryable without inference."""

from __future__ import annotations

import pytest

from conftest import STORY
from kg_connect import KnowledgeGraph


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph().load(STORY)


def names(kg, query):
    return {str(r[0]) for r in kg.query(query).rows}


def test_every_named_person_is_there(kg):
    people = names(kg, "SELECT ?n WHERE { ?p a foaf:Person ; foaf:name ?n }")
    for who in ("David Wilcox", "Tom Phillips", "John Popham", "Drew Mackie", "James Derounian",
                "Clay Shirky", "Linda Quinn", "Geoff Mulgan", "Toby Blume", "Peter Wanless",
                "Beth Kanter", "Allison Fine"):
        assert who in people, who
    assert any(n.startswith("Corrina") for n in people) and any(n.startswith("Andy") for n in people)
    assert any(n.startswith("Tessy") for n in people) and any(n.startswith("Laura") for n in people)


def test_every_named_organisation_is_there(kg):
    orgs = names(kg, "SELECT ?n WHERE { ?o skos:prefLabel|foaf:name ?n . { ?o a org:Organization } UNION { ?o a foaf:Group } }")
    for name in ("Kent Connects", "Big Lottery Fund", "People Powered Change", "Urban Forum",
                 "Your Square Mile", "Media Trust", "UnLtd", "Young Foundation", "Transition Network"):
        assert any(name in o for o in orgs), name


def test_the_events_of_the_post_are_all_typed_schema_event(kg):
    events = names(kg, "SELECT ?l WHERE { ?e a schema:Event ; rdfs:label ?l }")
    for name in ("Kent Connects Developing Solutions Camp", "Business of Collaboration", "localism"):
        assert any(name in e for e in events), name
    assert len(events) >= 10


def test_the_social_app_store_travelled_from_manchester_to_kent_with_david(kg):
    rows = kg.query("""SELECT ?event ?carrier WHERE {
        ?e prov:qualifiedUsage ?m . ?m prov:entity ?i ; prov:atTime ?t ; kgc:carriedBy/foaf:name ?carrier .
        ?i skos:prefLabel "social app store"@en . ?e rdfs:label ?event } ORDER BY ?t""").rows
    assert [str(r.carrier) for r in rows] == ["David Wilcox", "David Wilcox"]
    assert "Manchester" in str(rows[0].event) and "Kent" in str(rows[1].event)


def test_undated_things_say_their_dates_are_estimates(kg):
    assert kg.query("ASK { ?x kgc:dateIsEstimate true ; skos:editorialNote ?why }").boolean


def test_the_three_model_networks_declare_their_model():
    for model, name in (("joinUs", "model-1-join-us"), ("joinIn", "model-2-join-in"), ("joinUp", "model-3-join-up")):
        kg = KnowledgeGraph().load(STORY.parent / f"{name}.ttl")
        assert kg.query(f"ASK {{ ?x kgc:networkModel kgc:{model} }}").boolean, name
