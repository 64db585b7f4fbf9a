"""Semantic Web Dog Food conference data (SWC, SWRC, FOAF, Dublin Core, iCal) mapped into
our ontology, so that trails, spread, shapes and introductions work on it.

The mapping, per source file (each into a named graph of its own, ``file:///<name>``):

- conference events, sessions, talks and workshops -> ``schema:Event`` with
  ``schema:startDate``/``endDate`` (iCal dates, whether literals or time nodes),
  ``schema:superEvent``/``subEvent`` and ``schema:location``;
- papers -> evidence (``schema:ScholarlyArticle``) with title, authors and what they are about;
- keywords (``dc:subject``, ``dcterms:subject``, ``swrc:keywords``, ``swc:hasTopic``) -> ideas,
  normalised (case, punctuation, plurals), one idea per concept across files;
- a paper's keywords -> one ``kgc:IdeaMention`` each, at the paper's talk (or the event whose
  proceedings hold it, or the conference), carried by its authors, with the paper as evidence;
- people and their affiliations -> ``foaf:Person`` with ``org:memberOf`` an organisation;
- authors and role holders (chairs, programme committee) -> attendees; chairs -> organisers.

SWDF records no attendance, so attendance is inferred as above and reported. Every other
irregularity of the data is reported too, never a crash: dates typed differently across
files, IRIs whose casing changes between files (taken as one), relative IRIs (resolved
against the dataset's own namespaces), papers without keywords, authors or event, events
without dates.
"""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef

from kg_connect._graph import KnowledgeGraph
from kg_connect.errors import KgConnectError, KgConnectWarning

__all__ = ["Irregularity", "SwdfImport", "idea_key", "import_swdf"]

SWC = "http://data.semanticweb.org/ns/swc/ontology#"
SWRC = "http://swrc.ontoware.org/ontology#"
ICAL = "http://www.w3.org/2002/12/cal/ical#"
SWDF = "http://data.semanticweb.org/"
IDEA = "https://w3id.org/kg-connect/swdf/idea/"
MENTION = "https://w3id.org/kg-connect/swdf/mention/"
_RELATIVE = "urn:kg-connect:relative/"  # the base relative IRIs resolve against, so they can be found

SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
KGC = Namespace("https://w3id.org/kg-connect/ns#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")

_P = f"""PREFIX swc: <{SWC}> PREFIX swrc: <{SWRC}> PREFIX ical: <{ICAL}>
PREFIX dce: <http://purl.org/dc/elements/1.1/> PREFIX dct: <http://purl.org/dc/terms/>
"""
_EVENTS = _P + """SELECT DISTINCT ?e ?c WHERE {
  ?e a ?c FILTER(STRENDS(STR(?c), "Event") && (STRSTARTS(STR(?c), STR(swc:)) || STRSTARTS(STR(?c), STR(swrc:))))
}"""
_EVENT_LABELS = _P + "SELECT ?e ?l WHERE { ?e a ?c ; rdfs:label|ical:summary|dce:title|dct:title ?l }"
_DATES = _P + """SELECT ?e ?which ?v ?dt ?tz WHERE {
  { ?e ical:dtstart ?v BIND("start" AS ?which) } UNION { ?e ical:dtend ?v BIND("end" AS ?which) }
  OPTIONAL { ?v ical:dateTime ?dt } OPTIONAL { ?v ical:tzid ?tz } }"""
_SUPER = _P + "SELECT DISTINCT ?e ?s WHERE { { ?e swc:isSubEventOf ?s } UNION { ?s swc:isSuperEventOf ?e } }"
_PLACES = _P + """SELECT ?e ?place ?l WHERE { ?e a ?c ; foaf:based_near|swc:hasLocation ?place
  OPTIONAL { ?place rdfs:label|foaf:name ?l } }"""
_PAPER_CLASSES = ("InProceedings", "Article", "InCollection", "InBook", "Misc", "TechnicalReport", "Publication",
                  "Unpublished", "MasterThesis", "PhDThesis")
