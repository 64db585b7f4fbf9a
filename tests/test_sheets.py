"""Spreadsheets in and out: the templates, the story as a workbook (the same trails as
examples/data/story.ttl), every messy case of real sheets (by kind), errors by sheet, row and
column, atomic imports, CSVW metadata, the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from rdflib import URIRef

import kg_connect
from conftest import STORY
from kg_connect import KnowledgeGraph, LoadError
from kg_connect.importers.sheets import (
    SheetsError,
    export_sheets,
    import_sheets,
    parse_date,
    sheet_rows,
    write_template,
)

KGC = [sys.executable, "-m", "kg_connect"]


def workbook(path: Path, sheets: dict[str, list[list[object]]], merge: dict[str, list[str]] | None = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r in rows:
            ws.append(r)
        for cells in (merge or {}).get(name, []):
            ws.merge_cells(cells)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def story():
    return KnowledgeGraph().load(STORY)


@pytest.fixture(scope="module")
def story_book(story, tmp_path_factory):
    return export_sheets(story, tmp_path_factory.mktemp("story") / "story.xlsx")


# ---------------------------------------------------------------------- the story, there and back
def test_the_story_goes_to_sheets_and_back_unchanged(story, story_book, tmp_path):
    rows = sheet_rows(story)
    assert {k: len(v) for k, v in rows.items()} == {"people": 17, "organisations": 14, "events": 10, "ideas": 20,
                                                    "mentions": 26, "reports": 10}
    result = import_sheets(None, story_book)
    assert not result.errors and not result.warnings and result.conforms
    assert result.counts == {k: len(v) for k, v in rows.items()}
    assert sheet_rows(result.graph) == rows  # a round trip changes nothing
    folder = export_sheets(story, tmp_path / "csv")  # and as CSV files
    assert sorted(p.name for p in folder.iterdir()) == [f"{k}.csv" for k in sorted(rows)]
    assert (folder / "people.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 by its BOM
    assert sheet_rows(import_sheets(None, folder).graph) == rows
    # every import lands in a named graph of its own, with IRIs that stay the same
    again = import_sheets(None, story_book)
    assert result.graph_name == "urn:kg-connect:sheets:story"
    assert {str(g) for g in result.graph._backend.graph_names()} == {result.graph_name}
    q = "SELECT ?s WHERE { ?s a foaf:Person } ORDER BY ?s"
    assert [r[0] for r in result.graph.query(q, union=True)] == [r[0] for r in again.graph.query(q, union=True)]
    assert URIRef("urn:kg-connect:sheets:story/person/david-wilcox") in {r[0] for r in result.graph.query(q,
                                                                                                         union=True)}
    other = import_sheets(None, story_book, base="https://example.org/net/")
    assert other.graph_name == "https://example.org/net" and \
        URIRef("https://example.org/net/person/david-wilcox") in {r[0] for r in other.graph.query(q, union=True)}


def _trail(graph: KnowledgeGraph, idea: str) -> dict:
    """A trail with every thing named by its label (the sheets mint their own IRIs)."""
    t = kg_connect.trace(graph, idea)
    name = graph.label
    return {
        "mentions": sorted((name(m.event), str(m.time)[:16]) for m in t.mentions),
        "hops": sorted((name(h.source.event), name(h.target.event), h.explicit,
                        tuple(sorted(name(c) for c in h.carriers))) for h in t.hops),
        "carriers": sorted((name(c), n) for c, n in t.carriers),
        "groups": sorted((name(g), when) for g, when in t.groups_reached),
    }


@pytest.mark.parametrize("idea", ["social app store", "iPhone app for community engagement", "sharing peer-to-peer, not through a hub",
                                  "strategic opportunism", "networky leadership by chief executives",
                                  "the future is mobile, with content delivered through apps"])
def test_the_story_as_a_workbook_gives_the_same_trails(story, story_book, idea):
    imported = import_sheets(None, story_book).graph
    assert _trail(imported, idea) == _trail(story, idea)
    assert _trail(story, idea)["mentions"]


def test_the_template_workbook(tmp_path):
    path = write_template(tmp_path / "network.xlsx")
    book = openpyxl.load_workbook(path)
    kinds = ["people", "organisations", "events", "ideas", "mentions", "reports"]
    assert book.sheetnames == kinds + [f"example {k}" for k in kinds] + ["notes"]
    assert [c.value for c in book["events"][1]] == ["name", "date", "end date", "place", "organiser", "attendees",
                                                    "part of", "note"]
    assert book["events"].max_row == 1 and book["events"]["A1"].comment is not None
    assert book["example mentions"].max_row == 27 and book["example people"]["A2"].value == "Allison Fine"
    assert any("presented" in str(v.formula1) for v in book["mentions"].data_validations.dataValidation)
    empty = import_sheets(None, path)  # the examples and notes are not imported
    assert empty.counts == {} and not empty.errors and not empty.warnings and len(empty.graph) == 0
    # the example sheets are the story as sheet_rows gives it today
    shipped = json.loads((Path(kg_connect.__file__).parent / "importers" / "story-sheets.json").read_text())
    assert shipped == sheet_rows(KnowledgeGraph().load(STORY))


# ---------------------------------------------------------------------- messy sheets
def test_dates_in_every_form_real_sheets_hold():
    for value in ("2011-11-25", "25/11/2011", "25.11.2011", "Nov 25 2011", "25 Nov 2011", "25th November 2011",
                  "November 25, 2011", "11/25/2011", 40872, 40872.0, "40872", dt.date(2011, 11, 25),
                  dt.datetime(2011, 11, 25)):
        assert parse_date(value) == dt.date(2011, 11, 25), value
    assert parse_date("2011-11-25T14:00:00Z") == dt.datetime(2011, 11, 25, 14, tzinfo=dt.UTC)
    assert parse_date(40872.5) == dt.datetime(2011, 11, 25, 12)
    for bad in ("31/02/2011", "soon", "2011", "", "13/13/2011", True):
        assert parse_date(bad) is None, bad


def test_a_messy_workbook_is_read_and_its_problems_named(tmp_path):
    path = workbook(tmp_path / "messy.xlsx", {
        "People ": [[], ["Name ", "ORGANISATION", "role", "Knows"],  # a blank row above the header, odd case
                    ["  Ada\u00a0Lovelace ", "Analytical Society", "secretary", "charles babbage"],
                    [None, None, None, None],  # an empty row
                    ["Charles Babbage", "analytical  society", "", "ADA LOVELACE"]],
        "Organisations": [["name", "kind"], ["Analytical Society", "Formal"]],
        "events": [["name", "date", "attendees", None, "place"],  # attendees spans C:D (merged)
                   ["Camp", dt.date(2011, 11, 25), "Ada Lovelace", "Charles Babbage", "Kent"],
                   ["Conference", 40872, "Ada Lovelace", None, "London"],
                   ["Seminar", "Nov 26 2011", "Charles Babbage", None, "London"]],
        "ideas": [["name", "also known as"], ["difference engine", "engine; the engine"]],
        "mentions": [["idea", "event", "carrier", "came from", "role"],
                     ["difference engine", "conference", "ada lovelace", "", "Presented"],
                     ["Difference Engine", "Camp", "Ada Lovelace", "Conference", "discussed"]],
        "Notes": [["ignored", "quietly: the template has one"]],
        "Budget": [["anything", "goes"]],
    }, merge={"events": ["C1:D1"]})
    result = import_sheets(None, path)
    assert not result.errors and result.conforms is not None
    assert result.counts == {"people": 2, "organisations": 1, "events": 3, "ideas": 1, "mentions": 2}
    g = result.graph
    names = sorted(str(r[0]) for r in g.query("SELECT ?n WHERE { ?p foaf:name ?n }", union=True))
    assert names == ["Ada Lovelace", "Charles Babbage"]  # spaces and non-breaking spaces made plain
    camp = URIRef("urn:kg-connect:sheets:messy/event/camp")
    attendees = {str(r[0]) for r in g.query("SELECT ?a WHERE { ?e schema:attendee ?a }", e=camp, union=True)}
    assert attendees == {"urn:kg-connect:sheets:messy/person/ada-lovelace",
                         "urn:kg-connect:sheets:messy/person/charles-babbage"}  # both merged columns
    dates = {str(r[0]) for r in g.query("SELECT ?d WHERE { ?e schema:startDate ?d }", union=True)}
    assert dates == {"2011-11-25", "2011-11-26"}  # a date cell, an Excel serial number and text
    hop = kg_connect.trace(g, "difference engine").hops
    assert [(g.label(h.source.event), g.label(h.target.event), h.explicit) for h in hop] == [
        ("Conference", "Camp", True)]  # recorded: came from
    roles = {str(r[0]) for r in g.query("SELECT ?l WHERE { ?m org:role/skos:prefLabel ?l }", union=True)}
    assert roles == {"secretary"}
    assert {str(p) for p in result.warnings} == {'Budget: sheet "Budget" is not one of the templates (people, '
                                                 "organisations, events, ideas, mentions, reports): it is ignored"}


def test_csv_files_with_a_bom_semicolons_and_windows_1252(tmp_path):
    (tmp_path / "people.csv").write_bytes("\ufeffname;organisation;note\r\nJosé Núñez;Café Society;"
                                          "naïve\r\n\r\n".encode())
    (tmp_path / "organisations.csv").write_bytes("name,kind\r\nCafé Society,group\r\n".encode("cp1252"))
    (tmp_path / "README.txt").write_text("not a sheet")
    result = import_sheets(None, tmp_path)
    assert not result.errors and result.counts == {"people": 1, "organisations": 1}
    assert sorted(str(p) for p in result.warnings) == [
        'README.txt: "README.txt" is not named after a template (people.csv, organisations.csv, events.csv, '
        "ideas.csv, mentions.csv, reports.csv): it is ignored",
        "organisations.csv: not UTF-8: read as Windows-1252 (Excel's 'CSV' on Windows)"]
    label = {str(r[0]) for r in result.graph.query("SELECT ?l WHERE { ?o a foaf:Group ; skos:prefLabel ?l }",
                                                   union=True)}
    member = {str(r[0]) for r in result.graph.query("SELECT ?o WHERE { ?p org:memberOf ?o }", union=True)}
    assert label == {"Café Society"} and member == {"urn:kg-connect:sheets:" + tmp_path.name.lower().replace("_", "-")
                                                    + "/organisation/cafe-society"}


@pytest.mark.parametrize("kind,rows,where,message", [
    ("events", [["name", "date"], ["Camp", "25/11/2011"], ["Conf", "31/02/2011"]], "events!B3",
     '"31/02/2011" is not a date (expected a date such as 2011-11-25, 25/11/2011 or Nov 25 2011)'),
    ("events", [["name", "end date"], ["Camp", "next week"]], "events!B2", '"next week" is not a date'),
    ("people", [["name", "homepage"], ["Ada", "my site"]], "people!B2",
     '"my site" is not a web address (expected https://...)'),
    ("organisations", [["name", "kind"], ["Club", "secret society"]], "organisations!B2",
     '"secret society" is not one of: formal, unit, collaboration, group (kind)'),
    ("organisations", [["name", "network model"], ["Club", "join sideways"]], "organisations!B2",
     '"join sideways" is not one of: join us, join in, join up (network model)'),
    ("mentions", [["event", "idea", "role"], ["Camp", "apps", "shouted"]], "mentions!C2",
     '"shouted" is not one of: presented, discussed, reported, adopted (role)'),
    ("mentions", [["event", "idea"], ["Camp", None]], "mentions row 2", "no idea: a mention says which idea came up"),
    ("mentions", [["event", "idea", "came from"], ["Camp", "apps", "Nowhere"]], "mentions!C2",
     '"Nowhere" has no mention of this idea in the mentions sheet'),
    ("people", [["name", "knows"], [None, "Ada"]], "people row 2", 'no name: every person needs one (column "name")'),
    ("reports", [["title", "date"], ["Post", "yesterday"]], "reports!B2", '"yesterday" is not a date'),
    ("ideas", [["description"], ["an idea without a name"]], "ideas row 1",
     'no "name" column: the ideas sheet needs one'),
])
def test_every_bad_cell_is_named_by_sheet_row_and_column(tmp_path, kind, rows, where, message):
    path = workbook(tmp_path / "bad.xlsx", {kind: rows})
    kg = KnowledgeGraph().load('<urn:a> <urn:b> "kept" .', format="turtle")
    with pytest.raises(SheetsError) as info:
        import_sheets(kg, path)
    assert any(str(p).startswith(f"{where}: {message}") for p in info.value.report.errors), info.value.report.errors
    assert str(info.value).startswith(f"{path}: {where}: ") and "nothing was imported" in str(info.value)
    assert len(kg) == 1  # the graph is as it was


def test_with_errors_report_the_good_rows_go_in_and_the_bad_are_listed(tmp_path):
    path = workbook(tmp_path / "partly.xlsx", {
        "events": [["name", "date"], ["Camp", "25/11/2011"], ["Conf", "31/02/2011"], ["Seminar", "32/01/2012"]],
        "people": [["name"], ["Ada"]]})
    result = import_sheets(None, path, errors="report")
    assert result.skipped == ["events row 3", "events row 4"]
    assert [str(p) for p in result.errors] == [
        'events!B3: "31/02/2011" is not a date (expected a date such as 2011-11-25, 25/11/2011 or Nov 25 2011)',
        'events!B4: "32/01/2012" is not a date (expected a date such as 2011-11-25, 25/11/2011 or Nov 25 2011)']
    assert result.counts == {"people": 1, "events": 1}
    dated = "SELECT ?n WHERE { ?e a schema:Event ; rdfs:label ?n OPTIONAL { ?e schema:startDate ?d } } ORDER BY ?d ?n"
    rows = result.graph.query(dated.replace("?n WHERE", "?n ?d WHERE"), union=True).rows
    # the skipped rows' values are not read; their names stay, for the rows that refer to them
    assert [(str(n), None if d is None else str(d)) for n, d in rows] == [("Conf", None), ("Seminar", None),
                                                                          ("Camp", "2011-11-25")]
    assert "Skipped 2 rows with errors" in result._repr_html_()


def test_names_defined_nowhere_or_twice_are_reported_never_merged_in_silence(tmp_path):
    path = workbook(tmp_path / "names.xlsx", {
        "people": [["name"], ["Kent Connects"], ["Ada"], ["ada"]],
        "organisations": [["name"], ["Kent Connects"]],
        "events": [["name", "organiser", "attendees"], ["Camp", "Kent Connects", "Ada; Tom"]]})
    with pytest.raises(SheetsError) as info:
        import_sheets(None, path)
    report = info.value.report
    assert [str(p) for p in report.errors] == [
        'events!B2: "Kent Connects" names both a person and an organisation: rename one of them, so that '
        "organiser says which"]
    assert sorted(str(p) for p in report.warnings) == [
        'events!C2: "Tom" (attendees) is defined in no people sheet: made as a new person, marked as such',
        'people!A4: "ada" is also defined at people!A3: both rows describe one person']
    ok = workbook(tmp_path / "names2.xlsx", {"people": [["name"], ["Ada"]],
                                             "events": [["name", "attendees"], ["Camp", "Ada; Tom"]]})
    made = import_sheets(None, ok)
    notes = [str(r[0]) for r in made.graph.query("SELECT ?n WHERE { ?p foaf:name 'Tom' ; skos:editorialNote ?n }",
                                                 union=True)]
    assert notes == ["Named at events!B2 but defined in no people sheet."]
    assert made.counts == {"people": 2, "events": 1}


def test_hostile_names_and_formulas_stay_text(tmp_path):
    hostile = "<img src=x onerror=alert(1)>"
    formula = '=HYPERLINK("https://evil.example","click")'
    path = workbook(tmp_path / "hostile.xlsx", {"people": [["name", "note"], [hostile, "plain"], ["Bob", "x"]],
                                                "events": [["name", "attendees"], ["Camp", f"{hostile}; Bob"]]})
    result = import_sheets(None, path)
    assert hostile not in result._repr_html_() or "&lt;img" in result._repr_html_()
    kg = KnowledgeGraph().load(f'<urn:p> a <http://xmlns.com/foaf/0.1/Person> ; '
                               f'<http://xmlns.com/foaf/0.1/name> "Eve" ; '
                               f'<http://www.w3.org/2000/01/rdf-schema#comment> {json.dumps(formula)} .',
                               format="turtle")
    out = export_sheets(kg, tmp_path / "out.xlsx")
    cell = openpyxl.load_workbook(out)["people"]["F2"]
    assert cell.value == formula and cell.data_type == "s"  # stored as text, never run
    folder = export_sheets(kg, tmp_path / "out-csv")
    assert "'=HYPERLINK" in (folder / "people.csv").read_text(encoding="utf-8-sig")  # Excel's text mark
    assert sheet_rows(import_sheets(None, folder).graph)["people"][0][5] == formula  # and it comes back
    bad = import_sheets(None, path, errors="report")
    assert "<img" not in bad._repr_html_().replace("&lt;img", "")


def test_unknown_columns_and_sheets_are_warnings_and_bad_paths_errors(tmp_path):
    path = workbook(tmp_path / "extra.xlsx", {"people": [["name", "shoe size"], ["Ada", "5"]]})
    result = import_sheets(None, path)
    assert [str(p) for p in result.warnings] == [
        'people!B1: column "shoe size" is not one of the people template\'s (name, organisation, role, homepage, '
        "knows, note): it is ignored"]
    with pytest.raises(LoadError, match="no such file or folder"):
        import_sheets(None, tmp_path / "missing.xlsx")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(LoadError, match=r"not a workbook \(.xlsx, .ods\) nor CSV"):
        import_sheets(None, tmp_path / "notes.pdf")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LoadError, match="broken.xlsx: cannot read this workbook"):
        import_sheets(None, tmp_path / "broken.xlsx")
    with pytest.raises(ValueError, match="errors must be 'raise' or 'report'"):
        import_sheets(None, path, errors="ignore")


# ---------------------------------------------------------------------- standards: CSVW
def test_the_shipped_csvw_metadata_describes_the_templates(story, tmp_path):
    from csvw import TableGroup

    from kg_connect.importers._sheet_templates import csvw_metadata

    shipped = Path(kg_connect.__file__).parent / "importers" / "sheets-metadata.json"
    assert json.loads(shipped.read_text()) == csvw_metadata()
    folder = export_sheets(story, tmp_path / "csv")
    (folder / "sheets-metadata.json").write_text(shipped.read_text())
    group = TableGroup.from_file(folder / "sheets-metadata.json")  # the csvw package reads our CSV files with it
    counts = {t.common_props["dc:title"]: len(list(t.iterdicts())) for t in group.tables}
    assert counts == {k: len(v) for k, v in sheet_rows(story).items()}
    people = {r["name"]: r for r in group.tables[0].iterdicts()}
    assert people["David Wilcox"]["knows"][:2] == ["Andy MacDermott", "Corrina Milner"]  # ; as the separator


def test_your_own_columns_through_your_own_csvw_metadata(tmp_path):
    (tmp_path / "attendance.csv").write_text("Who;Event name;Organisation\nAda;Camp;Society\n", encoding="utf-8")
    (tmp_path / "meetings.csv").write_text("Meeting,Held on\nCamp,25.11.2011\nFair,31.02.2012\n", encoding="utf-8")
    meta = {"@context": "http://www.w3.org/ns/csvw", "tables": [
        {"url": "attendance.csv", "dc:title": "people", "dialect": {"delimiter": ";"},
         "tableSchema": {"columns": [{"name": "name", "titles": "Who"}, {"name": "event", "titles": "Event name"},
                                     {"name": "organisation", "titles": "Organisation"}]}},
        {"url": "meetings.csv", "dc:title": "events",
         "tableSchema": {"columns": [{"name": "name", "titles": "Meeting"},
                                     {"name": "date", "titles": "Held on",
                                      "datatype": {"base": "date", "format": "dd.MM.yyyy"}}]}}]}
    (tmp_path / "mine-metadata.json").write_text(json.dumps(meta))
    with pytest.raises(SheetsError) as info:  # the format the metadata declares, read by csvw
        import_sheets(None, tmp_path, metadata=tmp_path / "mine-metadata.json")
    assert [str(p) for p in info.value.report.errors] == [
        'meetings.csv!B3: "31.02.2012" is not a date (not a date in the format dd.MM.yyyy that its metadata '
        "declares: day is out of range for month)"]
    result = import_sheets(None, tmp_path, metadata=tmp_path / "mine-metadata.json", errors="report")
    assert result.counts == {"people": 1, "organisations": 1, "events": 1}
    assert [str(p) for p in result.warnings][0].startswith('mine-metadata.json: column "event" of attendance.csv '
                                                            "is none of the people template's")
    dates = [str(r[0]) for r in result.graph.query("SELECT ?d WHERE { ?e schema:startDate ?d }", union=True)]
    assert dates == ["2011-11-25"]
    with pytest.raises(LoadError, match="not CSVW metadata that can be read"):
        (tmp_path / "bad-metadata.json").write_text('{"@context": "http://www.w3.org/ns/csvw", "tables": "nope"}')
        import_sheets(None, tmp_path, metadata=tmp_path / "bad-metadata.json")


# ---------------------------------------------------------------------- the command line
def test_the_command_line(tmp_path, story_book):
    tpl = tmp_path / "network.xlsx"
    done = subprocess.run([*KGC, "template", "-o", str(tpl)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and tpl.exists() and "the templates" in done.stderr
    out = tmp_path / "story.trig"
    done = subprocess.run([*KGC, "import", "sheets", str(story_book), "-o", str(out)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "17 people, 14 organisations, 10 events, 20 ideas, 26 mentions, 10 reports" in done.stderr
    traced = subprocess.run([*KGC, "trace", "social app store", str(out)], capture_output=True, text=True, timeout=120)
    assert traced.returncode == 0 and "Kent Connects Developing Solutions Camp" in traced.stdout
    bad = workbook(tmp_path / "bad.xlsx", {"events": [["name", "date"], ["Conf", "31/02/2011"]]})
    done = subprocess.run([*KGC, "import", "sheets", str(bad), "-o", str(tmp_path / "bad.ttl")], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and 'events!B2: "31/02/2011" is not a date' in done.stderr
    assert "1 error: nothing was imported" in done.stderr and not (tmp_path / "bad.ttl").exists()
    done = subprocess.run([*KGC, "import", "sheets", str(bad), "--errors", "report", "-o", str(tmp_path / "b.ttl")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "skipped 1 row with errors: events row 2" in done.stderr
    back = tmp_path / "back.xlsx"
    done = subprocess.run([*KGC, "export-sheets", str(out), "-o", str(back)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and back.exists() and "26 mentions" in done.stderr


# ---------------------------------------------------------------------- in a notebook
def test_the_upload_widget_imports_and_reports(tmp_path, story_book):
    from kg_connect.widgets import SheetsUpload

    kg = KnowledgeGraph()
    seen = []
    view = SheetsUpload(kg)
    view.on_import(seen.append)
    view.upload.value = ({"name": "../../story.xlsx", "type": "", "size": 1,
                          "last_modified": dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
                          "content": memoryview(story_book.read_bytes())},)
    assert view.result is not None and seen == [view.result] and len(kg) > 500
    assert view.result.graph_name == "urn:kg-connect:sheets:story"  # named after the file, not its path
    assert "<td>mentions</td><td>26</td>" in view.report.value
    bad = workbook(tmp_path / "bad <b>.xlsx", {"events": [["name", "date"], ["<img src=x onerror=alert(1)>",
                                                                             "31/02/2011"]]})
    before = len(kg)
    assert view.import_files([(bad.name, bad.read_bytes())]) is None and len(kg) == before
    assert "Nothing was imported from bad &lt;b&gt;.xlsx: 1 error" in view.report.value
    assert "<img" not in view.report.value and "<b>" not in view.report.value
    view.keep.value = True  # keep the rows that are fine
    assert view.import_files([(bad.name, bad.read_bytes())]) is not None and "events row 2" in \
        " ".join(view.result.skipped)
    csvs = export_sheets(KnowledgeGraph().load(STORY), tmp_path / "csv")
    fresh = SheetsUpload(KnowledgeGraph())
    got = fresh.import_files([(p.name, p.read_bytes()) for p in sorted(csvs.iterdir())])
    assert got.counts["people"] == 17 and got.base == "urn:kg-connect:sheets:upload/"
    mixed = fresh.import_files([("a.xlsx", story_book.read_bytes()), ("people.csv", b"name\nAda\n")])
    assert mixed is None and "not both" in fresh.report.value


def test_importing_a_workbook_again_replaces_what_it_gave(tmp_path):
    path = workbook(tmp_path / "net.xlsx", {"people": [["name"], ["Ada"], ["Bob"]]})
    kg = KnowledgeGraph().load('<urn:a> <urn:b> "other data" .', format="turtle")
    import_sheets(kg, path)
    workbook(path, {"people": [["name"], ["Ada"]]})  # Bob deleted in the spreadsheet
    again = import_sheets(kg, path)
    assert again.replaced > 0 and "replacing the" in again.summary()
    assert [str(r[0]) for r in kg.query("SELECT ?n WHERE { ?p foaf:name ?n }", union=True)] == ["Ada"]
    assert kg.query('ASK { <urn:a> <urn:b> "other data" }').boolean  # the rest of the graph is left alone


def _ods(path: Path, sheets: dict[str, list[list[tuple[str, str]]]]) -> Path:
    """A minimal OpenDocument spreadsheet, written by hand (cells as (type, value))."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(kind: str, value: str) -> str:
        if kind == "date":
            return f'<table:table-cell office:value-type="date" office:date-value="{value}"><text:p>{value}</text:p>' \
                   "</table:table-cell>"
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'

    tables = "".join(f'<table:table table:name="{name}">' + "".join(
        "<table:table-row>" + "".join(cell(*c) for c in row) + "</table:table-row>" for row in rows)
        + "</table:table>" for name, rows in sheets.items())
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def test_an_opendocument_spreadsheet_is_read_too(tmp_path):
    path = _ods(tmp_path / "camp.ods", {
        "events": [[("s", "name"), ("s", "date"), ("s", "attendees")],
                   [("s", "Kent camp"), ("date", "2011-11-25"), ("s", "Ada; Bob")]],
        "people": [[("s", "name")], [("s", "Ada")], [("s", "Bob")]]})
    result = import_sheets(None, path)
    assert result.counts == {"people": 2, "events": 1} and not result.errors
    assert [str(r[0]) for r in result.graph.query("SELECT ?d WHERE { ?e schema:startDate ?d }", union=True)] == [
        "2011-11-25"]


