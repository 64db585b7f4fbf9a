"""Importers: data in other vocabularies mapped into ours (people, organisations, events,
ideas and their mentions). ``swdf``: Semantic Web Dog Food conference data."""

from __future__ import annotations

from kg_connect.importers.swdf import SwdfImport, import_swdf

__all__ = ["SwdfImport", "import_swdf"]
