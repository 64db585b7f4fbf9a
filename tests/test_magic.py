"""The %%sparql magic through a real IPython shell."""

from __future__ import annotations

import pytest
from IPython import get_ipython
from IPython.core.interactiveshell import InteractiveShell
from IPython.testing.globalipapp import start_ipython
from rdflib import URIRef

from conftest import STORY
from kg_connect import Results
from kg_connect.widgets import ResultsView

S = "https://w3id.org/kg-connect/examples/story/"


@pytest.fixture(scope="module")
def ip() -> InteractiveShell:
    shell = start_ipython() or get_ipython()  # the one test shell of this process
    shell.run_line_magic("load_ext", "kg_connect")
    return shell


@pytest.fixture
def shell(ip):
    ip.reset(new_session=False)
    ip.run_cell("from kg_connect import KnowledgeGraph\n"
                f"kg = KnowledgeGraph().load({str(STORY)!r})")
    yield ip
    ip.run_line_magic("config", "SparqlMagic.limit = 50")
    ip.run_line_magic("config", "SparqlMagic.display = 'table'")


def run(shell, body: str, line: str = ""):
    result = shell.run_cell(f"%%sparql {line}\n{body}")
    return result


def test_cell_magic_shows_a_results_view_with_the_first_page(shell):
    result = run(shell, "SELECT ?name WHERE { ?p foaf:name ?name } ORDER BY ?name")
    assert result.success, result.error_in_exec
    view = result.result
    assert isinstance(view, ResultsView)
    assert view.payload["total"] == 19 and view.payload["first"] == 1 and view.payload["last"] == 19
    html = view.static_html()
    assert "showing 1–19 of 19" in html and "Allison Fine" in html


def test_out_stores_the_results(shell):
    assert run(shell, "SELECT ?p WHERE { ?p a foaf:Person }", "-o people").success
    assert isinstance(shell.user_ns["people"], Results) and len(shell.user_ns["people"]) > 15


def test_line_magic(shell):
    result = shell.run_cell("%sparql -o n ASK { ?p foaf:name 'Tom Phillips' }")
    assert result.success and shell.user_ns["n"].boolean is True


def test_limit_and_config_default(shell):
    view = run(shell, "SELECT ?p WHERE { ?p a foaf:Person }", "--limit 5").result
    assert view.payload["last"] == 5 and view.payload["pages"] > 3
    shell.run_line_magic("config", "SparqlMagic.limit = 3")
    view = run(shell, "SELECT ?p WHERE { ?p a foaf:Person }").result
    assert view.payload["last"] == 3


def test_python_variables_are_bound_as_terms(shell):
    shell.user_ns["idea"] = URIRef(S + "idea/social-app-store")
    view = run(shell, "SELECT ?event WHERE { ?event prov:used $idea }").result
    assert view.payload["total"] == 2
    view = run(shell, "SELECT ?event WHERE { ?event prov:used ${idea} }").result
    assert view.payload["total"] == 2


def test_list_variable_binds_values(shell):
    shell.user_ns["people"] = [URIRef(S + "person/tom-phillips"), URIRef(S + "person/john-popham")]
    view = run(shell, "SELECT ?n WHERE { $people foaf:name ?n }").result
    assert view.payload["total"] == 2


@pytest.mark.parametrize("hostile", ['x" } ; DROP ALL ; #', "Tom Phillips' } UNION { ?a ?b ?c", "<script>"])
def test_hostile_strings_in_parameters_are_only_values(shell, hostile):
    before = len(shell.user_ns["kg"])
    shell.user_ns["name"] = hostile
    view = run(shell, "SELECT ?p WHERE { ?p foaf:name $name }").result
    assert view.payload["total"] == 0
    assert len(shell.user_ns["kg"]) == before


def test_missing_python_variable_is_a_clear_error(shell, capsys):
    result = run(shell, "SELECT ?e WHERE { ?e prov:used $nothere }")
    assert not result.success
    assert "the query uses $nothere but there is no Python variable 'nothere'" in str(result.error_in_exec)


def test_syntax_error_fails_the_cell_with_a_caret(shell):
    result = run(shell, "SELECT ?n WHERE {\n  ?p foaf:name ?n .\n  ?p nope:x ?y }")
    assert not result.success
    message = str(result.error_in_exec)
    assert message.splitlines() == ["line 3, column 6: unknown prefix 'nope:'", "  ?p nope:x ?y }", "     ^"]
    assert type(result.error_in_exec).__name__ == "UsageError"  # shown without a traceback


