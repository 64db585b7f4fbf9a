"""The embedded Oxigraph store: the default backend, in memory or on disk."""

from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import pyoxigraph as ox

from kg_connect._backends._base import Quad, RawResult, Stop, until
from kg_connect._loading import Source, as_load_error
from kg_connect._sparql import analyse, query_error
from kg_connect._terms import to_oxigraph, to_rdflib
from kg_connect.errors import LoadError, QueryError

__all__ = ["OxigraphBackend"]

_DEFAULT = ox.DefaultGraph()
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3)


def _quad_to_rdflib(q: ox.Quad) -> Quad:
    g = q.graph_name
    return (
        to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object),
        None if isinstance(g, ox.DefaultGraph) else to_rdflib(g),
    )


def parse_with_oxigraph(text: str, *, kind: str, prefixes: dict[str, str], base_iri: str | None) -> None:
    """Check syntax with Oxigraph's parser: the text is prepared against an empty store and
    not evaluated (queries evaluate lazily). Texts that would touch the network on an empty
    store (LOAD; SERVICE in ASK) are left to the run itself."""
    scan = analyse(text)
    if scan.network and (kind == "update" or scan.form == "ASK"):
        return
    try:
        if kind == "update":
            ox.Store().update(text, prefixes=prefixes, base_iri=base_iri)
        else:
            ox.Store().query(text, prefixes=prefixes, base_iri=base_iri)
    except SyntaxError as exc:
        raise query_error(exc, text) from None
    except (OSError, RuntimeError):
        pass  # not a syntax problem: the run will report it


def write_answer(store: ox.Store, text: str, prefixes: dict[str, str], base_iri: str | None, form: str,
                 out: IO[bytes], union: bool = False) -> None:
    """Run a query on ``store`` and write a JSON header line and the answer (TSV solutions or
    N-Triples) to ``out``, serialised by pyoxigraph itself."""
    try:
        result = store.query(text, prefixes=prefixes, base_iri=base_iri, use_default_graph_as_union=union)
    except SyntaxError as exc:
        raise query_error(exc, text) from None
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}", text) from None
    body = io.BytesIO()
    try:
        if isinstance(result, ox.QueryBoolean):
            header: dict[str, Any] = {"form": "ASK", "boolean": bool(result)}
        elif isinstance(result, ox.QueryTriples):
            header = {"form": form if form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT"}
            result.serialize(body, format=ox.RdfFormat.N_TRIPLES)
        else:
            header = {"form": "SELECT"}
            result.serialize(body, format=ox.QueryResultsFormat.TSV)
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"query failed: {exc}", text) from None
    out.write(json.dumps(header).encode() + b"\n")
    out.write(body.getbuffer())


def _materialise(result: Any, form: str, deadline: Stop | None) -> RawResult:
    # rows keep pyoxigraph terms (triples stay pyoxigraph Triples, which unpack as (s, p, o));
    # Results converts a cell when it is read
    if isinstance(result, ox.QueryBoolean):
        return RawResult("ASK", boolean=bool(result))
    items = result if deadline is None else until(result, deadline)
    if isinstance(result, ox.QueryTriples):
        return RawResult(form, triples=list(items), convert=to_rdflib)
    names = [v.value for v in result.variables]
    return RawResult("SELECT", vars=names, rows=[tuple(s) for s in items], convert=to_rdflib)


_OPEN: weakref.WeakSet[OxigraphBackend] = weakref.WeakSet()


def drop_snapshots() -> None:
    """Remove the snapshot folders of every open on-disk store (the program is ending)."""
    for backend in list(_OPEN):
        backend._drop_snapshot()


def _close_all() -> None:
    """At interpreter exit, close every on-disk store still open: an unclosed RocksDB store
    replays its whole write-ahead log when next opened (16 s and 1 GB for 1M triples)."""
    for backend in list(_OPEN):
        backend.close()


