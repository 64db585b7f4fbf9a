"""Graphs as networks to draw (kg_connect.render): styles, labels, literals, level of detail,
SELECT conventions, layouts, escaping in the HTML document, and a build linear in its size."""

from __future__ import annotations

import json
import re
import sys
from html.parser import HTMLParser

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from conftest import STORY
from kg_connect import KnowledgeGraph
from kg_connect.render import graph_document, network
from kg_connect.render._network import AUTO_COLOURS, CLASS_STYLES, NetworkBuilder, find_nodes

E = "https://e.org/"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
KGC = "https://w3id.org/kg-connect/ns#"
STYLE = {name: style for _, name, style in CLASS_STYLES}
HOSTILE = ['<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>', '" onmouseover="alert(3)',
           "<a href='javascript:alert(4)'>href</a>", "@VIS_JS@", "\u2028</script>"]


def by_id(net) -> dict:
    return {n["id"]: n for n in net.nodes}


def test_classes_style_nodes_and_subclasses_inherit_with_a_legend():
    kg = KnowledgeGraph().load(f"""
        @prefix kgc: <{KGC}> . @prefix schema: <{SCHEMA}> . @prefix foaf: <{FOAF}> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{E}ann> a foaf:Person ; foaf:name "Ann" .
        <{E}bob> a foaf:Person ; foaf:name "Bob" .
        <{E}camp> a schema:SocialEvent ; rdfs:label "Camp" .      # the ontology: a schema:Event
        <{E}talk> a <{E}Keynote> ; rdfs:label "Talk" .           # the data: a subclass of an event
        <{E}Keynote> rdfs:subClassOf schema:Event .
        <{E}thing> a <{E}Unknown> .
        <{E}ann> schema:attendee <{E}camp> ; foaf:knows <{E}bob>, <{E}thing> .
        <{E}talk> schema:superEvent <{E}camp> .
    """)
    nodes = by_id(network(kg))
    assert (nodes[E + "ann"]["group"], nodes[E + "ann"]["color"], nodes[E + "ann"]["shape"]) == (
        "person", STYLE["person"]["color"], STYLE["person"]["shape"])
    assert nodes[E + "camp"]["group"] == "event" and nodes[E + "camp"]["shape"] == STYLE["event"]["shape"]
    assert nodes[E + "talk"]["group"] == "event"
    assert nodes[E + "thing"]["group"] == E + "Unknown"  # a class with no style: a colour of its own
    assert nodes[E + "thing"]["color"] in AUTO_COLOURS
    assert nodes[E + "Keynote"]["group"] == "other"  # no type at all
    legend = {entry["label"]: entry for entry in network(kg).legend}
    assert legend["person"]["count"] == 2 and legend["event"]["count"] == 2 and legend["other"]["count"] >= 1
    assert legend[E + "Unknown"]["count"] == 1
    assert legend["person"]["color"] == STYLE["person"]["color"]


def test_users_override_styles_by_class_superclass_and_property_value():
    kg = KnowledgeGraph().load(f"""
        @prefix foaf: <{FOAF}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <{E}> .
        <{E}Funder> rdfs:subClassOf <{E}Backer> .
        <{E}fund> a <{E}Funder> ; foaf:name "Fund" ; <{E}model> <{E}joinIn> .
        <{E}ann> a foaf:Person ; foaf:knows <{E}fund>, <{E}bob> ; <{E}role> "host" .
        <{E}bob> a foaf:Person .
    """)
    net = network(kg, styles={"foaf:Person": {"color": "#010203"}, "ex:Backer": {"shape": "star"}})
    nodes = by_id(net)
    assert nodes[E + "ann"]["color"] == "#010203" and nodes[E + "ann"]["shape"] == STYLE["person"]["shape"]
    assert nodes[E + "fund"]["shape"] == "star"  # through the subclass
    assert "ex:Backer" in [entry["label"] for entry in net.legend]
    by_value = by_id(network(kg, value_styles={"ex:role": {"host": {"color": "#aa0000"}},
                                                "ex:model": {E + "joinIn": {"shape": "square"}}}))
    assert by_value[E + "ann"]["color"] == "#aa0000"
    assert by_value[E + "fund"]["shape"] == "square"
    assert by_value[E + "bob"]["color"] == STYLE["person"]["color"]


