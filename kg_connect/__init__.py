"""kg_connect: a knowledge graph of people, organisations, events and ideas, for Jupyter.

>>> from kg_connect import KnowledgeGraph
>>> kg = KnowledgeGraph()            # embedded Oxigraph, in memory
>>> len(kg)
0
"""

from __future__ import annotations

from kg_connect._graph import KnowledgeGraph
from kg_connect._resources import ontology_graph, shapes_graph
from kg_connect._results import Results
from kg_connect._terms import KGC, PREFIXES
from kg_connect._validation import ValidationReport, validate
from kg_connect.errors import (
    EndpointError,
    KgConnectError,
    LoadError,
    MissingDependencyError,
    QueryError,
    SaveError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "KGC",
    "PREFIXES",
    "EndpointError",
    "KgConnectError",
    "KnowledgeGraph",
    "LoadError",
    "MissingDependencyError",
    "QueryError",
    "Results",
    "SaveError",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "ontology_graph",
    "shapes_graph",
    "validate",
]
