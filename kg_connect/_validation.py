"""SHACL validation of a knowledge graph, with the kg_connect shapes or your own.

The shapes are compiled to SPARQL (``_shacl.py``) and run by Oxigraph over the union of all
graphs: a million triples validate in seconds, not minutes. Shapes that use a feature the
compiler does not cover are validated by pySHACL instead (``report.engine`` says which).
Literals whose lexical form their XSD datatype does not allow (``"2011-10-25T9:30:00"``
typed ``xsd:dateTime`` with a one-digit hour) are violations too, with their focus node.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH, SKOS

from kg_connect._progress import progress as _progress
from kg_connect._resources import ontology_graph, parsed_file, shapes_graph
from kg_connect._shacl import Finding, Schema, Unsupported, check_literals, compile_shapes, ox_select, run
from kg_connect._terms import to_oxigraph, to_rdflib
from kg_connect.errors import KgConnectWarning

if TYPE_CHECKING:
    from kg_connect._graph import KnowledgeGraph

__all__ = ["ValidationReport", "ValidationResult", "validate"]

WELL_FORMED = str(SH) + "DatatypeConstraintComponent"


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: where the data breaks which rule.

    ``graphs`` names the named graphs (files, with ``load(..., graph=True)``) in which the
    focus node has statements; it is empty for data in the default graph only.
    """

    focus_node: Any
    path: Any
    value: Any
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    source_shape: Any = None
    component: str = ""
    graphs: tuple[Any, ...] = ()
    path_text: str = ""  # the path in SPARQL syntax, e.g. ``^<http://www.w3.org/ns/org#member>``

    def __str__(self) -> str:
        where = f" ({self.path_text or self.path})" if self.path is not None else ""
        files = f" [in {', '.join(str(g) for g in self.graphs)}]" if self.graphs else ""
        return f"{self.severity}: {self.focus_node}{where}: {self.message}{files}"


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms`` and the individual ``results``."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    text: str = ""
    graph: Any = field(default=None, repr=False, compare=False)  # the KnowledgeGraph checked
    engine: str = "sparql"  # "sparql" (compiled) or "pyshacl" (the fallback)

    @property
    def violations(self) -> list[ValidationResult]:
        """Results of severity Violation."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        """Results of severity Warning or Info."""
        return [r for r in self.results if r.severity != "Violation"]

    def __bool__(self) -> bool:
        return self.conforms

    def __repr__(self) -> str:
        return (f"<ValidationReport conforms={self.conforms}: {len(self.violations)} violations, "
                f"{len(self.warnings)} warnings>")

    def _repr_html_(self) -> str:
        """The verdict and the first results as an escaped HTML table, for notebooks."""
        from kg_connect.render import report_html

        return report_html(self, self.graph)

    def __str__(self) -> str:
        head = "Conforms." if self.conforms else "Does not conform."
        return "\n".join([head, *(str(r) for r in self.results)])


_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def _sorted(results: list[ValidationResult]) -> list[ValidationResult]:
    return sorted(results, key=lambda r: (_ORDER.get(r.severity, 3), str(r.focus_node), str(r.path),
                                          r.message, str(r.value)))


# ------------------------------------------------------------------ the data as an Oxigraph store
def _store(graph: KnowledgeGraph | rdflib.Graph) -> ox.Store:
    """The Oxigraph store to validate: the graph's own, or a copy (rdflib backend, rdflib graph)."""
    backend = getattr(graph, "_backend", None)
    if backend is not None and isinstance(getattr(backend, "store", None), ox.Store):
        return backend.store  # type: ignore[no-any-return]
    store = ox.Store()
    if isinstance(graph, rdflib.Graph):
        quads: Any = ((s, p, o, None) for s, p, o in graph.triples((None, None, None)))
    else:
        quads = graph._backend.quads()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),
                         ox.DefaultGraph() if g is None else to_oxigraph(g)) for s, p, o, g in quads)
    return store


def _rows(store: ox.Store, text: str, union: bool = True) -> list[tuple[Any, ...]]:
    """The solutions of a SELECT over the union of all graphs (or the default graph), read at
    once: a pyoxigraph result may only be dropped by the thread that made it."""
    result = store.query(text, use_default_graph_as_union=union)
    assert isinstance(result, ox.QuerySolutions)  # noqa: S101 - our own SELECT texts
    return [tuple(row) for row in result]


_SCHEMA = """SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://www.w3.org/2000/01/rdf-schema#subPropertyOf>
              <http://www.w3.org/2000/01/rdf-schema#domain> <http://www.w3.org/2000/01/rdf-schema#range> }
  ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) }"""


