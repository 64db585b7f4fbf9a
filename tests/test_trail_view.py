"""The idea-trail view in a real JupyterLab and headless Chromium: examples/04-ideas-at-iswc.ipynb
run top to bottom; the slider and the play button change what is drawn; a click reaches
Python and opens the explorer; the exported notebook and the saved trail work from file://
with the network blocked; hostile labels stay text.

Needs Debian's chromium (installed by `make test`). In CI a missing browser fails these
tests; elsewhere they are skipped with a reason.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from browsing import (
    block_outside,
    in_kernel,
    open_example,
    painted,
    run_all,
    save,
    screenshot_path,
)

pytestmark = pytest.mark.browser

KGC = [sys.executable, "-m", "kg_connect"]
VISIBLE = "() => window.kgcTrail.nodes.get({ filter: (n) => !n.hidden && !n.lane }).length"
ARROWS = "() => window.kgcTrail.edges.get({ filter: (e) => !e.hidden }).length"


def trail_frame(page, timeout: float = 120):
    """The live trail view's page once it has drawn (looked up afresh: JupyterLab may render an
    output more than once while the notebook runs)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for handle in page.locator(".kgc-explorer-frame").element_handles():
            frame = handle.content_frame()
            try:
                if frame and frame.evaluate("() => !!window.kgcTrail"):
                    # Chromium paints no iframe out of sight, so the trail draws once in view
                    handle.scroll_into_view_if_needed()
                    if frame.evaluate("() => document.body.dataset.ready === '1'"):
                        return frame
            except Exception:  # noqa: BLE001 - the frame was replaced while we asked
                pass
        time.sleep(0.3)
    raise AssertionError(f"the trail view did not draw in {timeout:g} s")


def slide(frame, value: int) -> None:
    frame.evaluate("""(v) => { const s = document.querySelector('.kgc-slider'); s.value = String(v);
                       s.dispatchEvent(new Event('input')); }""", value)


def check_slider_and_play(frame) -> None:
    last = int(frame.evaluate("() => window.kgcTrail.doc.steps.length")) - 1
    everything = frame.evaluate(VISIBLE)
    assert last > 3 and everything > 3
    slide(frame, 0)
    first = frame.evaluate(VISIBLE)
    assert 1 <= first < everything and frame.evaluate(ARROWS) == 0
    assert frame.locator(".kgc-status").inner_text().startswith(f"showing {first} of {everything} events")
    assert frame.locator(".kgc-mentions tr.kgc-later").count() > 0  # later mentions greyed in the table
    frame.locator(".kgc-play").click()
    seen = {first}
    end = time.monotonic() + 3 + 0.8 * last
    while time.monotonic() < end and max(seen) < everything:
        time.sleep(0.25)
        seen.add(frame.evaluate(VISIBLE))
    assert max(seen) == everything and len(seen) >= 3, f"play drew {sorted(seen)}"
    assert frame.evaluate(ARROWS) > 0
    frame.wait_for_function("() => document.querySelector('.kgc-play').textContent.endsWith('play')",
                            timeout=5_000)  # it stops at the end


@pytest.fixture(scope="module")
def iswc_page(lab, browser):
    page = open_example(browser, lab, "04-ideas-at-iswc.ipynb", "iswc")
    here = lab["root"] / "examples"
    fetched: list[str] = []
    block_outside(page, lab["base"], fetched)
    run_all(page)
    frame = trail_frame(page)
    yield {"page": page, "frame": frame, "dir": here, "fetched": fetched}
    page.close()


def test_the_trail_view_draws_and_replays_the_spread(iswc_page, lab):
    page, frame = iswc_page["page"], iswc_page["frame"]
    assert painted(frame) > 5_000
    assert frame.locator(".kgc-trail-idea").inner_text() == "Linked Data"
    # recorded and inferred hops are drawn differently; here every hop is inferred: dashed
    dashes = frame.evaluate("() => window.kgcTrail.edges.get().map(e => !!e.dashes)")
    assert dashes and all(dashes)
    assert frame.locator(".kgc-apart-list li").count() > 0  # groups with no recorded contact, apart
    check_slider_and_play(frame)
    page.screenshot(path=str(screenshot_path(lab, "trail-view.png")))
    assert iswc_page["fetched"] == []


def test_clicking_an_event_reaches_python_and_opens_the_explorer(iswc_page):
    page, frame = iswc_page["page"], iswc_page["frame"]
    before = page.locator(".kgc-explorer-frame").count()
    event = frame.evaluate("() => window.kgcTrail.doc.events[window.kgcTrail.doc.events.length - 1].id")
    frame.evaluate("(id) => window.kgcTrail.network.focus(id, { scale: 1.2, animation: false })", event)
    time.sleep(0.3)
    where = frame.evaluate("(id) => kgcTrail.network.canvasToDOM(kgcTrail.network.getPositions([id])[id])", event)
    frame.locator(".kgc-canvas").click(position=where)
    frame.wait_for_function("() => document.querySelector('.kgc-details-label') !== null")
    assert in_kernel(page, "print(view.selected)").strip() == event
    page.wait_for_function(f"() => document.querySelectorAll('.kgc-explorer-frame').length > {before}",
                           timeout=60_000)
    # the idea picker: another idea redraws the trail
    in_kernel(page, "view.show('SPARQL')")
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            again = trail_frame(page, timeout=5)
            if again.locator(".kgc-trail-idea").inner_text() == "SPARQL":
                break
        except AssertionError:
            pass
        time.sleep(0.5)
    else:
        raise AssertionError("the trail of SPARQL was not drawn")