_PAPERS = _P + """SELECT DISTINCT ?p ?title ?url ?year WHERE {
  ?p a ?c FILTER(?c IN (""" + ", ".join(f"swrc:{c}" for c in _PAPER_CLASSES) + """))
  OPTIONAL { ?p dce:title|dct:title|rdfs:label ?title }
  OPTIONAL { ?p swrc:url ?url } OPTIONAL { ?p swrc:year ?year } }"""
_AUTHORS = _P + """SELECT DISTINCT ?p ?a WHERE {
  { ?p foaf:maker|dce:creator|dct:creator|swrc:author ?a } UNION { ?a foaf:made ?p } FILTER(!isLiteral(?a)) }"""
_KEYWORDS = _P + """SELECT ?p ?k WHERE { ?p dce:subject|dct:subject|swrc:keywords|swc:hasTopic|foaf:topic ?k }"""
_TOPIC_LABELS = _P + "SELECT ?t ?l WHERE { ?p swc:hasTopic|foaf:topic ?t . ?t rdfs:label ?l }"
_PAPER_EVENTS = _P + """SELECT DISTINCT ?p ?e ?how WHERE {
  { ?e swc:hasRelatedDocument ?p BIND(1 AS ?how) } UNION { ?p swc:relatedToEvent ?e BIND(1 AS ?how) }
  UNION { ?p swc:isPartOf ?proc . ?e swc:hasRelatedDocument ?proc BIND(2 AS ?how) }
  UNION { ?p swc:isPartOf ?proc . ?proc swc:relatedToEvent ?e BIND(2 AS ?how) } }"""
_PEOPLE = _P + """SELECT ?x ?name ?first ?last ?home WHERE { ?x a foaf:Person
  OPTIONAL { ?x foaf:name ?name } OPTIONAL { ?x rdfs:label ?name }
  OPTIONAL { ?x foaf:firstName|foaf:givenname|foaf:givenName ?first }
  OPTIONAL { ?x foaf:family_name|foaf:surname|foaf:lastName|foaf:familyName ?last }
  OPTIONAL { ?x foaf:homepage ?home } }"""
_AFFILIATIONS = _P + """SELECT DISTINCT ?x ?o WHERE {
  { ?x swrc:affiliation ?o } UNION { ?o foaf:member ?x . ?x a foaf:Person } FILTER(!isLiteral(?o)) }"""
_ORGS = _P + """SELECT ?o ?name WHERE { { ?o a foaf:Organization } UNION { ?x swrc:affiliation ?o }
  OPTIONAL { ?o foaf:name|rdfs:label ?name } }"""
_ROLES = _P + """SELECT DISTINCT ?x ?e ?role ?c WHERE {
  ?r swc:heldBy ?x . { ?r swc:isRoleAt ?e } UNION { ?e swc:hasRole ?r }
  OPTIONAL { ?r a ?c } OPTIONAL { ?r rdfs:label ?role } }"""


@dataclass
class Irregularity:
    """Something in the data the importer handled and reports: which file, what kind, what."""

    file: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass
class SwdfImport:
    """What :func:`import_swdf` did: the graph, the named graph of each file, counts of what
    it made, and the irregularities of the data."""

    graph: KnowledgeGraph
    graphs: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    irregularities: list[Irregularity] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"graphs": self.graphs, "counts": self.counts,
                "irregularities": [{"file": i.file, "kind": i.kind, "message": i.message} for i in self.irregularities]}

    def summary(self) -> str:
        lines = [_counted(self.counts)]
        lines += [f"  {i}" for i in self.irregularities]
        return "\n".join(lines)

    def __repr__(self) -> str:
        files = len(self.graphs)
        return f"<SwdfImport {files} file{'' if files == 1 else 's'}: {_counted(self.counts)}; " \
            f"{len(self.irregularities)} irregularities>"

    def _repr_html_(self) -> str:
        e = html.escape
        counts = "".join(f"<tr><td>{e(k)}</td><td>{v:,}</td></tr>" for k, v in self.counts.items())
        rows = "".join(f"<tr><td>{e(i.file)}</td><td>{e(i.kind)}</td><td>{e(i.message)}</td></tr>"
                       for i in self.irregularities)
        return (f'<div class="kgc-import"><h4>Imported {len(self.graphs)} SWDF file(s)</h4>'
                f"<table><tbody>{counts}</tbody></table>"
                + (f"<table><thead><tr><th>file</th><th>kind</th><th>irregularity</th></tr></thead><tbody>{rows}"
                   "</tbody></table>" if rows else "<p>No irregularities.</p>") + "</div>")


