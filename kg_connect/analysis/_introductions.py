"""Introductions: people (or groups) who share ideas but have no recorded link — the social
reporter's list of who should meet."""

from __future__ import annotations

import html
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from kg_connect._graph import KnowledgeGraph

__all__ = ["Introduction", "Introductions", "introductions"]

# What links an agent to others: whom it knows or partners, the events it was at, its groups.
# Read per agent (not as pairs: co-attendance as pairs grows with the square of attendance).
_CONTACTS = """SELECT ?a ?kind ?x WHERE {
  { ?a foaf:knows|kgc:partnerOf|org:linkedTo ?x BIND("tie" AS ?kind) }
  UNION { ?x foaf:knows|kgc:partnerOf|org:linkedTo ?a BIND("tie" AS ?kind) }
  UNION { ?x schema:attendee|schema:organizer ?a BIND("event" AS ?kind) }
  UNION { ?a org:memberOf|org:headOf|org:subOrganizationOf|org:reportsTo ?x BIND("group" AS ?kind) }
  UNION { ?ms org:member ?a ; org:organization ?x BIND("group" AS ?kind) }
  UNION { ?x org:memberOf|org:headOf|org:subOrganizationOf|org:reportsTo ?a BIND("tie" AS ?kind) }
  UNION { ?ms org:member ?x ; org:organization ?a BIND("tie" AS ?kind) }
}"""


@dataclass
class Introduction:
    a: Any
    b: Any
    ideas: list[Any]
    where: dict[Any, tuple[list[Any], list[Any]]]  # idea -> (events where a met it, where b did)
    reason: str


@dataclass
class Introductions:
    """Pairs who share ideas and have no recorded link, best first (see :func:`introductions`)."""

    pairs: list[Introduction]
    labels: dict[Any, str]

    def to_dataframe(self) -> Any:
        import pandas as pd

        return pd.DataFrame([{"a": self.labels.get(p.a, str(p.a)), "b": self.labels.get(p.b, str(p.b)),
                              "shared ideas": len(p.ideas), "reason": p.reason, "a_iri": str(p.a),
                              "b_iri": str(p.b)} for p in self.pairs])

    def to_dict(self) -> list[dict[str, Any]]:
        return [{"a": {"iri": str(p.a), "label": self.labels.get(p.a, str(p.a))},
                 "b": {"iri": str(p.b), "label": self.labels.get(p.b, str(p.b))},
                 "ideas": [{"iri": str(i), "label": self.labels.get(i, str(i))} for i in p.ideas],
                 "reason": p.reason} for p in self.pairs]

    def __len__(self) -> int:
        return len(self.pairs)

    def __repr__(self) -> str:
        return f"<Introductions {len(self.pairs)} pairs>"

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><td>{e(self.labels.get(p.a, str(p.a)))}</td><td>{e(self.labels.get(p.b, str(p.b)))}"
                       f"</td><td>{e(p.reason)}</td></tr>" for p in self.pairs)
        return ('<div class="kgc-introductions"><table><thead><tr><th>introduce</th><th>to</th><th>because</th>'
                f"</tr></thead><tbody>{rows}</tbody></table></div>")


def introductions(graph: KnowledgeGraph, *, groups: bool = False, limit: int = 20,
                  per_idea: int = 200) -> Introductions:
    """Pairs of people (or, with ``groups=True``, of groups) who met the same ideas — carried
    them, or were at an event where they came up — but have no recorded link (they do not
    know each other, never met at an event, share no group). Ranked by the ideas they share;
    each with its reason ("both met 'social app store', at Manchester and at Kent").
    ``per_idea`` caps the people counted per idea (the first to meet it), so an idea that
    reached thousands does not swamp the list."""
    from kg_connect.analysis._trails import flows

    found = flows(graph)
    trails, tables = found.trails, found.tables
    met: dict[Any, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))  # agent -> idea -> events
    for idea, trail in trails.items():
        seen: list[Any] = []
        for m in trail.mentions:
            tables_people = set(m.carriers)
            for h in trail.hops:
                if h.target is m and h.by_people:
                    tables_people |= set(h.carriers)
            if groups:
                agents = set(m.groups)
            else:
                present = tables.people_at(m.event) if m.event is not None else frozenset()
                agents = tables_people | {p for p in present if not tables.is_group(p)}
            for agent in sorted(agents, key=str):
                if agent not in seen:
                    if len(seen) >= per_idea:
                        continue
                    seen.append(agent)
                if m.event is not None and m.event not in met[agent][idea]:
                    met[agent][idea].append(m.event)
    from kg_connect.analysis._trails import _batches

    contacts: dict[Any, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for params in _batches("a", sorted(met, key=str)):
        for a, kind, x in graph.query(_CONTACTS, union=True, **params).rows:
            contacts[a][str(kind)].add(x)

    def linked(a: Any, b: Any) -> bool:
        ca, cb = contacts.get(a, {}), contacts.get(b, {})
        return (b in ca.get("tie", ()) or b in ca.get("group", ()) or a in cb.get("group", ())
                or bool(ca.get("event", set()) & cb.get("event", set()))
                or bool(ca.get("group", set()) & cb.get("group", set())))
    pairs: list[Introduction] = []
    candidates = sorted(met, key=str)
    by_idea: dict[Any, list[Any]] = defaultdict(list)
    for agent in candidates:
        for idea in met[agent]:
            by_idea[idea].append(agent)
    shared: dict[tuple[Any, Any], list[Any]] = defaultdict(list)
    for idea, sharing in by_idea.items():
        for a, b in itertools.combinations(sharing, 2):
            if linked(a, b):
                continue
            shared[(a, b)].append(idea)
    best = sorted(shared.items(), key=lambda kv: (-len(kv[1]), str(kv[0][0]), str(kv[0][1])))[:limit]
    terms = {x for (a, b), ideas in best for x in (a, b, *ideas)}
    terms |= {e for (a, b), ideas in best for i in ideas for e in met[a][i] + met[b][i]}
    labels = graph.labels(terms)
    for (a, b), ideas in best:
        where = {i: (met[a][i], met[b][i]) for i in ideas}
        first = ideas[0]
        places = [labels.get(e, str(e)) for e in dict.fromkeys(met[a][first] + met[b][first])]
        reason = f"both met {labels.get(first, str(first))!r}" + (f", at {' and at '.join(places[:3])}" if places else "")
        if len(ideas) > 1:
            reason += f"; and {len(ideas) - 1} more idea{'s' if len(ideas) > 2 else ''}: " + \
                ", ".join(repr(labels.get(i, str(i))) for i in ideas[1:4])
        pairs.append(Introduction(a, b, ideas, where, reason + "; no recorded link between them"))
    return Introductions(pairs, labels)
