"""Stores behind ``KnowledgeGraph``: one small interface, several implementations."""

from __future__ import annotations

import os

from kg_connect._backends._base import Backend, Quad, RawResult

__all__ = ["BACKENDS", "Backend", "Quad", "RawResult", "make_backend"]

BACKENDS = ("oxigraph", "rdflib")


def make_backend(name: str, path: str | os.PathLike[str] | None = None) -> Backend:
    """Create the backend called ``name`` (``oxigraph`` or ``rdflib``)."""
    if name == "oxigraph":
        from kg_connect._backends._oxigraph import OxigraphBackend

        return OxigraphBackend(path)
    if name == "rdflib":
        if path is not None:
            raise ValueError("the rdflib backend is in memory only; use backend='oxigraph' with path=")
        from kg_connect._backends._rdflib import RdflibBackend

        return RdflibBackend()
    raise ValueError(f"unknown backend {name!r}; expected one of: {', '.join(BACKENDS)}")