_ONE = {"conferences": "conference", "events": "event", "people": "person", "organisations": "organisation",
        "papers": "paper", "ideas": "idea", "mentions": "mention"}


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{v:,} {_ONE.get(k, k) if v == 1 else k}" for k, v in counts.items())


# ---------------------------------------------------------------------- ideas
_KEEP_S = {"semantics", "analytics", "statistics", "mathematics", "physics", "ethics", "linguistics", "robotics",
           "economics", "logistics", "news", "series", "species", "politics", "genomics", "proteomics",
           "informatics", "bioinformatics", "graphics", "dynamics", "metrics", "heuristics", "mechanics"}


def _singular(word: str) -> str:
    if len(word) <= 3 or word in _KEEP_S or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1] if word.endswith("s") else word


def idea_key(text: str) -> str:
    """The normalised form that decides which keywords are one idea: case, accents of
    compatibility forms, punctuation and the plural of the last word do not count.

    >>> idea_key("Linked-Data"), idea_key(" Ontologies "), idea_key("Web Services"), idea_key("OWL 2.0")
    ('linked data', 'ontology', 'web service', 'owl 2.0')
    """
    t = unicodedata.normalize("NFKC", text).casefold()
    t = re.sub(r"(?<!\d)\.|\.(?!\d)|[^\w\s.+#]|_", " ", t)
    words = t.split()
    if not words:
        return ""
    words[-1] = _singular(words[-1])
    return " ".join(words)


def _slug(text: str) -> str:
    s = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())
    return s.strip("-") or urllib.parse.quote(text, safe="")


def _topic_text(iri: str) -> str:
    local = re.split(r"[/#]", iri.rstrip("/"))[-1]
    return urllib.parse.unquote(local).replace("_", " ")


# ---------------------------------------------------------------------- dates
_TZ = re.compile(r"^(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$")
_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _date(value: str, tz: str | None) -> tuple[str, str] | None:
    """(lexical form, "date" or "dateTime") for an iCal or ISO date, or None."""
    m = _STAMP.match(value.strip())
    if not m:
        return None
    day, hh, mm, ss, frac, zone = m.groups()
    if hh is None:
        return day, "date"
    if zone is None and tz:
        z = _TZ.match(tz.strip())
        if z:
            zone = f"{z.group(1)}{int(z.group(2)):02d}:{z.group(3) or '00'}"
        elif tz.strip().upper() in ("UTC", "GMT", "Z"):
            zone = "Z"
    if zone and len(zone) == 5:
        zone = zone[:3] + ":" + zone[3:]
    return f"{day}T{int(hh):02d}:{mm}:{ss or '00'}{frac or ''}{zone or ''}", "dateTime"


def _literal(lex: str, kind: str) -> Literal:
    return Literal(lex, datatype=XSD.dateTime if kind == "dateTime" else XSD.date)


def _as_time(lex: str, kind: str) -> Literal:
    return Literal(lex if kind == "dateTime" else f"{lex}T00:00:00", datatype=XSD.dateTime)


# ---------------------------------------------------------------------- reading one file
@dataclass
class _Source:
    name: str
    kg: KnowledgeGraph
    iris: Counter[str] = field(default_factory=Counter)


def _open(path: Path) -> _Source:
    kg = KnowledgeGraph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KgConnectWarning)  # prefix clashes: the importer reads IRIs, not prefixes
        kg.load(path, base_iri=_RELATIVE)
    src = _Source(path.name, kg)
    for row in kg.query("SELECT ?x WHERE { { ?x a foaf:Person } UNION { ?x a foaf:Organization } "
                        "UNION { ?y <" + SWRC + "affiliation> ?x } UNION { ?x foaf:made ?y } }").rows:
        if isinstance(row[0], URIRef):
            src.iris[str(row[0])] += 1
    return src


