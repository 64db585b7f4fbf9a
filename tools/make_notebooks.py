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


def main() -> None:
    nbformat.write(new_notebook(cells=QUICKSTART, metadata=KERNEL), EXAMPLES / "01-quickstart.ipynb")
    nbformat.write(new_notebook(cells=SPARQL, metadata=KERNEL), EXAMPLES / "02-sparql.ipynb")


if __name__ == "__main__":
    main()
