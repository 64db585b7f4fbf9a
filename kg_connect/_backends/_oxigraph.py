"""The embedded Oxigraph store: the default backend, in memory or on disk."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import pyoxigraph as ox

from kg_connect._backends._base import Quad, RawResult, until
from kg_connect._loading import Source, as_load_error
from kg_connect._sparql import query_error, substitute
from kg_connect._terms import to_oxigraph, to_rdflib
from kg_connect.errors import LoadError, QueryError

__all__ = ["OxigraphBackend"]

_DEFAULT = ox.DefaultGraph()
_NOT_PROJECTED = re.compile(r"does not contains? variable \?(\w+) in its SELECT projection")
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3)


def _quad_to_rdflib(q: ox.Quad) -> Quad:
    g = q.graph_name
    return (
        to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object),
        None if isinstance(g, ox.DefaultGraph) else to_rdflib(g),
    )


def _materialise(result: Any, form: str, deadline: float | None) -> RawResult:
    # rows keep pyoxigraph terms; Results converts a cell when it is read
    if isinstance(result, ox.QueryBoolean):
        return RawResult("ASK", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        triples = [(t.subject, t.predicate, t.object) for t in until(result, deadline)]
        return RawResult(form, triples=triples, convert=to_rdflib)
    names = [v.value for v in result.variables]
    return RawResult("SELECT", vars=names, rows=[tuple(s) for s in until(result, deadline)],
                     convert=to_rdflib)


class OxigraphBackend:
    """pyoxigraph ``Store`` behind the backend interface."""

    name = "oxigraph"

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        try:
            self.store = ox.Store(str(self.path)) if self.path is not None else ox.Store()
        except OSError as exc:
            hint = ("it is open in another KnowledgeGraph, in this process or another: close() "
                    "that one first" if "lock" in str(exc).lower() else str(exc))
            raise LoadError(f"cannot open the store: {hint}", str(path)) from None

    def describe(self) -> str:
        return f"oxigraph {self.path}" if self.path else "oxigraph memory"

    def load(self, source: Source) -> None:
        try:
            # Store.load is transactional: a parse error writes nothing.
            self.store.load(**source.parser_input())
        except (SyntaxError, OSError, ValueError, MemoryError) as exc:
            raise as_load_error(exc, source) from None

    def add(self, quads: Iterable[Quad]) -> None:
        self.store.extend(
            ox.Quad(
                to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),
                _DEFAULT if g is None else to_oxigraph(g),
            )
            for s, p, o, g in quads
        )

    def query(self, text: str, prefixes: dict[str, str], bindings: dict[str, Any], form: str = "SELECT",
              deadline: float | None = None) -> RawResult:
        native = {k: to_oxigraph(v) for k, v in bindings.items()}
        textual: dict[str, str] = {}
        while True:
            run = substitute(text, textual) if textual else text
            try:
                result = self.store.query(
                    run, prefixes=prefixes, use_default_graph_as_union=False,
                    substitutions={ox.Variable(k): v for k, v in native.items()} or None,
                )
                break
            except SyntaxError as exc:
                raise query_error(exc, text) from None
            except RuntimeError as exc:
                # pyoxigraph binds natively only variables of the SELECT projection;
                # the others are substituted as escaped terms (see _sparql.substitute).
                missing = _NOT_PROJECTED.search(str(exc))
                if not missing or missing.group(1) not in native:
                    raise QueryError(f"query failed: {exc}", text) from None
                textual[missing.group(1)] = str(native.pop(missing.group(1)))
            except OSError as exc:
                raise QueryError(f"query failed: {exc}", text) from None
        try:
            return _materialise(result, form, deadline)
        except OSError as exc:  # evaluation is lazy: SERVICE fails while rows are read
            raise QueryError(f"query failed: {exc}", text) from None

    def update(self, text: str, prefixes: dict[str, str], bindings: dict[str, Any]) -> None:
        # pyoxigraph's update API takes no bindings: pyoxigraph-serialised terms stand in
        # for the variable tokens (see _sparql.substitute).
        terms = {k: to_oxigraph(v) for k, v in bindings.items()}
        for key, term in terms.items():
            if isinstance(term, ox.BlankNode):
                raise QueryError(f"parameter {key!r}: a blank node cannot be bound in an update", text)
        run = substitute(text, {k: str(t) for k, t in terms.items()}) if terms else text
        try:
            self.store.update(run, prefixes=prefixes)
        except SyntaxError as exc:
            raise query_error(exc, text) from None
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"update failed: {exc}", text) from None

    def quads(self) -> Iterator[Quad]:
        return map(_quad_to_rdflib, self.store)

    def count(self) -> int:
        return len(self.store)

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
        if self.path is not None:
            self.store.flush()
        del self.store
