"""Results → pages of cells (JSON for the widget) and → static HTML (for exports)."""

from __future__ import annotations

import html
import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg_connect._text import clip, visible

if TYPE_CHECKING:
    from kg_connect._graph import KnowledgeGraph
    from kg_connect._results import Results

__all__ = ["cell", "page", "results_html", "sort_order", "spreadsheet_csv", "whole_cell"]

PAGE_SIZE = 50
#: characters of a cell shown before it is cut (the rest opens on demand)
CELL_CHARS = 300
#: characters of a hover (full IRIs are rarely longer)
HOVER_CHARS = 2000
#: characters of a cut cell that a static export still carries, in a <details>
STATIC_FULL_CHARS = 100_000
# datatypes whose values speak for themselves: not labelled in cells
_PLAIN_TYPES = frozenset({XSD.string, XSD.integer, XSD.decimal, XSD.double, XSD.boolean})


def full_text(term: Any, graph: KnowledgeGraph, labels: dict[Any, str]) -> str:
    """The whole text a cell stands for (its label for an IRI), control characters shown."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return visible(labels.get(term) or graph.qname(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return visible(str(term))


def cell(term: Any, graph: KnowledgeGraph, labels: dict[Any, str], limit: int = CELL_CHARS) -> dict[str, Any]:
    """One value as the browser shows it: kind, text (cut at ``limit`` characters, with the
    number left out in ``cut``), and what a hover reveals. Control characters are visible.

    >>> from kg_connect import KnowledgeGraph
    >>> cell(Literal("hi", lang="en"), KnowledgeGraph(), {})
    {'t': 'literal', 'v': 'hi', 'm': '@en'}
    >>> cell(Literal("x" * 400), KnowledgeGraph(), {})["cut"]
    100
    """
    if term is None:
        return {"t": "none", "v": ""}
    text, cut = clip(full_text(term, graph, labels), limit)
    out: dict[str, Any]
    if isinstance(term, URIRef):
        qname = visible(graph.qname(term))
        out = {"t": "iri", "v": text, "h": clip(qname, HOVER_CHARS)[0],
               "iri": clip(visible(str(term)), HOVER_CHARS)[0]}
    elif isinstance(term, BNode):
        out = {"t": "bnode", "v": text}
    else:
        out = {"t": "literal", "v": text}
        meta = f"@{term.language}" if isinstance(term, Literal) and term.language else ""
        if isinstance(term, Literal) and term.datatype is not None and term.datatype not in _PLAIN_TYPES:
            meta = visible(graph.qname(term.datatype))
        if meta:
            out["m"] = meta
    if cut:
        out["cut"] = cut
    return out


def _sort_key(term: Any) -> tuple[int, Any]:
    if term is None:
        return (3, "")
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (0, (float(value), ""))
        return (1, (0.0, str(term)))
    return (2, (0.0, str(term)))


def sort_order(results: Results, column: str | None, descending: bool = False) -> list[int]:
    """Row indexes of a SELECT result ordered by ``column`` (numbers by value, text by text).

    >>> from kg_connect import Results
    >>> r = Results("SELECT", vars=["n"], rows=[(Literal(10),), (Literal(9),), (None,)])
    >>> sort_order(r, "n")
    [1, 0, 2]
    """
    order = list(range(len(results)))
    if not column:
        return order
    if column not in results.vars:
        raise ValueError(f"no column {column!r}; the columns are: {', '.join(results.vars)}")
    i = results.vars.index(column)
    keys = [_sort_key(results.rows[n][i]) for n in order]
    order.sort(key=lambda n: keys[n], reverse=descending)
    if descending:  # keep unbound cells last either way
        order.sort(key=lambda n: keys[n][0] == 3)
    return order


def page(
    results: Results, graph: KnowledgeGraph, *, number: int = 0, size: int = PAGE_SIZE,
    order: list[int] | None = None,
) -> dict[str, Any]:
    """One page of a result as a JSON-able document the results widget renders.

    Labels for the IRIs of the page are looked up with one query. ``index`` gives each
    row's position in the whole result (to ask for a cut cell in full).
    """
    doc: dict[str, Any] = {"form": results.form, "total": len(results), "size": size,
                           "atLeast": bool(getattr(results, "truncated", False))}
    if doc["atLeast"]:  # the exact total, if count() has found it; the size of the next fetch
        doc["exact"] = getattr(results, "total", None)
        asked = getattr(results, "_asked", None)
        doc["more"] = asked.size if asked is not None else len(results)
    if results.form == "ASK":
        doc["boolean"] = bool(results.boolean)
        return doc
    if results.form in ("CONSTRUCT", "DESCRIBE"):
        graph_out = results.graph
        text = graph_out.serialize(format="turtle") if graph_out is not None else ""
        doc["turtle"] = visible(text[:200_000])
        doc["truncated"] = len(text) > 200_000
        return doc
    pages = max(1, -(-len(results) // size))
    number = min(max(0, number), pages - 1)
    order = order if order is not None else list(range(len(results)))
    index = order[number * size:(number + 1) * size]
    rows = [results.rows[n] for n in index]
    labels = graph.labels(t for row in rows for t in row if isinstance(t, URIRef))
    doc.update(vars=[visible(v) for v in results.vars], page=number, pages=pages,
               first=number * size + 1 if rows else 0, last=number * size + len(rows), index=index,
               rows=[[cell(t, graph, labels) for t in row] for row in rows])
    return doc


def whole_cell(results: Results, graph: KnowledgeGraph, row: int, column: int) -> str:
    """The full text of one cell (what "show all" opens), control characters shown."""
    term = results.rows[row][column]
    labels = graph.labels([term]) if isinstance(term, URIRef) else {}
    return full_text(term, graph, labels)


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The CSS shared by the widget and the static HTML."""
    return resources.files("kg_connect.render").joinpath("results.css").read_text(encoding="utf-8")


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def status_line(doc: dict[str, Any]) -> str:
    """``showing 1–50 of 12,345`` (or the count for graphs).

    >>> status_line({"form": "SELECT", "total": 12345, "first": 1, "last": 50})
    'showing 1–50 of 12,345'
    """
    if doc["form"] in ("CONSTRUCT", "DESCRIBE"):
        return f"{doc['total']:,} triples"
    if doc["total"] == 0:
        return "no rows"
    if doc.get("atLeast") and doc.get("exact") is not None:
        of = f"{doc['total']:,} fetched ({doc['exact']:,} in all)"
    elif doc.get("atLeast"):
        of = f"at least {doc['total']:,} (the first {doc['total']:,} were fetched)"
    else:
        of = f"{doc['total']:,}"
    return f"showing {doc['first']:,}–{doc['last']:,} of {of}"


