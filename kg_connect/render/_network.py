"""Graphs as networks to draw: nodes, edges, styles, a legend and a level of detail.

:func:`network` turns a ``KnowledgeGraph`` (around a focus or whole), a CONSTRUCT/DESCRIBE
result, a SELECT result (``?s ?p ?o``, or ``?node ?linkedNode`` with optional
``?nodeLabel ?nodeColor ?nodeSize ?edgeLabel``) or a set of nodes into a :class:`Network`:
one JSON document ``{nodes, edges, legend, ...}`` that the viewer (``graph.js``) draws with
vis-network. Resources become nodes with their best label; literals become properties of
their node (or nodes of their own); ``rdf:type`` styles a node by the first styled class it
or a superclass has; parallel edges between two nodes merge into one with a count. At most
``max_nodes`` are drawn, the most relevant to the focus first; a node whose neighbours are
not all drawn carries their number. Everything is built in one pass over the triples with
dictionaries, linear in their number (pyvis's ``add_edge`` is quadratic).
"""

from __future__ import annotations

import math
import re
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg_connect._text import clip, visible

if TYPE_CHECKING:
    from kg_connect._graph import KnowledgeGraph
    from kg_connect._results import Results

__all__ = ["LAYOUTS", "Network", "NetworkBuilder", "find_nodes", "network"]

LAYOUTS = ("force", "hierarchical", "radial", "time")
LABEL_CHARS = 60
TITLE_CHARS = 2000
PROPERTY_CHARS = 500

_S = "https://schema.org/"
_FOAF = "http://xmlns.com/foaf/0.1/"
_ORG = "http://www.w3.org/ns/org#"
_KGC = "https://w3id.org/kg-connect/ns#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PROV = "http://www.w3.org/ns/prov#"

#: The styled classes, most specific first: a node takes the style of the first of these that
#: one of its types is, or is a subclass of.
CLASS_STYLES: list[tuple[str, str, dict[str, str]]] = [
    (_KGC + "IdeaMention", "idea mention", {"color": "#ff9da7", "shape": "dot"}),
    (_KGC + "Idea", "idea", {"color": "#e15759", "shape": "star"}),
    (_KGC + "SocialReporting", "social reporting", {"color": "#9c755f", "shape": "triangleDown"}),
    (_S + "Event", "event", {"color": "#59a14f", "shape": "diamond"}),
    (_FOAF + "Person", "person", {"color": "#4e79a7", "shape": "dot"}),
    (_ORG + "Membership", "membership", {"color": "#bab0ac", "shape": "dot"}),
    (_FOAF + "Group", "group", {"color": "#ffbe7d", "shape": "square"}),
    (_ORG + "Organization", "organisation", {"color": "#f28e2b", "shape": "square"}),
    (_FOAF + "Organization", "organisation", {"color": "#f28e2b", "shape": "square"}),
    ("http://rdfs.org/sioc/ns#Post", "report", {"color": "#b07aa1", "shape": "triangle"}),
    (_S + "CreativeWork", "report", {"color": "#b07aa1", "shape": "triangle"}),
    (_SKOS + "Concept", "concept", {"color": "#edc948", "shape": "hexagon"}),
    (_S + "Place", "place", {"color": "#86bcb6", "shape": "triangle"}),
    ("http://rdfs.org/sioc/ns#Forum", "forum", {"color": "#d4a6c8", "shape": "square"}),
    (_FOAF + "Agent", "agent", {"color": "#76b7b2", "shape": "dot"}),
    (_PROV + "Activity", "activity", {"color": "#8cd17d", "shape": "diamond"}),
]
OTHER = {"color": "#9d9d9d", "shape": "dot"}
#: colours for classes without a style of their own (in the order they are met)
AUTO_COLOURS = ("#17becf", "#bcbd22", "#8c564b", "#e377c2", "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a",
                "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79", "#637939", "#8c6d31")
LITERAL = {"color": "#d7d7d7", "shape": "box"}
MORE = {"color": "#ffffff", "shape": "box"}

#: Properties that give a node its place in time (the time-ordered layout, the date filter).
TIME_PROPERTIES = (_S + "startDate", _PROV + "atTime", "http://purl.org/dc/terms/created",
                   _S + "dateCreated", _S + "datePublished", _S + "endDate")
_SAFE_LINK = re.compile(r"^https?://", re.IGNORECASE)
#: the edge a SELECT result's ?node ?linkedNode draws (labelled by ?edgeLabel, or not at all)
LINKED = URIRef("urn:kg-connect:linked")