def test_the_exported_notebook_and_the_saved_trail_work_offline(iswc_page, browser, tmp_path):
    page = iswc_page["page"]
    save(page)
    saved = iswc_page["dir"] / "04-ideas-at-iswc.ipynb"
    out = tmp_path / "iswc.html"
    subprocess.run([*KGC, "export", str(saved), "-o", str(out)], check=True, capture_output=True, timeout=300)
    text = out.read_text()
    from kg_connect.render._document import vis_library

    assert text.count(vis_library()[0][:400]) == 1  # the trail and the shape share one vis-network
    plain = tmp_path / "plain.html"  # plain nbconvert: the static copies carry their own library
    subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "html", str(saved),
                    "--output", str(plain)], check=True, capture_output=True, timeout=300)
    for path in (out, plain, iswc_page["dir"] / "linked-data-trail.html"):
        fetched: list[str] = []
        view = browser.new_page(viewport={"width": 1300, "height": 900})
        block_outside(view, "file:", fetched)
        view.goto(path.as_uri())
        if path != iswc_page["dir"] / "linked-data-trail.html":
            view.wait_for_selector("iframe.kgc-graph", state="attached", timeout=60_000)
            frames = [h.content_frame() for h in view.locator("iframe.kgc-graph").element_handles()]
            frame = None
            end = time.monotonic() + 60
            while frame is None and time.monotonic() < end:
                for f in frames:
                    f.frame_element().scroll_into_view_if_needed()
                    if f.evaluate("() => !!window.kgcTrail && document.body.dataset.ready === '1'"):
                        frame = f
                        break
                time.sleep(0.3)
            assert frame is not None, "no trail in the export"
            frame.frame_element().scroll_into_view_if_needed()
        else:
            view.wait_for_function("() => !!window.kgcTrail && document.body.dataset.ready === '1'", timeout=60_000)
            frame = view.main_frame
        assert painted(frame) > 5_000
        check_slider_and_play(frame)
        # plain nbconvert's own page asks for require.js and MathJax (refused); the trail needs nothing
        assert all(not u.startswith("file:") for u in fetched) if path == plain else fetched == [], fetched
        view.close()


HOSTILE = """
@prefix kgc: <https://w3id.org/kg-connect/ns#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix e: <https://e.org/hostile/> .
e:idea a kgc:Idea ; skos:prefLabel "<img src=x onerror=window.kgcPwned=1>" .
e:p a foaf:Person ; foaf:name "</script><script>window.kgcPwned=2</script>" .
e:g a foaf:Group ; foaf:name "<b onmouseover=window.kgcPwned=3>group</b>" ; foaf:member e:p .
e:e1 a schema:Event ; rdfs:label "<svg onload=window.kgcPwned=4>" ; schema:startDate "2020-01-01"^^xsd:date ;
  schema:attendee e:p ; prov:qualifiedUsage e:m1 .
e:e2 a schema:Event ; rdfs:label "ev2 \\u202Egnp.exe" ; schema:startDate "2020-02-01"^^xsd:date ;
  schema:attendee e:p ; prov:qualifiedUsage e:m2 .
e:m1 a kgc:IdeaMention ; prov:entity e:idea ; prov:atTime "2020-01-01T10:00:00Z"^^xsd:dateTime ;
  prov:hadRole kgc:presented ; kgc:carriedBy e:p .
e:m2 a kgc:IdeaMention ; prov:entity e:idea ; prov:atTime "2020-02-01T10:00:00Z"^^xsd:dateTime ;
  prov:hadRole kgc:discussed ; kgc:carriedBy e:p .
"""


def test_hostile_labels_stay_text_in_the_trail(browser, tmp_path):
    import kg_connect
    from kg_connect.render._trail import trail_page

    kg = kg_connect.KnowledgeGraph().load(HOSTILE, format="turtle")
    path = tmp_path / "hostile-trail.html"
    path.write_text(trail_page(kg_connect.trace(kg, "https://e.org/hostile/idea")))
    dialogs: list[str] = []
    view = browser.new_page(viewport={"width": 1300, "height": 900})
    view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    fetched: list[str] = []
    block_outside(view, "file:", fetched)
    view.goto(path.as_uri())
    view.wait_for_function("() => !!window.kgcTrail && document.body.dataset.ready === '1'", timeout=60_000)
    assert view.locator(".kgc-trail-idea").inner_text() == "<img src=x onerror=window.kgcPwned=1>"
    table = view.locator(".kgc-mentions").inner_text()
    assert "<svg onload=window.kgcPwned=4>" in table and "</script><script>window.kgcPwned=2</script>" in table
    assert "⟨U+202E⟩" in table  # a direction override is shown, not obeyed
    view.locator(".kgc-canvas").hover()
    view.evaluate("() => window.kgcTrail.show(0)")
    view.locator(".kgc-play").click()
    time.sleep(1.5)
    assert view.evaluate("() => window.kgcPwned") is None and dialogs == [] and fetched == []
    view.close()
