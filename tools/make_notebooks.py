"""Write the example notebooks (stored without outputs; the tests execute them).

Usage: python tools/make_notebooks.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
          "language_info": {"name": "python"}}

QUICKSTART = [
    new_markdown_cell("""# kg_connect quickstart

This notebook loads the **story dataset**: the people, organisations, events, reports and
ideas of David Wilcox's blog post *How sociable events can help build networks and connect
ideas* (`data/story.ttl`), asks it two questions in SPARQL and checks it against the
kg_connect SHACL shapes."""),
    new_code_cell("""from kg_connect import KnowledgeGraph

kg = KnowledgeGraph()          # embedded Oxigraph, in memory
kg.load("data/story.ttl")      # the format comes from the suffix
kg"""),
    new_markdown_cell("""## What is in it?

Counts by class. The common prefixes (`foaf:`, `org:`, `schema:`, `prov:`, `skos:`, `kgc:` ...)
are predeclared, so queries can use them straight away."""),
    new_code_cell("""counts = kg.query('''
    SELECT ?class (COUNT(DISTINCT ?thing) AS ?n)
    WHERE { ?thing a ?class }
    GROUP BY ?class
    ORDER BY DESC(?n)
''')
df = counts.to_dataframe()
df["class"] = [kg.qname(c) for c in df["class"]]
df.head(15)"""),
    new_markdown_cell("""## Who met whom, and where?

Each event with its date and the people who were there."""),
    new_code_cell("""attendance = kg.query('''
    SELECT ?date ?event (GROUP_CONCAT(?name; separator=", ") AS ?people)
    WHERE {
      ?e a schema:Event ; rdfs:label ?event ; schema:startDate ?date ; schema:attendee ?p .
      ?p foaf:name ?name .
    }
    GROUP BY ?date ?event
    ORDER BY ?date
''')
attendance.to_dataframe()"""),
    new_markdown_cell("""## How did the social app store travel?

Every recorded mention of one idea, in time order, with who carried it. The idea is passed
as a **parameter**: bound as an RDF term, never pasted into the query text."""),
    new_code_cell("""from kg_connect import KGC
from rdflib import URIRef

idea = URIRef("https://w3id.org/kg-connect/examples/story/idea/social-app-store")
trail = kg.query('''
    SELECT ?when ?event ?role ?carrier
    WHERE {
      ?e prov:qualifiedUsage ?m .
      ?m prov:entity ?idea ; prov:atTime ?when .
      ?e rdfs:label ?event .
      OPTIONAL { ?m prov:hadRole ?role }
      OPTIONAL { ?m kgc:carriedBy/foaf:name ?carrier }
    }
    ORDER BY ?when
''', idea=idea)
print(kg.label(idea), "-", len(trail), "mentions")
df = trail.to_dataframe()
df["role"] = [kg.label(URIRef(r)) if r else "" for r in df["role"]]   # kgc terms are labelled from the ontology
df"""),
    new_markdown_cell("""## Is the data well formed?

`validate()` checks the graph against the kg_connect SHACL shapes (with RDFS inference over
the ontology). Warnings point at data that is often incomplete; only violations make the
graph non-conforming."""),
    new_code_cell("""report = kg.validate()
print(report)
assert report.conforms"""),
]


SPARQL = [
    new_markdown_cell("""# Asking questions in SPARQL

`%load_ext kg_connect` gives the `%%sparql` cell magic (and `%sparql` for one line). It runs
on the newest `KnowledgeGraph` in the notebook (or the one named with `-g`), shows labels
rather than raw IRIs, one page at a time, and keeps a static copy of the first page in the
notebook, so an HTML export or GitHub shows the answer too."""),
    new_code_cell("""%load_ext kg_connect
from kg_connect import KnowledgeGraph
from rdflib import URIRef

kg = KnowledgeGraph().load("data/story.ttl")
STORY = "https://w3id.org/kg-connect/examples/story/"
"""),
    new_markdown_cell("""## Who is in the story?

Click a column header to sort; hover a name for its prefixed name and IRI."""),
    new_code_cell("""%%sparql --limit 10
SELECT ?person ?name (COUNT(DISTINCT ?event) AS ?events) WHERE {
  ?person a foaf:Person ; foaf:name ?name .
  OPTIONAL { ?event schema:attendee ?person }
}
GROUP BY ?person ?name
ORDER BY DESC(?events) ?name"""),
    new_markdown_cell("""## Python values go in as parameters