@dataclass
class Network:
    """What a view draws: the JSON document the viewer reads (see :meth:`to_dict`)."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[dict[str, Any]]
    total: int  # nodes there are in the source (more than drawn when the view is cut)
    focus: str | None = None
    layout: str = "force"
    options: dict[str, Any] = field(default_factory=dict)
    edge_total: int = 0  # links among the drawn nodes (more than drawn when a dense view is cut)

    def status(self) -> str:
        """``showing 500 of 12,345 nodes`` (and ``, 2,000 of 9,876 links`` when links were cut).

        >>> Network([{}], [], [], 3).status()
        'showing 1 of 3 nodes'
        """
        shown = len(self.nodes)
        if shown >= self.total:
            text = f"{shown:,} node{'' if shown == 1 else 's'}"
        else:
            text = f"showing {shown:,} of {self.total:,} nodes"
        if self.edge_total > len(self.edges):
            text += f", {len(self.edges):,} of {self.edge_total:,} links"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The document: ``{nodes, edges, legend, status, total, focus, layout, options}``."""
        return {"nodes": self.nodes, "edges": self.edges, "legend": self.legend, "status": self.status(),
                "total": self.total, "edgeTotal": max(self.edge_total, len(self.edges)), "focus": self.focus, "layout": self.layout, "options": self.options}


def _key(term: Any) -> str:
    """A node's id in the document: its IRI, ``_:label`` or ``lit:...``."""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return f"lit:{term.n3()}"
    return str(term)


def _text(value: Any, limit: int) -> str:
    return clip(visible(str(value)), limit)[0] + ("…" if len(str(value)) > limit else "")


