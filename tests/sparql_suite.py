"""Reading the W3C SPARQL 1.1 test suites (local copies) and comparing answers.

Each test case is run twice: by raw pyoxigraph (the reference) and through
``KnowledgeGraph``. The comparison is the suites' own: SELECT solutions as multisets
(ordered when the query has ORDER BY) with blank nodes matched up to a bijection, ASK by
value, CONSTRUCT/DESCRIBE and update results by graph isomorphism.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS

from conftest import W3C

ROOT = W3C / "sparql11"
BASE = "https://w3c.github.io/rdf-tests/sparql/sparql11/"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RS = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
DAWGT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")

#: Suites out of scope, and why.
OUT_OF_SCOPE = {
    "entailment": "entailment regimes (RDFS, OWL, D-entailment): kg_connect queries are plain SPARQL; "
                  "validation applies RDFS inference instead",
    "service": "federated SERVICE calls other endpoints over the network, which tests never reach",
    "syntax-fed": "federated-query syntax: covered by the SERVICE refusal tests",
    "protocol": "the SPARQL HTTP protocol: tested against real servers with the endpoint backend",
    "graph-store-protocol": "the HTTP graph store protocol: belongs to the endpoint backend",
    "http-rdf-update": "the HTTP graph store protocol: belongs to the endpoint backend",
    "service-description": "SPARQL service descriptions are published by servers, not by a library",
}
_NETWORK = re.compile(r"(?i)\b(LOAD|SERVICE)\b")

FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML,
           ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
RESULT_FORMATS = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
                  ".tsv": ox.QueryResultsFormat.TSV}


@dataclass
class Case:
    id: str
    kind: str  # the mf: type's local name
    query: Path | None = None
    data: list[Path] = field(default_factory=list)
    graph_data: list[tuple[str, Path]] = field(default_factory=list)  # (graph IRI, file)
    result: Path | None = None
    result_data: list[Path] = field(default_factory=list)  # update tests: expected default graph
    result_graphs: list[tuple[str, Path]] = field(default_factory=list)
    skip: str = ""  # why the case is out of scope

    def iri(self, path: Path) -> str:
        return BASE + path.relative_to(ROOT).as_posix()


def _file(iri: Any) -> Path:
    text = str(iri)
    if not text.startswith(BASE):
        raise ValueError(f"test file outside the suite: {text}")
    return ROOT / text[len(BASE):]


def _graphs(g: rdflib.Graph, node: Any, prop: Any) -> list[tuple[str, Path]]:
    out = []
    for item in g.objects(node, prop):
        if isinstance(item, rdflib.URIRef):  # qt:graphData <file>: named by its IRI
            out.append((str(item), _file(item)))
        else:  # ut:graphData [ ut:graph <file> ; rdfs:label "name" ]
            name = g.value(item, RDFS.label)
            file = g.value(item, UT.graph) or g.value(item, QT.graph)
            out.append((str(name if name is not None else file), _file(file)))
    return sorted(out)


def cases() -> list[Case]:
    """Every test of the local SPARQL 1.1 suites, in manifest order."""
    out: list[Case] = []
    for manifest in sorted(ROOT.glob("*/manifest.ttl")):
        folder = manifest.parent.name
        g = rdflib.Graph().parse(manifest, format="turtle", publicID=BASE + f"{folder}/manifest.ttl")
        root = g.value(predicate=RDF.type, object=MF.Manifest, any=True)
        entries = g.value(root, MF.entries)
        for test in Collection(g, entries) if entries is not None else []:
            kind = str(g.value(test, RDF.type)).rsplit("#", 1)[-1]
            case = Case(id=f"{folder}/{str(test).rsplit('#', 1)[-1]}", kind=kind)
            if folder in OUT_OF_SCOPE:
                case.skip = OUT_OF_SCOPE[folder]
                out.append(case)
                continue
            action = g.value(test, MF.action)
            result = g.value(test, MF.result)
            if isinstance(action, rdflib.URIRef):
                case.query = _file(action)
            elif action is not None:
                query = g.value(action, QT.query) or g.value(action, UT.request)
                case.query = _file(query) if query is not None else None
                case.data = sorted(_file(d) for d in g.objects(action, QT.data)) + \
                    sorted(_file(d) for d in g.objects(action, UT.data))
                case.graph_data = _graphs(g, action, QT.graphData) + _graphs(g, action, UT.graphData)
            if isinstance(result, rdflib.URIRef):
                case.result = _file(result)
            elif result is not None:
                case.result_data = sorted(_file(d) for d in g.objects(result, UT.data))
                case.result_graphs = _graphs(g, result, UT.graphData)
            if g.value(test, DAWGT.approval) == DAWGT.Withdrawn:
                case.skip = "withdrawn by the working group"
            elif case.query is not None and _NETWORK.search(_strip(case.query.read_text(encoding="utf-8"))):
                case.skip = "LOAD or SERVICE would reach the network, which tests never do"
            out.append(case)
    return out


def _strip(text: str) -> str:
    return re.sub(r'"[^"\n]*"|<[^>\s]*>|#[^\n]*', "", text)


# ------------------------------------------------------------------ expected answers
@dataclass
class Answer:
    """An answer in pyoxigraph terms: solutions, a boolean or a graph, or an error."""

    kind: str  # "select", "ask", "graph", "error"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)
    message: str = ""


def expected(case: Case) -> Answer:
    path = case.result
    assert path is not None
    if path.suffix in RESULT_FORMATS:
        parsed = ox.parse_query_results(path=str(path), format=RESULT_FORMATS[path.suffix])
        if isinstance(parsed, ox.QueryBoolean):
            return Answer("ask", boolean=bool(parsed))
        names = [v.value for v in parsed.variables]
        return Answer("select", names, [{n: s[n] for n in names if s[n] is not None} for s in parsed])
    triples = list(ox.parse(path=str(path), format=FORMATS[path.suffix], base_iri=case.iri(path)))
    result_sets = [t for t in triples if t.predicate == ox.NamedNode(str(RDF.type))
                   and t.object == ox.NamedNode(str(RS.ResultSet))]
    if result_sets:
        return _result_set(triples)
    return Answer("graph", triples=[ox.Triple(t.subject, t.predicate, t.object) for t in triples])


def _result_set(triples: list[Any]) -> Answer:
    """The DAWG result-set vocabulary (rs:ResultSet in RDF) as an answer."""
    by: dict[Any, dict[str, list[Any]]] = {}
    for t in triples:
        by.setdefault(t.subject, {}).setdefault(t.predicate.value.rsplit("#", 1)[-1], []).append(t.object)
    (root,) = [s for s, p in by.items() if ox.NamedNode(str(RS.ResultSet)) in p.get("type", [])]
    if "boolean" in by[root]:
        return Answer("ask", boolean=by[root]["boolean"][0].value == "true")
    names = sorted(v.value for v in by[root].get("resultVariable", []))
    rows = []
    for solution in by[root].get("solution", []):
        row = {}
        for binding in by.get(solution, {}).get("binding", []):
            parts = by[binding]
            row[parts["variable"][0].value] = parts["value"][0]
        rows.append(row)
    return Answer("select", names, rows)


# ------------------------------------------------------------------ running
def load_store(case: Case) -> ox.Store:
    store = ox.Store()
    for path in case.data:
        store.load(path=str(path), format=FORMATS[path.suffix], base_iri=case.iri(path))
    for name, path in case.graph_data:
        store.load(path=str(path), format=FORMATS[path.suffix], base_iri=case.iri(path),
                   to_graph=ox.NamedNode(name))
    for iri in _dataset_iris(case):  # FROM / FROM NAMED name the suite's own files
        if not store.contains_named_graph(ox.NamedNode(iri)) and iri.startswith(BASE):
            path = _file(iri)
            if path.exists():
                store.load(path=str(path), format=FORMATS[path.suffix], base_iri=iri,
                           to_graph=ox.NamedNode(iri))
    return store


def _dataset_iris(case: Case) -> list[str]:
    if case.query is None:
        return []
    text = case.query.read_text(encoding="utf-8")
    out = []
    for rel in re.findall(r"(?i)\bFROM\s+(?:NAMED\s+)?<([^>]*)>", text):
        out.append(rel if "://" in rel else case.iri(case.query.parent / rel))
    return out


def raw_answer(case: Case) -> Answer:
    """What raw pyoxigraph answers."""
    store = load_store(case)
    text = case.query.read_text(encoding="utf-8")
    try:
        result = store.query(text, base_iri=case.iri(case.query))
        return from_oxigraph(result)
    except (SyntaxError, OSError, RuntimeError) as exc:
        return Answer("error", message=str(exc))


def from_oxigraph(result: Any) -> Answer:
    if isinstance(result, ox.QueryBoolean):
        return Answer("ask", boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return Answer("graph", triples=list(result))
    names = [v.value for v in result.variables]
    return Answer("select", names, [{n: s[n] for n in names if s[n] is not None} for s in result])


def from_results(results: Any) -> Answer:
    """A kg_connect ``Results`` in pyoxigraph terms."""
    from kg_connect._terms import to_oxigraph

    if results.form == "ASK":
        return Answer("ask", boolean=bool(results.boolean))
    if results.form in ("CONSTRUCT", "DESCRIBE"):
        return Answer("graph", triples=[ox.Triple(*map(to_oxigraph, t)) for t in results.triples])
    return Answer("select", list(results.vars),
                  [{v: to_oxigraph(t) for v, t in zip(results.vars, row) if t is not None} for row in results.rows])


# ------------------------------------------------------------------ comparing
def same(actual: Answer, wanted: Answer, ordered: bool, exact: bool = False) -> str:
    """'' when ``actual`` answers as ``wanted`` does, else what differs. ``exact``: literals
    must be equal as terms (lexical forms too), not only equal numbers."""
    if actual.kind == "error":
        return f"error: {actual.message}"
    if actual.kind != wanted.kind:
        return f"a {actual.kind} answer where a {wanted.kind} was expected"
    if wanted.kind == "ask":
        return "" if actual.boolean == wanted.boolean else f"ASK gave {actual.boolean}"
    if wanted.kind == "graph":
        return "" if isomorphic(_rdflib_graph(actual.triples), _rdflib_graph(wanted.triples)) else \
            f"graphs differ ({len(actual.triples)} triples, expected {len(wanted.triples)})"
    if sorted(actual.variables) != sorted(wanted.variables) and wanted.rows:
        # variables that are never bound need not be listed alike
        bound = {k for r in wanted.rows for k in r} | {k for r in actual.rows for k in r}
        if bound - set(actual.variables) or bound - set(wanted.variables):
            return f"variables {actual.variables} where {wanted.variables} were expected"
    if len(actual.rows) != len(wanted.rows):
        return f"{len(actual.rows)} solutions where {len(wanted.rows)} were expected"
    if not _match(actual.rows, wanted.rows, ordered, exact):
        return "solutions differ: " + repr(actual.rows[:3])[:300] + " vs " + repr(wanted.rows[:3])[:300]
    return ""


def _rdflib_graph(triples: list[Any]) -> rdflib.Graph:
    from kg_connect._terms import to_rdflib

    g = rdflib.Graph()
    for t in triples:
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


_NUMERIC = {f"http://www.w3.org/2001/XMLSchema#{n}" for n in (
    "integer", "decimal", "float", "double", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}


def _norm(term: Any, exact: bool = False) -> Any:
    """A term for comparison: numbers by datatype and value ("1.0" and "1" are one decimal),
    since Oxigraph keeps numeric literals in canonical form; everything else as written."""
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC and not exact:
        from decimal import Decimal, InvalidOperation

        try:
            return (term.datatype.value, Decimal(term.value.replace("INF", "Infinity")))
        except InvalidOperation:
            pass
    return str(term)


def _key(row: dict[str, Any], exact: bool = False) -> tuple:
    return tuple(sorted((k, str(_norm(v, exact))) for k, v in row.items()))


def _match(actual: list[dict], wanted: list[dict], ordered: bool, exact: bool = False) -> bool:
    """Solutions equal up to a bijection of blank nodes (backtracking over candidates)."""
    keys_a = [_key(r, exact) for r in actual]
    keys_w = [_key(r, exact) for r in wanted]
    if not ordered:
        if sorted(keys_a) != sorted(keys_w):
            return False
        if not any(isinstance(v, ox.BlankNode) for r in wanted for v in r.values()):
            return True
    elif keys_a != keys_w:
        return False
    return _bijection(actual, wanted, keys_a, keys_w, ordered, exact, 0, {}, {}, [False] * len(wanted))


def _bijection(actual, wanted, keys_a, keys_w, ordered, exact, i, fwd, back, used) -> bool:
    if i == len(actual):
        return True
    candidates = [i] if ordered else range(len(wanted))
    for j in candidates:
        if used[j] or keys_a[i] != keys_w[j]:
            continue
        f, b = dict(fwd), dict(back)
        if _compatible(actual[i], wanted[j], f, b, exact):
            used[j] = True
            if _bijection(actual, wanted, keys_a, keys_w, ordered, exact, i + 1, f, b, used):
                return True
            used[j] = False
    return False


def _compatible(a: dict, w: dict, fwd: dict, back: dict, exact: bool) -> bool:
    for k, v in a.items():
        x = w[k]
        if isinstance(v, ox.BlankNode):
            if fwd.setdefault(v.value, x.value) != x.value or back.setdefault(x.value, v.value) != v.value:
                return False
        elif _norm(v, exact) != _norm(x, exact):
            return False
    return True


def graph_state(quads: list[Any]) -> dict[str, rdflib.Graph]:
    """Quads (pyoxigraph) as one rdflib graph per graph name ('' for the default graph)."""
    from kg_connect._terms import to_rdflib

    out: dict[str, rdflib.Graph] = {}
    for q in quads:
        name = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        out.setdefault(name, rdflib.Graph()).add((to_rdflib(q.subject), to_rdflib(q.predicate),
                                                  to_rdflib(q.object)))
    return {k: v for k, v in out.items() if len(v)}


def expected_state(case: Case) -> dict[str, rdflib.Graph]:
    quads = []
    for path in case.result_data:
        quads += list(ox.parse(path=str(path), format=FORMATS[path.suffix], base_iri=case.iri(path)))
    for name, path in case.result_graphs:
        for q in ox.parse(path=str(path), format=FORMATS[path.suffix], base_iri=case.iri(path)):
            quads.append(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(name)))
    return graph_state(quads)


def same_state(actual: dict[str, rdflib.Graph], wanted: dict[str, rdflib.Graph]) -> str:
    if set(actual) != set(wanted):
        return f"graphs {sorted(actual)} where {sorted(wanted)} were expected"
    for name, graph in wanted.items():
        if not isomorphic(actual[name], graph):
            return f"graph {name or 'default'} differs ({len(actual[name])} triples, expected {len(graph)})"
    return ""


def raw_update(case: Case) -> str:
    """Run an update test on raw pyoxigraph: '' if it passes, else why not."""
    store = load_store(case)
    try:
        store.update(case.query.read_text(encoding="utf-8"), base_iri=case.iri(case.query))
    except (SyntaxError, OSError, RuntimeError) as exc:
        return f"error: {exc}"
    return same_state(graph_state(list(store)), expected_state(case))


def csv_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV result as a header and rows (for comparing CSV output with blank-node labels)."""
    import csv

    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n")))
    lines = list(reader)
    header = lines[0] if lines else []
    return header, [dict(zip(header, line)) for line in lines[1:]]


def same_csv(actual: str, wanted: str) -> str:
    ha, ra = csv_rows(actual)
    hw, rw = csv_rows(wanted)
    if sorted(ha) != sorted(hw):
        return f"header {ha} where {hw} was expected"
    terms_a = [{k: ox.BlankNode(v[2:]) if v.startswith("_:") else ox.Literal(v) for k, v in r.items() if v}
               for r in ra]
    terms_w = [{k: ox.BlankNode(v[2:]) if v.startswith("_:") else ox.Literal(v) for k, v in r.items() if v}
               for r in rw]
    return "" if len(terms_a) == len(terms_w) and _match(terms_a, terms_w, False, True) else "rows differ"
