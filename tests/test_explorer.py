"""The graph explorer in a real JupyterLab, driven in headless Chromium; its exports opened
from file:// with the network blocked; hostile labels; the ISWC 2010 data.

Needs Debian's chromium (installed by `make test`). In CI a missing browser fails these
tests; elsewhere they are skipped with a reason.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from browsing import (
    block_outside,
    in_kernel,
    kernel_notebook,
    need_browser,
    open_notebook,
    painted,
    run_all,
    save,
    screenshot_path,
)

from conftest import DATA, EXAMPLES, SWDF

pytestmark = pytest.mark.browser

STORY_NS = "https://w3id.org/kg-connect/examples/story/"
WILCOX = STORY_NS + "person/david-wilcox"
TOM = STORY_NS + "person/tom-phillips"
KGC = [sys.executable, "-m", "kg_connect"]


# ---------------------------------------------------------------------- helpers
def live_frame(page, index: int = 0, timeout: float = 90):
    """The ``index``-th live explorer's page (the iframe inside the widget), once it has settled.

    JupyterLab may render an output (and so the widget's iframe) more than once while a
    notebook runs, so the frame is looked up afresh until one has settled."""
    end = time.monotonic() + timeout
    while True:
        frames = page.locator(".kgc-explorer-frame")
        if frames.count() > index:
            handle = frames.nth(index).element_handle()
            frame = handle.content_frame() if handle else None
            try:
                if frame and frame.evaluate("() => !!document.body && document.body.dataset.settled === '1'"):
                    # an iframe out of sight is not painted by Chromium: bring it into view
                    frames.nth(index).scroll_into_view_if_needed()
                    frame.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                    return frame
            except Exception:  # noqa: BLE001 - the frame was replaced while we asked
                pass
        if time.monotonic() > end:
            raise AssertionError(f"explorer view {index} did not settle in {timeout:g} s")
        time.sleep(0.3)


def static_frames(page, timeout: float = 60):
    """Every graph page of an exported document, once each has settled."""
    page.wait_for_selector("iframe.kgc-graph", state="attached", timeout=timeout * 1000)
    out = []
    for handle in page.locator("iframe.kgc-graph").element_handles():
        frame = handle.content_frame()
        frame.wait_for_function("() => document.body && document.body.dataset.settled === '1'", timeout=timeout * 1000)
        out.append(frame)
    return out


def drawn(frame) -> int:
    return int(frame.locator(".kgc-status").get_attribute("data-drawn"))


def node_at(frame, node_id: str) -> dict:
    """Where node ``node_id`` is drawn, relative to the canvas element (after bringing it into view)."""
    where = "id => kgcNetwork.getPositions([id])[id]"
    end, last = time.monotonic() + 20, frame.evaluate(where, node_id)
    while time.monotonic() < end:  # wait until physics has stopped moving it
        time.sleep(0.25)
        now = frame.evaluate(where, node_id)
        if abs(now["x"] - last["x"]) + abs(now["y"] - last["y"]) < 0.5:
            break
        last = now
    frame.evaluate("id => kgcNetwork.focus(id, { scale: 1.2, animation: false })", node_id)
    time.sleep(0.3)
    return frame.evaluate("id => kgcNetwork.canvasToDOM(kgcNetwork.getPositions([id])[id])", node_id)


def click_node(frame, node_id: str, double: bool = False) -> None:
    where = node_at(frame, node_id)
    canvas = frame.locator(".kgc-canvas")
    if double:
        canvas.dblclick(position=where)
    else:
        canvas.click(position=where)


def wait_drawn(frame, check, timeout: float = 30) -> int:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        n = drawn(frame)
        if check(n):
            return n
        time.sleep(0.2)
    raise AssertionError(f"the view still draws {drawn(frame)} nodes")


def canaries(page) -> list:
    """window.kgcPwned in the page and in every frame: set only if a payload ran."""
    found = []
    for frame in page.frames:
        try:
            value = frame.evaluate("() => window.kgcPwned")
        except Exception:  # noqa: BLE001 - a frame that went away
            continue
        if value is not None:
            found.append((frame.url[:60], value))
    return found


# ---------------------------------------------------------------------- the example notebook
@pytest.fixture(scope="module")
def explored(lab, browser):
    """examples/03-explore.ipynb run in JupyterLab: the page, the first view's frame."""
    here = lab["root"] / "examples"
    shutil.copytree(EXAMPLES, here, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.html"))
    page = open_notebook(browser, lab, "examples/03-explore.ipynb", "explore")
    fetched: list[str] = []
    block_outside(page, lab["base"], fetched)
    run_all(page)
    frame = live_frame(page)
    page.wait_for_function("() => document.querySelectorAll('.kgc-explorer-frame').length >= 4", timeout=90_000)
    yield {"page": page, "frame": frame, "fetched": fetched, "dir": here}
    page.close()


def test_the_explorer_draws_the_story_around_its_focus(explored):
    page, frame = explored["page"], explored["frame"]
    assert painted(frame) > 5_000
    status = frame.locator(".kgc-status").inner_text()
    assert status.endswith("nodes") and drawn(frame) > 20
    legend = frame.locator(".kgc-legend-name").all_inner_texts()
    assert {"person", "event", "idea", "idea mention"} <= set(legend)
    # the view sits where the static copy was: the copy is hidden (and unloaded), nothing says "error"
    assert page.locator(".kgc-static:visible").count() == 0
    assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()
    page.screenshot(path=str(screenshot_path(explored["dir"], "explorer.png")))


def test_search_finds_and_focuses_a_node_with_the_keyboard(explored):
    frame = explored["frame"]
    box = frame.locator(".kgc-search")
    box.fill("tom phil")
    frame.wait_for_selector(".kgc-found-item")
    assert frame.locator(".kgc-found-item").first.inner_text() == "Tom Phillips"
    box.press("ArrowDown")
    assert "kgc-active" in frame.locator(".kgc-found-item").first.get_attribute("class")
    box.press("Enter")
    frame.wait_for_function("() => document.querySelector('.kgc-details-label') && "
                            "document.querySelector('.kgc-details-label').textContent === 'Tom Phillips'")
    assert frame.evaluate("kgcNetwork.getSelectedNodes()") == [TOM]
    # a node not drawn is looked up in the whole graph by the kernel (Enter)
    box.fill("Kent Connects Developing")
    frame.wait_for_function("() => document.querySelector('.kgc-found') && document.querySelector('.kgc-found').textContent"
                            ".length > 0")
    if frame.locator(".kgc-found-none").count():
        box.press("Enter")
        frame.wait_for_selector(".kgc-found-item", timeout=15_000)
    assert "Kent Connects Developing Solutions Camp" in frame.locator(".kgc-found").inner_text()
    box.press("Escape")


def test_a_class_filter_changes_what_is_drawn(explored):
    frame = explored["frame"]
    before = drawn(frame)
    row = frame.locator(".kgc-legend-row", has_text="idea mention")
    count = int(row.locator(".kgc-legend-count").inner_text())
    row.locator("input").uncheck()
    assert drawn(frame) == before - count
    assert frame.evaluate("kgcNetwork.body.data.nodes.length") == before - count
    row.locator("input").check()
    assert drawn(frame) == before


def test_clicking_a_node_shows_its_details_and_python_sees_it(explored):
    page, frame = explored["page"], explored["frame"]
    click_node(frame, WILCOX)
    frame.wait_for_function("() => document.querySelector('.kgc-details-label') && "
                            "document.querySelector('.kgc-details-label').textContent === 'David Wilcox'")
    details = frame.locator(".kgc-details").inner_text()
    assert "foaf:Person" in details and WILCOX in details
    assert "Social reporter" in details and "@en" in details  # a literal with its language
    assert "links out" in details and "links in" in details
    deadline = time.monotonic() + 15
    while in_kernel(page, "print(view.selected)").strip() != WILCOX and time.monotonic() < deadline:
        time.sleep(0.3)
    assert in_kernel(page, "print(view.selected)").strip() == WILCOX
    # a name in the details panel is a link: it focuses that node
    frame.locator(".kgc-links .kgc-link", has_text="Tom Phillips").first.click()
    frame.wait_for_function("() => document.querySelector('.kgc-details-label').textContent === 'Tom Phillips'")
    # and Python drives the view: focus() selects in the browser
    in_kernel(page, f"view.focus({WILCOX!r})")
    frame.wait_for_function("() => document.querySelector('.kgc-details-label').textContent === 'David Wilcox'")


def test_expand_adds_neighbours_and_undo_takes_them_back(explored):
    page, frame = explored["page"], explored["frame"]
    # a drawn node whose badge says some of its neighbours are not drawn
    badges = frame.evaluate("() => kgcBadges()")
    assert badges, "no drawn node has neighbours left to show"
    node = max(badges, key=badges.get)
    before = drawn(frame)
    click_node(frame, node)
    assert "not drawn" in frame.locator(".kgc-details .kgc-not-drawn").inner_text()
    frame.wait_for_selector(".kgc-details .kgc-expand")
    frame.locator(".kgc-details .kgc-expand").click()
    after = wait_drawn(frame, lambda n: n > before)
    assert int(in_kernel(page, "print(len(view.nodes))")) >= after - 1
    frame.locator(".kgc-undo").click()
    wait_drawn(frame, lambda n: n == before)
    # a double-click expands too
    click_node(frame, node, double=True)
    wait_drawn(frame, lambda n: n > before)
    frame.locator(".kgc-undo").click()
    wait_drawn(frame, lambda n: n == before)
    assert explored["fetched"] == []


def test_pin_hide_layout_physics_and_fit(explored):
    frame = explored["frame"]
    click_node(frame, TOM)
    frame.locator(".kgc-details .kgc-pin").click()
    assert frame.evaluate("id => kgcNetwork.body.nodes[id].options.fixed.x", TOM) is True
    before = drawn(frame)
    frame.locator(".kgc-details .kgc-hide").click()
    assert drawn(frame) == before - 1
    frame.locator(".kgc-search").fill("Tom Phillips")
    frame.locator(".kgc-search").press("Enter")  # focusing a hidden node brings it back
    wait_drawn(frame, lambda n: n == before)
    frame.locator(".kgc-toggle input").uncheck()
    assert frame.evaluate("kgcNetwork.physics.options.enabled") is False
    frame.locator(".kgc-layout").select_option("hierarchical")
    assert frame.evaluate("kgcNetwork.layoutEngine.options.hierarchical.enabled") is True
    frame.locator(".kgc-layout").select_option("force")
    frame.wait_for_function("() => !kgcNetwork.physics.options.enabled")  # laid out, physics off again
    frame.locator(".kgc-fit").click()
    time.sleep(0.5)
    frame.locator("body").screenshot(path=str(screenshot_path(explored["dir"], "explorer-force-again.png")))
    assert painted(frame) > 5_000


def test_the_notebook_exported_to_html_works_from_file_with_the_network_off(explored, browser, tmp_path):
    page = explored["page"]
    save(page)
    saved = explored["dir"] / "03-explore.ipynb"
    nb = nbformat.read(saved, as_version=4)
    assert sum('<iframe class="kgc-graph"' in str(o.get("data", {}).get("text/html", ""))
               for c in nb.cells if c.cell_type == "code" for o in c.outputs) >= 4
    out = tmp_path / "explore.html"
    subprocess.run([*KGC, "export", str(saved), "-o", str(out)], check=True, capture_output=True, timeout=300)
    text = out.read_text()
    from kg_connect.render._document import vis_library

    assert text.count(vis_library()[0][:400]) == 1  # four graphs, one vis-network
    assert "cdn.jsdelivr" not in text and "require.min.js" not in text and "mathjax" not in text.lower()
    fetched: list[str] = []
    view = browser.new_page(viewport={"width": 1300, "height": 900})
    block_outside(view, "file:", fetched)
    view.goto(out.as_uri())
    frames = static_frames(view)
    assert len(frames) >= 4
    first = frames[0]
    assert painted(first) > 5_000
    click_node(first, WILCOX)
    first.wait_for_function("() => document.querySelector('.kgc-details-label') && "
                            "document.querySelector('.kgc-details-label').textContent === 'David Wilcox'")
    # a node with hidden neighbours cannot be expanded without a kernel: it says so
    first.locator(".kgc-details .kgc-expand").click()
    assert "running kernel" in first.locator(".kgc-note").inner_text()
    view.screenshot(path=str(screenshot_path(tmp_path, "explore-export.png")), full_page=False)
    assert fetched == [] and canaries(view) == []
    view.close()


def test_plain_nbconvert_of_the_saved_notebook_shows_the_graphs_offline(explored, browser, tmp_path):
    saved = explored["dir"] / "03-explore.ipynb"
    out = tmp_path / "plain.html"
    subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--to", "html", str(saved),
                    "--output", str(out)], check=True, capture_output=True, timeout=300)
    fetched: list[str] = []
    view = browser.new_page(viewport={"width": 1300, "height": 900})
    block_outside(view, "file:", fetched)
    view.goto(out.as_uri())
    frames = static_frames(view)
    assert len(frames) >= 4 and painted(frames[0]) > 5_000
    # what nbconvert's own page asked for (require.js, MathJax) was refused; the graphs did not need it
    assert all(not u.startswith("file:") for u in fetched)
    view.close()


