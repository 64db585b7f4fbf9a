"""Benchmark kg_connect against raw pyoxigraph (and kg_connect's rdflib backend).

For each size (default 10k, 100k, 1M triples of the synthetic social graph made by
``generate.py``) and each contender:

- **raw pyoxigraph**: ``Store().load(path=..., format=RdfFormat.N_TRIPLES)``; queries with
  ``store.query(q, substitutions=...)``, every solution/triple consumed with ``tuple()``;
- **kg_connect oxigraph**: ``KnowledgeGraph().load(path)``; ``kg.query(q, **params)`` with
  ``.rows`` (SELECT) or the triples (CONSTRUCT) consumed;
- **kg_connect rdflib**: ``KnowledgeGraph(backend="rdflib")``, the same calls (skipped at
  1M unless ``--rdflib-1m``).

Loading: every load runs in a fresh spawned process (raw and kg_connect alternate); the
load time is the median over those processes and memory is the process's own peak RSS
(``ru_maxrss``) after the load, with the RSS of that same process just before loading
(interpreter + the contender's imports + an empty store) as the idle baseline.

Queries: raw and kg_connect oxigraph are loaded side by side in one fresh process and
measured alternately (ABAB..., order flipped every sample) after one warm-up call each.
A sample repeats the query enough times to last at least ``--min-sample-ms`` (same count
for both contenders) and reports the mean per call; the figure is the median of the
samples (``--repeat`` samples, ``2*repeat+1`` for queries that need repetition).

Usage::

    python benchmarks/run.py                       # 10k, 100k, 1M
    python benchmarks/run.py --sizes 10k,100k --markdown benchmarks/results.md
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import BASE, ensure, idea_iri, parse_size, person_iri, size_label

# The kg_connect layer may add at most this much to raw pyoxigraph.
MAX_RATIO = 1.10
# At 1M triples: absolute targets for kg_connect (oxigraph).
TARGET_1M_LOAD_S = 3.0
TARGET_1M_PEAK_MB = 500.0

RAW, KG, RDFLIB = "raw", "kg", "rdflib"
NAMES = {RAW: "raw pyoxigraph", KG: "kg_connect oxigraph", RDFLIB: "kg_connect rdflib"}

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sioc: <http://rdfs.org/sioc/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kgc: <https://w3id.org/kg-connect/ns#>
"""

#: The idea of question (b) and the person of question (d): fixed IRIs, bound as parameters
#: (``?idea`` is in the SELECT projection, ``?who`` in a CONSTRUCT, so pyoxigraph binds
#: both natively through ``substitutions`` for the raw and the kg_connect contender alike).
IDEA = idea_iri(3)
PERSON = person_iri(200)
SEARCH = "ann"

QUESTIONS: dict[str, tuple[str, str, dict[str, str]]] = {
    "a": ("counts by class", PREFIXES + """
SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n)""", {}),
    "b": ("one idea's mentions in time order", PREFIXES + """
SELECT ?idea ?when ?event ?label ?carrier ?role ?prev WHERE {
  ?m a kgc:IdeaMention ; prov:entity ?idea ; prov:atTime ?when ;
     prov:hadRole ?role ; kgc:carriedBy ?carrier .
  ?event prov:qualifiedUsage ?m ; rdfs:label ?label .
  OPTIONAL { ?m kgc:previousMention ?prev }
} ORDER BY ?when""", {"idea": IDEA}),
    "c": ("top 20 attendees", PREFIXES + """
SELECT ?person ?name (COUNT(?event) AS ?events) WHERE {
  ?event schema:attendee ?person . ?person foaf:name ?name
} GROUP BY ?person ?name ORDER BY DESC(?events) ?person LIMIT 20""", {}),
    "d": ("2-hop CONSTRUCT around a person", PREFIXES + """
CONSTRUCT { ?who ?p ?x . ?x ?q ?y . ?z ?r ?who . ?z ?s ?w }
WHERE {
  { ?who ?p ?x . OPTIONAL { ?x ?q ?y } }
  UNION
  { ?z ?r ?who . OPTIONAL { ?z ?s ?w . FILTER(?s != schema:attendee) } }
}""", {"who": PERSON}),
    "e": (f'label search "{SEARCH}"', PREFIXES + """
SELECT ?s ?label WHERE {
  VALUES ?p { foaf:name rdfs:label skos:prefLabel }
  ?s ?p ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), "__SEARCH__"))
}""".replace("__SEARCH__", SEARCH), {}),
}