class _Mapper:
    """IRIs as the output uses them: one casing per IRI across files, relative IRIs resolved."""

    def __init__(self, sources: list[_Source], report: list[Irregularity]) -> None:
        seen: dict[str, Counter[str]] = defaultdict(Counter)
        where: dict[str, set[str]] = defaultdict(set)
        for src in sources:
            for iri, n in src.iris.items():
                if iri.startswith(_RELATIVE):
                    continue
                seen[iri.casefold()][iri] += n
                where[iri].add(src.name)
        self.canonical: dict[str, str] = {}
        for forms in seen.values():
            if len(forms) > 1:
                best = max(forms, key=lambda f: (forms[f], f))
                for f in forms:
                    self.canonical[f] = best
                others = ", ".join(f"<{f}> ({', '.join(sorted(where[f]))})" for f in sorted(forms) if f != best)
                report.append(Irregularity(", ".join(sorted(set().union(*(where[f] for f in forms)))), "IRI casing",
                                           f"<{best}> is also written {others}: taken as one"))
        self.relative: dict[str, Counter[str]] = defaultdict(Counter)

    def __call__(self, term: Any, src: _Source, kind: str = "") -> Any:
        if not isinstance(term, URIRef):
            return term
        iri = str(term)
        if iri.startswith(_RELATIVE):
            rest = iri[len(_RELATIVE):]
            base = {"organisation": SWDF + "organization/", "person": SWDF + "person/"}.get(kind, SWDF)
            iri = base + rest
            self.relative[src.name][f"<{rest}> as <{iri}>"] += 1
        return URIRef(self.canonical.get(iri, iri))


def import_swdf(*paths: str | Path, graph: KnowledgeGraph | None = None) -> SwdfImport:
    """Map SWDF files (RDF/XML, Turtle, any format ``load`` reads) into our ontology.

    Each file goes into a named graph ``file:///<its name>``, in ``graph`` or a new
    :class:`KnowledgeGraph`; all or nothing: on an error nothing is added. Returns an
    :class:`SwdfImport` with the counts and the data's irregularities."""
    if not paths:
        raise KgConnectError("import_swdf() needs at least one file")
    files = [Path(p) for p in paths]
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise KgConnectError(f"two files are called {dup}: each file becomes the named graph file:///<name>, "
                             "so names must differ")
    sources = [_open(f) for f in files]
    report: list[Irregularity] = []
    mapper = _Mapper(sources, report)
    ideas = _Ideas()
    out: list[tuple[Any, Any, Any, Any]] = []
    counts: Counter[str] = Counter()
    forms: dict[str, set[str]] = {}
    made_people: set[Any] = set()
    made_orgs: set[Any] = set()
    graphs = {}
    for src in sources:
        g = URIRef("file:///" + urllib.parse.quote(src.name))
        graphs[src.name] = str(g)
        file_forms: set[str] = set()
        _map_file(src, g, mapper, ideas, out, counts, report, file_forms, made_people, made_orgs)
        forms[src.name] = file_forms
        rel = mapper.relative.get(src.name)
        if rel:
            shown = "; ".join(list(rel)[:3])
            report.append(Irregularity(src.name, "relative IRIs",
                                       f"{len(rel)} relative IRI(s) resolved against the dataset's "
                                       f"namespaces: {shown}" + (" …" if len(rel) > 3 else "")))
    kinds = {name: f for name, f in forms.items() if f}
    if len({frozenset(f) for f in kinds.values()}) > 1:
        report.append(Irregularity(", ".join(kinds), "date types",
                                   "dates are typed differently across files: " + "; ".join(
                                       f"{n}: {', '.join(sorted(f))}" for n, f in kinds.items())
                                   + " (all read as xsd:date or xsd:dateTime)"))
    for graph_iri in graphs.values():
        out.extend(ideas.triples(URIRef(graph_iri)))
    counts["ideas"] = len(ideas.labels)
    target = graph if graph is not None else KnowledgeGraph()
    target.add(out)  # one call: nothing is added unless everything was built
    for prefix, ns in (("swc", SWC), ("swrc", SWRC), ("swdfidea", IDEA)):
        if ns not in target.namespaces.values():
            target.bind(prefix, ns)
    order = ("conferences", "events", "people", "organisations", "papers", "ideas", "mentions")
    return SwdfImport(target, graphs, {k: counts.get(k, 0) for k in order}, report)


