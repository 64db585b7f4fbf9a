"""Real SPARQL servers, started by the tests and stopped after: Oxigraph server (the
``oxigraph`` package's ``oxigraph serve``), read-write. The same answers as the embedded store
on the story and the ISWC data, loaded through our endpoint backend.
"""

from __future__ import annotations

import pytest
from servers import STORY_GRAPH
from test_endpoint import PARITY, _rows

import kg_connect
from conftest import EXAMPLES, SWDF
from kg_connect import KnowledgeGraph


def same_answers(remote, local, query: str, *, describe_may_differ: bool) -> None:
    a, b = remote.query(query), local.query(query)
    if a.form == "ASK":
        assert a.boolean == b.boolean
    elif a.form == "DESCRIBE" and describe_may_differ:  # what describes a node is the server's choice (§16.4)
        assert {tuple(t) for t in a.graph} & {tuple(t) for t in b.graph}
    elif a.form in ("CONSTRUCT", "DESCRIBE"):
        assert {tuple(t) for t in a.graph} == {tuple(t) for t in b.graph}
    elif "isBlank" in query:
        assert len(a) == len(b)  # blank node labels are the server's own
    else:
        assert _rows(a) == _rows(b)


@pytest.fixture(scope="module")
def loaded(oxigraph_server):
    remote = KnowledgeGraph.connect(oxigraph_server["query"], update_url=oxigraph_server["update"], read_only=False)
    remote.load(EXAMPLES / "data" / "story.ttl")
    local = KnowledgeGraph().load(EXAMPLES / "data" / "story.ttl")
    return remote, local


@pytest.mark.parametrize("query", PARITY)
def test_oxigraph_server_gives_the_embedded_answers(loaded, query):
    same_answers(*loaded, query, describe_may_differ=False)


def test_trails_and_shapes_on_oxigraph_server(loaded):
    remote, local = loaded
    assert len(remote) == len(local)
    assert kg_connect.trace(remote, "social app store").to_dict() == kg_connect.trace(local, "social app store").to_dict()
    assert kg_connect.network_model(remote).model == kg_connect.network_model(local).model


def test_iswc_in_named_graphs_on_oxigraph_server(oxigraph_server, tmp_path):
    from kg_connect.importers import import_swdf

    imported = import_swdf(SWDF / "iswc-2010-complete.rdf", SWDF / "iswc-2011-complete.rdf")
    path = imported.graph.save(tmp_path / "iswc.trig")
    remote = KnowledgeGraph.connect(oxigraph_server["query"], update_url=oxigraph_server["update"], read_only=False)
    remote.update("DROP ALL")
    remote.load(path)
    assert {str(g) for g in remote._backend.graph_names()} == set(imported.graphs.values())
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert int(remote.query(q).rows[0][0]) == int(imported.graph.query(q).rows[0][0])
    # the analysis reads every graph: union=True sends the named graphs as default-graph-uri
    assert kg_connect.trace(remote, "linked data").to_dict() == kg_connect.trace(imported.graph, "linked data").to_dict()
    assert len(kg_connect.trace(remote, "linked data").mentions) > 10


@pytest.fixture(scope="module")
def on_virtuoso(virtuoso):
    import httpx

    writer = KnowledgeGraph.connect(virtuoso["query"], update_url=virtuoso["update"], read_only=False,
                                    auth=httpx.DigestAuth("dba", "dba"), default_graph=STORY_GRAPH)
    writer.load(EXAMPLES / "data" / "story.ttl", graph=STORY_GRAPH)
    reader = KnowledgeGraph.connect(virtuoso["query"], default_graph=STORY_GRAPH)
    return reader, KnowledgeGraph().load(EXAMPLES / "data" / "story.ttl")


@pytest.mark.parametrize("query", PARITY)
def test_virtuoso_gives_the_embedded_answers(on_virtuoso, query):
    same_answers(*on_virtuoso, query, describe_may_differ=True)


def test_trails_on_virtuoso(on_virtuoso):
    remote, local = on_virtuoso
    assert kg_connect.trace(remote, "social app store").to_dict() == kg_connect.trace(local, "social app store").to_dict()
    with pytest.raises(kg_connect.EndpointError, match="read-only"):
        remote.update("CLEAR ALL")


def _sent(graph: KnowledgeGraph) -> list[str]:
    """The method and path of every request the graph's client sends from now on (a digest
    challenge's first try, answered 401, not counted)."""
    seen: list[str] = []

    def note(response) -> None:
        if response.status_code != 401:
            seen.append(f"{response.request.method} {response.request.url.path}")

    graph._backend.client.event_hooks["response"].append(note)
    return seen


