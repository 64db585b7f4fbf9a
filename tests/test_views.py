"""The trail and shape views built in Python (no browser): what they hold and write. The
browser tests are in tests/test_trail_view.py."""

from __future__ import annotations

import json
import re

import pytest

import kg_connect
from conftest import EXAMPLES
from kg_connect import KgConnectError, KnowledgeGraph


@pytest.fixture(scope="module")
def story():
    return KnowledgeGraph().load(EXAMPLES / "data" / "story.ttl")


def page_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="kgc-graph">(.*?)</script>', page, re.DOTALL)
    return json.loads(found.group(1))


def test_explore_idea_picks_shows_and_exports(story, tmp_path):
    view = kg_connect.explore_idea(story)
    labels = [label for label, _ in view.picker.options]
    counts = [int(re.search(r"\((\d+) mentions?\)", label).group(1)) for label in labels]
    assert counts == sorted(counts, reverse=True) and view.idea == view.picker.options[0][1]
    view.show("social app store")
    assert view.trail.label == "social app store" and repr(view).startswith("<IdeaExplorer 'social app store'")
    doc = page_data(view.export(tmp_path / "trail.html").read_text())
    assert doc["viewer"] == "trail" and doc["live"] is False
    assert [e["label"][:10] for e in sorted(doc["events"], key=lambda e: e["step"])] == ["Asset Base", "Kent Conne"]
    hop = doc["hops"][0]
    assert hop["explicit"] and hop["label"] == "David Wilcox" and not hop["reasons"][0].startswith("recorded:")
    assert doc["apart"] and "no recorded contact" not in doc["summary"].split(";")[0]
    live = page_data(view.view.document)
    assert live["live"] is True and live["view"] == view.static_id
    assert 'class="kgc-static"' not in view.static_html() and "srcdoc=" in view.static_html()
    with pytest.raises(KgConnectError, match="no idea is labelled 'no such idea'"):
        view.show("no such idea")
    with pytest.raises(KgConnectError, match="no idea is mentioned in this graph"):
        kg_connect.explore_idea(KnowledgeGraph().load(EXAMPLES / "data" / "swdf" / "iswc-2010-complete.rdf"))


def test_explore_shape_draws_the_projection_beside_its_verdict():
    kg = KnowledgeGraph().load(EXAMPLES / "data" / "model-1-join-us.ttl")
    view = kg_connect.explore_shape(kg, "social")
    assert view.verdict.model == "join-us"
    g = kg_connect.analysis.projection(kg, "social")
    for edge in view.network.edges:  # drawn in the projection's direction, labelled with the kind of tie
        assert g.has_edge(edge["from"], edge["to"]) and edge["label"] == g.edges[edge["from"], edge["to"]]["link"]
    page = view._repr_html_()
    assert '<iframe class="kgc-graph"' in page and "Most like “join us”" in page and "(hub)" in page