`$idea` (or `${idea}`) takes the Python variable `idea` and binds it as an RDF term; it is
never pasted into the query text. `-o trail` keeps the results for later."""),
    new_code_cell("""idea = URIRef(STORY + "idea/peer-to-peer-sharing")"""),
    new_code_cell("""%%sparql -o trail
SELECT ?when ?event ?carrier WHERE {
  ?event prov:qualifiedUsage ?m .
  ?m prov:entity $idea ; prov:atTime ?when ; kgc:carriedBy ?carrier .
}
ORDER BY ?when"""),
    new_code_cell("""trail.to_dataframe()"""),
    new_markdown_cell("""A list binds each of its values (as SPARQL `VALUES`):"""),
    new_code_cell("""people = [URIRef(STORY + "person/toby-blume"), URIRef(STORY + "person/peter-wanless")]"""),
    new_code_cell("""%%sparql
SELECT ?name ?event WHERE { ?event schema:attendee $people . $people foaf:name ?name }"""),
    new_markdown_cell("""## Named questions

kg_connect ships the questions people ask of such a network. Each has a title, a description
and typed parameters."""),
    new_code_cell("""from kg_connect.queries import catalogue

for q in catalogue():
    print(f"{q.name:24} {q.title}  ({', '.join(p.name + ': ' + p.type for p in q.params) or 'no parameters'})")"""),
    new_code_cell("""from kg_connect.widgets import ResultsView

ResultsView(kg.ask_named("idea-trail", idea=STORY + "idea/social-app-store"), kg)"""),
    new_code_cell("""# who has no recorded contact with the social app store? (open world: no record, not proof)
ResultsView(kg.ask_named("groups-without-contact", idea=STORY + "idea/social-app-store"), kg)"""),
    new_code_cell("""# candidates for an introduction
ResultsView(kg.ask_named("shared-ideas-never-met"), kg)"""),
    new_markdown_cell("""## Other displays

`--display raw` shows the W3C SPARQL JSON (or Turtle for CONSTRUCT), `--display json` a JSON
tree. ASK gives a plain yes or no."""),
    new_code_cell("""%%sparql --display raw
ASK { ?p foaf:name "Tom Phillips" }"""),
    new_code_cell("""%%sparql
CONSTRUCT { ?a foaf:knows ?b } WHERE { ?a foaf:knows ?b ; foaf:name "John Popham" }"""),
    new_markdown_cell("""## The editor

A query editor with highlighting, Run (or Shift+Enter), errors marked at their line, a
history and the named questions with their parameters."""),
    new_code_cell("""from kg_connect.widgets import SparqlEditor

SparqlEditor(kg, "SELECT ?idea ?label WHERE { ?idea a kgc:Idea ; skos:prefLabel ?label } ORDER BY ?label")"""),
]


EXPLORE = [
    new_markdown_cell("""# Exploring the story: from the social reporter, through the events, to the ideas

David Wilcox reported on sociable events: who came, what was said, which ideas met which
people. Here we follow him by clicking. The explorer draws a knowledge graph around a
**focus**, styled by class (people blue, events green diamonds, ideas red stars, reports
purple triangles: the legend names them all), and lets you

- **search** (top left) for a label, an IRI or a prefixed name, and move through the
  matches with the arrow keys;
- **click** a node to see its labels, types, properties and links (the names in the details
  panel are links too), **double-click** or *expand* to add its neighbours, *undo* the last
  expansion, *pin* or *hide* a node;
- turn **classes** on and off in the legend, narrow the **dates**, change the **layout**,
  switch the physics off, *fit* the view;
- *export HTML*: one file with this view in it, for people who have no Python.

Everything the view does is also Python: `view.focus()`, `view.expand()`, `view.undo()`,
`view.selected`, `view.nodes`, `view.on_select(...)`, `view.export(...)`."""),
    new_code_cell("""from kg_connect import KnowledgeGraph, explore

kg = KnowledgeGraph().load("data/story.ttl")
view = explore(kg, "David Wilcox")     # a label, a prefixed name or an IRI
view"""),
    new_markdown_cell("""A red badge on a node counts the neighbours it has that are not drawn yet. Click a
node in the view above, then run the next cell: Python sees what you selected."""),
    new_code_cell("""print("selected:", view.selected)
print(len(view.nodes), "nodes drawn")"""),
    new_markdown_cell("""## Through the events

The Kent camp is where the *social app store* met Tom Phillips. Expanding it from Python does
what a double-click does: its neighbours join the view (at most 25 at a time; a "+N more"
node brings the next ones)."""),
    new_code_cell("""added = view.expand("event:kent-camp")
print(len(added), "nodes added;", len(view.nodes), "drawn")"""),
    new_markdown_cell("""## To the ideas: a lens

