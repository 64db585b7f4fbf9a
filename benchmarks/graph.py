"""Benchmark the graph views: building the network, the HTML it makes, and how long
headless Chromium takes until the view has settled.

For each size (default 500, 2,000 and 10,000 nodes) a graph of that many nodes is taken
from the synthetic social graph of ``generate.py`` (the most connected nodes of the
100k-triple graph, 6,123 nodes; a graph of about 165k triples for 10,000), and:

- **build**: ``kg_connect.render.network(kg, max_nodes=N)``, median of ``--repeat`` runs;
  reported also per 10k edges (linear build: the figure stays flat as the size grows).
  The same edges are added to a ``pyvis.network.Network`` with ``add_node``/``add_edge`` in
  a loop as the control (pyvis checks every new edge against all earlier ones: quadratic),
  measured in the same run, so the ratio is what counts on a noisy machine;
- **HTML**: the size of the self-contained page (vis-network inlined) and of the data alone;
- **settle**: the page opened from ``file://`` in Debian's Chromium (headless, network
  blocked): time from navigation until the view says it has settled (stabilisation done,
  the first frame drawn), the longest main-thread task in that time, and how long typing
  into the search box then takes to list the matches (the page is responsive, not frozen);
- **LOD**: the biggest graph (10,000 nodes or more) through level of detail (the default 500
  drawn, "showing 500 of ...") the same way (``--draw-all`` also draws it whole).

Targets (issue 7): 2,000 nodes settle in under 3 s; 10,000 shown through level of detail
without freezing the page (a search answers within a second).

Usage::

    python benchmarks/graph.py                 # 500, 2000, 10000
    python benchmarks/graph.py --sizes 500,2000 --markdown benchmarks/graph-results.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import ensure

from kg_connect import KnowledgeGraph
from kg_connect.render import graph_document, network

CHROMIUM = "/usr/bin/chromium"
TARGET_2000_SETTLE_S = 3.0
TARGET_SEARCH_S = 1.0


def timed(fn: Any, repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def pyvis_build(net: Any) -> float:
    """The control: the same nodes and edges through pyvis's add_node/add_edge loop."""
    from pyvis.network import Network as PyvisNetwork

    t = time.perf_counter()
    p = PyvisNetwork()
    for n in net.nodes:
        p.add_node(n["id"], label=n["label"], title=n["title"], color=n["color"], shape=n["shape"])
    for e in net.edges:
        p.add_edge(e["from"], e["to"], title=e["title"])
    return time.perf_counter() - t


_SETTLE = """() => new Promise((resolve) => {
  const started = performance.timeOrigin;
  const check = () => {
    if (document.body && document.body.dataset.settled === "1") {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
    } else setTimeout(check, 20);
  };
  check();
})"""