# ---------------------------------------------------------------------- executed by nbconvert
def test_nbconvert_execute_with_stored_widget_state_keeps_graphs_offline(browser, tmp_path):
    need_browser()
    nb = kernel_notebook([
        f"from kg_connect import KnowledgeGraph, explore\nkg = KnowledgeGraph().load({str(EXAMPLES / 'data' / 'story.ttl')!r})",
        "explore(kg, 'David Wilcox')",
        "%load_ext kg_connect",
        "%%sparql --display graph\nCONSTRUCT { ?a foaf:knows ?b } WHERE { ?a foaf:knows ?b }",
    ])
    path = tmp_path / "run.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "run.html"
    subprocess.run([str(Path(sys.executable).parent / "jupyter"), "nbconvert", "--execute", "--to", "html",
                    str(path), "--output", str(out)], check=True, capture_output=True, timeout=300)
    assert "application/vnd.jupyter.widget-state+json" in out.read_text()
    view = browser.new_page()
    fetched: list[str] = []
    block_outside(view, "file:", fetched)
    view.goto(out.as_uri())
    frames = static_frames(view)
    assert len(frames) == 2 and all(painted(f) > 2_000 for f in frames)
    assert "Error displaying widget" not in view.locator("body").inner_text()
    view.close()


# ---------------------------------------------------------------------- hostile labels
HOSTILE = DATA / "hostile.ttl"
IMG = '<img src="http://kgc-canary.invalid/1.png" onerror="window.kgcPwned=1;alert(1)">'
SCRIPT = "</script><script>window.kgcPwned=2;alert(2)</script>"
QUOTE = '" onmouseover="window.kgcPwned=3" x="'


