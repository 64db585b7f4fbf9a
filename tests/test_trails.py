"""Idea trails (kg_connect.trace, spread, flows) on the story, worked out by hand from it,
on small graphs whose answers are known by construction, and through the command line."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
from rdflib import URIRef

from conftest import STORY
from kg_connect import KgConnectError, KnowledgeGraph, flows, spread, trace

ON_SERVERS = True  # the parity suite: these tests also run on real servers (conftest.SERVERS)

S = "https://w3id.org/kg-connect/examples/story/"
E = "https://e.org/"
KGC = [sys.executable, "-m", "kg_connect"]


@pytest.fixture(scope="module")
def story():
    return KnowledgeGraph().load(STORY)


def labels(nodes):
    return [n["label"] for n in nodes]


def test_the_social_app_store_from_manchester_to_kent(story):
    trail = trace(story, "Social App Store")  # a label, in any case
    d = trail.to_dict()
    assert d["idea"] == {"iri": S + "idea/social-app-store", "label": "social app store"}
    assert [m["event"]["label"] for m in d["first"]] == ["Asset Based Community Development conference in Manchester"]
    assert [(m["time"], m["event"]["iri"], m["role"]) for m in d["mentions"]] == [
        ("2011-11-18T12:45:00Z", S + "event/abcd-conference", "discussed"),
        ("2011-11-25T14:00:00Z", S + "event/kent-camp", "discussed")]
    assert labels(d["mentions"][0]["carriers"]) == ["David Wilcox"]
    assert labels(d["mentions"][0]["evidence"]) == ["How sociable events can help build networks and connect ideas"]
    [hop] = d["hops"]
    assert hop["explicit"] is True and labels(hop["carriers"]) == ["David Wilcox"]
    assert "David Wilcox carried it at both" in hop["reason"]
    assert d["carriers"] == [{"iri": S + "person/david-wilcox", "label": "David Wilcox", "hops": 1}]
    reached = {g["label"]: g["first_reached"] for g in d["groups_reached"]}
    assert reached["Forever Manchester"] == "2011-11-18T12:45:00Z"  # the organiser in Manchester
    assert reached["Community Action:MK"] == "2011-11-18T12:45:00Z"  # Corrina's and Andy's group
    assert reached["Kent Connects"] == "2011-11-25T14:00:00Z"  # the organiser in Kent, a week later
    without = labels(d["groups_without_contact"])
    assert "Big Lottery Fund" in without and "Forever Manchester" not in without
    m = d["measures"]
    assert m["depth"] == 1 and m["max_breadth"] == 1 and m["reach"]["events"] == 2
    assert m["structural_virality"] == 1.0 and m["explicit_hops"] == 1 and m["inferred_hops"] == 0
    assert m["days_to_reach_groups"][S + "group/kent-connects"] == pytest.approx(7.05, abs=0.01)
    assert d["problems"] == [] and d["undated"] == []
    json.dumps(d)  # JSON-ready


def test_the_network_models_diagram_travels_two_hops_with_david(story):
    trail = trace(story, "idea:network-models-diagram")  # a prefixed name
    assert [m.time_text[:10] for m in trail.mentions] == ["2009-02-05", "2011-11-21", "2011-11-25"]
    assert trail.measures["depth"] == 2 and trail.carriers == [(URIRef(S + "person/david-wilcox"), 2)]
    assert trace(story, S + "idea/network-models-diagram").mentions == trail.mentions  # an IRI
    assert trace(story, "network models diagram").idea == trail.idea  # its alternative label


def test_an_inferred_hop_says_who_or_what_links_the_events(story):
    trail = trace(story, "networky leadership by chief executives")
    inferred = [h for h in trail.hops if not h.explicit]
    assert len(inferred) == 1
    assert "People Powered Change was at both" in inferred[0].reason


def test_narrower_ideas_join_the_trail_marked_with_their_idea(story):
    narrow = trace(story, "social app store", narrower=True)
    ideas = {m.idea for m in narrow.mentions}
    assert ideas == {URIRef(S + "idea/social-app-store"), URIRef(S + "idea/community-engagement-iphone-app")}
    assert len(narrow.mentions) == 4 and trace(story, "social app store").measures["reach"]["mentions"] == 2
    assert {m["idea"]["label"] for m in narrow.to_dict()["mentions"]} == {
        "social app store", "iPhone app for community engagement"}


def test_labels_are_found_case_and_accent_insensitively_and_ambiguity_is_an_error():
    kg = KnowledgeGraph().load(f"""@prefix kgc: <https://w3id.org/kg-connect/ns#> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <{E}i1> a kgc:Idea ; skos:prefLabel "Café Culture"@en .
    <{E}i2> a kgc:Idea ; skos:prefLabel "open data"@en .
    <{E}i3> a kgc:Idea ; skos:prefLabel "Open Data"@fr .
    """, format="turtle")
    assert trace(kg, "cafe culture").idea == URIRef(E + "i1")
    with pytest.raises(KgConnectError, match="'OPEN DATA' names 2 ideas; say which with its IRI") as err:
        trace(kg, "OPEN DATA")
    assert f"<{E}i2>" in str(err.value) and f"<{E}i3>" in str(err.value)
    with pytest.raises(KgConnectError, match="no idea is labelled 'nothing like it'"):
        trace(kg, "nothing like it")


def chain(n: int, seed: int, *, explicit: bool) -> tuple[KnowledgeGraph, list[str]]:
    """An idea passed along n events in date order; event k and k+1 share one person who
    carries it on. Returns the graph and the people in hop order."""
    rng = random.Random(seed)
    people = [f"p{rng.randrange(10**6)}x{k}" for k in range(n)]
    lines = ["@prefix kgc: <https://w3id.org/kg-connect/ns#> . @prefix prov: <http://www.w3.org/ns/prov#> .",
             "@prefix schema: <https://schema.org/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .",
             "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix org: <http://www.w3.org/ns/org#> .",
             f"<{E}idea> a kgc:Idea ; <http://www.w3.org/2004/02/skos/core#prefLabel> \"the idea\" ."]
    order = list(range(n))
    rng.shuffle(order)  # written in random order: the trail must sort them
    for k in order:
        day = f"2020-01-{k + 1:02d}"
        attendees = [people[k]] + ([people[k - 1]] if k else [])
        lines.append(f"<{E}e{k}> a schema:Event ; schema:startDate \"{day}\"^^xsd:date ; "
                     f"schema:attendee {', '.join(f'<{E}{p}>' for p in attendees)} ; prov:qualifiedUsage <{E}m{k}> .")
        prev = f" ; kgc:previousMention <{E}m{k - 1}>" if explicit and k else ""
        carrier = people[k - 1] if k else people[0]
        lines.append(f"<{E}m{k}> a kgc:IdeaMention ; prov:entity <{E}idea> ; "
                     f"prov:atTime \"{day}T10:00:00Z\"^^xsd:dateTime ; kgc:carriedBy <{E}{carrier}>{prev} .")
        lines.append(f"<{E}{people[k]}> a foaf:Person ; foaf:name \"{people[k]}\" ; org:memberOf <{E}g{k % 3}> .")
    for g in range(4):
        lines.append(f"<{E}g{g}> a org:Organization ; foaf:name \"group {g}\" .")
    return KnowledgeGraph().load("\n".join(lines), format="turtle"), people


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("explicit", [True, False])
def test_a_chain_of_events_is_traced_hop_by_hop(seed, explicit):
    n = 6 + seed
    kg, people = chain(n, seed, explicit=explicit)
    trail = trace(kg, E + "idea")
    assert [str(m.event) for m in trail.mentions] == [f"{E}e{k}" for k in range(n)]
    assert len(trail.hops) == n - 1 and all(h.explicit is explicit for h in trail.hops)
    for k, hop in enumerate(trail.hops, start=1):
        assert str(hop.source.event) == f"{E}e{k - 1}" and str(hop.target.event) == f"{E}e{k}"
        assert hop.carriers[0] == URIRef(E + people[k - 1])  # the one person at both
        if not explicit:
            assert hop.reason == f"{people[k - 1]} carried it at both" or f"{people[k - 1]} attended both" in hop.reason
    assert trail.measures["depth"] == n - 1 and trail.measures["max_breadth"] == 1
    # a chain of n: mean distance between pairs is (n + 1) / 3
    assert trail.measures["structural_virality"] == pytest.approx((n + 1) / 3, abs=0.001)
    reached = [g["label"] for g in trail.to_dict()["groups_reached"]]
    assert reached == ["group 0", "group 1", "group 2"]  # in the order the chain met them
    assert [g["label"] for g in trail.to_dict()["groups_without_contact"]] == ["group 3"]


def test_nothing_is_dropped_undated_contradictory_and_backwards(story):
    kg, _ = chain(4, 7, explicit=True)
    kg.update(f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX kgc: <https://w3id.org/kg-connect/ns#>
      PREFIX schema: <https://schema.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
      INSERT DATA {{
        <{E}e9> a schema:Event ; prov:qualifiedUsage <{E}m9> .
        <{E}m9> a kgc:IdeaMention ; prov:entity <{E}idea> .
        <{E}m2> prov:atTime "2020-01-20T10:00:00Z"^^xsd:dateTime .
        <{E}e5> a schema:Event ; schema:startDate "2019-06-01"^^xsd:date ; prov:qualifiedUsage <{E}m5> .
        <{E}m5> a kgc:IdeaMention ; prov:entity <{E}idea> ; prov:atTime "2019-06-01T10:00:00Z"^^xsd:dateTime ;
                kgc:previousMention <{E}m3> .
      }}""")
    trail = trace(kg, E + "idea")
    assert [str(m.iri) for m in trail.undated] == [E + "m9"]
    kinds = {(p["kind"], p["mention"]) for p in trail.problems}
    assert ("contradictory dates", E + "m2") in kinds  # two dates for one mention
    assert ("back in time", E + "m5") in kinds  # its previous mention is later than it
    assert not any(str(h.target.iri) == E + "m5" for h in trail.hops)
    assert E + "m9" in {m["iri"] for m in trail.to_dict()["undated"]}
    # a recorded hop that cannot hold does not leave the mention an orphan: a hop is inferred
    last = max((m for m in trail.mentions), key=lambda m: m.time)
    someone = next(iter(kg.query("SELECT ?p WHERE { ?e schema:attendee ?p }", e=last.event).rows))[0]
    kg.update(f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX kgc: <https://w3id.org/kg-connect/ns#>
      PREFIX schema: <https://schema.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
      INSERT DATA {{
        <{E}e6> a schema:Event ; schema:startDate "2030-01-01"^^xsd:date ; schema:attendee <{someone}> ;
                prov:qualifiedUsage <{E}m6> .
        <{E}m6> a kgc:IdeaMention ; prov:entity <{E}idea> ; prov:atTime "2030-01-01T10:00:00Z"^^xsd:dateTime ;
                kgc:previousMention <{E}m7> .
        <{E}e7> a schema:Event ; schema:startDate "2031-01-01"^^xsd:date ; prov:qualifiedUsage <{E}m7> .
        <{E}m7> a kgc:IdeaMention ; prov:entity <{E}idea> ; prov:atTime "2031-01-01T10:00:00Z"^^xsd:dateTime .
      }}""")
    again = trace(kg, E + "idea")
    assert ("back in time", E + "m6") in {(p["kind"], p["mention"]) for p in again.problems}
    into = [h for h in again.hops if str(h.target.iri) == E + "m6"]
    assert len(into) == 1 and not into[0].explicit and into[0].source.iri == last.iri


def test_spread_and_flows_on_the_story(story):
    passed = spread(story, "event:abcd-conference")
    assert {(i["idea"], i["to_event"]) for i in passed.items} == {
        ("social app store", "Kent Connects Developing Solutions Camp"),
        ("iPhone app for community engagement", "Kent Connects Developing Solutions Camp"),
        ("strategic opportunism", "Kent Connects Developing Solutions Camp")}
    assert all(i["through"] == "David Wilcox" for i in passed.items)
    f = flows(story)
    edge = next(e for e in f.edges if e["from"] == S + "event/abcd-conference" and e["to"] == S + "event/kent-camp")
    assert sorted(edge["idea_labels"]) == ["iPhone app for community engagement", "social app store",
                                           "strategic opportunism"]
    g = f.to_networkx()
    assert g.has_edge(S + "event/localism-conference", S + "event/abcd-conference")
    assert all(e["carriers"] == [] or not e["carrier_labels"][0].startswith("How ") for e in f.edges)  # people only
    assert len(f.to_dataframe()) == len(f.edges)


def test_views_escape_labels():
    kg = KnowledgeGraph().load(f"""@prefix kgc: <https://w3id.org/kg-connect/ns#> .
    @prefix prov: <http://www.w3.org/ns/prov#> . @prefix schema: <https://schema.org/> .
    <{E}i> a kgc:Idea ; <http://www.w3.org/2000/01/rdf-schema#label> "<img src=x onerror=alert(1)>" .
    <{E}e> a schema:Event ; <http://www.w3.org/2000/01/rdf-schema#label> "</td><script>alert(2)</script>" ;
        schema:startDate "2020-01-01" ; prov:qualifiedUsage <{E}m> .
    <{E}m> a kgc:IdeaMention ; prov:entity <{E}i> .""", format="turtle")
    page = trace(kg, E + "i")._repr_html_()
    assert "<img" not in page and "<script>" not in page and "&lt;img src=x" in page and "&lt;/td&gt;" in page


def test_the_command_line_prints_a_table_and_the_json_contract():
    out = subprocess.run(KGC + ["trace", "social app store", str(STORY)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[1].startswith("2011-11-18T12:45  Asset Based Community Development conference in Manchester")
    assert "(first)" in lines[1] and "<- Asset Based Community Development conference" in out.stdout
    assert "carriers: David Wilcox (1)" in out.stdout and "no recorded contact: Big Lottery Fund" in out.stdout
    js = subprocess.run(KGC + ["trace", "idea:social-app-store", str(STORY), "--format", "json"], capture_output=True,
                        text=True, timeout=120)
    data = json.loads(js.stdout)
    assert set(data) == {"idea", "first", "mentions", "hops", "carriers", "groups_reached", "groups_without_contact",
                         "undated", "problems", "measures"}
    assert set(data["mentions"][0]) == {"iri", "idea", "event", "time", "role", "carriers", "evidence", "groups"}
    assert set(data["hops"][0]) == {"from", "to", "explicit", "carriers", "reason"}
    bad = subprocess.run(KGC + ["trace", "network", str(STORY)], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "no idea is labelled 'network'. Did you mean:" in bad.stderr


def test_introductions_pair_people_who_met_the_same_ideas_apart(story):
    from kg_connect import introductions

    found = introductions(story)
    pairs = {frozenset((found.labels[p.a], found.labels[p.b])): p for p in found.pairs}
    # Corrina showed the app in Manchester, Tom talked in Kent: the same ideas, never met
    pair = pairs[frozenset(("Corrina Milner", "Tom Phillips"))]
    assert {found.labels[i] for i in pair.ideas} >= {"social app store", "iPhone app for community engagement"}
    assert "Manchester" in pair.reason and "Kent" in pair.reason and "no recorded link" in pair.reason
    # people who know each other or met are never listed
    assert frozenset(("David Wilcox", "Tom Phillips")) not in pairs
    assert frozenset(("Corrina Milner", "Andy MacDermott")) not in pairs
    shared = [len(p.ideas) for p in found.pairs]
    assert shared == sorted(shared, reverse=True) and len(found) <= 20
    out = subprocess.run(KGC + ["introduce", str(STORY), "--limit", "3"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.count("<->") == 3
