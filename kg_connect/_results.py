"""Query results: rows with variables, a boolean, or a graph; cheap to print."""

from __future__ import annotations

import csv
import io
import json
import re
from functools import cached_property
from typing import Any, Callable, Iterator, Sequence, overload

import rdflib
from rdflib import BNode, Literal, URIRef

from kg_connect.errors import MissingDependencyError

__all__ = ["Results", "Row", "Rows"]


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


_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE_NUMBER = {
    # datatype -> Turtle's abbreviated form (TSV may write these bare)
    _XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"),
}
_TURTLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class Rows(Sequence[Row]):
    """The solutions of a SELECT: a read-only sequence of :class:`Row`, each made when read
    (``len()`` costs nothing, a page of a million rows makes only that page's rows)."""

    __slots__ = ("_convert", "_index", "_raw")

    def __init__(self, raw: list[tuple[Any, ...]], index: dict[str, int], convert: Callable[[Any], Any]) -> None:
        self._raw, self._index, self._convert = raw, index, convert

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, key: int) -> Row: ...

    @overload
    def __getitem__(self, key: slice) -> list[Row]: ...

    def __getitem__(self, key: int | slice) -> Row | list[Row]:
        if isinstance(key, slice):
            return [Row(r, self._index, self._convert) for r in self._raw[key]]
        return Row(self._raw[key], self._index, self._convert)

    def __iter__(self) -> Iterator[Row]:
        index, convert = self._index, self._convert
        return (Row(r, index, convert) for r in self._raw)

    def tuples(self, memo: dict[Any, Any] | None = None) -> Iterator[tuple[Any, ...]]:
        """The rows as plain tuples of rdflib terms, each distinct term converted once (and
        so the same object wherever it recurs): the fast way to read many rows. Pass the
        same ``memo`` dict to several calls to share the converted terms between results.

        >>> from kg_connect import KnowledgeGraph
        >>> kg = KnowledgeGraph().load('<http://e.org/a> <http://e.org/p> "x" .', format="ntriples")
        >>> list(kg.query("SELECT ?s ?o WHERE { ?s ?p ?o }").rows.tuples())
        [(rdflib.term.URIRef('http://e.org/a'), rdflib.term.Literal('x'))]
        """
        convert = self._convert
        memo = {} if memo is None else memo
        for raw in self._raw:
            out = []
            for term in raw:
                try:
                    out.append(memo[term])
                except KeyError:
                    out.append(memo.setdefault(term, convert(term)))
                except TypeError:  # not hashable: convert each time
                    out.append(convert(term))
            yield tuple(out)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple, Rows)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(repr(r) for r in self[:3])
        return f"[{shown}{', ...' if len(self) > 3 else ''}]"


def _python(term: Any) -> Any:
    """A cell for ``to_dataframe(values="python")``: a Python value where one is exact."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.language or term.ill_typed:
            return term  # keeps its language tag, or a lexical form that has no value
        value = term.toPython()
        return term if isinstance(value, Literal) else value
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _turtle(term: Any) -> str:
    """A term in SPARQL/Turtle syntax, as W3C TSV results write it."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    lexical = str(term)
    datatype = str(term.datatype) if term.datatype is not None else None
    if datatype in _BARE_NUMBER and _BARE_NUMBER[datatype].fullmatch(lexical):
        return lexical
    quoted = '"' + "".join(_TURTLE_ESCAPES.get(c, c) for c in lexical) + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    if datatype is not None and datatype != _XSD + "string":
        return f"{quoted}^^<{datatype}>"
    return quoted


