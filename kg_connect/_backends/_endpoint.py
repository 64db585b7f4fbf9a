"""A remote SPARQL 1.1 endpoint behind the backend interface (the SPARQL 1.1 Protocol over
HTTP, with httpx).

Queries go as GET when short, as a form POST when long, asking for SPARQL JSON results
(XML and TSV accepted) or N-Triples (Turtle, RDF/XML accepted); answers are parsed by
pyoxigraph's parsers, as the embedded store's are. Reads are retried a few times with
backoff on 502/503/504 and broken connections; writes never. Every failure is an
:class:`~kg_connect.EndpointError` naming the endpoint without its credentials, the HTTP
status and the server's own message (trimmed). Credentials never appear in reprs or errors,
and httpx drops them on a redirect to another host.
"""

from __future__ import annotations

import html
import os
import re
import time
import urllib.parse
from typing import IO, Any, Iterable, Iterator, cast

import pyoxigraph as ox

from kg_connect._backends._base import Quad, RawResult, Stop
from kg_connect._backends._oxigraph import parse_with_oxigraph
from kg_connect._loading import Source
from kg_connect._sparql import analyse
from kg_connect._terms import to_oxigraph, to_rdflib
from kg_connect.errors import EndpointError, QueryError, QueryTimeout

__all__ = ["EndpointBackend", "safe_url"]

_SELECT_ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
                  "text/tab-separated-values;q=0.8")
# Oxigraph server writes W3C TSV: 2.6 times smaller than JSON and quicker to parse (Virtuoso's
# TSV is not the W3C's, so JSON stays first for every other server)
_TSV_FIRST = ("text/tab-separated-values, application/sparql-results+json;q=0.9, "
              "application/sparql-results+xml;q=0.8")
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, application/ld+json;q=0.5"
_RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON, "application/json": ox.QueryResultsFormat.JSON,
            "application/sparql-results+xml": ox.QueryResultsFormat.XML, "application/xml": ox.QueryResultsFormat.XML,
            "text/xml": ox.QueryResultsFormat.XML, "text/tab-separated-values": ox.QueryResultsFormat.TSV,
            "text/csv": None}
_GRAPHS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
           "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
           "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD,
           "application/n-quads": ox.RdfFormat.N_QUADS, "application/trig": ox.RdfFormat.TRIG}
_GET_LIMIT = 2000  # longer queries go as a POST (servers and proxies cut long URLs)
_RETRY_STATUS = (502, 503, 504)
_MESSAGE_CHARS = 300
_FROM = re.compile(r"\bFROM\b", re.I)
_LEADING_BASE = re.compile(r"\A(?:\s|#[^\n]*\n)*BASE\s*<[^>]*>", re.I)
_OPERATOR = re.compile(r"<<|>>|<=|>=|<|>")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def safe_url(url: str) -> str:
    """``url`` without user and password (``https://user:pw@h/sparql`` -> ``https://h/sparql``)
    and without its query string, for reprs and messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def _server_message(response: Any) -> str:
    """The server's own words, trimmed, markup dropped, on one line."""
    try:
        text = response.text
    except Exception:  # noqa: BLE001 - undecodable body
        return ""
    if _TAG.search(text):  # markup (an IRI such as <https://e.org/x> is no tag, and stays)
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        text = re.sub(r"<(script|style|head)\b.*?</\1\s*>", " ", text, flags=re.I | re.S)
        text = (title.group(1) + " " if title else "") + _TAG.sub(" ", re.sub(r"<!--.*?-->|<![^>]*>", " ", text,
                                                                              flags=re.S))
        text = html.unescape(text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:_MESSAGE_CHARS] + ("…" if len(text) > _MESSAGE_CHARS else "")


