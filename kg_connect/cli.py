"""The ``kg-connect`` command line: validate, query and describe RDF files.

Exit codes: 0 success (and, for ``validate``, conformance); 1 SHACL violations;
2 a file could not be loaded or a query is malformed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from rdflib import BNode, Literal

from kg_connect._graph import KnowledgeGraph
from kg_connect._results import Results
from kg_connect.errors import KgConnectError, LoadError, QueryError

__all__ = ["main"]

_COUNTS = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n) ?class"""


def _load(files: Sequence[str], backend: str) -> KnowledgeGraph:
    kg = KnowledgeGraph(backend=backend)
    for name in files:
        kg.load(Path(name))
    return kg


def _table(results: Results, kg: KnowledgeGraph) -> str:
    if results.form == "ASK":
        return "yes" if results.boolean else "no"
    if results.form in ("CONSTRUCT", "DESCRIBE"):
        graph = results.graph
        return graph.serialize(format="turtle") if graph is not None else ""
    cells = [[_cell(t, kg) for t in row] for row in results.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(results.vars)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(results.vars, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    lines.append(f"({len(results):,} row{'' if len(results) == 1 else 's'})")
    return "\n".join(lines)


def _cell(term: object, kg: KnowledgeGraph) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return str(term).replace("\n", "\\n")
    return kg.qname(term)


def _cmd_validate(args: argparse.Namespace) -> int:
    kg = _load(args.files, args.backend)
    report = kg.validate()
    for result in report.results:
        path = f" {kg.qname(result.path)}" if result.path is not None else ""
        print(f"{result.severity}: {kg.qname(result.focus_node)}{path}: {result.message}")
    if report.conforms:
        print(f"conforms ({len(kg):,} triples, {len(report.warnings)} warnings)")
        return 0
    print(f"does not conform: {len(report.violations)} violations, {len(report.warnings)} warnings")
    return 1


def _cmd_query(args: argparse.Namespace) -> int:
    text = args.query
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise KgConnectError(f"{text[1:]}: the query file is not UTF-8 ({exc.reason})") from None
    kg = _load(args.files, args.backend)
    results = kg.query(text, allow_network=args.allow_network)
    if args.format == "csv":
        sys.stdout.write(results.to_csv())
    elif args.format == "json":
        if results.form in ("CONSTRUCT", "DESCRIBE"):
            graph = results.graph
            sys.stdout.write(graph.serialize(format="json-ld") if graph is not None else "[]")
        else:
            sys.stdout.write(results.to_json() + "\n")
    else:
        print(_table(results, kg))
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    kg = _load(args.files, args.backend)
    print(f"{len(kg):,} triples")
    for cls, n in kg.query(_COUNTS).rows:
        print(f"{int(n):>8,}  {kg.qname(cls)}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg-connect", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="oxigraph", choices=["oxigraph", "rdflib"],
                        help="store to load into (default: oxigraph)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check files against the kg_connect SHACL shapes")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(run=_cmd_validate)
    p = sub.add_parser("query", help="run a SPARQL query over files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-q", "--query", required=True, help="the query, or @file.rq")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--allow-network", action="store_true", help="permit SERVICE in the query")
    p.set_defaults(run=_cmd_query)
    p = sub.add_parser("info", help="count triples and instances by class")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(run=_cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except BrokenPipeError:  # e.g. piped into head: not an error
        sys.stderr.close()
        return 0
    except LoadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except QueryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        pointer = exc.pointer()
        if pointer:
            print(pointer, file=sys.stderr)
        return 2
    except (KgConnectError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
