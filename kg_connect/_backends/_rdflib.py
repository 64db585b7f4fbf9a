"""rdflib's in-memory dataset behind the backend interface.

Parsing goes through pyoxigraph's strict parsers (the same errors and the same
safety as the default backend); queries and updates use rdflib's SPARQL engine.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from typing import IO, Any, Iterable, Iterator

import pyoxigraph as ox
import rdflib
import rdflib.plugins.sparql as rdflib_sparql
from rdflib.plugins.sparql.processor import prepareQuery, prepareUpdate
from rdflib.plugins.stores.auditable import AuditableStore
from rdflib.term import Node

from kg_connect._backends._base import Quad, RawResult, Stop, until
from kg_connect._backends._oxigraph import parse_with_oxigraph
from kg_connect._loading import Source, as_load_error
from kg_connect._sparql import query_error
from kg_connect._terms import python_to_rdflib, to_oxigraph, to_rdflib
from kg_connect.errors import KgConnectError, QueryError

__all__ = ["RdflibBackend"]

_ERRORS = (SyntaxError, ValueError, TypeError, KeyError, AttributeError, LookupError)


_SWITCH_LOCK = threading.Lock()
_PARSE_LOCK = threading.Lock()
_active = 0
_saved: tuple[bool, bool] = (True, True)


def _fresh_locks() -> None:
    """In a forked child (a query run with a timeout) no other thread exists: locks another
    thread held at the fork would never be released."""
    global _SWITCH_LOCK, _PARSE_LOCK, _active
    _SWITCH_LOCK, _PARSE_LOCK, _active = threading.Lock(), threading.Lock(), 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_fresh_locks)


@contextlib.contextmanager
def _sparql_switches() -> Iterator[None]:
    """rdflib's module switches, off while any of our queries runs (threads included).

    SPARQL_LOAD_GRAPHS off: rdflib would fetch the IRIs named in FROM / FROM NAMED.
    SPARQL_DEFAULT_GRAPH_UNION off: patterns match the default graph, as on Oxigraph
    (and rdflib's INSERT DATA fails on a Dataset otherwise). The first query in saves the
    user's values, the last one out restores them.
    """
    global _active, _saved
    with _SWITCH_LOCK:
        if _active == 0:
            _saved = rdflib_sparql.SPARQL_LOAD_GRAPHS, rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION
        _active += 1
        rdflib_sparql.SPARQL_LOAD_GRAPHS = False
        rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = False
    try:
        yield
    finally:
        with _SWITCH_LOCK:
            _active -= 1
            if _active == 0:
                rdflib_sparql.SPARQL_LOAD_GRAPHS, rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = _saved


class _UndoableStore(AuditableStore):
    """rdflib's AuditableStore (which journals adds and removes for rollback), made
    usable under a Dataset: it forwards graph creation and removal to the real store."""

    graph_aware = True

    def add_graph(self, graph: rdflib.Graph) -> None:
        self.store.add_graph(graph)

    def remove_graph(self, graph: rdflib.Graph) -> None:
        self.store.remove_graph(graph)


def _terms(row: Any) -> tuple[Any, ...]:
    """rdflib's engine can hand back Python values (COALESCE of a string, say): make every
    cell an RDF term."""
    return tuple(v if v is None or isinstance(v, Node) else python_to_rdflib(v) for v in row)


class RdflibBackend:
    """An ``rdflib.Dataset``; queries see its default graph, named graphs through GRAPH."""

    name = "rdflib"
    union = False
    max_rows: int | None = None  # a remote store's reading cap; here, query() slices the text itself

    isolation = "fork"

    def __init__(self) -> None:
        self.dataset = rdflib.Dataset(default_union=False)

    def describe(self) -> str:
        return "rdflib memory"

    def _context(self, g: Any) -> rdflib.Graph:
        return self.dataset.default_graph if g is None else self.dataset.graph(g)

    def load(self, source: Source) -> None:
        target = rdflib.URIRef(source.graph) if source.graph else None
        try:
            # blank nodes renamed per load, as Oxigraph does: _:x in two files are two nodes
            with source.parser_input() as kwargs:
                parsed = list(ox.parse(**kwargs, rename_blank_nodes=True))
            quads = [
                (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object),
                 target if isinstance(q.graph_name, ox.DefaultGraph) else to_rdflib(q.graph_name))
                for q in parsed
            ]
        except (SyntaxError, OSError, ValueError, MemoryError, EOFError, KgConnectError) as exc:
            raise as_load_error(exc, source) from None
        del parsed
        self.add(quads)

    def add(self, quads: Iterable[Quad]) -> None:
        self.dataset.addN(
            (python_to_rdflib(s), python_to_rdflib(p), python_to_rdflib(o), self._context(g))
            for s, p, o, g in quads
        )

    def query(self, text: str, *, prefixes: dict[str, str], base_iri: str | None, form: str,
              deadline: Stop | None = None) -> RawResult:
        parse_with_oxigraph(text, kind="query", prefixes=prefixes, base_iri=base_iri)  # the same syntax everywhere
        try:
            with _PARSE_LOCK:  # pyparsing's caches are not thread-safe (timed-out queries run on)
                prepared = prepareQuery(text, initNs=prefixes, base=base_iri)
            with _sparql_switches():
                # the union switch is read once, when the query's context is made (in query())
                # (and the Dataset's own flag decides what matching it yields)
                rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = self.union
                self.dataset.default_union = self.union
                try:
                    result = self.dataset.query(prepared)
                finally:
                    rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = False
                # rdflib evaluates lazily: materialise inside the guard
                if result.type == "ASK":
                    return RawResult("ASK", boolean=bool(result.askAnswer))
                if result.type in ("CONSTRUCT", "DESCRIBE"):
                    graph = result.graph
                    triples = list(until(graph, deadline)) if graph is not None else []
                    return RawResult(form if form in ("CONSTRUCT", "DESCRIBE") else result.type, triples=triples)
                names = [str(v) for v in result.vars or []]
                rows = [_terms(row) for row in until(result, deadline)]  # type: ignore[arg-type]
        except QueryError:  # includes QueryTimeout
            raise
        except Exception as exc:  # noqa: BLE001 - rdflib raises bare Exception for bad queries
            raise query_error(exc, text) from None
        finally:
            self.dataset.default_union = False
        return RawResult("SELECT", vars=names, rows=rows)

    def update(self, text: str, *, prefixes: dict[str, str], base_iri: str | None) -> None:
        parse_with_oxigraph(text, kind="update", prefixes=prefixes, base_iri=base_iri)
        audited = _UndoableStore(self.dataset.store)
        view = rdflib.Dataset(store=audited, default_union=False)
        try:
            with _PARSE_LOCK:
                prepared = prepareUpdate(text, initNs=prefixes, base=base_iri)
            with _sparql_switches():
                view.update(prepared)
        except Exception as exc:  # noqa: BLE001 - any failure must undo the partial update
            audited.rollback()
            raise query_error(exc, text) from None

    def parse(self, text: str, *, kind: str, prefixes: dict[str, str], base_iri: str | None) -> None:
        parse_with_oxigraph(text, kind=kind, prefixes=prefixes, base_iri=base_iri)
        try:
            with _PARSE_LOCK:
                if kind == "update":
                    prepareUpdate(text, initNs=prefixes, base=base_iri)
                else:
                    prepareQuery(text, initNs=prefixes, base=base_iri)
        except Exception as exc:  # noqa: BLE001 - rdflib raises bare Exception for bad queries
            raise query_error(exc, text) from None

    def write_answer(self, text: str, *, prefixes: dict[str, str], base_iri: str | None, form: str,
                     out: IO[bytes]) -> None:
        raw = self.query(text, prefixes=prefixes, base_iri=base_iri, form=form)
        if raw.form == "ASK":
            out.write(json.dumps({"form": "ASK", "boolean": bool(raw.boolean)}).encode() + b"\n")
            return
        out.write(json.dumps({"form": raw.form}).encode() + b"\n")
        if raw.form in ("CONSTRUCT", "DESCRIBE"):
            ox.serialize((ox.Triple(*map(to_oxigraph, t)) for t in raw.triples), out, ox.RdfFormat.N_TRIPLES)
            return
        out.write(("\t".join(f"?{v}" for v in raw.vars) + "\n").encode())
        for row in raw.rows:
            out.write(("\t".join("" if t is None else str(to_oxigraph(t)) for t in row) + "\n").encode())

    def snapshot(self) -> str:
        raise ValueError("the rdflib backend lives in memory; it has no snapshots")

    def quads(self) -> Iterator[Quad]:
        for s, p, o, g in self.dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, rdflib.Graph) else g
            if name == rdflib.graph.DATASET_DEFAULT_GRAPH_ID:
                name = None
            yield s, p, o, name

    def count(self) -> int:
        return sum(1 for _ in self.dataset.quads((None, None, None, None)))

    def graph_names(self) -> list[Any]:
        return sorted({g.identifier for g in self.dataset.graphs()
                       if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID and len(g)}, key=str)

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, prefixes: dict[str, str]) -> None:
        if fmt.supports_datasets:
            items: Iterable[Any] = (
                ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),
                        ox.DefaultGraph() if g is None else to_oxigraph(g))
                for s, p, o, g in self.quads()
            )
        else:
            items = dict.fromkeys(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
                                  for s, p, o, _ in self.quads())
        use_prefixes = prefixes if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3) else None
        ox.serialize(items, out, fmt, prefixes=use_prefixes)

    def close(self) -> None:
        self.dataset = rdflib.Dataset(default_union=False)
