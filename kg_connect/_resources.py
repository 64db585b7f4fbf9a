"""Access to the files shipped with the package: ontology, vocabulary notes, shapes."""

from __future__ import annotations

from functools import cache
from importlib import resources

import rdflib

__all__ = ["ontology_graph", "ontology_text", "shapes_graph"]

_FILES = {
    "ontology": "kg_connect.ttl",
    "vocabularies": "vocabularies.ttl",
    "shapes": "shapes.ttl",
}


def ontology_text(name: str = "ontology") -> str:
    """Return the Turtle text of a shipped file: ``ontology``, ``vocabularies`` or ``shapes``.

    >>> ontology_text().startswith("PREFIX")
    True
    """
    try:
        filename = _FILES[name]
    except KeyError:
        raise ValueError(f"unknown file {name!r}; expected one of: {', '.join(_FILES)}") from None
    return resources.files("kg_connect.ontology").joinpath(filename).read_text(encoding="utf-8")


@cache
def parsed_file(name: str) -> rdflib.Graph:
    """The parsed shipped file ``name`` (cached: never modify it)."""
    return rdflib.Graph().parse(data=ontology_text(name), format="turtle")


def _copy(graph: rdflib.Graph) -> rdflib.Graph:
    out = rdflib.Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns)
    for triple in graph:
        out.add(triple)
    return out


def ontology_graph(*, with_vocabularies: bool = True) -> rdflib.Graph:
    """Return the kg_connect ontology as a new rdflib graph.

    With ``with_vocabularies`` (the default) the reused terms and the axioms of their
    vocabularies that validation relies on are included.

    >>> from kg_connect import KGC
    >>> (KGC.Idea, None, None) in ontology_graph()
    True
    """
    graph = _copy(parsed_file("ontology"))
    if with_vocabularies:
        for triple in parsed_file("vocabularies"):
            graph.add(triple)
    return graph


def shapes_graph() -> rdflib.Graph:
    """Return the kg_connect SHACL shapes as a new rdflib graph.

    >>> len(shapes_graph()) > 100
    True
    """
    return _copy(parsed_file("shapes"))