def _csv_text(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)  # an IRI, or a literal's lexical form


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
        source: Any = None,
    ) -> None:
        self.form = form
        self.vars: list[str] = list(vars or [])
        self._raw_rows = rows or []
        self.boolean = boolean
        self._triples = triples or []
        self._namespaces = namespaces or {}
        self._convert = convert
        self._source = source  # the KnowledgeGraph asked, for labels in the notebook display
        #: the query asked for at most max_rows, and there were more: these rows are the first ones
        self.truncated = False
        #: the number of rows in the whole answer, once :meth:`count` has found it
        self.total: int | None = None
        self._asked: Any = None  # how to ask for more (set by KnowledgeGraph.query when truncated)

    def fetch_more(self, n: int | None = None) -> int:
        """Fetch the next ``n`` rows (default: as many as the cap) of a capped SELECT,
        with LIMIT and OFFSET, and add them; returns how many came. ``truncated`` says
        whether there are more still. Pages are only stable if the query has an ORDER BY.

        >>> from kg_connect import KnowledgeGraph
        >>> kg = KnowledgeGraph().load("@prefix e: <https://e.org/> . e:a e:p 1, 2, 3, 4, 5 .")
        >>> res = kg.query("SELECT ?o { ?s ?p ?o } ORDER BY ?o", max_rows=2)
        >>> [int(r.o) for r in res], res.truncated
        ([1, 2], True)
        >>> res.fetch_more(), [int(r.o) for r in res], res.truncated
        (2, [1, 2, 3, 4], True)
        >>> res.fetch_more(), res.truncated
        (1, False)
        >>> res.count(), res.fetch_more()
        (5, 0)
        """
        if not self.truncated or self._asked is None:
            return 0
        size = self._asked.size if n is None else int(n)
        if size < 1:
            raise ValueError(f"fetch_more needs a positive number of rows, not {n!r}")
        rows, more = self._asked.rows(len(self._raw_rows), size)
        self._raw_rows.extend(rows)
        self.truncated = more
        self.__dict__.pop("rows", None)  # the cached view of the rows is rebuilt on the next read
        if not more:
            self.total = len(self._raw_rows)
        return len(rows)

    def count(self, timeout: float = 2.0) -> int | None:
        """The number of rows of the whole answer: ``len()`` unless the answer was capped;
        then a ``COUNT(*)`` over the query, or None if that took longer than ``timeout``
        seconds (or the server would not count)."""
        if not self.truncated:
            return len(self)
        if self.total is None and self._asked is not None:
            self.total = self._asked.count(timeout)
        return self.total

    @cached_property
    def rows(self) -> Rows:
        """The solutions, as :class:`Row` tuples in variable order (a sequence: each row is
        made when it is read)."""
        return Rows(self._raw_rows, {v: i for i, v in enumerate(self.vars)}, self._convert)

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

    def _repr_html_(self) -> str:
        """The first rows as an escaped HTML table ("showing 1–50 of M"), for notebooks."""
        from kg_connect._graph import KnowledgeGraph
        from kg_connect.render import results_html

        return results_html(self, self._source if self._source is not None else KnowledgeGraph())

    def __repr__(self) -> str:
        if self.form == "ASK":
            return f"<Results ASK {'true' if self.boolean else 'false'}>"
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return f"<Results {self.form} {len(self):,} triples>"
        return f"<Results SELECT {len(self.vars)} vars × {len(self):,} rows>"

    def to_dataframe(self, values: str = "terms") -> Any:
        """The rows as a pandas DataFrame, one column per variable (CONSTRUCT/DESCRIBE:
        subject, predicate, object; ASK: one column ``boolean``).

        ``values="terms"`` (the default) keeps every cell as it came: ``URIRef``, ``BNode``
        or ``Literal`` (``None`` when unbound). Literals are ``str`` subclasses that show
        their exact lexical form and carry ``.language`` and ``.datatype``, so nothing is
        lost. ``values="python"`` gives Python values for computing (``int``, ``float``,
        ``Decimal``, ``bool``, ``date``, ``datetime``, ...; IRIs as ``str``); literals with a
        language tag, an unknown datatype or an invalid lexical form stay ``Literal``, and
        ``df.attrs["datatypes"]`` records, per column, the datatypes (and ``@lang`` tags)
        the conversion read.

        >>> r = Results("SELECT", vars=["x"], rows=[(Literal("1", datatype=rdflib.XSD.float, normalize=False),)])
        >>> df = r.to_dataframe()
        >>> str(df.x[0]), df.x[0].datatype.split("#")[1], float(r.to_dataframe("python").x[0])
        ('1', 'float', 1.0)
        """
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise MissingDependencyError("pandas", "pandas") from None
        if values not in ("terms", "python"):
            raise ValueError(f"unknown values {values!r}; expected one of: terms, python")
        if self.form == "ASK":
            return pd.DataFrame({"boolean": [self.boolean]})
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            columns, rows = ["subject", "predicate", "object"], [list(t) for t in self.triples]
        else:
            columns, rows = self.vars, list(self._cells())
        if values == "terms":
            return pd.DataFrame(rows, columns=columns, dtype=object)
        kinds: dict[str, set[str]] = {c: set() for c in columns}
        for row in rows:
            for column, term in zip(columns, row):
                if isinstance(term, Literal):
                    kinds[column].add(f"@{term.language}" if term.language else
                                      str(term.datatype or _XSD + "string"))
        frame = pd.DataFrame([[_python(t) for t in row] for row in rows], columns=columns)
        frame.attrs["datatypes"] = {c: sorted(k) for c, k in kinds.items()}
        return frame

    def to_csv(self) -> str:
        """The rows in the W3C SPARQL 1.1 CSV results format.

        IRIs and literal lexical forms as text (no language tags or datatypes, as the
        format says), blank nodes as ``_:label``, unbound cells empty; RFC 4180 quoting and
        CRLF line ends. CONSTRUCT/DESCRIBE give columns subject, predicate, object. The
        results view's spreadsheet download guards against formula injection; this does not.
        """
        return self._csv(_csv_text)

    def _csv(self, text: Callable[[Any], str]) -> str:
        """CSV with ``text(term)`` for each cell (and each header, as a plain literal)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        if self.form == "ASK":
            writer.writerows([["boolean"], ["true" if self.boolean else "false"]])
        elif self.form in ("CONSTRUCT", "DESCRIBE"):
            writer.writerow(["subject", "predicate", "object"])
            writer.writerows([[text(t) for t in tr] for tr in self.triples])
        else:
            writer.writerow([text(Literal(v)) for v in self.vars])
            writer.writerows([[text(t) for t in r] for r in self._cells()])
        return out.getvalue()

    def to_tsv(self) -> str:
        """The rows in the W3C SPARQL 1.1 TSV results format: a ``?var`` header, terms in
        SPARQL syntax (``<iri>``, ``"text"@en``, ``"1"^^<...#float>``, bare integers,
        decimals and doubles), unbound cells empty, LF line ends."""
        if self.form == "ASK":
            return f"?boolean\n{'true' if self.boolean else 'false'}\n"
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            header, rows = ["subject", "predicate", "object"], [list(t) for t in self.triples]
        else:
            header, rows = self.vars, list(self._cells())
        lines = ["\t".join(f"?{v}" for v in header)]
        lines += ["\t".join("" if t is None else _turtle(t) for t in row) for row in rows]
        return "\n".join(lines) + "\n"

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
