"""The endpoint backend: the same answers over the SPARQL 1.1 Protocol as from the embedded
store, read-only by default, every failure a clear EndpointError, credentials never shown.

The server here is the tests' own (``endpoint_server.py``: the protocol over a pyoxigraph
store, with paths that misbehave on purpose); the real Oxigraph server is in
``test_endpoint_servers.py``.
"""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from endpoint_server import Endpoint
from rdflib import Literal, URIRef

import kg_connect
from conftest import DATA, EXAMPLES
from kg_connect import EndpointError, KnowledgeGraph, QueryError, QueryTimeout

STORY = EXAMPLES / "data" / "story.ttl"
NS = "https://w3id.org/kg-connect/examples/story/"

PARITY = [
    "SELECT ?p ?n WHERE { ?p a foaf:Person ; foaf:name ?n } ORDER BY ?n",
    "SELECT ?e (COUNT(?a) AS ?n) WHERE { ?e schema:attendee ?a } GROUP BY ?e ORDER BY DESC(?n) ?e",
    "SELECT ?m ?t WHERE { ?m prov:atTime ?t } ORDER BY ?t ?m",
    "SELECT ?x ?l WHERE { ?x rdfs:label ?l FILTER(LANG(?l) = 'en') } ORDER BY ?x ?l LIMIT 40",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(isBlank(?s)) } LIMIT 3",
    "ASK { ?p foaf:name 'David Wilcox' }",
    "ASK { ?p foaf:name 'Nobody' }",
    "CONSTRUCT { ?e schema:attendee ?a } WHERE { ?e schema:attendee ?a }",
    f"DESCRIBE <{NS}person/david-wilcox>",
]


@pytest.fixture(scope="module")
def served():
    store = ox.Store()
    store.load(path=str(STORY), format=ox.RdfFormat.TURTLE)
    server = Endpoint(store)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def local():
    return KnowledgeGraph().load(STORY)


@pytest.fixture()
def remote(served):
    kg = KnowledgeGraph.connect(served.url())
    yield kg
    kg.close()


def _rows(results):
    return [tuple(r) for r in results.rows]


@pytest.mark.parametrize("query", PARITY)
def test_the_same_answers_as_the_embedded_store(remote, local, query):
    a, b = remote.query(query), local.query(query)
    assert a.form == b.form
    if a.form == "ASK":
        assert a.boolean == b.boolean
    elif a.form in ("CONSTRUCT", "DESCRIBE"):
        assert {tuple(t) for t in a.graph} == {tuple(t) for t in b.graph} and len(a.graph) > 0
    elif "isBlank" in query:
        assert len(a) == len(b)  # blank node labels are the server's own
    else:
        assert a.vars == b.vars and _rows(a) == _rows(b) and len(a) > 0


def test_parameters_prefixes_labels_and_size_over_the_protocol(remote, local, served):
    hostile = "x' } ; DROP ALL ; SELECT * { ?s ?p '"
    served.requests.clear()
    res = remote.query("SELECT ?p WHERE { ?p foaf:name ?n }", n=hostile)
    assert len(res) == 0
    sent = served.requests[-1]["fields"]["query"]
    assert "PREFIX foaf: <http://xmlns.com/foaf/0.1/>" in sent and "PREFIX schema:" not in sent  # only what is used
    assert "DROP ALL" in sent and "VALUES" in sent  # bound as an escaped literal, not pasted into the text
    who = remote.query("SELECT ?p WHERE { ?p foaf:name ?n }", n="David Wilcox").rows[0][0]
    assert who == URIRef(NS + "person/david-wilcox")
    assert remote.label(who) == "David Wilcox" and len(remote) == len(local)
    assert repr(remote) == f"<KnowledgeGraph endpoint {served.url()}>"
    long = "SELECT ?p WHERE { ?p foaf:name ?n FILTER(?n != '" + "z" * 3000 + "') } LIMIT 1"
    assert len(remote.query(long)) == 1 and served.requests[-1]["method"] == "POST"  # long queries go as POST
    assert served.requests[-2]["method"] == "GET" if len(served.requests) > 1 else True


