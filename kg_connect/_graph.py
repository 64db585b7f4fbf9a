"""``KnowledgeGraph``: one object over a store that loads, queries, validates and saves."""

from __future__ import annotations

import itertools
import os
import re
import warnings
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef

from kg_connect._backends import Backend, make_backend
from kg_connect._files import write_atomically
from kg_connect._loading import SourceLike, declared_prefixes, open_source, resolve_format
from kg_connect._resources import parsed_file
from kg_connect._results import Results
from kg_connect._running import run_query
from kg_connect._sparql import (
    Analysis,
    Bound,
    analyse,
    bind_values,
    check,
    count_query,
    slice_query,
    substitute,
)
from kg_connect._terms import PREFIXES, to_oxigraph
from kg_connect._validation import ValidationReport, validate
from kg_connect.errors import KgConnectError, KgConnectWarning, LoadError, QueryError, QueryTimeout, SaveError

__all__ = ["KnowledgeGraph"]

_LABEL_PROPERTIES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
    "https://schema.org/name",
    "http://schema.org/name",
    "http://purl.org/dc/terms/title",  # reports and papers are named by their title
    "http://purl.org/dc/elements/1.1/title",
)
# (a FILTER, not VALUES ?p: with VALUES Oxigraph reads every label in the store before joining
# with the terms, 1.6 s at a million triples; this reads the terms' own triples, 6 ms)
_LABEL_QUERY = """SELECT ?term ?p ?l WHERE {
  ?term ?p ?l . FILTER(?p IN (rdfs:label, skos:prefLabel, foaf:name, schema:name, <http://schema.org/name>, dcterms:title,
                              <http://purl.org/dc/elements/1.1/title>) && isLiteral(?l) && STRLEN(STR(?l)) > 0)
}"""
_SERIALS = itertools.count()


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class KnowledgeGraph:
    """A knowledge graph over an embedded store.

    Parameters
    ----------
    path : str or Path, optional
        Keep the graph on disk in this folder (Oxigraph), so it persists across processes.
        Without it the graph lives in memory.
    backend : {"oxigraph", "rdflib"}
        The store: embedded Oxigraph (default, fast) or rdflib's in-memory dataset.
    prefixes : dict, optional
        Prefixes every query may use without declaring them (default:
        :data:`kg_connect.PREFIXES`; ``{}`` for none, as plain SPARQL has).

    Examples
    --------
    >>> kg = KnowledgeGraph()
    >>> kg.load('''@prefix foaf: <http://xmlns.com/foaf/0.1/> .
    ... <https://example.org/ada> a foaf:Person ; foaf:name "Ada" .''', format="turtle")
    <KnowledgeGraph oxigraph memory: 2 triples>
    >>> kg.query("SELECT ?n WHERE { ?p foaf:name ?n }").rows[0].n
    rdflib.term.Literal('Ada')
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, backend: str = "oxigraph",
                 prefixes: dict[str, str] | None = None, endpoint: Any = None) -> None:
        if endpoint is not None:  # a URL (read-only, no credentials), or the backend connect() made
            from kg_connect._backends._endpoint import EndpointBackend

            self._store: Backend = EndpointBackend(endpoint) if isinstance(endpoint, str) else endpoint
        else:
            self._store = make_backend(backend, path)
        self._serial = next(_SERIALS)  # creation order: the notebook picks the newest graph
        self._closed = False
        self._size: int | None = None
        self._namespaces: dict[str, str] = dict(PREFIXES if prefixes is None else prefixes)

    @classmethod
    def connect(cls, query_url: str, *, update_url: str | None = None, auth: Any = None, token: str | None = None,
                token_env: str | None = None, headers: dict[str, str] | None = None, timeout: float = 30,
                read_only: bool = True, default_graph: str | Iterable[str] | None = None,
                union_default_graph: bool | None = None, store_url: str | None = None,
                verify: bool | str = True, prefixes: dict[str, str] | None = None) -> KnowledgeGraph:
        """A graph on a remote SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, QLever, Neptune,
        Oxigraph server, ...): queries, results, labels and the analysis run there.

        ``auth``: ``(user, password)`` (HTTP basic) or an httpx auth such as
        ``httpx.DigestAuth(user, password)``; ``token`` (or ``token_env``, the name of an
        environment variable holding it): a bearer token. Credentials never appear in reprs,
        errors or outputs. Read-only unless ``read_only=False``: then ``update()``, ``load()``
        and ``add()`` write through SPARQL Update at ``update_url`` (default: ``query_url``);
        ``load()`` sends each file in one request to the Graph Store Protocol address
        ``store_url`` (found by itself for Oxigraph server and Virtuoso), else as one update.
        ``timeout``: seconds for each request. ``verify``: check the server's TLS certificate
        (the default), or the path of the CA certificates to trust. ``default_graph``: the graph (or list of graphs)
        this graph is about: queries see them as their default graph (``default-graph-uri``;
        Virtuoso's default is every graph, its own system graphs included). Without it,
        ``query(union=True)`` (which the analysis uses) sends every named graph as
        ``default-graph-uri``, unless the server's default graph is already the union
        (``union_default_graph=True``; found out by itself for Virtuoso). Failures raise
        :class:`~kg_connect.EndpointError`.
        """
        from kg_connect._backends._endpoint import EndpointBackend

        return cls(prefixes=prefixes, endpoint=EndpointBackend(
            query_url, update_url=update_url, auth=auth, token=token, token_env=token_env, headers=headers,
            timeout=timeout, read_only=read_only, default_graph=default_graph,
            union_default_graph=union_default_graph, store_url=store_url, verify=verify))

    @property
    def _backend(self) -> Backend:
        if self._closed:
            raise KgConnectError("this KnowledgeGraph is closed; create a new one (with the same path= to reopen)")
        return self._store

    # ------------------------------------------------------------------ basics
    @property
    def backend(self) -> str:
        """The name of the store behind this graph: ``oxigraph`` or ``rdflib``."""
        return self._store.name

    @property
    def namespaces(self) -> dict[str, str]:
        """Prefix → namespace: the predeclared ones plus those declared by loaded files."""
        return dict(self._namespaces)

    def bind(self, prefix: str, namespace: str, *, replace: bool = False) -> KnowledgeGraph:
        """Declare ``prefix:`` for ``namespace`` in queries, saved files and displays. An
        existing prefix is kept unless ``replace``. Returns the graph."""
        if replace or prefix not in self._namespaces:
            self._namespaces[prefix] = str(namespace)
        return self

    def __len__(self) -> int:
        if self._size is None:
            self._size = self._backend.count()
        return self._size

    def __repr__(self) -> str:
        if self._closed:
            return f"<KnowledgeGraph {self._store.describe()}: closed>"
        if self._store.name == "endpoint":  # counting a remote store may take long: not for a repr
            return f"<KnowledgeGraph {self._backend.describe()}>"
        graphs = len(self._backend.graph_names())
        if not graphs:
            return f"<KnowledgeGraph {self._backend.describe()}: {len(self):,} triples>"
        return (f"<KnowledgeGraph {self._backend.describe()}: {len(self):,} quads in {graphs:,} named "
                f"graph{'' if graphs == 1 else 's'} and the default graph>")

    def _repr_html_(self) -> str | None:
        """Size, named graphs and counts by class as an escaped HTML table, for notebooks."""
        if self._closed:
            return None
        from kg_connect.render import graph_html

        return graph_html(self)

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the store; an on-disk graph is flushed and can be reopened by path."""
        if not self._closed:
            self._store.close()
            self._closed = True
        self._size = None

    # ------------------------------------------------------------------ data in and out
    def load(self, source: SourceLike, format: str | None = None, *, base_iri: str | None = None,
             graph: str | bool | None = None, allow_network: bool = False) -> KnowledgeGraph:
        """Load RDF from a path (``.gz`` too), a string of data, bytes, a file object, or a URL.

        Formats: Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML (any encoding XML
        allows) and N3, from the file suffix or ``format``. All or nothing: on any error the
        graph is unchanged and :class:`~kg_connect.LoadError` names the file, line and column.

        ``graph`` puts the triples into a named graph: an IRI, or ``True`` for a graph
        named after the file (``file:///story.ttl``); a TriG or N-Quads file keeps its own
        named graphs. ``base_iri`` resolves relative IRIs; without it a file's relative IRIs
        are resolved against ``file:///<its name>`` (wherever the file sits) with a
        :class:`~kg_connect.KgConnectWarning`. The prefixes a file declares (Turtle
        ``@prefix``, RDF/XML ``xmlns:``, JSON-LD ``@context``) join :attr:`namespaces`.

        Loading never fetches anything by itself (no remote JSON-LD contexts, no XML
        external entities). A URL is downloaded only with ``allow_network=True``, up to
        512 MiB and 60 s. Returns the graph, so calls chain.
        """
        src = open_source(source, format, base_iri, allow_network=allow_network)
        src.graph = _graph_name(graph, src)
        backend = self._backend
        self._size = None
        if src.format == ox.RdfFormat.JSON_LD and base_iri is None:
            src = _jsonld_base(src)  # JSON-LD drops relative IRIs silently without a base
        try:
            backend.load(src)
        except LoadError as exc:
            if not exc.needs_base or base_iri is not None or not src.default_base:
                raise
            _warn_relative(exc, src.default_base)
            backend.load(src.with_base(src.default_base))
        for prefix, ns in declared_prefixes(src).items():
            known = self._namespaces.setdefault(prefix, ns)
            if known != ns:
                message = (f"{src.name} declares {prefix}: as <{ns}>, but {prefix}: already means <{known}> "
                           f"here; queries keep <{known}> (declare PREFIX {prefix}: <{ns}> in a query to use "
                           "the file's)")
                warnings.warn(KgConnectWarning(message), stacklevel=2)
        return self

    def add(self, triples: Iterable[tuple[Any, ...]] | tuple[Any, ...]) -> KnowledgeGraph:
        """Add one triple ``(s, p, o)`` or many; a fourth item names the graph.

        Terms are rdflib terms; plain Python values become literals.

        >>> KnowledgeGraph().add((URIRef("https://e.org/a"), rdflib.RDFS.label, "A"))
        <KnowledgeGraph oxigraph memory: 1 triples>
        """
        if isinstance(triples, tuple) and triples and not isinstance(triples[0], (tuple, list)):
            triples = [triples]
        quads = [(*t, None) if len(t) == 3 else tuple(t) for t in triples]
        for quad in quads:
            if len(quad) != 4 or not isinstance(quad[0], (URIRef, BNode)) or not isinstance(quad[1], URIRef):
                raise TypeError(f"not a triple of rdflib terms: {quad[:3]!r}")
        self._backend.add(quads)
        self._size = None
        return self

    def save(self, path: str | os.PathLike[str], format: str | None = None) -> Path:
        """Write the graph to ``path`` (format from the suffix or ``format``), atomically.

        The data goes to a temporary file beside ``path`` that replaces it only once
        complete: a failure leaves any existing file as it was. Triple formats (Turtle,
        N-Triples, RDF/XML, JSON-LD) get the union of all named graphs.
        """
        target = Path(path)
        if target.is_symlink():  # write the file the link points to, keep the link
            target = target.resolve()
        if target.is_dir():
            raise SaveError(f"{target} is a folder; give a file name such as {target / 'graph.ttl'}")
        try:
            fmt = resolve_format(format, target.name)
        except ValueError as exc:
            raise SaveError(str(exc)) from None
        if not target.parent.is_dir():
            raise SaveError(f"{target}: the folder {target.parent} does not exist")
        graphs = self._backend.graph_names()
        if graphs and not fmt.supports_datasets:
            warnings.warn(KgConnectWarning(
                f"{target}: {fmt.name} holds one graph, so the triples of {len(graphs):,} named graph"
                f"{'' if len(graphs) == 1 else 's'} were merged into it; save as .trig or .nq to keep them"),
                stacklevel=2)
        try:
            write_atomically(target, lambda out: self._backend.dump(out, fmt, self._namespaces))
        except (OSError, ValueError, SyntaxError) as exc:
            raise SaveError(f"{target}: {exc}") from exc
        return target

    def to_rdflib(self) -> rdflib.Dataset:
        """A copy of the graph as an rdflib ``Dataset`` (named graphs kept)."""
        ds = rdflib.Dataset()
        for prefix, ns in self._namespaces.items():
            ds.bind(prefix, ns, override=True)
        ds.addN(
            (s, p, o, ds.default_graph if g is None else ds.graph(g))
            for s, p, o, g in self._backend.quads()
        )
        return ds

    # ------------------------------------------------------------------ SPARQL
    def _parameters(self, scan: Analysis, params: dict[str, Any]) -> dict[str, list[Any]]:
        """Check parameters against what the text holds; return each as a list of
        pyoxigraph terms (one value is a list of one)."""
        text = scan.text
        out: dict[str, list[Any]] = {}
        for name, value in params.items():
            if not _NAME.match(name):
                raise QueryError(f"parameter name {name!r} is not a SPARQL variable name", text)
            if name not in scan.variables:
                raise QueryError(
                    f"parameter {name!r} is not used in the query: write ?{name} where it belongs",
                    text,
                )
            if name in scan.assigned:
                raise QueryError(
                    f"parameter {name!r} cannot be bound: the query assigns ?{name} itself "
                    "(with AS or VALUES); rename one of them", text,
                )
            values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
            try:
                # serialised by pyoxigraph, whose constructors validate IRIs and escape literals
                terms = [to_oxigraph(v) for v in values]
            except (TypeError, ValueError) as exc:
                raise QueryError(f"parameter {name!r}: {exc}", text) from None
            if any(isinstance(t, ox.BlankNode) for t in terms):
                raise QueryError(f"parameter {name!r}: a blank node cannot be bound (in SPARQL a blank "
                                 "node label is a new variable); give the node an IRI", text)
            out[name] = terms
        return out

    def _check(self, sparql: str, kind: str, allow_network: bool, base_iri: str | None) -> Analysis:
        if not isinstance(sparql, str):
            raise TypeError(f"the {kind} must be a str, not {type(sparql).__name__}")
        scan = analyse(sparql)
        check(scan, kind=kind, prefixes=self._namespaces, allow_network=allow_network, base_iri=base_iri)
        return scan

    def _prefixes_for(self, scan: Analysis) -> dict[str, str]:
        """The predeclared prefixes a text uses without declaring them: only these go to the
        engine (a dozen needless ones cost Oxigraph 15 µs a query, and an endpoint a longer text)."""
        known = self._namespaces
        return {p: known[p] for p, _ in scan.prefixes_used if p in known and p not in scan.declared_prefixes}

    def parse(self, sparql: str, *, base_iri: str | None = None, allow_network: bool = False,
              kind: str | None = None) -> Analysis:
        """Check a query or update without running it; return what its text holds.

        Raises :class:`~kg_connect.QueryError` (line, column) for whatever :meth:`query` or
        :meth:`update` would refuse before running: syntax, unknown prefixes, relative IRIs
        without a base, SERVICE/LOAD without ``allow_network``, an empty query. ``kind``
        (``"query"`` or ``"update"``) says what the text must be; by default it is told from
        the text. The answer has ``kind``, ``form`` (SELECT, ASK, CONSTRUCT, DESCRIBE),
        ``variables``, ``assigned``, ``prefixes_used``, ``network`` and ``relative_iris``.

        >>> KnowledgeGraph().parse("SELECT ?name WHERE { ?p foaf:name ?name }").form
        'SELECT'
        """
        if kind not in (None, "query", "update"):
            raise ValueError(f"unknown kind {kind!r}; expected one of: query, update")
        kind = kind or ("update" if analyse(sparql).kind == "update" else "query")
        scan = self._check(sparql, kind, allow_network, base_iri)
        if not (scan.bare and kind == "update"):
            self._backend.parse(sparql, kind=kind, prefixes=self._prefixes_for(scan), base_iri=base_iri)
        return scan

    def query(self, sparql: str, *, allow_network: bool = False, timeout: float | None = None,
              base_iri: str | None = None, union: bool = False, max_rows: int | None = None,
              **params: Any) -> Results:
        """Run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).

        Patterns match the default graph; data loaded into named graphs (``load(...,
        graph=)``, TriG, N-Quads) is reached with ``GRAPH ?g { ... }`` (standard SPARQL
        dataset semantics); with ``union=True`` they match the union of all graphs (a triple
        in several graphs then matches once per graph). The prefixes in :attr:`namespaces`
        are predeclared. ``max_rows``: at most this many rows of a SELECT (the store is asked
        for one more, with LIMIT, to know whether there were more: ``results.truncated``);
        ``results.fetch_more()`` gets the next ones and ``results.count()`` the exact total.

        ``params`` bind query variables to RDF terms (``who=URIRef(...)``, ``name="Ada"``,
        ``year=2011``), never formatted from strings: each value is checked and escaped as an
        RDF term and joins the query as ``VALUES ?who { ... }`` at the start of its WHERE
        group. A list binds the variable to each of its values; one value means the same as a
        list of one (see docs/decisions.md). ``base_iri`` resolves relative IRIs in the
        query; without it (or a BASE in the query) a relative IRI is an error. ``SERVICE``
        is refused unless ``allow_network=True``. A malformed query raises
        :class:`~kg_connect.QueryError` with line and column; past ``timeout`` seconds,
        :class:`~kg_connect.QueryTimeout`.
        """
        if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        scan = self._check(sparql, "query", allow_network, base_iri)
        terms = self._parameters(scan, params) if params else {}
        if terms and scan.template is not None:  # its rewriting copies the pattern: report errors in place
            self._backend.parse(sparql, kind="query", prefixes=self._prefixes_for(scan), base_iri=base_iri)
        bound = bind_values(scan, {k: [str(t) for t in v] for k, v in terms.items()}) if terms \
            else Bound(sparql)
        prefixes = self._prefixes_for(scan)
        text = bound.text
        # a cap asks the store for one row more than it keeps (to know there were more): the
        # store, or the server, never makes the rest
        sliced = self._sliced(text, 0, max_rows + 1) if max_rows is not None and scan.form == "SELECT" else None
        try:
            try:
                raw = self._run(sliced or text, prefixes, base_iri, scan.form, timeout, union, max_rows)
            except QueryError as exc:
                if sliced is None or isinstance(exc, QueryTimeout):
                    raise
                # asked as it was written: the caller's own error, or (Virtuoso's cap on sorted
                # rows refuses LIMIT 10001) the answer, read only up to the cap
                raw = self._run(text, prefixes, base_iri, scan.form, timeout, union, max_rows)
                self._slice_below, self._slice_refusal = (max_rows or 0) + 1, exc.reason
        except QueryError as exc:
            raise _in_callers_text(exc, bound, sparql) from None
        rows, truncated = raw.rows, raw.truncated
        if max_rows is not None and len(rows) > max_rows:
            rows, truncated = rows[:max_rows], True
        results = Results(raw.form, vars=raw.vars, rows=rows, boolean=raw.boolean,
                          triples=raw.triples, namespaces=self._namespaces, convert=raw.convert, source=self)
        results.truncated = truncated
        if truncated:  # what fetch_more() and count() ask
            results._asked = _Asked(self, text, prefixes, base_iri, union, timeout, max_rows or len(rows))
        return results

    def _sliced(self, text: str, offset: int, limit: int) -> str | None:
        """``text`` asking for ``limit`` rows from ``offset`` (None: read it as it is, and stop
        reading at the cap; so when the store refused such a slice before)."""
        if offset + limit >= getattr(self, "_slice_below", offset + limit + 1):
            return None
        return slice_query(text, offset, limit)

    def _run(self, text: str, prefixes: dict[str, str], base_iri: str | None, form: str, timeout: float | None,
             union: bool, max_rows: int | None) -> Any:
        self._backend.union, self._backend.max_rows = bool(union), max_rows
        try:
            return run_query(self._backend, text, prefixes=prefixes, base_iri=base_iri, form=form, timeout=timeout)
        finally:
            self._backend.union, self._backend.max_rows = False, None

    def ask_named(self, name: str, *, timeout: float | None = None, **params: Any) -> Results:
        """Run a named question from :func:`kg_connect.queries.catalogue`.

        IRI parameters accept an ``URIRef``, an IRI string or a prefixed name
        (``"kgc:joinIn"``).

        >>> kg = KnowledgeGraph().load('<https://e.org/e> <https://schema.org/attendee> <https://e.org/p> .')
        >>> [str(r.attendee) for r in kg.ask_named("event-attendees", event="https://e.org/e")]
        ['https://e.org/p']
        """
        from kg_connect.queries import get

        try:
            named = get(name)
        except KeyError as exc:
            raise QueryError(str(exc.args[0])) from None
        expected = {p.name: p for p in named.params}
        unknown = set(params) - set(expected)
        missing = set(expected) - set(params)
        if unknown or missing:
            listed = ", ".join(f"{p.name} ({p.type})" for p in named.params) or "none"
            what = f"unknown parameter(s) {', '.join(sorted(unknown))}" if unknown else \
                f"missing parameter(s) {', '.join(sorted(missing))}"
            raise QueryError(f"{name}: {what}; it takes: {listed}", named.text)
        values = {k: self._coerce(v, expected[k].type, k) for k, v in params.items()}
        return self.query(named.text, timeout=timeout, **values)

    def _coerce(self, value: Any, kind: str, name: str) -> Any:
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self._coerce(v, kind, name) for v in value]
        if kind == "iri" and isinstance(value, str) and not isinstance(value, (URIRef, Literal)):
            prefix, _, local = value.partition(":")
            if prefix in self._namespaces and not local.startswith("//"):
                return URIRef(self._namespaces[prefix] + local)
            return URIRef(value)
        if kind == "date" and isinstance(value, str):
            return Literal(value, datatype=rdflib.XSD.date)
        return value

    def update(self, sparql: str, *, allow_network: bool = False, base_iri: str | None = None,
               **params: Any) -> None:
        """Run a SPARQL update (INSERT/DELETE DATA, DELETE/INSERT WHERE, CLEAR, ...), atomically.

        On any error nothing is changed. ``LOAD`` and ``SERVICE`` are refused unless
        ``allow_network=True``. ``params`` bind variables to terms as in :meth:`query`, one
        value each: in an update the term stands wherever the variable does, templates
        included.
        """
        scan = self._check(sparql, "update", allow_network, base_iri)
        if scan.bare and not params:
            return  # no operations: valid, and nothing to do
        terms = self._parameters(scan, params) if params else {}
        for name, values in terms.items():
            if len(values) != 1:
                raise QueryError(f"parameter {name!r}: an update takes one value per parameter, not "
                                 f"{len(values)}; run it once per value", sparql)
        text = substitute(scan, {k: str(v[0]) for k, v in terms.items()}) if terms else sparql
        self._size = None
        try:
            self._backend.update(text, prefixes=self._prefixes_for(scan), base_iri=base_iri)
        except QueryError as exc:
            if text is sparql:
                raise
            raise QueryError(exc.reason, sparql) from None

    # ------------------------------------------------------------------ meaning
    def validate(self, shapes: Any = None, **options: Any) -> ValidationReport:
        """Check the graph against the kg_connect SHACL shapes (or ``shapes``).

        See :func:`kg_connect.validate` for the options (``inference``, ``literals``, ``progress``).
        """
        return validate(self, shapes, **options)

    def label(self, term: Any) -> str:
        """The best human label of ``term``.

        rdfs:label, then skos:prefLabel, foaf:name, schema:name (English or untagged
        first); for kg_connect's own terms the shipped ontology's label; else a prefixed
        name; else the IRI.

        >>> kg = KnowledgeGraph().load('<https://e.org/a> <http://xmlns.com/foaf/0.1/name> "Ann" .')
        >>> kg.label(URIRef("https://e.org/a")), kg.label(URIRef("http://xmlns.com/foaf/0.1/name"))
        ('Ann', 'foaf:name')
        """
        return self.labels([term])[term]

    def labels(self, terms: Iterable[Any]) -> dict[Any, str]:
        """The best label of each term (see :meth:`label`), with one query for them all."""
        terms = list(dict.fromkeys(terms))
        iris = [t for t in terms if isinstance(t, URIRef) and _is_iri(t)]
        best: dict[Any, tuple[int, int, str]] = {}
        if iris:
            for term, prop, value in self.query(_LABEL_QUERY, term=iris, union=True).rows:
                lang = (value.language or "").lower()
                rank = (_LABEL_PROPERTIES.index(str(prop)),
                        0 if lang in ("en", "") or lang.startswith("en-") else 1, str(value))
                if term not in best or rank < best[term]:
                    best[term] = rank
        out = {}
        for term in terms:
            if term in best:
                out[term] = best[term][2]
            elif isinstance(term, Literal):
                out[term] = str(term)
            elif isinstance(term, BNode):
                out[term] = f"_:{term}"
            elif term is None:
                out[term] = ""
            else:
                out[term] = self._fallback_label(URIRef(str(term)))
        return out

    def _fallback_label(self, term: URIRef) -> str:
        if str(term).startswith(PREFIXES["kgc"]):  # our own terms: label from the shipped ontology
            label = parsed_file("ontology").value(term, rdflib.RDFS.label)
            if label is not None:
                return str(label)
        return self.qname(term)

    def qname(self, term: Any) -> str:
        """``term`` as a prefixed name when a known namespace fits, else the IRI."""
        text = str(term)
        match = ("", "")
        for prefix, ns in self._namespaces.items():
            if text.startswith(ns) and len(ns) > len(match[1]):
                local = text[len(ns):]
                if re.fullmatch(r"[\w\-.]*", local) and not local.endswith("."):
                    match = (prefix, ns)
        if match[1]:
            return f"{match[0]}:{text[len(match[1]):]}"
        return text