class _Ideas:
    """Keywords gathered across files: one idea per normalised key, labelled with its most
    common written form; the idea's triples go into every graph that mentions it."""

    def __init__(self) -> None:
        self.forms: dict[str, Counter[str]] = defaultdict(Counter)
        self.matches: dict[str, set[str]] = defaultdict(set)
        self.graphs: dict[str, set[Any]] = defaultdict(set)

    def add(self, text: str, graph: Any, match: str | None = None) -> URIRef | None:
        key = idea_key(text)
        if not key:
            return None
        self.forms[key][text.strip()] += 1
        self.graphs[key].add(graph)
        if match:
            self.matches[key].add(match)
        return URIRef(IDEA + _slug(key))

    @property
    def labels(self) -> dict[str, str]:
        def rank(form: str, counts: Counter[str]) -> tuple[int, int, str]:
            singular = idea_key(form) == " ".join(idea_key(form + " x").split()[:-1])  # last word as written
            return (-int(singular), -counts[form], form)

        return {k: min(c, key=lambda f: rank(f, c)) for k, c in self.forms.items()}

    def triples(self, graph: Any) -> Iterable[tuple[Any, Any, Any, Any]]:
        labels = self.labels
        for key, counts in self.forms.items():
            if graph not in self.graphs[key]:
                continue
            idea = URIRef(IDEA + _slug(key))
            yield idea, RDF.type, KGC.Idea, graph
            yield idea, SKOS.prefLabel, Literal(labels[key], lang="en"), graph
            for form in sorted(counts):
                if form != labels[key]:
                    yield idea, SKOS.altLabel, Literal(form, lang="en"), graph
            for m in sorted(self.matches[key]):
                yield idea, SKOS.exactMatch, URIRef(m), graph


