"""The endpoint backend against raw httpx + json and against SPARQLWrapper, on Oxigraph server
with the synthetic 1M-triple graph: the standard questions without parameters, a 100,000-row
SELECT (rows per second, peak memory), and a 1M-row SELECT read with the magic's cap.

Each measurement runs in a child process of its own, so peak memory (ru_maxrss) is that one
client's. Targets (issue 9): within 1.2x of raw httpx; faster than SPARQLWrapper; a 1M-row
result never held whole by the results view.

    .venv/bin/python benchmarks/endpoint.py [--size 1M] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure, parse_size  # noqa: E402
from run import PREFIXES, QUESTIONS  # noqa: E402

ROWS = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100000"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
CONTENDERS = ("kg_connect", "httpx+json", "SPARQLWrapper")


def client(contender: str, url: str, text: str, cap: int | None = None) -> Any:
    """A function asking ``text`` with that client, returning the number of rows."""
    if contender == "kg_connect":
        from kg_connect import KnowledgeGraph

        kg = KnowledgeGraph.connect(url, timeout=600)

        def once() -> int:
            return len(kg.query(text, max_rows=cap).rows)
    elif contender == "httpx+json":
        import httpx

        client = httpx.Client(timeout=600)

        def once() -> int:
            r = client.get(url, params={"query": text}, headers={"Accept": "application/sparql-results+json"})
            return len(json.loads(r.content)["results"]["bindings"])
    else:
        from SPARQLWrapper import JSON, SPARQLWrapper

        sw = SPARQLWrapper(url)
        sw.setReturnFormat(JSON)
        sw.setQuery(text)
        sw.setTimeout(600)

        def once() -> int:
            return len(sw.queryAndConvert()["results"]["bindings"])  # type: ignore[index]
    return once


def interleaved(url: str, text: str, repeat: int) -> dict[str, float]:
    """The three clients in one process, taking turns (A B C, B C A, ...), so that the
    machine's noise falls on all of them alike; the median seconds of each."""
    once = {c: client(c, url, text) for c in CONTENDERS}
    for c in CONTENDERS:  # a first, untimed round: connections open, caches warm
        once[c]()
    times: dict[str, list[float]] = {c: [] for c in CONTENDERS}
    for r in range(repeat):
        for c in CONTENDERS[r % 3:] + CONTENDERS[:r % 3]:
            t = time.perf_counter()
            once[c]()
            times[c].append(time.perf_counter() - t)
    return {c: statistics.median(v) for c, v in times.items()}