def test_labels_literals_and_merged_parallel_edges():
    kg = KnowledgeGraph().load(f"""
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix foaf: <{FOAF}> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{E}ann> rdfs:label "Ann"@en, "Anne"@fr ; foaf:age "42"^^xsd:integer ; rdfs:comment "bonjour"@fr ;
            <{E}likes> <{E}bob> ; <{E}trusts> <{E}bob> ; <{E}met> <{E}bob> .
        <{E}likes> rdfs:label "likes" .
        <{E}bob> foaf:name "Bob" .
    """)
    net = network(kg)
    nodes = by_id(net)
    assert set(nodes) == {E + "ann", E + "bob", E + "likes"}  # literals are properties, not nodes
    assert nodes[E + "ann"]["label"] == "Ann" and nodes[E + "bob"]["label"] == "Bob"
    props = {(p, v): m for p, v, m in nodes[E + "ann"]["props"]}
    assert props[("foaf:age", "42")] == "xsd:integer"
    assert props[("rdfs:comment", "bonjour")] == "@fr"
    assert nodes[E + "ann"]["iri"] == E + "ann" and "Ann" in nodes[E + "ann"]["title"]
    [edge] = [e for e in net.edges if e["to"] == E + "bob"]
    assert edge["count"] == 3 and edge["label"].startswith("likes") and edge["label"].endswith("+2")
    assert edge["title"].splitlines() == ["likes", E + "met", E + "trusts"]  # labelled first
    as_nodes = by_id(network(kg, literals="nodes"))
    assert any(n["kind"] == "literal" and n["label"] == "42" for n in as_nodes.values())
    with pytest.raises(ValueError, match="literals"):
        network(kg, literals="sometimes")


def test_sizes_by_degree_by_a_property_or_not_at_all():
    kg = KnowledgeGraph()
    hub = URIRef(E + "hub")
    kg.add([(hub, URIRef(E + "p"), URIRef(f"{E}n{i}")) for i in range(10)])
    kg.add((URIRef(E + "n0"), URIRef(E + "weight"), Literal(100)))
    kg.add((URIRef(E + "n1"), URIRef(E + "weight"), Literal(1)))
    sizes = {k: n["size"] for k, n in by_id(network(kg)).items()}
    assert sizes[E + "hub"] > sizes[E + "n5"]
    sizes = {k: n["size"] for k, n in by_id(network(kg, size_by=E + "weight")).items()}
    assert sizes[E + "n0"] > sizes[E + "n1"] and sizes[E + "hub"] == sizes[E + "n5"]
    assert len({n["size"] for n in network(kg, size_by=None).nodes}) == 1


def star(n: int, spokes_of_spokes: int = 0) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    hub = URIRef(E + "hub")
    triples = [(hub, RDFS.label, Literal("Hub"))]
    for i in range(n):
        spoke = URIRef(f"{E}s{i:05d}")
        triples += [(hub, URIRef(E + "knows"), spoke), (spoke, RDFS.label, Literal(f"spoke {i}"))]
        triples += [(spoke, URIRef(E + "has"), URIRef(f"{E}s{i:05d}/{j}")) for j in range(spokes_of_spokes)]
    kg.add(triples)
    return kg


def test_level_of_detail_draws_the_most_relevant_and_counts_the_hidden():
    kg = star(300, spokes_of_spokes=2)
    net = network(kg, focus=E + "s00007", depth=2, max_nodes=50)
    assert len(net.nodes) == 50 and net.total > 50
    assert net.status() == f"showing 50 of {net.total:,} nodes"
    nodes = by_id(net)
    assert E + "s00007" in nodes and E + "hub" in nodes  # the focus and its neighbours first
    spokes_drawn = sum(1 for k in nodes if re.fullmatch(re.escape(E) + r"s\d{5}", k))
    assert nodes[E + "hub"]["hidden"] == 300 - spokes_drawn
    assert "hidden" not in nodes[E + "s00007"]  # all its neighbours are drawn
    whole = network(kg, max_nodes=20)  # no focus: the most connected nodes
    assert E + "hub" in by_id(whole) and len(whole.nodes) == 20
    assert network(star(5)).status() == "6 nodes"


def test_a_dense_view_draws_a_few_links_per_node_and_says_how_many():
    # 40 people who all know each other: 780 pairs, far more than four links per node
    people = [f"{E}p{i:02d}" for i in range(40)]
    triples = "".join(f"<{a}> <{FOAF}knows> <{b}> .\n" for i, a in enumerate(people) for b in people[i + 1:])
    kg = KnowledgeGraph().load(triples, format="nt")
    net = network(kg)
    assert len(net.edges) == 160 and net.edge_total == 780
    assert net.status() == "40 nodes, 160 of 780 links"
    ends: dict[str, int] = {}
    for e in net.edges:
        ends[e["from"]] = ends.get(e["from"], 0) + 1
        ends[e["to"]] = ends.get(e["to"], 0) + 1
    assert set(ends) == set(people) and min(ends.values()) >= 2  # nobody is left unlinked
    focused = network(kg, focus=people[7], max_nodes=40)
    assert sum(people[7] in (e["from"], e["to"]) for e in focused.edges) == 39  # the focus keeps all its links
    assert len(network(kg, max_edges=1000).edges) == 780  # a cap of one's own
    assert network(kg).to_dict()["edgeTotal"] == 780


