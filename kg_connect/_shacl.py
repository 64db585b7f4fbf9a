"""SHACL validation compiled to SPARQL and run by the store's own engine.

pySHACL walks an rdflib graph node by node: 167 s and 2.2 GB for a million triples. Here
each constraint of each shape becomes one SPARQL query over *all* its focus nodes at once
(``SELECT ?this ?value ... WHERE { <targets> <path> FILTER(<not ok>) }``), answered by
Oxigraph over the union of all graphs, so validation costs a few full scans.

What is covered: SHACL Core targets (class, node, subjects-of, objects-of, implicit class
targets), every property path form, the value constraints (class, datatype with
well-formedness, nodeKind, in, hasValue, ranges, lengths, pattern, languageIn), counts,
uniqueLang, property pairs (equals, disjoint, lessThan, lessThanOrEquals), closed, the
logical constraints (not, and, or, xone, node) and qualified value shapes where they can be
written as SPARQL expressions, severities, messages, deactivation, and SHACL-SPARQL
constraints (``sh:sparql`` with ``$this``). Shapes that need anything else raise
:class:`Unsupported` and the caller falls back to pySHACL.

Inference is RDFS over the shapes' ontology plus the data's own schema triples: types
from ``rdf:type``/``rdfs:subClassOf*`` and from ``rdfs:domain``/``rdfs:range`` (through
``rdfs:subPropertyOf*``), and a property's values include its sub-properties' values, as
pySHACL's ``inference="rdfs"`` gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from kg_connect._terms import to_oxigraph

__all__ = ["Finding", "Unsupported", "check_literals", "compile_shapes"]

#: component, ok(value variable) -> SPARQL boolean, default message
Check = tuple[str, Callable[..., str], str]


class Unsupported(Exception):
    """The shapes use a feature this engine does not compile."""


@dataclass
class Finding:
    """One validation result, in rdflib terms."""

    focus: Any
    path: Any
    value: Any
    severity: str
    messages: list[str]
    shape: Any
    component: str
    path_text: str = ""  # the path in SPARQL syntax (for a blank-node path: how to read it)


# ------------------------------------------------------------------ schema and inference
@dataclass
class Schema:
    """The RDFS closure kg_connect validates with: classes, properties, domains, ranges."""

    sub_classes: dict[str, set[str]] = field(default_factory=dict)  # C -> every D with D ⊑* C
    sub_props: dict[str, set[str]] = field(default_factory=dict)  # p -> every q with q ⊑* p
    domains: dict[str, set[str]] = field(default_factory=dict)  # p -> classes
    ranges: dict[str, set[str]] = field(default_factory=dict)
    individuals: dict[str, set[str]] = field(default_factory=dict)  # ontology individual -> types

    @classmethod
    def build(cls, triples: Iterable[tuple[str, str, str]], individuals: dict[str, set[str]]) -> Schema:
        up_c: dict[str, set[str]] = {}
        up_p: dict[str, set[str]] = {}
        schema = cls(individuals=individuals)
        for s, p, o in triples:
            if p == str(RDFS.subClassOf):
                up_c.setdefault(s, set()).add(o)
            elif p == str(RDFS.subPropertyOf):
                up_p.setdefault(s, set()).add(o)
            elif p == str(RDFS.domain):
                schema.domains.setdefault(s, set()).add(o)
            elif p == str(RDFS.range):
                schema.ranges.setdefault(s, set()).add(o)
        for up, down in ((up_c, schema.sub_classes), (up_p, schema.sub_props)):
            for start in up:
                for sup in _closure(start, up):
                    down.setdefault(sup, set()).add(start)
        return schema

    def classes_under(self, c: str) -> set[str]:
        return {c} | self.sub_classes.get(c, set())

    def props_under(self, p: str) -> set[str]:
        return {p} | self.sub_props.get(p, set())

    def typing_props(self, c: str, which: dict[str, set[str]]) -> set[str]:
        """Properties whose domain (or range) is a class under ``c``, with their sub-properties."""
        under = self.classes_under(c)
        out: set[str] = set()
        for p, classes in which.items():
            if classes & under:
                out |= self.props_under(p)
        return out


def _closure(start: str, up: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(up.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen and node != start:
            seen.add(node)
            todo.extend(up.get(node, ()))
    return seen


def _iri(term: Any) -> str:
    return f"<{to_oxigraph(term).value}>"


def _values(var: str, iris: Iterable[str]) -> str:
    return f"VALUES {var} {{ {' '.join(f'<{i}>' for i in sorted(iris))} }}"


class _Names:
    """Fresh SPARQL variable names."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, stem: str = "v") -> str:
        self.n += 1
        return f"?_{stem}{self.n}"