class NetworkBuilder:
    """Builds a :class:`Network` from triples, and grows it (the explorer's expand).

    The builder keeps every node and edge it has seen; :meth:`network` draws at most
    ``max_nodes`` of them, chosen by relevance (distance from the focus, then degree).
    """

    def __init__(self, graph: KnowledgeGraph, *, literals: str = "properties",
                 styles: Mapping[str, Mapping[str, Any]] | None = None,
                 value_styles: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
                 size_by: str | None = "degree", max_nodes: int = 500, layout: str = "force",
                 expand_limit: int = 25, max_edges: int | None = None) -> None:
        if literals not in ("properties", "nodes"):
            raise ValueError(f"unknown literals {literals!r}; expected one of: properties, nodes")
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; expected one of: {', '.join(LAYOUTS)}")
        if max_nodes < 1 or expand_limit < 1:
            raise ValueError("max_nodes and expand_limit must be at least 1")
        self.graph = graph
        self.literals = literals
        self.styles = {self._iri(k): dict(v) for k, v in (styles or {}).items()}
        self.value_styles = {self._iri(p): {str(val): dict(s) for val, s in vs.items()}
                             for p, vs in (value_styles or {}).items()}
        self.size_by = None if size_by is None else (size_by if size_by == "degree" else self._iri(size_by))
        self.max_nodes = max_nodes
        self.max_edges = max_edges
        self.layout = layout
        self.expand_limit = expand_limit
        self.terms: dict[str, Any] = {}  # id -> term
        self.types: dict[str, set[str]] = {}
        self.props: dict[str, list[tuple[Any, Any]]] = {}  # id -> [(predicate, literal)]
        self.links: dict[tuple[str, str], set[Any]] = {}  # (from, to) -> predicates
        self.out: dict[str, list[tuple[Any, str]]] = {}  # from -> [(predicate, to)]
        self.neighbours: dict[str, set[str]] = {}
        self.extra: dict[str, dict[str, Any]] = {}  # per-node overrides (SELECT conventions)
        self.edge_labels: dict[tuple[str, str], str] = {}
        self.distance: dict[str, int] = {}
        self.hidden_total: dict[str, int] = {}  # neighbours in the whole graph (for badges)
        self.focus: str | None = None
        self.total: int | None = None
        self._supers: dict[str, set[str]] | None = None
        self._auto: dict[str, int] = {}

    # ---------------------------------------------------------------- input
    def _iri(self, name: str) -> str:
        prefix, _, local = str(name).partition(":")
        if prefix in self.graph.namespaces and not local.startswith("//"):
            return self.graph.namespaces[prefix] + local
        return str(name)

    def node(self, term: Any) -> str:
        key = _key(term)
        if key not in self.terms:
            self.terms[key] = term
            self.neighbours[key] = set()
        return key

    def add_triples(self, triples: Iterable[tuple[Any, Any, Any]]) -> None:
        """Add triples: resources become nodes, literals properties (or nodes), types styles."""
        for s, p, o in triples:
            if s is None or p is None or o is None:
                continue
            subject = self.node(s)
            if p == RDF.type and not isinstance(o, Literal):
                self.types.setdefault(subject, set()).add(str(o))
                continue
            if isinstance(o, Literal) and self.literals == "properties":
                self.props.setdefault(subject, []).append((p, o))
                continue
            self.link(subject, self.node(o), p)

    def link(self, a: str, b: str, predicate: Any) -> None:
        if a == b:
            self.props.setdefault(a, []).append((predicate, self.terms[a]))
            return
        self.links.setdefault((a, b), set()).add(predicate)
        self.out.setdefault(a, []).append((predicate, b))
        self.neighbours[a].add(b)
        self.neighbours[b].add(a)

    # ---------------------------------------------------------------- level of detail
    def relevance(self, key: str) -> tuple[int, int, str]:
        """Smaller is more relevant: nearer the focus, more connected, then by id."""
        return (self.distance.get(key, 1 << 20), -len(self.neighbours.get(key, ())), key)

    def choose(self, limit: int | None = None) -> list[str]:
        limit = self.max_nodes if limit is None else limit
        if self.focus is not None and self.focus in self.terms:
            self.distance = _bfs(self.focus, self.neighbours)
        return sorted(self.terms, key=self.relevance)[:limit]

    # ---------------------------------------------------------------- output
    def network(self, shown: Iterable[str] | None = None, extra_nodes: Iterable[dict[str, Any]] = ()) -> Network:
        keys = list(shown) if shown is not None else self.choose()
        keep = set(keys)
        labels = self._labels(keys)
        nodes = [self._node(k, labels, keep) for k in keys]
        nodes += list(extra_nodes)
        edges = self._edges(keep, labels)
        edge_total = len(edges)
        edges = self._cut_edges(edges, nodes)
        # the viewer's badge is "neighbours" less the neighbours it draws links to, so that
        # expanding brings it down; at first it says exactly "hidden"
        linked: dict[str, set[str]] = {}
        for e in edges:
            linked.setdefault(e["from"], set()).add(e["to"])
            linked.setdefault(e["to"], set()).add(e["from"])
        for n in nodes:
            if n.get("hidden"):
                n["neighbours"] = n["hidden"] + len(linked.get(n["id"], set()) - {n["id"]})
        legend = self._legend(nodes)
        total = max(self.total or 0, len(self.terms))
        net = Network(nodes, edges, legend, total, self.focus, self.layout, self._options(len(nodes)), edge_total)
        _place(net, self)
        return net

    def _labels(self, keys: list[str]) -> dict[Any, str]:
        wanted = [self.terms[k] for k in keys if isinstance(self.terms[k], URIRef)]
        wanted += {p for (a, b), ps in self.links.items() for p in ps}
        wanted += {p for ps in self.props.values() for p, _ in ps}
        wanted += [URIRef(t) for ts in self.types.values() for t in ts]
        ideas = self._mentioned(keys)
        labels = self.graph.labels(wanted + list(set(ideas.values())))
        for key, idea in ideas.items():  # an idea mention has no label of its own: name it by its idea
            term = self.terms[key]
            if labels.get(term) in (None, self.graph.qname(term)):
                when = self._time(key)
                labels[term] = f"mention: {_text(labels[idea], 32)}" + (f" · {when[:10]}" if when else "")
        return labels

    def _mentioned(self, keys: list[str]) -> dict[str, Any]:
        """The idea each idea mention among ``keys`` is of (``prov:entity``)."""
        mentions = [k for k in keys if _KGC + "IdeaMention" in self.types.get(k, ())]
        out: dict[str, Any] = {}
        for key in mentions:
            for p, other in self.out.get(key, []):
                if str(p) == _PROV + "entity":
                    out[key] = self.terms[other]
        missing = [self.terms[k] for k in mentions if k not in out and isinstance(self.terms[k], URIRef)]
        for start in range(0, len(missing), 200):
            for m, idea in self.graph.query("SELECT ?m ?i WHERE { ?m prov:entity ?i FILTER(isIRI(?i)) }",
                                            m=missing[start:start + 200], union=True).rows:
                out.setdefault(_key(m), idea)
        return out

    def _node(self, key: str, labels: dict[Any, str], keep: set[str]) -> dict[str, Any]:
        term = self.terms[key]
        extra = self.extra.get(key, {})
        if isinstance(term, Literal):
            label = str(term)
            kind = "literal"
        elif isinstance(term, BNode):
            first = sorted(self.types.get(key, ()))
            label = f"({labels.get(URIRef(first[0])) or self.graph.qname(URIRef(first[0]))})" if first else "(blank node)"
            kind = "bnode"
        else:
            label, kind = labels.get(term) or self.graph.qname(term), "iri"
        label = str(extra.get("label", label))
        style_key, style_name, style = self._style(key, term)
        types = sorted(self.types.get(key, ()))
        node: dict[str, Any] = {
            "id": key, "label": _text(label, LABEL_CHARS), "kind": kind, "group": style_key,
            "color": style["color"], "shape": style["shape"],
            "types": [_text(labels.get(URIRef(t)) or self.graph.qname(URIRef(t)), PROPERTY_CHARS) for t in types],
            "props": [[_text(labels.get(p) or self.graph.qname(p), LABEL_CHARS), _text(v, PROPERTY_CHARS),
                       _meta(v, self.graph)] for p, v in self.props.get(key, [])[:200]],
        }
        if len(label) > LABEL_CHARS:
            node["name"] = _text(label, TITLE_CHARS)  # whole, for the details panel and search
        node["title"] = _text("\n".join([label, *node["types"], "" if kind != "iri" else str(term)]).strip(),
                              TITLE_CHARS)
        if kind == "iri":
            node["iri"] = _text(str(term), TITLE_CHARS)
            node["qname"] = _text(self.graph.qname(term), TITLE_CHARS)
            if _SAFE_LINK.match(str(term)):
                node["link"] = str(term)  # only http(s) IRIs are ever links
        hidden = len(self.neighbours.get(key, set()) - keep)
        whole = self.hidden_total.get(key)
        if whole is not None:
            hidden = max(hidden, whole - len(self.neighbours.get(key, set()) & keep))
        if hidden:
            node["hidden"] = hidden
        when = self._time(key)
        if when:
            node["time"] = when
        if "color" in extra:
            node["color"] = str(extra["color"])
        node["size"] = self._size(key, extra)
        return node

    def _style(self, key: str, term: Any) -> tuple[str, str, dict[str, Any]]:
        if isinstance(term, Literal):
            return "literal", "literal", dict(LITERAL)
        for prop, by_value in self.value_styles.items():
            for p, v in self.props.get(key, []):
                if str(p) == prop and str(v) in by_value:
                    return f"{prop}={v}", str(v), {**OTHER, **by_value[str(v)]}
            for p, b in self.out.get(key, []):
                if str(p) == prop and str(self.terms[b]) in by_value:
                    return f"{prop}={b}", str(self.terms[b]), {**OTHER, **by_value[str(self.terms[b])]}
        types = sorted(self.types.get(key) or _known_types(str(term)))
        types = sorted(set(types) | {_https_schema(t) for t in types})  # schema.org in either form
        up = self._superclasses()
        # a user's style for one of its own types, then for one of their superclasses
        for classes in (types, sorted({c for t in types for c in up.get(t, ())})):
            for t in classes:
                if t in self.styles:
                    base = next((st for cls, _, st in CLASS_STYLES if cls == t), OTHER)
                    return t, self.graph.qname(URIRef(t)), {**base, **self.styles[t]}
        supers = set(types).union(*(up.get(t, set()) for t in types))
        for cls, name, style in CLASS_STYLES:
            if cls in supers:
                return name, name, dict(style)
        if types:  # a class we have no style for: a colour of its own, named by its label
            cls = types[0]
            colour = AUTO_COLOURS[self._auto.setdefault(cls, len(self._auto)) % len(AUTO_COLOURS)]
            return cls, self.graph.qname(URIRef(cls)), {**OTHER, "color": colour}
        return "other", "other", dict(OTHER)

    def _superclasses(self) -> dict[str, set[str]]:
        if self._supers is None:
            from kg_connect._resources import ontology_graph

            up: dict[str, set[str]] = {}
            for s, o in ontology_graph().subject_objects(RDFS.subClassOf):
                up.setdefault(str(s), set()).add(str(o))
            for s, o in self.graph.query(
                    "SELECT ?s ?o WHERE { ?s rdfs:subClassOf ?o FILTER(isIRI(?s) && isIRI(?o)) }", union=True).rows:
                up.setdefault(str(s), set()).add(str(o))
            self._supers = {c: _ancestors(c, up) for c in up}
        return self._supers

    def _time(self, key: str) -> str | None:
        for prop in TIME_PROPERTIES:
            for p, v in self.props.get(key, []):
                if _https_schema(str(p)) == prop:
                    return str(v)[:19]
        return None

    def _size(self, key: str, extra: Mapping[str, Any]) -> float:
        if "size" in extra:
            try:
                return max(4.0, min(80.0, float(extra["size"])))
            except (TypeError, ValueError):
                pass
        if self.size_by == "degree":
            return round(10 + 6 * math.log1p(len(self.neighbours.get(key, ()))), 1)
        if self.size_by is not None:
            for p, v in self.props.get(key, []):
                if str(p) == self.size_by:
                    try:
                        return round(10 + 6 * math.log1p(max(0.0, float(v))), 1)
                    except (TypeError, ValueError):
                        break
        return 14.0

    def _edges(self, keep: set[str], labels: dict[Any, str]) -> list[dict[str, Any]]:
        out = []
        for (a, b), predicates in self.links.items():
            if a not in keep or b not in keep:
                continue
            # labelled properties first (a label is what a person gave it), then by name
            names = [name for _, name in sorted(
                (labels.get(p) in (None, self.graph.qname(p)), labels.get(p) or self.graph.qname(p))
                for p in predicates if p != LINKED)]
            label = self.edge_labels.get((a, b)) or (names[0] if names else "")
            if len(names) > 1 and (a, b) not in self.edge_labels:
                label = f"{names[0]} +{len(names) - 1}"
            out.append({"id": f"{a}\u0000{b}", "from": a, "to": b, "label": _text(label, LABEL_CHARS),
                        "title": _text("\n".join(names) or label, TITLE_CHARS), "count": max(1, len(names)),
                        "predicates": sorted(str(p) for p in predicates)})
        return out

    def _cut_edges(self, edges: list[dict[str, Any]], nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Level of detail for links: a dense view (more than ``max_edges``, by default four
        per drawn node) keeps every node's two strongest links, then the links of the focus,
        then the strongest of the rest (merged links first), up to the cap."""
        cap = self.max_edges if self.max_edges is not None else 4 * max(len(nodes), 1)
        if len(edges) <= cap:
            return edges
        focus = self.focus
        degree = {k: len(v) for k, v in self.neighbours.items()}
        order = sorted(range(len(edges)), key=lambda i: (
            focus not in (edges[i]["from"], edges[i]["to"]), -edges[i]["count"],
            -min(degree.get(edges[i]["from"], 0), degree.get(edges[i]["to"], 0)), edges[i]["id"]))
        kept: set[int] = set()
        per: dict[str, int] = {}
        for i in order:  # every node keeps its two strongest links
            a, b = edges[i]["from"], edges[i]["to"]
            if per.get(a, 0) < 2 or per.get(b, 0) < 2:
                kept.add(i)
                per[a], per[b] = per.get(a, 0) + 1, per.get(b, 0) + 1
        for i in order:
            if len(kept) >= cap:
                break
            kept.add(i)
        return [edges[i] for i in sorted(kept)]

    def _legend(self, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        counts: dict[str, dict[str, Any]] = {}
        for n in nodes:
            if n.get("kind") == "more":
                continue
            entry = counts.setdefault(n["group"], {"group": n["group"], "label": _legend_name(n["group"], self),
                                                  "color": n["color"], "shape": n["shape"], "count": 0})
            entry["count"] += 1
        return sorted(counts.values(), key=lambda e: (-e["count"], e["label"]))

    def _options(self, count: int) -> dict[str, Any]:
        # bounded stabilisation: the view settles within seconds, whatever the size
        # (an iteration costs about n log n: 2,000 nodes get 40, drawn in about 2 s; the
        # browser refines a big view for a few seconds more while it is already usable)
        iterations = max(30, min(300, 80_000 // max(count, 1)))
        return {"stabilization": iterations, "hierarchical": self.layout == "hierarchical",
                "physics": self.layout in ("force", "time") and count <= 5000,
                "edgeLabels": count <= 80}  # past that, edge labels show on hover

    # ---------------------------------------------------------------- from the store
    def around(self, focus: Any, depth: int = 1) -> None:
        """Add the neighbourhood of ``focus`` (``depth`` hops) from the graph."""
        self.focus = self.node(focus)
        frontier = [focus]
        seen = {self.focus}
        for _ in range(max(0, depth)):
            found = self.fetch(frontier)
            frontier = [self.terms[k] for k in found if k not in seen and isinstance(self.terms[k], (URIRef,))]
            seen |= set(found)
            if len(seen) > self.max_nodes * 4:
                break
        self.fetch_properties([self.terms[k] for k in seen if isinstance(self.terms[k], URIRef)])
        self.count_neighbours([self.terms[k] for k in seen if isinstance(self.terms[k], URIRef)])

    def fetch(self, terms: list[Any], limit: int | None = None) -> list[str]:
        """Add every triple in which one of ``terms`` is the subject or a resource object;
        return the ids of the nodes found."""
        iris = [t for t in terms if isinstance(t, URIRef)]
        if not iris:
            return []
        found: list[str] = []
        for start in range(0, len(iris), 200):
            batch = iris[start:start + 200]
            rows = self.graph.query(
                "SELECT ?s ?p ?o WHERE { { ?n ?p ?o BIND(?n AS ?s) } UNION "
                "{ ?s ?p ?n FILTER(!isLiteral(?s)) BIND(?n AS ?o) } }", n=batch, union=True).rows
            triples = [(r[0], r[1], r[2]) for r in rows]
            self.add_triples(triples)
            for s, p, o in triples:
                found.append(_key(s))
                if not isinstance(o, Literal) and p != RDF.type:
                    found.append(_key(o))
        return list(dict.fromkeys(found))

    def fetch_properties(self, terms: list[Any]) -> None:
        """Types and literal properties of nodes met as objects (so every drawn node is styled)."""
        missing = [t for t in terms if isinstance(t, URIRef) and _key(t) not in self.types
                   and _key(t) not in self.props]
        for start in range(0, len(missing), 200):
            rows = self.graph.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) || ?p = rdf:type) }",
                                    s=missing[start:start + 200], union=True).rows
            self.add_triples((r[0], r[1], r[2]) for r in rows)

    def count_neighbours(self, terms: list[Any]) -> None:
        """How many neighbours each node has in the whole graph (for the hidden-count badges)."""
        iris = [t for t in terms if isinstance(t, URIRef)]
        for start in range(0, len(iris), 200):
            rows = self.graph.query(
                "SELECT ?n (COUNT(DISTINCT ?m) AS ?k) WHERE { { ?n ?p ?m FILTER(!isLiteral(?m) && ?p != rdf:type) }"
                " UNION { ?m ?p ?n } FILTER(?m != ?n) } GROUP BY ?n", n=iris[start:start + 200], union=True).rows
            for n, k in rows:
                self.hidden_total[_key(n)] = int(k)


def _known_types(iri: str) -> set[str]:
    """The types the shipped ontology gives its own individuals (roles, network models)."""
    if not iri.startswith(_KGC):
        return set()
    from kg_connect._resources import parsed_file

    return {str(c) for c in parsed_file("ontology").objects(URIRef(iri), RDF.type)}


def _ancestors(start: str, up: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(up.get(start, ()))
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo.extend(up.get(c, ()))
    return seen


def _bfs(start: str, neighbours: dict[str, set[str]]) -> dict[str, int]:
    distance = {start: 0}
    queue = deque([start])
    while queue:
        key = queue.popleft()
        for other in neighbours.get(key, ()):
            if other not in distance:
                distance[other] = distance[key] + 1
                queue.append(other)
    return distance


def _meta(value: Any, graph: KnowledgeGraph) -> str:
    if isinstance(value, Literal):
        if value.language:
            return f"@{value.language}"
        if value.datatype is not None:
            return visible(graph.qname(value.datatype))
    return ""


_STYLE_NAMES = {name for _, name, _ in CLASS_STYLES} | {"other", "literal", "more"}


def _legend_name(group: str, builder: NetworkBuilder) -> str:
    if group in _STYLE_NAMES:
        return group
    if "=" in group:
        return visible(group.split("=", 1)[1])
    return visible(builder.graph.labels([URIRef(group)])[URIRef(group)])  # a user's class: its label


# ------------------------------------------------------------------ layouts
def _place(net: Network, builder: NetworkBuilder) -> None:
    """Positions for the radial and time-ordered layouts (force and hierarchical are vis-network's)."""
    if net.layout == "radial":
        _radial(net, builder)
    elif net.layout == "time":
        _timeline(net)


def _radial(net: Network, builder: NetworkBuilder) -> None:
    ids = {n["id"] for n in net.nodes}
    start = net.focus if net.focus in ids else (net.nodes[0]["id"] if net.nodes else None)
    if start is None:
        return
    sub = {k: builder.neighbours.get(k, set()) & ids for k in ids}
    distance = _bfs(start, sub)
    rings: dict[int, list[str]] = {}
    far = max(distance.values(), default=0) + 1
    for n in net.nodes:
        rings.setdefault(distance.get(n["id"], far), []).append(n["id"])
    angle: dict[str, float] = {start: 0.0}
    for ring in sorted(rings):
        members = rings[ring]
        if ring == 0:
            continue
        # order a ring by the angle of a node's nearer neighbour: fewer crossings
        members.sort(key=lambda k: min((angle[m] for m in sub.get(k, ()) if m in angle), default=math.tau))
        for i, key in enumerate(members):
            angle[key] = math.tau * i / len(members)
    pos = {key: (0.0, 0.0) for key in rings.get(0, [])}
    for ring, members in rings.items():
        if ring:
            for key in members:
                pos[key] = (ring * 220 * math.cos(angle[key]), ring * 220 * math.sin(angle[key]))
    for n in net.nodes:
        x, y = pos.get(n["id"], (0.0, 0.0))
        n["x"], n["y"], n["fixed"] = round(x, 1), round(y, 1), True
    net.options["physics"] = False


def _timeline(net: Network) -> None:
    dated = sorted({n["time"][:10] for n in net.nodes if n.get("time")})
    if not dated:
        net.layout = "force"
        return
    import datetime as dt

    def day(text: str) -> int:
        try:
            return dt.date.fromisoformat(text[:10]).toordinal()
        except ValueError:
            return 0

    first, last = day(dated[0]), day(dated[-1])
    span = max(1, last - first)
    lanes: dict[str, int] = {}
    for n in net.nodes:
        if n.get("time"):
            n["x"] = round(-600 + 1200 * (day(n["time"]) - first) / span, 1)
            n["fixed"] = {"x": True, "y": False}
            n["y"] = 120 * lanes.setdefault(n["group"], len(lanes))
    net.options["physics"] = True


# ------------------------------------------------------------------ the entry point
def network(source: Any, graph: KnowledgeGraph | None = None, *, focus: Any = None, depth: int = 1,
            max_nodes: int = 500, literals: str = "properties", styles: Mapping[str, Mapping[str, Any]] | None = None,
            value_styles: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
            size_by: str | None = "degree", layout: str = "force", max_edges: int | None = None) -> Network:
    """A drawable :class:`Network` of ``source``.

    ``source`` is a ``KnowledgeGraph`` (around ``focus`` to ``depth`` hops, or the most
    connected nodes of the whole graph), a ``Results`` (CONSTRUCT/DESCRIBE; or SELECT with
    ``?s ?p ?o`` or ``?node ?linkedNode`` and optional ``?nodeLabel ?nodeColor ?nodeSize
    ?edgeLabel``), or an iterable of nodes of ``graph``. ``styles`` overrides the colour and
    shape of a class (``{"foaf:Person": {"color": "#d62728", "shape": "star"}}``), and
    ``value_styles`` styles nodes by a property's value (``{"kgc:networkModel": {
    "kgc:joinIn": {...}}}``). ``size_by`` is ``"degree"``, a property (numeric values) or
    ``None``. ``layout``: force, hierarchical (left to right), radial (around the focus) or
    time (dated nodes along x). ``max_edges`` caps the links drawn (default: four per drawn
    node; every node keeps its two strongest links).

    >>> from kg_connect import KnowledgeGraph
    >>> kg = KnowledgeGraph().load('<https://e.org/a> <http://xmlns.com/foaf/0.1/knows> <https://e.org/b> .')
    >>> net = network(kg)
    >>> sorted(n["id"] for n in net.nodes), net.edges[0]["label"]
    (['https://e.org/a', 'https://e.org/b'], 'foaf:knows')
    """
    from kg_connect._graph import KnowledgeGraph as KG
    from kg_connect._results import Results

    owner = source if isinstance(source, KG) else graph
    if owner is None:
        owner = getattr(source, "_source", None) or KG()
    builder = NetworkBuilder(owner, literals=literals, styles=styles, value_styles=value_styles, size_by=size_by,
                             max_nodes=max_nodes, layout=layout, max_edges=max_edges)
    if isinstance(source, KG):
        if focus is not None:
            builder.around(find_node(owner, focus), depth)
        else:
            _whole(builder, owner)
    elif isinstance(source, Results):
        _from_results(builder, source)
    else:
        terms = [_term(t, owner) for t in source]
        builder.fetch(terms)
        for t in terms:
            builder.node(t)
        keep = [_key(t) for t in terms]
        builder.fetch_properties([builder.terms[k] for k in builder.terms])
        builder.count_neighbours(terms)
        return builder.network(keep[:max_nodes])
    if focus is not None and not isinstance(source, KG):
        builder.focus = _key(find_node(owner, focus))
    return builder.network()


def _https_schema(iri: str) -> str:
    """schema.org terms in the https form our styles and time properties use (data often
    has http://schema.org/)."""
    return "https://schema.org/" + iri[18:] if iri.startswith("http://schema.org/") else iri


def find_node(graph: KnowledgeGraph, value: Any) -> Any:
    """The node ``value`` names in ``graph``: a term, an IRI, a prefixed name or a label
    (case- and accent-insensitive). A name that matches nothing, or a label several nodes
    share, is a :class:`KgConnectError` that says so (and lists the candidates)."""
    from kg_connect.errors import KgConnectError

    if isinstance(value, (BNode, Literal)):
        return value
    named = value if isinstance(value, URIRef) else _named(str(value).strip(), graph)
    if named is not None:
        if graph.query("ASK { { ?n ?p ?o } UNION { ?s ?p ?n } }", n=named, union=True).boolean:
            return named
        if isinstance(value, URIRef) or "://" in str(value) or str(value).partition(":")[0] in graph.namespaces:
            raise KgConnectError(f"no node {graph.qname(named)} (<{named}>) in the graph")
    text = str(value).strip()
    found = find_nodes(graph, text, limit=10)
    if not found:
        raise KgConnectError(f"no node has the IRI, prefixed name or label {text!r}")
    wanted = _fold(text)
    exact = [(t, label) for t, label in found if _fold(label) == wanted]
    if len(exact) == 1 or (not exact and len(found) == 1):
        return (exact or found)[0][0]
    candidates = exact or found
    raise KgConnectError(f"{text!r} names {len(candidates)}{'+' if len(candidates) >= 10 else ''} nodes; say which "
                         "with an IRI or prefixed name: " + "; ".join(f"{label} <{t}>" for t, label in candidates[:8]))


def _term(value: Any, graph: KnowledgeGraph) -> Any:
    if isinstance(value, (URIRef, BNode, Literal)):
        return value
    text = str(value)
    prefix, _, local = text.partition(":")
    if prefix in graph.namespaces and not local.startswith("//"):
        return URIRef(graph.namespaces[prefix] + local)
    return URIRef(text)


_DEGREES = """SELECT ?n (COUNT(*) AS ?d) WHERE {
  { ?n ?p ?o FILTER(!isLiteral(?o) && ?p != rdf:type) } UNION { ?s ?p ?n FILTER(!isLiteral(?n) && ?p != rdf:type) }
} GROUP BY ?n ORDER BY DESC(?d) STR(?n) LIMIT %d"""
_NODES = ("SELECT (COUNT(DISTINCT ?n) AS ?k) WHERE { { ?n ?p ?o } UNION "
          "{ ?s ?p ?n FILTER(!isLiteral(?n) && ?p != rdf:type) } }")


def _whole(builder: NetworkBuilder, graph: KnowledgeGraph) -> None:
    """The whole graph: all of it when it is small, else its most connected nodes."""
    builder.total = int(graph.query(_NODES, union=True).rows[0][0])
    if len(graph) <= builder.max_nodes * 8:
        rows = graph.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", union=True).rows
        builder.add_triples((r[0], r[1], r[2]) for r in rows)
        return
    top = [r[0] for r in graph.query(_DEGREES % builder.max_nodes, union=True).rows]
    keep = {_key(t) for t in top}
    # only the links among them (the rest is counted, not fetched): a link between two of
    # them starts at one of them, so their outgoing links are enough (a hub's incoming links,
    # thousands of attendees, are never read)
    iris = [t for t in top if isinstance(t, URIRef)]
    for start in range(0, len(iris), 500):
        rows = graph.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isLiteral(?o)) }",
                           s=iris[start:start + 500], union=True).rows
        builder.add_triples((r[0], r[1], r[2]) for r in rows if r[1] == RDF.type or _key(r[2]) in keep)
    for t in top:
        builder.node(t)
    builder.terms = {k: v for k, v in builder.terms.items() if k in keep}
    builder.fetch_properties(top)
    builder.count_neighbours(top)


