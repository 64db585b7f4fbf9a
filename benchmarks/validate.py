"""Benchmark SHACL validation: kg_connect's SPARQL-compiled engine against loading the same
file (and, with ``--pyshacl``, against pySHACL, which kg_connect used before).

For each size, in fresh spawned processes: the time to load the synthetic social graph,
the time and peak RSS to load and validate it with the kg_connect shapes, and the ratio
validate/load. Targets at 1M triples: validation at most 10x the load time, peak RSS under
1 GB. Figures are medians of ``--repeat`` runs; load and validation are measured in the same
run, so their ratio is what counts on this shared, noisy machine.

Usage::

    python benchmarks/validate.py                    # 100k, 1M
    python benchmarks/validate.py --sizes 100k --pyshacl --markdown benchmarks/data/validate.md
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import ensure, parse_size, size_label

MAX_RATIO_1M = 10.0
MAX_PEAK_MB_1M = 1024.0


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(path: str, engine: str) -> dict[str, Any]:
    """Load, then validate (engine: kg_connect or pyshacl), in this fresh process."""
    from kg_connect import KnowledgeGraph
    from kg_connect._validation import pyshacl_report

    kg = KnowledgeGraph()
    t0 = time.perf_counter()
    kg.load(path)
    load = time.perf_counter() - t0
    after_load = _peak_mb()
    t0 = time.perf_counter()
    report = kg.validate(progress=False) if engine == "kg_connect" else pyshacl_report(kg)
    seconds = time.perf_counter() - t0
    return {"load_s": load, "validate_s": seconds, "peak_mb": _peak_mb(), "after_load_mb": after_load,
            "violations": len(report.violations), "warnings": len(report.warnings), "engine": report.engine}


def _spawn(fn: Any, *args: Any) -> Any:
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=1, mp_context=ctx, max_tasks_per_child=1) as ex:
        return ex.submit(fn, *args).result()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark SHACL validation against loading.")
    ap.add_argument("--sizes", default="100k,1M", help="comma-separated triple counts (default 100k,1M)")
    ap.add_argument("--repeat", type=int, default=3, help="fresh-process runs per size (default 3)")
    ap.add_argument("--pyshacl", action="store_true", help="also time pySHACL (minutes at 1M)")
    ap.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = ap.parse_args(argv)
    lines = ["| triples | load (s) | validate (s) | validate/load | peak RSS (MB) | results | pySHACL (s) |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    failed = []
    for n in (parse_size(s) for s in args.sizes.split(",") if s.strip()):
        path = str(ensure(n))
        runs = [_spawn(child, path, "kg_connect") for _ in range(args.repeat)]
        load = statistics.median(r["load_s"] for r in runs)
        val = statistics.median(r["validate_s"] for r in runs)
        ratio = statistics.median(r["validate_s"] / r["load_s"] for r in runs)
        peak = statistics.median(r["peak_mb"] for r in runs)
        py = _spawn(child, path, "pyshacl")["validate_s"] if args.pyshacl else None
        lines.append(f"| {size_label(n)} | {load:.2f} | {val:.2f} | {ratio:.1f} | {peak:,.0f} | "
                     f"{runs[0]['violations']:,} violations, {runs[0]['warnings']:,} warnings | "
                     f"{'—' if py is None else f'{py:.1f}'} |")
        print(lines[-1], file=sys.stderr, flush=True)
        if n >= 1_000_000 and (ratio > MAX_RATIO_1M or peak > MAX_PEAK_MB_1M):
            failed.append(f"{size_label(n)}: validate/load {ratio:.1f} (≤ {MAX_RATIO_1M:g}), "
                          f"peak {peak:,.0f} MB (< {MAX_PEAK_MB_1M:g})")
    lines.append("")
    lines.append(f"Targets at 1M: validate/load ≤ {MAX_RATIO_1M:g}, peak RSS < {MAX_PEAK_MB_1M:g} MB: "
                 + ("PASS" if not failed else "FAIL " + "; ".join(failed)))
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
