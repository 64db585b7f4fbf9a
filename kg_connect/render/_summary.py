"""Static, escaped HTML of a graph and of a validation report: what a notebook cell shows
when it ends in a ``KnowledgeGraph`` or a ``ValidationReport``."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from kg_connect._text import clip, visible
from kg_connect.render._results import stylesheet

if TYPE_CHECKING:
    from kg_connect._graph import KnowledgeGraph
    from kg_connect._validation import ValidationReport

__all__ = ["graph_html", "report_html"]

ROWS = 20
_CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { { ?s a ?class } UNION { GRAPH ?g { ?s a ?class } } }
GROUP BY ?class ORDER BY DESC(?n) ?class"""
_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n) ?g"


def _e(text: Any) -> str:
    return html.escape(visible(clip(str(text), 300)[0]), quote=True)


def _table(head: list[str], rows: list[list[Any]], titles: list[list[str]] | None = None) -> str:
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for r, row in enumerate(rows):
        out.append("<tr>")
        for c, value in enumerate(row):
            title = titles[r][c] if titles else ""
            attr = f' title="{_e(title)}"' if title else ""
            out.append(f'<td dir="auto"{attr}>{_e(value)}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _more(shown: int, total: int, what: str) -> str:
    return f'<div class="kgc-status">showing {shown:,} of {total:,} {what}</div>' if total > shown else ""


def graph_html(graph: KnowledgeGraph) -> str:
    """How big the graph is, its named graphs and its classes, as escaped HTML.

    >>> from kg_connect import KnowledgeGraph
    >>> "0 triples" in graph_html(KnowledgeGraph())
    True
    """
    total = len(graph)
    graphs = graph.query(_GRAPHS).rows
    classes = graph.query(_CLASSES).rows
    named = sum(int(r.n) for r in graphs)
    size = f"{total:,} triples" if not graphs else \
        f"{total:,} quads: {total - named:,} in the default graph, {named:,} in {len(graphs):,} named graphs"
    parts = [f"<style>{stylesheet()}</style>", '<div class="kgc-results">',
             f'<div class="kgc-status">KnowledgeGraph ({_e(graph._store.describe())}): {_e(size)}</div>']
    if graphs:
        parts.append(_table(["graph", "triples"], [[g, f"{int(n):,}"] for g, n in graphs[:ROWS]]))
        parts.append(_more(min(ROWS, len(graphs)), len(graphs), "graphs"))
    if classes:
        labels = graph.labels(r[0] for r in classes[:ROWS])
        parts.append(_table(["class", "instances"], [[labels[c], f"{int(n):,}"] for c, n in classes[:ROWS]],
                            [[str(c), ""] for c, _ in classes[:ROWS]]))
        parts.append(_more(min(ROWS, len(classes)), len(classes), "classes"))
    parts.append("</div>")
    return "".join(parts)


def report_html(report: ValidationReport, graph: KnowledgeGraph | None = None, rows: int = 50) -> str:
    """The verdict and the first ``rows`` results of a validation, as escaped HTML."""
    from kg_connect._graph import KnowledgeGraph

    graph = graph if graph is not None else KnowledgeGraph()
    verdict = "Conforms" if report.conforms else "Does not conform"
    parts = [f"<style>{stylesheet()}</style>", '<div class="kgc-results">',
             f'<div class="kgc-answer">{verdict}</div>',
             f'<div class="kgc-status">{len(report.violations):,} violations, {len(report.warnings):,} warnings</div>']
    shown = report.results[:rows]
    if shown:
        terms = [t for r in shown for t in (r.focus_node, r.path) if t is not None]
        labels = graph.labels(terms)
        parts.append(_table(
            ["severity", "focus", "path", "value", "message"],
            [[r.severity, labels.get(r.focus_node, r.focus_node), "" if r.path is None else graph.qname(r.path),
              "" if r.value is None else r.value, r.message] for r in shown],
            [["", str(r.focus_node), "" if r.path is None else str(r.path), "", ""] for r in shown]))
        parts.append(_more(len(shown), len(report.results), "results"))
    parts.append("</div>")
    return "".join(parts)