def _is_iri(term: URIRef) -> bool:
    """rdflib lets some strings be URIRefs that are not IRIs (a '"' in them): they have no
    label to look up, and cannot be written into a query."""
    try:
        ox.NamedNode(str(term))
    except ValueError:
        return False
    return True


def _graph_name(graph: str | bool | None, src: Any) -> str | None:
    if graph is None or graph is False:
        return None
    if graph is True:
        if src.default_base is None or not src.default_base.startswith("file:"):
            raise LoadError("graph=True names the graph after the file, but this source is not a file; "
                            "pass graph=IRI", src.name)
        return str(src.default_base)
    text = str(graph)
    try:
        ox.NamedNode(text)
    except ValueError as exc:
        raise LoadError(f"graph={text!r} is not an IRI: {exc}", src.name) from None
    return text


def _warn_relative(exc: LoadError, base: str) -> None:
    where = f" at line {exc.line}, column {exc.column}" if exc.line is not None else ""
    iri = exc.reason.split(">", 1)[0].split("<", 1)[-1]
    message = (f"{exc.source}: relative IRIs (the first is <{iri}>{where}) were resolved against "
               f"<{base}>; pass base_iri= to choose the base")
    warnings.warn(KgConnectWarning(message, cli=message.replace("pass base_iri=", "pass --base IRI")),
                  stacklevel=3)