def test_graph_option_and_errors(shell):
    shell.run_cell("other = KnowledgeGraph().load('<https://e.org/a> <http://xmlns.com/foaf/0.1/name> \"A\" .')")
    view = run(shell, "SELECT ?n WHERE { ?p foaf:name ?n }").result  # the newest graph
    assert view.payload["total"] == 1
    view = run(shell, "SELECT ?n WHERE { ?p foaf:name ?n }", "-g kg").result
    assert view.payload["total"] == 19
    assert "no variable 'nope'" in str(run(shell, "ASK {}", "-g nope").error_in_exec)
    shell.user_ns["x"] = 3
    assert "'x' is a int, not a KnowledgeGraph" in str(run(shell, "ASK {}", "-g x").error_in_exec)


def test_no_graph_at_all(shell):
    shell.reset(new_session=False)
    result = run(shell, "ASK {}")
    assert "no KnowledgeGraph in the notebook" in str(result.error_in_exec)


def test_display_modes(shell):
    raw = run(shell, "SELECT ?n WHERE { ?p foaf:name ?n } LIMIT 1", "--display raw").result
    assert '"vars": [\n      "n"' in repr(raw)
    js = run(shell, "ASK { ?p foaf:name ?n }", "--display json").result
    assert js.data == {"head": {}, "boolean": True}
    ttl = run(shell, "CONSTRUCT { ?p foaf:name ?n } WHERE { ?p foaf:name ?n } LIMIT 2", "--display raw").result
    assert "foaf:name" in repr(ttl)
    bad = run(shell, "ASK {}", "--display tabel")
    assert "unknown display 'tabel'; expected one of: table, graph, raw, json" in str(bad.error_in_exec)


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_display_graph_draws_construct_describe_and_select_by_convention(shell, backend):
    from kg_connect.widgets import Explorer

    shell.run_cell(f"kg = KnowledgeGraph(backend={backend!r}).load({str(STORY)!r})")
    view = run(shell, "CONSTRUCT { ?a foaf:knows ?b } WHERE { ?a foaf:knows ?b }", "--display graph").result
    assert isinstance(view, Explorer)
    people = {n["label"] for n in view.network.nodes}
    assert {"David Wilcox", "Tom Phillips"} <= people  # labels from the graph, not IRIs
    assert all(e["label"] == "foaf:knows" for e in view.network.edges)
    assert {entry["label"] for entry in view.network.legend} == {"person"}  # typed from the graph
    described = run(shell, f"DESCRIBE <{S}person/tom-phillips>", "--display graph --layout radial").result
    assert described.network.layout == "radial"
    tom = next(n for n in described.network.nodes if n["label"] == "Tom Phillips")
    assert any(p == "foaf:name" for p, _, _ in tom["props"]) and len(described.network.nodes) >= 2
    linked = run(shell, 'SELECT ?node ?linkedNode ("met" AS ?edgeLabel) WHERE { ?node foaf:knows ?linkedNode } '
                 "LIMIT 3", "--display graph --max-nodes 4").result
    assert {e["label"] for e in linked.network.edges} == {"met"} and len(linked.network.nodes) <= 4
    spo = run(shell, f"SELECT ?s ?p ?o WHERE {{ BIND(<{S}person/tom-phillips> AS ?s) ?s ?p ?o }}",
              "--display graph --literals nodes").result
    assert any(n["kind"] == "literal" for n in spo.network.nodes)
    bad = run(shell, "SELECT ?x WHERE { ?x a foaf:Person }", "--display graph")
    assert "?s ?p ?o" in str(bad.error_in_exec) and "?node ?linkedNode" in str(bad.error_in_exec)
    ask = run(shell, "ASK { ?s ?p ?o }", "--display graph")
    assert "an ASK answer has no graph to draw" in str(ask.error_in_exec)


def test_timeout_stops_and_the_kernel_stays_usable(shell):
    shell.run_cell("from rdflib import URIRef\n"
                   "big = KnowledgeGraph()\n"
                   "big.add([(URIRef(f'https://e.org/{i}'), URIRef('https://e.org/p'), URIRef(f'https://e.org/{j}'))"
                   " for i in range(60) for j in range(60)])")
    # a count reads every solution (a capped SELECT would stop at the cap)
    result = run(shell, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?b ?q ?c . ?c ?r ?d . ?d ?s ?e }",
                 "-g big --timeout 0.5")
    assert not result.success and "stopped after 0.5 s" in str(result.error_in_exec)
    assert run(shell, "ASK { ?s ?p ?o }", "-g big").success


