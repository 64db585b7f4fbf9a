"""Jupyter widgets: thin adapters over kg_connect.render and the library.

Importing this package needs ipywidgets and anywidget (``pip install 'kg_connect[notebook]'``).
"""

from __future__ import annotations

from kg_connect.widgets._editor import SparqlEditor
from kg_connect.widgets._explorer import Explorer, explore
from kg_connect.widgets._results import ResultsView
from kg_connect.widgets._sheets import SheetsUpload, upload_sheets
from kg_connect.widgets._trail import IdeaExplorer, ShapeView, TrailView, explore_idea, explore_shape

__all__ = ["Explorer", "IdeaExplorer", "ResultsView", "SheetsUpload", "ShapeView", "SparqlEditor", "TrailView",
           "explore", "explore_idea", "explore_shape", "upload_sheets"]
