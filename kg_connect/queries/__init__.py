"""Named, documented SPARQL questions shipped with kg_connect (``*.rq`` in this folder).

Each file starts with a header::

    # title: Idea trail
    # description: Every event an idea appeared at, in time order, ...
    # param: idea iri The idea (a kgc:Idea)

Run one with ``graph.ask_named("idea-trail", idea=...)``.

>>> [q.name for q in catalogue()][:3]
['event', 'event-attendees', 'groups-without-contact']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["PARAM_TYPES", "NamedQuery", "Param", "catalogue", "get"]

#: Parameter types a header may declare.
PARAM_TYPES = ("iri", "string", "integer", "date")


@dataclass(frozen=True)
class Param:
    """A parameter of a named query: bound to the query variable of the same name."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A named question: its name (the file stem), title, description, parameters and text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    def __repr__(self) -> str:
        params = ", ".join(f"{p.name}: {p.type}" for p in self.params)
        return f"<NamedQuery {self.name}({params}): {self.title}>"


_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*)$")


def _parse(name: str, text: str) -> NamedQuery:
    fields: dict[str, str] = {}
    params: list[Param] = []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        key, value = match.groups()
        if key == "param":
            pname, ptype, *desc = value.split(maxsplit=2)
            if ptype not in PARAM_TYPES:
                raise ValueError(f"{name}.rq: parameter {pname!r} has unknown type {ptype!r}; "
                                 f"expected one of: {', '.join(PARAM_TYPES)}")
            params.append(Param(pname, ptype, desc[0] if desc else ""))
        else:
            fields[key] = value.strip()
    if "title" not in fields:
        raise ValueError(f"{name}.rq has no '# title:' header")
    return NamedQuery(name, fields["title"], fields.get("description", ""), tuple(params), text)


@lru_cache(maxsize=1)
def _load() -> dict[str, NamedQuery]:
    folder = resources.files(__name__)
    queries = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name.rsplit(".", 1)[0]):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            queries[name] = _parse(name, entry.read_text(encoding="utf-8"))
    return queries


def catalogue() -> list[NamedQuery]:
    """Every named query, by name."""
    return list(_load().values())


def get(name: str) -> NamedQuery:
    """The named query called ``name``; the error lists the known names.

    >>> get("idea-trail").params[0].name
    'idea'
    """
    try:
        return _load()[name]
    except KeyError:
        raise KeyError(f"no named query {name!r}; known: {', '.join(_load())}") from None
