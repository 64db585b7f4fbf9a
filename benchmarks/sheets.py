"""Importing a large workbook: 10,000 people, 2,000 events with 25 attendees each (50,000
attendance rows' worth: the attendees column names them), 5,000 mentions and their ideas;
the import with and without the shapes check, and the export back to a workbook.

Target (issue 10): the 50,000 attendances import in seconds.

    .venv/bin/python benchmarks/sheets.py [--people 10000] [--events 2000] [--per-event 25]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg_connect import KnowledgeGraph
from kg_connect.importers.sheets import export_sheets, import_sheets


def make(path: Path, people: int, events: int, per_event: int, seed: int = 1) -> int:
    from openpyxl import Workbook

    rnd = random.Random(seed)
    book = Workbook(write_only=True)
    ws = book.create_sheet("people")
    ws.append(["name", "organisation", "knows"])
    for i in range(people):
        ws.append([f"Person {i}", f"Organisation {i % 200}", f"Person {(i + 1 + rnd.randrange(people - 1)) % people}"])
    ws = book.create_sheet("organisations")
    ws.append(["name", "kind"])
    for i in range(200):
        ws.append([f"Organisation {i}", "group"])
    ws = book.create_sheet("events")
    ws.append(["name", "date", "place", "organiser", "attendees"])
    attendances = 0
    for i in range(events):
        who = rnd.sample(range(people), per_event)
        attendances += len(who)
        ws.append([f"Event {i}", f"{1 + i % 28:02d}/{1 + (i // 28) % 12:02d}/{2000 + i // 336}", f"Place {i % 50}",
                   f"Organisation {i % 200}", "; ".join(f"Person {p}" for p in who)])
    ws = book.create_sheet("ideas")
    ws.append(["name"])
    for i in range(500):
        ws.append([f"Idea {i}"])
    ws = book.create_sheet("mentions")
    ws.append(["event", "idea", "carrier"])
    for i in range(5 * events // 2):
        ws.append([f"Event {i % events}", f"Idea {rnd.randrange(500)}", f"Person {rnd.randrange(people)}"])
    book.save(path)
    return attendances


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=2_000)
    ap.add_argument("--per-event", type=int, default=25)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.xlsx"
        attendances = make(path, args.people, args.events, args.per_event)
        t = time.perf_counter()
        fast = import_sheets(None, path, validate=False)
        plain = time.perf_counter() - t
        t = time.perf_counter()
        checked = import_sheets(KnowledgeGraph(), path)
        with_shapes = time.perf_counter() - t
        t = time.perf_counter()
        export_sheets(fast.graph, Path(tmp) / "back.xlsx")
        back = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows = sum(fast.counts.values())
        print(f"| workbook | rows | attendances | triples | import | with the shapes check | export | peak |\n"
              f"|---|---:|---:|---:|---:|---:|---:|---:|\n"
              f"| {path.stat().st_size / 1e6:.1f} MB .xlsx | {rows:,} | {attendances:,} | {len(fast.graph):,} "
              f"| {plain:.1f} s | {with_shapes:.1f} s ({'conforms' if checked.conforms else 'violations'}) "
              f"| {back:.1f} s | {peak:,.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