def check_hostile_view(frame, page) -> None:
    """Text where a person looks for it (details, tooltip, search, legend), and nothing ran."""
    node = "https://e.org/hostile/img"
    click_node(frame, node)
    frame.wait_for_selector(".kgc-details-label")
    assert frame.locator(".kgc-details-label").inner_text() == IMG
    details = frame.locator(".kgc-details").inner_text()
    assert '<svg onload="window.kgcPwned=7"></svg>' in details and '<b onclick="window.kgcPwned=8">bold</b>' in details
    assert frame.locator(".kgc-details a").count() == 1  # its own https IRI; javascript: never a link
    assert frame.locator(".kgc-details a").get_attribute("href") == node
    # the tooltip is text
    frame.page.mouse.move(0, 0)
    where = node_at(frame, node)
    box = frame.locator(".kgc-canvas").bounding_box()
    frame.page.mouse.move(box["x"] + where["x"], box["y"] + where["y"])
    frame.wait_for_function("() => document.querySelector('div.vis-tooltip') && "
                            "getComputedStyle(document.querySelector('div.vis-tooltip')).visibility === 'visible'")
    tip = frame.locator("div.vis-tooltip")
    assert IMG in tip.inner_text() and tip.locator("img").count() == 0
    # search shows the labels as text
    frame.locator(".kgc-search").fill("<")
    frame.wait_for_selector(".kgc-found-item")
    found = frame.locator(".kgc-found").inner_text()
    assert IMG in found and SCRIPT in found
    frame.locator(".kgc-search").press("Escape")
    assert '<img src="http://kgc-canary.invalid/9.png" onerror="window.kgcPwned=9">' in \
        frame.locator(".kgc-details-types").inner_text()  # a class's label, among the node's types
    assert frame.locator("img, svg, iframe, b").count() == 0
    assert canaries(page) == []


