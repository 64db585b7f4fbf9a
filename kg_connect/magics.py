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
from traitlets import Bool, Dict, Float, Int, Unicode

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
    max_rows = Int(10_000, help="Rows fetched at most per query (the rest is not read).").tag(config=True)
    endpoints = Dict(help="Named SPARQL endpoints for -e NAME: {name: url} or {name: {url, token_env, "
                          "default_graph, ...}} (arguments of KnowledgeGraph.connect).").tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._connected: dict[str, Any] = {}

    def _endpoint(self, name: str) -> Any:
        """The graph of endpoint ``name`` (connected once), or of the URL ``name``."""
        from kg_connect._graph import KnowledgeGraph

        if name in self._connected:
            return self._connected[name]
        spec = self.endpoints.get(name)
        if spec is None and not name.startswith(("http://", "https://")):
            known = ", ".join(sorted(set(self.endpoints) | set(self._connected))) or "none yet"
            raise UsageError(f"no endpoint called {name!r} (known: {known}); use %sparql_connect {name} URL, or "
                             "give a URL")
        options: dict[str, Any] = dict(spec) if isinstance(spec, dict) else {"query_url": spec or name}
        url = options.pop("url", None) or options.pop("query_url")
        try:
            graph = KnowledgeGraph.connect(url, **options)
        except KgConnectError as exc:
            raise UsageError(short_error(exc)) from None
        self._connected[name] = graph
        return graph

    @magic_arguments()
    @argument("name", help="a name for the endpoint (also the Python variable that holds it)")
    @argument("url", help="the endpoint's query URL")
    @argument("--auth-env", help="the environment variable that holds the credentials: user:password (HTTP "
              "basic auth) or a bearer token")
    @argument("--token-env", help="the environment variable that holds a bearer token")
    @argument("--user", help="user name for HTTP basic auth (the password from --password-env)")
    @argument("--password-env", help="the environment variable that holds the password")
    @argument("--default-graph", help="the graph queries see as their default (default-graph-uri)")
    @argument("--timeout", type=float, default=30, help="seconds for each request (default 30)")
    @line_cell_magic
    def sparql_connect(self, line: str, cell: str | None = None) -> Any:
        """Connect to a SPARQL endpoint: ``%sparql_connect dbp https://dbpedia.org/sparql``; then
        ``%%sparql -e dbp``. Read-only; credentials come from environment variables, never
        from the notebook's text."""
        import os

        from kg_connect._graph import KnowledgeGraph

        args = parse_argstring(self.sparql_connect, line)
        if not args.name.isidentifier():
            raise UsageError(f"{args.name!r} is not a Python variable name")
        auth = None
        token_env = args.token_env
        if args.auth_env:
            secret = os.environ.get(args.auth_env)
            if not secret:
                raise UsageError(f"the environment variable {args.auth_env} (--auth-env) is not set")
            if ":" in secret:
                user, _, password = secret.partition(":")
                auth = (user, password)
            else:
                token_env = args.auth_env
        if args.user:
            if not args.password_env or os.environ.get(args.password_env) is None:
                raise UsageError("--user needs --password-env VAR, an environment variable that holds the password")
            auth = (args.user, os.environ[args.password_env])
        try:
            graph = KnowledgeGraph.connect(args.url, token_env=token_env, auth=auth,
                                           default_graph=args.default_graph, timeout=args.timeout)
        except KgConnectError as exc:
            raise UsageError(short_error(exc)) from None
        self._connected[args.name] = graph
        self.shell.user_ns[args.name] = graph  # type: ignore[union-attr]
        return graph

    @magic_arguments()
    @argument("-g", "--graph", help="the KnowledgeGraph variable to query (default: the newest one)")
    @argument("-e", "--endpoint", help="ask this endpoint instead: a name (%%sparql_connect, SparqlMagic.endpoints) "
                                      "or a URL")
    @argument("--max-rows", type=int, help="rows fetched at most (default: SparqlMagic.max_rows, 10,000)")
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
    @argument("--union", action="store_true", help="patterns match every graph, named ones too (as if the "
              "default graph were their union)")
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
            remote = self._endpoint(args.endpoint) if args.endpoint else None
            results, kg = run_cell(text, ns, graph=args.graph, display=display, limit=limit, out=args.out,
                                   timeout=args.timeout if args.timeout is not None else self.timeout,
                                   allow_network=args.allow_network or self.allow_network, kg=remote,
                                   max_rows=args.max_rows if args.max_rows is not None else self.max_rows,
                                   union=args.union)
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
