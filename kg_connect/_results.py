"""Query results: rows with variables, a boolean, or a graph; cheap to print."""

from __future__ import annotations

import csv
import io
import json
from functools import cached_property
from typing import Any, Callable, Iterator

import rdflib
from rdflib import BNode, Literal, URIRef

from kg_connect.errors import MissingDependencyError

__all__ = ["Results", "Row"]


def _same(term: Any) -> Any:
    return term


class Row:
    """One solution: terms in variable order (``None`` when unbound), also by name.

    Terms are converted to rdflib terms when read, so a large result costs little
    until its cells are used.

    >>> r = Results("SELECT", vars=["a", "b"], rows=[(Literal("x"), None)])
    >>> row = r.rows[0]
    >>> row["a"], row.a, row[1], tuple(row)
    (rdflib.term.Literal('x'), rdflib.term.Literal('x'), None, (rdflib.term.Literal('x'), None))
    """

    __slots__ = ("_convert", "_index", "_raw")

    def __init__(self, raw: tuple[Any, ...], index: dict[str, int], convert: Callable[[Any], Any] = _same) -> None:
        self._raw = raw
        self._index = index
        self._convert = convert

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                key = self._index[key]
            except KeyError:
                raise KeyError(f"no variable {key!r}; the variables are: {', '.join(self._index)}") from None
        if isinstance(key, slice):
            return tuple(map(self._convert, self._raw[key]))
        return self._convert(self._raw[key])

    def __getattr__(self, name: str) -> Any:
        try:
            return self._convert(self._raw[self._index[name]])
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self) -> Iterator[Any]:
        return map(self._convert, self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def _key(self) -> tuple[Any, ...]:
        return tuple(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._key() == other._key()
        if isinstance(other, tuple):
            return self._key() == other
        return NotImplemented

    def __lt__(self, other: Row) -> bool:
        return tuple(str(t) for t in self) < tuple(str(t) for t in other)

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Row({', '.join(f'{k}={self[i]!r}' for k, i in self._index.items())})"

    def asdict(self) -> dict[str, Any]:
        """The bound variables of this row as a dict."""
        return {k: self[i] for k, i in self._index.items() if self._raw[i] is not None}


def _python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _sparql_json_term(term: Any) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


class Results:
    """The answer to a SPARQL query.

    SELECT: ``vars``, ``rows`` (and iteration over them), ``len()``.
    ASK: ``boolean`` (and ``bool(results)``).
    CONSTRUCT/DESCRIBE: ``graph`` (an ``rdflib.Graph``), ``len()`` is its size.

    >>> Results("ASK", boolean=True)
    <Results ASK true>
    """

    def __init__(
        self, form: str, *, vars: list[str] | None = None, rows: list[tuple[Any, ...]] | None = None,
        boolean: bool | None = None, triples: list[tuple[Any, Any, Any]] | None = None,
        namespaces: dict[str, str] | None = None, convert: Callable[[Any], Any] = _same,
    ) -> None:
        self.form = form
        self.vars: list[str] = list(vars or [])
        self._raw_rows = rows or []
        self.boolean = boolean
        self._triples = triples or []
        self._namespaces = namespaces or {}
        self._convert = convert

    @cached_property
    def rows(self) -> list[Row]:
        """The solutions, as :class:`Row` tuples in variable order."""
        index = {v: i for i, v in enumerate(self.vars)}
        convert = self._convert
        return [Row(r, index, convert) for r in self._raw_rows]

    @cached_property
    def graph(self) -> rdflib.Graph | None:
        """The CONSTRUCT/DESCRIBE result as an rdflib graph (``None`` for SELECT/ASK)."""
        if self.form not in ("CONSTRUCT", "DESCRIBE"):
            return None
        graph = rdflib.Graph(bind_namespaces="none")
        for prefix, ns in self._namespaces.items():
            graph.bind(prefix, ns)
        for triple in self.triples:
            graph.add(triple)
        return graph

    @property
    def triples(self) -> list[tuple[Any, Any, Any]]:
        """The CONSTRUCT/DESCRIBE triples as rdflib terms."""
        convert = self._convert
        return [(convert(s), convert(p), convert(o)) for s, p, o in self._triples]

    def _cells(self) -> Iterator[list[Any]]:
        convert = self._convert
        return ([convert(t) for t in row] for row in self._raw_rows)

    def __len__(self) -> int:
        if self.form == "ASK":
            return 1
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return len(self._triples)
        return len(self._raw_rows)

    def __bool__(self) -> bool:
        if self.form == "ASK":
            return bool(self.boolean)
        return len(self) > 0

    def __iter__(self) -> Iterator[Any]:
        if self.form == "ASK":
            return iter([self.boolean])
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return iter(self.triples)
        return iter(self.rows)

    def __repr__(self) -> str:
        if self.form == "ASK":
            return f"<Results ASK {'true' if self.boolean else 'false'}>"
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return f"<Results {self.form} {len(self):,} triples>"
        return f"<Results SELECT {len(self.vars)} vars × {len(self):,} rows>"

    def to_dataframe(self) -> Any:
        """The SELECT rows as a pandas DataFrame, one column per variable.

        IRIs become strings, literals their Python values, unbound cells ``None``.
        CONSTRUCT/DESCRIBE give columns subject, predicate, object.
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise MissingDependencyError("pandas", "pandas") from None
        if self.form == "ASK":
            return pd.DataFrame({"boolean": [self.boolean]})
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return pd.DataFrame([[_python(t) for t in tr] for tr in self.triples],
                                columns=["subject", "predicate", "object"])
        return pd.DataFrame([[_python(t) for t in r] for r in self._cells()], columns=self.vars)

    def to_csv(self) -> str:
        """The rows as CSV text (IRIs and literal values as text, unbound cells empty)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if self.form == "ASK":
            writer.writerows([["boolean"], ["true" if self.boolean else "false"]])
        elif self.form in ("CONSTRUCT", "DESCRIBE"):
            writer.writerow(["subject", "predicate", "object"])
            writer.writerows([[str(t) for t in tr] for tr in self.triples])
        else:
            writer.writerow(self.vars)
            writer.writerows([["" if t is None else str(t) for t in r] for r in self._cells()])
        return out.getvalue()

    def to_json(self) -> str:
        """SELECT/ASK results as W3C SPARQL 1.1 Query Results JSON."""
        if self.form == "ASK":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)})
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            raise ValueError("CONSTRUCT/DESCRIBE results are graphs; use .graph.serialize()")
        bindings = [
            {v: _sparql_json_term(t) for v, t in zip(self.vars, r) if t is not None}
            for r in self._cells()
        ]
        return json.dumps({"head": {"vars": self.vars}, "results": {"bindings": bindings}},
                          ensure_ascii=False)