def _schema(store: ox.Store, inference: str) -> Schema:
    triples = [(s.value, p.value, o.value) for s, p, o in _rows(store, _SCHEMA)]
    individuals: dict[str, set[str]] = {}
    if inference == "rdfs":
        triples += [(str(s), str(p), str(o)) for s, p, o in ontology_graph()]
        ontology = parsed_file("ontology")
        for individual in set(ontology.subjects(SKOS.inScheme, None)):
            individuals[str(individual)] = {str(c) for c in ontology.objects(individual, RDF.type)}
    else:  # SHACL's own semantics: rdfs:subClassOf from the data, no domains or ranges
        triples = [t for t in triples if t[1] == str(rdflib.RDFS.subClassOf)]
    return Schema.build(triples, individuals)


# ------------------------------------------------------------------ validate
def validate(
    graph: KnowledgeGraph | rdflib.Graph, shapes: Any = None, *,
    inference: str = "rdfs", literals: bool = True, progress: Any = None,
) -> ValidationReport:
    """Validate ``graph`` against SHACL ``shapes`` (default: the kg_connect shapes; an rdflib
    graph, a KnowledgeGraph or the path of a shapes file).

    RDFS inference applies the kg_connect ontology, the axioms of the reused vocabularies
    and the data's own schema triples, so a ``schema:SocialEvent`` is checked as a
    ``schema:Event`` (``inference="none"``: only ``rdfs:subClassOf`` in the data, as plain
    SHACL has). Every graph is checked, named graphs included; a result names the graphs
    its focus node is in. With ``literals`` (the default), ill-typed literals are
    violations too. Warnings do not make the graph non-conforming. The data is never
    changed. ``progress``: ``None`` shows a bar on stderr for runs over a second (a widget
    after ``%load_ext kg_connect``), ``False`` nothing, a callable ``(done, total, label)``
    is called at each step.

    >>> from kg_connect import KnowledgeGraph
    >>> kg = KnowledgeGraph().load('<https://e.org/p> a <http://xmlns.com/foaf/0.1/Person> .')
    >>> report = validate(kg)
    >>> report.conforms, report.results[0].message
    (False, 'A person needs a name (foaf:name).')
    """
    if inference not in ("rdfs", "none"):
        raise ValueError(f"unknown inference {inference!r}; expected one of: rdfs, none")
    shapes = _shapes(shapes)
    store = _store(graph)
    schema = _schema(store, inference)
    kg = None if isinstance(graph, rdflib.Graph) else graph
    try:
        queries = compile_shapes(shapes, schema)
    except Unsupported as exc:
        report = _with_pyshacl(graph, shapes, inference, kg, str(exc))
        if literals:
            report.results = _sorted(_merge(report.results, [_result(f) for f in _ill_typed(store)]))
            report.conforms = report.conforms and not report.violations
        return report
    if not queries and len(shapes):
        warnings.warn(KgConnectWarning("the shapes hold no SHACL shape with a target (sh:targetClass, "
                                       "sh:targetNode, ...): nothing was checked against them"), stacklevel=2)
    bar = _progress("validating", len(queries) + (1 if literals else 0) + 1, progress)
    try:
        results = [_result(f) for f in run(queries, ox_select(store), bar.step)]
        if literals:
            results = _merge(results, [_result(f) for f in _ill_typed(store)])
            bar.step("ill-typed literals")
        results = _name_graphs(store, results)
        bar.step("graphs")
    finally:
        bar.close()
    results = _sorted(list(dict.fromkeys(results)))
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms, results, "\n".join(str(r) for r in results), graph=kg)


def _merge(results: list[ValidationResult], ill_typed: list[ValidationResult]) -> list[ValidationResult]:
    """The ill-typed literals a shape's sh:datatype has not reported already."""
    seen = {(r.focus_node, r.path, r.value) for r in results if r.component == WELL_FORMED}
    return results + [r for r in ill_typed if (r.focus_node, r.path, r.value) not in seen]


def _shapes(shapes: Any) -> rdflib.Graph:
    """The shapes as an rdflib graph: a graph, a KnowledgeGraph, a path, or the kg_connect shapes."""
    if shapes is None:
        return shapes_graph()
    if isinstance(shapes, rdflib.Graph):
        return shapes
    if isinstance(shapes, (str, os.PathLike)) or hasattr(shapes, "_backend"):
        from kg_connect._graph import KnowledgeGraph

        loaded = shapes if hasattr(shapes, "_backend") else KnowledgeGraph(prefixes={}).load(shapes)
        out = rdflib.Graph()
        for s, p, o, _ in loaded._backend.quads():
            out.add((s, p, o))
        return out
    raise TypeError(f"shapes must be an rdflib Graph, a KnowledgeGraph or a path, not {type(shapes).__name__}")