def test_what_a_first_user_met(tmp_path):
    """Cases a new user's workbooks held (the trial of issue 10): each read as meant or said."""
    assert parse_date(2012) is None and parse_date("25/12/98") == dt.date(1998, 12, 25)
    assert parse_date("2012/03/03") == dt.date(2012, 3, 3) and parse_date("3rd March 2012") == dt.date(2012, 3, 3)
    path = workbook(tmp_path / "trial.xlsx", {
        "organisations": [["Our partner organisations"], ["name", "kind", "network model", "funded by"],
                          ["Acme Trust", "formal", "presented", ""], ["Club", "group", "join up", "Bob"]],
        "people": [["name", "note", None, "role"], [2024, "line one\nline two", "stray", "volunteer"],
                   ["Σωκράτης", None, None, None], ["🙂", None, None, None], ["Bob", None, None, None]],
        "events": [["name", "date", "end date", "attendees"], ["Camp", 2012, None, "2024"],
                   ["Fair", "01/05/2012", "01/04/2012", "Σωκράτης"], ["Fair", "02/05/2012", None, None],
                   ["Moot", "25/05/2012 14:30", None, "🙂"]],
        "ideas": [["name", "broader"], ["Open Space", "open space"]],
        "mentions": [["event", "idea", "came from"], ["Fair", "Open Space", "Fair"]]})
    with pytest.raises(SheetsError) as info:
        import_sheets(None, path)
    report = info.value.report
    errors = {str(p) for p in report.errors}
    assert 'events!B2: "2012" is not a date (2012 is a year, not a date: give the day too (2012-03-25))' in errors
    assert 'events!C3: "01/04/2012" is not a date' not in errors  # a date, but before the start:
    assert "events!C3: the end date 2012-04-01 is before the date 2012-05-01" in errors
    assert 'events!B4: a second date for "Fair": events!B3 gives 2012-05-01' in errors
    assert 'organisations!C3: "presented" is not one of: join us, join in, join up (network model)' in errors
    assert 'ideas!B2: "open space" is the idea itself: it cannot be its own broader' in errors
    assert 'mentions!C2: "Fair" is this mention\'s own event: came from names an earlier event where the same ' \
           "idea was mentioned" in errors
    warnings = {str(p) for p in report.warnings}
    assert "organisations row 1: above the header row: not read" in warnings  # a title row above the headers
    assert "people!C2: column C has values but no header: they are not read (give the column one of the " \
           "template's headers)" in warnings
    # a column whose dates are month first (one of them can only be) is read month first, all of it
    (tmp_path / "us").mkdir()
    (tmp_path / "us" / "events.csv").write_text("name,date\nXmas,12/25/2011\nA,01/15/2012\nB,02/03/2012\n"
                                               "C,03/04/98\n")
    us = import_sheets(None, tmp_path / "us")
    got = {str(n): str(d) for n, d in us.graph.query("SELECT ?n ?d WHERE { ?e rdfs:label ?n ; schema:startDate ?d }",
                                                      union=True).rows}
    assert got == {"Xmas": "2011-12-25", "A": "2012-01-15", "B": "2012-02-03", "C": "1998-03-04"}
    assert {str(p) for p in us.warnings} == {
        "events.csv: the date column has dates that can only be month first (11/25/2011): all its dates are read "
        "month first", 'events.csv!B5: "03/04/98": the year 98 is read as 1998'}
    assert 'people!D2: 1 role for no organisation: each role goes with the organisation in the same place; the ' \
           "others are kept as a note" in warnings
    assert not any("2024" in w and "defined in no" in w for w in warnings)  # the number 2024 is that person
    # funders are organisations: a person named there is an error, not a new organisation
    assert 'organisations!D4: "Bob" is a person (people!A5), but funded by names organisations' in errors
    kept = import_sheets(None, path, errors="report")
    g = kept.graph
    people = {str(p).rsplit("/", 1)[-1]: str(n) for p, n in g.query("SELECT ?p ?n WHERE { ?p foaf:name ?n }",
                                                                       union=True).rows}
    assert people["2024"] == "2024" and people["σωκρατης"] == "Σωκράτης" and people["bob"] == "Bob"
    assert [k for k in people if k.startswith("x-")] and people[[k for k in people if k.startswith("x-")][0]] == "🙂"
    notes = {str(r[0]) for r in g.query("SELECT ?c WHERE { ?p rdfs:comment ?c }", union=True)}
    assert "line one\nline two" in notes  # line breaks kept
    # IRIs do not depend on the order of the rows
    flipped = workbook(tmp_path / "flipped.xlsx", {"people": [["name"], ["Ann-Marie"], ["Ann Marie"]]})
    straight = workbook(tmp_path / "straight.xlsx", {"people": [["name"], ["Ann Marie"], ["Ann-Marie"]]})
    iris = [sorted((str(n), str(p)) for p, n in import_sheets(None, f, base="urn:t/").graph.query(
        "SELECT ?p ?n WHERE { ?p foaf:name ?n }", union=True).rows) for f in (flipped, straight)]
    assert iris[0] == iris[1]
    # an exported workbook holds what a workbook can (no control characters) and every note
    kg = KnowledgeGraph().load('<urn:p> a <http://xmlns.com/foaf/0.1/Person> ; <http://xmlns.com/foaf/0.1/name> '
                               '"Ann\\u0001Bell" ; <http://www.w3.org/2000/01/rdf-schema#comment> "one", "two" .',
                               format="turtle")
    out = export_sheets(kg, tmp_path / "out.xlsx")
    row = [c.value for c in openpyxl.load_workbook(out)["people"][2]]
    assert row[0] == "AnnBell" and row[5] == "one\n\ntwo"  # no crash on a control character
    # Excel's sep= line
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "people.csv").write_text("sep=;\nname;note\nAda;a\x01b\n", encoding="utf-8")
    csv_import = import_sheets(None, tmp_path / "csv")
    assert csv_import.counts == {"people": 1}
    assert [str(r[0]) for r in csv_import.graph.query("SELECT ?c WHERE { ?p rdfs:comment ?c }", union=True)] == ["ab"]


