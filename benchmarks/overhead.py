"""Where does kg_connect's query overhead over raw pyoxigraph go?

For each benchmark question (see ``run.py``) at one size, this times in one process:

- ``raw``: ``store.query(q, substitutions=...)`` with every solution consumed (as run.py);
- ``raw+conv``: the same, every term also converted with ``kg_connect._terms.to_rdflib``;
- ``checks``: the text checks ``KnowledgeGraph.query`` runs before the store sees the query
  (``_sparql.analyse`` (cached), ``_sparql.check``, ``KnowledgeGraph._parameters``,
  ``_sparql.bind_values``);
- ``kg``: ``kg.query(q, **params)``; ``kg+rows``: and ``.rows`` / the triples consumed;

and splits the difference ``kg+rows − raw`` into conversion (``raw+conv − raw``), checks,
``Results``/``.rows`` (``kg+rows − kg``) and the rest. Then it profiles ``kg.query`` with
cProfile and lists the Python functions with the most own time. It uses kg_connect
internals, so it may need updating when they change.

Usage: ``python benchmarks/overhead.py --size 100k [--questions b,d] [--profile 20]``
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import math
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import ensure, parse_size
from run import QUESTIONS


def _interleaved(fns: dict[str, Callable[[], Any]], samples: int = 11,
                 min_sample_s: float = 0.05) -> dict[str, float]:
    """Median ms per call of each function, sampled round-robin (order rotated each round)."""
    for fn in fns.values():
        fn()
    inner = {}
    for name, fn in fns.items():
        t0 = time.perf_counter()
        fn()
        inner[name] = max(1, math.ceil(min_sample_s / max(time.perf_counter() - t0, 1e-7)))
    names = list(fns)
    out: dict[str, list[float]] = {n: [] for n in names}
    for i in range(samples):
        for name in names[i % len(names):] + names[:i % len(names)]:
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(inner[name]):
                fns[name]()
            out[name].append((time.perf_counter() - t0) / inner[name])
    return {n: statistics.median(v) * 1e3 for n, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Break kg_connect's query overhead down by stage.")
    ap.add_argument("--size", default="100k")
    ap.add_argument("--questions", default=",".join(QUESTIONS))
    ap.add_argument("--samples", type=int, default=11, help="interleaved samples per stage (default 11)")
    ap.add_argument("--profile", type=int, default=15, help="functions to list per question (0: none)")
    args = ap.parse_args(argv)

    import pyoxigraph as ox
    from rdflib import URIRef

    from kg_connect import KnowledgeGraph
    from kg_connect._sparql import analyse, bind_values, check
    from kg_connect._terms import to_rdflib

    path = str(ensure(parse_size(args.size)))
    store = ox.Store()
    store.load(path=path, format=ox.RdfFormat.N_TRIPLES)
    kg = KnowledgeGraph().load(path)
    print(f"## kg_connect query overhead at {args.size} (ms per query)\n")
    print("| question | rows | raw | kg+rows | Δ | conversion | checks | Results/.rows | rest |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    profiles = []
    for key in args.questions.split(","):
        title, text, params = QUESTIONS[key]
        subs = {ox.Variable(k): ox.NamedNode(v) for k, v in params.items()} or None
        kwargs = {k: URIRef(v) for k, v in params.items()}

        def raw(text: str = text, subs: Any = subs) -> int:
            n = 0
            for item in store.query(text, substitutions=subs):
                tuple(item)
                n += 1
            return n

        def raw_conv(text: str = text, subs: Any = subs) -> None:
            for item in store.query(text, substitutions=subs):
                tuple(map(to_rdflib, item))

        def checks(text: str = text, kwargs: Any = kwargs) -> None:
            scan = analyse(text)
            check(scan, kind="query", prefixes=kg.namespaces)
            if kwargs:
                terms = kg._parameters(scan, kwargs)
                bind_values(scan, {k: [str(t) for t in v] for k, v in terms.items()})

        def kg_only(text: str = text, kwargs: Any = kwargs) -> None:
            kg.query(text, **kwargs)

        def kg_rows(text: str = text, kwargs: Any = kwargs) -> None:
            res = kg.query(text, **kwargs)
            if res.form == "SELECT":
                res.rows  # noqa: B018 - the access is what is measured
            else:
                list(res)

        t = _interleaved({"raw": raw, "conv": raw_conv, "checks": checks, "kg": kg_only, "rows": kg_rows},
                         samples=args.samples)
        conv = t["conv"] - t["raw"]
        res_rows = t["rows"] - t["kg"]
        delta = t["rows"] - t["raw"]
        rest = delta - conv - t["checks"] - res_rows
        print(f"| ({key}) {title} | {raw():,} | {t['raw']:.3f} | {t['rows']:.3f} | {delta:+.3f} | "
              f"{conv:.3f} | {t['checks']:.3f} | {res_rows:.3f} | {rest:+.3f} |")
        if args.profile:
            prof = cProfile.Profile()
            n = max(1, math.ceil(300 / max(t["rows"], 1e-3)))
            prof.enable()
            for _ in range(n):
                kg_rows()
            prof.disable()
            buf = io.StringIO()
            st = pstats.Stats(prof, stream=buf)
            st.sort_stats("tottime").print_stats(args.profile)
            profiles.append(f"### ({key}) {title}: cProfile of {n} calls (times inflated by profiling)\n\n"
                            + "\n".join(line for line in buf.getvalue().splitlines()
                                        if line.strip() and not line.startswith(("   Ordered", "   List"))))
    print()
    print("conversion = raw with every term converted by to_rdflib − raw; checks = analyse + check + "
          "KnowledgeGraph._parameters + bind_values; Results/.rows = (kg.query + .rows) − kg.query; "
          "rest = what is left (store call options, VALUES instead of substitutions, ...). "
          "Oxigraph evaluates lazily, so in the profiles the query's own work shows up in the "
          "list comprehension that reads the solutions (_oxigraph.py) as well as in Store.query.\n")
    for p in profiles:
        print(p, "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
