"""The loader against the W3C RDF 1.1 Turtle and N-Triples test suites (local copies).

Every positive syntax test loads, every evaluation test gives the expected triples,
every negative syntax test raises LoadError and leaves a non-empty graph unchanged.
"""

from __future__ import annotations

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from conftest import W3C
from kg_connect import KnowledgeGraph, LoadError

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
RDFT = rdflib.Namespace("http://www.w3.org/ns/rdftest#")
SUITES = {
    "rdf-turtle": ("turtle", "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"),
    "rdf-n-triples": ("ntriples", "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-n-triples/"),
}
SEED = "<https://example.org/seed> <https://example.org/p> \"kept\" .\n"


def _entries() -> list:
    cases = []
    for suite, (fmt, base) in SUITES.items():
        folder = W3C / suite
        manifest = folder / "manifest.ttl"
        if not manifest.exists():
            cases.append(pytest.param(suite, None, None, None, fmt, base, id=f"{suite}-missing"))
            continue
        g = rdflib.Graph().parse(manifest, publicID=base + "manifest.ttl")
        for test in g.subjects(RDF.type, None):
            kind = g.value(test, RDF.type)
            action = g.value(test, MF.action)
            if action is None:
                continue
            result = g.value(test, MF.result)
            name = str(g.value(test, MF.name) or test)
            # map test IRIs to the local copies; never fetch them
            action_file = folder / str(action).rsplit("/", 1)[-1]
            result_file = folder / str(result).rsplit("/", 1)[-1] if result else None
            cases.append(pytest.param(
                suite, kind.rsplit("#", 1)[-1], action_file, result_file,
                fmt, base, id=f"{suite}-{name}"))
    return cases


@pytest.mark.parametrize("suite,kind,action,result,fmt,base", _entries())
def test_w3c(suite, kind, action, result, fmt, base, backend):
    assert action is not None, f"the W3C suite {suite} is missing from {W3C}"
    iri = base + action.name
    kg = KnowledgeGraph(backend=backend).load(SEED)
    if "Negative" in kind:
        with pytest.raises(LoadError) as info:
            kg.load(action, format=fmt, base_iri=iri)
        assert info.value.source == str(action)
        assert len(kg) == 1  # unchanged
        return
    kg.load(action, format=fmt, base_iri=iri)
    if "Eval" in kind and result is not None:
        # the expected N-Triples go through the same store, so the store's own
        # normalisation (Oxigraph keeps numeric literals in canonical form) applies alike
        expected = KnowledgeGraph(backend=backend).load(SEED).load(result, format="ntriples")
        assert isomorphic(_graph(kg), _graph(expected)), f"{action.name}: triples differ from {result.name}"


def _graph(kg: KnowledgeGraph) -> rdflib.Graph:
    g = rdflib.Graph()
    for s, p, o, _ in kg._store.quads():
        g.add((s, p, o))
    return g


def test_suites_are_complete():
    ids = [p.id for p in _entries()]
    assert sum(i.startswith("rdf-turtle") for i in ids) > 300
    assert sum(i.startswith("rdf-n-triples") for i in ids) > 60