# ====================================================================== child processes
# Everything below that imports pyoxigraph / kg_connect runs in spawned children only, so
# the parent stays small (a child's ru_maxrss can start from its parent's RSS at spawn).

def _maxrss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _open(contender: str) -> tuple[Callable[[str], None], Callable[[], int], Any]:
    """(load, count, handle) for a contender, importing only what it needs."""
    if contender == RAW:
        import pyoxigraph as ox

        store = ox.Store()

        def load(path: str) -> None:
            store.load(path=path, format=ox.RdfFormat.N_TRIPLES)

        return load, lambda: len(store), store
    from kg_connect import KnowledgeGraph

    kg = KnowledgeGraph(backend="rdflib" if contender == RDFLIB else "oxigraph")

    def kg_load(path: str) -> None:
        kg.load(path)

    return kg_load, lambda: len(kg), kg


def load_child(contender: str, path: str) -> dict[str, Any]:
    """Load ``path`` once in this (fresh) process: time, idle and peak RSS, triple count."""
    import gc

    load, count, _ = _open(contender)
    gc.collect()
    baseline = _maxrss_mb()
    t0 = time.perf_counter()
    load(path)
    seconds = time.perf_counter() - t0
    peak = _maxrss_mb()
    return {"seconds": seconds, "baseline_mb": baseline, "peak_mb": peak, "triples": count()}


def _runner(contender: str, handle: Any, text: str, params: dict[str, str]) -> Callable[[], int]:
    """A no-argument function running one question and consuming its whole result."""
    if contender == RAW:
        import pyoxigraph as ox

        subs = {ox.Variable(k): ox.NamedNode(v) for k, v in params.items()} or None
        query = handle.query

        def run_raw() -> int:
            n = 0
            for item in query(text, substitutions=subs):
                tuple(item)
                n += 1
            return n

        return run_raw
    from rdflib import URIRef

    kwargs = {k: URIRef(v) for k, v in params.items()}
    kg_query = handle.query

    def run_kg() -> int:
        # rows and triples are materialised; their terms become rdflib terms when read,
        # which the raw side (pyoxigraph terms) does not do either
        res = kg_query(text, **kwargs)
        if res.form == "SELECT":
            return len(res.rows)
        return len(res)

    return run_kg


def _sample(fn: Callable[[], int], inner: int) -> float:
    t0 = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - t0) / inner


def query_child(path: str, contenders: list[str], repeat: int, min_sample_s: float,
                questions: list[str]) -> dict[str, Any]:
    """Load ``path`` into each contender in this process and time the questions, interleaved."""
    import gc

    handles = {}
    for c in contenders:
        load, _, handle = _open(c)
        load(path)
        handles[c] = handle
    out: dict[str, Any] = {}
    for key in questions:
        _, text, params = QUESTIONS[key]
        fns = {c: _runner(c, handles[c], text, params) for c in contenders}
        rows = {c: fns[c]() for c in contenders}  # the warm-up call, and result sizes
        gc.collect()
        first = min(_sample(fns[c], 1) for c in contenders)
        inner = max(1, math.ceil(min_sample_s / max(first, 1e-7)))
        n_samples = repeat if inner == 1 else 2 * repeat + 1
        samples: dict[str, list[float]] = {c: [] for c in contenders}
        for i in range(n_samples):
            order = contenders if i % 2 == 0 else contenders[::-1]
            for c in order:
                gc.collect()
                samples[c].append(_sample(fns[c], inner))
        out[key] = {
            c: {"ms": statistics.median(samples[c]) * 1e3, "samples_ms": [s * 1e3 for s in samples[c]],
                "inner": inner, "rows": rows[c]}
            for c in contenders
        }
    return out


