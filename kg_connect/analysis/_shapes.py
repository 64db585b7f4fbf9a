"""Network shapes: named projections of the graph, their measures (networkx where it has
them), and which of the three network models a network most resembles.

The three models are David Wilcox's: "join us" (a hierarchy: command and control), "join in"
(a few hubs that collaborate, each with its own members) and "join up yourselves" (a mesh of
peers with some hubs). ONTOLOGY-GUIDE §3 has the measures and what separates the models:
hierarchy scores on directed links, hubs and how they link, and clustering.
"""

from __future__ import annotations

import html
import random
import statistics
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode

from kg_connect._graph import KnowledgeGraph
from kg_connect.errors import KgConnectError

__all__ = ["MODELS", "PROJECTIONS", "NetworkModel", "measures", "network_model", "projection"]

MODELS = {"join-us": "join us", "join-in": "join in", "join-up": "join up yourselves"}

# Links between agents, each with the direction that points down a hierarchy (parent -> child),
# or "both" for a tie between peers. (?a ?b): the pattern binds ?a and ?b.
_LINKS = {
    "knows": ("{ ?a foaf:knows ?b }", "both"),
    "membership": ("{ ?b org:memberOf|schema:memberOf ?a } UNION { ?ms org:member ?b ; org:organization ?a } "
                   "UNION { ?a foaf:member|org:hasMember|schema:member ?b }", "down"),
    "unit": ("{ ?b org:subOrganizationOf|org:unitOf ?a } UNION { ?a org:hasSubOrganization|org:hasUnit ?b }", "down"),
    "reports": ("{ ?b org:reportsTo ?a }", "down"),
    "head": ("{ ?a org:headOf ?b }", "down"),
    "partnership": ("{ ?a kgc:partnerOf|org:linkedTo ?b }", "both"),
    "funding": ("{ ?a kgc:funds ?b } UNION { ?b schema:funder ?a FILTER NOT EXISTS { ?b a schema:Event } }", "down"),
}
PROJECTIONS = {
    "social": ("every tie between people and groups: knowing, membership, units, reporting lines, "
               "heads, partnership, funding", ["knows", "membership", "unit", "reports", "head", "partnership",
                                                "funding"]),
    "people": ("people: who knows whom, who met at the same event, who belong to the same group", ["knows"]),
    "organisations": ("organisations and groups: partnership, funding, units", ["partnership", "funding", "unit"]),
    "command": ("the directed command graph: units under organisations, reporting lines, heads",
                ["unit", "reports", "head"]),
    "coauthors": ("people who wrote something together (dcterms:creator, foaf:maker, prov:wasAttributedTo)", []),
    "ideas": ("the event-to-event idea-flow graph", []),
}
_COAUTHORS = """SELECT DISTINCT ?a ?b WHERE {
  ?d dcterms:creator|foaf:maker|prov:wasAttributedTo|schema:author ?a , ?b .
  ?a a foaf:Person . ?b a foaf:Person . FILTER(STR(?a) < STR(?b))
}"""
_PEOPLE_EXTRA = """SELECT DISTINCT ?a ?b WHERE {
  { ?e schema:attendee ?a . ?e schema:attendee ?b }
  UNION { ?a org:memberOf ?g . ?b org:memberOf ?g }
  UNION { ?m1 org:member ?a ; org:organization ?g . ?m2 org:member ?b ; org:organization ?g }
  ?a a foaf:Person . ?b a foaf:Person . FILTER(STR(?a) < STR(?b))
}"""


def projection(graph: KnowledgeGraph, name: str = "social") -> Any:
    """The named projection as a ``networkx.DiGraph`` (peer ties in both directions; nodes
    carry ``label``). ``name``: social (default), people, organisations, command, ideas."""
    import networkx as nx

    if name not in PROJECTIONS:
        raise KgConnectError(f"unknown projection {name!r}; expected one of: {', '.join(PROJECTIONS)}")
    g = nx.DiGraph(name=name)
    if name == "ideas":
        from kg_connect.analysis._trails import flows

        g = flows(graph).to_networkx()
        g.graph["name"] = name
    else:
        for link in PROJECTIONS[name][1]:
            pattern, direction = _LINKS[link]
            rows = graph.query(f"SELECT DISTINCT ?a ?b WHERE {{ {pattern} FILTER(?a != ?b && !isLiteral(?b)) }}", union=True).rows
            for a, b in rows:
                g.add_edge(_id(a), _id(b), link=link)
                if direction == "both":
                    g.add_edge(_id(b), _id(a), link=link)
        extra = {"people": (_PEOPLE_EXTRA, "together"), "coauthors": (_COAUTHORS, "coauthor")}.get(name)
        if extra is not None:
            for a, b in graph.query(extra[0], union=True).rows:
                g.add_edge(_id(a), _id(b), link=extra[1])
                g.add_edge(_id(b), _id(a), link=extra[1])
    if g.number_of_nodes():
        from rdflib import URIRef

        terms = [URIRef(n) for n in g.nodes if not n.startswith("_:")]
        labels = graph.labels(terms)
        for n in g.nodes:
            g.nodes[n]["label"] = labels.get(URIRef(n), n) if not n.startswith("_:") else n
    return g


