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


@pytest.fixture(params=["oxigraph", "rdflib"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def kg(backend) -> KnowledgeGraph:
    return KnowledgeGraph(backend=backend)


@pytest.fixture
def story(backend) -> KnowledgeGraph:
    return KnowledgeGraph(backend=backend).load(STORY)