def _result(f: Finding) -> ValidationResult:
    return ValidationResult(focus_node=f.focus, path=f.path, value=f.value, message="; ".join(f.messages),
                            severity=f.severity, source_shape=f.shape, component=f.component,
                            path_text=f.path_text or (f"<{f.path}>" if isinstance(f.path, rdflib.URIRef) else ""))


def _ill_typed(store: ox.Store) -> list[Finding]:
    out = []
    for s, p, o in _rows(store, check_literals()):
        literal = to_rdflib(o)
        datatype = literal.datatype.rsplit("#", 1)[-1]
        out.append(Finding(to_rdflib(s), to_rdflib(p), literal, "Violation",
                           [f"'{literal}' is not a valid xsd:{datatype} (an ill-typed literal)"], None, WELL_FORMED))
    return out


def _name_graphs(store: ox.Store, results: list[ValidationResult]) -> list[ValidationResult]:
    """Add the named graphs each focus node has statements in (the files it came from)."""
    if next(iter(store.named_graphs()), None) is None or not results:
        return results
    focus = sorted({r.focus_node for r in results if isinstance(r.focus_node, rdflib.URIRef)})
    where: dict[Any, set[Any]] = {}
    for start in range(0, len(focus), 500):
        values = " ".join(f"<{f}>" for f in focus[start:start + 500])
        text = f"SELECT DISTINCT ?f ?g WHERE {{ VALUES ?f {{ {values} }} GRAPH ?g {{ ?f ?p ?o }} }}"
        for f, g in _rows(store, text, union=False):
            where.setdefault(to_rdflib(f), set()).add(to_rdflib(g))
    return [ValidationResult(r.focus_node, r.path, r.value, r.message, r.severity, r.source_shape, r.component,
                             tuple(sorted(where.get(r.focus_node, ()), key=str)), r.path_text) for r in results]


# ------------------------------------------------------------------ the pySHACL fallback
def _with_pyshacl(graph: KnowledgeGraph | rdflib.Graph, shapes: rdflib.Graph, inference: str,
                  kg: Any, why: str) -> ValidationReport:
    import pyshacl

    conforms, report_graph, text = pyshacl.validate(
        _data_graph(graph), shacl_graph=shapes, ont_graph=ontology_graph() if inference == "rdfs" else None,
        inference=inference if inference == "rdfs" else "none", advanced=True, allow_warnings=True, inplace=True,
    )
    results = _sorted(_pyshacl_results(report_graph))
    return ValidationReport(bool(conforms), results, f"(validated by pySHACL: {why})\n{text}", graph=kg,
                            engine="pyshacl")


def _pyshacl_results(report: rdflib.Graph) -> list[ValidationResult]:
    out = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, node) in report:
            continue  # the nested result behind a sh:node failure: not a result of its own
        severity = report.value(node, SH.resultSeverity)
        messages = [str(m) for m in report.objects(node, SH.resultMessage)]
        out.append(ValidationResult(
            focus_node=report.value(node, SH.focusNode),
            path=report.value(node, SH.resultPath),
            value=report.value(node, SH.value),
            message="; ".join(sorted(messages)) or "constraint not met",
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            source_shape=report.value(node, SH.sourceShape),
            component=str(report.value(node, SH.sourceConstraintComponent) or ""),
        ))
    return out


def _data_graph(graph: KnowledgeGraph | rdflib.Graph) -> rdflib.Graph:
    """A fresh rdflib graph for pySHACL: every triple of every graph, plus the types of our
    ontology's individuals (pySHACL copies only class and property axioms from ``ont_graph``)."""
    data = rdflib.Graph()
    if isinstance(graph, rdflib.Graph):
        source: Any = graph
        for triple in graph.triples((None, None, None)):
            data.add(triple)
    else:
        source = graph.to_rdflib()
        for s, p, o, _ in source.quads((None, None, None, None)):
            data.add((s, p, o))
    for prefix, ns in source.namespaces():
        data.bind(prefix, ns, override=False)
    ontology = parsed_file("ontology")
    for individual in set(ontology.subjects(SKOS.inScheme, None)):
        for cls in ontology.objects(individual, RDF.type):
            data.add((individual, RDF.type, cls))
    return data


def pyshacl_report(graph: KnowledgeGraph | rdflib.Graph, shapes: rdflib.Graph | None = None,
                   inference: str = "rdfs") -> ValidationReport:
    """What pySHACL says, for comparison (tests, and the benchmark)."""
    kg = None if isinstance(graph, rdflib.Graph) else graph
    return _with_pyshacl(graph, shapes if shapes is not None else shapes_graph(), inference, kg, "asked for")

