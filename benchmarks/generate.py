"""Deterministic synthetic social graph for the kg_connect benchmarks, in N-Triples.

The graph follows the kg_connect core model (ontology/kg_connect.ttl): people
(``foaf:Person, prov:Agent``) who know each other and are members of organisations,
events (``schema:Event, prov:Activity``) with skewed attendance, ideas (``kgc:Idea``)
mentioned at events through qualified ``kgc:IdeaMention`` nodes that carry a time, a
role, the person who carried the idea, a report as evidence and the previous mention of
the same idea, and reports (``sioc:Post, schema:BlogPosting``) about the events.

Shape (it reproduces the graph described in docs/PERFORMANCE.md):

- ``N/40`` people, one organisation per 25 people, ``N/1000`` ideas (at least 10);
- events in date order from 2005 on; attendance is lognormal with median 23, plus ten
  "flagship" events whose sizes fall off as 1/k from about 0.7 % of the triple count
  (≈ 7,000 attendees at 1M); who attends is skewed too (a few people go to everything);
- each event mentions 0–4 ideas, chosen with a Zipf skew, so some ideas travel far;
- the file holds exactly the requested number of distinct triples (the remainder after
  the last event that fits is made up with extra ``foaf:knows`` links).

Usage::

    python benchmarks/generate.py --triples 100000 --out benchmarks/data/social-100k.nt

or ``generate(n_triples, path, seed=1)`` / ``ensure(n)`` from Python.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import math
import random
import sys
import time
from pathlib import Path

__all__ = [
    "BASE",
    "DATA_DIR",
    "ensure",
    "generate",
    "idea_iri",
    "parse_size",
    "person_iri",
    "size_label",
]

BASE = "https://w3id.org/kg-connect/examples/bench/"
DATA_DIR = Path(__file__).resolve().parent / "data"

# ---------------------------------------------------------------- vocabulary
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_FOAF = "http://xmlns.com/foaf/0.1/"
_ORG = "http://www.w3.org/ns/org#"
_SCHEMA = "https://schema.org/"
_PROV = "http://www.w3.org/ns/prov#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SIOC = "http://rdfs.org/sioc/ns#"
_DCT = "http://purl.org/dc/terms/"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_KGC = "https://w3id.org/kg-connect/ns#"

A = _RDF_TYPE
FOAF_PERSON = f"<{_FOAF}Person>"
FOAF_NAME = f"<{_FOAF}name>"
FOAF_KNOWS = f"<{_FOAF}knows>"
PROV_AGENT = f"<{_PROV}Agent>"
PROV_ACTIVITY = f"<{_PROV}Activity>"
PROV_USED = f"<{_PROV}used>"
PROV_QUALIFIED_USAGE = f"<{_PROV}qualifiedUsage>"
PROV_ENTITY = f"<{_PROV}entity>"
PROV_AT_TIME = f"<{_PROV}atTime>"
PROV_HAD_ROLE = f"<{_PROV}hadRole>"
PROV_ATTRIBUTED = f"<{_PROV}wasAttributedTo>"
ORG_ORGANIZATION = f"<{_ORG}Organization>"
ORG_MEMBER_OF = f"<{_ORG}memberOf>"
SCHEMA_EVENT = f"<{_SCHEMA}Event>"
SCHEMA_START = f"<{_SCHEMA}startDate>"
SCHEMA_ORGANIZER = f"<{_SCHEMA}organizer>"
SCHEMA_ATTENDEE = f"<{_SCHEMA}attendee>"
SCHEMA_ABOUT = f"<{_SCHEMA}about>"
SCHEMA_BLOG_POSTING = f"<{_SCHEMA}BlogPosting>"
SIOC_POST = f"<{_SIOC}Post>"
SKOS_PREF_LABEL = f"<{_SKOS}prefLabel>"
SKOS_BROADER = f"<{_SKOS}broader>"
RDFS_LABEL = f"<{_RDFS}label>"
DCT_TITLE = f"<{_DCT}title>"
DCT_CREATED = f"<{_DCT}created>"
DCT_REFERENCES = f"<{_DCT}references>"
KGC_IDEA = f"<{_KGC}Idea>"
KGC_MENTION = f"<{_KGC}IdeaMention>"
KGC_CARRIED_BY = f"<{_KGC}carriedBy>"
KGC_EVIDENCE = f"<{_KGC}evidence>"
KGC_PREVIOUS = f"<{_KGC}previousMention>"
XSD_DATE = f"<{_XSD}date>"
XSD_DATETIME = f"<{_XSD}dateTime>"
ROLES = [f"<{_KGC}{r}>" for r in ("presented", "discussed", "reported", "adopted")]
ROLE_WEIGHTS = [0.3, 0.45, 0.15, 0.1]

FIRST_NAMES = (
    "Ada Alan Amara Ana Anna Ben Bilal Carmen Chen Chloé Dafydd Dara David Drew Elena Emma "
    "Eve Fatima Femi Grace Hamid Hannah Ian Ines Jamal Jo José Karen Kofi Lara Leo Lucía "
    "Maria Mark Martin Mary Mei Nadia Niamh Noor Olu Omar Pat Priya Raj Rosa Sam Sarah "
    "Siân Sofia Tom Tomasz Una Vik Wei Yusuf Zoë Zara"
).split()
LAST_NAMES = (
    "Adams Ahmed Baker Bianchi Brown Campbell Chen Clarke Costa Davies Dubois Evans Fischer "
    "García Green Gupta Hall Hughes Jones Kaur Khan Kowalski Lee Lewis Mackie Marsh Martin "
    "Morgan Müller Murphy Nguyen Novak O'Brien O'Neill Okafor Patel Phillips Price Rossi "
    "Santos Schmidt Shah Silva Smith Taylor Thomas Walker Ward Wilcox Williams Wilson Wright Yilmaz"
).split()
PLACES = (
    "Manchester Kent Leeds Bristol Glasgow Cardiff Belfast Brighton Norwich York Newcastle "
    "Sheffield Liverpool Oxford Cambridge Dundee Swansea Exeter Hull Lincoln Derry Bath"
).split()
ORG_ADJ = (
    "Northern Southern Open Civic Digital Community Social Rural Urban Coastal Green Shared "
    "Public Local Creative Mutual"
).split()
ORG_NOUN = "Hub Lab Network Trust Foundation Council Forum Collective Partnership Institute".split()
IDEA_ADJ = (
    "open social participatory distributed local shared civic networked peer-to-peer "
    "community-led digital collaborative mutual sociable lean agile data-driven "
    "user-centred strategic"
).split()
IDEA_NOUN = (
    "app store budgeting commons reporting governance mapping data ecosystem storytelling "
    "mentoring funding platform innovation learning design infrastructure marketplace "
    "opportunism co-production"
).split()
EVENT_KINDS = "Conference Workshop Camp Meetup Seminar Unconference Hackday Roundtable Summit Forum".split()


def _esc(text: str) -> str:
    """Escape a string for an N-Triples literal (ECHAR: backslash, quote, newlines)."""
    return (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )


def _lit(text: str, lang: str | None = None) -> str:
    return f'"{_esc(text)}"@{lang}' if lang else f'"{_esc(text)}"'


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^{datatype}'


def person_iri(i: int) -> str:
    """IRI of person ``i`` (0 is the most active attendee)."""
    return f"{BASE}person/{i}"


def idea_iri(i: int) -> str:
    """IRI of idea ``i`` (0 is the most mentioned)."""
    return f"{BASE}idea/{i}"


def _iri(kind: str, i: int) -> str:
    return f"<{BASE}{kind}/{i}>"


def _zipf_cum(n: int, exponent: float, offset: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (i + offset) ** exponent for i in range(n)))


def _sample_weighted(rng: random.Random, n: int, cum: list[float], k: int) -> list[int]:
    """``k`` distinct indices in ``range(n)`` drawn with the weights of ``cum``."""
    if k >= n:
        return list(range(n))
    if k > n // 2:
        return rng.sample(range(n), k)
    chosen: dict[int, None] = {}
    total = cum[-1]
    while len(chosen) < k:
        need = k - len(chosen)
        for _ in range(need + need // 4 + 2):
            chosen[bisect.bisect(cum, rng.random() * total)] = None
        if len(chosen) > k:
            chosen = dict.fromkeys(list(chosen)[:k])
    return list(chosen)


def generate(n_triples: int, path: str | Path, seed: int = 1) -> Path:
    """Write a synthetic social graph of exactly ``n_triples`` distinct triples to ``path``.

    Deterministic for a given ``(n_triples, seed)``. Returns the path.
    """
    if n_triples < 1000:
        raise ValueError("n_triples must be at least 1000")
    rng = random.Random(seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    n_people = max(50, n_triples // 40)
    n_orgs = max(5, n_people // 25)
    n_ideas = max(10, n_triples // 1000)
    est_events = max(20, int(n_triples * 0.78 / 66))
    flagship_max = min(n_people, max(60, int(n_triples * 0.007)))
    flagships = {
        pos: max(23, flagship_max // (k + 1))
        for k, pos in enumerate(rng.sample(range(int(est_events * 0.8)), 10))
    }
    person_cum = _zipf_cum(n_people, 0.8, 10.0)
    idea_cum = _zipf_cum(n_ideas, 1.0, 1.0)
    org_cum = _zipf_cum(n_orgs, 0.7, 2.0)

    count = 0
    tmp = path.with_name(path.name + ".part")
    out = tmp.open("w", encoding="utf-8", newline="\n")
    try:
        def emit(lines: list[str]) -> None:
            nonlocal count
            out.write("".join(lines))
            count += len(lines)

        # ---------------------------------------------------------------- organisations
        lines: list[str] = []
        for o in range(n_orgs):
            s = _iri("org", o)
            label = f"{rng.choice(PLACES)} {rng.choice(ORG_ADJ)} {rng.choice(ORG_NOUN)}"
            lines.append(f"{s} {A} {ORG_ORGANIZATION} .\n")
            lines.append(f"{s} {SKOS_PREF_LABEL} {_lit(label, 'en')} .\n")
        # ---------------------------------------------------------------- ideas
        combos = [f"{a} {b}" for a in IDEA_ADJ for b in IDEA_NOUN]
        rng.shuffle(combos)
        for i in range(n_ideas):
            s = _iri("idea", i)
            label = combos[i % len(combos)]
            if i >= len(combos):
                label += f" {i // len(combos) + 1}"
            lines.append(f"{s} {A} {KGC_IDEA} .\n")
            lines.append(f"{s} {SKOS_PREF_LABEL} {_lit(label, 'en')} .\n")
            if i >= 5 and rng.random() < 0.3:
                lines.append(f"{s} {SKOS_BROADER} {_iri('idea', rng.randrange(min(i, 50)))} .\n")
        # ---------------------------------------------------------------- people
        knows: set[tuple[int, int]] = set()
        for p in range(n_people):
            s = _iri("person", p)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            lines.append(f"{s} {A} {FOAF_PERSON} .\n")
            lines.append(f"{s} {A} {PROV_AGENT} .\n")
            lines.append(f"{s} {FOAF_NAME} {_lit(name)} .\n")
            for o in {bisect.bisect(org_cum, rng.random() * org_cum[-1])
                      for _ in range(1 if rng.random() < 0.7 else 2)}:
                lines.append(f"{s} {ORG_MEMBER_OF} {_iri('org', o)} .\n")
            for _ in range(min(int(rng.expovariate(1 / 3.0)), 40)):
                q = bisect.bisect(person_cum, rng.random() * person_cum[-1])
                if q != p and (p, q) not in knows:
                    knows.add((p, q))
                    lines.append(f"{s} {FOAF_KNOWS} {_iri('person', q)} .\n")
            if len(lines) > 50_000:
                emit(lines)
                lines = []
        emit(lines)
        if count > n_triples * 0.6:
            raise ValueError(f"n_triples={n_triples} is too small for this graph's shape")

        # ---------------------------------------------------------------- events
        start = dt.date(2005, 1, 1)
        step = 5500 / est_events  # about 15 years of events in date order
        last_mention: dict[int, str] = {}
        n_mentions = n_reports = 0
        j = 0
        while True:
            day = start + dt.timedelta(days=int(j * step + rng.random() * step))
            ev = _iri("event", j)
            kind = rng.choice(EVENT_KINDS)
            place = rng.choice(PLACES)
            size = flagships.get(j) or max(2, min(n_people, int(rng.lognormvariate(math.log(23), 1.0))))
            attendees = _sample_weighted(rng, n_people, person_cum, size)
            ev_lines = [
                f"{ev} {A} {SCHEMA_EVENT} .\n",
                f"{ev} {A} {PROV_ACTIVITY} .\n",
                f"{ev} {RDFS_LABEL} {_lit(f'{place} {kind} {day.year} #{j}', 'en')} .\n",
                f"{ev} {SCHEMA_START} {_typed(day.isoformat(), XSD_DATE)} .\n",
                f"{ev} {SCHEMA_ORGANIZER} "
                f"{_iri('org', bisect.bisect(org_cum, rng.random() * org_cum[-1]))} .\n",
            ]
            ev_lines.extend(f"{ev} {SCHEMA_ATTENDEE} {_iri('person', a)} .\n" for a in attendees)
            # ideas mentioned here, with reports as evidence
            n_here = min(4, int(rng.expovariate(1 / 1.5)))
            ideas = _sample_weighted(rng, n_ideas, idea_cum, n_here) if n_here else []
            reports = []
            if ideas:
                for _ in range((rng.random() < 0.7) + (rng.random() < 0.2)):
                    r = _iri("report", n_reports + len(reports))
                    author = attendees[rng.randrange(len(attendees))]
                    created = day + dt.timedelta(days=1 + int(rng.expovariate(1 / 5)))
                    title = f'Notes from "{place} {kind}" \u2014 what I heard'
                    ev_lines += [
                        f"{r} {A} {SIOC_POST} .\n",
                        f"{r} {A} {SCHEMA_BLOG_POSTING} .\n",
                        f"{r} {DCT_TITLE} {_lit(title, 'en')} .\n",
                        f"{r} {DCT_CREATED} {_typed(created.isoformat(), XSD_DATE)} .\n",
                        f"{r} {PROV_ATTRIBUTED} {_iri('person', author)} .\n",
                        f"{r} {DCT_REFERENCES} {ev} .\n",
                    ]
                    ev_lines.extend(f"{r} {SCHEMA_ABOUT} {_iri('idea', i)} .\n" for i in ideas)
                    reports.append(r)
            pending: dict[int, str] = {}
            for h, i in enumerate(ideas):
                m = _iri("mention", n_mentions + h)
                when = f"{day.isoformat()}T{9 + 2 * h:02d}:{rng.randrange(60):02d}:00Z"
                carrier = attendees[min(int(rng.expovariate(1 / 3)), len(attendees) - 1)]
                ev_lines += [
                    f"{ev} {PROV_USED} {_iri('idea', i)} .\n",
                    f"{ev} {PROV_QUALIFIED_USAGE} {m} .\n",
                    f"{m} {A} {KGC_MENTION} .\n",
                    f"{m} {PROV_ENTITY} {_iri('idea', i)} .\n",
                    f"{m} {PROV_AT_TIME} {_typed(when, XSD_DATETIME)} .\n",
                    f"{m} {PROV_HAD_ROLE} {rng.choices(ROLES, ROLE_WEIGHTS)[0]} .\n",
                    f"{m} {KGC_CARRIED_BY} {_iri('person', carrier)} .\n",
                ]
                if reports and rng.random() < 0.8:
                    ev_lines.append(f"{m} {KGC_EVIDENCE} {rng.choice(reports)} .\n")
                if i in last_mention and rng.random() < 0.85:
                    ev_lines.append(f"{m} {KGC_PREVIOUS} {last_mention[i]} .\n")
                pending[i] = m
            if count + len(ev_lines) > n_triples:
                break
            emit(ev_lines)
            last_mention.update(pending)
            n_mentions += len(ideas)
            n_reports += len(reports)
            j += 1

        # ---------------------------------------------------------------- exact size
        lines = []
        while count + len(lines) < n_triples:
            p = rng.randrange(n_people)
            q = bisect.bisect(person_cum, rng.random() * person_cum[-1])
            if p != q and (p, q) not in knows:
                knows.add((p, q))
                lines.append(f"{_iri('person', p)} {FOAF_KNOWS} {_iri('person', q)} .\n")
        emit(lines)
    except BaseException:
        out.close()
        tmp.unlink(missing_ok=True)
        raise
    out.close()
    tmp.replace(path)
    return path


# ---------------------------------------------------------------- sizes and caching
def parse_size(text: str) -> int:
    """``"10k"`` → 10000, ``"1M"`` → 1000000, ``"2500"`` → 2500."""
    t = text.strip().lower().replace("_", "").replace(",", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if mult > 1 else t) * mult)


def size_label(n: int) -> str:
    """10000 → ``"10k"``, 1000000 → ``"1M"``."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def ensure(n: int | str, seed: int = 1) -> Path:
    """``benchmarks/data/social-{label}.nt`` for ``n`` triples, generated only if missing."""
    n = parse_size(n) if isinstance(n, str) else n
    path = DATA_DIR / f"social-{size_label(n)}.nt" if seed == 1 else DATA_DIR / f"social-{size_label(n)}-s{seed}.nt"
    if not path.exists():
        generate(n, path, seed=seed)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", default="100k", help="number of triples: 10k, 100k, 1M, 250000 ...")
    ap.add_argument("--out", type=Path, help="output .nt file (default benchmarks/data/social-LABEL.nt)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true", help="load the result into pyoxigraph and count")
    args = ap.parse_args(argv)
    n = parse_size(args.triples)
    out = args.out or DATA_DIR / f"social-{size_label(n)}.nt"
    t0 = time.perf_counter()
    generate(n, out, seed=args.seed)
    print(f"wrote {n:,} triples to {out} in {time.perf_counter() - t0:.1f} s "
          f"({out.stat().st_size / 1e6:.1f} MB)")
    if args.check:
        import pyoxigraph as ox

        store = ox.Store()
        store.load(path=str(out), format=ox.RdfFormat.N_TRIPLES)
        size = len(store)
        print(f"pyoxigraph reads {size:,} distinct triples" + ("" if size == n else "  MISMATCH"))
        return 0 if size == n else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
