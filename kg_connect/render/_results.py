"""Results → pages of cells (JSON for the widget) and → static HTML (for exports)."""

from __future__ import annotations

import html
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

if TYPE_CHECKING:
    from kg_connect._graph import KnowledgeGraph
    from kg_connect._results import Results

__all__ = ["cell", "page", "results_html", "sort_order"]

PAGE_SIZE = 50
# datatypes whose values speak for themselves: not labelled in cells
_PLAIN_TYPES = frozenset({XSD.string, XSD.integer, XSD.decimal, XSD.double, XSD.boolean})


def cell(term: Any, graph: KnowledgeGraph, labels: dict[Any, str]) -> dict[str, str]:
    """One value as the browser shows it: kind, text, and what a hover reveals.

    >>> from kg_connect import KnowledgeGraph
    >>> cell(Literal("hi", lang="en"), KnowledgeGraph(), {})
    {'t': 'literal', 'v': 'hi', 'm': '@en'}
    """
    if term is None:
        return {"t": "none", "v": ""}
    if isinstance(term, URIRef):
        return {"t": "iri", "v": labels.get(term) or graph.qname(term), "h": graph.qname(term),
                "iri": str(term)}
    if isinstance(term, BNode):
        return {"t": "bnode", "v": f"_:{term}"}
    if isinstance(term, Literal):
        meta = f"@{term.language}" if term.language else ""
        if term.datatype is not None and term.datatype not in _PLAIN_TYPES:
            meta = graph.qname(term.datatype)
        return {"t": "literal", "v": str(term), "m": meta} if meta else {"t": "literal", "v": str(term)}
    return {"t": "literal", "v": str(term)}


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

    Labels for the IRIs of the page are looked up with one query.
    """
    doc: dict[str, Any] = {"form": results.form, "total": len(results), "size": size}
    if results.form == "ASK":
        doc["boolean"] = bool(results.boolean)
        return doc
    if results.form in ("CONSTRUCT", "DESCRIBE"):
        graph_out = results.graph
        text = graph_out.serialize(format="turtle") if graph_out is not None else ""
        doc["turtle"] = text[:200_000]
        doc["truncated"] = len(text) > 200_000
        return doc
    pages = max(1, -(-len(results) // size))
    number = min(max(0, number), pages - 1)
    order = order if order is not None else list(range(len(results)))
    rows = [results.rows[n] for n in order[number * size:(number + 1) * size]]
    labels = graph.labels(t for row in rows for t in row if isinstance(t, URIRef))
    doc.update(vars=results.vars, page=number, pages=pages, first=number * size + 1 if rows else 0,
               last=number * size + len(rows),
               rows=[[cell(t, graph, labels) for t in row] for row in rows])
    return doc


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
    return f"showing {doc['first']:,}–{doc['last']:,} of {doc['total']:,}"


def _cell_html(c: dict[str, str]) -> str:
    if c["t"] == "none":
        return '<td class="kgc-none"></td>'
    if c["t"] == "iri":
        return f'<td class="kgc-iri" title="{_e(c["h"])}">{_e(c["v"])}</td>'
    meta = f' <span class="kgc-meta">{_e(c["m"])}</span>' if c.get("m") else ""
    return f"<td>{_e(c['v'])}{meta}</td>"


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
        head = "".join(f"<th>{_e(v)}</th>" for v in doc["vars"])
        body = "".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>" for row in doc["rows"])
        parts.append(f'<div class="kgc-status">{_e(status_line(doc))}</div>'
                     f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</div>")
    return "".join(parts)
