"""Network shapes: projections, measures, and the verdict of network_model on generated
exemplars of each model (sizes 30 to 3,000, several seeds), on networks written in FOAF and
ORG only, and on the example networks of the three models."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import networkx as nx
import pytest

from conftest import EXAMPLES
from kg_connect import KgConnectError, KnowledgeGraph, network_model
from kg_connect.analysis import measures, projection

E = "https://e.org/"
KGC = [sys.executable, "-m", "kg_connect"]


def join_us(n: int, seed: int) -> nx.DiGraph:
    """A hierarchy: a 2- to 4-ary out-tree (boss -> subordinate)."""
    return nx.DiGraph(nx.bfs_tree(nx.full_rary_tree(2 + seed % 3, n), 0))


def join_in(n: int, seed: int) -> nx.DiGraph:
    """Hubs that are all partners, each with its own members; some members belong to two."""
    rng = random.Random(seed)
    hubs = [f"h{i}" for i in range(max(3, n // 100))]
    g = nx.DiGraph()
    g.add_edges_from((a, b) for a in hubs for b in hubs if a != b)
    for i in range(n - len(hubs)):
        g.add_edge(rng.choice(hubs), f"m{i}")
        if rng.random() < 0.1:
            g.add_edge(rng.choice(hubs), f"m{i}")
    return g


def join_up(n: int, seed: int) -> nx.DiGraph:
    """A clustered scale-free mesh of reciprocal ties (Holme-Kim)."""
    return nx.powerlaw_cluster_graph(n, 2, 0.6, seed=seed).to_directed()


@pytest.mark.parametrize("n", [30, 100, 300, 3000])
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("model,make", [("join-us", join_us), ("join-in", join_in), ("join-up", join_up)])
def test_generated_exemplars_are_classified(model, make, n, seed):
    verdict = network_model(make(n, seed), seed=seed)
    assert verdict.model == model, (verdict.scores, verdict.explanation)
    assert 0 < verdict.confidence <= 1 and verdict.scores[model] == max(verdict.scores.values())


def as_rdf(g: nx.DiGraph, model: str) -> str:
    """An exemplar written in FOAF and ORG only, as people and organisations would be."""
    lines = ["@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix org: <http://www.w3.org/ns/org#> ."]
    for node in g.nodes:
        kind = "org:Organization" if model != "join-up" and g.out_degree(node) else "foaf:Person"
        lines.append(f"<{E}{node}> a {kind} ; foaf:name \"{node}\" .")
    for a, b in g.edges:
        if model == "join-us":
            lines.append(f"<{E}{b}> org:reportsTo <{E}{a}> .")
        elif model == "join-in":
            lines.append(f"<{E}{a}> org:linkedTo <{E}{b}> ." if b.startswith("h") else f"<{E}{b}> org:memberOf <{E}{a}> .")
        else:
            lines.append(f"<{E}{a}> foaf:knows <{E}{b}> .")
    return "\n".join(lines)


@pytest.mark.parametrize("n", [40, 400])
@pytest.mark.parametrize("model,make", [("join-us", join_us), ("join-in", join_in), ("join-up", join_up)])
def test_networks_in_foaf_and_org_only(model, make, n):
    kg = KnowledgeGraph().load(as_rdf(make(n, 1), model), format="turtle")
    assert network_model(kg).model == model


@pytest.mark.parametrize("name,model", [("model-1-join-us.ttl", "join-us"), ("model-2-join-in.ttl", "join-in"),
                                        ("model-3-join-up.ttl", "join-up")])
def test_the_three_example_networks(name, model):
    verdict = network_model(KnowledgeGraph().load(EXAMPLES / "data" / name))
    assert verdict.model == model
    assert verdict.explanation and set(verdict.scores) == {"join-us", "join-in", "join-up"}
    d = verdict.to_dict()
    json.dumps(d)
    if model == "join-in":
        assert {h["label"] for h in d["measures"]["hubs"]} == {"Local Food Network", "Youth Action Alliance",
                                                               "Community Energy Network", "Neighbourhood Media Hub"}


def test_measures_match_the_guide_on_a_tree_and_a_mesh():
    tree = measures(join_us(40, 1))
    assert tree["krackhardt_hierarchy"] == 1.0 and tree["flow_hierarchy"] == 1.0
    assert tree["average_clustering"] == 0 and tree["tree_likeness"] == 1.0 and tree["reciprocity"] == 0
    mesh = measures(join_up(40, 1))
    assert mesh["krackhardt_hierarchy"] == 0.0 and mesh["flow_hierarchy"] == 0.0 and mesh["reciprocity"] == 1.0
    assert mesh["average_clustering"] > 0.3 and mesh["fragility"] < tree["fragility"]


def test_krackhardts_four_dimensions_on_known_shapes():
    out_star = nx.DiGraph([(0, i) for i in range(1, 8)])  # a boss over seven: a perfect outtree
    m = measures(out_star)
    assert (m["krackhardt_connectedness"], m["krackhardt_hierarchy"], m["krackhardt_efficiency"],
            m["krackhardt_lub"]) == (1.0, 1.0, 1.0, 1.0)
    in_star = nx.DiGraph([(i, 0) for i in range(1, 8)])  # seven over one: no pair of the seven has a boss
    assert measures(in_star)["krackhardt_lub"] == round(1 - 21 / 28, 3)  # only pairs with 0 are bounded
    clique = nx.complete_graph(6).to_directed()
    m = measures(clique)
    assert m["krackhardt_efficiency"] == 0.0 and m["krackhardt_hierarchy"] == 0.0 and m["krackhardt_lub"] == 1.0
    two = nx.DiGraph([(0, 1), (1, 2), (3, 4), (4, 5)])  # two chains of three: 6 of 15 pairs connected
    assert measures(two)["krackhardt_connectedness"] == 0.4
    big = nx.balanced_tree(3, 7, create_using=nx.DiGraph)  # 3,280 nodes: LUB sampled, still exact for a tree
    assert measures(big)["krackhardt_lub"] == 1.0


def test_brokers_have_burts_measures_and_gould_fernandez_roles():
    from kg_connect.analysis._shapes import _gould_fernandez

    # a -> b -> c for each combination of groups, with b in group 0
    d = nx.DiGraph([("a0", "b"), ("a1", "b"), ("b", "c0"), ("b", "c1")])
    roles = _gould_fernandez(d, "b", {"a0": 0, "b": 0, "c0": 0, "a1": 1, "c1": 1})
    # a0 b c0: coordinator; a1 b c1: itinerant (b outside the pair's group); a0 b c1: representative;
    # a1 b c0: gatekeeper
    assert roles == {"coordinator": 1, "itinerant": 1, "representative": 1, "gatekeeper": 1, "liaison": 0}
    roles = _gould_fernandez(d, "b", {"a0": 0, "b": 1, "c0": 2, "a1": 0, "c1": 0})
    assert roles["liaison"] == 2  # a0 b c0 and a1 b c0
    d.add_edge("a0", "c0")  # a direct link: no brokerage between them
    assert _gould_fernandez(d, "b", {x: 0 for x in d})["coordinator"] == 3
    # two cliques joined through one person: she is the broker, with the lowest constraint
    g = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    g.add_edges_from([(10, 0), (10, 5)])
    m = measures(g.to_directed())
    top = m["brokers"][0]
    assert top in (0, 5, 10)
    det = m["broker_details"][10]
    assert det["constraint"] == round(nx.constraint(g, [10])[10], 3) and det["effective_size"] == 2.0
    assert det["roles"]["liaison"] + det["roles"]["itinerant"] + det["roles"]["gatekeeper"] > 0
    verdict = network_model(KnowledgeGraph().load(EXAMPLES / "data" / "model-2-join-in.ttl"))
    broker = verdict.to_dict()["measures"]["brokers"][0]
    assert {"iri", "label", "betweenness", "constraint", "effective_size", "roles"} <= set(broker)
    assert "brokerage roles" in verdict._repr_html_()


def test_projections_and_errors():
    kg = KnowledgeGraph().load(EXAMPLES / "data" / "model-1-join-us.ttl")
    command = projection(kg, "command")
    assert command.number_of_edges() > 20 and all(not command.has_edge(b, a) for a, b in command.edges)
    people = projection(kg, "people")
    assert all(people.has_edge(b, a) for a, b in people.edges)  # ties between peers go both ways
    with pytest.raises(KgConnectError, match="unknown projection 'nope'; expected one of: social, people"):
        projection(kg, "nope")
    plain = KnowledgeGraph().load(as_rdf(join_us(10, 1), "join-us"), format="turtle")
    with pytest.raises(KgConnectError, match="the ideas projection has no links to measure"):
        network_model(plain, "ideas")


def test_the_command_line():
    out = subprocess.run(KGC + ["shape", str(EXAMPLES / "data" / "model-1-join-us.ttl")], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("most like: join us (join-us), confidence")
    js = subprocess.run(KGC + ["shape", str(EXAMPLES / "data" / "model-3-join-up.ttl"), "--format", "json"],
                        capture_output=True, text=True, timeout=120)
    assert json.loads(js.stdout)["model"] == "join-up"