def settle(browser: Any, html: str, workdir: Path, name: str) -> dict[str, float]:
    path = workdir / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    # long tasks from the very start of the page
    page.add_init_script("""window.__long = 0; try { new PerformanceObserver((l) => { for (const e of l.getEntries())
      window.__long = Math.max(window.__long, e.duration); }).observe({ type: "longtask", buffered: true }); } catch (e) {}""")
    t0 = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_function("() => document.body && document.body.dataset.settled === '1'", timeout=180_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    settled = time.perf_counter() - t0
    longest = page.evaluate("() => window.__long") / 1000
    # responsiveness: type into the search box and wait for the list of matches (the page
    # answers while physics may still be refining a big view)
    label = page.evaluate("() => kgcNetwork.body.data.nodes.get(kgcNetwork.body.data.nodes.getIds()[0]).label")
    t1 = time.perf_counter()
    page.locator(".kgc-search").fill(label[:6])
    page.wait_for_selector(".kgc-found-item", timeout=60_000)
    search = time.perf_counter() - t1
    status = page.locator(".kgc-status").inner_text()
    page.close()
    return {"settle_s": settled, "longest_task_s": longest, "search_s": search, "status": status}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="500,2000,10000", help="node counts (default 500,2000,10000)")
    ap.add_argument("--repeat", type=int, default=3, help="build runs per size (median)")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    ap.add_argument("--settle-repeat", type=int, default=3, help="page openings per case (median)")
    ap.add_argument("--draw-all", action="store_true", help="also draw sizes above 5,000 whole (slow to build)")
    ap.add_argument("--markdown", help="also write the tables to this file")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    graphs: dict[int, KnowledgeGraph] = {}

    def graph_for(n: int) -> KnowledgeGraph:
        # the social graph has about one node per 16 triples: 100k triples give 6,123 nodes
        triples = 100_000 if n <= 5_000 else int(n * 16.5)
        if triples not in graphs:
            print(f"loading the {triples:,}-triple social graph", file=sys.stderr)
            graphs[triples] = KnowledgeGraph().load(ensure(triples))
        return graphs[triples]

    rows: list[dict[str, Any]] = []
    browser = None
    play = None
    if not args.no_browser:
        if not Path(CHROMIUM).exists():
            print(f"{CHROMIUM} is missing: run `make test` (it installs chromium) or pass --no-browser", file=sys.stderr)
            return 2
        from playwright.sync_api import sync_playwright

        play = sync_playwright().start()
        browser = play.chromium.launch(executable_path=CHROMIUM, headless=True,
                                       args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
    work = Path(tempfile.mkdtemp(prefix="kgc-graph-bench-"))
    try:
        # (graph size, nodes drawn, name): each size drawn whole, then the biggest graph
        # (the 1M-triple one when a size passes 5,000) through level of detail
        cases = [(n, n, f"{n:,} nodes") for n in sizes if n <= 5_000 or args.draw_all]
        if max(sizes) > 500:
            cases.append((max(sizes), 500, "{total:,} nodes through LOD (500 drawn)"))
        for size, drawn, name in cases:
            kg = graph_for(size)
            build_s, net = timed(lambda kg=kg, drawn=drawn: network(kg, max_nodes=drawn), args.repeat)
            edges = len(net.edges)
            name = name.format(total=net.total)
            html = graph_document(net.to_dict())
            data = len(json.dumps(net.to_dict(), ensure_ascii=False).encode())
            row: dict[str, Any] = {
                "case": name, "nodes": len(net.nodes), "edges": edges, "total": net.total,
                "build_s": build_s, "edge_total": net.edge_total,
                "build_per_10k_edges_s": build_s / max(net.edge_total, edges, 1) * 10_000,
                "html_bytes": len(html.encode()), "data_bytes": data,
            }
            if drawn == size and edges <= 50_000:
                # pyvis's default, undirected, as users call it, on the links drawn (the build
                # above also queried the store and weighed every link; pyvis only appends)
                row["pyvis_s"] = pyvis_build(net)
                row["pyvis_ratio"] = row["pyvis_s"] / build_s
            if browser is not None:
                print(f"{name}: opening in Chromium", file=sys.stderr)
                runs = [settle(browser, html, work, f"case{len(rows)}") for _ in range(args.settle_repeat)]
                row.update({k: statistics.median(r[k] for r in runs) for k in ("settle_s", "longest_task_s", "search_s")})
                row["status"] = runs[0]["status"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    finally:
        if browser is not None:
            browser.close()
        if play is not None:
            play.stop()

    lines = [f"Graph views, {dt.date.today()} on {platform.node() or 'this machine'} "
             f"({platform.python_version()}); one run; settle times are medians of {args.settle_repeat} openings.", "",
             "| case | drawn nodes | links drawn | of nodes | build | per 10k links | pyvis loop (ratio) | HTML | data "
             "| settle in Chromium | longest task | search answers |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        pyvis = f"{r['pyvis_s']:.2f} s ({r['pyvis_ratio']:.1f}×)" if "pyvis_s" in r else "–"
        browser_cols = (f"{r['settle_s']:.2f} s | {r['longest_task_s']:.2f} s | {r['search_s']:.2f} s"
                        if "settle_s" in r else "– | – | –")
        lines.append(f"| {r['case']} | {r['nodes']:,} | {r['edges']:,} | {r['total']:,} | {r['build_s']:.2f} s | "
                     f"{r['build_per_10k_edges_s']:.2f} s | {pyvis} | {r['html_bytes'] / 1e6:.2f} MB | "
                     f"{r['data_bytes'] / 1e6:.2f} MB | {browser_cols} |")
    verdicts = []
    for r in rows:
        if r["case"] == "2,000 nodes" and "settle_s" in r:
            ok = r["settle_s"] < TARGET_2000_SETTLE_S
            verdicts.append(f"- 2,000 nodes settle in {r['settle_s']:.2f} s: "
                            f"{'meets' if ok else 'MISSES'} the target of {TARGET_2000_SETTLE_S:g} s")
        if "LOD" in r["case"] and "search_s" in r:
            ok = r["search_s"] < TARGET_SEARCH_S
            verdicts.append(f"- {r['case']}: {r['status']!r}, a search answers in {r['search_s']:.2f} s: "
                            f"{'meets' if ok else 'MISSES'} the target of {TARGET_SEARCH_S:g} s")
    text = "\n".join(lines + [""] + verdicts) + "\n"
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