def test_expanding_a_hub_adds_the_first_k_then_a_more_node_brings_the_next():
    from kg_connect.widgets import Explorer

    kg = star(60)
    ex = Explorer(kg, focus=E + "s00000", depth=1, expand_limit=25)
    assert set(ex.nodes) == {E + "s00000", E + "hub"}
    hub = by_id(ex.network)[E + "hub"]
    assert hub["hidden"] == 59
    added = ex.expand(E + "hub")
    assert len(added) == 25 and len(ex.nodes) == 27
    more = [n for n in ex.network.nodes if n["kind"] == "more"]
    assert [n["label"] for n in more] == ["+34 more"]
    assert len(ex.expand(more[0]["id"])) == 25
    assert [n["label"] for n in ex.network.nodes if n["kind"] == "more"] == ["+9 more"]
    assert len(ex.expand(more[0]["id"])) == 9 and len(ex.nodes) == 61
    assert not [n for n in ex.network.nodes if n["kind"] == "more"]  # nothing left to show
    ex.undo()
    assert len(ex.nodes) == 52
    seen = []
    ex.on_select(seen.append)
    ex.focus(E + "s00003")
    assert ex.selected == E + "s00003" and seen == [E + "s00003"]


def test_an_expansion_query_is_a_lens():
    from kg_connect import QueryError
    from kg_connect.widgets import Explorer

    kg = KnowledgeGraph().load(STORY)
    lens = "CONSTRUCT { ?node foaf:knows ?other } WHERE { ?node foaf:knows ?other }"
    person = "https://w3id.org/kg-connect/examples/story/person/david-wilcox"
    ex = Explorer(kg, focus=person, depth=1, expand=lens)
    before = set(ex.nodes)
    added = ex.expand(person)
    known = {str(o) for _, _, o in kg.query(lens.replace("?node", f"<{person}>")).triples}
    assert set(added) == known - before
    with pytest.raises(QueryError, match=r"\?node"):
        Explorer(kg, expand="CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def test_select_results_by_convention():
    kg = KnowledgeGraph().load(STORY)
    spo = kg.query("SELECT ?s ?p ?o WHERE { ?s foaf:knows ?o BIND(foaf:knows AS ?p) }")
    net = network(spo)
    assert net.edges and all(e["label"] == "foaf:knows" for e in net.edges)
    assert all(n["group"] == "person" for n in net.nodes)  # types fetched from the graph
    linked = kg.query("""SELECT ?node ?linkedNode ?nodeLabel ?nodeColor ?nodeSize ?edgeLabel WHERE {
        ?node foaf:knows ?linkedNode ; foaf:name ?name
        BIND(CONCAT("who: ", ?name) AS ?nodeLabel) BIND("#123456" AS ?nodeColor) BIND(30 AS ?nodeSize)
        BIND("knows" AS ?edgeLabel) }""")
    net = network(linked)
    someone = next(n for n in net.nodes if n["label"].startswith("who: "))
    assert someone["color"] == "#123456" and someone["size"] == 30
    assert {e["label"] for e in net.edges} == {"knows"}
    bare = network(kg.query("SELECT ?node ?linkedNode WHERE { ?node foaf:knows ?linkedNode }"))
    assert bare.edges and {e["label"] for e in bare.edges} == {""}
    construct = network(kg.query("CONSTRUCT { ?a foaf:knows ?b } WHERE { ?a foaf:knows ?b }"))
    assert len(construct.edges) == len(net.edges)
    with pytest.raises(ValueError, match=r"\?s \?p \?o, or \?node \?linkedNode.*this one has \?name"):
        network(kg.query("SELECT ?name WHERE { ?x foaf:name ?name }"))
    with pytest.raises(ValueError, match="ASK"):
        network(kg.query("ASK { ?s ?p ?o }"))


def test_a_chosen_set_of_nodes():
    kg = KnowledgeGraph().load(STORY)
    people = [r[0] for r in kg.query("SELECT ?p WHERE { ?p a foaf:Person } ORDER BY ?p LIMIT 4").rows]
    net = network(people, kg)
    assert [n["id"] for n in net.nodes] == [str(p) for p in people]
    assert any(n.get("hidden") for n in net.nodes)  # their neighbours are not drawn


def test_layouts():
    kg = KnowledgeGraph().load(STORY)
    person = "https://w3id.org/kg-connect/examples/story/person/david-wilcox"
    radial = network(kg, focus=person, layout="radial")
    centre = by_id(radial)[person]
    assert (centre["x"], centre["y"]) == (0, 0) and all(n.get("fixed") for n in radial.nodes)
    assert radial.options["physics"] is False
    timeline = network(kg, layout="time")
    dated = sorted((n["time"][:10], n["x"]) for n in timeline.nodes if n.get("time"))
    assert len(dated) > 3 and [x for _, x in dated] == sorted(x for _, x in dated)
    assert network(kg, layout="hierarchical").options["hierarchical"] is True
    with pytest.raises(ValueError, match="hierarchical, radial, time"):
        network(kg, layout="circle")


def test_search_by_label_part_iri_and_prefixed_name():
    kg = KnowledgeGraph().load(STORY)
    person = URIRef("https://w3id.org/kg-connect/examples/story/person/david-wilcox")
    assert find_nodes(kg, "david wil")[0][0] == person
    assert find_nodes(kg, "WILCOX")[0][0] == person
    assert find_nodes(kg, str(person))[0][0] == person
    assert find_nodes(kg, "person:david-wilcox")[0][0] == person
    assert find_nodes(kg, "david-wil")[0][0] == person  # part of an IRI
    assert find_nodes(kg, "no such thing at all") == []
    assert all(isinstance(t, URIRef) for t, _ in find_nodes(kg, "(.*"))  # text, not a pattern


# ---------------------------------------------------------------------- escaping
def hostile() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    for i, text in enumerate(HOSTILE):
        node = URIRef(f"{E}h{i}")
        kg.add([(node, RDFS.label, Literal(text)), (node, RDFS.comment, Literal(text, lang="en")),
                (node, RDF.type, URIRef(f"{E}Class{i}")), (URIRef(f"{E}Class{i}"), RDFS.label, Literal(text)),
                (node, URIRef(f"{E}rel{i}"), URIRef("javascript:alert(5)")),
                (URIRef(f"{E}rel{i}"), RDFS.label, Literal(text)),
                (node, URIRef(E + "when"), Literal(text, datatype=XSD.date))])
    kg.add((BNode("b1"), RDFS.label, Literal(HOSTILE[0])))
    return kg


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.data: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = dict(attrs).get("id") if tag == "script" else None

    def handle_data(self, data):
        if self._in:
            self.data[self._in] = self.data.get(self._in, "") + data


def test_every_string_from_data_is_escaped_in_the_document():
    kg = hostile()
    net = network(kg, styles={f"{E}Class0": {"color": "#000000"}})
    page = graph_document(net.to_dict(), title=HOSTILE[0])
    parser = Elements()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert "img" not in tags and "a" not in tags
    scripts = [a for t, a in parser.tags if t == "script"]
    assert len(scripts) == 3  # the data, vis-network and the viewer: nothing from data opened one
    assert [a.get("type") for a in scripts] == ["application/json", None, None]
    assert all("onmouseover" not in a and "onerror" not in a for _, a in parser.tags)
    data = json.loads(parser.data["kgc-graph"])
    assert any(n["label"] == HOSTILE[1] for n in data["nodes"])  # the text itself, intact
    for text in HOSTILE[:3]:
        assert text not in page.split('id="kgc-graph">', 1)[1].split("</script>", 1)[0]
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in page
    # javascript: IRIs are nodes, never links; no tooltip is HTML
    js_node = by_id(net)["javascript:alert(5)"]
    assert "link" not in js_node and js_node["iri"] == "javascript:alert(5)"
    assert all(n.get("link", "https://").startswith(("https://", "http://")) for n in net.nodes)
    legend = {e["label"] for e in net.legend}
    assert any("<img" in name for name in legend)  # drawn as text by the viewer, intact here
    assert ".innerHTML" not in _viewer_source() and "insertAdjacentHTML" not in _viewer_source()
    assert re.search(r"\btitle:\s*n\.title\b", _viewer_source())  # tooltips are strings: vis-network sets innerText


def _viewer_source() -> str:
    from importlib import resources

    return resources.files("kg_connect.render").joinpath("graph.js").read_text()


def test_the_document_needs_nothing_outside_itself():
    page = graph_document(network(KnowledgeGraph().load(STORY)).to_dict(), theme="dark")
    assert "default-src 'none'" in page and 'data-theme="dark"' in page
    parser = Elements()
    parser.feed(page)
    for tag, attrs in parser.tags:
        for name in ("src", "href", "action", "data", "poster"):
            assert name not in attrs or attrs[name].startswith(("data:", "#", "blob:")), (tag, attrs)
    assert not re.search(r"<(?:link|img|iframe)\b", page)
    assert re.search(r"@import|url\(\s*['\"]?https?:", page) is None
    with pytest.raises(ValueError, match="light, dark"):
        graph_document({}, theme="blue")


def test_a_shared_library_document_leaves_vis_network_out():
    from kg_connect.render._document import vis_library

    doc = network(KnowledgeGraph().load(STORY)).to_dict()
    inline, shared = graph_document(doc), graph_document(doc, lib="shared")
    js, _ = vis_library()
    assert js[:200] in inline and js[:200] not in shared
    assert len(inline) - len(shared) > 400_000


# ---------------------------------------------------------------------- linear build
def _triples(edges: int) -> list[tuple[URIRef, URIRef, URIRef]]:
    out = []
    for i in range(edges):
        a, b = URIRef(f"{E}n{i % (edges // 3 + 1)}"), URIRef(f"{E}n{(i * 7919) % (edges // 2 + 1)}")
        out.append((a, URIRef(f"{E}p{i % 5}"), b))
    return out


def _work(run) -> int:
    """Lines of Python executed by ``run()``: counted work, the same on any machine."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        run()
    finally:
        sys.settrace(None)
    return count


def _ours(edges: int) -> int:
    kg, triples = KnowledgeGraph(), _triples(edges)

    def build():
        builder = NetworkBuilder(kg, max_nodes=edges)
        builder.add_triples(triples)
        assert len(builder.network().edges) > edges // 3

    build()  # once before counting: the ontology's classes are read once per process
    return _work(build)


def _pyvis(edges: int) -> int:
    from pyvis.network import Network as PyvisNetwork

    triples = [(str(a), str(p), str(b)) for a, p, b in _triples(edges)]

    def build():
        net = PyvisNetwork()
        for a, p, b in triples:
            net.add_node(a)
            net.add_node(b)
            net.add_edge(a, b, title=p)

    return _work(build)


def test_building_is_linear_in_the_size_of_the_network():
    # eight times the edges, about eight times the work (a quadratic build: 64 times)
    small, large = _ours(1_000), _ours(8_000)
    assert large / small < 10, (small, large)
    # the same count sees pyvis's add_edge in a loop for what it is: four times the edges,
    # more than twelve times the work (it scans every edge for each new one)
    assert _pyvis(2_000) / _pyvis(500) > 12


def test_focus_is_found_by_label_and_a_name_that_matches_nothing_or_many_is_an_error():
    from kg_connect import KgConnectError

    kg = KnowledgeGraph().load(f"""@prefix foaf: <{FOAF}> .
    <{E}bob> a foaf:Person ; foaf:name "Bob Okafor" ; foaf:knows <{E}ann>, <{E}ana> .
    <{E}ann> a foaf:Person ; foaf:name "Ann Lee" .
    <{E}ana> a foaf:Person ; foaf:name "Ana Lee" .""", format="turtle")
    assert E + "bob" in by_id(network(kg, focus="bob okafor"))  # a label, as explore() and the CLI take it
    with pytest.raises(KgConnectError, match=r"'Lee' names 2 nodes; say which with an IRI or prefixed name"):
        network(kg, focus="Lee")
    with pytest.raises(KgConnectError, match="no node <https://e.org/nobody>|no node https://e.org/nobody"):
        network(kg, focus=URIRef(E + "nobody"))
    with pytest.raises(KgConnectError, match="no node has the IRI, prefixed name or label 'Zed'"):
        network(kg, focus="Zed")


def test_badges_count_the_neighbours_not_drawn_once():
    kg = star(6)
    net = network(kg, max_nodes=3)
    hub = by_id(net)[E + "hub"]
    drawn_links = sum(1 for e in net.edges if E + "hub" in (e["from"], e["to"]))
    assert hub["hidden"] == 6 - drawn_links and hub["neighbours"] == 6  # the viewer shows neighbours - drawn


def test_schema_org_in_its_http_form_is_styled_dated_and_labelled():
    kg = KnowledgeGraph().load("""<https://e.org/ev> a <http://schema.org/Event> ;
        <http://schema.org/name> "Launch" ; <http://schema.org/startDate> "2024-06-30" .""", format="turtle")
    [node] = network(kg).nodes
    assert node["label"] == "Launch" and node["group"] == "event" and node["time"] == "2024-06-30"