_project = projection  # for network_model(), whose parameter has this name


# ---------------------------------------------------------------------- measures
def _krackhardt_hierarchy(d: Any) -> float | None:
    """1 - (ordered pairs that reach each other) / (ordered pairs where one reaches the other)."""
    import networkx as nx

    reach = 0
    mutual = 0
    sccs = list(nx.strongly_connected_components(d))
    cond = nx.condensation(d, sccs)
    size = {i: len(c) for i, c in enumerate(sccs)}
    # pairs inside a strongly connected component reach each other both ways
    mutual = sum(s * (s - 1) for s in size.values())
    for node in cond.nodes:
        below = nx.descendants(cond, node)
        reach += size[node] * sum(size[b] for b in below)
    total = reach + mutual
    return None if total == 0 else 1 - mutual / total


def _krackhardt_connectedness(u: Any) -> float:
    """Share of unordered pairs that can reach each other along ties of either direction."""
    import networkx as nx

    n = u.number_of_nodes()
    apart = n * (n - 1) / 2 - sum(len(c) * (len(c) - 1) / 2 for c in nx.connected_components(u))
    return 1 - apart / (n * (n - 1) / 2)


def _krackhardt_efficiency(u: Any) -> float | None:
    """1 - (links beyond the N-1 a component needs) / (the most it could have beyond them)."""
    import networkx as nx

    excess = most = 0.0
    for c in nx.connected_components(u):
        k = len(c)
        if k > 2:
            excess += u.subgraph(c).number_of_edges() - (k - 1)
            most += (k - 1) * (k - 2) / 2
    return None if most == 0 else 1 - excess / most


def _krackhardt_lub(d: Any, *, seed: int = 1) -> float | None:
    """Least upper boundedness: the share of pairs that have someone above both of them
    (links point down). Two nodes have an upper bound iff a source of the condensation reaches
    both, so each node carries the set of sources above it (a bitset); pairs are sampled above
    2,000 nodes."""
    import networkx as nx

    n = d.number_of_nodes()
    if n < 3:
        return None
    sccs = list(nx.strongly_connected_components(d))
    cond = nx.condensation(d, sccs)
    roots: dict[int, int] = {}
    bit = 0
    for c in nx.topological_sort(cond):
        preds = list(cond.predecessors(c))
        if not preds:
            roots[c] = 1 << bit
            bit += 1
        else:
            acc = 0
            for p in preds:
                acc |= roots[p]
            roots[c] = acc
    member = cond.graph["mapping"]
    nodes = list(d.nodes)
    if n <= 2000:
        pairs: Any = ((nodes[i], nodes[j]) for i in range(n) for j in range(i + 1, n))
        total = n * (n - 1) / 2
    else:
        rng = random.Random(seed)
        pairs = [tuple(rng.sample(nodes, 2)) for _ in range(20_000)]
        total = len(pairs)
    bound = sum(1 for a, b in pairs if roots[member[a]] & roots[member[b]])
    return bound / total


def _structural_holes(u: Any, i: Any) -> tuple[float | None, float | None]:
    """Burt's constraint and effective size of ``i`` on unweighted undirected ties, where
    p_ij = 1 / degree(i): constraint sums over neighbours j (p_ij + sum over shared
    neighbours q of p_iq p_qj) squared; effective size is n - 2t/n for n neighbours with t
    ties among them (Borgatti's form). networkx gives the same but copies an ego graph or
    recomputes every weight, which takes minutes around a hub of a few thousand."""
    ni = set(u[i]) - {i}
    if not ni:
        return None, None
    pi = 1 / len(ni)
    degree = {q: len(u[q]) - (1 if q in u[q] else 0) for q in ni}
    total = 0.0
    shared_ties = 0
    for j in ni:
        shared = (ni & set(u[j])) - {j}
        shared_ties += len(shared)
        indirect = sum(pi / degree[q] for q in shared)
        total += (pi + indirect) ** 2
    n = len(ni)
    return total, n - shared_ties / n  # shared_ties counts each tie twice: 2t