def test_service_needs_allow_network(shell):
    result = run(shell, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert "SERVICE would fetch from the network" in str(result.error_in_exec)


def test_magic_documents_its_options(shell):
    doc = shell.find_cell_magic("sparql").__doc__
    for option in ("--graph", "--out", "--limit", "--display", "--timeout", "--allow-network"):
        assert option in doc


def test_long_validations_show_a_progress_widget(shell, monkeypatch):
    import kg_connect._progress as progress

    monkeypatch.setattr(progress, "DELAY", 0.0)
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    result = shell.run_cell("report = kg.validate()")
    assert result.success, result.error_in_exec
    (box,) = shown
    bar, text = box.children
    assert bar.value == bar.max and bar.bar_style == "success" and "done" in text.value


def test_endpoints_from_the_magic(shell, monkeypatch):
    import pyoxigraph as ox
    from endpoint_server import Endpoint

    store = ox.Store()
    store.load(path=str(STORY), format=ox.RdfFormat.TURTLE)
    server = Endpoint(store)
    try:
        monkeypatch.setenv("KGC_TEST_TOKEN", "tok-in-env-only")
        connected = shell.run_cell(f"%sparql_connect story {server.url()} --token-env KGC_TEST_TOKEN")
        assert connected.success, connected.error_in_exec
        assert repr(shell.user_ns["story"]) == f"<KnowledgeGraph endpoint {server.url()}>"
        view = run(shell, "SELECT ?name WHERE { ?p foaf:name ?name } ORDER BY ?name", "-e story").result
        assert view.payload["total"] == 19 and server.requests[-1]["headers"]["Authorization"] == \
            "Bearer tok-in-env-only"
        capped = run(shell, "SELECT ?s WHERE { ?s ?p ?o }", "-e story --max-rows 30").result
        assert f"showing 1–30 of 30 fetched ({len(store):,} in all)" in capped.static_html()  # a cheap count
        asked = [r["fields"].get("query", "") for r in server.requests]
        assert any("LIMIT 31 OFFSET 0" in q for q in asked)  # the server was asked for one row more
        capped._on_msg(capped, {"type": "more"}, None)  # the view's "fetch 30 more rows"
        assert capped.payload["total"] == 60 and capped.payload["atLeast"]
        assert any("LIMIT 31 OFFSET 30" in r["fields"].get("query", "") for r in server.requests)
        shell.run_line_magic("config", f"SparqlMagic.endpoints = {{'named': {server.url()!r}}}")
        assert run(shell, "ASK { ?s ?p ?o }", "-e named -o a").success and shell.user_ns["a"].boolean
        assert run(shell, "ASK { ?s ?p ?o }", f"-e {server.url()} -o b").success
        missing = run(shell, "ASK {}", "-e nowhere")
        assert not missing.success and "no endpoint called 'nowhere'" in str(missing.error_in_exec)
        failing = run(shell, "ASK {}", f"-e {server.url('/500')}")
        assert not failing.success and "HTTP 500" in str(failing.error_in_exec)
        assert all("tok-in-env-only" not in str(v) for v in shell.user_ns.get("Out", {}).values())
        # --auth-env: user:password (basic auth) or a token, from one variable
        monkeypatch.setenv("KGC_TEST_AUTH", f"{server.user}:{server.password}")
        guarded = shell.run_cell(f"%sparql_connect guarded {server.url('/auth')} --auth-env KGC_TEST_AUTH")
        assert guarded.success, guarded.error_in_exec
        assert run(shell, "ASK { ?s ?p ?o }", "-e guarded -o g").success and shell.user_ns["g"].boolean
        monkeypatch.setenv("KGC_TEST_AUTH", "just-a-token")
        assert shell.run_cell(f"%sparql_connect tok {server.url()} --auth-env KGC_TEST_AUTH").success
        assert run(shell, "ASK {}", "-e tok").success
        assert server.requests[-1]["headers"]["Authorization"] == "Bearer just-a-token"
        unset = shell.run_cell(f"%sparql_connect nope {server.url()} --auth-env KGC_NOT_SET")
        assert not unset.success and "KGC_NOT_SET (--auth-env) is not set" in str(unset.error_in_exec)
    finally:
        server.stop()
        shell.run_line_magic("config", "SparqlMagic.endpoints = {}")