def test_hostile_labels_run_nothing_in_the_notebook_or_its_export(lab, browser, tmp_path):
    shutil.copy(HOSTILE, lab["root"] / "hostile.ttl")
    nb = kernel_notebook([
        "from kg_connect import KnowledgeGraph, explore\nkg = KnowledgeGraph().load('hostile.ttl')\n"
        "view = explore(kg, 'https://e.org/hostile/img', depth=2)\nview",
        "%load_ext kg_connect",
        "%%sparql --display graph\nSELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isLiteral(?o)) }",
    ])
    nbformat.write(nb, lab["root"] / "hostile.ipynb")
    dialogs: list[str] = []
    page = open_notebook(browser, lab, "hostile.ipynb", "hostile", dialogs)
    fetched: list[str] = []
    block_outside(page, lab["base"], fetched)
    run_all(page)
    frame = live_frame(page)
    live_frame(page, 1)
    check_hostile_view(frame, page)
    page.screenshot(path=str(screenshot_path(lab, "hostile-live.png")))
    save(page)
    out = tmp_path / "hostile.html"
    subprocess.run([*KGC, "export", str(lab["root"] / "hostile.ipynb"), "-o", str(out)], check=True,
                   capture_output=True, timeout=300)
    view = browser.new_page(viewport={"width": 1300, "height": 900})
    view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    exported_fetched: list[str] = []
    block_outside(view, "file:", exported_fetched)
    view.goto(out.as_uri())
    frames = static_frames(view)
    assert len(frames) == 2
    check_hostile_view(frames[0], view)
    assert dialogs == [] and fetched == [] and exported_fetched == []
    assert not [u for u in fetched + exported_fetched if "kgc-canary" in u]
    view.close()
    page.close()