_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


def _gould_fernandez(d: Any, b: Any, group: dict[Any, int], *, cap: int = 20_000, seed: int = 1) -> dict[str, int]:
    """Gould and Fernandez's brokerage roles of ``b``: over paths a -> b -> c with no link
    a -> c, by which groups a, b and c belong to. Sampled above ``cap`` paths."""
    counts = dict.fromkeys(_ROLES, 0)
    preds, succs = list(d.predecessors(b)), list(d.successors(b))
    if len(preds) * len(succs) > cap:
        rng = random.Random(seed)
        paths: Any = ((rng.choice(preds), rng.choice(succs)) for _ in range(cap))
    else:
        paths = ((a, c) for a in preds for c in succs)
    gb = group.get(b)
    for a, c in paths:
        if a == c or d.has_edge(a, c):
            continue
        ga, gc = group.get(a), group.get(c)
        if ga == gb == gc:
            counts["coordinator"] += 1
        elif ga == gc:
            counts["itinerant"] += 1
        elif ga == gb:
            counts["representative"] += 1
        elif gb == gc:
            counts["gatekeeper"] += 1
        else:
            counts["liaison"] += 1
    return counts


def measures(g: Any, *, seed: int = 1) -> dict[str, Any]:
    """The measures of ONTOLOGY-GUIDE §3.2 for a projection (a ``networkx`` graph)."""
    import networkx as nx

    d = g if g.is_directed() else g.to_directed()
    u = nx.Graph(d)
    u.remove_edges_from(nx.selfloop_edges(u))
    n, m = u.number_of_nodes(), u.number_of_edges()
    out: dict[str, Any] = {"nodes": n, "links": m}
    if n < 3 or m == 0:
        return out | {"note": "too small to measure"}
    degrees = [deg for _, deg in u.degree()]
    dmax = max(degrees)
    out["degree_centralisation"] = round(sum(dmax - x for x in degrees) / ((n - 1) * (n - 2)), 3)
    k = None if n <= 500 else (200 if n <= 20_000 else 8)  # sampled sources above 500 nodes
    btw = nx.betweenness_centrality(u, k=k, seed=seed)
    bmax = max(btw.values())
    out["betweenness_centralisation"] = round(sum(bmax - x for x in btw.values()) / (n - 1), 3)
    # triangles once for both: transitivity = 3 triangles / connected triples (Newman), average
    # clustering = mean of 2 T_i / (k_i (k_i - 1)) (Watts and Strogatz)
    triangles = nx.triangles(u)
    triples = sum(deg * (deg - 1) / 2 for _, deg in u.degree())
    out["transitivity"] = round(sum(triangles.values()) / triples, 3) if triples else 0.0
    out["average_clustering"] = round(statistics.fmean(
        2 * triangles[x] / (deg * (deg - 1)) if deg > 1 else 0.0 for x, deg in u.degree()), 3)
    mu, sigma = statistics.fmean(degrees), statistics.pstdev(degrees)
    hubs = [x for x, deg in u.degree() if deg > mu + 2 * sigma and deg >= 3]
    hubs.sort(key=lambda x: -u.degree(x))
    out["hubs"] = hubs[:50]
    out["hub_count"] = len(hubs)
    sub = u.subgraph(hubs)
    out["hub_link_density"] = round(nx.density(sub), 3) if len(hubs) > 1 else None
    comps = nx.number_connected_components(u)
    out["components"] = comps
    out["tree_likeness"] = round(min(1.0, (n - comps) / m), 3)  # 1 for a forest, lower as cycles add up
    giant = max(nx.connected_components(u), key=len)
    top = max(u.degree(), key=lambda kv: kv[1])[0]
    rest = u.subgraph([x for x in giant if x != top])
    left = max((len(c) for c in nx.connected_components(rest)), default=0)
    out["fragility"] = round(1 - left / max(len(giant) - 1, 1), 3)  # share cut off when the top hub goes
    directed_only = [(a, b) for a, b in d.edges if not d.has_edge(b, a)]
    out["reciprocity"] = round(1 - len(directed_only) / d.number_of_edges(), 3)
    out["krackhardt_connectedness"] = round(_krackhardt_connectedness(u), 3)
    out["krackhardt_hierarchy"] = _round(_krackhardt_hierarchy(d))
    out["krackhardt_efficiency"] = _round(_krackhardt_efficiency(u))
    out["krackhardt_lub"] = _round(_krackhardt_lub(d, seed=seed))
    out["flow_hierarchy"] = round(nx.flow_hierarchy(d), 3) if d.number_of_edges() else None
    communities: list[Any] = []
    try:
        # Louvain up to 20,000 nodes; label propagation (near-linear) above, where Louvain in
        # pure Python takes most of a minute
        communities = nx.community.louvain_communities(u, seed=seed) if n <= 20_000 else \
            list(nx.community.label_propagation_communities(u))
        out["communities"] = len(communities)
        out["modularity"] = round(nx.community.modularity(u, communities), 3)
    except (ZeroDivisionError, nx.NetworkXError):
        out["communities"], out["modularity"] = None, None
    if len(giant) <= 500:
        out["average_path"] = round(nx.average_shortest_path_length(u.subgraph(giant)), 2)
    else:
        rng = random.Random(seed)
        sample = rng.sample(sorted(giant), 100 if len(giant) <= 20_000 else 8)
        lengths = [dist for s in sample for dist in nx.single_source_shortest_path_length(u, s).values() if dist]
        out["average_path"] = round(statistics.fmean(lengths), 2)
    brokers = [x for x, _ in sorted(btw.items(), key=lambda kv: -kv[1])[:10] if btw[x] > 0]
    out["brokers"] = brokers
    # for each broker: Burt's constraint and effective size (on the undirected ties), and
    # Gould and Fernandez's roles with the communities as the groups
    group = {x: i for i, c in enumerate(communities) for x in c}
    holes = {x: _structural_holes(u, x) for x in brokers}
    constraint = {x: h[0] for x, h in holes.items()}
    size = {x: h[1] for x, h in holes.items()}
    out["broker_details"] = {
        x: {"betweenness": round(btw[x], 4), "constraint": _round(constraint.get(x)),
            "effective_size": _round(size.get(x)), "degree": u.degree(x),
            "roles": _gould_fernandez(d, x, group, seed=seed) if group else {}}
        for x in brokers}
    return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