def ensure_child(label: str) -> str:
    return str(ensure(parse_size(label)))


# ====================================================================== orchestration
class Spawner:
    """Run a function in a fresh spawned process (one process per call)."""

    def __init__(self) -> None:
        self.ctx = multiprocessing.get_context("spawn")

    def __call__(self, fn: Callable[..., Any], *args: Any) -> Any:
        with cf.ProcessPoolExecutor(max_workers=1, mp_context=self.ctx, max_tasks_per_child=1) as ex:
            return ex.submit(fn, *args).result()


def _warm_page_cache(path: Path) -> None:
    with path.open("rb") as fh:
        while fh.read(1 << 22):
            pass


def bench_size(n: int, args: argparse.Namespace, spawn: Spawner) -> dict[str, Any]:
    label = size_label(n)
    path = Path(spawn(ensure_child, label))
    _warm_page_cache(path)
    with_rdflib = not args.no_rdflib and (n < 1_000_000 or args.rdflib_1m)
    res: dict[str, Any] = {"n": n, "label": label, "path": str(path), "rdflib": with_rdflib,
                           "load": {}, "queries": {}}
    reps = args.load_repeat or (9 if n <= 100_000 else 5)
    loads: dict[str, list[dict[str, Any]]] = {RAW: [], KG: []}
    for i in range(reps):
        for c in (RAW, KG) if i % 2 == 0 else (KG, RAW):
            loads[c].append(spawn(load_child, c, str(path)))
            _progress(f"{label} load {NAMES[c]} #{i + 1}: {loads[c][-1]['seconds']:.3f} s")
    if with_rdflib:
        loads[RDFLIB] = []
        for i in range(min(reps, 3) if n < 1_000_000 else 1):
            loads[RDFLIB].append(spawn(load_child, RDFLIB, str(path)))
            _progress(f"{label} load {NAMES[RDFLIB]} #{i + 1}: {loads[RDFLIB][-1]['seconds']:.3f} s")
    for c, runs in loads.items():
        res["load"][c] = {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mb": statistics.median(r["peak_mb"] for r in runs),
            "baseline_mb": statistics.median(r["baseline_mb"] for r in runs),
            "delta_mb": statistics.median(r["peak_mb"] - r["baseline_mb"] for r in runs),
            "triples": runs[0]["triples"],
            "runs": len(runs),
        }
        if any(r["triples"] != n for r in runs):
            _progress(f"WARNING: {NAMES[c]} loaded {runs[0]['triples']:,} triples, expected {n:,}")
    qs = list(QUESTIONS)
    _progress(f"{label} queries: raw pyoxigraph vs kg_connect oxigraph")
    res["queries"] = spawn(query_child, str(path), [RAW, KG], args.repeat, args.min_sample_ms / 1e3, qs)
    if with_rdflib:
        _progress(f"{label} queries: kg_connect rdflib")
        rdf = spawn(query_child, str(path), [RDFLIB], args.repeat, args.min_sample_ms / 1e3, qs)
        for key in qs:
            res["queries"][key].update(rdf[key])
    return res


