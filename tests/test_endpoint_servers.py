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
