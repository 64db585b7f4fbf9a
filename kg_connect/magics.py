"""The ``%%sparql`` cell magic and ``%sparql`` line magic: thin adapters over the library.

    %load_ext kg_connect
    %%sparql -o answers --limit 20
    SELECT ?name WHERE { ?p foaf:name ?name }

Options are declared with IPython's magic_arguments (``%%sparql?`` documents them);
defaults are set with ``%config SparqlMagic.limit = 20``.
"""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from traitlets import Bool, Float, Int, Unicode

from kg_connect._notebook import as_json, graph_options, graph_view, raw, run_cell, short_error
from kg_connect.errors import KgConnectError

__all__ = ["SparqlMagic", "load_ipython_extension"]


@magics_class
class SparqlMagic(Magics):
    """Run SPARQL over a KnowledgeGraph from a notebook cell."""

    limit = Int(50, help="Rows shown per page.").tag(config=True)
    display = Unicode("table", help="How results are shown: table, graph, raw or json.").tag(config=True)
    timeout = Float(None, allow_none=True, help="Seconds before a query is stopped (None: no limit).").tag(config=True)
    allow_network = Bool(False, help="Permit SERVICE and LOAD.").tag(config=True)

    @magic_arguments()
    @argument("-g", "--graph", help="the KnowledgeGraph variable to query (default: the newest one)")
    @argument("-o", "--out", help="store the Results object in this variable")
    @argument("--limit", type=int, help="rows shown per page (default: SparqlMagic.limit, 50)")
    @argument("--display", help="table (default), graph, raw or json")
    @argument("--layout", help="graph: force (default), hierarchical, radial or time")
    @argument("--max-nodes", type=int, help="graph: draw at most this many nodes (default 500)")
    @argument("--literals", help="graph: literals as node properties (default) or nodes")
    @argument("--size-by", help="graph: node size by degree (default), a property, or none")
    @argument("--theme", help="graph: light (default) or dark")
    @argument("--timeout", type=float, help="stop the query after this many seconds")
    @argument("--allow-network", action="store_true", help="permit SERVICE and LOAD")
    @argument("query", nargs="*", help="the query (line magic); in a cell, the cell body")
    @line_cell_magic
    def sparql(self, line: str, cell: str | None = None) -> Any:
        """Run a SPARQL query; ``$name`` or ``${name}`` binds the Python variable ``name`` as an RDF term."""
        args = parse_argstring(self.sparql, line)
        text = cell if cell is not None else " ".join(args.query)
        display = args.display or self.display
        limit = args.limit if args.limit is not None else self.limit
        ns = self.shell.user_ns  # type: ignore[union-attr]
        try:
            options = graph_options(args.layout, args.max_nodes, args.literals, args.size_by, args.theme)
            results, kg = run_cell(text, ns, graph=args.graph, display=display, limit=limit, out=args.out,
                                   timeout=args.timeout if args.timeout is not None else self.timeout,
                                   allow_network=args.allow_network or self.allow_network)
            view = graph_view(results, kg, options) if display == "graph" else None
        except KgConnectError as exc:
            raise UsageError(short_error(exc)) from None
        if args.out:
            ns[args.out] = results
        if view is not None:
            return view
        if display == "raw":
            return raw(results)
        if display == "json":
            from IPython.display import JSON

            return JSON(as_json(results))
        from kg_connect.widgets import ResultsView

        return ResultsView(results, kg, page_size=limit)


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics, make their defaults settable with ``%config``, and show the
    progress of long runs (validation) as a widget."""
    from kg_connect._progress import set_display
    from kg_connect.widgets._progress import ProgressBar

    set_display(ProgressBar)
    magic = SparqlMagic(shell=ipython)
    ipython.register_magics(magic)
    if magic not in ipython.configurables:
        ipython.configurables.append(magic)
