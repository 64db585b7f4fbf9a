"""A small SPARQL 1.1 Protocol server of the tests' own, over a pyoxigraph store, with paths
that misbehave on purpose (slow, 5xx, HTML pages, truncated or malformed bodies, flaky,
redirects, auth) and a record of every request it saw.

``/sparql`` answers queries (GET or form POST) and updates (form POST) with content
negotiation (SPARQL JSON, XML, TSV; N-Triples, Turtle). It is a faithful endpoint for the
parity tests: the engine is Oxigraph, so differences are the protocol's, not the engine's.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pyoxigraph as ox

RESULTS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "text/tab-separated-values": ox.QueryResultsFormat.TSV}
GRAPHS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}


class Endpoint:
    """Start with ``Endpoint()``; ``url(path)``; ``requests`` lists what came in; ``stop()``."""

    def __init__(self, store: ox.Store | None = None, host: str = "127.0.0.1", tls: bool = False) -> None:
        self.store = store or ox.Store()
        self.requests: list[dict[str, Any]] = []
        self.flaky_left = 0
        self.redirect_to = ""
        self.user, self.password = "alice", "s3cret-pw"
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer._handle(self, "GET")

            def do_POST(self) -> None:
                outer._handle(self, "POST")

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.tls = tls
        if tls:  # HTTPS with the tests' own self-signed certificate (tests/data/tls)
            import ssl
            from pathlib import Path

            here = Path(__file__).resolve().parent / "data" / "tls"
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(here / "cert.pem", here / "key.pem")
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.host = host
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/sparql") -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ---------------------------------------------------------------- answering
    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        parts = urllib.parse.urlsplit(h.path)
        fields = dict(urllib.parse.parse_qsl(parts.query))
        body = b""
        if method == "POST":
            body = h.rfile.read(int(h.headers.get("Content-Length") or 0))
            if h.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                fields.update(urllib.parse.parse_qsl(body.decode()))
        self.requests.append({"method": method, "path": parts.path, "fields": fields,
                              "headers": dict(h.headers.items())})
        path = parts.path
        if path == "/slow":
            time.sleep(5)
        if path == "/500":
            return _send(h, 500, "text/plain", b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error")
        if path == "/html":
            return _send(h, 200, "text/html", b"<html><head><title>Maintenance</title></head><body><h1>We are "
                         b"down for maintenance</h1><script>alert(1)</script></body></html>")
        if path == "/truncated":
            return _send(h, 200, "application/sparql-results+json",
                         b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://e')
        if path == "/malformed":
            return _send(h, 200, "application/sparql-results+json", b"{not json at all")
        if path == "/flaky" and self.flaky_left > 0:
            self.flaky_left -= 1
            return _send(h, 503, "text/plain", b"busy")
        if path == "/redirect":
            h.send_response(302)
            h.send_header("Location", self.redirect_to + (f"?{parts.query}" if parts.query else ""))
            h.send_header("Content-Length", "0")
            h.end_headers()
            return None
        if path == "/auth":
            want = "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            if h.headers.get("Authorization") != want:
                return _send(h, 401, "text/plain", b"Unauthorized: who are you?",
                             {"WWW-Authenticate": 'Basic realm="sparql"'})
        return self._sparql(h, fields)

    def _sparql(self, h: BaseHTTPRequestHandler, fields: dict[str, str]) -> None:
        accept = h.headers.get("Accept", "")
        try:
            if "update" in fields:
                self.store.update(fields["update"])
                return _send(h, 204, "text/plain", b"")
            if "query" not in fields:
                return _send(h, 400, "text/plain", b"no query")
            result = self.store.query(fields["query"])
        except SyntaxError as exc:
            return _send(h, 400, "text/plain", f"Parse error: {exc}".encode())
        out = bytes
        if isinstance(result, ox.QueryTriples):
            kind = next((k for k in GRAPHS if k in accept), "application/n-triples")
            data = result.serialize(format=GRAPHS[kind])
        else:
            kind = next((k for k in RESULTS if k in accept), "application/sparql-results+json")
            data = result.serialize(format=RESULTS[kind])
        return _send(h, 200, kind, out(data or b""))


def _send(h: BaseHTTPRequestHandler, status: int, kind: str, body: bytes, headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", kind)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)


def dump(obj: Any) -> str:
    return json.dumps(obj, indent=1, default=str)
