"""Namespaces, predeclared prefixes and conversion between rdflib and pyoxigraph terms.

kg_connect's public term types are rdflib's (``URIRef``, ``Literal``, ``BNode``):
they are what most Python RDF code speaks. pyoxigraph terms are accepted as input too.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import logging
import sys
import warnings
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import XSD

from kg_connect.errors import KgConnectError

__all__ = ["KGC", "PREFIXES", "to_oxigraph", "to_rdflib"]

KGC = Namespace("https://w3id.org/kg-connect/ns#")
"""The kg_connect ontology namespace (prefix ``kgc``)."""

#: Prefixes every query and update may use without declaring them.
PREFIXES: dict[str, str] = {
    "kgc": str(KGC),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sioc": "http://rdfs.org/sioc/ns#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "sh": "http://www.w3.org/ns/shacl#",
}

_XSD_STRING = str(XSD.string)
_XSD_BOOLEAN = str(XSD.boolean)
_BOOLEANS = frozenset({"true", "false", "1", "0"})
_OX_XSD_STRING = ox.NamedNode(_XSD_STRING)


class _IllTypedFromUs(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it is handed ("Failed to convert
    Literal lexical form to value"). When the literal comes through kg_connect the term is
    kept as it is (``Literal.ill_typed``) and validation reports it with its focus node, so
    the traceback is dropped; rdflib's own calls are left alone. Runs only when rdflib logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("Failed to convert Literal lexical form"):
            return True
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_globals.get("__name__", "").startswith("kg_connect."):
                return False
            frame = frame.f_back  # type: ignore[assignment]
        return True


logging.getLogger("rdflib.term").addFilter(_IllTypedFromUs())


def to_rdflib(term: Any) -> Any:
    """Convert a pyoxigraph term to the equivalent rdflib term.

    Plain literals come back without a datatype, as rdflib writes them. Lexical forms are
    kept exactly (rdflib's normalisation would turn ``"1"^^xsd:float`` into ``"1.0"``).

    >>> to_rdflib(ox.Literal("x"))
    rdflib.term.Literal('x')
    >>> to_rdflib(ox.NamedNode("http://example.org/a"))
    rdflib.term.URIRef('http://example.org/a')
    """
    if term is None:
        return None
    cls = type(term)
    if cls is ox.NamedNode:
        # pyoxigraph has validated the IRI already: skip rdflib's check (4x faster)
        return str.__new__(URIRef, term.value)
    if cls is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return Literal(term.value)
        if dt == _XSD_BOOLEAN and term.value not in _BOOLEANS:
            with warnings.catch_warnings():  # an ill-typed boolean: validation reports it, not rdflib
                warnings.simplefilter("ignore")
                return Literal(term.value, datatype=URIRef(dt), normalize=False)
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
    if cls is ox.BlankNode:
        return BNode(term.value)
    if cls is ox.DefaultGraph:
        return None
    if cls is ox.Triple:
        raise KgConnectError(f"RDF 1.2 triple terms (<< ... >>) are not supported yet: {term}")
    raise TypeError(f"cannot convert {term!r} to an rdflib term")


def to_oxigraph(value: Any) -> Any:
    """Convert an rdflib term, a pyoxigraph term or a plain Python value to a pyoxigraph term.

    Python values become typed literals: ``str`` → xsd:string, ``bool`` → xsd:boolean,
    ``int`` → xsd:integer, ``float`` → xsd:double, ``Decimal`` → xsd:decimal,
    ``datetime`` → xsd:dateTime, ``date`` → xsd:date.

    >>> to_oxigraph(42)
    <Literal value=42 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    >>> to_oxigraph(URIRef("http://example.org/a"))
    <NamedNode value=http://example.org/a>
    """
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if isinstance(value, URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, BNode):
        return ox.BlankNode(str(value))
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype is not None:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    return to_oxigraph(python_to_rdflib(value))


def python_to_rdflib(value: Any) -> Any:
    """Convert a plain Python value (or an rdflib/pyoxigraph term) to an rdflib term.

    >>> python_to_rdflib(True)
    rdflib.term.Literal('true', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#boolean'))
    """
    if isinstance(value, (URIRef, Literal, BNode)):
        return value
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return to_rdflib(value)
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(str(value), datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(repr(value), datatype=XSD.double)
    if isinstance(value, decimal.Decimal):
        return Literal(str(value), datatype=XSD.decimal)
    if isinstance(value, _dt.datetime):
        return Literal(value.isoformat(), datatype=XSD.dateTime)
    if isinstance(value, _dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, str):
        return Literal(value)
    raise TypeError(
        f"cannot use {type(value).__name__} {value!r} as an RDF term; "
        "pass a URIRef, Literal, str, int, float, Decimal, bool, date or datetime"
    )
