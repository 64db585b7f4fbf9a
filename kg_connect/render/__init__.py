"""Rendering: query results to JSON pages for the browser and to static, escaped HTML;
graphs to networks (:func:`network`) and self-contained pages (:func:`graph_document`).

Nothing here imports IPython or ipywidgets: every view a widget shows can be produced
and tested with a plain function call.
"""

from __future__ import annotations

from kg_connect._text import visible
from kg_connect.render._document import graph_document
from kg_connect.render._network import LAYOUTS, Network, find_nodes, network
from kg_connect.render._results import page, results_html, sort_order, spreadsheet_csv
from kg_connect.render._summary import graph_html, report_html

__all__ = ["LAYOUTS", "Network", "find_nodes", "graph_document", "graph_html", "network", "page", "report_html",
           "results_html", "sort_order", "spreadsheet_csv", "visible"]
