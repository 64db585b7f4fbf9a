"""Real SPARQL servers, started by the tests and stopped after: Oxigraph server (the
``oxigraph`` package's ``oxigraph serve``), read-write. The same answers as the embedded store
on the story and the ISWC data, loaded through our endpoint backend.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import kg_connect
from conftest import EXAMPLES, SWDF
from kg_connect import KnowledgeGraph
from test_endpoint import PARITY, _rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _oxigraph_cli() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    cli = _oxigraph_cli()
    if cli is None:
        if os.environ.get("CI"):
            pytest.fail("the oxigraph server (pip package 'oxigraph', in the test extra) is missing")
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = _free_port()
    proc = subprocess.Popen([cli, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).read()  # noqa: S310 - local
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > end:
                proc.kill()
                raise AssertionError(f"oxigraph serve did not start: {proc.stderr.read().decode()[:500]}") from None
            time.sleep(0.2)
    yield {"query": f"{base}/query", "update": f"{base}/update"}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def loaded(oxigraph_server):
    remote = KnowledgeGraph.connect(oxigraph_server["query"], update_url=oxigraph_server["update"], read_only=False)
    remote.load(EXAMPLES / "data" / "story.ttl")
    local = KnowledgeGraph().load(EXAMPLES / "data" / "story.ttl")
    return remote, local


@pytest.mark.parametrize("query", PARITY)
def test_oxigraph_server_gives_the_embedded_answers(loaded, query):
    remote, local = loaded
    a, b = remote.query(query), local.query(query)
    if a.form == "ASK":
        assert a.boolean == b.boolean
    elif a.form in ("CONSTRUCT", "DESCRIBE"):
        assert {tuple(t) for t in a.graph} == {tuple(t) for t in b.graph}
    elif "isBlank" in query:
        assert len(a) == len(b)
    else:
        assert _rows(a) == _rows(b)


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