What expanding shows can be a query of your own: a CONSTRUCT in which `?node` is the node
being expanded. This lens follows ideas only: the ideas an event used, and the other events
that used them."""),
    new_code_cell('''ideas_lens = """
CONSTRUCT { ?node prov:used ?idea . ?other prov:used ?idea }
WHERE { ?node prov:used ?idea . OPTIONAL { ?other prov:used ?idea } }"""
ideas = explore(kg, "event:kent-camp", expand=ideas_lens, layout="radial")
ideas'''),
    new_markdown_cell("""## A query as a graph

`%%sparql --display graph` draws a result: a CONSTRUCT or DESCRIBE, or a SELECT with
`?s ?p ?o`, or with `?node ?linkedNode` (and `?nodeLabel`, `?nodeColor`, `?nodeSize`,
`?edgeLabel` if you like, as Wikidata's query service does). Here: who carried which idea,
from one event to the next."""),
    new_code_cell("""%load_ext kg_connect"""),
    new_code_cell("""%%sparql --display graph
SELECT ?node ?linkedNode ?edgeLabel WHERE {
  ?mention kgc:carriedBy ?node ; prov:entity ?linkedNode
  BIND("carried" AS ?edgeLabel)
}"""),
    new_markdown_cell("""An idea's trail, laid out in time: each mention of the *social app store* at the date it
was discussed, linked to the mention before it and to the person who carried it."""),
    new_code_cell("""%%sparql --display graph --layout time
CONSTRUCT { ?mention kgc:previousMention ?before ; kgc:carriedBy ?person ; prov:entity ?idea }
WHERE {
  BIND(idea:social-app-store AS ?idea)
  ?mention prov:entity ?idea ; kgc:carriedBy ?person
  OPTIONAL { ?mention kgc:previousMention ?before }
}"""),
    new_markdown_cell("""## Share it

The view as one HTML file: vis-network inside, nothing fetched, works from a USB stick
with the network off. A saved notebook keeps a copy of each view too, so an HTML export of
this notebook (`kg-connect export 03-explore.ipynb -o explore.html`) shows working graphs."""),
    new_code_cell("""path = view.export("david-wilcox.html")
print(path, path.stat().st_size // 1024, "KB")"""),
]


ISWC = [
    new_markdown_cell("""# Ideas at ISWC: which topics travelled from 2010 to 2011, and who carried them

Real data nobody here wrote: the Semantic Web Dog Food records of the International Semantic
Web Conference 2010 (Shanghai) and 2011 (Bonn), in `data/swdf/`. The importer maps them into
the kg_connect ontology: papers become evidence, their keywords ideas (one per concept,
whatever the spelling), authors the people who carried them, affiliations the groups they
reached. Each file becomes a named graph of its own. The data lacks some things (nobody
recorded who attended) and gets others wrong: the import says what it did about each."""),
    new_code_cell("""from kg_connect.importers import import_swdf

result = import_swdf("data/swdf/iswc-2010-complete.rdf", "data/swdf/iswc-2011-complete.rdf")
kg = result.graph
result"""),
    new_markdown_cell("""## The topics that travelled

`flows()` traces every idea at once. A topic travelled when a hop of its trail goes from a 2010
mention to a 2011 one; those who could have carried it were at both conferences."""),
    new_code_cell("""import pandas as pd
from kg_connect import flows

everything = flows(kg)
rows = []
for idea, trail in everything.trails.items():
    across = [h for h in trail.hops if h.source.time and h.target.time
              and h.source.time.year == 2010 and h.target.time.year == 2011]
    if not across:
        continue
    carriers = sorted({trail.labels.get(c, str(c)) for h in across if h.by_people for c in h.carriers})
    rows.append({"topic": trail.label,
                 "2010": sum(m.time.year == 2010 for m in trail.mentions if m.time),
                 "2011": sum(m.time.year == 2011 for m in trail.mentions if m.time),
                 "carried by": ", ".join(carriers[:4]) + (f" +{len(carriers) - 4}" if len(carriers) > 4 else ""),
                 "groups reached": len(trail.groups_reached)})
travelled = pd.DataFrame(rows).sort_values(["2011", "2010"], ascending=False).reset_index(drop=True)
print(len(travelled), "topics travelled from ISWC 2010 to ISWC 2011")
travelled.head(15)"""),
    new_markdown_cell("""## One topic's trail

Pick an idea, then press play: the trail replays in time, left to right. Solid arrows are
recorded hops, dashed ones inferred (the label says who could have carried it); the lanes
are the group most particular to each event; the groups the idea never reached are listed
apart (the data is open-world: no recorded contact, not "never met"). Click an event to
explore around it below."""),
    new_code_cell("""from kg_connect import explore_idea

view = explore_idea(kg, "linked data")
view"""),
    new_markdown_cell("""The same trail as data: who carried it most, which organisations it reached first."""),
    new_code_cell("""from kg_connect import trace

trail = trace(kg, "linked data")
print("carriers:", ", ".join(f"{trail.labels[c]} ({n})" for c, n in trail.carriers[:8]))
pd.DataFrame([{"organisation": trail.labels.get(g, str(g)), "first reached": when}
              for g, when in trail.groups_reached]).head(10)"""),
    new_markdown_cell("""## The shape of the co-authorship network

People linked by writing a paper together. Colours are communities; the largest nodes are
the hubs, and "(broker)" marks who bridges most of the shortest paths. Beside it: which of
the three network models it most resembles, and why."""),
    new_code_cell("""from kg_connect import explore_shape

explore_shape(kg, "coauthors")"""),
    new_markdown_cell("""## Share it

The trail as one HTML file that works offline; the whole notebook exports the same way
(`kg-connect export 04-ideas-at-iswc.ipynb -o iswc.html`)."""),
    new_code_cell("""path = view.export("linked-data-trail.html")
print(path, path.stat().st_size // 1024, "KB")"""),
]


ENDPOINT = [
    new_markdown_cell("""# The same notebook on a SPARQL server

Everything of the other notebooks works on a remote SPARQL 1.1 endpoint (Virtuoso, Fuseki,
GraphDB, QLever, Neptune, Oxigraph server): the `%%sparql` table, graphs, the explorer, the
idea trails. The work runs on the server; the notebook fetches what it shows.

Set `KG_CONNECT_ENDPOINT` (and `KG_CONNECT_DEFAULT_GRAPH` if your data is in one graph, as on
Virtuoso) before starting JupyterLab to use your own server. Without it, the next cell starts
Oxigraph server on the story, here, read-only."""),
    new_code_cell("""import atexit, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path
from kg_connect import KnowledgeGraph

url = os.environ.get("KG_CONNECT_ENDPOINT")
if url is None:  # no server named: Oxigraph server (pip package "oxigraph") over the story
    cli = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    where = tempfile.mkdtemp(prefix="kgc-story-")
    subprocess.run([cli, "load", "--location", where, "--file", "data/story.ttl"], check=True, capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([cli, "serve-read-only", "--location", where, "--bind", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(server.terminate)
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            time.sleep(0.1)

kg = KnowledgeGraph.connect(url, default_graph=os.environ.get("KG_CONNECT_DEFAULT_GRAPH"))
kg"""),
    new_markdown_cell("""## Ask it

The magic finds the newest graph (here, the endpoint) or takes one with `-g kg`, or an endpoint
with `-e NAME|URL` (`%sparql_connect NAME URL` names one). At most `SparqlMagic.max_rows`
(10,000) rows are fetched; the table says so when there were more."""),
    new_code_cell("""%load_ext kg_connect"""),
    new_code_cell("""%%sparql
SELECT ?name (COUNT(?event) AS ?events) WHERE {
  ?event schema:attendee ?person . ?person foaf:name ?name
} GROUP BY ?name ORDER BY DESC(?events) ?name"""),
    new_code_cell("""%%sparql --display graph
CONSTRUCT { ?event schema:attendee ?person } WHERE { ?event schema:attendee ?person }"""),
    new_markdown_cell("""## Explore it, trace it

The explorer asks the server for each neighbourhood it draws; the trail reads one idea's
mentions and what was around their events."""),
    new_code_cell("""from kg_connect import explore, explore_idea, network_model

explore(kg, "David Wilcox")"""),
    new_code_cell("""view = explore_idea(kg, "social app store")
view"""),
    new_code_cell("""network_model(kg)"""),
]


def _write(cells: list, name: str) -> None:
    for i, cell in enumerate(cells):  # stable ids: regenerating changes nothing
        cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
    nbformat.write(new_notebook(cells=cells, metadata=KERNEL), EXAMPLES / name)


def main() -> None:
    _write(QUICKSTART, "01-quickstart.ipynb")
    _write(SPARQL, "02-sparql.ipynb")
    _write(EXPLORE, "03-explore.ipynb")
    _write(ISWC, "04-ideas-at-iswc.ipynb")
    _write(ENDPOINT, "05-endpoint.ipynb")


if __name__ == "__main__":
    main()
