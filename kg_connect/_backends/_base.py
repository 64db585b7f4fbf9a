"""The small interface every store behind a ``KnowledgeGraph`` implements.

A backend speaks rdflib terms at its edges and raises only kg_connect errors:
``LoadError`` from ``load``, ``QueryError`` from ``query``/``update``/``parse``. Loads
and updates are atomic. The graph has checked the text (``_sparql.check``) and written
any parameters into it as escaped terms before a backend sees it; prefixes and the base
IRI are passed beside it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable, Iterator, Protocol

import pyoxigraph as ox

from kg_connect._loading import Source
from kg_connect.errors import QueryTimeout

__all__ = ["Backend", "Quad", "RawResult", "Stop", "until"]

#: (subject, predicate, object, graph) in rdflib terms; graph is None for the default graph.
Quad = tuple[Any, Any, Any, Any]


@dataclass
class RawResult:
    """What a backend returns from a query, before it is wrapped in ``Results``."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)  # (s, p, o) tuples or pyoxigraph Triples
    #: turns the terms in rows/triples into rdflib terms (done lazily, when read)
    convert: Callable[[Any], Any] = field(default=lambda term: term)
    #: the answer had more rows than were asked for (``max_rows``): these are the first ones
    truncated: bool = False


class Stop:
    """When a query running in a worker thread should stop: at a deadline (monotonic
    seconds) or when the caller cancels it (an interrupt)."""

    __slots__ = ("cancelled", "deadline")

    def __init__(self, timeout: float | None = None) -> None:
        self.deadline = None if timeout is None else time.monotonic() + timeout
        self.cancelled = False

    def due(self) -> bool:
        return self.cancelled or (self.deadline is not None and time.monotonic() > self.deadline)


def until(items: Iterable[Any], stop: Stop | None) -> Iterator[Any]:
    """Iterate ``items``, raising :class:`QueryTimeout` once ``stop`` is due (checked every
    256 items)."""
    if stop is None:
        yield from items
        return
    for n, item in enumerate(items):
        if n % 256 == 0 and stop.due():
            raise QueryTimeout("the query was stopped")
        yield item


class Backend(Protocol):
    """A store: the embedded Oxigraph, rdflib's memory graph, later a remote endpoint."""

    name: str

    def describe(self) -> str:
        """A few words for reprs: ``oxigraph memory``, ``oxigraph /data/kg``."""

    def load(self, source: Source) -> None:
        """Parse and add all of ``source``, or nothing (raises ``LoadError``)."""

    def add(self, quads: Iterable[Quad]) -> None:
        """Add quads given in rdflib terms."""

    #: how a query can run apart so that it can be killed: "fork" (a copy of this process),
    #: "spawn" (a new process over a snapshot of the store on disk) or "" (not at all)
    isolation: str

    #: queries match the union of all graphs instead of the default graph (set by
    #: ``KnowledgeGraph.query(union=True)`` for the length of one query)
    union: bool

    #: read at most this many rows of a SELECT's answer (set by ``KnowledgeGraph.query(max_rows=)``
    #: for one query; the embedded stores are given a sliced query instead and ignore it)
    max_rows: int | None

    def query(self, text: str, *, prefixes: dict[str, str], base_iri: str | None, form: str,
              deadline: Stop | None = None) -> RawResult:
        """Run a SPARQL query (``form`` is its form, as ``_sparql.analyse`` found it)."""

    def write_answer(self, text: str, *, prefixes: dict[str, str], base_iri: str | None, form: str,
                     out: IO[bytes]) -> None:
        """Run a query and write its answer to ``out`` (in a child process): a JSON header
        line, then the solutions as W3C TSV or the triples as N-Triples."""

    def snapshot(self) -> str:
        """A folder holding a consistent copy of an on-disk store ("spawn" isolation)."""

    def update(self, text: str, *, prefixes: dict[str, str], base_iri: str | None) -> None:
        """Run a SPARQL update, all of it or nothing."""

    def parse(self, text: str, *, kind: str, prefixes: dict[str, str], base_iri: str | None) -> None:
        """Check the syntax of a query or update (``kind``) with this backend's engine."""

    def quads(self) -> Iterator[Quad]:
        """Every quad in rdflib terms."""

    def count(self) -> int:
        """Number of quads in the store."""

    def graph_names(self) -> list[Any]:
        """The names of the named graphs (rdflib terms)."""

    def dump(self, out: IO[bytes], fmt: ox.RdfFormat, prefixes: dict[str, str]) -> None:
        """Write the store to ``out`` (triple formats get the union of all graphs)."""

    def close(self) -> None:
        """Release the store (flushes an on-disk store)."""
