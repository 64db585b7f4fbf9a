"""The idea-trail view and the shape view in a notebook: thin adapters over
``kg_connect.analysis`` (``trace``, ``network_model``) and ``kg_connect.render``.

``explore_idea(graph)``: an idea picker, the trail page (``render/trail.js``: slider, play,
mention table) in a sandboxed iframe, and below it the explorer of the event last clicked.
Its static copy is the same page with its data inlined, so a saved or exported notebook
keeps a working trail (slider and play need no kernel).

``explore_shape(graph)``: the projection drawn with communities coloured, hubs and brokers
marked, beside the verdict and its scores. It is static HTML (the graph viewer in an
iframe), so it survives any export.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable

import anywidget
import ipywidgets
import traitlets
from rdflib import URIRef

from kg_connect._graph import KnowledgeGraph
from kg_connect.analysis import find_idea, network_model, projection, trace
from kg_connect.render._document import graph_document, iframe, vis_library
from kg_connect.render._trail import PALETTE, trail_page
from kg_connect.widgets._static import StaticCopy, new_static_id

__all__ = ["IdeaExplorer", "ShapeView", "TrailView", "explore_idea", "explore_shape"]

_HERE = Path(__file__).parent


class TrailView(anywidget.AnyWidget):
    """The trail page, live: relays the page's clicks to Python (``selected``)."""

    _esm = _HERE / "explorer.js"  # the same relay as the explorer's
    _css = _HERE / "explorer.css"

    document = traitlets.Unicode().tag(sync=True)
    height = traitlets.Int(640).tag(sync=True)
    static_id = traitlets.Unicode().tag(sync=True)
    selected = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_msg(self._on_msg)

    def _on_msg(self, widget: Any, content: dict[str, Any], buffers: Any) -> None:
        kind = content.get("type")
        if kind == "need-lib":
            js, css = vis_library()
            self.send({"type": "lib", "js": js, "css": css})
        elif kind == "select":
            self.selected = str(content["id"]) if content.get("id") is not None else None


def idea_choices(graph: KnowledgeGraph) -> list[tuple[str, str]]:
    """(label with its number of mentions, IRI) of every mentioned idea, most mentioned first."""
    rows = graph.query("SELECT ?idea (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m prov:entity ?idea "
                       "{ ?m a kgc:IdeaMention } UNION { ?e prov:qualifiedUsage ?m } } GROUP BY ?idea",
                       union=True).rows
    sizes = {idea: int(n) for idea, n in rows if idea is not None}
    labels = graph.labels(sizes)
    ranked = sorted(sizes, key=lambda i: (-sizes[i], labels[i].casefold()))
    return [(f"{labels[i]} ({sizes[i]} mention{'' if sizes[i] == 1 else 's'})", str(i)) for i in ranked]


class IdeaExplorer(StaticCopy, ipywidgets.VBox):
    """Pick an idea, watch its trail, click an event to explore around it."""

    def __init__(self, graph: KnowledgeGraph, idea: Any = None, *, narrower: bool = False, height: int = 640,
                 theme: str = "light") -> None:
        if not isinstance(graph, KnowledgeGraph):
            raise TypeError(f"explore_idea() needs a KnowledgeGraph, not {type(graph).__name__}")
        choices = idea_choices(graph)
        if not choices:
            from kg_connect.errors import KgConnectError

            raise KgConnectError("no idea is mentioned in this graph (kgc:IdeaMention with prov:entity): "
                                 "nothing to trace")
        self.graph = graph
        self.narrower = narrower
        self.theme = theme
        self.static_id = new_static_id()
        start = str(find_idea(graph, idea)) if idea is not None else choices[0][1]
        if start not in {iri for _, iri in choices}:
            choices.insert(0, (graph.label(URIRef(start)) + " (0 mentions)", start))
        self.picker = ipywidgets.Dropdown(options=choices, value=start, description="Idea",
                                          layout=ipywidgets.Layout(width="60%"))
        self.view = TrailView(height=height, static_id=self.static_id)
        self.below = ipywidgets.Output()
        self._callbacks: list[Callable[[str | None], None]] = []
        self.trail = trace(graph, URIRef(start), narrower=narrower)
        self.view.document = self._page(live=True)
        super().__init__(children=[self.picker, self.view, self.below])
        self.picker.observe(self._on_pick, names="value")
        self.view.observe(self._on_select, names="selected")

    @property
    def idea(self) -> str:
        """The IRI of the idea shown."""
        return str(self.picker.value)

    @property
    def selected(self) -> str | None:
        """The event last clicked in the trail (its IRI), or None."""
        return self.view.selected

    def on_select(self, callback: Callable[[str | None], None]) -> None:
        """Call ``callback(event IRI)`` when an event is clicked."""
        self._callbacks.append(callback)

    def show(self, idea: Any) -> None:
        """Show the trail of ``idea`` (an IRI, prefixed name or label)."""
        iri = str(find_idea(self.graph, idea))
        if iri not in {v for _, v in self.picker.options}:
            self.picker.options = [(self.graph.label(URIRef(iri)), iri), *self.picker.options]
        self.picker.value = iri

    def _page(self, live: bool) -> str:
        return trail_page(self.trail, theme=self.theme, lib="shared" if live else "inline", live=live,
                          view=self.static_id)

    def _on_pick(self, change: dict[str, Any]) -> None:
        self.trail = trace(self.graph, URIRef(change["new"]), narrower=self.narrower)
        self.view.document = self._page(live=True)
        self.below.clear_output()
        handle = getattr(self, "_static_handle", None)
        if handle is not None:
            handle.update({"text/html": self._static_bundle(), "text/plain": repr(self)}, raw=True)

    def _on_select(self, change: dict[str, Any]) -> None:
        event = change["new"]
        if event:
            from kg_connect.widgets._explorer import explore

            self.below.clear_output(wait=True)
            with self.below:
                from IPython.display import display

                display(explore(self.graph, URIRef(event), depth=1, height=480, theme=self.theme))
        for callback in self._callbacks:
            callback(event)

    def export(self, path: str | Path) -> Path:
        """Write the trail view as one self-contained HTML file (works offline, no kernel)."""
        target = Path(path)
        target.write_text(self._page(live=False), encoding="utf-8")
        return target

    def static_html(self) -> str:
        return iframe(self._page(live=False), height=self.view.height, view=self.static_id)

    def _static_bundle(self) -> str:
        return f'<div class="kgc-static" data-kgc-view="{html.escape(self.static_id)}">{self.static_html()}</div>'

    def __repr__(self) -> str:
        return f"<IdeaExplorer {self.trail.label!r}: {len(self.trail.mentions)} mentions, {len(self.trail.hops)} hops>"