def child(contender: str, url: str, text: str, repeat: int, cap: int | None) -> dict[str, float]:
    times, rows = [], 0
    once = client(contender, url, text, cap)
    for _ in range(repeat):
        t = time.perf_counter()
        rows = once()
        times.append(time.perf_counter() - t)
    return {"s": statistics.median(times), "rows": rows,
            "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


ANALYSIS = ("explore a person", "trace a typical idea", "flows(), every idea", "network_model()",
            "introductions()")


def analysis(where: str, data: str) -> dict[str, object]:
    """The analysis on the endpoint (``where`` a URL) or on the embedded store over the same
    file: seconds per step, and for the endpoint the requests sent and megabytes received."""
    from generate import idea_iri, person_iri

    import kg_connect
    from kg_connect import KnowledgeGraph

    sent: list[object] = []
    if where.startswith("http"):
        kg = KnowledgeGraph.connect(where, timeout=600)
        kg._backend.client.event_hooks["response"].append(sent.append)
    else:
        kg = KnowledgeGraph().load(data)
    counts = {str(r[0]): int(r[1]) for r in kg.query(
        "SELECT ?i (COUNT(?m) AS ?n) WHERE { ?m prov:entity ?i } GROUP BY ?i").rows}
    ideas = sorted(counts, key=lambda i: -counts[i])
    typical = ideas[len(ideas) // 2] if ideas else idea_iri(0)
    steps = {
        ANALYSIS[0]: lambda: kg_connect.explore(kg, person_iri(7)),
        ANALYSIS[1]: lambda: kg_connect.trace(kg, typical),
        ANALYSIS[2]: lambda: kg_connect.flows(kg),
        ANALYSIS[3]: lambda: kg_connect.network_model(kg),
        ANALYSIS[4]: lambda: kg_connect.introductions(kg),
    }
    out: dict[str, object] = {}
    for name, step in steps.items():
        sent.clear()
        t = time.perf_counter()
        step()
        took = time.perf_counter() - t
        got = sum(getattr(r, "num_bytes_downloaded", 0) for r in sent)
        out[name] = {"s": took, "requests": len(sent), "mb": got / 1e6}
    return out


def measure(contender: str, url: str, text: str, repeat: int, cap: int | None = None) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", contender, url, json.dumps(text), str(repeat),
                          str(cap or 0)], capture_output=True, text=True, check=True, timeout=3600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1M")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-analysis", action="store_true", help="skip the analysis over the endpoint")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child and args.child[0] == "interleaved":
        print(json.dumps(interleaved(args.child[1], json.loads(args.child[2]), int(args.child[3]))))
        return 0
    if args.child and args.child[0] == "analysis":
        print(json.dumps(analysis(args.child[1], args.child[2])))
        return 0
    if args.child:
        contender, url, text, repeat, cap = args.child
        print(json.dumps(child(contender, url, json.loads(text), int(repeat), int(cap) or None)))
        return 0
    cli = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if cli is None:
        print("needs the oxigraph server: pip install oxigraph", file=sys.stderr)
        return 2
    data = ensure(parse_size(args.size))
    where = Path(tempfile.mkdtemp(prefix="kgc-bench-oxigraph-"))
    subprocess.run([cli, "load", "--location", str(where), "--file", str(data)], check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([cli, "serve-read-only", "--location", str(where), "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        asks = {f"({k}) {QUESTIONS[k][0]}": QUESTIONS[k][1] for k in ("a", "c", "e")}
        asks["100,000-row SELECT"] = PREFIXES + ROWS
        print(f"| {args.size} triples, Oxigraph server | " + " | ".join(CONTENDERS) + " | kg / httpx | kg / SPARQLWrapper |")
        print("|---|" + "---:|" * (len(CONTENDERS) + 2))
        for title, text in asks.items():
            if "100,000" in title:  # each client in a process of its own, for its peak memory
                got = {c: measure(c, url, text, args.repeat) for c in CONTENDERS}
                cells = [f"{got[c]['rows'] / got[c]['s']:,.0f} rows/s, {got[c]['mb']:,.0f} MB" for c in CONTENDERS]
            else:  # taking turns in one process: the noise falls on all alike
                done = subprocess.run([sys.executable, __file__, "--child", "interleaved", url, json.dumps(text),
                                       str(max(args.repeat, 9)), "0"], capture_output=True, text=True, check=True,
                                      timeout=3600)
                got = {c: {"s": v} for c, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}
                cells = [f"{got[c]['s'] * 1000:,.1f} ms" for c in CONTENDERS]
            kg, raw, sw = (got[c]["s"] for c in CONTENDERS)
            print(f"| {title} | " + " | ".join(cells) + f" | {kg / raw:.2f} | {kg / sw:.2f} |")
        whole = measure("kg_connect", url, PREFIXES + ALL, 1)
        capped = measure("kg_connect", url, PREFIXES + ALL, 1, cap=10_000)
        print(f"\nEvery triple as a SELECT ({whole['rows']:,} rows): read whole {whole['s']:.1f} s, "
              f"{whole['mb']:,.0f} MB peak; with the magic's cap of 10,000 rows {capped['s']:.2f} s, "
              f"{capped['mb']:,.0f} MB peak.")
        if not args.no_analysis:
            runs = {}
            for where in (url, "local"):
                done = subprocess.run([sys.executable, __file__, "--child", "analysis", where, str(data), "0", "0"],
                                      capture_output=True, text=True, check=True, timeout=7200)
                runs[where] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"\n| analysis, {args.size} triples | on Oxigraph server | requests | received | embedded store "
                  "| server / embedded |")
            print("|---|---:|---:|---:|---:|---:|")
            for name in ANALYSIS:
                r, e = runs[url][name], runs["local"][name]
                print(f"| {name} | {r['s']:.2f} s | {r['requests']:,} | {r['mb']:.2f} MB | {e['s']:.2f} s "
                      f"| {r['s'] / e['s']:.2f} |")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(where, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
