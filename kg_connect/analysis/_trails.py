"""Idea trails: where an idea appeared, in time order, the hops between its mentions, who
carried it, which groups it reached and which it has no recorded contact with.

The data follows the idea-mention pattern of the ontology (PROV qualified usage):
``?event prov:qualifiedUsage ?m . ?m a kgc:IdeaMention ; prov:entity ?idea ; prov:atTime ?t ;
prov:hadRole ?role ; kgc:carriedBy ?person ; kgc:evidence ?report ; kgc:previousMention ?m0``.

Everything is read with a few SPARQL queries (the mentions, the people, groups and reports
around their events, memberships) and worked out in Python, so a trail costs what its own
mentions cost, not what the graph costs. ``flows()`` reads the same tables for every idea at
once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import html
import itertools
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from rdflib import BNode, Literal, URIRef

from kg_connect._graph import KnowledgeGraph
from kg_connect.errors import KgConnectError

__all__ = ["EventSpread", "IdeaFlows", "IdeaTrail", "find_idea", "flows", "spread", "trace"]

KGC = "https://w3id.org/kg-connect/ns#"
GROUP_TYPES = ("http://www.w3.org/ns/org#Organization", "http://www.w3.org/ns/org#FormalOrganization",
               "http://www.w3.org/ns/org#OrganizationalUnit", "http://www.w3.org/ns/org#OrganizationalCollaboration",
               "http://xmlns.com/foaf/0.1/Group", "http://xmlns.com/foaf/0.1/Organization",
               "https://schema.org/Organization", "http://schema.org/Organization")

# One row per fact about a mention (the OPTIONALs multiply; rows are folded in Python).
_MENTIONS = """SELECT ?m ?idea ?event ?time ?role ?carrier ?evidence ?prev WHERE {
  %s
  ?m prov:entity ?idea .
  { ?m a kgc:IdeaMention } UNION { ?anyEvent prov:qualifiedUsage ?m }
  OPTIONAL { ?event prov:qualifiedUsage ?m }
  OPTIONAL { ?m prov:atTime ?time }
  OPTIONAL { ?m prov:hadRole ?role }
  OPTIONAL { ?m kgc:carriedBy ?carrier }
  OPTIONAL { ?m kgc:evidence ?evidence }
  OPTIONAL { ?m kgc:previousMention ?prev }
}"""

# Who and what was around an event: people and groups present, its dates, the reports on it.
# One query per kind, two columns each: no label column to convert on every row.
_AROUND = {
    # a UNION of plain patterns: Oxigraph evaluates a six-way property path twice as slowly
    "present": "SELECT ?event ?x WHERE { " + " UNION ".join(
        f"{{ ?event {p} ?x }}" for p in ("schema:attendee", "schema:organizer", "schema:funder", "schema:sponsor",
                                          "schema:performer", "prov:wasAssociatedWith"))
    + " UNION { ?event prov:qualifiedAssociation ?a . ?a prov:agent ?x } }",
    "start": "SELECT ?event ?x WHERE { ?event schema:startDate ?x }",
    "end": "SELECT ?event ?x WHERE { ?event schema:endDate ?x }",
    "super": "SELECT ?event ?x WHERE { ?event schema:superEvent ?x }",
    "report": "SELECT ?event ?x WHERE { ?x dcterms:references|schema:about|sioc:about ?event }",
}

# Groups a person (or group) belongs to, and what each node is.
_BELONGS = """SELECT ?p ?g WHERE {
  { ?p org:memberOf|org:headOf|schema:memberOf|schema:affiliation|schema:worksFor ?g }
  UNION { ?ms org:member ?p ; org:organization ?g }
  UNION { ?g foaf:member|org:hasMember|schema:member ?p }
  UNION { ?p org:subOrganizationOf|org:unitOf ?g }
}"""
_TYPES = "SELECT ?n ?t WHERE { ?n a ?t }"
_GROUPS = "SELECT DISTINCT ?g WHERE { ?g a ?t }"


# ---------------------------------------------------------------------- results
@dataclass
class Mention:
    iri: Any
    idea: Any
    event: Any = None
    time: dt.datetime | None = None
    time_text: str = ""
    time_from_event: bool = False
    role: Any = None
    carriers: list[Any] = field(default_factory=list)
    evidence: list[Any] = field(default_factory=list)
    previous: list[Any] = field(default_factory=list)
    groups: list[Any] = field(default_factory=list)
    times: set[str] = field(default_factory=set)


@dataclass
class Hop:
    source: Mention
    target: Mention
    explicit: bool
    carriers: list[Any]  # the people who could have carried it; else the groups or reports linking both
    reason: str
    by_people: bool = True


@dataclass
class IdeaTrail:
    """The trail of one idea (see :func:`trace`)."""

    idea: Any
    label: str
    first: list[Mention]
    mentions: list[Mention]
    hops: list[Hop]
    carriers: list[tuple[Any, int]]
    groups_reached: list[tuple[Any, str]]
    groups_without_contact: list[Any]
    undated: list[Mention]
    problems: list[dict[str, Any]]
    measures: dict[str, Any]
    labels: dict[Any, str]

    # ------------------------------------------------------------ views
    def node(self, term: Any) -> dict[str, str]:
        return {"iri": _id(term), "label": self.labels.get(term) or _id(term)}

    def _mention(self, m: Mention) -> dict[str, Any]:
        return {"iri": _id(m.iri), "idea": self.node(m.idea), "event": self.node(m.event) if m.event else None,
                "time": m.time_text or None, "role": _local(m.role) if m.role is not None else None,
                "carriers": [self.node(c) for c in m.carriers], "evidence": [self.node(e) for e in m.evidence],
                "groups": [self.node(g) for g in m.groups]}

    def to_dict(self) -> dict[str, Any]:
        """The trail as JSON-ready data: the contract of ``kg-connect trace --format json``
        (see docs/trace-json.md)."""
        return {
            "idea": self.node(self.idea),
            "first": [self._mention(m) for m in self.first],
            "mentions": [self._mention(m) for m in self.mentions],
            "hops": [{"from": _id(h.source.iri), "to": _id(h.target.iri), "explicit": h.explicit,
                      "carriers": [self.node(c) for c in h.carriers], "reason": h.reason} for h in self.hops],
            "carriers": [dict(self.node(c), hops=n) for c, n in self.carriers],
            "groups_reached": [dict(self.node(g), first_reached=when) for g, when in self.groups_reached],
            "groups_without_contact": [self.node(g) for g in self.groups_without_contact],
            "undated": [self._mention(m) for m in self.undated],
            "problems": self.problems,
            "measures": self.measures,
        }

    def to_dataframe(self) -> Any:
        """One row per mention in time order (then the undated ones): time, event, role,
        carriers, evidence, groups, and where the idea came from (``came_from``, ``explicit``)."""
        import pandas as pd

        came = {h.target.iri: h for h in self.hops}
        rows = []
        for m in self.mentions + self.undated:
            hop = came.get(m.iri)
            rows.append({
                "time": m.time_text or None, "event": self.labels.get(m.event, "") if m.event else "",
                "idea": self.labels.get(m.idea, ""), "role": _local(m.role) if m.role is not None else "",
                "carriers": "; ".join(self.labels.get(c, _id(c)) for c in m.carriers),
                "evidence": "; ".join(self.labels.get(e, _id(e)) for e in m.evidence),
                "groups": "; ".join(self.labels.get(g, _id(g)) for g in m.groups),
                "came_from": self.labels.get(hop.source.event, "") if hop and hop.source.event else "",
                "explicit": hop.explicit if hop else None,
                "mention": _id(m.iri),
            })
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return (f"<IdeaTrail {self.label!r}: {len(self.mentions)} mentions, {len(self.hops)} hops, "
                f"{len(self.groups_reached)} groups reached>")

    def _repr_html_(self) -> str:
        e = html.escape
        first = ", ".join(f"{e(self.labels.get(m.event, ''))} ({e(m.time_text[:10])})" for m in self.first) or "–"
        rows = []
        came = {h.target.iri: h for h in self.hops}
        for m in self.mentions:
            hop = came.get(m.iri)
            source = ""
            if hop is not None:
                how = "recorded" if hop.explicit else "inferred: " + hop.reason
                source = f"{e(self.labels.get(hop.source.event, ''))} <small>({e(how)})</small>"
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in (
                e(m.time_text[:16]), e(self.labels.get(m.event, "") if m.event else ""),
                e(_local(m.role) if m.role is not None else ""),
                e(", ".join(self.labels.get(c, _id(c)) for c in m.carriers)), source)) + "</tr>")
        reached = ", ".join(e(self.labels.get(g, _id(g))) for g, _ in self.groups_reached) or "–"
        without = ", ".join(e(self.labels.get(g, _id(g))) for g in self.groups_without_contact) or "–"
        notes = "".join(f"<li>{e(p['message'])}</li>" for p in self.problems)
        undated = f"<p>{len(self.undated)} mention(s) without a date.</p>" if self.undated else ""
        return (f'<div class="kgc-trail"><h4>Idea trail: {e(self.label)}</h4>'
                f"<p>First: {first}. {len(self.mentions)} mentions, {len(self.hops)} hops, "
                f"depth {self.measures['depth']}, reach {self.measures['reach']['groups']} groups.</p>"
                '<table><thead><tr><th>time</th><th>event</th><th>role</th><th>carried by</th>'
                f"<th>came from</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
                f"<p>Groups reached: {reached}.</p><p>No recorded contact: {without}.</p>{undated}"
                + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


@dataclass
class EventSpread:
    """What an event passed on (see :func:`spread`)."""

    event: Any
    label: str
    items: list[dict[str, Any]]

    def to_dataframe(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.items)

    def __repr__(self) -> str:
        return f"<EventSpread {self.label!r}: {len(self.items)} onward mentions>"


@dataclass
class IdeaFlows:
    """The event-to-event idea-flow graph of every idea (see :func:`flows`)."""

    edges: list[dict[str, Any]]
    trails: dict[Any, IdeaTrail]
    tables: Any = None  # what was read (people and groups around the events), for further analysis

    def to_networkx(self) -> Any:
        import networkx as nx

        g = nx.DiGraph()
        for e in self.edges:
            g.add_edge(e["from"], e["to"], ideas=e["ideas"], carriers=e["carriers"], weight=len(e["ideas"]))
        return g

    def to_dataframe(self) -> Any:
        import pandas as pd

        return pd.DataFrame([{"from": e["from_label"], "to": e["to_label"], "ideas": "; ".join(e["idea_labels"]),
                              "carriers": "; ".join(e["carrier_labels"]), "explicit": e["explicit"]}
                             for e in self.edges])

    def __repr__(self) -> str:
        return f"<IdeaFlows {len(self.edges)} event-to-event flows of {len(self.trails)} ideas>"


# ---------------------------------------------------------------------- reading the graph
class _Tables:
    """What the trails need, read from the graph once."""

    def __init__(self, graph: KnowledgeGraph, mentions: dict[Any, Mention]) -> None:
        self.graph = graph
        self.mentions = mentions
        self.present: dict[Any, set[Any]] = defaultdict(set)  # event -> agents
        self.reports: dict[Any, set[Any]] = defaultdict(set)  # event -> reports on it
        self.start: dict[Any, str] = {}
        self.end: dict[Any, str] = {}
        self.super: dict[Any, set[Any]] = defaultdict(set)
        self.belongs: dict[Any, set[Any]] = defaultdict(set)
        self.types: dict[Any, set[str]] = defaultdict(set)
        self._group: dict[Any, bool] = {}
        self.memo: dict[Any, Any] = {}  # pyoxigraph term -> rdflib term, one object per term
        self._sorted: dict[tuple[Any, frozenset[Any]], list[Any]] = {}
        self._people: dict[Any, frozenset[Any]] = {}
        self._groups: dict[tuple[Any, frozenset[Any]], frozenset[Any]] = {}

    def read_around(self, events: list[Any] | None) -> None:
        for params in _batches("event", events):
            for rel, text in _AROUND.items():
                rows = self.graph.query(text, union=True, **params).rows.tuples(self.memo)
                if rel in ("start", "end"):
                    dates = self.start if rel == "start" else self.end
                    for event, x in rows:
                        dates[event] = str(x)
                else:
                    bag = self.present if rel == "present" else self.reports if rel == "report" else self.super
                    for event, x in rows:
                        bag[event].add(x)

    def read_agents(self, agents: list[Any] | None) -> None:
        for params in _batches("p", agents):
            for p, g in self.graph.query(_BELONGS, union=True, **params).rows.tuples(self.memo):
                self.belongs[p].add(g)
            batch = params.get("p")
            where: dict[str, Any] = {} if batch is None else {"n": list(batch) + [g for p in batch for g in self.belongs.get(p, ())]}
            for n, t in self.graph.query(_TYPES, union=True, **where).rows.tuples(self.memo):
                self.types[n].add(str(t))

    def is_group(self, node: Any) -> bool:
        known = self._group.get(node)
        if known is None:
            known = self._group[node] = any(t in GROUP_TYPES for t in self.types.get(node, ()))
        return known

    def people_at(self, event: Any) -> frozenset[Any]:
        """Agents present at an event (a side event's people were at its main event too)."""
        known = self._people.get(event)
        if known is None:
            out = {x for x in self.present.get(event, ()) if not isinstance(x, Literal)}
            for parent in self.super.get(event, ()):
                out |= {x for x in self.present.get(parent, ()) if not self.is_group(x)}
            known = self._people[event] = frozenset(out)
        return known

    def sorted_groups_at(self, event: Any, carriers: Iterable[Any] = ()) -> list[Any]:
        """:meth:`groups_at` in IRI order (a copy: callers keep it)."""
        key = (event, frozenset(carriers))
        known = self._sorted.get(key)
        if known is None:
            known = self._sorted[key] = sorted(self.groups_at(event, key[1]), key=str)
        return list(known)

    def groups_at(self, event: Any, carriers: Iterable[Any] = ()) -> frozenset[Any]:
        """Groups present at an event: organisers, funders and groups attending (of the event
        it is part of too), and the groups of the people present and of the carriers."""
        key = (event, frozenset(carriers))
        known = self._groups.get(key)
        if known is not None:
            return known
        present = set(self.present.get(event, ()))
        for parent in self.super.get(event, ()):
            present |= self.present.get(parent, set())
        groups = set()
        for person in present | key[1]:
            if self.is_group(person):
                groups.add(person)
            groups |= {g for g in self.belongs.get(person, ()) if self.is_group(g) or g not in self.types}
        known = self._groups[key] = frozenset(groups)
        return known


def _batches(name: str, values: list[Any] | None, size: int = 400) -> Iterable[dict[str, Any]]:
    """Query parameters binding ``name`` to ``size`` values at a time; ``None``: one query
    with it unbound (the whole graph)."""
    if values is None:
        yield {}
        return
    for start in range(0, len(values), size):
        yield {name: values[start:start + size]}


def _read_mentions(graph: KnowledgeGraph, ideas: list[Any] | None, narrower: bool,
                   memo: dict[Any, Any] | None = None) -> dict[Any, Mention]:
    if ideas is None:
        rows = graph.query(_MENTIONS % "", union=True).rows
    elif narrower:
        rows = graph.query(_MENTIONS % "?idea skos:broader* ?root .", root=ideas, union=True).rows
    else:
        rows = graph.query(_MENTIONS % "", idea=ideas, union=True).rows
    out: dict[Any, Mention] = {}
    for m, idea, event, time, role, carrier, evidence, prev in rows.tuples(memo):
        mention = out.get(m)
        if mention is None:
            mention = out[m] = Mention(m, idea)
        if event is not None and mention.event is None:
            mention.event = event
        if time is not None:
            mention.times.add(str(time))
        if role is not None and mention.role is None:
            mention.role = role
        for value, bag in ((carrier, mention.carriers), (evidence, mention.evidence), (prev, mention.previous)):
            if value is not None and value not in bag:
                bag.append(value)
    for mention in out.values():  # in IRI order: the same trail whichever order a store gives rows in
        for bag in (mention.carriers, mention.evidence, mention.previous):
            bag.sort(key=str)
    return out


def _parse_time(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text else \
            dt.datetime.fromisoformat(text[:10])
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# ---------------------------------------------------------------------- the trail itself
def _build(tables: _Tables, idea: Any, mentions: list[Mention], all_groups: list[Any],
           labels: dict[Any, str]) -> IdeaTrail:
    problems: list[dict[str, Any]] = []

    plain = dict.get

    def name(term: Any) -> str:  # dict's own get first: the label is almost always known
        return plain(labels, term) or labels.get(term) or _id(term)

    dated: list[Mention] = []
    undated: list[Mention] = []
    for m in mentions:
        times = sorted(m.times)
        parsed = [t for t in (_parse_time(x) for x in times) if t is not None]
        if len({p for p in parsed}) > 1:
            problems.append({"kind": "contradictory dates", "mention": _id(m.iri),
                             "message": f"{name(m.event) if m.event else _id(m.iri)}: the mention has several "
                                        f"dates ({', '.join(times)}); the earliest is used"})
        if parsed:
            m.time, m.time_text = min(parsed), min(times, key=lambda x: _parse_time(x) or dt.datetime.max.replace(
                tzinfo=dt.UTC))
        elif m.event is not None and tables.start.get(m.event) and _parse_time(tables.start[m.event]):
            m.time, m.time_text, m.time_from_event = _parse_time(tables.start[m.event]), tables.start[m.event], True
        elif times:
            problems.append({"kind": "unreadable date", "mention": _id(m.iri),
                             "message": f"{_id(m.iri)}: the date {times[0]!r} cannot be read"})
        if m.time is not None and m.event is not None and not m.time_from_event:
            start, end = _parse_time(tables.start.get(m.event, "")), _parse_time(tables.end.get(m.event, ""))
            day = m.time.date()
            outside = (start is not None and day < start.date()) or (end is not None and day > end.date()) or \
                (start is not None and end is None and abs((day - start.date()).days) > 1)
            if outside:
                ran = tables.start.get(m.event, "?")[:10] + (f" to {tables.end[m.event][:10]}" if end else "")
                problems.append({"kind": "contradictory dates", "mention": _id(m.iri),
                                 "message": f"{name(m.event)}: mentioned on {m.time_text[:10]}, but the event "
                                            f"ran {ran}"})
        m.groups = tables.sorted_groups_at(m.event, m.carriers) if m.event is not None else \
            sorted({g for c in m.carriers for g in tables.belongs.get(c, ())}, key=_id)
        if m.event is None:
            problems.append({"kind": "no event", "mention": _id(m.iri),
                             "message": f"{_id(m.iri)}: no event has this mention (prov:qualifiedUsage)"})
        (dated if m.time is not None else undated).append(m)
    dated.sort(key=lambda m: (m.time, _id(m.event), _id(m.iri)))
    by_iri = {m.iri: m for m in mentions}

    hops: list[Hop] = []
    parent: dict[Any, Any] = {}
    for i, m in enumerate(dated):
        hop = None
        for prev_iri in m.previous:
            prev = by_iri.get(prev_iri) or tables.mentions.get(prev_iri)
            if prev is None or prev.time is None:
                problems.append({"kind": "unknown previous mention", "mention": _id(m.iri),
                                 "message": f"{name(m.event)}: its previous mention {_id(prev_iri)} is not a dated "
                                            "mention of this idea"})
                continue
            if m.time is not None and prev.time > m.time:
                problems.append({"kind": "back in time", "mention": _id(m.iri),
                                 "message": f"{name(m.event)} ({m.time_text[:10]}) names as its previous mention "
                                            f"{name(prev.event)} ({prev.time_text[:10]}), which is later"})
                continue
            shared, why, by_people = _links(tables, prev, m, name)
            if not shared:
                shared, by_people = list(m.carriers), True
            hop = Hop(prev, m, True, shared, "recorded as the previous mention" + (f"; {why}" if why else ""),
                      by_people)
            break
        if hop is None:  # no recorded hop, or none that holds: infer one
            for prev in reversed(dated[:i]):
                if prev.time is None or m.time is None or prev.time >= m.time or prev.event == m.event:
                    continue
                shared, why, by_people = _links(tables, prev, m, name)
                if why:
                    hop = Hop(prev, m, False, shared, why, by_people)
                    break
        if hop is not None:
            hops.append(hop)
            parent[m.iri] = hop.source.iri

    first_time = dated[0].time if dated else None
    first = [m for m in dated if m.time == first_time and m.iri not in parent] if dated else []
    roots = [m for m in dated if m.iri not in parent]

    counts: dict[Any, int] = defaultdict(int)  # people only: groups and reports link, not carry
    for h in hops:
        if h.by_people:
            for c in h.carriers:
                counts[c] += 1
    carriers = sorted(counts.items(), key=lambda kv: (-kv[1], name(kv[0])))
    reached: dict[Any, tuple[dt.datetime, str]] = {}
    for m in dated:
        for g in m.groups:
            if g not in reached:
                reached[g] = (m.time, m.time_text)  # type: ignore[assignment]
    groups_reached = sorted(((g, text) for g, (_, text) in reached.items()), key=lambda gt: (reached[gt[0]][0], name(gt[0])))
    without = [g for g in all_groups if g not in reached]  # all_groups comes sorted by name

    measures = _measures(dated, hops, parent, roots, tables, groups_reached, reached, all_groups, first_time)
    return IdeaTrail(idea, name(idea), first, dated, hops, carriers, groups_reached, without, undated,
                     problems, measures, labels)


def _links(tables: _Tables, prev: Mention, m: Mention, name: Any) -> tuple[list[Any], str, bool]:
    """Who or what links two mentions: people at (or carrying it at) both, groups at both,
    reports on both; and the reason in words."""
    at_prev = tables.people_at(prev.event) | set(prev.carriers)
    at_m = tables.people_at(m.event) | set(m.carriers)
    shared = at_prev & at_m
    # the carriers first, then (at a big event, thousands may be at both) a few others
    people = [p for p in m.carriers if p in shared] + [p for p in prev.carriers if p in shared and p not in m.carriers]
    others = sorted((p for p in shared if p not in people and not tables.is_group(p)), key=_id)
    extra = max(0, len(others) - 10)
    people += others[:10]
    people = [p for p in people if not tables.is_group(p)]
    reasons = []
    for p in people[:3]:
        if p in prev.carriers and p in m.carriers:
            reasons.append(f"{name(p)} carried it at both")
        else:
            reasons.append(f"{name(p)} attended both")
    if len(people) + extra > 3:
        reasons.append(f"{len(people) + extra - 3:,} more people were at both")
    reports_prev = set(prev.evidence) | tables.reports.get(prev.event, set())
    reports_m = set(m.evidence) | tables.reports.get(m.event, set())
    reports = sorted(reports_prev & reports_m, key=name)
    if not people:
        groups = sorted(set(prev.groups) & set(m.groups), key=name)
        reasons += [f"{name(g)} was at both" for g in groups[:2]]
        reasons += [f"the report {name(r)!r} covers both" for r in reports[:2]]
        return (groups + reports)[:5], "; ".join(reasons), False
    return people, "; ".join(reasons), True


def _measures(dated: list[Mention], hops: list[Hop], parent: dict[Any, Any], roots: list[Mention],
              tables: _Tables, groups_reached: list[tuple[Any, str]], reached: dict[Any, Any],
              all_groups: list[Any], first_time: dt.datetime | None) -> dict[str, Any]:
    depth: dict[Any, int] = {}

    def depth_of(iri: Any) -> int:
        seen = []
        while iri in parent and iri not in depth and iri not in seen:
            seen.append(iri)
            iri = parent[iri]
        base = depth.get(iri, 0)
        for k, node in enumerate(reversed(seen)):
            depth[node] = base + k + 1
        return depth.get(seen[0], base) if seen else base

    for m in dated:
        depth[m.iri] = depth_of(m.iri)
    levels: dict[int, int] = defaultdict(int)
    for m in dated:
        levels[depth[m.iri]] += 1
    # structural virality (Goel et al. 2016): mean distance between pairs in the cascade tree
    children: dict[Any, list[Any]] = defaultdict(list)
    for child, p in parent.items():
        children[p].append(child)
    best = None
    for root in roots:
        tree = [root.iri]
        for node in tree:
            tree.extend(children.get(node, ()))
        if len(tree) >= 2 and (best is None or len(tree) > len(best)):
            best = tree
    virality = None
    if best is not None:
        adj: dict[Any, list[Any]] = defaultdict(list)
        for node in best:
            for c in children.get(node, ()):
                adj[node].append(c)
                adj[c].append(node)
        total = 0
        for src in best:
            dist = {src: 0}
            queue = [src]
            for node in queue:
                for nxt in adj[node]:
                    if nxt not in dist:
                        dist[nxt] = dist[node] + 1
                        queue.append(nxt)
            total += sum(dist.values())
        virality = round(total / (len(best) * (len(best) - 1)), 3)
    crossing = [h for h in hops if not (set(h.source.groups) & set(h.target.groups))]
    people = {p for m in dated for p in tables.people_at(m.event) | set(m.carriers) if not tables.is_group(p)} \
        if dated else set()
    days = {}
    for g, _ in groups_reached:
        when = reached[g][0]
        if first_time is not None:
            days[_id(g)] = round((when - first_time).total_seconds() / 86400, 2)
    return {
        "reach": {"mentions": len(dated), "events": len({m.event for m in dated if m.event is not None}),
                  "people": len(people), "groups": len(groups_reached),
                  "group_coverage": round(len(groups_reached) / len(all_groups), 3) if all_groups else None},
        "depth": max(depth.values(), default=0),
        "max_breadth": max(levels.values(), default=0),
        "structural_virality": virality,
        "days_to_reach_groups": days,
        "cross_boundary_hop_share": round(len(crossing) / len(hops), 3) if hops else None,
        "explicit_hops": sum(1 for h in hops if h.explicit),
        "inferred_hops": sum(1 for h in hops if not h.explicit),
    }


# ---------------------------------------------------------------------- the public functions
def find_idea(graph: KnowledgeGraph, idea: Any) -> URIRef:
    """The idea ``idea`` names: an IRI, a prefixed name, or a label (case- and
    accent-insensitive; an ambiguous label is an error that lists the candidates; a text
    found inside exactly one idea's label names that idea)."""
    if isinstance(idea, (URIRef, BNode)):
        return idea  # type: ignore[return-value]
    if not isinstance(idea, str):
        raise KgConnectError(f"no idea given: pass an IRI, a prefixed name or a label, not {idea!r}")
    text = idea.strip()
    if not text:
        raise KgConnectError("no idea given: pass an IRI, a prefixed name or a label")
    prefix, _, local = text.partition(":")
    named = URIRef(graph.namespaces[prefix] + local) if prefix in graph.namespaces and not local.startswith("//") \
        else URIRef(text) if text.startswith(("http://", "https://", "urn:")) else None
    if named is not None:
        if not graph.query("ASK { { ?i ?p ?o } UNION { ?s ?p ?i } }", i=named, union=True).boolean:
            short = graph.qname(named)
            raise KgConnectError(f"no idea <{named}> in the graph" if short == str(named) else
                                 f"no idea {short} (<{named}>) in the graph")
        return named
    rows = graph.query("""SELECT DISTINCT ?i ?l WHERE {
      { ?i a kgc:Idea } UNION { ?i a skos:Concept } UNION { ?m prov:entity ?i ; a kgc:IdeaMention }
      ?i rdfs:label|skos:prefLabel|skos:altLabel|schema:name|dcterms:title ?l }""", union=True).rows
    wanted = _fold(text)
    exact = sorted({i for i, label in rows if _fold(str(label)) == wanted}, key=str)
    if len(exact) == 1:
        return exact[0]
    labels = graph.labels(exact or [i for i, label in rows if wanted in _fold(str(label))])
    if len(exact) > 1:
        raise KgConnectError(f"{text!r} names {len(exact)} ideas; say which with its IRI: "
                             + "; ".join(f"{labels[i]} <{i}>" for i in exact))
    near = sorted(labels.items(), key=lambda kv: kv[1].lower())
    if len(near) == 1:
        return near[0][0]
    hint = (" Did you mean: " + "; ".join(f"{label} <{i}>" for i, label in near[:8]) + "?") if near else \
        "" if rows else (" The graph has no ideas at all (kgc:Idea, skos:Concept or kgc:IdeaMention); conference "
                         "data from Semantic Web Dog Food becomes ideas with kg-connect import swdf.")
    raise KgConnectError(f"no idea is labelled {text!r}.{hint}")


def _by_name(groups: list[Any], labels: dict[Any, str]) -> list[Any]:
    return sorted(groups, key=lambda g: ((labels.get(g) or _id(g)).lower(), _id(g)))


def _groups(graph: KnowledgeGraph) -> list[Any]:
    return [r[0] for r in graph.query(_GROUPS, t=[URIRef(t) for t in GROUP_TYPES], union=True).rows
            if not isinstance(r[0], Literal)]


class _Labels(dict):  # type: ignore[type-arg]
    """Labels read in one query for the terms known to be shown, and one by one for the few
    met later (a person named in a hop's reason)."""

    def __init__(self, graph: KnowledgeGraph, terms: Iterable[Any]) -> None:
        super().__init__(graph.labels(t for t in terms if t is not None))
        self.graph = graph

    def get(self, key: Any, default: Any = None) -> Any:
        if key is None:
            return default
        if key not in self:
            self.update(self.graph.labels([key]))
        return super().get(key, default)


def _labels(graph: KnowledgeGraph, terms: Iterable[Any]) -> dict[Any, str]:
    return _Labels(graph, terms)


def _tables_for(graph: KnowledgeGraph, mentions: dict[Any, Mention], whole: bool,
                memo: dict[Any, Any] | None = None) -> _Tables:
    tables = _Tables(graph, mentions)
    if memo is not None:
        tables.memo = memo
    events = sorted({m.event for m in mentions.values() if m.event is not None}, key=_id)
    tables.read_around(None if whole else events)
    parents = sorted({p for e in events for p in tables.super.get(e, ())} - set(events), key=_id)
    if parents:
        tables.read_around(parents)
    agents = {x for e in list(tables.present) for x in tables.present[e]} | \
        {c for m in mentions.values() for c in m.carriers}
    tables.read_agents(None if whole else sorted(agents, key=_id))
    return tables


def trace(graph: KnowledgeGraph, idea: Any, *, narrower: bool = False) -> IdeaTrail:
    """The trail of ``idea`` (an IRI, a prefixed name or a label) through ``graph``.

    ``narrower=True`` includes mentions of narrower ideas (``skos:broader``), each marked
    with its idea. See :class:`IdeaTrail`.
    """
    if not isinstance(graph, KnowledgeGraph):
        raise TypeError(f"trace() needs a KnowledgeGraph, not {type(graph).__name__}")
    iri = find_idea(graph, idea)
    memo: dict[Any, Any] = {}
    mentions = _read_mentions(graph, [iri], narrower, memo)
    tables = _tables_for(graph, mentions, whole=False, memo=memo)
    groups = _groups(graph)
    terms = {iri} | {m.idea for m in mentions.values()} | {m.event for m in mentions.values()} | \
        {x for m in mentions.values() for x in itertools.chain(m.carriers, m.evidence)} | set(groups)
    labels = _labels(graph, terms)
    return _build(tables, iri, list(mentions.values()), _by_name(groups, labels), labels)


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Python's cycle collector paused while millions of small objects (terms, sets) are made:
    it would walk them again and again (a quarter of flows() at 1M triples). None of them
    forms a cycle; the collector's state is restored after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def flows(graph: KnowledgeGraph) -> IdeaFlows:
    """The event-to-event idea-flow graph of every idea: an edge for each pair of events an
    idea hopped between (recorded or inferred), with the ideas and the people who carried them."""
    with _no_gc_pauses():
        return _flows(graph)


def _flows(graph: KnowledgeGraph) -> IdeaFlows:
    memo: dict[Any, Any] = {}
    mentions = _read_mentions(graph, None, False, memo)
    tables = _tables_for(graph, mentions, whole=True, memo=memo)
    groups = _groups(graph)
    by_idea: dict[Any, list[Mention]] = defaultdict(list)
    for m in mentions.values():
        by_idea[m.idea].append(m)
    terms = set(by_idea) | {m.event for m in mentions.values()} | {c for m in mentions.values() for c in m.carriers} \
        | set(groups)
    labels = _labels(graph, terms)
    groups = _by_name(groups, labels)
    trails = {idea: _build(tables, idea, ms, groups, labels) for idea, ms in by_idea.items()}
    edges: dict[tuple[Any, Any], dict[str, Any]] = {}
    for idea, trail in trails.items():
        for h in trail.hops:
            a, b = h.source.event, h.target.event
            if a is None or b is None or a == b:
                continue
            e = edges.setdefault((a, b), {"from": _id(a), "to": _id(b), "from_label": labels.get(a, _id(a)),
                                          "to_label": labels.get(b, _id(b)), "ideas": [], "idea_labels": [],
                                          "carriers": [], "carrier_labels": [], "explicit": False})
            if _id(idea) not in e["ideas"]:
                e["ideas"].append(_id(idea))
                e["idea_labels"].append(labels.get(idea, _id(idea)))
            for c in h.carriers if h.by_people else ():
                if _id(c) not in e["carriers"]:
                    e["carriers"].append(_id(c))
                    e["carrier_labels"].append(labels.get(c, _id(c)))
            e["explicit"] = e["explicit"] or h.explicit
    ordered = sorted(edges.values(), key=lambda e: (e["from_label"], e["to_label"]))
    result = IdeaFlows(ordered, trails)
    result.tables = tables
    return result


def spread(graph: KnowledgeGraph, event: Any) -> EventSpread:
    """The ideas ``event`` passed on: for each idea mentioned there, the later mentions its
    trail reached from this event (directly or further on), the groups and the carriers."""
    from kg_connect.render._network import _term

    iri = _term(event, graph)
    ideas = [r[0] for r in graph.query("SELECT DISTINCT ?idea WHERE { ?event prov:qualifiedUsage ?m . "
                                       "?m prov:entity ?idea }", event=iri, union=True).rows]
    items = []
    for idea in ideas:
        trail = trace(graph, idea)
        here = [m.iri for m in trail.mentions if m.event == iri]
        children: dict[Any, list[Hop]] = defaultdict(list)
        for h in trail.hops:
            children[h.source.iri].append(h)
        queue = [(m, 1) for m in here]
        seen = set(here)
        while queue:
            node, distance = queue.pop(0)
            for h in children.get(node, ()):
                if h.target.iri in seen:
                    continue
                seen.add(h.target.iri)
                items.append({
                    "idea": trail.labels.get(idea, _id(idea)), "idea_iri": _id(idea),
                    "to_event": trail.labels.get(h.target.event, _id(h.target.event)) if h.target.event else "",
                    "to_event_iri": _id(h.target.event) if h.target.event else "",
                    "time": h.target.time_text, "hops_away": distance, "explicit": h.explicit,
                    "through": "; ".join(trail.labels.get(c, _id(c)) for c in h.carriers), "reason": h.reason,
                    "groups": "; ".join(trail.labels.get(g, _id(g)) for g in h.target.groups)})
                queue.append((h.target.iri, distance + 1))
    items.sort(key=lambda i: (i["time"], i["idea"]))
    return EventSpread(iri, graph.label(iri), items)


# ---------------------------------------------------------------------- small helpers
def _id(term: Any) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _local(term: Any) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if text.startswith(KGC) or "#" in text else text


def _fold(text: str) -> str:
    return " ".join("".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
                    .casefold().split())