def test_the_analysis_runs_on_an_endpoint(remote, local):
    a, b = kg_connect.trace(remote, "social app store"), kg_connect.trace(local, "social app store")
    assert a.to_dict() == b.to_dict()
    assert kg_connect.network_model(remote).to_dict() == kg_connect.network_model(local).to_dict()
    assert [p.reason for p in kg_connect.introductions(remote).pairs] == \
        [p.reason for p in kg_connect.introductions(local).pairs]


def test_read_only_unless_asked(remote, served):
    with pytest.raises(EndpointError, match=r"is read-only here: an update needs .*read_only=False"):
        remote.update("INSERT DATA { <http://e/a> <http://e/b> 1 }")
    with pytest.raises(EndpointError, match="is read-only here: loading"):
        remote.load("<http://e/a> <http://e/b> 1 .", format="ntriples")
    with pytest.raises(QueryError, match="SERVICE"):  # a server-side SERVICE could reach anywhere: refused here
        remote.query("SELECT * WHERE { SERVICE <http://169.254.169.254/> { ?s ?p ?o } }")
    assert not any("DROP" in str(r["fields"]) and r["path"] == "/sparql" and "update" in r["fields"]
                   for r in served.requests)


def test_writing_when_allowed():
    server = Endpoint()
    try:
        kg = KnowledgeGraph.connect(server.url(), read_only=False)
        kg.load(STORY)
        assert len(kg) == len(KnowledgeGraph().load(STORY))
        kg.load('<http://e/a> <http://e/b> "1" .', format="ntriples", graph="http://e/g")
        assert URIRef("http://e/g") in kg._backend.graph_names()
        kg.update("DELETE WHERE { GRAPH <http://e/g> { ?s ?p ?o } }")
        assert kg._backend.graph_names() == []
        with pytest.raises(kg_connect.LoadError, match=r"<string>:1:"):
            kg.load("<http://e/a> <http://e/b> .", format="ntriples")  # parsed here first: nothing sent
    finally:
        server.stop()


def test_faults_are_clear_errors(served):
    cases = {
        "/500": r"HTTP 500 Internal Server Error: Virtuoso 37000 Error SP030: SPARQL compiler, line 1",
        "/html": r"answered with a web page, not SPARQL results: Maintenance We are down for maintenance",
        "/truncated": r"results are malformed or cut short",
        "/malformed": r"results are malformed or cut short",
    }
    for path, message in cases.items():
        kg = KnowledgeGraph.connect(served.url(path), timeout=5)
        with pytest.raises(EndpointError, match=message) as caught:
            kg.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        assert served.url(path) in str(caught.value)
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"no answer within 1 s"):
        KnowledgeGraph.connect(served.url("/slow"), timeout=1).query("ASK {}")
    assert time.monotonic() - start < 4
    with pytest.raises(EndpointError, match=r"connection refused"):
        KnowledgeGraph.connect("http://127.0.0.1:9/sparql", timeout=2).query("ASK {}")
    with pytest.raises(EndpointError, match="not an http"):
        KnowledgeGraph.connect("ftp://example.org/sparql")
    served.flaky_left = 2  # two 503s, then an answer: reads are retried
    assert KnowledgeGraph.connect(served.url("/flaky")).query("ASK { ?s ?p ?o }").boolean


