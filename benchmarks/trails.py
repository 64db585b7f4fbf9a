"""Benchmark the idea-trail analysis against the naive SPARQL "idea travel" join.

The naive join asks Oxigraph for every pair of events that discussed the same idea and share
an attendee, in one query. kg_connect's ``trace()`` reads one idea's mentions and what is
around their events, and works out the hops in Python; ``flows()`` does it for every idea
from tables read once. Measured on the synthetic social graph of ``generate.py`` (100k and
1M triples), in one process, each figure the median of ``--repeat`` runs; ratios are taken
within the run. ``network_model()`` is timed on a generated 100,000-person mesh (Holme-Kim),
with the process's peak memory.

Targets (issue 8): ``trace()`` for one idea under 100 ms at 1M triples; ``flows()`` for all
ideas at 1M under 10 s; ``network_model()`` on a 100k-person network under 30 s and 2 GB.

Usage::

    python benchmarks/trails.py [--sizes 100k,1M] [--repeat 3] [--no-model]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generate import ensure, idea_iri, parse_size, size_label
from graph import timed as median_time

from kg_connect import KnowledgeGraph, QueryTimeout, flows, network_model, trace

NAIVE = """SELECT DISTINCT ?e1 ?e2 ?idea WHERE {
  ?e1 prov:qualifiedUsage ?m1 . ?m1 prov:entity ?idea ; prov:atTime ?t1 .
  ?e2 prov:qualifiedUsage ?m2 . ?m2 prov:entity ?idea ; prov:atTime ?t2 .
  FILTER(?t1 < ?t2)
  ?e1 schema:attendee ?p . ?e2 schema:attendee ?p .
}"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100k,1M")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-model", action="store_true", help="skip network_model on 100,000 people")
    ap.add_argument("--naive-timeout", type=float, default=120, help="stop the naive join after this many seconds")
    args = ap.parse_args()
    rows = []
    for size in [parse_size(s) for s in args.sizes.split(",")]:
        kg = KnowledgeGraph().load(ensure(size))
        try:
            naive_s, naive = median_time(lambda kg=kg: kg.query(NAIVE, timeout=args.naive_timeout).rows, 1)
            naive_rows = len(naive)  # type: ignore[arg-type]
        except QueryTimeout:
            naive_s, naive_rows = float("inf"), -1
        counts = {str(r[0]): int(r[1]) for r in kg.query(
            "SELECT ?i (COUNT(?m) AS ?n) WHERE { ?m prov:entity ?i } GROUP BY ?i").rows}
        ideas = sorted(counts, key=lambda i: -counts[i])
        typical = ideas[len(ideas) // 2: len(ideas) // 2 + 10]  # the middle of the popularity range
        per = [median_time(lambda i=i, kg=kg: trace(kg, i), args.repeat)[0] for i in typical]
        top_s, top = median_time(lambda kg=kg: trace(kg, idea_iri(0)), 1)
        flows_s, f = median_time(lambda kg=kg: flows(kg), 1)
        rows.append((size_label(size), naive_s, naive_rows, statistics.median(per),
                     statistics.median(counts[i] for i in typical), top_s, len(top.mentions), flows_s,
                     len(f.edges), len(f.trails)))
        print(rows[-1], file=sys.stderr)
    print("| triples | naive join | its rows | trace(), typical idea | its mentions | trace(), most travelled idea "
          "| flows(), every idea | naive / flows |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, naive_s, n_rows, typ, typ_m, top_s, top_m, flows_s, edges, ideas in rows:
        naive_text = f"{naive_s:.2f} s" if n_rows >= 0 else f"> {args.naive_timeout:g} s (stopped)"
        ratio = f"{naive_s / flows_s:.1f}×" if n_rows >= 0 else f"> {args.naive_timeout / flows_s:.0f}×"
        print(f"| {label} | {naive_text} | {n_rows if n_rows >= 0 else '–'} | {typ * 1000:.0f} ms | {typ_m:.0f} | "
              f"{top_s:.2f} s ({top_m:,} mentions) | {flows_s:.2f} s ({edges:,} flows, {ideas} ideas) | {ratio} |")
    if not args.no_model:
        import networkx as nx

        g = nx.powerlaw_cluster_graph(100_000, 2, 0.6, seed=1).to_directed()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        model_s, verdict = median_time(lambda: network_model(g), 1)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\nnetwork_model() on 100,000 people ({g.number_of_edges() // 2:,} ties): {model_s:.1f} s, "
              f"peak memory {peak:.0f} MB (before: {before:.0f} MB); verdict {verdict.model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