# ------------------------------------------------------------------ the compiler
_XSD = str(XSD)
_CASTABLE = {f"{_XSD}{n}" for n in ("dateTime", "date", "time", "duration", "dayTimeDuration",
                                       "yearMonthDuration", "integer", "decimal", "double", "float", "boolean",
                                       "gYear", "gYearMonth", "gMonthDay", "gDay", "gMonth")}
# Oxigraph stores the types derived from xsd:integer as xsd:integer, and xsd:dateTimeStamp as
# xsd:dateTime, whatever the data said; it keeps the original datatype only for a lexical form
# it cannot read. So a literal still typed with one of these is ill-typed, and sh:datatype for
# them is checked on the stored form: an xsd:integer in the type's range, a dateTime with a
# time zone. (Out-of-range values typed so in the data are stored as plain integers: their type
# is gone before validation can see it.)
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    f"{_XSD}{name}": bounds for name, bounds in {
        "nonNegativeInteger": (0, None), "positiveInteger": (1, None), "nonPositiveInteger": (None, 0),
        "negativeInteger": (None, -1), "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1),
        "short": (-2**15, 2**15 - 1), "byte": (-128, 127), "unsignedLong": (0, 2**64 - 1),
        "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 255),
    }.items()}
_DATETIME_STAMP = _XSD + "dateTimeStamp"
_REWRITTEN = set(_INTEGER_RANGES) | {_DATETIME_STAMP}
_CHECKED_TYPES = _CASTABLE | _REWRITTEN


def well_formed(var: str, datatype: str) -> str | None:
    """A SPARQL expression true when ``var``'s lexical form is valid for ``datatype``
    (``None`` when it cannot be checked)."""
    if datatype in _CASTABLE:
        return f"COALESCE(isLiteral(<{datatype}>(STR({var}))), false)"
    if datatype in _REWRITTEN:
        return "false"  # Oxigraph would have stored a valid one under its base type
    if datatype == _XSD + "string":
        return "true"
    return None


def check_literals() -> str:
    """A query for every ill-typed literal (a lexical form its XSD datatype does not allow)."""
    tests = " ".join(f"IF(datatype(?o) = <{d}>, {well_formed('?o', d)}," for d in sorted(_CHECKED_TYPES))
    closing = ")" * len(_CHECKED_TYPES)
    return (f"SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) && "
            f"datatype(?o) IN ({', '.join(f'<{d}>' for d in sorted(_CHECKED_TYPES))}) && "
            f"!({tests} true{closing})) }}")


@dataclass
class Query:
    """One compiled check: the SPARQL text and how to turn its rows into findings."""

    text: str
    label: str
    make: Callable[..., Finding]