# ---------------------------------------------------------------------- the verdict
@dataclass
class NetworkModel:
    """Which model a network most resembles (see :func:`network_model`)."""

    model: str  # join-us, join-in or join-up
    scores: dict[str, float]
    confidence: float
    explanation: str
    projection: str
    measures: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return MODELS[self.model]

    def to_dict(self) -> dict[str, Any]:
        ms = dict(self.measures)
        ms["hubs"] = [{"iri": h, "label": self.labels.get(h, h)} for h in ms.get("hubs", [])]
        details = ms.pop("broker_details", {})
        ms["brokers"] = [{"iri": h, "label": self.labels.get(h, h)} | details.get(h, {}) for h in ms.get("brokers", [])]
        return {"model": self.model, "name": self.name, "confidence": self.confidence, "scores": self.scores,
                "explanation": self.explanation, "projection": self.projection, "measures": ms}

    def __repr__(self) -> str:
        return f"<NetworkModel {self.model} ({self.name!r}), confidence {self.confidence:.2f}>"

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><td>{e(MODELS[k])}</td><td>{v:.2f}</td></tr>" for k, v in self.scores.items())
        keep = ("nodes", "links", "hub_count", "average_clustering", "krackhardt_connectedness",
                "krackhardt_hierarchy", "krackhardt_efficiency", "krackhardt_lub", "flow_hierarchy",
                "degree_centralisation", "betweenness_centralisation", "fragility", "modularity", "average_path")
        ms = "".join(f"<tr><td>{e(k.replace('_', ' '))}</td><td>{e(str(self.measures.get(k)))}</td></tr>"
                     for k in keep if k in self.measures)
        details = self.measures.get("broker_details", {})
        brokers = "".join(
            f"<tr><td>{e(self.labels.get(h, h))}</td><td>{d.get('betweenness')}</td><td>{d.get('constraint')}</td>"
            f"<td>{d.get('effective_size')}</td><td>{e(', '.join(f'{k} {v}' for k, v in d.get('roles', {}).items() if v))}"
            "</td></tr>" for h, d in ((h, details.get(h, {})) for h in self.measures.get("brokers", [])[:10]))
        if brokers:
            brokers = ("<table><thead><tr><th>broker</th><th>betweenness</th><th>constraint</th><th>effective size</th>"
                       f"<th>brokerage roles</th></tr></thead><tbody>{brokers}</tbody></table>")
        return (f'<div class="kgc-model"><h4>Most like “{e(self.name)}” (confidence {self.confidence:.2f})</h4>'
                f"<p>{e(self.explanation)}</p><table><thead><tr><th>model</th><th>score</th></tr></thead>"
                f"<tbody>{rows}</tbody></table><table><tbody>{ms}</tbody></table>{brokers}</div>")


