"""Canonical Turtle: the one text a graph is written as, so diffs stay clean.

Blank nodes are renamed by rdflib's RGDA1 canonicalisation, subjects and
predicates are sorted by rdflib's ``longturtle`` writer, trailing spaces are
dropped. Re-serialising a canonical file gives the same bytes.
"""

from __future__ import annotations

import rdflib
from rdflib.compare import to_canonical_graph

__all__ = ["canonical_turtle"]


def canonical_turtle(graph: rdflib.Graph) -> str:
    """Return ``graph`` as canonical Turtle text.

    >>> g = rdflib.Graph().parse(data="<http://e/a> <http://e/p> [ <http://e/q> 1 ] .", format="turtle")
    >>> canonical_turtle(g) == canonical_turtle(rdflib.Graph().parse(data=canonical_turtle(g), format="turtle"))
    True
    """
    canon = rdflib.Graph(bind_namespaces="none")
    for triple in to_canonical_graph(graph):
        canon.add(triple)
    used = {str(t) for triple in canon for t in triple}
    for prefix, ns in sorted(graph.namespaces()):
        if prefix and any(u.startswith(str(ns)) for u in used):
            canon.bind(prefix, ns)
    text = canon.serialize(format="longturtle")
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        # longturtle leaves empty lines between list members; keep only paragraph breaks
        if not line and out and (not out[-1] or out[-1].endswith("(")):
            continue
        out.append(line)
    return "\n".join(out).rstrip() + "\n"