class Compiler:
    """Turns a shapes graph into :class:`Query` objects."""

    def __init__(self, shapes: rdflib.Graph, schema: Schema) -> None:
        self.g = shapes
        self.schema = schema
        self.names = _Names()
        self.prefixes = self._prefixes()

    # ---------------------------------------------------------------- shapes and targets
    def shapes(self) -> list[Any]:
        g = self.g
        found: set[Any] = set()
        for t in (SH.NodeShape, SH.PropertyShape):
            found |= set(g.subjects(RDF.type, t))
        for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            found |= set(g.subjects(p, None))
        return sorted((s for s in found if self._targets(s)), key=str)

    def _targets(self, shape: Any) -> list[str]:
        g = self.g
        var = "?this"
        out = []
        classes = list(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, OWL.Class) in g:
            classes.append(shape)
        for c in classes:
            out.append(self.instances(var, str(c)))
        for n in g.objects(shape, SH.targetNode):
            out.append(f"{{ VALUES {var} {{ {self.term(n)} }} }}")
        for p in g.objects(shape, SH.targetSubjectsOf):
            q = self.names("tp")
            out.append(f"{{ {var} {q} [] . {_values(q, self.schema.props_under(str(p)))} }}")
        for p in g.objects(shape, SH.targetObjectsOf):
            q = self.names("tp")
            out.append(f"{{ [] {q} {var} . {_values(q, self.schema.props_under(str(p)))} }}")
        return out

    def instances(self, var: str, cls: str) -> str:
        """A group pattern that binds ``var`` to every instance of ``cls`` (RDFS)."""
        s = self.schema
        t = self.names("t")
        parts = [f"{{ {var} a {t} . {_values(t, s.classes_under(cls))} }}"]
        for which, pattern in ((s.domains, "{var} {p} []"), (s.ranges, "[] {p} {var}")):
            props = s.typing_props(cls, which)
            if props:
                p = self.names("p")
                parts.append(f"{{ {pattern.format(var=var, p=p)} . {_values(p, props)} }}")
        known = [i for i, types in s.individuals.items() if types & s.classes_under(cls)]
        if known:
            parts.append(f"{{ {_values(var, known)} }}")
        return "{ " + " UNION ".join(parts) + " }"

    def is_instance(self, var: str, cls: str) -> str:
        if cls == str(RDFS.Resource):
            return "true"
        return f"EXISTS {self.instances(var, cls)}"

    def term(self, node: Any) -> str:
        if isinstance(node, BNode):
            raise Unsupported("a blank node as a value in a shape")
        return str(to_oxigraph(node))

    def _list(self, node: Any) -> list[Any]:
        return list(Collection(self.g, node))

    # ---------------------------------------------------------------- paths
    def path(self, node: Any, infer: bool = True) -> str:
        """``node`` as a SPARQL property path; with ``infer``, a property also matches its
        sub-properties."""
        g = self.g
        if isinstance(node, URIRef):
            props = self.schema.props_under(str(node)) if infer else {str(node)}
            return f"<{node}>" if len(props) == 1 else "(" + "|".join(f"<{p}>" for p in sorted(props)) + ")"
        if (node, RDF.first, None) in g:
            return "(" + "/".join(self.path(p, infer) for p in self._list(node)) + ")"
        for prop, fmt in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                          (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = g.value(node, prop)
            if inner is not None:
                return fmt.format(self.path(inner, infer))
        alt = g.value(node, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path(p, infer) for p in self._list(alt)) + ")"
        raise Unsupported(f"path {node}")

    # ---------------------------------------------------------------- expressions
    _NODE_KINDS = {
        SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
        SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})",
        SH.IRIOrLiteral: "!isBlank({v})",
    }
    _VALUE_PARAMS = (SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.minInclusive, SH.maxInclusive,
                     SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.pattern,
                     SH.languageIn, SH["not"], SH["and"], SH["or"], SH.xone, SH.node)

    def value_checks(self, shape: Any) -> list[Check]:
        """(component, ok(v) -> SPARQL boolean, default message) for the constraints of
        ``shape`` that each value node is checked against on its own."""
        g = self.g
        out: list[Check] = []
        for cls in g.objects(shape, SH["class"]):
            out.append(("ClassConstraintComponent", _ClassCheck(self, str(cls)),
                        f"the value must be an instance of <{cls}>"))
        for dt in g.objects(shape, SH.datatype):
            out.append(("DatatypeConstraintComponent", lambda v, d=str(dt): self.datatype_ok(v, d),
                        f"the value must be a literal of datatype <{dt}>"))
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in self._NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {kind}")
            out.append(("NodeKindConstraintComponent", lambda v, k=kind: self._NODE_KINDS[k].format(v=v),
                        f"the value must be of node kind {str(kind).split('#')[-1]}"))
        for members in g.objects(shape, SH["in"]):
            terms = [self.term(t) for t in self._list(members)]
            out.append(("InConstraintComponent",
                        lambda v, ts=terms: "(" + (" || ".join(f"sameTerm({v}, {t})" for t in ts) or "false") + ")",
                        "the value must be one of " + ", ".join(terms)))
        for prop, op, name in ((SH.minInclusive, ">=", "MinInclusive"), (SH.maxInclusive, "<=", "MaxInclusive"),
                               (SH.minExclusive, ">", "MinExclusive"), (SH.maxExclusive, "<", "MaxExclusive")):
            for bound in g.objects(shape, prop):
                b = self.term(bound)
                out.append((f"{name}ConstraintComponent", lambda v, o=op, b=b: f"COALESCE({v} {o} {b}, false)",
                            f"the value must be {op} {b}"))
        for prop, op, name in ((SH.minLength, ">=", "MinLength"), (SH.maxLength, "<=", "MaxLength")):
            for node in g.objects(shape, prop):
                size = _int(node)
                out.append((f"{name}ConstraintComponent",
                            lambda v, o=op, n=size: f"(!isBlank({v}) && STRLEN(STR({v})) {o} {n})",
                            f"the value must have a length {op} {size}"))
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = str(to_oxigraph(Literal(str(pattern))))
            if flags is not None:
                args += ", " + str(to_oxigraph(Literal(str(flags))))
            out.append(("PatternConstraintComponent",
                        lambda v, a=args: f"(!isBlank({v}) && COALESCE(REGEX(STR({v}), {a}), false))",
                        f"the value must match the pattern {pattern}"))
        for langs in g.objects(shape, SH.languageIn):
            tags = [str(to_oxigraph(Literal(str(t)))) for t in self._list(langs)]
            out.append(("LanguageInConstraintComponent",
                        lambda v, ts=tags: f"(isLiteral({v}) && (" + (" || ".join(
                            f"langMatches(lang({v}), {t})" for t in ts) or "false") + "))",
                        "the value's language must be one of " + ", ".join(tags)))
        for inner in g.objects(shape, SH["not"]):
            out.append(("NotConstraintComponent", lambda v, s=inner: f"!({self.conforms(s, v)})",
                        "the value must not conform to the shape"))
        for members in g.objects(shape, SH["and"]):
            shapes = self._list(members)
            out.append(("AndConstraintComponent",
                        lambda v, ss=shapes: "(" + (" && ".join(self.conforms(s, v) for s in ss) or "true") + ")",
                        "the value must conform to all the shapes"))
        for members in g.objects(shape, SH["or"]):
            shapes = self._list(members)
            out.append(("OrConstraintComponent",
                        lambda v, ss=shapes: "(" + (" || ".join(self.conforms(s, v) for s in ss) or "false") + ")",
                        "the value must conform to at least one of the shapes"))
        for members in g.objects(shape, SH.xone):
            shapes = self._list(members)
            out.append(("XoneConstraintComponent",
                        lambda v, ss=shapes: "((" + " + ".join(f"IF({self.conforms(s, v)}, 1, 0)" for s in ss)
                        + ") = 1)", "the value must conform to exactly one of the shapes"))
        for inner in g.objects(shape, SH.node):
            out.append(("NodeConstraintComponent", lambda v, s=inner: self.conforms(s, v),
                        "the value must conform to the node shape"))
        return out

    def datatype_ok(self, v: str, datatype: str) -> str:
        if datatype == str(RDF.langString):
            return f"(isLiteral({v}) && lang({v}) != \"\")"
        if datatype in _INTEGER_RANGES:  # stored as xsd:integer (see _REWRITTEN)
            low, high = _INTEGER_RANGES[datatype]
            tests = [f"isLiteral({v})", f"datatype({v}) = <{_XSD}integer>"]
            tests += [f"{v} >= {low}"] if low is not None else []
            tests += [f"{v} <= {high}"] if high is not None else []
            return f"COALESCE({' && '.join(tests)}, false)"
        if datatype == _DATETIME_STAMP:  # stored as xsd:dateTime; a stamp has a time zone
            return (f"COALESCE(isLiteral({v}) && datatype({v}) = <{_XSD}dateTime> && TZ({v}) != \"\" && "
                    f"{well_formed(v, _XSD + 'dateTime')}, false)")
        test = f"isLiteral({v}) && datatype({v}) = <{datatype}>"
        if datatype == str(RDF.langString) or datatype == _XSD + "string":
            return f"({test} && lang({v}) = \"\")"
        valid = well_formed(v, datatype)
        return f"({test} && {valid})" if valid and valid != "true" else f"({test})"

    def conforms(self, shape: Any, v: str) -> str:
        """A SPARQL expression true when ``v`` conforms to ``shape`` (recursively)."""
        g = self.g
        self._refuse_unsupported(shape)
        if (shape, SH.deactivated, Literal(True)) in g:
            return "true"
        if (shape, SH.path, None) in g:  # a property shape: constraints on v's path values
            return self._property_conforms(shape, v)
        parts = [ok(v) for _, ok, _ in self.value_checks(shape)]
        for value in g.objects(shape, SH.hasValue):
            parts.append(f"sameTerm({v}, {self.term(value)})")
        for prop in g.objects(shape, SH.property):
            parts.append(self.conforms(prop, v))
        return "(" + (" && ".join(parts) or "true") + ")"

    def _property_conforms(self, shape: Any, v: str) -> str:
        g = self.g
        path = self.path(g.value(shape, SH.path))
        parts = []
        for n in g.objects(shape, SH.minCount):
            parts.append(self._at_least(v, path, _int(n)))
        for n in g.objects(shape, SH.maxCount):
            parts.append(f"!({self._at_least(v, path, _int(n) + 1)})")
        for value in g.objects(shape, SH.hasValue):
            parts.append(f"EXISTS {{ {v} {path} {self.term(value)} }}")
        checks = self.value_checks(shape)
        if checks:
            x = self.names("x")
            bad = " || ".join(f"!({ok(x)})" for _, ok, _ in checks)
            parts.append(f"NOT EXISTS {{ {v} {path} {x} FILTER({bad}) }}")
        return "(" + (" && ".join(parts) or "true") + ")"

    def _at_least(self, v: str, path: str, n: int) -> str:
        if n <= 0:
            return "true"
        if n > 4:
            raise Unsupported("counts above 4 inside logical constraints")
        xs = [self.names("c") for _ in range(n)]
        triples = " . ".join(f"{v} {path} {x}" for x in xs)
        distinct = " && ".join(f"!sameTerm({a}, {b})" for i, a in enumerate(xs) for b in xs[i + 1:])
        return f"EXISTS {{ {triples} {f'FILTER({distinct})' if distinct else ''} }}"

    _SUPPORTED = {
        SH.path, SH.property, SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.minInclusive, SH.maxInclusive,
        SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.pattern, SH.flags, SH.languageIn,
        SH["not"], SH["and"], SH["or"], SH.xone, SH.node, SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang,
        SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals, SH.closed, SH.ignoredProperties, SH.sparql,
        SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.message, SH.severity,
        SH.deactivated, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
    }

    def _refuse_unsupported(self, shape: Any) -> None:
        for p in self.g.predicates(shape, None):
            if str(p).startswith(str(SH)) and p not in self._SUPPORTED:
                raise Unsupported(f"{p} on {shape}")

    # ---------------------------------------------------------------- queries for a top-level shape
    def queries(self) -> list[Query]:
        out: list[Query] = []
        for shape in self.shapes():
            if (shape, SH.deactivated, Literal(True)) in self.g:
                continue
            focus = "{ " + " UNION ".join(self._targets(shape)) + " }"
            out += self._shape_queries(shape, focus, shape)
        return out

    def _severity(self, shape: Any) -> str:
        value = self.g.value(shape, SH.severity)
        return str(value).rsplit("#", 1)[-1] if value is not None else "Violation"

    def _messages(self, node: Any) -> list[str]:
        return sorted(str(m) for m in self.g.objects(node, SH.message))

    def _finding(self, shape: Any, component: str, default: str, path: Any = None,
                 messages: list[str] | None = None) -> Callable[..., Finding]:
        own = messages if messages is not None else self._messages(shape)
        severity = self._severity(shape)
        comp = str(SH) + component
        text = self.path(path, infer=False) if path is not None else ""

        def make(focus: Any, value: Any = None) -> Finding:
            return Finding(focus, path, value, severity, own or [default], shape, comp, text)

        return make

    def _shape_queries(self, shape: Any, focus: str, top: Any) -> list[Query]:
        g = self.g
        self._refuse_unsupported(shape)
        out: list[Query] = []
        is_property = (shape, SH.path, None) in g
        label = str(g.value(shape, RDFS.label) or shape)
        if is_property:
            return self._property_queries(shape, focus, label)
        for component, ok, default in self.value_checks(shape):
            make = self._finding(shape, component, default)
            if isinstance(ok, _ClassCheck):  # as an anti-join: fast over many nodes
                text = f"SELECT DISTINCT ?this WHERE {{ {focus} MINUS {self.instances('?this', ok.cls)} }}"
            else:
                text = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER(!({ok('?this')})) }}"
            out.append(Query(text, f"{label}: {component}", lambda row, m=make: m(row[0], row[0])))
        for value in g.objects(shape, SH.hasValue):
            make = self._finding(shape, "HasValueConstraintComponent", f"the focus node must be {value}")
            text = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER(!sameTerm(?this, {self.term(value)})) }}"
            out.append(Query(text, f"{label}: hasValue", lambda row, m=make: m(row[0], row[0])))
        if (shape, SH.closed, Literal(True)) in g:
            allowed = {str(p) for prop in g.objects(shape, SH.property)
                       for p in [g.value(prop, SH.path)] if isinstance(p, URIRef)}
            for ignored in g.objects(shape, SH.ignoredProperties):
                allowed |= {str(p) for p in self._list(ignored)}
            make = self._finding(shape, "ClosedConstraintComponent", "a property the closed shape does not allow")
            exclude = f"FILTER(?p NOT IN ({', '.join(f'<{a}>' for a in sorted(allowed))}))" if allowed else ""
            text = f"SELECT DISTINCT ?this ?p ?o WHERE {{ {focus} ?this ?p ?o {exclude} }}"
            out.append(Query(text, f"{label}: closed",
                             lambda row, m=make: _with_path(m(row[0], row[2]), row[1])))
        for prop in g.objects(shape, SH.property):
            if (prop, SH.deactivated, Literal(True)) not in g:
                out += self._property_queries(prop, focus, label)
        for constraint in g.objects(shape, SH.sparql):
            out.append(self._sparql_query(shape, constraint, focus, label))
        return out

    def _property_queries(self, shape: Any, focus: str, label: str) -> list[Query]:
        g = self.g
        self._refuse_unsupported(shape)
        path_node = g.value(shape, SH.path)
        path = self.path(path_node)
        out: list[Query] = []
        show = path_node

        def q(text: str, name: str, make: Callable[..., Finding], value: bool) -> None:
            out.append(Query(text, f"{label} {_short(path_node)}: {name}",
                             (lambda row: make(row[0], row[1])) if value else (lambda row: make(row[0]))))

        for n in g.objects(shape, SH.minCount):
            make = self._finding(shape, "MinCountConstraintComponent",
                                 f"needs at least {_int(n)} value(s) of {_short(path_node)}", show)
            if _int(n) == 1:  # the common case, as an anti-join
                text = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?v }} }}"
            else:
                text = (f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?v }} }} GROUP BY ?this "
                        f"HAVING(COUNT(DISTINCT ?v) < {_int(n)})")
            q(text, "minCount", make, False)
        for n in g.objects(shape, SH.maxCount):
            make = self._finding(shape, "MaxCountConstraintComponent",
                                 f"allows at most {_int(n)} value(s) of {_short(path_node)}", show)
            text = (f"SELECT ?this WHERE {{ {focus} ?this {path} ?v }} GROUP BY ?this "
                    f"HAVING(COUNT(DISTINCT ?v) > {_int(n)})")
            q(text, "maxCount", make, False)
        for component, ok, default in self.value_checks(shape):
            make = self._finding(shape, component, default, show)
            if isinstance(ok, _ClassCheck):
                text = (f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {path} ?v "
                        f"MINUS {self.instances('?v', ok.cls)} }}")
            else:
                text = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {path} ?v FILTER(!({ok('?v')})) }}"
            q(text, component.replace("ConstraintComponent", ""), make, True)
        for value in g.objects(shape, SH.hasValue):
            make = self._finding(shape, "HasValueConstraintComponent", f"needs the value {value}", show)
            text = f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {self.term(value)} }} }}"
            q(text, "hasValue", make, False)
        if (shape, SH.uniqueLang, Literal(True)) in g:
            make = self._finding(shape, "UniqueLangConstraintComponent",
                                 "at most one value per language", show)
            text = (f"SELECT ?this ?l WHERE {{ {focus} ?this {path} ?v BIND(LANG(?v) AS ?l) FILTER(?l != \"\") }} "
                    "GROUP BY ?this ?l HAVING(COUNT(DISTINCT ?v) > 1)")
            q(text, "uniqueLang", make, False)
        for prop, name, test in ((SH.equals, "Equals", None), (SH.disjoint, "Disjoint", None),
                                 (SH.lessThan, "LessThan", "<"), (SH.lessThanOrEquals, "LessThanOrEquals", "<=")):
            for other in g.objects(shape, prop):
                o = f"<{other}>"
                make = self._finding(shape, f"{name}ConstraintComponent", f"{name} {_short(other)}", show)
                if name == "Equals":
                    text = (f"SELECT DISTINCT ?this ?v WHERE {{ {focus} {{ ?this {path} ?v FILTER NOT EXISTS "
                            f"{{ ?this {o} ?v }} }} UNION {{ ?this {o} ?v FILTER NOT EXISTS {{ ?this {path} ?v }} }} }}")
                elif name == "Disjoint":
                    text = f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {path} ?v . ?this {o} ?v }}"
                else:
                    text = (f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {path} ?v . ?this {o} ?w "
                            f"FILTER(!COALESCE(?v {test} ?w, false)) }}")
                q(text, name, make, True)
        for inner in g.objects(shape, SH.qualifiedValueShape):
            raise Unsupported(f"sh:qualifiedValueShape {inner}")
        if (shape, SH.sparql, None) in g:
            raise Unsupported("sh:sparql on a property shape")
        return out

    # ---------------------------------------------------------------- SHACL-SPARQL
    def _prefixes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for declaration in self.g.objects(None, SH.declare):
            prefix, ns = self.g.value(declaration, SH.prefix), self.g.value(declaration, SH.namespace)
            if prefix is not None and ns is not None:
                out[str(prefix)] = str(ns)
        return out

    def _sparql_query(self, shape: Any, constraint: Any, focus: str, label: str) -> Query:
        g = self.g
        select = g.value(constraint, SH.select)
        if select is None or (constraint, SH.deactivated, Literal(True)) in g:
            raise Unsupported("sh:sparql without sh:select")
        text = str(select)
        if re.search(r"\$(?!this\b)\w+", text):
            raise Unsupported("SHACL-SPARQL variables other than $this")
        text = re.sub(r"\$this\b", "?this", text)
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(self.prefixes.items()))
        # pre-binding $this: the focus nodes join the query's own pattern
        match = re.search(r"(?i)\bWHERE\s*\{", text)
        if not match:
            raise Unsupported("a SPARQL constraint without WHERE")
        text = text[:match.end()] + f" {focus} " + text[match.end():]
        severity = self._severity(constraint) if (constraint, SH.severity, None) in g else self._severity(shape)
        messages = self._messages(constraint) or self._messages(shape)
        comp = str(SH) + "SPARQLConstraintComponent"
        names: list[str] = []

        def make(row: tuple[Any, ...]) -> Finding:
            bound = dict(zip(names, row))
            value = bound.get("value", bound.get("this"))
            shown = [_fill(m, bound) for m in messages] or ["the SPARQL constraint is not met"]
            return Finding(bound.get("this"), bound.get("path"), value, severity, shown, shape, comp)

        return _SparqlQuery(prologue + text, f"{label}: sparql", make, names)


