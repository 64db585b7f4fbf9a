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
from test_endpoint import PARITY, _rows

import kg_connect
from conftest import EXAMPLES, SWDF
from kg_connect import KnowledgeGraph


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
            urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2).read()
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


# ---------------------------------------------------------------------- Virtuoso
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
STORY_GRAPH = "urn:kg-connect:test:story"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """Debian's Virtuoso 7.2, from a copy of its ini with our own folder and ports (DESIGN.md)."""
    import re

    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.exists():
        if os.environ.get("CI"):
            pytest.fail("virtuoso-opensource is missing (make test installs it with apt-get)")
        pytest.skip("virtuoso-opensource is not installed (apt-get install virtuoso-opensource)")
    here = tmp_path_factory.mktemp("virtuoso")
    isql_port, http_port = _free_port(), _free_port()
    ini = VIRTUOSO_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{here}/")
    ini = re.sub(r"(?m)^ServerPort\s*=\s*1111", f"ServerPort = {isql_port}", ini)
    ini = re.sub(r"(?m)^ServerPort\s*=\s*8890", f"ServerPort = {http_port}", ini)
    ini = re.sub(r"(?m)^DirsAllowed\s*=\s*", f"DirsAllowed = {here}, ", ini)
    (here / "virtuoso.ini").write_text(ini)
    proc = subprocess.Popen([binary, "+configfile", str(here / "virtuoso.ini"), "+foreground"], cwd=here,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    end = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > end:
                proc.kill()
                log = (here / "virtuoso.log").read_text()[-800:] if (here / "virtuoso.log").exists() else ""
                raise AssertionError(f"virtuoso did not start: {log}") from None
            time.sleep(0.3)
    yield {"query": f"{base}/sparql", "update": f"{base}/sparql-auth", "isql": isql_port}
    isql = shutil.which("isql-vt")
    if isql:
        subprocess.run([isql, str(isql_port), "dba", "dba", "exec=shutdown;"], capture_output=True, timeout=30)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


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
    remote, local = on_virtuoso
    a, b = remote.query(query), local.query(query)
    if a.form == "ASK":
        assert a.boolean == b.boolean
    elif a.form in ("CONSTRUCT", "DESCRIBE"):
        if a.form == "DESCRIBE":  # a server's own choice of what describes a node (SPARQL 1.1 §16.4)
            assert {tuple(t) for t in a.graph} & {tuple(t) for t in b.graph}
        else:
            assert {tuple(t) for t in a.graph} == {tuple(t) for t in b.graph}
    elif "isBlank" in query:
        assert len(a) == len(b)
    else:
        assert _rows(a) == _rows(b)


def test_trails_on_virtuoso(on_virtuoso):
    remote, local = on_virtuoso
    assert kg_connect.trace(remote, "social app store").to_dict() == kg_connect.trace(local, "social app store").to_dict()
    with pytest.raises(kg_connect.EndpointError, match="read-only"):
        remote.update("CLEAR ALL")