class EndpointBackend:
    """A SPARQL endpoint: ``query_url`` (and ``update_url`` for writes, if it differs)."""

    name = "endpoint"
    isolation = ""  # nothing to fork: a timeout is the HTTP client's
    union = False  # set by KnowledgeGraph.query(union=True) for one query: see _dataset()
    max_rows: int | None = None  # set by KnowledgeGraph.query(max_rows=) for one query
    _PLAN_SECONDS = 10.0  # how long the list of named graphs for a union query is trusted

    def __init__(self, query_url: str, *, update_url: str | None = None, auth: Any = None,
                 token: str | None = None, token_env: str | None = None, headers: dict[str, str] | None = None,
                 timeout: float = 30, read_only: bool = True, retries: int = 3,
                 default_graph: str | Iterable[str] | None = None, union_default_graph: bool | None = None,
                 store_url: str | None = None, verify: bool | str = True) -> None:
        import httpx

        parts = urllib.parse.urlsplit(query_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointError(f"not an http(s) endpoint URL: {safe_url(query_url)!r}")
        if parts.username or parts.password:  # credentials in the URL move to auth=
            auth = auth or (urllib.parse.unquote(parts.username or ""), urllib.parse.unquote(parts.password or ""))
            query_url = urllib.parse.urlunsplit((parts.scheme, parts.hostname + (f":{parts.port}" if parts.port
                                                                                     else ""), parts.path,
                                                 parts.query, ""))
        if token_env:
            token = os.environ.get(token_env) or None
            if token is None:
                raise EndpointError(f"the environment variable {token_env} (the endpoint's token) is not set")
        self.query_url = query_url
        # sent as default-graph-uri with every query: the graphs this KnowledgeGraph is about
        self.default_graphs: list[str] = ([default_graph] if isinstance(default_graph, str)
                                          else [str(g) for g in default_graph or ()])
        self.default_graph = self.default_graphs[0] if self.default_graphs else None
        #: the server's default graph is already the union of its graphs (Virtuoso's is; Oxigraph
        #: server's with --union-default-graph). None: not known until the server has answered.
        self.union_default_graph = union_default_graph
        self._plan: tuple[float, list[str]] | None = None
        self._warned_mixed = False
        self.update_url = update_url or query_url
        #: the Graph Store Protocol address loads go to; None: found from the server (Oxigraph
        #: server's /store, Virtuoso's /sparql-graph-crud-auth) or SPARQL Update is used
        self.store_url = store_url
        self._store_ok = True  # False once the store has said it does not take uploads
        self._server = ""
        self.read_only = read_only
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        heads = {"User-Agent": "kg_connect"}
        heads.update(headers or {})
        if token:
            heads["Authorization"] = f"Bearer {token}"
        self._secret_headers = {k for k in heads if k.lower() in ("authorization", "cookie", "x-api-key")}
        if isinstance(auth, tuple):
            auth = httpx.BasicAuth(*auth)
        if isinstance(verify, (str, os.PathLike)):  # a CA bundle (a private CA, a self-signed server)
            import ssl

            try:
                verify = ssl.create_default_context(cafile=os.fspath(verify))  # type: ignore[assignment]
            except (OSError, ssl.SSLError) as exc:
                raise EndpointError(f"cannot read the certificates to trust in {os.fspath(verify)!r}: {exc}") from None
        self.client = httpx.Client(auth=auth, headers=heads, follow_redirects=True, timeout=self.timeout,
                                   verify=verify)

    def describe(self) -> str:
        return f"endpoint {safe_url(self.query_url)}" + ("" if self.read_only else " (writable)")

    def __repr__(self) -> str:
        return f"<EndpointBackend {safe_url(self.query_url)}>"

    # ---------------------------------------------------------------- HTTP
    def _send(self, url: str, *, data: dict[str, str] | None = None, params: dict[str, str] | None = None,
              accept: str, read: bool, timeout: float | None = None, content: bytes | None = None,
              content_type: str | None = None, method: str | None = None, stream: bool = False) -> Any:
        """The response (still open when ``stream``: the caller reads and closes it)."""
        import httpx

        where = safe_url(url)
        attempts = (self.retries if read else 0) + 1
        wait = 0.5
        limit = self.timeout if timeout is None else min(self.timeout, timeout)
        for attempt in range(attempts):
            try:
                heads = {"Accept": accept}
                if content_type:
                    heads["Content-Type"] = content_type
                verb = method or ("POST" if data is not None or content is not None else "GET")
                request = self.client.build_request(verb, url, data=data, params=params, content=content,
                                                    headers=heads, timeout=limit)
                response = self.client.send(request, stream=stream)
            except httpx.TimeoutException:
                raise QueryTimeout(f"{where}: no answer within {limit:g} s (timeout)") from None
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
                # a reset connection is worth another try; a refused one or an unknown host is not
                if attempt + 1 < attempts and not isinstance(exc, httpx.ConnectError):
                    time.sleep(wait)
                    wait *= 2
                    continue
                raise EndpointError(f"{where}: {_connection_problem(exc)}") from None
            except httpx.HTTPError as exc:
                raise EndpointError(f"{where}: {type(exc).__name__}: {exc}") from None
            if response.status_code in _RETRY_STATUS and attempt + 1 < attempts:
                response.close()
                time.sleep(wait)
                wait *= 2
                continue
            if response.status_code >= 400:
                try:
                    response.read()
                except httpx.HTTPError:
                    pass
                response.close()
                message = _server_message(response)
                raise EndpointError(f"{where}: HTTP {response.status_code} {response.reason_phrase}"
                                    + (f": {message}" if message else ""), status=response.status_code)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _ask(self, text: str, accept: str, timeout: float | None = None, stream: bool = False,
             dataset: list[str] | None = None) -> Any:
        fields: dict[str, Any] = {"query": text}
        graphs = self._dataset() if dataset is None else dataset
        if graphs:
            fields["default-graph-uri"] = graphs
        if len(urllib.parse.urlencode(fields, doseq=True)) <= _GET_LIMIT:
            return self._send(self.query_url, params=fields, accept=accept, read=True, timeout=timeout, stream=stream)
        return self._send(self.query_url, data=fields, accept=accept, read=True, timeout=timeout, stream=stream)

    def _learn(self, response: Any) -> None:
        """What the server is, from its first answer: Virtuoso's default graph is every graph."""
        if not self._server:
            self._server = response.headers.get("server", "").lower() or "?"
        if self.union_default_graph is None:
            self.union_default_graph = "virtuoso" in self._server

    def _select_accept(self) -> str:
        return _TSV_FIRST if self._server.startswith("oxigraph") else _SELECT_ACCEPT

    def _dataset(self) -> list[str]:
        """The graphs sent as ``default-graph-uri``: those the user chose; for a union query on
        a server whose default graph is not the union, every named graph (the protocol has no
        name for the server's own default graph: when it holds triples too, it is used alone,
        with a warning once)."""
        if self.default_graphs or not self.union or self.union_default_graph:
            return self.default_graphs
        now = time.monotonic()
        if self._plan is None or now - self._plan[0] > self._PLAN_SECONDS:
            names = [str(g) for g in self.graph_names()]
            if names and self._select("ASK { ?s ?p ?o }", dataset=[]):
                if not self._warned_mixed:
                    import warnings

                    warnings.warn(f"{safe_url(self.query_url)} holds triples in its default graph and in "
                                  f"{len(names)} named graphs, which SPARQL over HTTP cannot query as one: "
                                  "union=True queries see the default graph only. Start the server with its "
                                  "default graph as the union (Oxigraph: serve --union-default-graph) and "
                                  "connect with union_default_graph=True, or name the graphs in "
                                  "default_graph=[...].", stacklevel=6)
                    self._warned_mixed = True
                names = []
            self._plan = (now, names)
        return self._plan[1]

    # ---------------------------------------------------------------- queries
    def query(self, text: str, *, prefixes: dict[str, str], base_iri: str | None, form: str,
              deadline: Stop | None = None) -> RawResult:
        # checked here first, for an error with line and column; a text our parser refuses
        # still goes to the server (Virtuoso's extensions), and if the server refuses it too,
        # ours is the error raised
        local: QueryError | None = None
        try:
            parse_with_oxigraph(text, kind="query", prefixes=prefixes, base_iri=base_iri)
        except QueryError as exc:
            local = exc
        full = _with_prologue(_spaced(text), prefixes, base_iri)
        timeout = None
        if deadline is not None and deadline.deadline is not None:
            timeout = max(0.1, deadline.deadline - time.monotonic())
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        # a query naming its own dataset (FROM, FROM NAMED) keeps it: default-graph-uri would override it
        dataset: list[str] | None = [] if _FROM.search(analyse(text).blanked) else None
        try:
            response = self._ask(full, _GRAPH_ACCEPT if graph_form else self._select_accept(), timeout, stream=True,
                                 dataset=dataset)
        except EndpointError as exc:
            if local is not None and exc.status == 400:
                raise local from None
            raise
        self._learn(response)
        try:
            return self._read(response, form, graph_form)
        finally:
            response.close()

    def _read(self, response: Any, form: str, graph_form: bool) -> RawResult:
        import httpx

        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        where = safe_url(self.query_url)
        if kind == "text/html" or not kind:
            response.read()
            body = response.content
            if kind == "text/html" or (body.lstrip()[:1] == b"<" and b"<html" in body[:500].lower()):
                raise EndpointError(f"{where}: answered with a web page, not SPARQL results: "
                                    f"{_server_message(response) or '(empty)'}")
        try:
            if graph_form:
                fmt = _GRAPHS.get(kind)
                if fmt is None:
                    raise EndpointError(f"{where}: answered {kind or 'without a content type'}, not RDF, for a {form}")
                try:
                    triples = [ox.Triple(q.subject, q.predicate, q.object)
                               for q in ox.parse(cast(IO[bytes], _Stream(response)), format=fmt)]
                except SyntaxError as exc:
                    raise EndpointError(f"{where}: the {kind} answer is malformed: {exc}") from None
                return RawResult(form, triples=triples, convert=to_rdflib)
            results_fmt = _RESULTS.get(kind, None)
            if results_fmt is None:
                raise EndpointError(f"{where}: answered {kind or 'without a content type'}, not SPARQL results")
            stream = _Stream(response)
            try:
                try:
                    got = _solutions(stream, results_fmt, self.max_rows)
                except SyntaxError as exc:
                    # Virtuoso names blank nodes "nodeID://b10006", which is no blank node label
                    if "json" not in kind or "bnode" not in str(exc).lower():
                        raise
                    got = _solutions(_plain_bnodes(stream.everything()), results_fmt, self.max_rows)
            except SyntaxError as exc:
                raise EndpointError(f"{where}: the {kind} results are malformed or cut short: {exc}") from None
        except httpx.TimeoutException:
            raise QueryTimeout(f"{where}: the answer stopped coming (timeout after {self.timeout:g} s)") from None
        except httpx.HTTPError as exc:
            raise EndpointError(f"{where}: the answer was cut off: {_connection_problem(exc)}") from None
        if isinstance(got, bool):
            return RawResult("ASK", boolean=got)
        names, rows, more = got
        cap = response.headers.get("x-sparql-maxrows")  # Virtuoso's ResultSetMaxRows cut the answer there
        if cap and cap.strip().isdigit() and len(rows) >= int(cap):
            more = True
        return RawResult("SELECT", vars=names, rows=rows, convert=to_rdflib, truncated=more)

    def write_answer(self, text: str, *, prefixes: dict[str, str], base_iri: str | None, form: str,
                     out: IO[bytes]) -> None:  # pragma: no cover - isolation is "": never called
        raise NotImplementedError

    def snapshot(self) -> str:  # pragma: no cover - isolation is ""
        raise ValueError("an endpoint has no snapshots")

    def parse(self, text: str, *, kind: str, prefixes: dict[str, str], base_iri: str | None) -> None:
        parse_with_oxigraph(text, kind=kind, prefixes=prefixes, base_iri=base_iri)

    # ---------------------------------------------------------------- writes
    def _writable(self, what: str) -> None:
        if self.read_only:
            raise EndpointError(f"{safe_url(self.query_url)} is read-only here: {what} needs "
                                "KnowledgeGraph.connect(..., read_only=False) (and update_url= if updates go "
                                "elsewhere)")

    def update(self, text: str, *, prefixes: dict[str, str], base_iri: str | None) -> None:
        self._writable("an update")
        self._plan = None
        fields: dict[str, Any] = {"update": _with_prologue(text, prefixes, base_iri)}
        if self.default_graphs:  # what the update's WHERE sees (Virtuoso also writes there)
            fields["using-graph-uri"] = self.default_graphs
        self._send(self.update_url, data=fields, accept="*/*", read=False)

    def load(self, source: Source) -> None:
        """Parse ``source`` here (a bad file names its line and sends nothing), then send it in
        one request: to the Graph Store Protocol address when the server has one (N-Triples
        for one graph, N-Quads for several where the server takes datasets), else as one
        SPARQL Update. Either way the server applies all of it or none."""
        self._writable("loading")
        try:
            with source.parser_input() as kwargs:
                quads = list(ox.parse(**kwargs))
        except SyntaxError as exc:
            from kg_connect._loading import as_load_error

            raise as_load_error(exc, source) from None
        if not quads:
            return
        home = source.graph or (self.default_graphs[0] if self.default_graphs else None)
        if home:
            target = ox.NamedNode(home)
            quads = [q if not isinstance(q.graph_name, ox.DefaultGraph)
                     else ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]
        self._write(quads)

    def _graph_store(self) -> str | None:
        if self.store_url or not self._store_ok:
            return self.store_url
        if not self._server:
            self._select("ASK { }")  # learn what the server is
        parts = urllib.parse.urlsplit(self.update_url)
        if "oxigraph" in self._server:
            path = re.sub(r"/(query|update)?$", "/store", parts.path)
        elif "virtuoso" in self._server:
            path = re.sub(r"/sparql(-auth)?$", lambda m: "/sparql-graph-crud" + (m.group(1) or ""), parts.path)
        else:
            return None
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))

    def _upload(self, quads: list[Any]) -> bool:
        """Send ``quads`` with the Graph Store Protocol, in one request: True if done, False if
        the server has no such store (SPARQL Update is used instead)."""
        url = self._graph_store()
        if not url:
            return False
        graphs = {q.graph_name for q in quads}
        if len(graphs) == 1:
            (graph,) = graphs
            params = {"default": ""} if isinstance(graph, ox.DefaultGraph) else {"graph": graph.value}
            body = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads],
                                format=ox.RdfFormat.N_TRIPLES)
            kind = "application/n-triples"
        elif "oxigraph" in self._server:  # a dataset in one request
            params, body, kind = {}, ox.serialize(quads, format=ox.RdfFormat.N_QUADS), "application/n-quads"
        else:
            return False
        query = urllib.parse.urlencode(params).replace("default=", "default")
        try:
            self._send(f"{url}?{query}", content=body, content_type=kind, accept="*/*", read=False)
        except EndpointError as exc:
            if exc.status in (404, 405, 415, 501):  # no store here: say so once, use SPARQL Update
                self._store_ok = False
                self.store_url = None
                return False
            raise
        return True

    def add(self, quads: Iterable[Quad]) -> None:
        self._writable("adding triples")
        home = ox.NamedNode(self.default_graphs[0]) if self.default_graphs else ox.DefaultGraph()
        self._write([ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), home if g is None else to_oxigraph(g))
                     for s, p, o, g in quads])

    def _write(self, quads: list[Any]) -> None:
        """Send pyoxigraph quads in one request: to the graph store when there is one, else as
        one SPARQL Update. The server applies all of it or none."""
        if not quads:
            return
        self._plan = None
        if self._upload(quads):
            return
        # Blank nodes go in an INSERT template (Virtuoso refuses them in INSERT DATA); each
        # label is one fresh node there.
        by_graph: dict[Any, list[str]] = {}
        blank = False
        for q in quads:
            blank = blank or isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
            by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {q.object} .")
        parts = []
        for g, lines in by_graph.items():
            body = "\n".join(lines)
            parts.append(body if isinstance(g, ox.DefaultGraph) else f"GRAPH {g} {{\n{body}\n}}")
        inner = "\n".join(parts)
        text = f"INSERT {{\n{inner}\n}} WHERE {{}}" if blank else f"INSERT DATA {{\n{inner}\n}}"
        self._send(self.update_url, data={"update": text}, accept="*/*", read=False)

    # ---------------------------------------------------------------- the whole store
    def _select(self, text: str, dataset: list[str] | None = None) -> Any:
        """The rows of a SELECT (the boolean of an ASK) run as it is, not as a union query."""
        union, max_rows = self.union, self.max_rows
        self.union, self.max_rows = False, None
        try:
            response = self._ask(text, self._select_accept(), stream=True,
                                 dataset=self.default_graphs if dataset is None else dataset)
            self._learn(response)
            try:
                raw = self._read(response, "SELECT", False)
            finally:
                response.close()
        finally:
            self.union, self.max_rows = union, max_rows
        return raw.boolean if raw.form == "ASK" else raw.rows

    def _whole(self) -> str:
        """A pattern matching every quad of this KnowledgeGraph once: the chosen default graphs,
        or the server's default graph and its named graphs (only the named ones where the
        default graph is their union, as on Virtuoso)."""
        if self.default_graphs:
            return "{ ?s ?p ?o }"
        if self.union_default_graph is None:
            self._select("ASK { }")  # learn what the server is
        if self.union_default_graph:
            return "{ GRAPH ?g { ?s ?p ?o } }"
        return "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"

    def quads(self) -> Iterator[Quad]:
        whole = self._whole()
        names = "?s ?p ?o ?g" if "?g" in whole else "?s ?p ?o"
        for row in self._select(f"SELECT {names} WHERE {whole}"):
            s, p, o = row[:3]
            g = row[3] if len(row) > 3 else None
            yield to_rdflib(s), to_rdflib(p), to_rdflib(o), to_rdflib(g) if g is not None else None

    def count(self) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {self._whole()}")
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0

    def graph_names(self) -> list[Any]:
        if self.default_graphs:  # the graphs this KnowledgeGraph was scoped to are its default graph
            return []
        if not self._server:
            self._select("ASK { }")  # learn what the server is
        # GRAPH ?g {} lists the named graphs from Oxigraph's index of them (1 ms at 1M triples,
        # where GRAPH ?g { ?s ?p ?o } scans: 250 ms); other servers may list only non-empty ones
        pattern = "{ }" if self._server.startswith("oxigraph") else "{ ?s ?p ?o }"
        return sorted((to_rdflib(r[0]) for r in self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {pattern} }}")),
                      key=str)

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, prefixes: dict[str, str]) -> None:
        quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),
                         ox.DefaultGraph() if g is None else to_oxigraph(g)) for s, p, o, g in self.quads()]
        if fmt.supports_datasets:
            ox.serialize(quads, out, format=fmt, prefixes=prefixes)
        else:
            ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], out, format=fmt,
                         prefixes=prefixes)

    def close(self) -> None:
        self.client.close()