def _progress(msg: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ====================================================================== report
def _fmt_ms(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def _fmt_diff_ms(x: float) -> str:
    return ("+" if x >= 0 else "−") + _fmt_ms(abs(x))


def _signed(x: float, digits: int, unit: str) -> str:
    text = f"{x:+.{digits}f}"
    return f"±{text[1:]} {unit}" if float(text) == 0 else f"{text} {unit}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}"


def render(res: dict[str, Any], args: argparse.Namespace) -> tuple[str, list[tuple[str, bool, str]]]:
    """The Markdown section for one size, and the list of (target, passed, detail)."""
    n, label = res["n"], res["label"]
    ld, qs = res["load"], res["queries"]
    has_rdf = res["rdflib"]
    lines = [f"### {label} triples ({n:,})", ""]
    head = ["measure", NAMES[RAW], NAMES[KG], "kg/raw", "Δ kg−raw", NAMES[RDFLIB], "rdflib/kg"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")

    def cell(c: str, key: str, fmt: Callable[[float], str]) -> str:
        return fmt(ld[c][key]) if c in ld else "skipped"

    def row(name: str, key: str, fmt: Callable[[float], str], diff: Callable[[float], str],
            ratio: bool = True) -> None:
        raw, kg = ld[RAW][key], ld[KG][key]
        rdf = ld.get(RDFLIB, {}).get(key)
        lines.append("| " + " | ".join([
            name, fmt(raw), fmt(kg), _ratio(kg, raw) if ratio else "—", diff(kg - raw),
            fmt(rdf) if rdf is not None else "skipped", _ratio(rdf, kg) if ratio else "—",
        ]) + " |")

    row("load (s)", "seconds", lambda x: f"{x:.3f}", lambda d: _signed(d, 3, "s"))
    tps = {c: ld[c]["triples"] / ld[c]["seconds"] for c in ld}
    lines.append("| " + " | ".join([
        "load (triples/s)", f"{tps[RAW]:,.0f}", f"{tps[KG]:,.0f}", "—", "—",
        f"{tps[RDFLIB]:,.0f}" if RDFLIB in tps else "skipped", "—",
    ]) + " |")
    row("peak RSS after load (MB)", "peak_mb", lambda x: f"{x:,.0f}", lambda d: _signed(d, 0, "MB"))
    row("load RSS delta over idle (MB)", "delta_mb", lambda x: f"{x:,.0f}", lambda d: _signed(d, 0, "MB"))
    row("idle baseline RSS (MB)", "baseline_mb", lambda x: f"{x:,.0f}", lambda d: _signed(d, 0, "MB"))
    for key, (title, _, _) in QUESTIONS.items():
        q = qs[key]
        raw, kg = q[RAW]["ms"], q[KG]["ms"]
        rdf = q.get(RDFLIB, {}).get("ms")
        lines.append("| " + " | ".join([
            f"({key}) {title} (ms)", _fmt_ms(raw), _fmt_ms(kg), _ratio(kg, raw), _fmt_diff_ms(kg - raw) + " ms",
            _fmt_ms(rdf) if rdf is not None else "skipped", _ratio(rdf, kg),
        ]) + " |")
    lines.append("")
    sizes = ", ".join(f"({k}) {qs[k][RAW]['rows']:,}" for k in QUESTIONS)
    reps = ", ".join(f"({k}) {qs[k][RAW]['inner']}×{len(qs[k][RAW]['samples_ms'])}" for k in QUESTIONS)
    lines.append(f"Result sizes (rows or triples): {sizes}. "
                 f"Calls per sample × samples: {reps}. "
                 f"Loads: {ld[RAW]['runs']} fresh processes per oxigraph contender"
                 + (f", {ld[RDFLIB]['runs']} for rdflib." if has_rdf else "."))
    mism = [k for k in QUESTIONS
            if len({qs[k][c]["rows"] for c in qs[k]}) != 1]
    if mism:
        lines.append(f"**Result sizes differ between contenders for: {', '.join(mism)}**")
    if not has_rdf:
        why = "--no-rdflib" if args.no_rdflib else "pass --rdflib-1m to include it"
        lines.append(f"kg_connect rdflib skipped at this size ({why}).")
    lines.append("")

    checks: list[tuple[str, bool, str]] = []
    r = ld[KG]["seconds"] / ld[RAW]["seconds"]
    checks.append((f"{label} load kg/raw ≤ {MAX_RATIO:.2f}", r <= MAX_RATIO,
                   f"{r:.2f} ({ld[KG]['seconds']:.3f} s vs {ld[RAW]['seconds']:.3f} s)"))
    for key, (title, _, _) in QUESTIONS.items():
        raw, kg = qs[key][RAW]["ms"], qs[key][KG]["ms"]
        checks.append((f"{label} ({key}) {title} kg/raw ≤ {MAX_RATIO:.2f}", kg / raw <= MAX_RATIO,
                       f"{kg / raw:.2f} ({_fmt_ms(kg)} vs {_fmt_ms(raw)} ms, {_fmt_diff_ms(kg - raw)} ms)"))
    if n >= 1_000_000:
        s, p = ld[KG]["seconds"], ld[KG]["peak_mb"]
        checks.append((f"{label} kg_connect load < {TARGET_1M_LOAD_S:g} s", s < TARGET_1M_LOAD_S, f"{s:.2f} s"))
        checks.append((f"{label} kg_connect peak RSS < {TARGET_1M_PEAK_MB:g} MB", p < TARGET_1M_PEAK_MB,
                       f"{p:,.0f} MB (delta over idle {ld[KG]['delta_mb']:,.0f} MB)"))
    lines.append("Targets:")
    lines.append("")
    lines.extend(f"- {'PASS' if ok else 'FAIL'} {name}: {detail}" for name, ok, detail in checks)
    lines.append("")
    return "\n".join(lines), checks


def _environment() -> str:
    import importlib.metadata as md
    import importlib.util

    def ver(dist: str) -> str:
        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return "?"

    spec = importlib.util.find_spec("kg_connect")  # locate without importing (keeps the parent small)
    digest = hashlib.sha256()
    if spec and spec.origin:
        for f in sorted(Path(spec.origin).parent.rglob("*.py")):
            digest.update(f.name.encode() + f.read_bytes())
    return (f"Python {platform.python_version()}, pyoxigraph {ver('pyoxigraph')}, rdflib {ver('rdflib')}, "
            f"kg_connect {ver('kg_connect')} (sources sha256 {digest.hexdigest()[:12]}); {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs; {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark kg_connect against raw pyoxigraph.")
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated triple counts (default 10k,100k,1M)")
    ap.add_argument("--repeat", type=int, default=5, help="timed samples per query after 1 warm-up (default 5)")
    ap.add_argument("--load-repeat", type=int, default=0,
                    help="fresh-process loads per oxigraph contender (default 9, 5 above 100k)")
    ap.add_argument("--min-sample-ms", type=float, default=50.0,
                    help="repeat a fast query within a sample until it lasts this long (default 50)")
    ap.add_argument("--rdflib-1m", action="store_true", help="also run the rdflib backend at 1M and above")
    ap.add_argument("--no-rdflib", action="store_true", help="skip the rdflib backend at every size")
    ap.add_argument("--markdown", type=Path, help="also write the tables to this file")
    ap.add_argument("--json", type=Path, help="write every measurement (all samples) to this JSON file")
    args = ap.parse_args(argv)

    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    spawn = Spawner()
    env = _environment()
    out = ["## kg_connect benchmark", "", env, "",
           f"Idea of (b): <{IDEA}>; person of (d): <{PERSON}>; data under <{BASE}>.", ""]
    print("\n".join(out), flush=True)
    all_checks: list[tuple[str, bool, str]] = []
    everything: list[dict[str, Any]] = []
    for n in sizes:
        res = bench_size(n, args, spawn)
        everything.append(res)
        text, checks = render(res, args)
        print(text, flush=True)
        out.append(text)
        all_checks += checks
    failed = [c for c in all_checks if not c[1]]
    summary = (f"**Overall: {'PASS' if not failed else 'FAIL'}** — "
               f"{len(all_checks) - len(failed)}/{len(all_checks)} targets met.")
    if failed:
        summary += " Failed: " + "; ".join(f"{name} ({detail})" for name, _, detail in failed) + "."
    print(summary)
    out.append(summary)
    if args.json:
        args.json.write_text(json.dumps({"environment": env, "results": everything}, indent=1), encoding="utf-8")
    if args.markdown:
        args.markdown.write_text("\n".join(out) + "\n", encoding="utf-8")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
