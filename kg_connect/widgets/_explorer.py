"""Explorer: click through a knowledge graph in a notebook.

The view is the viewer page of ``kg_connect.render`` (vis-network, from the installed pyvis
package) in a sandboxed iframe; this widget relays between it and the kernel. Python keeps
the state (what is drawn, what is selected) and does the work: expanding a node, showing
the next neighbours, focusing a node found by search, a user's expansion query. The same
state is driven from Python: ``focus()``, ``expand()``, ``undo()``, ``selected``, ``nodes``,
``on_select()``, ``export()``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable

import anywidget
import traitlets
from rdflib import URIRef

from kg_connect._graph import KnowledgeGraph
from kg_connect.errors import KgConnectError, QueryError
from kg_connect.render._document import graph_document, iframe, vis_library
from kg_connect.render._network import MORE, Network, NetworkBuilder, _key, _term, find_node, find_nodes
from kg_connect.widgets._static import StaticCopy, new_static_id

__all__ = ["Explorer", "explore"]

_HERE = Path(__file__).parent


class Explorer(StaticCopy, anywidget.AnyWidget):
    """An interactive view of ``graph`` around ``focus`` (or of a result, or of chosen nodes).

    ``expand`` is a CONSTRUCT query run when a node is expanded, with ``?node`` bound to it
    (a "lens": which links to follow); without it, expanding adds the node's neighbours,
    ``expand_limit`` at a time (a "+N more" node brings the next ones).
    """

    _esm = _HERE / "explorer.js"
    _css = _HERE / "explorer.css"

    document = traitlets.Unicode().tag(sync=True)
    height = traitlets.Int(620).tag(sync=True)
    static_id = traitlets.Unicode().tag(sync=True)
    selected = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    def __init__(self, graph: KnowledgeGraph, focus: Any = None, depth: int = 1, *, source: Any = None,
                 expand: str | None = None, max_nodes: int = 500, expand_limit: int = 25, layout: str = "force",
                 theme: str = "light", height: int = 620, literals: str = "properties",
                 styles: dict[str, dict[str, Any]] | None = None,
                 value_styles: dict[str, dict[str, dict[str, Any]]] | None = None,
                 size_by: str | None = "degree", title: str = "kg_connect explorer",
                 max_edges: int | None = None) -> None:
        if not isinstance(graph, KnowledgeGraph):
            raise TypeError(f"explore() needs a KnowledgeGraph, not {type(graph).__name__}")
        if expand is not None:
            scan = graph.parse(expand)
            if scan.form != "CONSTRUCT" or "node" not in scan.variables:
                raise QueryError("expand= must be a CONSTRUCT query that uses ?node (the node being expanded)",
                                 expand)
        super().__init__(static_id=new_static_id(), height=height)
        self.graph = graph
        self.lens = expand
        self.theme = theme
        self.title = title
        self.depth = depth
        self.builder = NetworkBuilder(graph, literals=literals, styles=styles, value_styles=value_styles,
                                      size_by=size_by, max_nodes=max_nodes, layout=layout, expand_limit=expand_limit,
                                      max_edges=max_edges)
        self.shown: list[str] = []
        self.history: list[list[str]] = []
        self.pending: dict[str, list[str]] = {}  # node -> neighbours not drawn yet, most relevant first
        self.mores: dict[str, str] = {}  # "+N more" node -> the node it belongs to
        self.view_state: dict[str, Any] = {}  # positions, hidden and pinned nodes, as the browser last said
        self._callbacks: list[Callable[[str | None], None]] = []
        self._start(focus, depth, source)
        self.document = graph_document(self._doc(), theme=theme, title=title, lib="shared", live=True,
                                       view=self.static_id)
        self.on_msg(self._on_msg)

    # ---------------------------------------------------------------- what is drawn
    def _start(self, focus: Any, depth: int, source: Any) -> None:
        from kg_connect.render._network import _from_results, _whole

        b = self.builder
        if source is not None and hasattr(source, "form"):  # a Results
            _from_results(b, source)
            if focus is not None:
                b.focus = _key(find_node(self.graph, focus))
        elif source is not None:
            terms = [_term(t, self.graph) for t in source]
            b.fetch(terms)
            b.fetch_properties([b.terms[k] for k in b.terms])
            b.count_neighbours(terms)
            self.shown = [_key(t) for t in terms][:b.max_nodes]
            return
        elif focus is not None:
            b.around(find_node(self.graph, focus), depth)
        else:
            _whole(b, self.graph)
        self.shown = b.choose()

    def _network(self) -> Network:
        mores = [self._more_node(m) for m in self.mores if self.pending.get(self.mores[m])]
        return self.builder.network([k for k in self.shown if k in self.builder.terms], mores)

    def _doc(self) -> dict[str, Any]:
        doc = self._network().to_dict()
        doc["depth"] = self.depth
        more_edges = [{"id": f"{owner}\u0000{m}", "from": owner, "to": m, "label": "", "title": "more neighbours",
                       "count": 1, "predicates": []} for m, owner in self.mores.items() if self.pending.get(owner)]
        doc["edges"] += more_edges
        return doc

    def _more_node(self, more: str) -> dict[str, Any]:
        owner = self.mores[more]
        left = len(self.pending.get(owner, []))
        return {"id": more, "label": f"+{left:,} more", "kind": "more", "group": "more", "color": MORE["color"],
                "shape": MORE["shape"], "types": [], "props": [], "size": 12,
                "title": f"{left:,} more neighbours: click to show the next {self.builder.expand_limit}"}

    # ---------------------------------------------------------------- Python's controls
    @property
    def nodes(self) -> list[str]:
        """The ids (IRIs, ``_:`` labels) of the nodes drawn."""
        return list(self.shown)

    @property
    def network(self) -> Network:
        """The network now drawn (nodes, edges, legend)."""
        return self._network()

    def on_select(self, callback: Callable[[str | None], None]) -> None:
        """Call ``callback(id)`` whenever a node is selected (clicked) in the view."""
        self._callbacks.append(callback)

    def focus(self, node: Any, depth: int | None = None) -> None:
        """Center the view on ``node`` (an IRI or prefixed name) and its neighbourhood."""
        key = node if isinstance(node, str) and node in self.builder.terms else _key(find_node(self.graph, node))
        if depth is not None and depth != self.depth:
            self.depth = depth
        if key not in self.shown or depth is not None:
            before = set(self.shown)
            self.builder.around(self.builder.terms.get(key) or find_node(self.graph, node), self.depth)
            nearby = [k for k in self.builder.choose() if k not in before]
            self._add(nearby[:self.builder.max_nodes], around=[key], focus=key)
        else:
            self.send({"type": "select", "id": key})
        self.selected = key

    def expand(self, node: Any) -> list[str]:
        """Draw the neighbours of ``node`` (the most relevant ``expand_limit``, then a
        "+N more" node), or what the ``expand`` query gives. Returns the ids added."""
        key = node if isinstance(node, str) and node in self.builder.terms else _key(_term(node, self.graph))
        if key in self.mores:
            return self._more(key)
        term = self.builder.terms.get(key) or _term(node, self.graph)
        if self.lens is not None:
            rows = self.graph.query(self.lens, node=term, union=True).triples
            self.builder.add_triples(rows)
            found = {_key(x) for t in rows for x in (t[0], t[2]) if not _is_literal(x)}
            candidates = [k for k in found if k not in self.shown and k in self.builder.terms]
        else:
            self.builder.fetch([term])
            candidates = [k for k in self.builder.neighbours.get(key, ()) if k not in self.shown]
        candidates.sort(key=lambda k: (-len(self.builder.neighbours.get(k, ())), k))
        limit = self.builder.expand_limit
        self.pending[key] = candidates[limit:]
        if self.pending[key]:
            self.mores[f"more:{key}"] = key
        return self._add(candidates[:limit], around=[key])

    def _more(self, more: str) -> list[str]:
        owner = self.mores[more]
        limit = self.builder.expand_limit
        batch, self.pending[owner] = self.pending.get(owner, [])[:limit], self.pending.get(owner, [])[limit:]
        return self._add(batch, around=[owner])

    def _add(self, keys: list[str], around: list[str], focus: str | None = None) -> list[str]:
        new = [k for k in dict.fromkeys(keys) if k not in self.shown]
        terms = [self.builder.terms[k] for k in new if isinstance(self.builder.terms.get(k), URIRef)]
        self.builder.fetch_properties(terms)
        self.builder.count_neighbours(terms)
        self.shown += new
        self.history.append(new)
        doc = self._doc()
        changed = set(new) | set(around) | set(self.mores)
        self.send({"type": "add", "nodes": [n for n in doc["nodes"] if n["id"] in changed],
                   "edges": doc["edges"], "total": doc["total"], "edgeTotal": doc["edgeTotal"],
                   "around": around, "focus": focus})
        self._refresh_static()
        return new

    def undo(self) -> None:
        """Take back the last expansion."""
        if not self.history:
            return
        self._forget(self.history.pop())
        self.send({"type": "undo"})

    def _forget(self, keys: list[str]) -> None:
        drop = set(keys)
        self.shown = [k for k in self.shown if k not in drop]
        self._refresh_static()

    def export(self, path: str | Path) -> Path:
        """Write the current view (with the positions, hidden and pinned nodes the browser
        last reported) as one self-contained HTML file."""
        target = Path(path)
        target.write_text(self.export_html(), encoding="utf-8")
        return target

    def export_html(self) -> str:
        doc = dict(self._doc(), **{k: v for k, v in self.view_state.items()
                                   if k in ("positions", "hiddenNodes", "pinned", "offClasses", "range")})
        if "positions" in self.view_state:
            doc["options"] = dict(doc["options"], physics=False)
        return graph_document(doc, theme=self.theme, title=self.title)

    def search(self, text: str, limit: int = 20) -> list[dict[str, str]]:
        """Nodes of the whole graph found by label (case- and accent-insensitive), IRI or prefixed name."""
        return [{"id": _key(t), "label": label, "iri": str(t)} for t, label in find_nodes(self.graph, text, limit)]

    # ---------------------------------------------------------------- the view's messages
    def _on_msg(self, widget: Any, content: dict[str, Any], buffers: Any) -> None:
        kind = content.get("type")
        try:
            if kind == "need-lib":
                js, css = vis_library()
                self.send({"type": "lib", "js": js, "css": css})
            elif kind == "select":
                self.selected = str(content.get("id")) if content.get("id") is not None else None
            elif kind in ("expand", "more"):
                self.expand(str(content.get("id")))
            elif kind == "focus":
                self.focus(str(content.get("id")), int(content.get("depth") or self.depth))
            elif kind == "search":
                self.send({"type": "found", "items": self.search(str(content.get("text", "")))})
            elif kind == "undo":
                if self.history:
                    self._forget(self.history.pop())
            elif kind == "layout":
                self.builder.layout = str(content.get("layout"))
                self.send({"type": "replace", "doc": self._doc()})
            elif kind == "state" and isinstance(content.get("state"), dict):
                self.view_state = content["state"]
                self._refresh_static()
            elif kind == "export" and isinstance(content.get("state"), dict):
                self.view_state = content["state"]
                self.send({"type": "download", "name": "graph.html", "mime": "text/html",
                           "content": self.export_html()})
        except KgConnectError as exc:
            self.send({"type": "note", "text": str(exc)})

    @traitlets.observe("selected")
    def _on_selected(self, change: dict[str, Any]) -> None:
        for callback in self._callbacks:
            callback(change["new"])

    # ---------------------------------------------------------------- the static copy
    def static_html(self) -> str:
        return iframe(self.export_html(), height=self.height, view=self.static_id)

    def _refresh_static(self) -> None:
        handle = getattr(self, "_static_handle", None)
        if handle is not None:
            handle.update({"text/html": self._static_bundle(), "text/plain": repr(self)}, raw=True)

    def _static_bundle(self) -> str:
        return f'<div class="kgc-static" data-kgc-view="{html.escape(self.static_id)}">{self.static_html()}</div>'

    def __repr__(self) -> str:
        return f"<Explorer {len(self.shown):,} nodes of {self.graph!r}>"


def _is_literal(term: Any) -> bool:
    from rdflib import Literal

    return isinstance(term, Literal)


def explore(graph: KnowledgeGraph, focus: Any = None, depth: int = 1, **options: Any) -> Explorer:
    """Explore ``graph`` by clicking: around ``focus`` (an IRI, prefixed name or label),
    ``depth`` hops out, or its most connected nodes. See :class:`Explorer` for the options.

    A label finds its node: ``explore(kg, "David Wilcox")``.
    """
    if focus is not None:
        focus = find_node(graph, focus)
    return Explorer(graph, focus, depth, **options)
