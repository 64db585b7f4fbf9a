"""Shared fixtures: both backends, paths to data, and a guard that fails any test
that opens a network connection beyond this machine."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from browsing import browser, lab  # noqa: F401 (JupyterLab and Chromium fixtures, started per test module)
from servers import oxigraph_server, virtuoso  # noqa: F401 (SPARQL servers, started per test module)

from kg_connect import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples"
STORY = EXAMPLES / "data" / "story.ttl"
W3C = DATA / "w3c"
SWDF = EXAMPLES / "data" / "swdf"

_LOCAL = ("127.", "::1", "localhost")
_blocked: list[object] = []


def _audit(event: str, args: tuple) -> None:
    if event == "socket.connect" and _blocked:
        address = args[1]
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and not host.startswith(_LOCAL) and not host.startswith("/"):
            _blocked.append(host)
            raise OSError(f"test tried to reach the network: {host}")
    if event == "socket.getaddrinfo" and _blocked:
        host = args[0]
        if isinstance(host, (str, bytes)) and not str(host).startswith(_LOCAL):
            _blocked.append(host)
            raise OSError(f"test tried to resolve a host name: {host!r}")


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def no_network():
    """Every test runs with outside connections refused; reaching out fails the test."""
    _blocked.append(None)
    start = len(_blocked)
    yield
    attempts = [h for h in _blocked[start:] if h is not None]
    _blocked.clear()
    assert not attempts, f"the test tried to reach the network: {attempts}"


#: the real servers a module's ``backend`` tests also run on, when it sets ``ON_SERVERS = True``
#: (the parity suite: the same tests, the same answers, on each store)
SERVERS = ["oxigraph-server", "virtuoso"]


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and not any(
            "backend" in m.args[0] for m in metafunc.definition.iter_markers("parametrize")):
        names = ["oxigraph", "rdflib"] + (SERVERS if getattr(metafunc.module, "ON_SERVERS", False) else [])
        metafunc.parametrize("backend", names, indirect=True)


@pytest.fixture
def backend(request) -> str:
    return request.param


@pytest.fixture
def make_kg(request, backend):
    """Makes an empty KnowledgeGraph on ``backend``: the embedded stores, or a writable
    connection to a real server whose test data has been cleared (on Virtuoso: a graph of
    the test's own, the connection's default graph). On a server, graphs made earlier in the
    test share the store and are emptied too."""
    made: list[KnowledgeGraph] = []

    def make() -> KnowledgeGraph:
        if backend not in SERVERS:
            return KnowledgeGraph(backend=backend)
        if backend == "oxigraph-server":
            server = request.getfixturevalue("oxigraph_server")
            kg = KnowledgeGraph.connect(server["query"], update_url=server["update"], read_only=False)
            kg.update("DROP ALL")
        else:
            import httpx

            server = request.getfixturevalue("virtuoso")
            graph = f"urn:kg-connect:test:{abs(hash(request.node.nodeid)):x}"
            kg = KnowledgeGraph.connect(server["query"], update_url=server["update"], read_only=False,
                                        auth=httpx.DigestAuth("dba", "dba"), default_graph=graph)
            # every graph but Virtuoso's own (those it had before the first test) is dropped
            names = {str(r[0]) for r in kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
            own = server.setdefault("system graphs", names)
            for name in sorted(names - own):
                kg.update(f"DROP SILENT GRAPH <{name}>")
        made.append(kg)
        return kg

    return make


@pytest.fixture
def server_limit(request, backend):
    """``server_limit("virtuoso", "why")``: on that server the test is expected to fail
    (strictly: it fails the run once the server behaves), for a documented server limitation
    (README, "Beyond one machine")."""
    def mark(server: str, reason: str) -> None:
        if backend == server:
            request.applymarker(pytest.mark.xfail(strict=True, reason=f"{server}: {reason}"))

    return mark


@pytest.fixture
def kg(make_kg) -> KnowledgeGraph:
    return make_kg()


@pytest.fixture
def story(make_kg) -> KnowledgeGraph:
    return make_kg().load(STORY)
