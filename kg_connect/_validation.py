"""SHACL validation of a knowledge graph with pySHACL and the kg_connect shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import rdflib
from rdflib.namespace import SH, SKOS

from kg_connect._resources import ontology_graph, parsed_file, shapes_graph

if TYPE_CHECKING:
    from kg_connect._graph import KnowledgeGraph

__all__ = ["ValidationReport", "ValidationResult", "validate"]


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: where the data breaks which rule."""

    focus_node: Any
    path: Any
    value: Any
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    source_shape: Any = None

    def __str__(self) -> str:
        where = f" ({self.path})" if self.path is not None else ""
        return f"{self.severity}: {self.focus_node}{where}: {self.message}"


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms`` and the individual ``results``."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    text: str = ""
    graph: Any = field(default=None, repr=False, compare=False)  # the KnowledgeGraph checked

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


def _results(report: rdflib.Graph) -> list[ValidationResult]:
    out = []
    for node in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = report.value(node, SH.resultSeverity)
        messages = [str(m) for m in report.objects(node, SH.resultMessage)]
        out.append(ValidationResult(
            focus_node=report.value(node, SH.focusNode),
            path=report.value(node, SH.resultPath),
            value=report.value(node, SH.value),
            message="; ".join(sorted(messages)) or "constraint not met",
            severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            source_shape=report.value(node, SH.sourceShape),
        ))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    out.sort(key=lambda r: (order.get(r.severity, 3), str(r.focus_node), r.message))
    return out


def _data_graph(graph: KnowledgeGraph | rdflib.Graph) -> rdflib.Graph:
    """A fresh graph to validate: every triple of every graph, plus the types of our
    ontology's individuals (roles, mention roles, network models).

    pySHACL copies only class and property axioms from ``ont_graph``, so without these
    types ``org:role kgc:chiefExecutive`` would fail ``sh:class org:Role``.
    """
    data = rdflib.Graph()
    if isinstance(graph, rdflib.Graph):
        source = graph
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
        for cls in ontology.objects(individual, rdflib.RDF.type):
            data.add((individual, rdflib.RDF.type, cls))
    return data


def validate(
    graph: KnowledgeGraph | rdflib.Graph, shapes: rdflib.Graph | None = None, *,
    inference: str = "rdfs",
) -> ValidationReport:
    """Validate ``graph`` against SHACL ``shapes`` (default: the kg_connect shapes).

    RDFS inference runs with the kg_connect ontology and the axioms of the reused
    vocabularies, so a ``schema:SocialEvent`` is checked as a ``schema:Event``. The
    data itself is never changed. Warnings do not make the graph non-conforming.

    >>> from kg_connect import KnowledgeGraph
    >>> kg = KnowledgeGraph().load('<https://e.org/p> a <http://xmlns.com/foaf/0.1/Person> .')
    >>> report = validate(kg)
    >>> report.conforms, report.results[0].message
    (False, 'A person needs a name (foaf:name).')
    """
    import pyshacl

    conforms, report_graph, text = pyshacl.validate(
        _data_graph(graph), shacl_graph=shapes if shapes is not None else shapes_graph(),
        ont_graph=ontology_graph(), inference=inference, advanced=True,
        allow_warnings=True, inplace=True,
    )
    return ValidationReport(bool(conforms), _results(report_graph), str(text),
                            graph=None if isinstance(graph, rdflib.Graph) else graph)