def _map_file(src: _Source, g: Any, iri: _Mapper, ideas: _Ideas, out: list[Any], counts: Counter[str],
              report: list[Irregularity], date_forms: set[str], made_people: set[Any], made_orgs: set[Any]) -> None:
    q = src.kg.query
    name = src.name

    def add(s: Any, p: Any, o: Any) -> None:
        out.append((s, p, o, g))

    # events, their tree and dates
    types: dict[Any, set[str]] = defaultdict(set)
    for e, c in q(_EVENTS).rows:
        types[iri(e, src)].add(str(c))
    labels: dict[Any, str] = {}
    for e, lab in q(_EVENT_LABELS).rows:
        labels.setdefault(iri(e, src), str(lab))
    parent: dict[Any, Any] = {}
    for e, s in q(_SUPER).rows:
        e, s = iri(e, src), iri(s, src)
        if e != s:
            parent.setdefault(e, s)
            types.setdefault(s, set())  # a super-event is an event even when untyped
            types.setdefault(e, set())
    children: dict[Any, list[Any]] = defaultdict(list)
    for e, s in parent.items():
        children[s].append(e)
    dates: dict[Any, dict[str, tuple[str, str]]] = defaultdict(dict)
    bad_dates: list[str] = []
    repaired: list[str] = []
    for e, which, v, dt, tz in q(_DATES).rows:
        e, which = iri(e, src), str(which)
        if isinstance(v, Literal):
            text = str(v)
            form = f"xsd:{v.datatype.split('#')[-1]} literals" if v.datatype else "plain literals"
        elif dt is not None:
            text = str(dt)
            form = "time nodes with ical:dateTime" + (f" ({tz})" if tz is not None else "")
        else:
            bad_dates.append(f"<{e}> ({which}: <{v}> has no ical:dateTime)")
            continue
        got = _date(text, str(tz) if tz is not None else None)
        if got is None:
            bad_dates.append(f"<{e}> ({which}: {text!r})")
            continue
        if got[0][11:13] != text.strip()[11:13] and got[1] == "dateTime":
            repaired.append(f"{text!r} as {got[0]}")
        date_forms.add(form)
        dates[e].setdefault(which, got)
    if repaired:
        report.append(Irregularity(name, "repaired dates", f"{len(repaired)} time(s) with a one-digit hour read: "
                                   + "; ".join(repaired[:3]) + (" …" if len(repaired) > 3 else "")))
    if bad_dates:
        report.append(Irregularity(name, "unreadable dates", f"{len(bad_dates)} date(s) not read: "
                                   + "; ".join(bad_dates[:3]) + (" …" if len(bad_dates) > 3 else "")))
    roots = [e for e in types if e not in parent]
    # the conference: the event typed so, even below a series (<conference/iswc> above each year)
    typed = [e for e in types if any(t.endswith("ConferenceEvent") for t in types[e])]
    conferences = sorted(typed, key=lambda e: (e in parent and any(
        t.endswith("ConferenceEvent") for t in types.get(parent[e], ())), str(e)))[:1] or \
        sorted(roots, key=lambda e: -len(children.get(e, [])))[:1]
    if not conferences:
        raise KgConnectError(f"{name}: no conference or other event found (swc:ConferenceEvent, swc:*Event)")
    counts["conferences"] += len(conferences)

    def span(e: Any, seen: frozenset[Any] = frozenset()) -> tuple[str, str] | None:
        """The event's own start, else the earliest start below it."""
        if "start" in dates.get(e, {}):
            return dates[e]["start"]
        below = [s for c in children.get(e, []) if c not in seen for s in [span(c, seen | {e})] if s]
        return min(below, key=lambda s: s[0]) if below else None

    def start_of(e: Any) -> tuple[str, str] | None:
        got = span(e)
        x = e
        while got is None and x in parent:
            x = parent[x]
            got = dates.get(x, {}).get("start")
        return got

    # papers, authors, keywords, where each was presented
    papers: dict[Any, dict[str, Any]] = {}
    for p, title, url, year in q(_PAPERS).rows:
        p = iri(p, src)
        d = papers.setdefault(p, {"title": None, "url": None, "year": None, "authors": [], "ideas": []})
        d["title"] = d["title"] or (str(title) if title is not None else None)
        d["url"] = d["url"] or url
        d["year"] = d["year"] or (str(year) if year is not None else None)
    for p, a in q(_AUTHORS).rows:
        p, a = iri(p, src), iri(a, src, "person")
        if p in papers and a not in papers[p]["authors"]:
            papers[p]["authors"].append(a)
    topic_labels = {str(t): str(lab) for t, lab in q(_TOPIC_LABELS).rows}
    for p, k in q(_KEYWORDS).rows:
        p = iri(p, src)
        if p not in papers:
            continue
        if isinstance(k, Literal):
            texts, match = [t for t in re.split(r"[;,]", str(k)) if t.strip()], None
        else:
            texts, match = [topic_labels.get(str(k)) or _topic_text(str(k))], str(k)
        for text in texts:
            if len(text) > 120:
                report.append(Irregularity(name, "long keyword", f"<{p}>: a keyword of {len(text)} characters "
                                           "was left out (it reads like a sentence, not a topic)"))
                continue
            idea = ideas.add(text, g, match)
            if idea is not None and idea not in papers[p]["ideas"]:
                papers[p]["ideas"].append(idea)
    where: dict[Any, tuple[int, Any]] = {}
    for p, e, how in q(_PAPER_EVENTS).rows:
        p, e = iri(p, src), iri(e, src)
        if p in papers and e in types and (p not in where or int(how) < where[p][0]):
            where[p] = (int(how), e)
    conference = conferences[0]

    # people, organisations, roles
    people: dict[Any, dict[str, Any]] = {}
    for x, nm, first, last, home in q(_PEOPLE).rows:
        x = iri(x, src, "person")
        d = people.setdefault(x, {"name": None, "home": None})
        if d["name"] is None:
            d["name"] = str(nm) if nm is not None else " ".join(str(t) for t in (first, last) if t is not None) or None
        d["home"] = d["home"] or home
    orgs: dict[Any, str | None] = {}
    for o, nm in q(_ORGS).rows:
        o = iri(o, src, "organisation")
        if orgs.get(o) is None:
            orgs[o] = str(nm) if nm is not None else None
    member: dict[Any, set[Any]] = defaultdict(set)
    for x, o in q(_AFFILIATIONS).rows:
        member[iri(x, src, "person")].add(iri(o, src, "organisation"))
        orgs.setdefault(iri(o, src, "organisation"), None)
    attendees: dict[Any, set[Any]] = defaultdict(set)
    organisers: dict[Any, set[Any]] = defaultdict(set)
    serving: set[Any] = set()
    for x, e, role, c in q(_ROLES).rows:
        x, e = iri(x, src, "person"), iri(e, src)
        if e not in types:
            continue
        chair = (c is not None and str(c).endswith("Chair")) or (c is None and role is not None
                                                                 and "chair" in str(role).lower())
        if chair:  # chairs run the event they chair: they were there
            organisers[e].add(x)
            attendees[e].add(x)
        else:  # programme committees review from afar: not taken as attendees
            serving.add(x)

    # which events appear: those hosting mentions, their ancestors, and those with roles
    used: set[Any] = set(conferences) | set(attendees)
    no_keywords = no_authors = no_event = 0
    mentions: list[tuple[Any, Any, Any]] = []
    for p, d in papers.items():
        event = where.get(p, (3, None))[1]
        if event is None:
            no_event += 1
            event = conference
        if not d["ideas"]:
            no_keywords += 1
        if not d["authors"]:
            no_authors += 1
        for a in d["authors"]:
            attendees[event].add(a)
        x = event
        while x is not None and x not in used:
            used.add(x)
            x = parent.get(x)
        for idea in d["ideas"]:
            mentions.append((p, idea, event))
    if no_keywords:
        report.append(Irregularity(name, "no keywords", f"{no_keywords} of {len(papers)} papers have no keywords, "
                                   "so no ideas come from them"))
    if no_authors:
        report.append(Irregularity(name, "no authors", f"{no_authors} papers have no authors: their ideas have "
                                   "no carriers"))
    if no_event:
        report.append(Irregularity(name, "no event", f"{no_event} papers are linked to no talk or proceedings: "
                                   f"taken as presented at <{conference}>"))
    everyone = set().union(*attendees.values()) if attendees else set()
    served = len(serving - everyone)
    report.append(Irregularity(name, "missing attendance",
                               "SWDF records no attendance: the authors of each paper are taken as attendees of "
                               "the talk (or event) where it was presented, and chairs of the event they chair "
                               f"({len(everyone):,} people); {served:,} committee members who wrote nothing "
                               "were not taken as attendees"))

    undated = []
    estimated = []
    for e in sorted(used, key=str):
        start = start_of(e)
        if start is None:
            years = sorted(d["year"] for d in papers.values() if d["year"] and re.fullmatch(r"\d{4}", d["year"]))
            if years:
                start = (f"{years[0]}-01-01", "date")
                estimated.append(e)
            else:
                undated.append(e)
                continue
        elif "start" not in dates.get(e, {}):
            add(e, KGC.dateIsEstimate, Literal(True))
        dates[e]["used"] = start
    if estimated:
        report.append(Irregularity(name, "no dates", f"{len(estimated)} event(s) have no date, nor any event above "
                                   f"or below them: dated 1 January of the papers' year, marked kgc:dateIsEstimate "
                                   f"(first: <{estimated[0]}>)"))
    if undated:
        report.append(Irregularity(name, "no dates", f"{len(undated)} event(s) have no date at all and were left "
                                   f"out, with their mentions (first: <{undated[0]}>)"))
    used -= set(undated)

    for e in used:
        counts["events"] += 1
        add(e, RDF.type, SCHEMA.Event)
        add(e, RDF.type, PROV.Activity)
        for t in types.get(e, ()):
            add(e, RDF.type, URIRef(t))
        add(e, RDFS.label, Literal(labels.get(e) or _topic_text(str(e))))
        if e in estimated:
            add(e, KGC.dateIsEstimate, Literal(True))
        lex, kind = dates[e]["used"]
        add(e, SCHEMA.startDate, _literal(lex, kind))
        end = dates.get(e, {}).get("end")
        if end and end[0][:10] >= lex[:10]:
            add(e, SCHEMA.endDate, _literal(*end))
        if e in parent and parent[e] in used:
            add(e, SCHEMA.superEvent, parent[e])
            add(parent[e], SCHEMA.subEvent, e)
        for x in sorted(attendees.get(e, ()), key=str):
            add(e, SCHEMA.attendee, x)
        for x in sorted(organisers.get(e, ()), key=str):
            add(e, SCHEMA.organizer, x)
    located: dict[Any, Any] = {}
    for e, place, lab in q(_PLACES).rows:
        e = iri(e, src)
        if e not in located and isinstance(place, (URIRef, Literal)):
            located[e] = place
            if isinstance(place, URIRef):
                add(place, RDFS.label, Literal(str(lab) if lab is not None else _topic_text(str(place))))
    inherited = 0
    for e in used:
        x, seen = e, set()
        while x not in located and x in parent and x not in seen:  # a talk is where its conference is
            seen.add(x)
            x = parent[x]
        if x in located:
            add(e, SCHEMA.location, located[x] if isinstance(located[x], URIRef) else Literal(str(located[x])))
            inherited += x != e
    if inherited:
        report.append(Irregularity(name, "places", f"{inherited} events have no place of their own: they take the "
                                   "place of the event they are part of"))

    # the people who appear (authors, role holders), their organisations
    present = everyone | {a for d in papers.values() for a in d["authors"]}
    for x in sorted(present, key=str):
        d = people.get(x, {"name": None, "home": None})
        nm = d["name"] or _topic_text(str(x)).replace("-", " ").title()
        if x not in made_people:
            counts["people"] += 1
            made_people.add(x)
        add(x, RDF.type, FOAF.Person)
        add(x, FOAF.name, Literal(nm))
        if d["home"] is not None:
            add(x, FOAF.homepage, d["home"])
        for o in sorted(member.get(x, ()), key=str):
            add(x, ORG.memberOf, o)
            if o not in made_orgs:
                counts["organisations"] += 1
                made_orgs.add(o)
            add(o, RDF.type, FOAF.Organization)
            add(o, RDF.type, ORG.Organization)
            label = orgs.get(o) or _topic_text(str(o)).replace("-", " ").title()
            add(o, FOAF.name, Literal(label))
    no_name = [x for x in present if not people.get(x, {}).get("name")]
    if no_name:
        report.append(Irregularity(name, "no names", f"{len(no_name)} people have no name: named after their IRI "
                                   f"(first: <{sorted(no_name, key=str)[0]}>)"))

    # papers as evidence, and the mentions
    for p, d in papers.items():
        counts["papers"] += 1
        add(p, RDF.type, SCHEMA.ScholarlyArticle)
        add(p, RDF.type, PROV.Entity)
        title = d["title"] or _topic_text(str(p))
        add(p, DCT.title, Literal(title))
        add(p, RDFS.label, Literal(title))
        if d["url"] is not None:
            add(p, SCHEMA.url, d["url"])
        for a in d["authors"]:
            add(p, DCT.creator, a)
            add(p, PROV.wasAttributedTo, a)
        for idea in d["ideas"]:
            add(p, SCHEMA.about, idea)
    for p, idea, event in mentions:
        if event not in used:
            continue
        m = URIRef(MENTION + _slug(str(p).removeprefix(SWDF)) + "/" + str(idea).removeprefix(IDEA))
        counts["mentions"] += 1
        add(m, RDF.type, KGC.IdeaMention)
        add(m, PROV.entity, idea)
        add(m, PROV.atTime, _as_time(*dates[event]["used"]))
        add(m, PROV.hadRole, KGC.presented)
        for a in papers[p]["authors"]:
            add(m, KGC.carriedBy, a)
        add(m, KGC.evidence, p)
        add(event, PROV.qualifiedUsage, m)
        add(event, PROV.used, idea)
