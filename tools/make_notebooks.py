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


def main() -> None:
    nb = new_notebook(cells=QUICKSTART, metadata=KERNEL)
    nbformat.write(nb, EXAMPLES / "01-quickstart.ipynb")


if __name__ == "__main__":
    main()