def _jsonld_base(src: Any) -> Any:
    """Give JSON-LD a base and say so when it holds relative IRIs (which its parser would
    otherwise drop without a word)."""
    probe = src.default_base or "file:///kg-connect-probe/"
    try:
        with src.parser_input() as kwargs:
            plain = sum(1 for _ in ox.parse(**kwargs))
        with src.with_base(probe).parser_input() as kwargs:
            based = sum(1 for _ in ox.parse(**kwargs))
    except (SyntaxError, OSError, ValueError):
        return src  # the load reports it
    if based == plain:
        return src.with_base(src.default_base) if src.default_base else src
    if not src.default_base:
        raise LoadError("the JSON-LD holds relative IRIs; pass base_iri= to resolve them", src.name,
                        cli="the JSON-LD holds relative IRIs; pass --base IRI to resolve them")
    message = (f"{src.name}: relative IRIs were resolved against <{src.default_base}>; pass base_iri= "
               "to choose the base")
    warnings.warn(KgConnectWarning(message, cli=message.replace("pass base_iri=", "pass --base IRI")),
                  stacklevel=3)
    return src.with_base(src.default_base)


def _in_callers_text(exc: QueryError, bound: Bound, sparql: str) -> QueryError:
    """An engine error about the text it ran, with its position in the caller's text."""
    line, column = exc.line, exc.column
    if bound.text is not sparql and line is not None and column is not None:
        lines = bound.text.split("\n")
        offset = sum(len(text) + 1 for text in lines[:line - 1]) + column - 1
        line, column = analyse(sparql).position(bound.original_offset(offset))
    if exc.query == sparql and (line, column) == (exc.line, exc.column):
        return exc
    cli = exc._cli[len(str(exc)) - len(exc.reason):] if exc._cli else None
    again = type(exc)(exc.reason, sparql, line, column, cli=cli)
    if hasattr(exc, "status"):  # an endpoint's HTTP status
        again.status = exc.status  # type: ignore[attr-defined]
    return again


