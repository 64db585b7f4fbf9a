"""Query results: rows with variables, a boolean, or a graph; cheap to print."""

from __future__ import annotations

import csv
import io
import json
from functools import cached_property
from typing import Any, Iterator

import rdflib
from rdflib import BNode, Literal, URIRef

from kg_connect.errors import MissingDependencyError

__all__ = ["Results", "Row"]


class Row(tuple):  # type: ignore[type-arg]
    """One solution: a tuple of terms (``None`` when unbound), also indexable by variable name.

    >>> r = Results("SELECT", vars=["a", "b"], rows=[(Literal(1), None)])
    >>> row = r.rows[0]
    >>> row["a"], row.a, row[1]
    (rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), None)
    """

    __slots__ = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                key = self._index[key]
            except KeyError:
                raise KeyError(
                    f"no variable {key!r}; the variables are: {', '.join(self._index)}"
                ) from None
        return tuple.__getitem__(self, key)

    def __getattr__(self, name: str) -> Any:
        index = type(self)._index
        if name in index:
            return tuple.__getitem__(self, index[name])
        raise AttributeError(name)

    def asdict(self) -> dict[str, Any]:
        """The bound variables of this row as a dict."""
        return {k: tuple.__getitem__(self, i) for k, i in self._index.items()
                if tuple.__getitem__(self, i) is not None}


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
        namespaces: dict[str, str] | None = None,
    ) -> None:
        self.form = form
        self.vars: list[str] = list(vars or [])
        self._raw_rows = rows or []
        self.boolean = boolean
        self._triples = triples or []
        self._namespaces = namespaces or {}

    @cached_property
    def rows(self) -> list[Row]:
        """The solutions, as :class:`Row` tuples in variable order."""
        row_type = type("Row", (Row,), {"__slots__": (), "_index": {v: i for i, v in enumerate(self.vars)}})
        return [row_type(r) for r in self._raw_rows]

    @cached_property
    def graph(self) -> rdflib.Graph | None:
        """The CONSTRUCT/DESCRIBE result as an rdflib graph (``None`` for SELECT/ASK)."""
        if self.form not in ("CONSTRUCT", "DESCRIBE"):
            return None
        graph = rdflib.Graph(bind_namespaces="none")
        for prefix, ns in self._namespaces.items():
            graph.bind(prefix, ns)
        for triple in self._triples:
            graph.add(triple)
        return graph

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
            return iter(self._triples)
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
            return pd.DataFrame([[_python(t) for t in tr] for tr in self._triples],
                                columns=["subject", "predicate", "object"])
        return pd.DataFrame([[_python(t) for t in r] for r in self._raw_rows], columns=self.vars)

    def to_csv(self) -> str:
        """The rows as CSV text (IRIs and literal values as text, unbound cells empty)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if self.form == "ASK":
            writer.writerows([["boolean"], ["true" if self.boolean else "false"]])
        elif self.form in ("CONSTRUCT", "DESCRIBE"):
            writer.writerow(["subject", "predicate", "object"])
            writer.writerows([[str(t) for t in tr] for tr in self._triples])
        else:
            writer.writerow(self.vars)
            writer.writerows([["" if t is None else str(t) for t in r] for r in self._raw_rows])
        return out.getvalue()

    def to_json(self) -> str:
        """SELECT/ASK results as W3C SPARQL 1.1 Query Results JSON."""
        if self.form == "ASK":
            return json.dumps({"head": {}, "boolean": bool(self.boolean)})
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            raise ValueError("CONSTRUCT/DESCRIBE results are graphs; use .graph.serialize()")
        bindings = [
            {v: _sparql_json_term(t) for v, t in zip(self.vars, r) if t is not None}
            for r in self._raw_rows
        ]
        return json.dumps({"head": {"vars": self.vars}, "results": {"bindings": bindings}},
                          ensure_ascii=False)