class _ClassCheck:
    """sh:class: an EXISTS expression, or (at the top level) an anti-join with the instances."""

    def __init__(self, compiler: Compiler, cls: str) -> None:
        self.compiler, self.cls = compiler, cls

    def __call__(self, v: str) -> str:
        return self.compiler.is_instance(v, self.cls)


@dataclass
class _SparqlQuery(Query):
    names: list[str] = field(default_factory=list)  # filled with the query's variables when it runs


def _int(node: Any) -> int:
    return int(str(node))


def _with_path(finding: Finding, path: Any) -> Finding:
    finding.path = path
    return finding


def _short(node: Any) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if isinstance(node, URIRef) else "path"


def _fill(message: str, bound: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        term = bound.get(match.group(1))
        return "" if term is None else str(term)

    return re.sub(r"\{[?$](\w+)\}", value, message)


def compile_shapes(shapes: rdflib.Graph, schema: Schema) -> list[Query]:
    """Every check of ``shapes`` as SPARQL; raises :class:`Unsupported` for what is not covered."""
    return Compiler(shapes, schema).queries()


def run(queries: list[Query], select: Callable[[str], tuple[list[str], list[tuple[Any, ...]]]],
        progress: Callable[[str], None] | None = None) -> Iterator[Finding]:
    """Run compiled queries through ``select(text) -> (variables, rows)``; yield findings."""
    for query in queries:
        names, rows = select(query.text)
        if isinstance(query, _SparqlQuery):
            query.names[:] = names
        for row in rows:
            yield query.make(row)
        if progress is not None:
            progress(query.label)


def ox_select(store: ox.Store) -> Callable[[str], tuple[list[str], list[tuple[Any, ...]]]]:
    """``select`` over the union of all graphs of an Oxigraph store, in rdflib terms."""
    from kg_connect._terms import to_rdflib

    def select(text: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        result = store.query(text, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        return names, [tuple(to_rdflib(t) for t in row) for row in result]  # type: ignore[union-attr]

    return select