def test_the_cli_render_of_hostile_data_runs_nothing(browser, tmp_path):
    need_browser()
    out = tmp_path / "graph.html"
    subprocess.run([*KGC, "render", str(HOSTILE), "-o", str(out), "--focus", "https://e.org/hostile/img",
                    "--depth", "2"], check=True, capture_output=True, timeout=120)
    view = browser.new_page(viewport={"width": 1300, "height": 900})
    dialogs: list[str] = []
    view.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    fetched: list[str] = []
    block_outside(view, "file:", fetched)
    view.goto(out.as_uri())
    view.wait_for_function("() => document.body.dataset.settled === '1'")
    check_hostile_view(view.main_frame, view)
    assert dialogs == [] and fetched == []
    view.close()


# ---------------------------------------------------------------------- real data
def test_the_explorer_on_iswc_2010_stays_responsive(lab, browser):
    shutil.copy(SWDF / "iswc-2010-complete.rdf", lab["root"] / "iswc-2010.rdf")
    nb = kernel_notebook(["from kg_connect import KnowledgeGraph, explore\n"
                          "kg = KnowledgeGraph().load('iswc-2010.rdf')\nview = explore(kg)\nview"])
    nbformat.write(nb, lab["root"] / "iswc.ipynb")
    page = open_notebook(browser, lab, "iswc.ipynb", "iswc")
    run_all(page)
    start = time.monotonic()
    frame = live_frame(page, timeout=120)
    settle = time.monotonic() - start
    status = frame.locator(".kgc-status").inner_text()
    assert status.startswith("showing 500 of ") and int(status.split(" of ")[1].split()[0].replace(",", "")) > 2000
    assert painted(frame) > 5_000
    # the page answers at once: a search over 500 nodes, a click
    start = time.monotonic()
    frame.locator(".kgc-search").fill("semantic")
    frame.wait_for_selector(".kgc-found-item", timeout=5_000)
    assert time.monotonic() - start < 2.0
    frame.locator(".kgc-search").press("Escape")
    hub = frame.evaluate("""() => { const n = kgcNetwork.body.data.nodes.getIds();
      return n.sort((a, b) => kgcNetwork.getConnectedEdges(b).length - kgcNetwork.getConnectedEdges(a).length)[0]; }""")
    click_node(frame, hub)
    frame.wait_for_selector(".kgc-details-label", timeout=5_000)
    # expanding a node of a big graph adds at most 25 at a time
    before = drawn(frame)
    frame.locator(".kgc-details .kgc-expand").click()
    time.sleep(3)
    assert drawn(frame) <= before + 26
    assert frame.evaluate("1 + 1") == 2
    page.screenshot(path=str(screenshot_path(lab, "iswc-2010.png")))
    assert settle < 60, f"the view took {settle:.0f} s to settle"
    page.close()