class _Stream:
    """The response body as a file for pyoxigraph's parsers, read as it arrives (and kept, in
    case it has to be parsed again)."""

    def __init__(self, response: Any) -> None:
        self._chunks = response.iter_bytes()
        self._buffer = b""
        self._seen: list[bytes] = []

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            rest = [self._buffer, *self._pull()]
            self._buffer = b""
            return b"".join(rest)
        while len(self._buffer) < n:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._seen.append(chunk)
            self._buffer = self._buffer + chunk if self._buffer else chunk
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def _pull(self) -> Iterator[bytes]:
        for chunk in self._chunks:
            self._seen.append(chunk)
            yield chunk

    def everything(self) -> bytes:
        self.read()
        return b"".join(self._seen)


def _solutions(body: Any, fmt: Any, limit: int | None = None) -> bool | tuple[list[str], list[tuple[Any, ...]], bool]:
    """An ASK's answer, or the variables and rows of a SELECT, and whether rows were left
    unread beyond ``limit`` (parsed as far as read: pyoxigraph parses lazily, so a malformed
    row shows when it is read)."""
    parsed = ox.parse_query_results(body, format=fmt)
    if isinstance(parsed, ox.QueryBoolean):
        return bool(parsed)
    names = [v.value for v in parsed.variables]
    if limit is None:
        return names, [tuple(s) for s in parsed], False  # a solution's values come in the variables' order
    rows: list[tuple[Any, ...]] = []
    for s in parsed:
        if len(rows) >= limit:
            return names, rows, True
        rows.append(tuple(s))
    return names, rows, False


