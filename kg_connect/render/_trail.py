"""The idea-trail view as a document: events left to right in time, hops as arrows labelled
with their carriers (recorded hops solid, inferred ones dashed), events in coloured lanes by
the group most present at them, the groups with no recorded contact apart, and the mention
table. The page (``trail.js``) replays the spread with a time slider and a play button, and
works the same in a notebook, an exported notebook and a saved file (no kernel needed).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kg_connect._text import clip, visible
from kg_connect.render._document import graph_document

__all__ = ["trail_doc", "trail_page"]

#: lane colours (colour-blind safe, Okabe and Ito), the last for "other groups"
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
OTHER = "#999999"
LANES = len(PALETTE)
X_STEP, Y_STEP, Y_SAME = 150, 90, 40
MAX_APART = 60  # groups without contact listed by name; the rest counted


def _short(text: str, limit: int) -> str:
    shown, left = clip(visible(text), limit)
    return shown + ("…" if left else "")


def _names(labels: list[str], limit: int = 2) -> str:
    if len(labels) <= limit:
        return ", ".join(labels)
    return ", ".join(labels[:limit]) + f" +{len(labels) - limit}"


def trail_doc(trail: Any, *, live: bool = False) -> dict[str, Any]:
    """The view's document for an :class:`~kg_connect.analysis.IdeaTrail`."""
    lab = trail.labels

    def label(term: Any) -> str:
        return visible(str(lab.get(term) or term))

    dated = [m for m in trail.mentions if m.time is not None]
    text_of: dict[Any, str] = {}
    for m in dated:
        text_of.setdefault(m.time, m.time_text)
    times = sorted(text_of)
    rank = {t: i for i, t in enumerate(times)}
    # lanes: each event goes to its most distinctive group (present at the fewest events of
    # the trail), so that a lane shows where the idea reached that group; the groups with the
    # most events get lanes, the rest share "other"
    present: dict[Any, set[Any]] = {}
    for m in dated:
        present.setdefault(m.event, set()).update(m.groups)
    presence: Counter[Any] = Counter(g for gs in present.values() for g in gs)
    own = {e: min(gs, key=lambda g: (presence[g], label(g))) for e, gs in present.items() if gs}
    assigned: Counter[Any] = Counter(own.values())
    top = [g for g, _ in sorted(assigned.items(), key=lambda kv: (-kv[1], label(kv[0])))[:LANES]]
    lane_of = {g: i for i, g in enumerate(top)}
    lanes = [{"id": f"lane:{i}", "label": _short(label(g), 40), "iri": str(g), "color": PALETTE[i],
              "events": assigned[g]} for i, g in enumerate(top)]
    lanes.append({"id": f"lane:{len(top)}", "label": "other or no group", "iri": "", "color": OTHER,
                  "events": 0})

    events: dict[Any, dict[str, Any]] = {}
    used: Counter[tuple[int, int]] = Counter()
    for m in dated:
        if m.event is None:
            continue
        node = events.get(m.event)
        if node is None:
            groups = sorted(present.get(m.event, ()), key=label)
            lane = lane_of.get(own.get(m.event), len(top))
            step = rank[m.time]
            slot = used[(step, lane)]
            used[(step, lane)] += 1
            node = events[m.event] = {
                "id": str(m.event), "label": _short(label(m.event), 38), "full": label(m.event),
                "time": m.time_text, "step": step, "lane": lane, "x": step * X_STEP,
                "y": lane * Y_STEP + slot * Y_SAME, "color": lanes[lane]["color"], "mentions": [],
                "groups": sorted({label(g) for g in groups}), "first": False,
            }
        node["mentions"].append(str(m.iri))
        node["step"] = min(node["step"], rank[m.time])
    for m in trail.first:
        if m.event in events:
            events[m.event]["first"] = True

    hops: dict[tuple[str, str], dict[str, Any]] = {}
    for h in trail.hops:
        if h.source.event not in events or h.target.event not in events or h.source.event == h.target.event:
            continue
        key = (str(h.source.event), str(h.target.event))
        names = [label(c) for c in h.carriers]
        edge = hops.get(key)
        if edge is None:
            edge = hops[key] = {"id": "\u0000".join(key), "from": key[0], "to": key[1], "explicit": h.explicit,
                                "carriers": [], "reasons": [], "step": events[h.target.event]["step"]}
        edge["explicit"] = edge["explicit"] or h.explicit
        edge["carriers"] += [n for n in names if n not in edge["carriers"]]
        reason = (visible(h.reason) if h.reason else "recorded") if h.explicit else \
            "inferred" + (f": {visible(h.reason)}" if h.reason else "")
        if reason not in edge["reasons"]:
            edge["reasons"].append(reason)
    for edge in hops.values():
        edge["label"] = _short(_names(edge["carriers"]), 48)

    def row(m: Any) -> dict[str, Any]:
        return {"id": str(m.iri), "event": str(m.event) if m.event is not None else "",
                "eventLabel": label(m.event) if m.event is not None else "(no event)",
                "time": m.time_text or "", "step": rank.get(m.time, -1) if m.time is not None else -1,
                "role": visible(str(m.role).rsplit("#", 1)[-1].rsplit("/", 1)[-1]) if m.role is not None else "",
                "idea": label(m.idea), "carriers": [label(c) for c in m.carriers],
                "evidence": [label(e) for e in m.evidence]}

    apart = [label(g) for g in trail.groups_without_contact]
    ms = trail.measures
    reach = ms.get("reach", {})
    summary = (f"{reach.get('mentions', len(trail.mentions))} mentions at {reach.get('events', len(events))} events; "
               f"{len(trail.hops)} hops ({ms.get('explicit_hops', 0)} recorded, {ms.get('inferred_hops', 0)} "
               f"inferred); {len(trail.groups_reached)} groups reached, {len(apart)} with no recorded contact")
    return {
        "viewer": "trail", "live": live, "idea": {"iri": str(trail.idea), "label": visible(trail.label)},
        "summary": summary, "steps": [t.isoformat() for t in times],
        "stepText": [text_of[t] for t in times],
        "lanes": lanes, "events": list(events.values()), "hops": list(hops.values()),
        "mentions": [row(m) for m in dated] + [row(m) for m in trail.undated],
        "carriers": [{"label": label(c), "hops": n} for c, n in trail.carriers[:12]],
        "apart": apart[:MAX_APART], "apartMore": max(0, len(apart) - MAX_APART),
        "problems": [visible(str(p.get("message", p))) for p in trail.problems][:50],
        "xStep": X_STEP, "yStep": Y_STEP,
    }


def trail_page(trail: Any, *, theme: str = "light", lib: str = "inline", live: bool = False, view: str = "",
               title: str | None = None) -> str:
    """The self-contained HTML page of a trail view."""
    return graph_document(trail_doc(trail, live=live), theme=theme, title=title or f"Trail of {trail.label}",
                          lib=lib, live=live, view=view)