class OxigraphBackend:
    """pyoxigraph ``Store`` behind the backend interface."""

    name = "oxigraph"
    union = False
    max_rows: int | None = None  # a remote store's reading cap; here, query() slices the text itself

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.isolation = "spawn" if self.path is not None else "fork"
        self._generation = 0  # changes whenever the data may have changed
        self._snapshot: tuple[int, str] | None = None
        try:
            self.store = ox.Store(str(self.path)) if self.path is not None else ox.Store()
        except OSError as exc:
            hint = ("it is open in another KnowledgeGraph, in this process or another: close() "
                    "that one first" if "lock" in str(exc).lower() else str(exc))
            cli = ("another kg-connect command or program has the store open; wait for it to end"
                   if "lock" in str(exc).lower() else None)
            raise LoadError(f"cannot open the store: {hint}", str(path),
                            cli=f"cannot open the store: {cli}" if cli else None) from None
        if self.path is not None:
            if not _OPEN:
                atexit.register(_close_all)
            _OPEN.add(self)

    def describe(self) -> str:
        return f"oxigraph {self.path}" if self.path else "oxigraph memory"

    def load(self, source: Source) -> None:
        self._generation += 1
        target = ox.NamedNode(source.graph) if source.graph else None
        try:
            # Store.load is transactional: a parse error writes nothing.
            with source.parser_input() as kwargs:
                self.store.load(**kwargs, to_graph=target)
        except (SyntaxError, OSError, ValueError, MemoryError, EOFError) as exc:
            raise as_load_error(exc, source) from None

    def add(self, quads: Iterable[Quad]) -> None:
        self._generation += 1
        self.store.extend(
            ox.Quad(
                to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),
                _DEFAULT if g is None else to_oxigraph(g),
            )
            for s, p, o, g in quads
        )

    def query(self, text: str, *, prefixes: dict[str, str], base_iri: str | None, form: str,
              deadline: Stop | None = None) -> RawResult:
        try:
            result = self.store.query(text, prefixes=prefixes, base_iri=base_iri,
                                      use_default_graph_as_union=self.union)
        except SyntaxError as exc:
            raise query_error(exc, text) from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}", text) from None
        try:
            return _materialise(result, form, deadline)
        except (OSError, RuntimeError) as exc:  # evaluation is lazy: SERVICE fails while rows are read
            message = str(exc)
        except BaseException as exc:  # a timeout or an interrupt between rows
            del result  # the frames of its traceback would keep the pyoxigraph result: it dies here
            exc.__traceback__ = None
            raise
        # raised outside the handler, so no traceback keeps the (unsendable) pyoxigraph result alive
        del result
        raise QueryError(f"query failed: {message}", text)

    def update(self, text: str, *, prefixes: dict[str, str], base_iri: str | None) -> None:
        self._generation += 1
        try:
            self.store.update(text, prefixes=prefixes, base_iri=base_iri)
        except SyntaxError as exc:
            raise query_error(exc, text) from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"update failed: {exc}", text) from None

    def parse(self, text: str, *, kind: str, prefixes: dict[str, str], base_iri: str | None) -> None:
        parse_with_oxigraph(text, kind=kind, prefixes=prefixes, base_iri=base_iri)

    def write_answer(self, text: str, *, prefixes: dict[str, str], base_iri: str | None, form: str,
                     out: IO[bytes]) -> None:
        write_answer(self.store, text, prefixes, base_iri, form, out, self.union)

    def snapshot(self) -> str:
        """A checkpoint of the on-disk store (hard links beside it: cheap), kept while the
        data is unchanged, for a query process that can be killed."""
        if self.path is None:
            raise ValueError("only an on-disk store has snapshots")
        if self._snapshot is not None and self._snapshot[0] == self._generation:
            return self._snapshot[1]
        self._drop_snapshot()
        folder = tempfile.mkdtemp(prefix=f".{self.path.name}.snapshot-", dir=self.path.parent)
        os.rmdir(folder)  # backup() creates it
        self.store.backup(folder)
        self._snapshot = (self._generation, folder)
        return folder

    def _drop_snapshot(self) -> None:
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot[1], ignore_errors=True)
            self._snapshot = None

    def quads(self) -> Iterator[Quad]:
        return map(_quad_to_rdflib, self.store)

    def count(self) -> int:
        return len(self.store)

    def graph_names(self) -> list[Any]:
        return [to_rdflib(g) for g in self.store.named_graphs()]

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, prefixes: dict[str, str]) -> None:
        use_prefixes = prefixes if fmt in _PREFIXED else None
        if fmt.supports_datasets:
            self.store.dump(out, fmt, prefixes=use_prefixes)
            return
        if next(iter(self.store.named_graphs()), None) is None:
            triples: Any = (ox.Triple(q.subject, q.predicate, q.object) for q in self.store)
        else:  # the union of all graphs, each triple once
            triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in self.store)
        ox.serialize(triples, out, fmt, prefixes=use_prefixes)

    def close(self) -> None:
        if not hasattr(self, "store"):
            return
        self._drop_snapshot()
        if self.path is not None:
            self.store.flush()
        del self.store
        _OPEN.discard(self)