class _Asked:
    """A capped SELECT as it was asked, for :meth:`Results.fetch_more` and
    :meth:`Results.count`."""

    def __init__(self, graph: KnowledgeGraph, text: str, prefixes: dict[str, str], base_iri: str | None,
                 union: bool, timeout: float | None, size: int) -> None:
        self.graph, self.text, self.prefixes, self.base_iri = graph, text, prefixes, base_iri
        self.union, self.timeout = union, timeout
        self.size = max(1, size)  # rows per fetch: the cap the query was asked with

    def rows(self, offset: int, limit: int) -> tuple[list[Any], bool]:
        """Rows ``offset`` to ``offset + limit`` of the answer (LIMIT/OFFSET), and whether
        there are more."""
        text = self.graph._sliced(self.text, offset, limit + 1)
        if text is not None:
            try:
                raw = self.graph._run(text, self.prefixes, self.base_iri, "SELECT", self.timeout, self.union,
                                      limit + 1)
                return raw.rows[:limit], len(raw.rows) > limit or raw.truncated
            except QueryTimeout:
                raise
            except QueryError as exc:  # the store would not take the slice: read the answer up to it
                self.graph._slice_below, self.graph._slice_refusal = offset + limit + 1, exc.reason
        raw = self.graph._run(self.text, self.prefixes, self.base_iri, "SELECT", self.timeout, self.union,
                              offset + limit + 1)
        rows = raw.rows[offset:offset + limit]
        more = len(raw.rows) > offset + limit or raw.truncated
        if not rows and more:  # the server stops every answer before here
            raise QueryError(f"the server gives no rows past the first {len(raw.rows):,} of this answer"
                             + (f" ({refused})" if (refused := getattr(self.graph, "_slice_refusal", None))
                                else ""), self.text)
        return rows, more

    def count(self, timeout: float) -> int | None:
        text = count_query(self.text)
        if text is None:
            return None
        try:
            raw = self.graph._run(text, self.prefixes, self.base_iri, "SELECT", timeout, self.union, None)
        except QueryError:  # too slow, or the server would not: the count stays unknown
            return None
        cell = raw.rows[0][0] if raw.rows and raw.rows[0] else None
        value = raw.convert(cell) if cell is not None else None
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None
