"""The library of named questions, each checked on the story dataset against rows
written by hand from the blog post's story (examples/data/story.ttl)."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg_connect import QueryError
from kg_connect.queries import catalogue, get

ON_SERVERS = True  # the parity suite: these tests also run on real servers (conftest.SERVERS)

S = "https://w3id.org/kg-connect/examples/story/"


def P(local):
    return URIRef(S + local)


def table(results, kg) -> list[tuple]:
    return [tuple(kg.qname(t) if isinstance(t, URIRef) else (None if t is None else str(t)) for t in row)
            for row in results.rows]


def test_catalogue_lists_documented_queries():
    names = [q.name for q in catalogue()]
    for name in ("person", "organisation", "event", "idea", "event-attendees", "idea-trail",
                 "idea-origin", "ideas-spread-by-event", "groups-without-contact",
                 "shared-ideas-never-met"):
        assert name in names
    for q in catalogue():
        assert q.title and q.description, q.name
        for p in q.params:
            assert p.type in ("iri", "string", "integer", "date") and p.description
            assert f"?{p.name}" in q.text
    assert repr(get("idea-trail")) == "<NamedQuery idea-trail(idea: iri): Idea trail>"


def test_unknown_query_lists_the_names():
    with pytest.raises(KeyError, match="no named query 'idea-trial'; known: event, "):
        get("idea-trial")


def test_parameter_errors_say_what_it_takes(story):
    with pytest.raises(QueryError, match=r"idea-trail: missing parameter\(s\) idea; it takes: idea \(iri\)"):
        story.ask_named("idea-trail")
    with pytest.raises(QueryError, match=r"unknown parameter\(s\) ide"):
        story.ask_named("idea-trail", ide=P("idea/social-app-store"))


def test_idea_trail_of_the_social_app_store(story):
    # Manchester (ABCD conference, where David met Corrina and Andy) -> Kent camp, carried by David
    rows = table(story.ask_named("idea-trail", idea=P("idea/social-app-store")), story)
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows] == [
        ("2011-11-18T12:45:00Z", "event:abcd-conference", "kgc:discussed", "person:david-wilcox", None),
        ("2011-11-25T14:00:00Z", "event:kent-camp", "kgc:discussed", "person:david-wilcox",
         "event:abcd-conference"),
    ]
    assert rows[1][4] in ("report:sociable-events", "report:sociable-events-personal")


def test_idea_trail_accepts_a_prefixed_name(story):
    story.load('@prefix idea: <https://w3id.org/kg-connect/examples/story/idea/> .', format="turtle")
    assert len(story.ask_named("idea-trail", idea="idea:social-app-store")) == 2


def test_idea_trail_of_peer_to_peer_sharing(story):
    # Toby Blume and Peter Wanless presented; John Popham reported it into the PPC discussion;
    # David carried it into the planned pilot
    rows = table(story.ask_named("idea-trail", idea=P("idea/peer-to-peer-sharing")), story)
    assert [(r[1], r[2], r[3], r[5]) for r in rows] == [
        ("event:toby-peter-presentations", "kgc:presented", "person:peter-wanless", None),
        ("event:toby-peter-presentations", "kgc:presented", "person:toby-blume", None),
        ("event:ppc-discussion", "kgc:reported", "person:john-popham", "event:toby-peter-presentations"),
        ("event:peer-to-peer-pilot", "kgc:adopted", "person:david-wilcox", "event:ppc-discussion"),
    ]


def test_idea_origin(story):
    rows = table(story.ask_named("idea-origin", idea=P("idea/strategic-opportunism")), story)
    assert [r[:3] for r in rows] == [
        ("event:localism-conference", "2011-11-03T12:00:00Z", "person:james-derounian")]
    ties = table(story.ask_named("idea-origin", idea=P("idea/peer-to-peer-sharing")), story)
    assert [r[2] for r in ties] == ["person:peter-wanless", "person:toby-blume"]


def test_ideas_spread_by_the_manchester_abcd_conference(story):
    rows = table(story.ask_named("ideas-spread-by-event", event=P("event/abcd-conference")), story)
    assert sorted(r[0] for r in rows) == [
        "idea:community-engagement-iphone-app", "idea:social-app-store", "idea:strategic-opportunism"]
    assert all(r[1] == "1" for r in rows)  # each went on to the Kent camp


def test_ideas_spread_by_the_ppc_discussion(story):
    rows = table(story.ask_named("ideas-spread-by-event", event=P("event/ppc-discussion")), story)
    assert sorted(r[0] for r in rows) == [
        "idea:network-models-diagram", "idea:peer-to-peer-pilot", "idea:peer-to-peer-sharing"]


def test_who_attended_the_kent_camp(story):
    rows = table(story.ask_named("event-attendees", event=P("event/kent-camp")), story)
    assert rows == [("person:david-wilcox", "David Wilcox"), ("person:tom-phillips", "Tom Phillips")]


def test_groups_with_no_recorded_contact_with_the_social_app_store(story):
    rows = table(story.ask_named("groups-without-contact", idea=P("idea/social-app-store")), story)
    names = [r[1] for r in rows]
    # Kent Connects organised the Kent camp and Forever Manchester the ABCD conference:
    # both met the idea. The People Powered Change partners did not.
    assert "Kent Connects" not in names and "Forever Manchester" not in names
    for name in ("Media Trust", "UnLtd", "Young Foundation", "Your Square Mile", "Urban Forum",
                 "Transition Network"):
        assert name in names


def test_people_who_share_ideas_but_never_met(story):
    rows = table(story.ask_named("shared-ideas-never-met"), story)
    # David carried networky leadership and peer-to-peer sharing on after Toby Blume and
    # Peter Wanless presented them, at events he did not attend with them.
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("person:david-wilcox", "person:peter-wanless", "2"),
        ("person:david-wilcox", "person:toby-blume", "2"),
    ]


def test_everything_about_john_popham(story):
    rows = set(table(story.ask_named("person", person=P("person/john-popham")), story))
    for expected in [("name", "John Popham"), ("attended", "event:ppc-discussion"),
                     ("carried idea", "idea:peer-to-peer-sharing"), ("role", "kgc:socialReporter"),
                     ("knows", "person:david-wilcox"), ("member of", "group:people-powered-change")]:
        assert expected in rows


def test_everything_about_media_trust(story):
    rows = set(table(story.ask_named("organisation", organisation=P("group/media-trust")), story))
    assert {("name", "Media Trust"), ("funded by", "group:big"), ("partner of", "group:unltd"),
            ("partner of", "group:young-foundation"), ("partner of", "group:your-square-mile")} <= rows


def test_everything_about_the_kent_camp(story):
    rows = set(table(story.ask_named("event", event=P("event/kent-camp")), story))
    assert {("name", "Kent Connects Developing Solutions Camp"), ("organiser", "group:kent-connects"),
            ("attendee", "person:tom-phillips"), ("idea", "idea:social-app-store"),
            ("session", "event:kent-camp-conversation-tom"), ("location", "Kent"),
            ("start", "2011-11-25")} <= rows


def test_everything_about_the_social_app_store(story):
    rows = set(table(story.ask_named("idea", idea=P("idea/social-app-store")), story))
    assert {("label", "social app store"), ("appeared at", "event:abcd-conference"),
            ("appeared at", "event:kent-camp"), ("narrower", "idea:community-engagement-iphone-app")} <= rows


def test_list_parameter_binds_several_values(story):
    res = story.query("SELECT ?name WHERE { ?p foaf:name ?name } ORDER BY ?name",
                      p=[P("person/tom-phillips"), P("person/john-popham")])
    assert [str(r.name) for r in res] == ["John Popham", "Tom Phillips"]
    assert story.query("SELECT ?p WHERE { ?p foaf:name ?n }", n=["nobody", 'x" } #']).rows == []


def test_list_parameter_in_named_query(story):
    res = story.ask_named("event-attendees", event=[P("event/kent-camp"), P("event/abcd-conference")])
    assert "Tom Phillips" in {str(r.name) for r in res}


def test_timeout_stops_a_long_query_and_the_graph_stays_usable(make_kg):
    kg = make_kg()
    kg.add([(P(f"n{i}"), P("p"), P(f"n{j}")) for i in range(60) for j in range(60)])
    import time

    from kg_connect import QueryTimeout
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="stopped after 0.5 s"):
        kg.query("SELECT * WHERE { ?a ?p ?b . ?b ?q ?c . ?c ?r ?d . ?d ?s ?e }", timeout=0.5)
    assert time.monotonic() - start < 5
    assert kg.query("ASK { ?s ?p ?o }", timeout=5).boolean


def test_results_values_read_as_rdflib_terms(story):
    row = story.ask_named("event-attendees", event=P("event/kent-camp")).rows[0]
    assert row.name == Literal("David Wilcox") and isinstance(row.attendee, URIRef)