def _plain_bnodes(body: bytes) -> bytes:
    """SPARQL JSON results with each blank node's label made a valid one (the same label
    stays the same node)."""
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return body
    for binding in data.get("results", {}).get("bindings", []):
        for value in binding.values():
            if value.get("type") == "bnode":
                value["value"] = "b" + re.sub(r"[^A-Za-z0-9]", "_", str(value.get("value", "")))
    return json.dumps(data).encode()


def _with_prologue(text: str, prefixes: dict[str, str], base_iri: str | None) -> str:
    """``text`` with our PREFIX lines (and BASE) before it, or after its own leading BASE
    (SPARQL allows either order; Virtuoso only BASE first)."""
    head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    if base_iri:
        head = f"BASE <{base_iri}>\n" + head
    own = _LEADING_BASE.match(text)
    if own and head:
        return text[:own.end()] + "\n" + head + text[own.end():]
    return head + text


def _spaced(text: str) -> str:
    """``text`` with spaces around its comparison operators: ``?a<50&&?a>40`` is valid SPARQL,
    but Virtuoso reads ``<50&&?a>`` as an IRI. (IRIs, strings and comments are left alone:
    the scanner has blanked them.)"""
    blanked = analyse(text).blanked
    cuts = [m.span() for m in _OPERATOR.finditer(blanked)]
    if not cuts:
        return text
    out, at = [], 0
    for start, end in cuts:
        out += [text[at:start], " ", text[start:end], " "]
        at = end
    out.append(text[at:])
    return "".join(out)


def _connection_problem(exc: Exception) -> str:
    text = str(exc)
    low = text.lower()
    if "name or service not known" in low or "nodename nor servname" in low or "name resolution" in low:
        return f"cannot find the host (DNS): {text}"
    if "certificate" in low or "ssl" in low or "tls" in low:
        return f"TLS failed: {text}"
    if "refused" in low:
        return "connection refused (is the server running, and on this port?)"
    return f"the connection failed: {text or type(exc).__name__}"