def _from_results(builder: NetworkBuilder, results: Results) -> None:
    if results.form in ("CONSTRUCT", "DESCRIBE"):
        builder.add_triples(results.triples)
        # the result's nodes take their types (styles) and properties from the graph
        builder.fetch_properties([t for t in builder.terms.values() if isinstance(t, URIRef)])
        return
    if results.form != "SELECT":
        raise ValueError("an ASK result has no graph to draw")
    names = set(results.vars)
    if {"s", "p", "o"} <= names or {"subject", "predicate", "object"} <= names:
        s, p, o = ("s", "p", "o") if "s" in names else ("subject", "predicate", "object")
        builder.add_triples((r[s], r[p], r[o]) for r in results.rows)
        builder.fetch_properties([t for t in builder.terms.values() if isinstance(t, URIRef)])
    elif {"node", "linkedNode"} <= names:
        edge = LINKED
        for r in results.rows:
            a = r["node"]
            if a is None:
                continue
            key = builder.node(a)
            extra = builder.extra.setdefault(key, {})
            for var, field_ in (("nodeLabel", "label"), ("nodeColor", "color"), ("nodeSize", "size")):
                if var in names and r[var] is not None:
                    extra[field_] = str(r[var])
            b = r["linkedNode"]
            if b is not None:
                other = builder.node(b)
                builder.link(key, other, edge)
                if "edgeLabel" in names and r["edgeLabel"] is not None:
                    builder.edge_labels[(key, other)] = str(r["edgeLabel"])
        builder.fetch_properties([builder.terms[k] for k in builder.terms])
    else:
        raise ValueError(
            "a SELECT result becomes a graph with the variables ?s ?p ?o, or ?node ?linkedNode (with "
            f"optional ?nodeLabel ?nodeColor ?nodeSize ?edgeLabel); this one has ?{' ?'.join(results.vars)}")