def explore_idea(graph: KnowledgeGraph, idea: Any = None, *, narrower: bool = False, **options: Any) -> IdeaExplorer:
    """The trail of an idea, to watch and click through: an idea picker (the most mentioned
    first), events left to right in time with hops labelled by carriers (recorded solid,
    inferred dashed), groups as coloured lanes, groups without recorded contact apart, a time
    slider and a play button, the mention table, and the explorer of a clicked event."""
    return IdeaExplorer(graph, idea, narrower=narrower, **options)


# ---------------------------------------------------------------------- network shapes
class ShapeView:
    """The projection drawn (communities coloured, hubs large, brokers ringed) beside the
    verdict. Static HTML: it survives any export. ``verdict`` is the :class:`NetworkModel`."""

    def __init__(self, graph: KnowledgeGraph, projection_name: str | None = None, *, max_nodes: int = 400,
                 height: int = 560, theme: str = "light") -> None:
        import networkx as nx

        from kg_connect.render._network import LINKED, NetworkBuilder

        name = projection_name or "social"
        g = projection(graph, name)
        self.verdict = network_model(graph, name)
        self.height = height
        u = nx.Graph(g)
        ms = self.verdict.measures
        hubs, brokers = set(ms.get("hubs", [])), set(ms.get("brokers", []))
        try:
            communities = nx.community.louvain_communities(u, seed=1) if u.number_of_nodes() <= 20_000 else \
                list(nx.community.label_propagation_communities(u))
        except (ZeroDivisionError, nx.NetworkXError):
            communities = [set(u)]
        community = {n: i for i, c in enumerate(sorted(communities, key=len, reverse=True)) for n in c}
        keep = sorted(u, key=lambda n: (-(n in hubs or n in brokers), -u.degree(n), n))[:max_nodes]
        b = NetworkBuilder(graph, size_by=None, max_nodes=max_nodes)
        for n in keep:
            key = b.node(_node(n))
            c = community.get(n, 0)
            role = "hub" if n in hubs else "broker" if n in brokers else ""
            b.extra[key] = {"color": PALETTE[c % len(PALETTE)] if c < 3 * len(PALETTE) else "#999999",
                            "size": str(30 if n in hubs else 20 if n in brokers else 10 + min(10, u.degree(n))),
                            "label": g.nodes[n].get("label", n) + (f" ({role})" if role else "")}
        kept = set(keep)
        drawn: set[tuple[Any, Any]] = set()
        for a, c, data in g.edges(data=True):  # in the projection's direction; a peer tie once
            if a in kept and c in kept and a != c and (c, a) not in drawn:
                drawn.add((a, c))
                ka, kc = b.node(_node(a)), b.node(_node(c))
                b.link(ka, kc, LINKED)
                b.edge_labels[(ka, kc)] = str(data.get("link", ""))
        b.fetch_properties([t for t in b.terms.values() if isinstance(t, URIRef)])
        net = b.network(list(b.terms)[:max_nodes])
        self.network = net
        self.document = graph_document(net.to_dict(), theme=theme, title=f"The {name} network")

    def _repr_html_(self) -> str:
        return (f'<div class="kgc-shape" style="display:flex;gap:12px;align-items:flex-start;flex-wrap:wrap">'
                f'<div style="flex:2;min-width:420px">{iframe(self.document, height=self.height)}</div>'
                f'<div style="flex:1;min-width:280px">{self.verdict._repr_html_()}'
                "<p>Node colours: communities (Louvain); larger nodes marked (hub) stand out by degree; "
                "(broker): highest betweenness.</p></div></div>")

    def __repr__(self) -> str:
        return f"<ShapeView {self.verdict!r}>"


def _node(n: str) -> Any:
    from rdflib import BNode

    return BNode(n[2:]) if n.startswith("_:") else URIRef(n)


def explore_shape(graph: KnowledgeGraph, projection: str | None = None, **options: Any) -> ShapeView:
    """The network's shape: the projection (default "social") drawn with its communities, hubs
    and brokers, beside which of the three models it most resembles and why."""
    return ShapeView(graph, projection, **options)