def _cell_html(c: dict[str, Any], full: str) -> str:
    if c["t"] == "none":
        return '<td class="kgc-none"></td>'
    cls = ' class="kgc-iri"' if c["t"] == "iri" else ""
    title = f' title="{_e(c["h"])}&#10;{_e(c["iri"])}"' if c["t"] == "iri" else ""
    meta = f' <span class="kgc-meta">{_e(c["m"])}</span>' if c.get("m") else ""
    more = ""
    if c.get("cut"):
        shown, rest = clip(full, STATIC_FULL_CHARS)
        tail = f"… and {rest:,} more characters (download the CSV for all)" if rest else ""
        more = (f'<details class="kgc-more"><summary>… {c["cut"]:,} more characters</summary>'
                f'<div class="kgc-full">{_e(shown)}{_e(tail)}</div></details>')
    return f'<td dir="auto"{cls}{title}><span class="kgc-v">{_e(c["v"])}</span>{meta}{more}</td>'


def results_html(results: Results, graph: KnowledgeGraph, *, size: int = PAGE_SIZE) -> str:
    """Static, self-contained, escaped HTML of the first page: what exports show.

    >>> from kg_connect import KnowledgeGraph, Results
    >>> r = Results("SELECT", vars=["x"], rows=[(Literal("<img src=x onerror=alert(1)>"),)])
    >>> "&lt;img src=x onerror=alert(1)&gt;" in results_html(r, KnowledgeGraph())
    True
    """
    doc = page(results, graph, size=size)
    parts = [f"<style>{stylesheet()}</style>", '<div class="kgc-results">']
    if results.form == "ASK":
        parts.append(f'<div class="kgc-answer">{"yes" if doc["boolean"] else "no"}</div>')
    elif results.form in ("CONSTRUCT", "DESCRIBE"):
        parts.append(f'<div class="kgc-status">{_e(status_line(doc))}</div><pre>{_e(doc["turtle"])}</pre>')
    else:
        head = "".join(f'<th dir="auto">{_e(v)}</th>' for v in doc["vars"])
        rows = results.rows
        labels = graph.labels(t for n in doc["index"] for t in rows[n] if isinstance(t, URIRef))
        body = "".join(
            "<tr>" + "".join(_cell_html(c, full_text(rows[n][i], graph, labels) if c.get("cut") else "")
                             for i, c in enumerate(row)) + "</tr>"
            for n, row in zip(doc["index"], doc["rows"]))
        parts.append(f'<div class="kgc-status">{_e(status_line(doc))}</div>'
                     f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</div>")
    return "".join(parts)


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_csv(results: Results) -> str:
    """The rows as CSV for spreadsheets: like :meth:`Results.to_csv`, but a cell that a
    spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return, and is not a number) gets a leading ``'`` (CSV injection)."""
    from kg_connect._results import _csv_text

    def safe(term: Any) -> str:
        text = _csv_text(term)
        if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.fullmatch(text):
            return "'" + text
        return text

    return results._csv(safe)