def classify(ms: dict[str, Any]) -> tuple[str, dict[str, float], float, str]:
    """The verdict from a projection's measures: scores in [0, 1] per model, the model with
    the highest, a confidence (the margin to the runner-up), and why, in plain words."""
    clustering = ms.get("average_clustering", 0.0)
    cl = min(1.0, clustering / 0.25)
    hier = ms.get("krackhardt_hierarchy")
    hier = 0.0 if hier is None else hier
    flow = ms.get("flow_hierarchy") or 0.0
    hubs = ms.get("hub_count", 0)
    several = 0.0 if hubs < 2 else min(1.0, (hubs - 1) / 2)
    linked = ms.get("hub_link_density") or 0.0
    reciprocal = ms.get("reciprocity", 0.0)
    # hierarchy: ties that run one way down (Krackhardt), unless the hubs link up as partners;
    # hubs: several that stand out and link to each other; mesh: reciprocal, clustered ties
    scores = {
        "join-us": hier * (1 - several * linked),
        "join-in": several * (0.4 + 0.6 * linked) * (1 - 0.5 * cl),
        "join-up": (1 - hier) * (0.5 * cl + 0.5 * reciprocal) * (1 - 0.5 * several * linked),
    }
    scores = {k: round(max(0.0, min(1.0, v)), 3) for k, v in scores.items()}
    ranked = sorted(scores, key=lambda k: -scores[k])
    best, second = ranked[0], ranked[1]
    confidence = round(0.0 if scores[best] == 0 else (scores[best] - scores[second]) / scores[best], 2)
    why = {
        "join-us": f"Ties run one way down a hierarchy (Krackhardt hierarchy {hier:.2f}, flow hierarchy "
                   f"{flow:.2f}) and no group of hubs links up as partners: command and control, people join "
                   "the organisation.",
        "join-in": f"{hubs} hubs stand out, {'well' if linked >= 0.5 else 'partly'} linked to each other "
                   f"(density {linked:.2f}), each with its own members: organisations collaborate and people "
                   "join in through them.",
        "join-up": f"Ties are reciprocal ({reciprocal:.0%}) and "
                   + ("clustered" if clustering >= 0.1 else "barely clustered")
                   + f" (average clustering {clustering:.2f}), with little hierarchy ({hier:.2f}): peers link up "
                   + "among themselves" + (f", with some hubs ({hubs})." if hubs else ", no hub standing out."),
    }[best]
    nodes = ms.get("nodes", 0)
    if nodes < 10:  # a handful of nodes fits any model a little: say so, and trust the verdict less
        confidence = round(confidence * nodes / 10, 2)
        why += f" With {nodes} nodes this says little."
    if confidence < 0.2:
        why += f" It is close to “{MODELS[second]}” too (score {scores[second]:.2f} against {scores[best]:.2f})."
    return best, scores, confidence, why


def network_model(graph: Any, projection: str | None = None, *, seed: int = 1) -> NetworkModel:
    """Which of the three models ``graph`` most resembles: "join us" (hierarchy), "join in"
    (collaborating hubs) or "join up yourselves" (a peer-to-peer mesh with some hubs), with
    the scores behind the verdict, a confidence and an explanation. ``graph`` is a
    ``KnowledgeGraph`` (measured on ``projection``, default "social") or a networkx graph."""
    import networkx as nx

    if isinstance(graph, KnowledgeGraph):
        name = projection or "social"
        g = _project(graph, name)
    elif isinstance(graph, (nx.Graph, nx.DiGraph)):
        name, g = projection or "given", graph
    else:
        raise TypeError(f"network_model() needs a KnowledgeGraph or a networkx graph, not {type(graph).__name__}")
    if g.number_of_edges() == 0:
        raise KgConnectError(f"the {name} projection has no links to measure: "
                             + ("; ".join(f"{k}: {v[0]}" for k, v in PROJECTIONS.items() if k == name) or name))
    ms = measures(g, seed=seed)
    if "note" in ms:
        raise KgConnectError(f"the {name} projection is {ms['note']} ({ms['nodes']} nodes, {ms['links']} links)")
    model, scores, confidence, why = classify(ms)
    labels = {n: g.nodes[n].get("label", n) for n in g.nodes}
    return NetworkModel(model, scores, confidence, why, name, ms, labels)


def _id(term: Any) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)
