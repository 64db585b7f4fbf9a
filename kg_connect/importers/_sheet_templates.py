"""The spreadsheet templates: one sheet per kind of thing, its columns, and what each column
becomes in our vocabulary. The W3C CSVW metadata shipped beside this module
(``sheets-metadata.json``) is made from these definitions (:func:`csvw_metadata`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "TEMPLATES", "Column", "Template", "csvw_metadata"]

KGC = "https://w3id.org/kg-connect/ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
SIOC = "http://rdfs.org/sioc/ns#"


@dataclass(frozen=True)
class Column:
    """One column: its header (``name``, matched case-insensitively, with ``aliases``), what
    its cells hold (``kind``: text, date, url, choice, or the kinds of thing a name may refer
    to), whether a cell holds several values separated by ``;`` and the property it becomes."""

    name: str
    kind: str  # "text", "date", "url", "choice", or "ref"
    prop: str = ""  # the property (full IRI); empty: handled by the importer itself
    refers: tuple[str, ...] = ()  # for "ref": the kinds a name may refer to, the first the default
    many: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    help: str = ""
    inverse: bool = False  # the property points from the referred thing to this one


@dataclass(frozen=True)
class Template:
    kind: str  # the sheet's name: people, organisations, ...
    singular: str
    types: tuple[str, ...]
    columns: tuple[Column, ...]
    key: str = "name"  # the column naming each thing ("" for mentions: they have no name)
    label: str = ""  # the property the name becomes
    aliases: tuple[str, ...] = ()
    help: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


AGENTS = ("people", "organisations")

TEMPLATES: dict[str, Template] = {t.kind: t for t in (
    Template("people", "person", (FOAF + "Person", PROV + "Agent"), label=FOAF + "name", aliases=("person",),
             help="One row per person.", columns=(
                 Column("name", "text", help="Their name, as you refer to them in the other sheets."),
                 Column("organisation", "ref", ORG + "memberOf", ("organisations",), many=True,
                        aliases=("organisations", "organization", "member of"),
                        help="The organisations they belong to."),
                 Column("role", "text", help="Their role in the organisation (with one organisation)."),
                 Column("homepage", "url", FOAF + "homepage", aliases=("website", "url", "web"),
                        help="A web address."),
                 Column("knows", "ref", FOAF + "knows", ("people",), many=True, help="People they know."),
                 Column("note", "text", RDFS + "comment", aliases=("notes", "comment"), help="Anything else."),
             )),
    Template("organisations", "organisation", (ORG + "Organization", PROV + "Agent"), label=SKOS + "prefLabel",
             aliases=("organisation", "organizations", "organization", "groups"),
             help="One row per organisation, unit, collaboration or informal group.", columns=(
                 Column("name", "text", help="Its name."),
                 Column("kind", "choice", choices=("formal", "unit", "collaboration", "group"), aliases=("type",),
                        help="formal (a registered body), unit (part of one), collaboration (of several), "
                             "group (informal)."),
                 Column("part of", "ref", ORG + "subOrganizationOf", ("organisations",), many=True,
                        aliases=("parent",), help="The organisation it is a part of."),
                 Column("partners", "ref", KGC + "partnerOf", ("organisations",), many=True,
                        aliases=("partner of", "partner"), help="Organisations it works with."),
                 Column("funded by", "ref", KGC + "funds", ("organisations",), many=True, inverse=True,
                        aliases=("funder", "funders"), help="The organisations that fund it."),
                 Column("network model", "choice", KGC + "networkModel",
                        choices=("join us", "join in", "join up"), aliases=("model",),
                        help="join us (command and control), join in (collaborating hubs), join up (peer "
                             "to peer)."),
                 Column("note", "text", RDFS + "comment", aliases=("notes", "comment")),
             )),
    Template("events", "event", (SCHEMA + "Event", PROV + "Activity"), label=RDFS + "label", aliases=("event",),
             help="One row per event: a conference, a meeting, a camp, a conversation.", columns=(
                 Column("name", "text", help="Its name."),
                 Column("date", "date", SCHEMA + "startDate", aliases=("start date", "start", "when"),
                        help="The day it happened (or began): 2011-11-25, 25/11/2011 or Nov 25 2011."),
                 Column("end date", "date", SCHEMA + "endDate", aliases=("end", "until")),
                 Column("place", "ref", SCHEMA + "location", ("places",), aliases=("location", "where", "venue"),
                        help="Where (a name: places need no sheet of their own)."),
                 Column("organiser", "ref", SCHEMA + "organizer", AGENTS, many=True,
                        aliases=("organizer", "organisers", "organizers", "organised by", "host"),
                        help="Who organised it: organisations or people."),
                 Column("attendees", "ref", SCHEMA + "attendee", ("people", "organisations"), many=True,
                        aliases=("attendee", "participants", "who came", "people"), help="Who came."),
                 Column("part of", "ref", SCHEMA + "superEvent", ("events",), aliases=("parent",),
                        help="The event it was part of."),
                 Column("note", "text", RDFS + "comment", aliases=("notes", "comment")),
             )),
    Template("ideas", "idea", (KGC + "Idea",), label=SKOS + "prefLabel", aliases=("idea", "topics"),
             help="One row per idea, method, project or topic that people carry between events.", columns=(
                 Column("name", "text", help="Its name."),
                 Column("broader", "ref", SKOS + "broader", ("ideas",), many=True, aliases=("part of", "parent"),
                        help="A wider idea it belongs to."),
                 Column("description", "text", SKOS + "definition", aliases=("definition", "what it is")),
                 Column("also known as", "text", SKOS + "altLabel", many=True,
                        aliases=("aka", "other names", "synonyms"), help="Other names for it."),
             )),
    Template("mentions", "mention", (KGC + "IdeaMention",), key="", aliases=("mention",),
             help="One row each time an idea came up at an event.", columns=(
                 Column("event", "ref", "", ("events",), help="Where it came up."),
                 Column("idea", "ref", PROV + "entity", ("ideas",), help="What came up."),
                 Column("date", "date", PROV + "atTime", aliases=("when", "time"),
                        help="When (empty: the event's date)."),
                 Column("role", "choice", PROV + "hadRole", choices=("presented", "discussed", "reported", "adopted"),
                        aliases=("how",), help="presented, discussed, reported or adopted."),
                 Column("carrier", "ref", KGC + "carriedBy", AGENTS, many=True,
                        aliases=("carriers", "carried by", "who", "brought by"), help="Who brought it there."),
                 Column("evidence", "ref", KGC + "evidence", ("reports",), many=True,
                        aliases=("source", "sources", "report"), help="Reports that say so (their titles)."),
                 Column("came from", "ref", KGC + "previousMention", ("events",),
                        aliases=("from", "previous event", "previously at"),
                        help="An earlier event where the idea was mentioned."),
             )),
    Template("reports", "report", (SCHEMA + "CreativeWork", PROV + "Entity"), key="title",
             label=DCT + "title", aliases=("report", "posts", "blog posts", "documents"),
             help="One row per blog post, article, video, book or report (with a date or a web address, it "
                  "is a post: sioc:Post, schema:BlogPosting).",
             extra={"posted": (SIOC + "Post", SCHEMA + "BlogPosting")}, columns=(
                 Column("title", "text", help="Its title, as the mentions sheet refers to it."),
                 Column("date", "date", DCT + "created", aliases=("published", "when")),
                 Column("author", "ref", PROV + "wasAttributedTo", AGENTS, many=True,
                        aliases=("authors", "by", "written by")),
                 Column("url", "url", SCHEMA + "url", aliases=("link", "address", "web")),
                 Column("about", "ref", SCHEMA + "about", ("ideas", "events"), many=True,
                        aliases=("topics", "subject")),
                 Column("references", "ref", DCT + "references", ("events", "reports"), many=True,
                        aliases=("refers to", "cites")),
             )),
)}

KINDS = tuple(TEMPLATES)

#: what the choices become
CHOICES: dict[str, str] = {
    "formal": ORG + "FormalOrganization", "unit": ORG + "OrganizationalUnit",
    "collaboration": ORG + "OrganizationalCollaboration", "group": FOAF + "Group",
    "join us": KGC + "joinUs", "join in": KGC + "joinIn", "join up": KGC + "joinUp",
    "join up yourselves": KGC + "joinUp",
    "presented": KGC + "presented", "discussed": KGC + "discussed", "reported": KGC + "reported",
    "adopted": KGC + "adopted",
}

#: the IRI segment of each kind (base + segment + slug)
SEGMENT = {"people": "person", "organisations": "organisation", "events": "event", "ideas": "idea",
           "mentions": "mention", "reports": "report", "places": "place", "roles": "role"}


def csvw_metadata(base: str = "") -> dict[str, Any]:
    """W3C CSVW metadata describing the templates as CSV files (``people.csv``, ...): column
    names and titles, datatypes, the ``;`` separator, and the IRIs each row is about."""
    tables = []
    for t in TEMPLATES.values():
        columns = []
        for c in t.columns:
            col: dict[str, Any] = {"name": c.name.replace(" ", "_"), "titles": [c.name, *c.aliases],
                                   "dc:description": c.help or c.name}
            # normalizedString: CSVW trims each value (a "; " between names is read as ";")
            col["datatype"] = {"url": "anyURI"}.get(c.kind, "normalizedString")
            if c.many:
                col["separator"] = ";"
            if c.prop:
                col["propertyUrl"] = c.prop
            if c.kind == "ref":
                col["valueUrl"] = f"{base}{SEGMENT[c.refers[0]]}/{{{col['name']}}}"
            if c.kind == "choice":
                col["dc:conformsTo"] = list(c.choices)
            columns.append(col)
        key = (t.key or "event").replace(" ", "_")
        tables.append({"url": f"{t.kind}.csv", "dc:title": t.kind, "dc:description": t.help,
                       "tableSchema": {"columns": columns,
                                       "aboutUrl": f"{base}{SEGMENT[t.kind]}/{{{key}}}"},
                       "dialect": {"trim": True, "skipBlankRows": True}})
    return {"@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
            "dc:title": "kg_connect spreadsheet templates: people, organisations, events, ideas, mentions, reports",
            "tables": tables}
