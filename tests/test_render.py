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
    html = editor.static_html()
    assert "<script>" not in html and "&lt;/pre&gt;&lt;script&gt;" in html


# ---------------------------------------------------------------- display and survival
def test_a_cell_ending_in_results_graph_or_report_shows_an_escaped_table():
    kg = hostile_graph()
    res = kg.query("SELECT ?x ?c WHERE { ?x rdfs:comment ?c } ORDER BY ?x")
    html = res._repr_html_()
    assert "showing 1–3 of 3" in html and "&lt;img src=x" in html and "<img" not in html
    graph = kg._repr_html_()
    assert "6 triples" in graph and "<script" not in graph.replace("&lt;script", "")
    kg.add((URIRef("https://e.org/p"), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("http://xmlns.com/foaf/0.1/Person")))
    assert "foaf:Person" in kg._repr_html_()  # counts by class
    report = kg.validate()._repr_html_()
    assert "Does not conform" in report and "A person needs a name" in report


def test_long_cells_are_cut_and_open_in_full_on_demand():
    long = "x" * 200_000
    kg = KnowledgeGraph().load(f'<https://e.org/a> <https://e.org/p> "{long}" .')
    res = kg.query("SELECT ?s ?o WHERE { ?s ?p ?o }")
    doc = page(res, kg)
    cut = doc["rows"][0][1]
    assert len(cut["v"]) == 300 and cut["cut"] == 200_000 - 300
    from kg_connect.render._results import whole_cell

    assert whole_cell(res, kg, doc["index"][0], 1) == long
    html = results_html(res, kg)
    assert len(html) < 120_000 and "… 199,700 more characters" in html and "<details" in html
    view = ResultsView(res, kg)
    sent = []
    view.send = sent.append
    view._on_msg(view, {"type": "cell", "row": 0, "col": 1}, [])
    assert sent == [{"type": "cell", "row": 0, "col": 1, "text": long}]
    view._on_msg(view, {"type": "cell", "row": 5, "col": 1}, [])  # out of range: ignored
    assert len(sent) == 1


def test_direction_overrides_and_controls_are_shown_not_obeyed():
    kg = KnowledgeGraph()
    kg.add((URIRef("https://e.org/a"), RDFS.label, Literal("report\u202egnp.exe")))
    kg.add((URIRef("https://e.org/a"), RDFS.comment, Literal("nul\x00here\x1b[31m")))
    res = kg.query("SELECT ?a ?c WHERE { ?a rdfs:comment ?c }")
    doc = page(res, kg)
    label, comment = doc["rows"][0]
    assert label["v"] == "report⟨U+202E⟩gnp.exe" and comment["v"] == "nul␀here␛[31m"
    html = results_html(res, kg)
    assert "\x00" not in html and "\u202e" not in html and 'dir="auto"' in html
    # the exported tooltip shows the full IRI, as the live one does
    assert 'title="https://e.org/a&#10;https://e.org/a"' in html


def test_an_iri_rdflib_allows_but_oxigraph_does_not_still_shows(backend="rdflib"):
    kg = KnowledgeGraph(backend="rdflib")
    res = kg.query('SELECT ?x WHERE { BIND(IRI(CONCAT("http://e/a", "\\"", "b")) AS ?x) }')
    assert kg.labels([res.rows[0].x]) == {res.rows[0].x: 'http://e/a"b'}
    assert "http://e/a&quot;b" in res._repr_html_()


def test_widgets_are_reachable_after_a_plain_import():
    import subprocess
    import sys

    code = "import kg_connect; print(kg_connect.widgets.SparqlEditor.__name__, kg_connect.render.visible('a'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["SparqlEditor", "a"], out.stderr


def test_spreadsheet_download_neutralises_formulas_but_to_csv_stays_w3c():
    from kg_connect.render import spreadsheet_csv

    kg = KnowledgeGraph()
    res = kg.query('SELECT ?v WHERE { VALUES ?v { "=HYPERLINK(\\"http://evil\\")" "+1+1" "-2" "@SUM(A1)" "plain" -3 } }')
    sheet = spreadsheet_csv(res).split("\r\n")
    assert sheet[1:7] == ["\"'=HYPERLINK(\"\"http://evil\"\")\"", "'+1+1", "-2", "'@SUM(A1)", "plain", "-3"]
    assert res.to_csv().split("\r\n")[1] == '"=HYPERLINK(""http://evil"")"'
    view = ResultsView(res, kg)
    sent = []
    view.send = sent.append
    view._on_msg(view, {"type": "download", "format": "csv"}, [])
    assert sent[0]["content"] == spreadsheet_csv(res)


def test_a_view_displays_a_static_copy_then_the_live_widget():
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython

    shell = start_ipython() or get_ipython()  # the one test shell of this process
    outputs = []
    real = shell.display_pub.publish
    shell.display_pub.publish = lambda data, metadata=None, **kw: outputs.append(data)
    try:
        kg = hostile_graph()
        view = ResultsView(kg.query("SELECT ?x WHERE { ?x rdfs:label ?l }"), kg)
        view._ipython_display_()
    finally:
        shell.display_pub.publish = real
    assert len(outputs) == 2
    static, live = outputs
    assert f'class="kgc-static" data-kgc-view="{view.static_id}"' in static["text/html"]
    assert "&lt;img src=x" in static["text/html"]
    assert list(live) == ["application/vnd.jupyter.widget-view+json"]  # nothing else to show
