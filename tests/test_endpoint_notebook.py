"""examples/05-endpoint.ipynb against Virtuoso, in real JupyterLab and headless Chromium: the
table, the graph, the explorer and a trail come from the server; the exported page works
from file:// with the network blocked.

Needs Debian's chromium and virtuoso-opensource (installed by `make test`). In CI a missing
one fails these tests; elsewhere they are skipped with a reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from browsing import block_outside, open_example, painted, run_all, save
from servers import STORY_GRAPH

from conftest import EXAMPLES
from kg_connect import KnowledgeGraph

pytestmark = pytest.mark.browser
KGC = [sys.executable, "-m", "kg_connect"]


@pytest.fixture(scope="module")
def story_on_virtuoso(virtuoso):
    writer = KnowledgeGraph.connect(virtuoso["query"], update_url=virtuoso["update"], read_only=False,
                                    auth=httpx.DigestAuth("dba", "dba"), default_graph=STORY_GRAPH)
    if not writer.query("ASK { ?s ?p ?o }").boolean:
        writer.load(EXAMPLES / "data" / "story.ttl", graph=STORY_GRAPH)
    saved = {k: os.environ.get(k) for k in ("KG_CONNECT_ENDPOINT", "KG_CONNECT_DEFAULT_GRAPH")}
    os.environ["KG_CONNECT_ENDPOINT"] = virtuoso["query"]  # JupyterLab (started next) passes it to its kernels
    os.environ["KG_CONNECT_DEFAULT_GRAPH"] = STORY_GRAPH
    yield virtuoso
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def ready_frames(page, count: int, timeout: float = 120) -> list:
    """The live views' pages, once ``count`` of them have drawn (scrolled into view to paint)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        frames = []
        for handle in page.locator(".kgc-explorer-frame").element_handles():
            frame = handle.content_frame()
            try:
                handle.scroll_into_view_if_needed()
                if frame and frame.evaluate("() => document.body.dataset.settled === '1' || "
                                            "document.body.dataset.ready === '1'"):
                    frames.append(frame)
            except Exception:  # noqa: BLE001 - replaced while we asked
                pass
        if len(frames) >= count:
            return frames
        time.sleep(0.5)
    raise AssertionError(f"fewer than {count} views drew in {timeout:g} s")


def test_the_endpoint_notebook_on_virtuoso(story_on_virtuoso, lab, browser, tmp_path):
    page = open_example(browser, lab, "05-endpoint.ipynb", "endpoint")
    here = lab["root"] / "examples"
    fetched: list[str] = []
    block_outside(page, lab["base"], fetched)
    run_all(page)
    page.wait_for_function("() => document.body.innerText.includes('Most like')", timeout=120_000)
    frames = ready_frames(page, 3)  # the graph of the CONSTRUCT, the explorer, the trail
    trail = next(f for f in frames if f.evaluate("() => !!window.kgcTrail"))
    assert trail.locator(".kgc-trail-idea").inner_text() == "social app store" and painted(trail) > 2_000
    assert any(painted(f) > 5_000 for f in frames if f is not trail)
    # the capped table (--max-rows 20): counted on the server, and the next 20 rows on request
    capped = page.locator(".kgc-live").filter(has=page.locator(".kgc-fetch"))
    capped.scroll_into_view_if_needed()
    status = capped.locator(".kgc-status")
    total = len(KnowledgeGraph().load(EXAMPLES / "data" / "story.ttl"))
    assert status.inner_text().strip() == f"showing 1–20 of 20 fetched ({total:,} in all)"
    capped.locator(".kgc-fetch").click()
    page.wait_for_function("() => [...document.querySelectorAll('.kgc-live .kgc-status')].some("
                           "s => s.textContent.includes('of 40 fetched'))", timeout=60_000)
    assert capped.locator("tbody tr").count() == 40
    assert fetched == []  # the kernel asked Virtuoso; the page asked nothing outside JupyterLab
    save(page)
    import nbformat

    nb = nbformat.read(here / "05-endpoint.ipynb", as_version=4)
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("data", {}).get("text/html", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert f"<KnowledgeGraph endpoint {story_on_virtuoso['query']}>" in text
    assert "David Wilcox" in text and "showing 1–" in text  # the table, from Virtuoso
    out = tmp_path / "endpoint.html"
    subprocess.run([*KGC, "export", str(here / "05-endpoint.ipynb"), "-o", str(out)], check=True,
                   capture_output=True, timeout=300)
    view = browser.new_page(viewport={"width": 1300, "height": 900})
    offline: list[str] = []
    block_outside(view, "file:", offline)
    view.goto(out.as_uri())
    view.wait_for_selector("iframe.kgc-graph", state="attached", timeout=60_000)
    handles = view.locator("iframe.kgc-graph").element_handles()
    assert len(handles) >= 3
    end = time.monotonic() + 60
    drawn = 0
    while time.monotonic() < end and drawn < 3:
        drawn = 0
        for h in handles:
            h.scroll_into_view_if_needed()
            f = h.content_frame()
            if f.evaluate("() => document.body.dataset.settled === '1' || document.body.dataset.ready === '1'"):
                drawn += 1
        time.sleep(0.5)
    assert drawn >= 3 and offline == []
    view.close()
    page.close()