def test_credentials_never_show(served, monkeypatch):
    secret = served.password
    with pytest.raises(EndpointError, match="HTTP 401") as caught:
        KnowledgeGraph.connect(served.url("/auth"), auth=("alice", "wrong")).query("ASK {}")
    assert "wrong" not in str(caught.value)
    kg = KnowledgeGraph.connect(served.url("/auth"), auth=("alice", secret))
    assert kg.query("ASK { ?s ?p ?o }").boolean and secret not in repr(kg)
    in_url = KnowledgeGraph.connect(served.url("/auth").replace("http://", f"http://alice:{secret}@"))
    assert in_url.query("ASK { ?s ?p ?o }").boolean and secret not in repr(in_url) and "alice" not in repr(in_url)
    monkeypatch.setenv("KG_CONNECT_TOKEN", "tok-123-secret")
    bearer = KnowledgeGraph.connect(served.url(), token_env="KG_CONNECT_TOKEN")
    bearer.query("ASK {}")
    assert served.requests[-1]["headers"].get("Authorization") == "Bearer tok-123-secret"
    assert "tok-123" not in repr(bearer)
    with pytest.raises(EndpointError, match="KG_CONNECT_NOPE"):
        KnowledgeGraph.connect(served.url(), token_env="KG_CONNECT_NOPE")
    # a redirect to another host drops the credentials
    other = Endpoint(host="127.0.0.2")
    try:
        served.redirect_to = other.url()
        moved = KnowledgeGraph.connect(served.url("/redirect"), token="tok-redirect-secret")
        moved.query("ASK {}")
        assert other.requests and "Authorization" not in other.requests[-1]["headers"]
    finally:
        other.stop()


def test_values_come_back_as_the_embedded_store_gives_them(remote, local):
    q = "SELECT ?t WHERE { ?m prov:atTime ?t } ORDER BY ?t LIMIT 1"
    a, b = remote.query(q).rows[0][0], local.query(q).rows[0][0]
    assert isinstance(a, Literal) and a == b and a.datatype == b.datatype