def test_what_a_second_user_met(tmp_path):
    """The second trial's cases: header variants, first and last names, more sheets of one kind,
    edited example sheets, commas between names, circles, mixed encodings, Word's line break."""
    path = workbook(tmp_path / "second.xlsx", {
        "people": [["First name", "Last name", "Note"], ["Ada", "Lovelace", "first\nsecond"]],
        "people (2)": [["Full name"], ["Charles Babbage"]],
        "events": [["Event name", "Date (dd/mm/yyyy)", "Attendee 1", "Attendee 2", "Organiser"],
                   ["Camp", "25/11/2011 14:30", "Ada Lovelace", "Charles Babbage", "Ada Lovelace, Charles Babbage"],
                   ["Fair", "26/11/2011 09:00", "Ada Lovelace", "Charles Babbage", "Ada Lovelace"]],
        "ideas": [["name", "broader"], ["A", "B"], ["B", "A"]],
        "example people": [["name"], ["Someone typed here"]],
    })
    with pytest.raises(SheetsError) as info:
        import_sheets(None, path)
    report = info.value.report
    assert {str(p) for p in report.errors} == {
        'events!E2: "Ada Lovelace, Charles Babbage": nothing has that name, but Ada Lovelace, Charles Babbage do: '
        "separate names with ; in one cell",
        "ideas!B2: broader goes round in a circle: A → B → A"}
    assert 'example people: sheet "example people" is an example and is not imported: put your rows in the ' \
           '"people" sheet' in {str(p) for p in report.warnings}
    fine = import_sheets(None, path, errors="report")
    g = fine.graph
    assert sorted(str(r[0]) for r in g.query("SELECT ?n WHERE { ?p foaf:name ?n }", union=True)) == [
        "Ada Lovelace", "Charles Babbage"]  # first and last names joined; a second people sheet read
    assert [str(r[0]) for r in g.query("SELECT ?c WHERE { ?p rdfs:comment ?c }", union=True)] == ["first\nsecond"]
    fair = "SELECT (COUNT(?a) AS ?n) WHERE { ?e rdfs:label 'Fair' ; schema:attendee ?a }"
    assert int(g.query(fair, union=True).rows[0][0]) == 2  # attendee 1, attendee 2
    when = [str(r[0]) for r in g.query("SELECT ?d WHERE { ?e rdfs:label 'Fair' ; schema:startDate ?d }", union=True)]
    assert when == ["2011-11-26T09:00:00"]  # a day-first date with a time
    # a few lines pasted in from another encoding; a formula's error value in a CSV
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "people.csv").write_bytes("name,note\nZoë,one\x0btwo\n".encode() + "Renée,x\n".encode("cp1252"))
    (tmp_path / "csv" / "events.csv").write_text("name,date\nCamp,#DIV/0!\n", encoding="utf-8")
    mixed = import_sheets(None, tmp_path / "csv", errors="report")
    assert "people.csv: not UTF-8 on line 3: read as Windows-1252 there" in {str(p) for p in mixed.warnings}
    assert sorted(str(r[0]) for r in mixed.graph.query("SELECT ?n WHERE { ?p foaf:name ?n }", union=True)) == [
        "Renée", "Zoë"]
    assert "one\ntwo" in {str(r[0]) for r in mixed.graph.query("SELECT ?c WHERE { ?p rdfs:comment ?c }",
                                                                union=True)}  # Word's line break
    assert "events.csv!B2: the cell shows the spreadsheet error #DIV/0!: its formula could not be worked out; put " \
           "the value itself in" in {str(p) for p in mixed.errors}


def test_an_export_says_what_the_templates_do_not_carry(story, tmp_path):
    with pytest.warns(kg_connect.KgConnectWarning, match=r"triples have no column in the spreadsheet templates and "
                      r"are not in the sheets: skos:inScheme \(20\), skos:related \(17\)"):
        export_sheets(story, tmp_path / "story.xlsx")


def test_a_formula_error_in_a_workbook_is_named(tmp_path):
    """Excel keeps a formula's error value (#DIV/0!) in the cell; the reader gives it as empty,
    so the importer reads it from the file."""
    import re
    import zipfile

    plain = workbook(tmp_path / "plain.xlsx", {"events": [["name", "date"], ["Camp", "x"]]})
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="B2"[^>]*>.*?</c>', b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', data,
                              flags=re.S)
            zout.writestr(item, data)
    with pytest.raises(SheetsError, match=r"events!B2: the cell shows the spreadsheet error #DIV/0!: its formula "
                                          r"could not be worked out"):
        import_sheets(None, broken)
