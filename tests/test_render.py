"""Results rendering: pages of labelled cells, sorting, and static HTML that escapes everything."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from kg_connect import KnowledgeGraph
from kg_connect.render import page, results_html, sort_order
from kg_connect.widgets import ResultsView, SparqlEditor

CANARIES = ['<img src=x onerror=alert(1)>', '</script><script>alert(2)</script>', '" onmouseover="alert(3)']


def hostile_graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    for i, text in enumerate(CANARIES):
        kg.add((URIRef(f"https://e.org/x{i}"), RDFS.label, Literal(text)))
        kg.add((URIRef(f"https://e.org/x{i}"), RDFS.comment, Literal(text, lang="en")))
    return kg


def test_static_html_escapes_labels_and_values():
    kg = hostile_graph()
    html = results_html(kg.query("SELECT ?x ?c WHERE { ?x rdfs:comment ?c } ORDER BY ?x"), kg)
    for text in CANARIES:
        assert text not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "<script" not in html.replace("&lt;script", "")


def test_iri_cells_show_labels_with_prefixed_name_on_hover():
    kg = KnowledgeGraph().load('<https://e.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "Ann" ; '
                               '<https://schema.org/startDate> "2011-01-02"^^<http://www.w3.org/2001/XMLSchema#date> .')
    doc = page(kg.query("SELECT ?s ?d WHERE { ?s schema:startDate ?d }"), kg)
    iri, date = doc["rows"][0]
    assert iri == {"t": "iri", "v": "Ann", "h": "https://e.org/a", "iri": "https://e.org/a"}
    assert date == {"t": "literal", "v": "2011-01-02", "m": "xsd:date"}


def test_pages_and_status_line():
    kg = KnowledgeGraph()
    kg.add([(URIRef(f"https://e.org/{i}"), RDFS.label, Literal(i)) for i in range(123)])
    res = kg.query("SELECT ?s ?n WHERE { ?s rdfs:label ?n } ORDER BY ?n")
    second = page(res, kg, number=1, size=50)
    assert (second["first"], second["last"], second["pages"], second["page"]) == (51, 100, 3, 1)
    assert second["rows"][0][1]["v"] == "50"
    assert "showing 1–50 of 123" in results_html(res, kg)
    assert page(res, kg, number=99)["page"] == 2  # clamped to the last page


def test_sort_numbers_by_value_and_unbound_last():
    kg = KnowledgeGraph()
    for i, v in enumerate([10, 9, 100]):
        kg.add((URIRef(f"https://e.org/{i}"), RDFS.label, Literal(v, datatype=XSD.integer)))
    kg.add((URIRef("https://e.org/none"), RDFS.comment, Literal("no label")))
    res = kg.query("SELECT ?s ?n WHERE { ?s ?p ?o OPTIONAL { ?s rdfs:label ?n } }")
    values = lambda order: [None if res.rows[i].n is None else int(res.rows[i].n) for i in order]  # noqa: E731
    assert values(sort_order(res, "n")) == [9, 10, 100, None]
    assert values(sort_order(res, "n", descending=True)) == [100, 10, 9, None]


def test_ask_and_construct_pages():
    kg = hostile_graph()
    assert "<div class=\"kgc-answer\">yes</div>" in results_html(kg.query("ASK { ?s ?p ?o }"), kg)
    html = results_html(kg.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), kg)
    assert "6 triples" in html and "&lt;img src=x" in html


def test_results_view_pages_sorts_and_downloads():
    kg = KnowledgeGraph()
    kg.add([(URIRef(f"https://e.org/{i}"), RDFS.label, Literal(i)) for i in range(120)])
    view = ResultsView(kg.query("SELECT ?s ?n WHERE { ?s rdfs:label ?n }"), kg, page_size=50)
    view.page = 2
    assert view.payload["first"] == 101
    view.sort = ["n", "desc"]
    assert view.payload["rows"][0][1]["v"] == "119"
    sent = []
    view.send = sent.append
    view._on_msg(view, {"type": "download", "format": "csv"}, None)
    assert sent[0]["name"] == "results.csv" and sent[0]["content"].count("\n") == 121


def test_editor_runs_queries_shows_errors_and_keeps_history(story):
    editor = SparqlEditor(story)
    editor.run("SELECT ?n WHERE { ?p foaf:name ?n }")
    assert editor.results.payload["total"] == 19 and editor.input.error == {}
    editor.run("SELECT ?n WHERE {\n  ?p foaf:name ?n\n  FILTER( }")
    assert editor.input.error["line"] == 3 and "^" in editor.input.error["pointer"]
    assert "error" in editor.results.payload
    assert editor.input.history[:2] == ["SELECT ?n WHERE {\n  ?p foaf:name ?n\n  FILTER( }",
                                        "SELECT ?n WHERE { ?p foaf:name ?n }"]
    names = [q["name"] for q in editor.input.catalogue]
    assert "idea-trail" in names
    editor._on_msg(editor.input, {"type": "ask", "name": "event-attendees",
                                  "params": {"event": "https://w3id.org/kg-connect/examples/story/event/kent-camp"}}, None)
    assert editor.results.payload["total"] == 2


def test_editor_export_shows_the_query_as_escaped_text(story):
    editor = SparqlEditor(story, 'SELECT * WHERE { ?s rdfs:label "</pre><script>alert(1)</script>" }')
    html = editor._repr_mimebundle_()["text/html"]
    assert "<script>" not in html and "&lt;/pre&gt;&lt;script&gt;" in html