def test_loads_use_the_graph_store_protocol_in_one_request(oxigraph_server, tmp_path):
    remote = KnowledgeGraph.connect(oxigraph_server["query"], update_url=oxigraph_server["update"], read_only=False)
    remote.update("DROP ALL")
    sent = _sent(remote)
    remote.load(EXAMPLES / "data" / "story.ttl")
    assert [s for s in sent if s.startswith("POST")] == ["POST /store"]  # found by itself: /update -> /store
    local = KnowledgeGraph().load(EXAMPLES / "data" / "story.ttl")
    assert len(remote) == len(local)
    assert kg_connect.trace(remote, "social app store").to_dict() == kg_connect.trace(local, "social app store").to_dict()
    # several graphs at once: one N-Quads request, all of it or nothing
    trig = tmp_path / "two.trig"
    trig.write_text("<urn:g1> { <urn:a> <urn:p> _:x . } <urn:g2> { <urn:b> <urn:p> 1 . }")
    sent.clear()
    remote.load(trig)
    assert [s for s in sent if s.startswith("POST")] == ["POST /store"]
    assert {"urn:g1", "urn:g2"} <= {str(g) for g in remote._backend.graph_names()}
    # a bad file names its line and sends nothing
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:p> 1 .\n<urn:a> <urn:p> .\n")
    sent.clear()
    with pytest.raises(kg_connect.LoadError, match=r"bad.ttl:2:17: "):
        remote.load(bad)
    assert not [s for s in sent if s.startswith("POST")]


def test_a_server_without_a_graph_store_gets_one_update(oxigraph_server):
    remote = KnowledgeGraph.connect(oxigraph_server["query"], update_url=oxigraph_server["update"], read_only=False,
                                    store_url=oxigraph_server["query"].replace("/query", "/nothing-here"))
    remote.update("DROP ALL")
    sent = _sent(remote)
    remote.load(EXAMPLES / "data" / "story.ttl", graph="urn:story")
    assert [s for s in sent if s.startswith("POST")] == ["POST /nothing-here", "POST /update"]
    sent.clear()
    remote.load("<urn:a> <urn:p> 2 .", format="turtle", graph="urn:more")
    assert [s for s in sent if s.startswith("POST")] == ["POST /update"]  # remembered: no second try
    assert len(remote) == len(KnowledgeGraph().load(EXAMPLES / "data" / "story.ttl")) + 1


def test_iswc_on_virtuoso_through_its_graph_store(virtuoso, tmp_path):
    import httpx

    from kg_connect.importers import import_swdf

    imported = import_swdf(SWDF / "iswc-2010-complete.rdf", SWDF / "iswc-2011-complete.rdf")
    writer = KnowledgeGraph.connect(virtuoso["query"], update_url=virtuoso["update"], read_only=False,
                                    auth=httpx.DigestAuth("dba", "dba"))
    sent = _sent(writer)
    names = sorted(imported.graphs.values())
    for n, name in enumerate(names):  # one file per graph, each sent in one Graph Store request
        part = tmp_path / f"{n}.nt"
        imported.graph.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}").graph.serialize(
            part, format="nt", encoding="utf-8")
        writer.load(part, graph=name)
    assert [s for s in sent if s.startswith("POST")] == ["POST /sparql-graph-crud-auth"] * len(names)
    reader = KnowledgeGraph.connect(virtuoso["query"], default_graph=names)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(reader.query(q).rows[0][0]) == int(imported.graph.query(q, union=True).rows[0][0])
    idea = "linked data"
    assert kg_connect.trace(reader, idea).to_dict() == kg_connect.trace(imported.graph, idea).to_dict()
    # Virtuoso cuts every answer at its ResultSetMaxRows (10,000 in Debian's ini) and says so in a
    # header: the answer is marked truncated, and the next rows come with OFFSET
    whole = int(reader.query(q).rows[0][0])
    assert whole > 20_000
    plain = reader.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert len(plain) == 10_000 and plain.truncated and plain.count() == whole
    assert plain.fetch_more() == 10_000 and len(plain) == 20_000  # (without ORDER BY, pages may overlap)
    # and it refuses LIMIT 10001 under ORDER BY ("Sorted TOP clause"): the cap is then read as it comes
    ordered = reader.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", max_rows=10_000)
    assert len(ordered) == 10_000 and ordered.truncated and ordered.count() == whole
    first = [tuple(r) for r in ordered.rows]
    assert [tuple(r) for r in ordered.rows] == first
    # nor OFFSET 10000 under ORDER BY: past its cap, a sorted answer cannot be had (README, Virtuoso)
    with pytest.raises(kg_connect.QueryError, match=r"no rows past the first 10,000 .*Sorted TOP clause"):
        ordered.fetch_more(50)
    assert len(ordered) == 10_000 and ordered.truncated


def test_a_union_over_a_default_graph_and_named_graphs_says_what_it_sees(oxigraph_server):
    remote = KnowledgeGraph.connect(oxigraph_server["query"], update_url=oxigraph_server["update"], read_only=False)
    remote.update("DROP ALL")
    remote.load("<urn:a> <urn:p> 1 .", format="turtle").load("<urn:b> <urn:p> 2 .", format="turtle", graph="urn:g")
    q = "SELECT ?o WHERE { ?s <urn:p> ?o }"
    with pytest.warns(UserWarning, match=r"default graph and in 1 named graphs.*--union-default-graph"):
        assert [int(r.o) for r in remote.query(q, union=True)] == [1]
    remote.update("DROP DEFAULT")
    remote._backend._plan = None  # the plan is trusted for 10 s: a new one
    assert [int(r.o) for r in remote.query(q, union=True)] == [2]  # only named graphs: all of them
    both = KnowledgeGraph.connect(oxigraph_server["query"], default_graph=["urn:g", "urn:none"])
    assert [int(r.o) for r in both.query(q)] == [2] and len(both) == 1