# ------------------------------------------------------------------ search
_ACCENTS = {
    "a": "aàáâãäåāăą", "c": "cçćĉċč", "d": "dďđ", "e": "eèéêëēĕėęě", "g": "gĝğġģ", "h": "hĥħ",
    "i": "iìíîïĩīĭįı", "j": "jĵ", "k": "kķ", "l": "lĺļľŀł", "n": "nñńņňŉ", "o": "oòóôõöøōŏő",
    "r": "rŕŗř", "s": "sśŝşšß", "t": "tţťŧ", "u": "uùúûüũūŭůűų", "w": "wŵ", "y": "yýÿŷ", "z": "zźżž",
}


def _pattern(text: str) -> str:
    """A case- and accent-insensitive regular expression for ``text`` (SPARQL REGEX, flag i)."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()
    out = []
    for char in plain:
        if char in _ACCENTS:
            out.append(f"[{_ACCENTS[char]}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


_LABELLED = ("rdfs:label", "skos:prefLabel", "foaf:name", "schema:name", "dcterms:title")


def find_nodes(graph: KnowledgeGraph, text: str, limit: int = 20) -> list[tuple[Any, str]]:
    """Nodes whose label holds ``text`` (case- and accent-insensitive), whose IRI holds it,
    or that it names as a prefixed name or IRI: ``(term, label)`` pairs, best first.

    >>> from kg_connect import KnowledgeGraph
    >>> kg = KnowledgeGraph().load('<https://e.org/c> <http://xmlns.com/foaf/0.1/name> "Café Müller" .')
    >>> find_nodes(kg, "cafe mu")
    [(rdflib.term.URIRef('https://e.org/c'), 'Café Müller')]
    """
    needle = text.strip()
    if not needle:
        return []
    found: list[Any] = []
    named = _named(needle, graph)
    if named is not None and graph.query("ASK { { ?n ?p ?o } UNION { ?s ?p ?n } }", n=named, union=True).boolean:
        found.append(named)
    rows = graph.query(
        "SELECT DISTINCT ?n WHERE { ?n ?p ?l FILTER(isLiteral(?l) && ?p IN (" + ", ".join(_LABELLED) + ") "
        "&& REGEX(STR(?l), ?pattern, \"i\")) } LIMIT " + str(int(limit) * 5), pattern=_pattern(needle), union=True).rows
    found += [r[0] for r in rows]
    if len(found) < limit:
        rows = graph.query("SELECT DISTINCT ?n WHERE { ?n ?p ?o FILTER(isIRI(?n) && CONTAINS(LCASE(STR(?n)), "
                           "LCASE(?q))) } LIMIT " + str(int(limit)), q=needle, union=True).rows
        found += [r[0] for r in rows]
    terms = [t for t in dict.fromkeys(found) if isinstance(t, URIRef)]
    labels = graph.labels(terms)
    wanted = _fold(needle)

    def rank(term: Any) -> tuple[int, int, str]:
        label = _fold(labels[term])
        exact = 0 if term == named else 1 if label == wanted else 2 if label.startswith(wanted) else 3
        return (exact, len(label), label)

    terms.sort(key=rank)
    return [(t, labels[t]) for t in terms[:limit]]


def _fold(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def _named(text: str, graph: KnowledgeGraph) -> URIRef | None:
    """The IRI ``text`` is (a prefixed name or an IRI), if it is one."""
    import pyoxigraph as ox

    prefix, _, local = text.partition(":")
    iri = graph.namespaces[prefix] + local if prefix in graph.namespaces and not local.startswith("//") else text
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    return URIRef(iri) if ":" in iri else None
