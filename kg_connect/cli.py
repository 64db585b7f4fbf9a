"""The ``kg-connect`` command line: load, query, update, validate, describe and draw RDF,
and export notebooks as self-contained pages.

Run ``kg-connect --help`` (or ``python -m kg_connect --help``) for commands, options,
examples and exit codes. Each command is a thin adapter over the library; errors and
warnings are printed as one line in command-line terms.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import warnings
from pathlib import Path
from typing import IO, Any, Callable, Sequence

from rdflib import BNode, Literal

from kg_connect._graph import KnowledgeGraph
from kg_connect._loading import FORMATS
from kg_connect._results import Results
from kg_connect._terms import PREFIXES
from kg_connect._text import readable_path, visible
from kg_connect.errors import KgConnectError, KgConnectWarning, LoadError, QueryError

__all__ = ["main"]

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130

EPILOG = """\
examples:
  kg-connect info story.ttl                              count triples, graphs and classes
  kg-connect validate data/*.ttl --shapes my-shapes.ttl  check against SHACL shapes
  kg-connect query story.ttl -q 'SELECT ?n WHERE { ?p foaf:name ?n }' --format csv
  kg-connect query story.ttl -q @question.rq --limit 20 -o answers.tsv --format tsv
  kg-connect query a.ttl b.ttl --graph-per-file -q 'SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g'
  kg-connect load --store kg-store big.nt.gz             load once into an on-disk store ...
  kg-connect query --store kg-store -q @question.rq      ... and query it later without re-reading
  kg-connect update --store kg-store -u 'DELETE WHERE { ?s foaf:nick ?o }'
  curl -s https://example.org/data.ttl | kg-connect info - --input-format turtle
  kg-connect render story.ttl --focus "David Wilcox" --depth 2 -o wilcox.html   an interactive page
  kg-connect export examples/03-explore.ipynb --execute -o explore.html         a notebook, offline

exit codes:
  0    success (validate: the data conforms)
  1    validate: the data does not conform (SHACL violations)
  2    a file could not be read or loaded, a query or update is malformed, or bad options
  130  interrupted (Ctrl-C)
"""


def _version() -> str:
    from kg_connect import __version__

    return __version__


# ------------------------------------------------------------------ options
def _common(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """Options every command takes, before or after the command name."""
    default: Any = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("data options (before or after the command)")
    group.add_argument("--store", metavar="DIR", default=default,
                       help="an on-disk store (created if missing); FILEs are loaded into it")
    group.add_argument("--backend", choices=["oxigraph", "rdflib"], default=argparse.SUPPRESS if suppress
                       else "oxigraph", help="store to load into (default: oxigraph)")
    group.add_argument("--input-format", metavar="FORMAT", default=default, choices=list(FORMATS),
                       help=f"format of the FILEs (default: from the suffix): {', '.join(FORMATS)}")
    group.add_argument("--base", metavar="IRI", default=default,
                       help="base IRI for relative IRIs in the data and the query")
    group.add_argument("--graph-per-file", action="store_true", default=argparse.SUPPRESS if suppress
                       else False, help="load each FILE into a named graph named after it (file:///NAME)")
    group.add_argument("--allow-network", action="store_true", default=argparse.SUPPRESS if suppress
                       else False, help="permit URLs as FILEs, SERVICE in queries and LOAD in updates")
    group.add_argument("--timeout", metavar="SECONDS", type=_seconds, default=default,
                       help="stop a query after this many seconds")
    group.add_argument("--endpoint", metavar="URL", default=default,
                       help="ask a SPARQL endpoint instead of loading FILEs (read-only; credentials from "
                            "--token-env or the URL)")
    group.add_argument("--token-env", metavar="VAR", default=default,
                       help="with --endpoint: the environment variable holding a bearer token")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg-connect", description="Load, query, update, validate, describe and draw RDF: people, "
        "organisations, events and ideas; export notebooks as pages that work offline.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"kg-connect {_version()}")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, run: Callable[[argparse.Namespace], int], files: str = "*") -> Any:
        p = sub.add_parser(name, help=help, description=help, epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("files", nargs=files, metavar="FILE",
                       help="RDF files (.gz too), '-' for standard input, or URLs with --allow-network")
        _common(p, suppress=True)
        p.set_defaults(run=run)
        return p

    p = command("query", "run a SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE)", _cmd_query)
    p.add_argument("-q", "--query", required=True, metavar="QUERY", help="the query, or @file.rq")
    p.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table",
                   help="table (default), W3C csv or tsv, or SPARQL JSON (JSON-LD for graphs)")
    p.add_argument("--limit", type=_positive, metavar="N", help="show at most N rows")
    p.add_argument("-o", "--output", metavar="FILE", help="write the answer to FILE (atomically)")
    p = command("update", "run a SPARQL update on --store, or on FILEs written to -o", _cmd_update)
    p.add_argument("-u", "--update", required=True, metavar="UPDATE", help="the update, or @file.ru")
    p.add_argument("-o", "--output", metavar="FILE", help="write the updated graph to FILE (format from "
                   "its suffix)")
    p = command("load", "load FILEs into an on-disk --store, to query it later", _cmd_load, files="+")
    p = command("validate", "check the data against SHACL shapes (default: the kg_connect shapes)",
                _cmd_validate)
    p.add_argument("--shapes", action="append", metavar="FILE", help="SHACL shapes to use instead "
                   "(repeatable)")
    command("info", "count triples, graphs, classes and prefixes", _cmd_info)
    p = command("render", "draw the graph (or a query's result) as one self-contained, interactive HTML page",
                _cmd_render)
    p.add_argument("-o", "--output", metavar="FILE", help="write the page to FILE (atomically; default: "
                   "standard output)")
    p.add_argument("-q", "--query", metavar="QUERY", help="draw this query's result instead (CONSTRUCT, "
                   "DESCRIBE, or SELECT ?s ?p ?o / ?node ?linkedNode), or @file.rq")
    p.add_argument("--focus", metavar="NODE", help="start at this node: an IRI, a prefixed name or a label")
    p.add_argument("--depth", type=_positive, default=1, metavar="N", help="hops out from --focus (default 1)")
    p.add_argument("--max-nodes", type=_positive, default=500, metavar="N", help="draw at most N nodes, the "
                   "most relevant first (default 500)")
    from kg_connect.render._network import LAYOUTS

    p.add_argument("--layout", choices=LAYOUTS, default="force", help="force (default), hierarchical (left "
                   "to right), radial (around --focus) or time (dated nodes along x)")
    p.add_argument("--literals", choices=["properties", "nodes"], default="properties",
                   help="literals as node properties (default) or as nodes")
    p.add_argument("--theme", choices=["light", "dark"], default="light", help="light (default) or dark")
    p.add_argument("--title", metavar="TEXT", help="the page's title")
    p = sub.add_parser("trace", help="the trail of an idea: where it appeared, the hops, who carried it, "
                       "which groups it reached", description="The trail of an idea through the events of the "
                       "FILEs, in time order: its first appearance, every mention, the hops between them "
                       "(recorded or inferred, with who could have carried it and why), the carriers, the groups "
                       "reached and those with no recorded contact, and measures of the spread.",
                       epilog="examples:\n  kg-connect trace 'social app store' examples/data/story.ttl\n"
                       "  kg-connect trace idea:social-app-store story.ttl --format json > trail.json\n\n"
                       "The JSON is a stable contract: docs/trace-json.md.\n" + EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("idea", metavar="IDEA", help="the idea: an IRI, a prefixed name or its label")
    p.add_argument("files", nargs="*", metavar="FILE", help="RDF files (.gz too), or '-' for standard input")
    p.add_argument("--narrower", action="store_true", help="include mentions of narrower ideas (skos:broader)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="table (default) or json")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    _common(p, suppress=True)
    p.set_defaults(run=_cmd_trace)
    p = command("shape", "which network model the data most resembles: join us, join in or join up yourselves",
                _cmd_shape)
    from kg_connect.analysis import PROJECTIONS

    p.add_argument("--projection", choices=list(PROJECTIONS), default="social",
                   help="the network to measure: " + "; ".join(f"{k}: {v[0]}" for k, v in PROJECTIONS.items()))
    p.add_argument("--format", choices=["table", "json"], default="table", help="table (default) or json")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    p = command("introduce", "who should meet: pairs who share ideas but have no recorded link", _cmd_introduce)
    p.add_argument("--groups", action="store_true", help="pairs of groups instead of people")
    p.add_argument("--limit", type=_positive, default=20, metavar="N", help="at most N pairs (default 20)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="table (default) or json")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")
    p = sub.add_parser("import", help="map data in another vocabulary into ours (sheets: spreadsheets made from "
                       "the templates; swdf: Semantic Web Dog Food conference data)",
                       description="Map data in another vocabulary into the kg_connect ontology. sheets: a "
                       "workbook (.xlsx, .ods) or a folder of CSV files made from the templates (kg-connect "
                       "template): people, organisations, events, ideas, mentions, reports; all of it or nothing "
                       "(--errors report keeps the rows that are fine). swdf: Semantic Web Dog Food conference "
                       "files (SWC, SWRC, FOAF, Dublin Core): papers become evidence, keywords ideas, authors "
                       "carriers, affiliations groups; one named graph per file. What the data lacks or gets "
                       "wrong is reported.",
                       epilog="examples:\n  kg-connect import sheets network.xlsx -o network.trig\n"
                       "  kg-connect import swdf iswc-2010-complete.rdf iswc-2011-complete.rdf "
                       "-o iswc.trig\n  kg-connect trace 'linked data' iswc.trig\n\n"
                       ".trig or .nq keep one graph per file; .ttl holds their union.\n" + EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["sheets", "swdf"], help="what the FILEs are: sheets (a workbook or a folder "
                   "of CSV files from the templates) or swdf (Semantic Web Dog Food)")
    p.add_argument("files", nargs="+", metavar="FILE", help="the files to import (sheets: one workbook or "
                   "folder; swdf: RDF/XML, Turtle, ...)")
    p.add_argument("--base", metavar="IRI", help="sheets: the base of the IRIs made for the things named "
                   "(default: urn:kg-connect:sheets:<workbook>/)")
    p.add_argument("--errors", choices=["raise", "report"], default="raise", help="sheets: on an error import "
                   "nothing (raise, the default) or import the rows that are fine and list the others (report)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the result to FILE, atomically, in the format "
                   "of its suffix (default: TriG on standard output)")
    p.add_argument("--report", choices=["table", "json"], default="table",
                   help="how to print what was imported and the data's irregularities (to standard error)")
    p.set_defaults(run=_cmd_import)
    p = sub.add_parser("template", help="write the spreadsheet templates: an empty workbook to fill in",
                       description="Write the templates as a workbook: one sheet each for people, "
                       "organisations, events, ideas, mentions and reports (headers with their help, choices as "
                       "drop-downs), example sheets filled with the story kg_connect was born from, and a notes "
                       "sheet. Fill it in and import it with: kg-connect import sheets FILE.xlsx -o OUT.ttl",
                       epilog="examples:\n  kg-connect template -o network.xlsx\n",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="the workbook to write (atomically)")
    p.set_defaults(run=_cmd_template)
    p = command("export-sheets", "write the graph's people, organisations, events, ideas, mentions and reports "
                "into the spreadsheet templates (an .xlsx workbook, or a folder of CSV files), to edit and "
                "import again", _cmd_export_sheets)
    p.add_argument("-o", "--output", required=True, metavar="OUT.xlsx|DIR",
                   help="a workbook (.xlsx) or a folder for one CSV file per sheet")
    p = sub.add_parser("export", help="a notebook as one HTML page that needs nothing outside itself "
                       "(working graphs offline)", description="Export a notebook to one HTML page: its graphs "
                       "and tables work offline, in any browser, without a kernel; nothing is fetched from "
                       "outside the file (no CDN), and vis-network is carried once for all graphs.",
                       epilog="examples:\n  kg-connect export examples/03-explore.ipynb -o explore.html --execute\n",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebook", metavar="NOTEBOOK", help="the notebook (.ipynb)")
    p.add_argument("-o", "--output", metavar="FILE", help="the page to write (default: NOTEBOOK with .html)")
    p.add_argument("--execute", action="store_true", help="run the notebook first (in its folder)")
    p.add_argument("--cell-timeout", type=_seconds, default=600, metavar="SECONDS",
                   help="with --execute: stop when a cell runs longer (default 600)")
    p.add_argument("--theme", choices=["light", "dark"], default="light", help="light (default) or dark")
    _common(p, suppress=True)
    p.set_defaults(run=_cmd_export)
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


# ------------------------------------------------------------------ loading
def _graph(args: argparse.Namespace, need_data: bool = True) -> KnowledgeGraph:
    if getattr(args, "endpoint", None):
        if args.files or args.store:
            raise KgConnectError("--endpoint asks a server: give no FILEs or --store with it")
        kg = KnowledgeGraph.connect(args.endpoint, token_env=getattr(args, "token_env", None),
                                    timeout=args.timeout or 60)
        args.opened.append(kg)
        return kg
    if args.store and args.backend == "rdflib":
        raise KgConnectError("--store is an on-disk Oxigraph store; drop --backend rdflib")
    if need_data and not args.files and not args.store:
        raise KgConnectError("give FILEs to load, or --store DIR")
    sources: list[Any] = [_stdin() if name == "-" else (name if "://" in name else Path(name))
                          for name in args.files]
    if args.store and len(sources) > 1:
        sources = _checked(sources, args)  # a store keeps what it loads: all files or none
    kg = KnowledgeGraph(path=args.store, backend=args.backend) if args.store else \
        KnowledgeGraph(backend=args.backend)
    args.opened.append(kg)  # closed by _run, whatever happens
    for source in sources:
        kg.load(source, format=args.input_format, base_iri=args.base, graph=True if args.graph_per_file else None,
                allow_network=args.allow_network)
    return kg


def _checked(sources: list[Any], args: argparse.Namespace) -> list[Any]:
    """Parse every file before any goes into the store, so that a bad one leaves the store as
    it was. Returns the sources to load (standard input and URLs read once, as bytes)."""
    import pyoxigraph as ox

    from kg_connect._loading import as_load_error, needs_base, open_source

    out = []
    for source in sources:
        src = open_source(source, args.input_format, args.base, allow_network=args.allow_network)
        try:
            with src.parser_input() as kwargs:
                for _ in ox.parse(**kwargs):
                    pass
        except (SyntaxError, OSError, ValueError, MemoryError, EOFError) as exc:
            if not (needs_base(exc) and args.base is None and src.default_base):
                raise as_load_error(exc, src) from None
        out.append(source if isinstance(source, Path) else _Named(src.name, src.data or b""))
    return out


class _Named:
    """Bytes already read (standard input, a download), with their name for messages."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def read(self) -> bytes:
        return self._data


def _stdin() -> IO[bytes]:
    class Named:  # the standard input, with a name for messages
        name = "<stdin>"

        def read(self) -> bytes:
            return sys.stdin.buffer.read()

    return Named()  # type: ignore[return-value]


def _text(value: str, option: str) -> str:
    """A query or update given inline or as @file."""
    if value.startswith("@"):
        path = Path(value[1:])
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise KgConnectError(f"{path}: the query file is not UTF-8 ({exc.reason})") from None
        except OSError as exc:
            raise KgConnectError(f"{path}: cannot read the query file: {exc.strerror}") from None
    return value


def _did_you_mean(value: str, option: str, exc: QueryError) -> QueryError:
    looks_like_file = "\n" not in value and " " not in value.strip() and (
        Path(value).is_file() or value.endswith((".rq", ".ru", ".sparql")))
    if looks_like_file:
        return QueryError(f"{exc.reason}; did you mean {option} @{value}? (a query file is named with @)",
                          exc.query, exc.line, exc.column)
    return exc


def _write(path: str | None, text: str) -> None:
    """Write to stdout, or atomically to ``path`` (a failure leaves an old file intact; an
    existing file keeps its permissions, a new one gets the usual ones)."""
    if path is None:
        sys.stdout.write(text)
        return
    target = Path(path)
    if target.is_dir():
        raise KgConnectError(f"{target} is a folder; give a file name")
    if not target.parent.is_dir():
        raise KgConnectError(f"{target}: the folder {target.parent} does not exist")
    from kg_connect._files import write_atomically

    try:
        write_atomically(target, lambda out: out.write(text.encode("utf-8")))
    except OSError as exc:
        raise KgConnectError(f"{target}: cannot write: {exc.strerror or exc}") from None


# ------------------------------------------------------------------ commands
def _cmd_query(args: argparse.Namespace) -> int:
    text = _text(args.query, "-q")
    kg = _graph(args, need_data=False)
    try:
        results = kg.query(text, allow_network=args.allow_network, timeout=args.timeout, base_iri=args.base)
    except QueryError as exc:
        raise _did_you_mean(args.query, "-q", exc) from None
    shown = _limited(results, args.limit)
    if args.format == "csv":
        out = shown.to_csv()
    elif args.format == "tsv":
        out = shown.to_tsv()
    elif args.format == "json":
        out = _jsonld(shown) if shown.form in ("CONSTRUCT", "DESCRIBE") else shown.to_json() + "\n"
    else:
        out = _table(shown, kg, len(results)) + "\n"
    _write(args.output, out)
    return EXIT_OK


def _jsonld(results: Results) -> str:
    """A graph result as JSON-LD, written by pyoxigraph (lexical forms kept: "1"^^xsd:double stays "1")."""
    import pyoxigraph as ox

    from kg_connect._terms import to_oxigraph

    triples = [ox.Triple(*map(to_oxigraph, t)) for t in results.triples]
    data = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    assert data is not None  # noqa: S101 - no output file given: pyoxigraph returns the bytes
    return data.decode("utf-8") + "\n"


def _limited(results: Results, limit: int | None) -> Results:
    if limit is None or len(results) <= limit or results.form == "ASK":
        return results
    if results.form == "SELECT":
        return Results("SELECT", vars=results.vars, rows=results._raw_rows[:limit],
                       namespaces=results._namespaces, convert=results._convert)
    return Results(results.form, triples=results._triples[:limit], namespaces=results._namespaces,
                   convert=results._convert)


def _cmd_update(args: argparse.Namespace) -> int:
    if not args.store and not args.output:
        raise KgConnectError("update changes a --store DIR, or FILEs whose result goes to -o FILE; give one")
    text = _text(args.update, "-u")
    kg = _graph(args, need_data=False)
    before = len(kg)
    try:
        kg.update(text, allow_network=args.allow_network, base_iri=args.base)
    except QueryError as exc:
        raise _did_you_mean(args.update, "-u", exc) from None
    after = len(kg)
    if args.output:
        kg.save(args.output)
    change = after - before
    print(f"{after:,} triples ({'+' if change >= 0 else ''}{change:,})", file=sys.stderr)
    kg.close()
    return EXIT_OK


def _cmd_load(args: argparse.Namespace) -> int:
    if not args.store:
        raise KgConnectError("load needs --store DIR (the on-disk store to load into); to look at files "
                             "without a store, use kg-connect info FILE...")
    kg = _graph(args)
    print(f"{args.store}: {_size(kg)}", file=sys.stderr)
    kg.close()
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    kg = _graph(args)
    shapes = None
    if args.shapes:
        import rdflib

        loaded = KnowledgeGraph(prefixes={})
        for name in args.shapes:
            loaded.load(Path(name), base_iri=args.base)
        shapes = rdflib.Graph()
        for s, p, o, _ in loaded.to_rdflib().quads((None, None, None, None)):
            shapes.add((s, p, o))
    report = kg.validate(shapes)
    for result in report.results:
        path = f" {_visible(readable_path(result.path_text, kg.qname))}" if result.path is not None else ""
        files = f" (in {', '.join(str(g) for g in result.graphs)})" if result.graphs else ""
        print(f"{result.severity}: {_visible(kg.qname(result.focus_node))}{path}: {_visible(result.message)}{files}")
    if report.conforms:
        print(f"conforms ({_count(len(kg), 'triple')}, {_count(len(report.warnings), 'warning')})")
        return EXIT_OK
    print(f"does not conform: {_count(len(report.violations), 'violation')}, "
          f"{_count(len(report.warnings), 'warning')}")
    return EXIT_VIOLATIONS


_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { { ?s a ?class } UNION { GRAPH ?g { ?s a ?class } } }
GROUP BY ?class ORDER BY DESC(?n) ?class"""


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _size(kg: KnowledgeGraph) -> str:
    graphs = kg.query(_GRAPHS).rows
    total = len(kg)
    if not graphs:
        return _count(total, "triple")
    named = sum(int(r.n) for r in graphs)
    return (f"{_count(total, 'quad')}: {total - named:,} in the default graph, {named:,} in "
            f"{_count(len(graphs), 'named graph')}")


def _cmd_info(args: argparse.Namespace) -> int:
    kg = _graph(args)
    print(_size(kg))
    graphs = kg.query(_GRAPHS).rows
    if graphs:
        print("graphs:")
        for g, n in graphs:
            print(f"{int(n):>8,}  {_cell(g, kg)}")
        print("classes (all graphs):")
    for cls, n in kg.query(_CLASSES).rows:
        print(f"{int(n):>8,}  {_cell(cls, kg)}")
    declared = {p: ns for p, ns in kg.namespaces.items() if PREFIXES.get(p) != ns}
    if declared:
        print("prefixes (declared by the files):")
        for prefix, ns in sorted(declared.items()):
            print(f"  {prefix}: <{_visible(ns)}>")
    return EXIT_OK


def _cmd_render(args: argparse.Namespace) -> int:
    from kg_connect.render import graph_document, network
    from kg_connect.render._network import find_node

    kg = _graph(args)
    focus: Any = args.focus
    if focus is not None:
        try:
            focus = find_node(kg, focus)
        except KgConnectError as exc:
            raise KgConnectError(f"--focus: {exc}") from None
    source: Any = kg
    if args.query:
        text = _text(args.query, "-q")
        try:
            source = kg.query(text, allow_network=args.allow_network, timeout=args.timeout, base_iri=args.base)
        except QueryError as exc:
            raise _did_you_mean(args.query, "-q", exc) from None
        if source.form == "ASK":
            raise KgConnectError("an ASK query has no graph to draw: use CONSTRUCT, DESCRIBE or SELECT ?s ?p ?o")
    try:
        net = network(source, kg, focus=focus, depth=args.depth, max_nodes=args.max_nodes, layout=args.layout,
                      literals=args.literals)
    except ValueError as exc:
        raise KgConnectError(str(exc)) from None
    title = args.title or (f"{kg.label(focus)} and its neighbours" if focus is not None else
                           ", ".join(Path(f).name for f in args.files if f != "-") or "kg_connect graph")
    doc = net.to_dict()
    doc["depth"] = args.depth
    _write(args.output, graph_document(doc, theme=args.theme, title=title))
    if args.output:
        print(f"{args.output}: {net.status()}, {_count(len(net.edges), 'edge')}", file=sys.stderr)
    return EXIT_OK


def _cmd_trace(args: argparse.Namespace) -> int:
    from kg_connect.analysis import trace

    kg = _graph(args)
    trail = trace(kg, args.idea, narrower=args.narrower)
    if args.format == "json":
        _write(args.output, json.dumps(trail.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    name = trail.labels.get
    lines = [f"{_visible(trail.label)} <{_visible(str(trail.idea))}>"]
    if not trail.mentions and not trail.undated:
        lines.append("no mentions of this idea")
    first = {m.iri for m in trail.first}
    came = {h.target.iri: h for h in trail.hops}
    for m in trail.mentions:
        hop = came.get(m.iri)
        where = _visible(name(m.event, "") if m.event is not None else "(no event)")
        who = ", ".join(_visible(name(c, str(c))) for c in m.carriers)
        role = m.role.rsplit("#", 1)[-1] if m.role is not None else ""
        line = f"{m.time_text[:16]:<16}  {where}" + (f"  [{role}]" if role else "") + (f"  by {who}" if who else "")
        if m.iri in first:
            line += "  (first)"
        elif hop is not None:
            how = _visible(hop.reason) if hop.explicit else f"inferred: {_visible(hop.reason)}"
            line += f"\n{'':<18}<- {_visible(name(hop.source.event, ''))} ({how})"
        if len(trail.labels.get(m.idea, "")) and m.idea != trail.idea:
            line += f"  idea: {_visible(name(m.idea, ''))}"
        lines.append(line)
    for m in trail.undated:
        lines.append(f"{'(no date)':<16}  {_visible(name(m.event, '') if m.event is not None else str(m.iri))}")
    if trail.carriers:
        lines.append("carriers: " + ", ".join(f"{_visible(name(c, str(c)))} ({n})" for c, n in trail.carriers))
    if trail.groups_reached:
        lines.append("groups reached: " + ", ".join(f"{_visible(name(g, str(g)))} ({when[:10]})"
                                                   for g, when in trail.groups_reached))
    if trail.groups_without_contact:
        lines.append("no recorded contact: " + ", ".join(_visible(name(g, str(g))) for g in trail.groups_without_contact))
    ms = trail.measures
    lines.append(f"reach: {ms['reach']['events']} events, {ms['reach']['people']} people, {ms['reach']['groups']} "
                 f"groups; depth {ms['depth']}, max breadth {ms['max_breadth']}, structural virality "
                 f"{ms['structural_virality'] if ms['structural_virality'] is not None else '-'}")
    for problem in trail.problems:
        lines.append(f"problem: {_visible(problem['message'])}")
    _write(args.output, "\n".join(lines) + "\n")
    return EXIT_OK


def _cmd_shape(args: argparse.Namespace) -> int:
    from kg_connect.analysis import MODELS, network_model

    kg = _graph(args)
    verdict = network_model(kg, args.projection)
    if args.format == "json":
        _write(args.output, json.dumps(verdict.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    ms = verdict.measures
    lines = [f"most like: {verdict.name} ({verdict.model}), confidence {verdict.confidence:.2f}",
             _visible(verdict.explanation), "scores: " + ", ".join(f"{MODELS[k]} {v:.2f}" for k, v in
                                                               verdict.scores.items()),
             f"projection: {verdict.projection} ({ms['nodes']:,} nodes, {ms['links']:,} links)"]
    for key in ("hub_count", "hub_link_density", "average_clustering", "transitivity", "reciprocity",
                "krackhardt_connectedness", "krackhardt_hierarchy", "krackhardt_efficiency", "krackhardt_lub",
                "flow_hierarchy", "degree_centralisation", "betweenness_centralisation",
                "fragility", "communities", "modularity", "average_path"):
        if key in ms:
            lines.append(f"  {key.replace('_', ' ')}: {ms[key]}")
    if ms.get("hubs"):
        lines.append("  hubs: " + ", ".join(_visible(verdict.labels.get(h, h)) for h in ms["hubs"][:10]))
    if ms.get("brokers"):
        lines.append("  brokers (betweenness, Burt's constraint and effective size, Gould-Fernandez roles):")
        for h in ms["brokers"][:5]:
            det = ms.get("broker_details", {}).get(h, {})
            roles = ", ".join(f"{k} {v}" for k, v in det.get("roles", {}).items() if v)
            lines.append(f"    {_visible(verdict.labels.get(h, h))}: betweenness {det.get('betweenness')}, "
                         f"constraint {det.get('constraint')}, effective size {det.get('effective_size')}"
                         + (f"; {roles}" if roles else ""))
    _write(args.output, "\n".join(lines) + "\n")
    return EXIT_OK


def _cmd_introduce(args: argparse.Namespace) -> int:
    from kg_connect.analysis import introductions

    kg = _graph(args)
    found = introductions(kg, groups=args.groups, limit=args.limit)
    if args.format == "json":
        _write(args.output, json.dumps(found.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    lines = [f"{_visible(found.labels.get(p.a, str(p.a)))}  <->  {_visible(found.labels.get(p.b, str(p.b)))}\n"
             f"    {_visible(p.reason)}" for p in found.pairs] or ["no pairs: nobody met an idea that someone they have no recorded link to also met"]
    _write(args.output, "\n".join(lines) + "\n")
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from kg_connect.importers.sheets import write_template

    try:
        path = write_template(args.output)
    except (ValueError, OSError) as exc:
        raise KgConnectError(f"-o {args.output}: {exc}") from None
    print(f"{path}: the templates (people, organisations, events, ideas, mentions, reports), the story as "
          "examples, and notes", file=sys.stderr)
    return EXIT_OK


def _cmd_export_sheets(args: argparse.Namespace) -> int:
    from kg_connect.importers.sheets import export_sheets, sheet_rows

    kg = _graph(args)
    try:
        path = export_sheets(kg, args.output)
    except (ValueError, OSError) as exc:
        raise KgConnectError(f"-o {args.output}: {exc}") from None
    counts = ", ".join(f"{len(rows):,} {kind}" for kind, rows in sheet_rows(kg).items())
    print(f"{path}: {counts}", file=sys.stderr)
    return EXIT_OK


def _cmd_import_sheets(args: argparse.Namespace) -> int:
    from kg_connect.importers.sheets import SheetsError, import_sheets

    if len(args.files) != 1:
        raise KgConnectError("import sheets takes one workbook, CSV file or folder of CSV files")
    try:
        result = import_sheets(None, args.files[0], base=args.base, errors=args.errors)
    except SheetsError as exc:
        for p in exc.report.errors:
            print(_visible(f"error: {p}"), file=sys.stderr)
        for p in exc.report.warnings:
            print(_visible(f"warning: {p}"), file=sys.stderr)
        n = len(exc.report.errors)
        print(f"{args.files[0]}: {n} error{'' if n == 1 else 's'}: nothing was imported (--errors report imports "
              "the rows that are fine)", file=sys.stderr)
        return EXIT_ERROR
    except ValueError as exc:
        raise KgConnectError(str(exc)) from None
    for line in result.summary().splitlines():
        print(_visible(line), file=sys.stderr)
    if args.output:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", KgConnectWarning)
            target = result.graph.save(args.output)
        print(f"{target}: {len(result.graph):,} triples", file=sys.stderr)
    else:
        import io

        import pyoxigraph as ox

        buf = io.BytesIO()
        result.graph._backend.dump(buf, ox.RdfFormat.TRIG, result.graph.namespaces)
        sys.stdout.buffer.write(buf.getvalue())
        sys.stdout.flush()
    return EXIT_OK if not result.errors else EXIT_VIOLATIONS  # some rows were skipped (--errors report)


def _cmd_import(args: argparse.Namespace) -> int:
    from kg_connect.importers import import_swdf

    if args.kind == "sheets":
        return _cmd_import_sheets(args)

    for f in args.files:
        if not Path(f).is_file():
            raise KgConnectError(f"{f}: no such file")
    if args.output:
        from kg_connect._loading import resolve_format

        try:
            resolve_format(None, Path(args.output).name)
        except ValueError:
            raise KgConnectError(f"-o {args.output}: cannot tell the format from its suffix; use .trig or .nq "
                                 "(one graph per file), or .ttl, .nt, .rdf, .jsonld") from None
    result = import_swdf(*args.files)
    if args.report == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False), file=sys.stderr)
    else:
        for line in result.summary().splitlines():
            print(_visible(line), file=sys.stderr)
    if args.output:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", KgConnectWarning)  # said below, in our words
            target = result.graph.save(args.output)
        from kg_connect._loading import resolve_format

        one = not resolve_format(None, target.name).supports_datasets
        if one:
            print(f"note: {target.name} holds one graph: the {len(result.graphs)} per-file graphs were merged; "
                  "write .trig or .nq to keep them", file=sys.stderr)
        print(f"{target}: {len(result.graph):,} {'triples (quads before merging)' if one else 'quads'}",
              file=sys.stderr)
    else:
        import io

        buf = io.BytesIO()
        import pyoxigraph as ox

        result.graph._backend.dump(buf, ox.RdfFormat.TRIG, result.graph.namespaces)
        sys.stdout.buffer.write(buf.getvalue())
        sys.stdout.flush()
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from kg_connect.render._export import export_notebook

    source = Path(args.notebook)
    target = args.output or str(source.with_suffix(".html"))
    if Path(target).resolve() == source.resolve():
        raise KgConnectError(f"-o {target} would overwrite the notebook; give another file")
    result = export_notebook(source, execute=args.execute, timeout=args.cell_timeout, theme=args.theme)
    for note in result.notes:
        print(f"warning: {_visible(note)}", file=sys.stderr)
    _write(target, result.html)
    print(f"{target}: {len(result.html) / 1e6:.1f} MB, {_count(result.graphs, 'graph')}"
          f"{', executed' if result.executed else ''}", file=sys.stderr)
    return EXIT_OK


# ------------------------------------------------------------------ output
def _table(results: Results, kg: KnowledgeGraph, total: int) -> str:
    if results.form == "ASK":
        return "yes" if results.boolean else "no"
    if results.form in ("CONSTRUCT", "DESCRIBE"):
        graph = results.graph
        return (graph.serialize(format="turtle") if graph is not None else "").rstrip("\n")
    cells = [[_cell(t, kg, CELL_CHARS) for t in row] for row in results.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(results.vars)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(results.vars, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    shown = len(results)
    cut = any(c.endswith("…") for row in cells for c in row)
    note = f"; cells cut at {CELL_CHARS} characters: --format tsv gives them whole" if cut else ""
    if shown < total:
        lines.append(f"(showing {shown:,} of {total:,} rows; --limit shows more{note})")
    else:
        lines.append(f"({_count(shown, 'row')}{note})")
    return "\n".join(lines)


CELL_CHARS = 80


def _cell(term: object, kg: KnowledgeGraph, limit: int = 10_000) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    text = _visible(str(term) if isinstance(term, Literal) else kg.qname(term))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _visible(text: str) -> str:
    """Control characters (and bidi overrides) shown as marks: a terminal must not obey data."""
    return visible(text).replace("\n", "\\n").replace("\t", "\\t")


# ------------------------------------------------------------------ running
def _show_warning(message: Any, category: Any, filename: str, lineno: int, file: Any = None,
                  line: Any = None) -> None:
    text = message.for_cli() if isinstance(message, KgConnectWarning) else str(message)
    print(f"warning: {_visible(text)}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    args.opened = []
    try:
        return _outcome(args)
    except KeyboardInterrupt:  # a timed query's process got the Ctrl-C first
        return EXIT_INTERRUPTED
    finally:
        for kg in args.opened:
            kg.close()


def _outcome(args: argparse.Namespace) -> int:
    try:
        return int(args.run(args))
    except BrokenPipeError:  # e.g. piped into head: not an error
        sys.stderr.close()
        return EXIT_OK
    except QueryError as exc:
        print(f"error: {_visible(exc.for_cli())}", file=sys.stderr)
        pointer = exc.pointer()
        if pointer:
            print(visible(pointer), file=sys.stderr)
        return EXIT_ERROR
    except (LoadError, KgConnectError) as exc:
        print(f"error: {_visible(exc.for_cli())}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:
        print(f"error: {_visible(str(exc))}", file=sys.stderr)
        return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    The command runs in a worker thread while the main thread waits, so Ctrl-C ends the
    program at once (exit code 130) even while the engine computes in native code.
    """
    args = _parser().parse_args(argv)
    warnings.showwarning = _show_warning
    outcome: dict[str, int] = {}
    worker = threading.Thread(target=lambda: outcome.update(code=_run(args)), name="kg-connect", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt:
        _interrupted()
    if outcome.get("code") == EXIT_INTERRUPTED:
        _interrupted()
    sys.stdout.flush()
    return outcome.get("code", EXIT_ERROR)


def _interrupted() -> None:
    """Ctrl-C: end now, with one line, whatever is still computing."""
    from kg_connect._backends._oxigraph import drop_snapshots
    from kg_connect._running import kill_children

    kill_children()  # a timed query's process, which the engine would keep busy
    drop_snapshots()
    print("interrupted", file=sys.stderr)
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