def test_the_command_line_asks_an_endpoint(served):
    import subprocess
    import sys

    kgc = [sys.executable, "-m", "kg_connect"]
    out = subprocess.run(kgc + ["query", "--endpoint", served.url(), "-q",
                                "SELECT ?n WHERE { ?p foaf:name ?n } ORDER BY ?n LIMIT 2"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "Allison Fine" in out.stdout, out.stderr
    trail = subprocess.run(kgc + ["trace", "social app store", "--endpoint", served.url()], capture_output=True,
                           text=True, timeout=120)
    assert trail.returncode == 0 and "(recorded as the previous mention" in trail.stdout
    bad = subprocess.run(kgc + ["query", "--endpoint", served.url("/500"), "-q", "ASK {}"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode != 0 and "HTTP 500" in bad.stderr and "Traceback" not in bad.stderr
    both = subprocess.run(kgc + ["info", "--endpoint", served.url(), str(STORY)], capture_output=True, text=True)
    assert both.returncode != 0 and "give no FILEs" in both.stderr


def test_a_result_cap_reads_no_further(served, local):
    big = Endpoint(served.store)
    try:
        remote = KnowledgeGraph.connect(big.url())
        q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
        capped = remote.query(q, max_rows=100)
        assert len(capped) == 100 and capped.truncated
        whole = remote.query(q)
        assert len(whole) == len(local) and not whole.truncated
        here = local.query(q, max_rows=100)  # the same on the embedded store
        assert len(here) == 100 and here.truncated and not local.query(q, max_rows=10**6).truncated
    finally:
        big.stop()


def test_an_endpoint_timeout_in_a_notebook_is_a_clear_error(served):
    """In IPython a query runs in a worker thread (so Ctrl-C reaches it): the endpoint's own
    timeout must come out as itself, not as a failed assertion."""
    from IPython import get_ipython
    from IPython.testing.globalipapp import start_ipython

    assert start_ipython() or get_ipython()  # the one test shell of this process
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"no answer within 1 s"):
        KnowledgeGraph.connect(served.url("/slow"), timeout=1).query("ASK {}")
    assert time.monotonic() - start < 4


def test_dns_and_tls_failures_are_clear(monkeypatch):
    import socket

    # an unknown host: the resolver's own error (this machine's tests may not resolve names: the
    # error is the one getaddrinfo gives for a name that does not exist)
    def no_such_host(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with monkeypatch.context() as m:
        m.setattr(socket, "getaddrinfo", no_such_host)
        with pytest.raises(EndpointError, match=r"http://no-such-host.invalid/sparql: cannot find the host \(DNS\)"):
            KnowledgeGraph.connect("http://no-such-host.invalid/sparql", timeout=2).query("ASK {}")
    # a real TLS server whose certificate nobody vouches for
    store = ox.Store()
    store.load(path=str(STORY), format=ox.RdfFormat.TURTLE)
    secure = Endpoint(store, tls=True)
    try:
        start = time.monotonic()
        with pytest.raises(EndpointError, match=r"https://127.0.0.1:\d+/sparql: TLS failed: .*certificate verify failed"):
            KnowledgeGraph.connect(secure.url(), timeout=5).query("ASK {}")
        assert time.monotonic() - start < 5
        # trusted by name: the same server answers
        trusted = KnowledgeGraph.connect(secure.url(), verify=str(DATA / "tls" / "cert.pem"), token="tls-tok-secret")
        assert trusted.query("ASK { ?s ?p ?o }").boolean
        assert secure.requests[-1]["headers"]["Authorization"] == "Bearer tls-tok-secret"
        with pytest.raises(EndpointError, match="cannot read the certificates to trust in 'nowhere.pem'"):
            KnowledgeGraph.connect(secure.url(), verify="nowhere.pem")
        # plain HTTP to the TLS port: the connection breaks, said as such
        with pytest.raises(EndpointError, match=r"http://127.0.0.1:\d+/sparql: "):
            KnowledgeGraph.connect(secure.url().replace("https:", "http:"), timeout=3).query("ASK {}")
    finally:
        secure.stop()


def test_credentials_stay_out_of_notebook_outputs_and_exports(served, monkeypatch, tmp_path):
    """A notebook that connects with a token and a password, queries, fails, draws and is
    exported: neither secret is anywhere in what it shows or writes."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("KG_CONNECT_SECRET_TOKEN", "tok-NEVER-SHOWN-42")
    monkeypatch.setenv("KG_CONNECT_SECRET_PW", served.password)
    monkeypatch.setenv("KG_CONNECT_WRONG_PW", "wrong-pw-NEVER-SHOWN")
    cells = [
        "%load_ext kg_connect\n"
        f"%sparql_connect story {served.url()} --token-env KG_CONNECT_SECRET_TOKEN",
        f"%sparql_connect guarded {served.url('/auth')} --user alice --password-env KG_CONNECT_SECRET_PW",
        "story",
        "%%sparql -e story --max-rows 5\nSELECT ?s ?p ?o WHERE { ?s ?p ?o }",
        "%%sparql -e guarded\nSELECT ?name WHERE { ?p foaf:name ?name } LIMIT 3",
        "%%sparql -e story --display graph\nCONSTRUCT { ?e schema:attendee ?p } WHERE { ?e schema:attendee ?p }",
        "from kg_connect import explore\nexplore(story, 'David Wilcox')",
        "import os, kg_connect\nkg_connect.KnowledgeGraph.connect("
        f"{served.url('/auth')!r}, auth=('alice', os.environ['KG_CONNECT_WRONG_PW'])).query('ASK {{}}')",
        f"kg_connect.KnowledgeGraph.connect({served.url('/500')!r}, "
        "token=os.environ['KG_CONNECT_SECRET_TOKEN']).query('ASK {}')",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    path = tmp_path / "secrets.ipynb"
    nbformat.write(nb, path)
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert len(errors) == 2 and "HTTP 401" in errors[0].evalue and "HTTP 500" in errors[1].evalue
    out = tmp_path / "secrets.html"
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "kg_connect", "export", str(path), "-o", str(out)], check=True,
                   capture_output=True, timeout=300)
    for text in (path.read_text(), out.read_text()):
        assert "David Wilcox" in text  # the outputs are there
        for secret in ("tok-NEVER-SHOWN-42", served.password, "wrong-pw-NEVER-SHOWN"):
            assert secret not in text
