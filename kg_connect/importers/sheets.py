"""Spreadsheets in, spreadsheets out: people, organisations, events, ideas, mentions and
reports kept in a workbook (``.xlsx``, ``.ods``: one sheet per kind) or in CSV files (one
file per kind, named after it), read into our vocabulary; and the graph written back into
the same templates.

Things are referred to by name across sheets. Names match whatever their case, spacing and
non-breaking spaces; IRIs are minted from a base (``urn:kg-connect:sheets:<workbook>/``
unless given) and stay the same when the same data is imported again. A name that matches
two different things, or that is defined nowhere (then the thing is made, and marked so), is
reported, never merged or dropped in silence. Every problem names its sheet (or file), row
and column, the value and what was expected: ``events!C7: "31/02/2011" is not a date``.

The templates are described by W3C CSVW metadata shipped with the package
(``sheets-metadata.json``); your own CSV layouts are read with your own CSVW metadata
(``metadata=``), parsed by the ``csvw`` package. Workbooks are read with python-calamine and
written with openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg_connect._files import write_atomically
from kg_connect._graph import KnowledgeGraph
from kg_connect.errors import LoadError
from kg_connect.importers._sheet_templates import CHOICES, KINDS, SEGMENT, SKOS, TEMPLATES, Column, Template

__all__ = ["Problem", "SheetsError", "SheetsImport", "import_sheets", "read_sheets"]

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\ufeff]+")
_BREAKS = re.compile(r"[ \t]*(?:\r\n|\r|\n|\x0b|\u2028|\u2029)[ \t]*")  # \x0b: Word's line break
_CONTROLS = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f]")
_EXCEL_ERRORS = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                            "nov", "dec"))}
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters no .xlsx cell may hold
EDITORIAL = URIRef(SKOS + "editorialNote")


# ---------------------------------------------------------------------- the report
@dataclass
class Problem:
    """Something wrong in a sheet: where (``events!C7``), what, and how bad."""

    sheet: str
    row: int | None
    column: str | None  # the column's letter
    message: str
    severity: str = "error"  # "error" (the row cannot be read) or "warning" (read, but look)
    value: str | None = None

    @property
    def where(self) -> str:
        if self.row is None:
            return self.sheet
        if not self.column:
            return f"{self.sheet} row {self.row}"
        return f"{self.sheet}!{self.column}{self.row}"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class SheetsImport:
    """What an import did: counts per kind, warnings, errors, skipped rows, and whether the
    result conforms to the shapes. Shows as a table in notebooks."""

    graph: KnowledgeGraph
    graph_name: str
    base: str
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "events row 7", with errors="report"
    conforms: bool | None = None
    violations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    replaced: int = 0  # triples of an earlier import of the same workbook, replaced by this one

    def to_dict(self) -> dict[str, Any]:
        return {"graph": self.graph_name, "base": self.base, "counts": dict(self.counts),
                "errors": [str(p) for p in self.errors], "warnings": [str(p) for p in self.warnings],
                "skipped": list(self.skipped), "conforms": self.conforms, "violations": list(self.violations)}

    def summary(self) -> str:
        counts = ", ".join(f"{n:,} {TEMPLATES[k].kind if n != 1 else TEMPLATES[k].singular}"
                           for k, n in self.counts.items() if k in TEMPLATES and n)
        lines = [f"imported into <{self.graph_name}>: {counts or 'nothing'}"
                 + (f" (replacing the {self.replaced:,} triples of the last import)" if self.replaced else "")]
        if self.skipped:
            lines.append(f"skipped {len(self.skipped):,} row{'' if len(self.skipped) == 1 else 's'} with errors: "
                         + "; ".join(self.skipped[:20])
                         + (" …" if len(self.skipped) > 20 else ""))
        lines += [f"error: {p}" for p in self.errors]
        lines += [f"warning: {p}" for p in self.warnings]
        if self.conforms is False:
            lines.append(f"{len(self.violations)} shape violations: " + "; ".join(self.violations[:5]))
        elif self.conforms:
            lines.append("conforms to the kg_connect shapes")
        return "\n".join(lines)

    def __repr__(self) -> str:
        total = sum(self.counts.get(k, 0) for k in KINDS)
        return (f"<SheetsImport {total:,} things into <{self.graph_name}>, {len(self.warnings)} warnings, "
                f"{len(self.errors)} errors>")

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><td>{e(k)}</td><td>{n:,}</td></tr>" for k, n in self.counts.items() if n)
        shown = (self.errors + self.warnings)[:200]
        left = len(self.errors) + len(self.warnings) - len(shown)
        cell = 'style="text-align:left"'
        problems = "".join(
            f'<tr class="kgc-{p.severity}"><td {cell}>{e(p.severity)}</td><td {cell}>{e(p.where)}</td>'
            f"<td {cell}>{e(p.message)}</td></tr>" for p in shown)
        if left:
            problems += f'<tr><td></td><td {cell} colspan="2">… and {left:,} more (see .errors and .warnings)</td></tr>'

        shape = ("conforms to the kg_connect shapes" if self.conforms else
                 f"{len(self.violations)} shape violations" if self.conforms is False else "not checked")
        out = (f'<div class="kgc-import"><p>Imported into <code>{e(self.graph_name)}</code>; {e(shape)}.'
               + (f" Skipped {len(self.skipped):,} row{'' if len(self.skipped) == 1 else 's'} with errors: "
                  f"{e('; '.join(self.skipped[:50]))}"
                  + (" …" if len(self.skipped) > 50 else "") + "." if self.skipped else "") + "</p>"
               f"<table><thead><tr><th>kind</th><th>rows</th></tr></thead><tbody>{rows}</tbody></table>")
        if problems:
            out += (f"<table><thead><tr><th></th><th>where</th><th>what</th></tr></thead><tbody>{problems}"
                    "</tbody></table>")
        return out + "</div>"


class SheetsError(LoadError):
    """A workbook or CSV folder could not be imported: nothing was added. ``report`` lists
    every problem (sheet, row, column, value, what was expected)."""

    def __init__(self, report: SheetsImport, source: str) -> None:
        self.report = report
        first = report.errors[0] if report.errors else None
        more = len(report.errors) - 1
        reason = (f"{first}" if first else "the import failed") + (f" (and {more} more errors)" if more > 0 else "")
        super().__init__(reason + "; nothing was imported (errors='report' imports the rows that are fine)",
                         source)
        self.line = first.row if first else None


# ---------------------------------------------------------------------- reading the cells
@dataclass
class Cell:
    value: Any
    column: str  # its letter
    merged: bool = False  # filled down from a cell merged over several rows


@dataclass
class Sheet:
    kind: str
    source: str  # "events" (a sheet) or "events.csv" (a file)
    columns: dict[str, str]  # template column -> letter
    rows: list[tuple[int, dict[str, list[Cell]]]]  # row number, template column -> its cells
    #: template column -> the csvw Column of your metadata that declares its datatype (its format)
    readers: dict[str, Any] = field(default_factory=dict)
    #: the date columns read month first (one of their dates can only be: 11/25/2011)
    month_first: set[str] = field(default_factory=set)


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        out = chr(65 + r) + out
    return out


def clean(value: Any) -> Any:
    """A cell's text with spaces trimmed and runs of spaces (non-breaking ones too) made one
    (and Excel's text mark, a leading apostrophe before = + - @, taken off)."""
    if isinstance(value, str):
        text = _CONTROLS.sub("", unicodedata.normalize("NFC", value))
        text = _BREAKS.sub("\n", _SPACES.sub(" ", text)).strip()
        if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
            text = text[1:]
        return text
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)  # a number typed in a cell: 2024, not 2024.0
    return value


def key(name: Any) -> str:
    """How names are matched: the same whatever their case, spacing and line breaks."""
    return re.sub(r"\s+", " ", str(clean(name))).casefold()


def _kind_of(name: str) -> str | None:
    k = key(Path(name).stem if name.lower().endswith((".csv", ".tsv", ".txt")) else name)
    k = re.sub(r"\s*(\(\d+\)|\d+)$", "", k)  # "people (2)", "events 2011": more sheets of one kind
    for kind, t in TEMPLATES.items():
        if k == kind or k in t.aliases:
            return kind
    return None


_FIRST = ("first name", "given name", "forename", "first names")
_LAST = ("last name", "surname", "family name")


def _header_key(text: str, t: Template) -> list[str]:
    """The ways a header may name a column: as written; without a trailing * or note in
    brackets ("Name *", "Date (dd/mm/yyyy)"); without a number ("attendee 3"); without the
    sheet's own word ("Event name", "Full name")."""
    k = key(text)
    plain = re.sub(r"\s*\*+$", "", re.sub(r"\s*\([^)]*\)\s*", " ", k)).strip()
    out = [k, plain, re.sub(r"\s*#?\d+$", "", plain)]
    for word in (t.singular, t.kind, "full", "the"):
        if plain.startswith(word + " "):
            out.append(plain[len(word) + 1:])
    out += [x + "s" for x in out[2:3]]  # "attendee 3" -> attendees
    return out


def _header_map(t: Template, header: list[Any], source: str, problems: list[Problem],
                merged: set[int], titles: dict[str, str] | None = None) -> dict[int, str]:
    """Cell index -> template column, from a header row (any order, any case); ``titles``: more
    header texts for template columns (from CSVW metadata)."""
    names = {}
    for c in t.columns:
        for alias in (c.name, *c.aliases):
            names[key(alias)] = c.name
    names.update(titles or {})
    if t.key == "name":  # first and last names, joined into the name
        names.update({k: "__first" for k in _FIRST} | {k: "__last" for k in _LAST})
    out: dict[int, str] = {}
    last = None
    for i, h in enumerate(header):
        text = clean(str(h)) if h not in (None, "") else ""
        if not text:
            if last is not None and i in merged:  # a merged header cell spans this column too
                out[i] = last
            continue
        name = next((names[k] for k in _header_key(text, t) if k in names), None)
        if name is None:
            problems.append(Problem(source, 1, _letter(i), f'column "{text}" is not one of the {t.kind} template\'s '
                                    f"({', '.join(c.name for c in t.columns)}): it is ignored", "warning", text))
            last = None
            continue
        numbered = re.search(r"\d+\s*$", text) is not None
        if name in out.values() and i not in merged and not numbered:
            problems.append(Problem(source, 1, _letter(i), f'a second "{name}" column: its values are added to '
                                    "the first one's", "warning", text))
        out[i] = name
        last = name
    return out


def _sheet(kind: str, source: str, grid: list[list[Any]], problems: list[Problem], merged: set[int],
           first_row: int = 1, titles: dict[str, str] | None = None,
           filled_down: set[tuple[int, int]] | None = None) -> Sheet | None:
    t = TEMPLATES[kind]
    filled_down = filled_down or set()
    known = {key(a) for c in t.columns for a in (c.name, *c.aliases)} | set(titles or {})
    filled = [i for i, r in enumerate(grid) if any(clean(c) not in (None, "") for c in r)]
    if not filled:
        return Sheet(kind, source, {}, [])
    # the header is the first row naming the most template columns among the first filled rows
    # (a title row above it, "Our partner organisations", is passed over)
    scores = [(sum(1 for c in grid[i] if isinstance(clean(c), str) and key(c) in known), i) for i in filled[:10]]
    best = max(score for score, _ in scores)
    header_at = next(i for score, i in scores if score == best) if best else filled[0]

    header = grid[header_at]
    where = _header_map(t, header, source, problems, merged, titles)
    head_row = first_row + header_at
    for p in problems:
        if p.sheet == source and p.row == 1 and head_row != 1:
            p.row = head_row
    for i in filled:
        if i >= header_at:
            break
        problems.append(Problem(source, first_row + i, None, "above the header row: not read", "warning"))
    wanted = t.key or "event"
    if wanted not in where.values() and not (wanted == "name" and {"__first", "__last"} & set(where.values())):
        problems.append(Problem(source, head_row, None, f'no "{wanted}" column: the {kind} sheet needs one '
                                f"(its columns: {', '.join(c.name for c in t.columns)})"))
        return None
    columns: dict[str, str] = {}
    for i, name in where.items():
        columns.setdefault(name, _letter(i))
    rows = []
    unheaded: dict[int, int] = {}  # column -> the first row with a value under no header
    for n, raw in enumerate(grid[header_at + 1:], start=head_row + 1):
        cells: dict[str, list[Cell]] = {}
        for i, value in enumerate(raw):
            v = clean(value)
            if v in (None, ""):
                continue
            column_name = where.get(i)
            if column_name is None:
                if i >= len(header) or clean(header[i]) in (None, ""):
                    unheaded.setdefault(i, n)
                continue
            if isinstance(v, str) and v in _EXCEL_ERRORS:
                problems.append(Problem(source, n, _letter(i), f"the cell shows the spreadsheet error {v}: its formula "
                                        "could not be worked out; put the value itself in", "error", v))
                v = None
                cells.setdefault(column_name, [])
                continue
            cells.setdefault(column_name, []).append(Cell(v, _letter(i), (n - first_row, i) in filled_down))
        parts = [str(cells.pop(k)[0].value) for k in ("__first", "__last") if cells.get(k)]
        if parts and not cells.get("name"):  # first and last names make the name
            letter = next(_letter(i) for i, c in where.items() if c in ("__first", "__last"))
            cells["name"] = [Cell(" ".join(parts), letter)]
        if any(cells.values()) or any(p.sheet == source and p.row == n for p in problems[-3:]):
            rows.append((n, cells))  # empty rows are skipped
    for i, n in sorted(unheaded.items()):
        problems.append(Problem(source, n, _letter(i), f"column {_letter(i)} has values but no header: they are "
                                "not read (give the column one of the template's headers)", "warning"))
    return Sheet(kind, source, columns, rows)


def _read_workbook(path: Path, problems: list[Problem]) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - the reader's own words
        raise LoadError(f"cannot read this workbook: it is damaged or not really a {path.suffix} file (the "
                        f"reader says: {exc})", str(path)) from None
    sheets = []
    errors = _error_cells(path)
    hidden = {m.name for m in (book.sheets_metadata or []) if str(getattr(m, "visible", "")).lower().endswith(
        ("hidden", "veryhidden"))}
    for name in book.sheet_names:
        kind = _kind_of(name)
        if kind is not None and name in hidden:
            problems.append(Problem(name, None, None, f'sheet "{name}" is hidden in the workbook: it is imported all '
                                    "the same", "warning"))
        if kind is None:
            if key(name).startswith("example "):
                shown = _kind_of(name[len("example "):])
                rows = [r for r in book.get_sheet_by_name(name).to_python() if any(c not in (None, "") for c in r)]
                if shown is not None and len(rows) - 1 != len(_story_examples().get(shown, [])):
                    problems.append(Problem(name, None, None, f'sheet "{name}" is an example and is not imported: '
                                            f'put your rows in the "{shown}" sheet', "warning"))
                continue
            if not key(name).startswith(("notes", "readme")):
                problems.append(Problem(name, None, None, f'sheet "{name}" is not one of the templates '
                                        f"({', '.join(KINDS)}): it is ignored", "warning"))
            continue
        sheet = book.get_sheet_by_name(name)
        grid = [list(r) for r in sheet.to_python(skip_empty_area=False)]
        for (r, c), text in errors.get(name, {}).items():  # formula errors, which the reader gives as ""
            while len(grid) <= r:
                grid.append([])
            grid[r] += [""] * (c + 1 - len(grid[r]))
            grid[r][c] = text
        ranges = sheet.merged_cell_ranges or []
        merged = {c for (r1, c1), (r2, c2) in ranges for c in range(c1 + 1, c2 + 1)}
        filled_down: set[tuple[int, int]] = set()
        for (r1, c1), (r2, c2) in ranges:  # a cell merged down rows holds for each of them
            if r2 > r1 and r1 < len(grid) and c1 < len(grid[r1]):
                for r in range(r1 + 1, min(r2, len(grid) - 1) + 1):
                    for c in range(c1, min(c2, len(grid[r]) - 1) + 1):
                        if grid[r][c] in (None, ""):
                            grid[r][c] = grid[r1][c1]
                            filled_down.add((r, c))
        got = _sheet(kind, name, grid, problems, merged, filled_down=filled_down)
        if got is not None:
            sheets.append(got)
    return sheets


def _error_cells(path: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Cells of an .xlsx holding a formula's error value (#DIV/0!, #REF!, ...), by sheet name:
    read from the file itself, since the reader gives them as empty cells."""
    import zipfile

    out: dict[str, dict[tuple[int, int], str]] = {}
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return out
    try:
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
            targets.update({a: b for b, a in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"',
                                                         rels)})
            for sheet_name, rid in re.findall(r'<sheet[^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book):
                target = targets.get(rid, "")
                member = target.lstrip("/") if target.startswith("/") else "xl/" + target
                if member not in z.namelist():
                    continue
                xml = z.read(member).decode("utf-8", "replace")
                for ref, value in re.findall(r'<c r="([A-Z]+\d+)"[^>]*t="e"[^>]*>.*?<v>([^<]*)</v>', xml, re.S):
                    letters, digits = re.match(r"([A-Z]+)(\d+)", ref).groups()  # type: ignore[union-attr]
                    col = 0
                    for ch in letters:
                        col = col * 26 + ord(ch) - 64
                    out.setdefault(html.unescape(sheet_name), {})[(int(digits) - 1, col - 1)] = value
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    return out


def _story_examples() -> dict[str, list[list[str]]]:
    import json
    from importlib import resources

    return json.loads(resources.files("kg_connect.importers").joinpath("story-sheets.json").read_text("utf-8"))


def _decode(data: bytes, source: str, problems: list[Problem]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    out, odd, utf8 = [], [], 0
    for n, line in enumerate(lines, start=1):
        try:
            out.append(line.decode("utf-8"))
            utf8 += any(b > 127 for b in line)  # a line of UTF-8 beyond ASCII
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors="replace"))
            odd.append(n)
    if not utf8 or len(odd) > 20:
        problems.append(Problem(source, None, None, "not UTF-8: read as Windows-1252 (Excel's 'CSV' on Windows)",
                                "warning"))
    else:  # a few lines written otherwise (pasted in): only those are read as Windows-1252
        problems.append(Problem(source, None, None, "not UTF-8 on line" + ("s " if len(odd) > 1 else " ")
                                + ", ".join(map(str, odd)) + ": read as Windows-1252 there", "warning"))
    return "\n".join(out)


def _read_csv(path: Path, problems: list[Problem], kind: str | None = None,
              dialect: dict[str, Any] | None = None, titles: dict[str, str] | None = None) -> Sheet | None:
    kind = kind or _kind_of(path.name)
    if kind is None:
        return None
    if not path.is_file():
        raise LoadError("no such file", str(path))
    encoding = (dialect or {}).get("encoding")
    if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        try:
            text = path.read_bytes().decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise LoadError(f"not {encoding}, as its metadata says: {exc}", str(path)) from None
    else:
        text = _decode(path.read_bytes(), path.name, problems)
    delimiter = (dialect or {}).get("delimiter")
    sep = re.match(r"\Asep=(.)\r?\n", text)  # Excel's own first line: sep=;
    if sep:
        delimiter, text = sep.group(1), text[sep.end():]
    if not delimiter:
        first = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first.count) if any(d in first for d in ",;\t") else ","
    grid = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _sheet(kind, path.name, grid, problems, set(), titles=titles)


def _read_metadata(meta: Path, problems: list[Problem]) -> list[Sheet]:
    """CSV files described by your own W3C CSVW metadata (read by the csvw package): each
    table is the template named by its ``dc:title`` (or its file's name), and each column the
    template column named by its ``name`` or one of its ``titles``."""
    import json

    from csvw import Table, TableGroup

    try:
        data = json.loads(meta.read_text(encoding="utf-8-sig"))
        if not isinstance(data, dict) or "http://www.w3.org/ns/csvw" not in json.dumps(data.get("@context")):
            raise ValueError('it has no "@context": "http://www.w3.org/ns/csvw"')
        if not (isinstance(data.get("tables"), list) and data["tables"]) and not isinstance(data.get("url"), str):
            raise ValueError('it needs "tables" (a list of tables) or the "url" of one table')
        group = TableGroup.from_file(meta) if "tables" in data else Table.from_file(meta)
    except Exception as exc:  # noqa: BLE001 - the library's own words
        raise LoadError(f"not CSVW metadata that can be read: {exc}", str(meta)) from None
    sheets = []
    for table in getattr(group, "tables", [group]):
        file = meta.parent / str(table.url)
        title = (table.common_props or {}).get("dc:title")
        kind = _kind_of(str(title)) if title else None
        kind = kind or _kind_of(file.name)
        if kind is None:
            known = ", ".join(KINDS)
            problems.append(Problem(meta.name, None, None, f'table "{table.url}" is none of the templates ({known}): '
                                    'give it a dc:title such as "events"; it is ignored', "warning"))
            continue
        t = TEMPLATES[kind]
        ours = {key(c.name): c.name for c in t.columns} | {key(a): c.name for c in t.columns for a in c.aliases}
        titles: dict[str, str] = {}
        readers: dict[str, Any] = {}
        for column in table.tableSchema.columns:
            texts = [str(column.name or "").replace("_", " ")]
            for _, ts in (column.titles or {}).items():
                texts += [str(x) for x in ts]
            target = next((ours[key(x)] for x in texts if key(x) in ours), None)
            if target is None:
                problems.append(Problem(meta.name, None, None, f'column "{column.name}" of {table.url} is none of '
                                        f"the {kind} template's ({', '.join(c.name for c in t.columns)}): give it "
                                        "one of those as its name; it is ignored", "warning"))
                continue
            for x in texts:
                titles[key(x)] = target
            if column.datatype is not None and getattr(column.datatype, "base", "string") != "string":
                readers[target] = column  # its datatype (a date format: dd.MM.yyyy) is read by csvw
        dialect = table.dialect or group.dialect if hasattr(group, "dialect") else table.dialect
        got = _read_csv(file, problems, kind, {"delimiter": getattr(dialect, "delimiter", None),
                                               "encoding": getattr(dialect, "encoding", None)}, titles)
        if got is not None:
            got.readers = readers
            sheets.append(got)
    return sheets


def read_sheets(path: str | Path, metadata: str | Path | None = None) -> tuple[list[Sheet], list[Problem]]:
    """The template sheets of a workbook (``.xlsx``, ``.ods``, ``.xls``), a CSV file or a folder
    of CSV files (or the CSV files your CSVW ``metadata`` describes), with the problems met
    reading them."""
    path = Path(path)
    problems: list[Problem] = []
    if metadata is not None or path.name.endswith(("-metadata.json", ".csv-metadata.json")):
        meta = Path(metadata) if metadata is not None else path
        if not meta.is_file():
            raise LoadError("no such file", str(meta))
        return _read_metadata(meta, problems), problems
    if not path.exists():
        raise LoadError("no such file or folder", str(path))
    if path.is_dir():
        sheets = []
        for f in sorted(path.iterdir()):
            if f.suffix.lower() in (".csv", ".tsv", ".txt"):
                got = _read_csv(f, problems)
                if got is not None:
                    sheets.append(got)
                elif _kind_of(f.name) is None:
                    problems.append(Problem(f.name, None, None, f'"{f.name}" is not named after a template '
                                            f"({', '.join(k + '.csv' for k in KINDS)}): it is ignored", "warning"))
        return sheets, problems
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        got = _read_csv(path, problems)
        if got is None:
            raise LoadError(f"a CSV file is read as the template it is named after ({', '.join(KINDS)}); "
                            "rename it, or give a folder of them", str(path))
        return [got], problems
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods", ".xls", ".xlsb"):
        return _read_workbook(path, problems), problems
    raise LoadError("not a workbook (.xlsx, .ods) nor CSV (.csv, or a folder of them)", str(path))


# ---------------------------------------------------------------------- values
def parse_date(value: Any) -> dt.date | dt.datetime | None:
    """A date from a cell: a date or datetime, an Excel serial number, or text such as
    2011-11-25, 2011/11/25, 25/11/2011, 25.11.2011, 25/11/11, Nov 25 2011, 25 November 2011,
    November 25, 2011. Day first, unless the month cannot be (11/25/2011). None if it is not
    one (31/02/2011 is not)."""
    return read_date(value)[0]


def read_date(value: Any, month_first: bool = False) -> tuple[dt.date | dt.datetime | None, str]:
    """:func:`parse_date`, and what to tell the user about it: why it is no date, or how an
    unusual one was read."""
    if isinstance(value, dt.datetime):
        return (value if (value.hour, value.minute, value.second) != (0, 0, 0) else value.date()), ""
    if isinstance(value, dt.date):
        return value, ""
    if isinstance(value, bool):
        return None, ""
    if isinstance(value, (int, float)):
        if isinstance(value, int) or float(value).is_integer():
            if 1000 <= value < 3000:
                return None, f"{int(value)} is a year, not a date: give the day too ({int(value)}-03-25)"
        if 10_000 <= value < 100_000:  # Excel's serial day numbers (1927 to 2173)
            day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
            frac = value - int(value)
            if frac:
                return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=round(frac * 86400)), ""
            return day, ""
        return None, ""
    text = clean(str(value))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text), ""
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text):
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T")), ""
        m = re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", text)
        if m:
            return dt.date(*(int(g) for g in m.groups())), ""
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T,]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?",
                         text)
        if m:
            d, mo, y = (int(g) for g in m.groups()[:3])
            notes = []
            if len(m.group(3)) == 2:
                y += 2000 if y < 70 else 1900  # 25/12/98 is 1998, 25/12/11 is 2011
                notes.append(f"the year {m.group(3)} is read as {y}")
            if (mo > 12 and d <= 12) or (month_first and d <= 12 and mo <= 31):  # 11/25/2011: month first
                d, mo = mo, d
                if not month_first:
                    notes.append(f"read month first, as {y}-{mo:02d}-{d:02d}: other dates like it are read day first "
                                 "unless the column has one that can only be month first")
            day = dt.date(y, mo, d)
            if m.group(4):
                return dt.datetime(y, mo, d, int(m.group(4)), int(m.group(5)), int(m.group(6) or 0)), "; ".join(notes)
            return day, "; ".join(notes)
        words = re.sub(r"[,.]", " ", text).lower().split()
        if len(words) == 3:
            a, b, c = words
            if a[:3] in _MONTHS and b.rstrip("stndrh").isdigit() and c.isdigit():  # Nov 25 2011
                return dt.date(int(c), _MONTHS[a[:3]], int(b.rstrip("stndrh"))), ""
            if b[:3] in _MONTHS and a.rstrip("stndrh").isdigit() and c.isdigit():  # 25 Nov 2011, 25th Nov 2011
                return dt.date(int(c), _MONTHS[b[:3]], int(a.rstrip("stndrh"))), ""
        if re.fullmatch(r"\d{4}", text):
            return None, f"{text} is a year, not a date: give the day too ({text}-03-25)"
        if re.fullmatch(r"\d+(\.\d+)?", text) and 20_000 <= float(text) < 80_000:  # a serial number as text
            return read_date(float(text), month_first)
    except ValueError:
        return None, ""
    return None, ""


def _declared_date(sheet: Sheet, column: str, value: Any) -> tuple[dt.date | dt.datetime | None, str]:
    """A date read by the datatype your CSVW metadata declares for the column (the csvw
    package reads its format), else as :func:`read_date` reads dates."""
    reader = sheet.readers.get(column)
    if reader is None:
        return read_date(value, column in sheet.month_first)
    try:
        got = reader.read(str(value))
    except (ValueError, TypeError) as exc:
        fmt = getattr(reader.datatype, "format", None)
        return None, f"not a {reader.datatype.base}" + (f" in the format {fmt}" if fmt else "") + \
            f" that its metadata declares: {exc}"
    if isinstance(got, (dt.date, dt.datetime)):
        return read_date(got)
    return read_date(value)


def _date_literal(d: dt.date | dt.datetime, moment: bool = False) -> Literal:
    """xsd:date (xsd:dateTime if it has a time, or if ``moment``: a mention's time)."""
    if moment and not isinstance(d, dt.datetime):
        d = dt.datetime.combine(d, dt.time())
    if isinstance(d, dt.datetime):
        return Literal(d.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
    return Literal(d.isoformat(), datatype=XSD.date)


def slug(text: Any) -> str:
    """The IRI segment for a name: lower case, accents dropped, letters of any script kept
    (Σωκράτης gives σωκρατης), anything else a dash; a name of no letters (emoji) gets a
    short hash of itself, the same at every import."""
    import hashlib

    decomposed = unicodedata.normalize("NFKD", str(clean(text)))
    plain = unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")).lower()
    s = re.sub(r"[\W_]+", "-", plain).strip("-")[:80].strip("-")
    return s or "x-" + hashlib.sha1(key(text).encode()).hexdigest()[:8]


# ---------------------------------------------------------------------- names and IRIs
class _Names:
    """Every thing named in the sheets: kind -> name key -> (IRI, label, where defined)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.defined: dict[str, dict[str, tuple[URIRef, str, str]]] = {k: {} for k in (*KINDS, "places", "roles")}
        self.used: set[URIRef] = set()
        self.made: list[tuple[str, str, str]] = []  # (kind, name, where first referred to)

    def mint(self, kind: str, name: str) -> URIRef:
        stem = self.base + SEGMENT[kind] + "/" + slug(name)
        iri, n = URIRef(stem), 1
        while iri in self.used:
            n += 1
            iri = URIRef(f"{stem}-{n}")
        self.used.add(iri)
        return iri

    def define(self, kind: str, name: str, where: str) -> tuple[URIRef, str | None]:
        """The IRI for ``name`` in ``kind``, and where it was defined before (a duplicate)."""
        k = key(name)
        if k in self.defined[kind]:
            return self.defined[kind][k][0], self.defined[kind][k][2]
        iri = self.mint(kind, name)
        self.defined[kind][k] = (iri, clean(name), where)
        return iri, None

    def find(self, kinds: tuple[str, ...], name: str) -> list[tuple[str, URIRef]]:
        k = key(name)
        return [(kind, self.defined[kind][k][0]) for kind in kinds if k in self.defined[kind]]


# ---------------------------------------------------------------------- the import
def _default_base(path: Path) -> str:
    return f"urn:kg-connect:sheets:{slug(path.stem if path.is_file() else path.name)}/"


def import_sheets(graph: KnowledgeGraph | None, path: str | Path, *, base: str | None = None,
                  errors: str = "raise", validate: bool = True, metadata: str | Path | None = None) -> SheetsImport:
    """Import a workbook or a folder of CSV files made from the templates into ``graph`` (a new
    graph if None), in a named graph of its own (``base`` without its last ``/``): importing
    the same workbook again replaces what it gave before. Your own
    column layouts: pass W3C CSVW ``metadata`` naming, for each of your columns, the template
    column it is (or give the metadata file as ``path``).

    All or nothing: on an error nothing is added and :class:`SheetsError` is raised, listing
    every problem, unless ``errors="report"``: then the rows that are fine are imported and
    each skipped row is listed. Returns a :class:`SheetsImport` (counts, warnings, errors,
    whether the result conforms to the shapes)."""
    if errors not in ("raise", "report"):
        raise ValueError(f"errors must be 'raise' or 'report', not {errors!r}")
    path = Path(path)
    sheets, problems = read_sheets(path, metadata)
    if not sheets:
        problems.append(Problem(path.name, None, None, "none of the template sheets is here (" + ", ".join(
            KINDS) + "): nothing to import; kg-connect template -o network.xlsx writes them", "warning"))
    base = base or _default_base(path)
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", base):
        raise ValueError(f"base must be an IRI (https://..., urn:...), not {base!r}")
    if not base.endswith(("/", "#", ":")):
        base += "/"
    graph = graph if graph is not None else KnowledgeGraph()
    name = base.rstrip("/#:")
    report = SheetsImport(graph, name, base, sources=[s.source for s in sheets])
    quads, bad_rows, where_of = _convert(sheets, base, problems, report)
    report.errors = [p for p in problems if p.severity == "error"]
    report.warnings = [p for p in problems if p.severity == "warning"]
    if report.errors and errors == "raise":
        raise SheetsError(report, str(path))
    report.skipped = [f"{s} row {r}" for s, r in sorted(bad_rows, key=lambda x: (x[0], x[1]))]
    g = URIRef(name)
    # importing the same workbook again replaces what it gave before (rows deleted since go too)
    if g in set(graph._backend.graph_names()):
        report.replaced = int(graph.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
                              .rows[0][0])
        graph.update(f"DROP SILENT GRAPH <{name}>")
    graph.add((s, p, o, g) for s, p, o in quads)
    if validate and quads:
        check = KnowledgeGraph()
        check.add(quads)
        result = check.validate(progress=False)
        report.conforms = bool(result.conforms)
        # each violation names the cell its thing comes from, not only its IRI
        found = re.compile("|".join(re.escape(i) for i in sorted(where_of, key=len, reverse=True))) if where_of \
            else None
        letters = {(sh.source, c): letter for sh in sheets for c, letter in sh.columns.items()}
        report.violations = [_cell_of(str(v), found, where_of, letters)
                             for v in getattr(result, "results", [])][:200]
    return report


def _cell_of(text: str, found: Any, where_of: dict[str, str], letters: dict[tuple[str, str], str]) -> str:
    """A violation with its thing named by the cell it comes from: the cell of the column at
    fault (the property the shape checks) when the template has one, else its name's cell."""
    if found is None:
        return text
    prop = re.search(r"\(<([^>]+)>\)", text)
    column = _COLUMN_OF.get(prop.group(1)) if prop else None

    def name(m: Any) -> str:
        where = where_of[m.group(0)]
        if column is not None:
            sheet, _, rest = where.partition("!")
            row = re.match(r"[A-Z]*(\d+)", rest)
            letter = letters.get((sheet, column))
            if row and letter:
                return f"{sheet}!{letter}{row.group(1)} ({column}) of {rest.split(' ', 1)[-1]}"
        return where

    return found.sub(name, text)


_COLUMN_OF = {c.prop: c.name for t in TEMPLATES.values() for c in t.columns if c.prop}


def _convert(sheets: list[Sheet], base: str, problems: list[Problem],
             report: SheetsImport) -> tuple[list[tuple[Any, Any, Any]], set[tuple[str, int]], dict[str, str]]:
    names = _Names(base)
    by_kind: dict[str, list[Sheet]] = {}
    for s in sheets:
        by_kind.setdefault(s.kind, []).append(s)
    # a date column with a date that can only be month first (11/25/2011) is read month first
    for sh in sheets:
        for _, cells in sh.rows:
            for col_name, got in cells.items():
                for c in got:
                    m = re.fullmatch(r"\s*(\d{1,2})[/.\-](\d{1,2})[/.\-]\d{2,4}.*", str(c.value))
                    if m and int(m.group(2)) > 12 >= int(m.group(1)):
                        sh.month_first.add(col_name)
        for col_name in sorted(sh.month_first):
            problems.append(Problem(sh.source, None, None, f"the {col_name} column has dates that can only be month "
                                    "first (11/25/2011): all its dates are read month first", "warning"))
    # rows with an error found while reading them (a formula's error value) are skipped too
    bad: set[tuple[str, int]] = {(p.sheet, p.row) for p in problems if p.severity == "error" and p.row is not None}

    def error(sheet: Sheet, row: int, cell: Cell | None, message: str, value: Any = None) -> None:
        problems.append(Problem(sheet.source, row, cell.column if cell else None, message, "error",
                                None if value is None else str(value)))
        bad.add((sheet.source, row))

    def warn(sheet: Sheet, row: int, cell: Cell | None, message: str) -> None:
        problems.append(Problem(sheet.source, row, cell.column if cell else None, message, "warning"))

    # 1. every named thing first, so that sheets can refer to each other in any order; IRIs are
    # minted in the order of the names (not of the rows), so that they do not depend on it
    firsts: dict[tuple[str, str], tuple[str, str]] = {}
    for kind in KINDS:
        t = TEMPLATES[kind]
        for sheet in by_kind.get(kind, []):
            for row, cells in sheet.rows:
                named = cells.get(t.key) if t.key else None
                if named:
                    firsts.setdefault((kind, key(named[0].value)), (str(named[0].value),
                                                                    f"{sheet.source}!{named[0].column}{row}"))
    for (kind, _), (text, where) in sorted(firsts.items()):
        names.define(kind, text, where)
    rows_of: dict[str, list[tuple[Sheet, int, dict[str, list[Cell]], URIRef]]] = {k: [] for k in KINDS}
    for kind in KINDS:
        t = TEMPLATES[kind]
        for sheet in by_kind.get(kind, []):
            for row, cells in sheet.rows:
                if not t.key:  # mentions: made below
                    rows_of[kind].append((sheet, row, cells, URIRef("")))
                    continue
                named = cells.get(t.key)
                if not named:
                    if cells:
                        error(sheet, row, None, f'no {t.key}: every {t.singular} needs one (column "{t.key}")')
                    continue
                cell = named[0]
                here = f"{sheet.source}!{cell.column}{row}"
                if isinstance(cell.value, (dt.date, dt.datetime)):
                    warn(sheet, row, cell, f"a date ({cell.value:%Y-%m-%d}) where a {t.key} is expected: the "
                                           "spreadsheet may have turned what was typed into a date")
                elif ";" in str(cell.value):
                    warn(sheet, row, cell, f'"{cell.value}" has a ; in it: other sheets cannot name it (; '
                                           "separates names there)")
                iri, before = names.define(kind, str(cell.value), here)
                if before and before != here and not cell.merged:
                    warn(sheet, row, cell, f'"{cell.value}" is also defined at {before}: both rows describe '
                                           "one " + t.singular)
                rows_of[kind].append((sheet, row, cells, iri))
    # a name defined as two kinds of agent is worth a word where it is used
    out: list[tuple[Any, Any, Any]] = []
    rows_out: dict[tuple[str, int], list[tuple[Any, Any, Any]]] = {}

    def refer(sheet: Sheet, row: int, cell: Cell, column: Column) -> URIRef | None:
        text = str(cell.value)
        found = names.find(column.refers, text)
        if len(found) > 1:
            kinds = " and ".join(("an " if TEMPLATES[k].singular[0] in "aeiou" else "a ") + TEMPLATES[k].singular
                                 for k, _ in found)
            error(sheet, row, cell, f'"{text}" names both {kinds}: rename one of them, so that {column.name} '
                                    "says which", text)
            return None
        if found:
            return found[0][1]
        elsewhere = names.find(tuple(k for k in KINDS if k not in column.refers), text)
        if elsewhere:  # a person where organisations are asked for, ...
            kind, _ = elsewhere[0]
            what = " or ".join(column.refers)
            error(sheet, row, cell, f'"{text}" is {"an" if TEMPLATES[kind].singular[0] in "aeiou" else "a"} '
                                    f"{TEMPLATES[kind].singular} ({names.defined[kind][key(text)][2]}), but "
                                    f"{column.name} names {what}", text)
            return None
        parts = [x.strip() for x in re.split(r",| and |&", text) if x.strip()]
        if len(parts) > 1 and all(names.find(column.refers, x) for x in parts):
            error(sheet, row, cell, f'"{text}": nothing has that name, but {", ".join(parts)} do: separate names '
                                    "with ; in one cell", text)
            return None
        kind = column.refers[0]
        iri, _ = names.define(kind, text, f"{sheet.source}!{cell.column}{row}")
        if kind not in ("places",):
            names.made.append((kind, text, f"{sheet.source}!{cell.column}{row}"))
            warn(sheet, row, cell, f'"{text}" ({column.name}) is defined in no {kind} sheet: made as a new '
                                   f"{TEMPLATES[kind].singular if kind in TEMPLATES else kind}, marked as such")
        return iri

    def values(sheet: Sheet, row: int, cells: dict[str, list[Cell]], column: Column) -> Iterator[tuple[Cell, str]]:
        for cell in cells.get(column.name, []):
            parts = [cell.value] if not isinstance(cell.value, str) else \
                ([clean(p) for p in cell.value.split(";")] if column.many else [cell.value])
            if not column.many and isinstance(cell.value, str) and ";" in cell.value and column.kind == "ref":
                warn(sheet, row, cell, f'"{cell.value}": {column.name} takes one name; the whole text is read '
                                       "as that name")
            for part in parts:
                if part not in (None, ""):
                    yield Cell(part, cell.column), part

    event_dates: dict[URIRef, Literal] = {}
    mention_at: dict[tuple[URIRef, URIRef], URIRef] = {}  # (event, idea) -> its mention
    pending_previous: list[tuple[Sheet, int, Cell, URIRef, URIRef, URIRef, URIRef]] = []
    identity: dict[tuple[str, int], list[tuple[Any, Any, Any]]] = {}  # kept even when the row is skipped
    mention_row: dict[URIRef, tuple[str, int]] = {}
    single: dict[tuple[Any, str], tuple[Any, str]] = {}  # (thing, column) -> (value, where) of one-value columns
    for kind in KINDS:
        t = TEMPLATES[kind]
        for sheet, row, cells, iri in rows_of[kind]:
            triples: list[tuple[Any, Any, Any]] = []
            ok = True
            if kind == "mentions":
                iri, ok = _mention(sheet, row, cells, names, triples, error, refer, values, event_dates,
                                   mention_at, pending_previous)
                if iri is None:
                    continue
                mention_row[iri] = (sheet.source, row)
            else:
                for type_ in t.types:
                    triples.append((iri, RDF.type, URIRef(type_)))
                label = cells[t.key][0].value
                triples.append((iri, URIRef(t.label), Literal(str(label))))
                identity[(sheet.source, row)] = list(triples)
            for column in t.columns:
                if column.name == t.key or kind == "mentions" and column.name in ("event", "idea", "date",
                                                                                   "came from"):
                    continue
                for cell, value in values(sheet, row, cells, column):
                    got = _value(sheet, row, cell, value, column, refer, error, warn)
                    if got is None:
                        ok = False
                        continue
                    if column.name == "role" and kind == "people":
                        continue  # below, with the organisation
                    if not column.many and column.name != "note":  # one value: a second, different one is an error
                        seen = single.setdefault((iri, column.name), (got, f"{sheet.source}!{cell.column}{row}"))
                        if seen[0] != got:
                            error(sheet, row, cell, f'a second {column.name} for "{cells[t.key][0].value}": '
                                                    f"{seen[1]} gives {_cell_text(seen[0])}", value)
                            ok = False
                            continue
                    if got == iri and column.kind == "ref":
                        error(sheet, row, cell, f'"{value}" is the {t.singular} itself: it cannot be its own '
                                                f"{column.name}", value)
                        ok = False
                        continue
                    if column.kind == "choice" and not column.prop:  # organisation kinds
                        triples.append((iri, RDF.type, got))
                        continue
                    if column.inverse:
                        triples.append((got, URIRef(column.prop), iri))
                    else:
                        triples.append((iri, URIRef(column.prop), got))
                    if column.prop.endswith("superEvent"):
                        triples.append((got, URIRef("https://schema.org/subEvent"), iri))
                    if column.refers and column.refers[0] == "places":
                        triples.append((got, RDF.type, URIRef("https://schema.org/Place")))
                        triples.append((got, URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
                                        Literal(str(value))))
            if kind == "people":
                _role(sheet, row, cells, iri, names, triples, values, refer, warn)
            if kind == "reports" and (cells.get("date") or cells.get("url")):
                triples += [(iri, RDF.type, URIRef(x)) for x in t.extra["posted"]]
            if kind == "events":
                span = {str(p).rsplit("/", 1)[-1]: o for s_, p, o in triples if s_ == iri}
                if "startDate" in span:
                    event_dates[iri] = span["startDate"]
                if "startDate" in span and "endDate" in span and str(span["endDate"]) < str(span["startDate"]):
                    error(sheet, row, cells["end date"][0], f'the end date {span["endDate"]} is before the date '
                                                            f'{span["startDate"]}', cells["end date"][0].value)
                    ok = False
            if not ok:
                bad.add((sheet.source, row))
            rows_out[(sheet.source, row)] = triples
            report.counts[kind] = report.counts.get(kind, 0) + 1
    names_of = {iri: label for kind_ in names.defined.values() for iri, label, _ in kind_.values()}
    # broader ideas and events part of events go round in no circle
    for prop, what in (("http://www.w3.org/2004/02/skos/core#broader", "broader"),
                       ("https://schema.org/superEvent", "part of")):
        up: dict[Any, tuple[Any, tuple[str, int]]] = {}
        for where_, triples in rows_out.items():
            for s_, p_, o_ in triples:
                if str(p_) == prop:
                    up.setdefault(s_, (o_, where_))
        for start in list(up):
            chain, at = [start], up[start][0]
            while at in up and at not in chain:
                chain.append(at)
                at = up[at][0]
            if at == start and len(chain) > 1 and start == min(chain, key=str):
                src, r = up[start][1]
                sheet_ = next(x for x in sheets if x.source == src)
                circle = " → ".join(names_of.get(x, str(x)) for x in [*chain, start])
                error(sheet_, r, Cell(None, sheet_.columns.get(what, "")), f"{what} goes round in a circle: {circle}")
    for sheet, row, cell, _m, event, idea, here in pending_previous:  # first the errors: they skip rows
        if event == here:
            error(sheet, row, cell, f'"{cell.value}" is this mention\'s own event: came from names an earlier '
                                    "event where the same idea was mentioned", cell.value)
        elif mention_at.get((event, idea)) is None:
            error(sheet, row, cell, f'"{cell.value}" has no mention of this idea in the mentions sheet: '
                                    "came from names an earlier event where the same idea was mentioned",
                  cell.value)
    for sheet, row, cell, mention, event, idea, here in pending_previous:
        if (sheet.source, row) in bad:
            continue
        if event == here:
            error(sheet, row, cell, f'"{cell.value}" is this mention\'s own event: came from names an earlier '
                                    "event where the same idea was mentioned", cell.value)
            continue
        previous = mention_at.get((event, idea))
        if previous is None:
            error(sheet, row, cell, f'"{cell.value}" has no mention of this idea in the mentions sheet: '
                                    "came from names an earlier event where the same idea was mentioned",
                  cell.value)
            continue
        if mention_row.get(previous) in bad:
            warn(sheet, row, cell, f'the mention at "{cell.value}" is skipped (its row has an error): this one '
                                   "does not say it came from there")
            continue
        then, now = event_dates.get(event), event_dates.get(here)
        if then is not None and now is not None and str(then) > str(now):
            warn(sheet, row, cell, f'"{cell.value}" ({then}) is later than this mention\'s event ({now}): came '
                                   "from names an earlier event")
        rows_out[(sheet.source, row)].append((mention, URIRef("https://w3id.org/kg-connect/ns#previousMention"),
                                              previous))
    for kind, text, where in names.made:
        iri = names.defined[kind][key(text)][0]
        made = TEMPLATES.get(kind)
        extra: list[tuple[Any, Any, Any]] = [(iri, RDF.type, URIRef(x)) for x in (made.types if made else ())]
        if made is not None:
            extra.append((iri, URIRef(made.label), Literal(text)))
        extra.append((iri, EDITORIAL, Literal(f"Named at {where} but defined in no {kind} sheet.")))
        out.extend(extra)
        report.counts[kind] = report.counts.get(kind, 0) + 1
    for where_, triples in rows_out.items():
        if where_ not in bad:
            out.extend(triples)
        else:  # the row's values are not read; the thing itself (its name) stays, for the rows naming it
            out.extend(identity.get(where_, []))
            kind = next((s.kind for s in sheets if s.source == where_[0]), "")
            report.counts[kind] = report.counts.get(kind, 0) - 1
    report.counts = {k: report.counts.get(k, 0) for k in KINDS if report.counts.get(k, 0)}
    where_of = {str(iri): f'{where} "{label}"' for kind in names.defined.values() for iri, label, where in kind.values()}
    where_of.update({str(m): f"{src} row {r}" for m, (src, r) in mention_row.items()})
    return list(dict.fromkeys(out)), bad, where_of


def _value(sheet: Sheet, row: int, cell: Cell, value: Any, column: Column, refer: Any, error: Any,
           warn: Any = None) -> Any:
    if column.kind == "text":
        return Literal(str(value) if not isinstance(value, float) or not value.is_integer() else str(int(value)))
    if column.kind == "date":
        d, note = _declared_date(sheet, column.name, value)
        if d is None:
            error(sheet, row, cell, f'"{value}" is not a date ' + (f"({note})" if note else
                                    "(expected a date such as 2011-11-25, 25/11/2011 or Nov 25 2011)"), value)
            return None
        if note and warn is not None:
            warn(sheet, row, cell, f'"{value}": {note}')
        return _date_literal(d)
    if column.kind == "url":
        text = str(value)
        if not re.match(r"^(https?|mailto|ftp):", text, re.I):
            if re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", text, re.I):
                text = "https://" + text
            else:
                error(sheet, row, cell, f'"{value}" is not a web address (expected https://...)', value)
                return None
        if re.search(r'[\s<>"{}|\\^`]', text):
            error(sheet, row, cell, f'"{value}" is not a web address (it has spaces or <>"{{}}|\\^`)', value)
            return None
        return URIRef(text)
    if column.kind == "choice":
        k = key(str(value))
        if k not in column.choices and not (column.name == "network model" and k == "join up yourselves"):
            error(sheet, row, cell, f'"{value}" is not one of: {", ".join(column.choices)} ({column.name})', value)
            return None
        return URIRef(CHOICES[k])
    return refer(sheet, row, cell, column)


def _role(sheet: Sheet, row: int, cells: dict[str, list[Cell]], person: URIRef, names: _Names,
          triples: list[Any], values: Any, refer: Any, warn: Any) -> None:
    """``role``: the person's role in their organisation (several roles separated by ``;`` go
    with the organisations in order). Each becomes an org:Membership with that org:role; the
    role "head" is org:headOf."""
    if not cells.get("role"):
        return
    cell = cells["role"][0]
    roles = [clean(r) for r in str(cell.value).split(";")]  # by place: an empty one is an organisation without
    orgs = [triple[2] for triple in triples if str(triple[1]).endswith("memberOf")]
    if len(roles) == 1 and len(orgs) > 1:
        warn(sheet, row, cell, f'role "{roles[0]}" is for which of the {len(orgs)} organisations? Give one role '
                               "per organisation, separated by ; in the same order: kept as a note")
        triples.append((person, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), Literal(f"Role: {roles[0]}")))
        return
    if len(roles) != len(orgs):
        had = f"{len(orgs)} organisation{'' if len(orgs) == 1 else 's'}" if orgs else "no organisation"
        warn(sheet, row, cell, f"{len(roles)} role{'' if len(roles) == 1 else 's'} for {had}: each role goes with "
                               "the organisation in the same place; the others are kept as a note")
    for role, org_ in zip(roles, orgs):
        if not role:
            continue
        if key(str(role)) == "head":
            triples.remove((person, URIRef("http://www.w3.org/ns/org#memberOf"), org_))
            triples.append((person, URIRef("http://www.w3.org/ns/org#headOf"), org_))
            continue
        role_iri, _ = names.define("roles", str(role), f"{sheet.source}!{cell.column}{row}")
        membership = URIRef(f"{names.base}membership/{str(person).rsplit('/', 1)[-1]}--"
                            f"{str(org_).rsplit('/', 1)[-1]}")
        triples += [(membership, RDF.type, URIRef("http://www.w3.org/ns/org#Membership")),
                    (membership, URIRef("http://www.w3.org/ns/org#member"), person),
                    (membership, URIRef("http://www.w3.org/ns/org#organization"), org_),
                    (membership, URIRef("http://www.w3.org/ns/org#role"), role_iri),
                    (role_iri, RDF.type, URIRef("http://www.w3.org/ns/org#Role")),
                    (role_iri, URIRef(SKOS + "prefLabel"), Literal(str(role)))]
    for role in [r for r in roles[len(orgs):] if r]:
        triples.append((person, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), Literal(f"Role: {role}")))


def _mention(sheet: Sheet, row: int, cells: dict[str, list[Cell]], names: _Names, triples: list[Any],
             error: Any, refer: Any, values: Any, event_dates: dict[URIRef, Literal],
             mention_at: dict[tuple[URIRef, URIRef], URIRef], pending: list[Any]) -> tuple[Any, bool]:
    t = TEMPLATES["mentions"]
    event_cells, idea_cells = cells.get("event"), cells.get("idea")
    if not event_cells or not idea_cells:
        missing = " and ".join(n for n, c in (("event", event_cells), ("idea", idea_cells)) if not c)
        error(sheet, row, None, f"no {missing}: a mention says which idea came up at which event")
        return None, False
    event = refer(sheet, row, event_cells[0], t.column("event"))
    idea = refer(sheet, row, idea_cells[0], t.column("idea"))
    if event is None or idea is None:
        return None, False
    stem = f"{slug(str(event_cells[0].value))}--{slug(str(idea_cells[0].value))}"
    mention = names.mint("mentions", stem)
    mention_at.setdefault((event, idea), mention)
    triples += [(mention, RDF.type, URIRef("https://w3id.org/kg-connect/ns#IdeaMention")),
                (event, URIRef("http://www.w3.org/ns/prov#qualifiedUsage"), mention),
                (event, URIRef("http://www.w3.org/ns/prov#used"), idea),
                (mention, URIRef("http://www.w3.org/ns/prov#entity"), idea)]
    ok = True
    when = cells.get("date")
    if when:
        d, note = _declared_date(sheet, "date", when[0].value)
        if d is None:
            error(sheet, row, when[0], f'"{when[0].value}" is not a date ' + (f"({note})" if note else
                                       "(expected a date such as 2011-11-25, 25/11/2011 or Nov 25 2011)"),
                  when[0].value)
            ok = False
        else:
            triples.append((mention, URIRef("http://www.w3.org/ns/prov#atTime"), _date_literal(d, moment=True)))
    elif event in event_dates:  # no date: the event's (events are read before mentions)
        d = parse_date(str(event_dates[event]))
        if d is not None:
            triples.append((mention, URIRef("http://www.w3.org/ns/prov#atTime"), _date_literal(d, moment=True)))
    came = cells.get("came from")
    if came:
        previous_event = refer(sheet, row, came[0], t.column("came from"))
        if previous_event is not None:
            pending.append((sheet, row, came[0], mention, previous_event, idea, event))
    return mention, ok



# ---------------------------------------------------------------------- back again
_EXPORT = {
    "people": """SELECT ?s WHERE { ?s a foaf:Person }""",
    "organisations": """SELECT DISTINCT ?s WHERE { { ?s a org:Organization } UNION { ?s a foaf:Group }
                        UNION { ?s a foaf:Organization } FILTER NOT EXISTS { ?s a foaf:Person } }""",
    "events": """SELECT ?s WHERE { ?s a schema:Event }""",
    "ideas": """SELECT ?s WHERE { ?s a kgc:Idea }""",
    "mentions": """SELECT ?s WHERE { ?s a kgc:IdeaMention }""",
    "reports": """SELECT DISTINCT ?s WHERE { ?s dcterms:title ?t
                  FILTER NOT EXISTS { ?s a schema:Event } FILTER NOT EXISTS { ?s a kgc:IdeaMention } }""",
}
_KIND_OF_TYPE = {v: k for k, v in CHOICES.items() if k in ("formal", "unit", "collaboration", "group")}
_CHOICE_TEXT = {v: k for k, v in CHOICES.items() if k != "join up yourselves"}


def _objects(graph: KnowledgeGraph, props: dict[str, list[tuple[str, Any]]], things: list[URIRef]) -> None:
    """For each thing, its (property, value) pairs, and ("inverse:" + property, subject) for the
    links pointing at it: two queries per 500 things."""
    for start in range(0, len(things), 500):
        chunk = things[start:start + 500]
        for s, p, o in graph.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", s=chunk, union=True).rows.tuples():
            props.setdefault(str(s), []).append((str(p), o))
        for s, p, o in graph.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?p != rdf:type) }", o=chunk,
                                   union=True).rows.tuples():
            props.setdefault(str(o), []).append(("inverse:" + str(p), s))


def export_sheets(graph: KnowledgeGraph, path: str | Path) -> Path:
    """Write the graph's people, organisations, events, ideas, mentions and reports into the
    templates: a workbook (``.xlsx``) or, for a folder, one CSV file per kind (UTF-8 with a
    BOM, so that Excel reads it). Things are referred to by their names, as on import: an
    organiser can edit the sheets and import them again. Returns the path written."""
    path = Path(path)
    sheets = sheet_rows(graph)
    _say_what_stays_out(graph)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _write_workbook(path, sheets)
    elif path.suffix:
        raise ValueError(f"export_sheets writes .xlsx or a folder of CSV files, not {path.suffix}")
    else:
        path.mkdir(parents=True, exist_ok=True)
        for kind, rows in sheets.items():
            data = _csv_bytes([c.name for c in TEMPLATES[kind].columns], [[_excel_safe(v) for v in r] for r in rows])
            write_atomically(path / f"{kind}.csv", partial(_write_bytes, data))
    return path


#: what the templates carry, besides their columns' properties
_CARRIED = {str(RDF.type), "http://www.w3.org/ns/org#member", "http://www.w3.org/ns/org#organization",
            "http://www.w3.org/ns/org#role", "http://www.w3.org/ns/org#headOf", "http://www.w3.org/ns/org#unitOf",
            "http://xmlns.com/foaf/0.1/member", "http://xmlns.com/foaf/0.1/maker", "http://xmlns.com/foaf/0.1/page",
            "http://www.w3.org/ns/prov#qualifiedUsage", "http://www.w3.org/ns/prov#used",
            "https://schema.org/subEvent", "https://schema.org/name", "http://www.w3.org/2000/01/rdf-schema#label",
            "http://www.w3.org/2004/02/skos/core#prefLabel", "http://xmlns.com/foaf/0.1/name",
            "http://purl.org/dc/terms/title", "http://www.w3.org/2004/02/skos/core#editorialNote"}


def _say_what_stays_out(graph: KnowledgeGraph) -> None:
    """Warn of the properties the graph uses that have no column in the templates (they are
    not in the sheets: an import of them will not have them)."""
    import warnings

    from kg_connect.errors import KgConnectWarning

    carried = _CARRIED | set(_COLUMN_OF)
    counts = [(str(p), int(n)) for p, n in graph.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p", union=True).rows]
    left = [(p, n) for p, n in counts if p not in carried]
    if left:
        total = sum(n for _, n in left)
        named = ", ".join(f"{graph.label(URIRef(p))} ({n:,})" for p, n in left[:6])
        warnings.warn(KgConnectWarning(
            f"{total:,} triples have no column in the spreadsheet templates and are not in the sheets: {named}"
            + (" …" if len(left) > 6 else "")), stacklevel=3)


def sheet_rows(graph: KnowledgeGraph) -> dict[str, list[list[str]]]:
    """The rows of each template sheet for ``graph``, names and all (as export_sheets writes them)."""
    things: dict[str, list[URIRef]] = {}
    for kind, query in _EXPORT.items():
        things[kind] = sorted({r[0] for r in graph.query(query, union=True).rows if isinstance(r[0], URIRef)},
                              key=str)
    people = set(things["people"])
    things["organisations"] = [t for t in things["organisations"] if t not in people]
    everything = sorted({t for ts in things.values() for t in ts}, key=str)
    props: dict[str, list[tuple[str, Any]]] = {}
    _objects(graph, props, everything)
    labels = graph.labels(everything)
    # the names things go by in the sheets, each one once
    name_of: dict[str, str] = {}
    taken: dict[str, Counter[str]] = {}
    for kind in ("people", "organisations", "events", "ideas", "reports"):
        used = taken.setdefault(kind, Counter())
        for t in things[kind]:
            text = clean(labels.get(t) or str(t)).replace(";", ",")
            used[key(text)] += 1
            name_of[str(t)] = text if used[key(text)] == 1 else f"{text} ({used[key(text)]})"

    def name(term: Any) -> str:
        if str(term) in name_of:
            return name_of[str(term)]
        if isinstance(term, URIRef):
            extra = graph.labels([term])
            return clean(extra.get(term) or str(term)).replace(";", ",")
        return clean(str(term))

    def get(t: URIRef, prop: str, inverse: bool = False) -> list[Any]:
        want = ("inverse:" if inverse else "") + prop
        return [o for p, o in props.get(str(t), []) if p == want]

    def one(t: URIRef, *prop: str) -> str:
        for p in prop:
            got = get(t, p)
            if got:
                return _cell_text(sorted(got, key=str)[0])
        return ""

    def notes(t: URIRef) -> str:  # several notes in one cell, a blank line between them
        return "\n\n".join(sorted({_cell_text(v) for v in get(t, RDFS_ + "comment")}))

    def names(values: Iterable[Any]) -> str:
        return "; ".join(sorted({name(v) for v in values}, key=str.casefold))

    RDFS_ = "http://www.w3.org/2000/01/rdf-schema#"
    ORG_ = "http://www.w3.org/ns/org#"
    SCH = "https://schema.org/"
    KGC_ = "https://w3id.org/kg-connect/ns#"
    PROV_ = "http://www.w3.org/ns/prov#"
    DCT_ = "http://purl.org/dc/terms/"
    FOAF_ = "http://xmlns.com/foaf/0.1/"
    out: dict[str, list[list[str]]] = {k: [] for k in KINDS}
    role_of: dict[tuple[str, str], str] = {}
    member_of: dict[str, set[Any]] = {}
    for who, org_, role in graph.query("SELECT ?p ?o ?r WHERE { ?m org:member ?p ; org:organization ?o "
                                       "OPTIONAL { ?m org:role ?r } }", union=True).rows.tuples():
        member_of.setdefault(str(who), set()).add(org_)
        if role is not None:
            role_of[(str(who), name(org_))] = name(role)
    for t in things["people"]:
        for org_ in get(t, ORG_ + "headOf"):
            member_of.setdefault(str(t), set()).add(org_)
            role_of[(str(t), name(org_))] = "head"
    for t in things["people"]:
        orgs = sorted({name(o) for o in get(t, ORG_ + "memberOf") + get(t, FOAF_ + "member", True)
                       + sorted(member_of.get(str(t), ()), key=str)}, key=str.casefold)
        roles = [role_of.get((str(t), o), "") for o in orgs]
        role = ";".join(roles) if len(roles) > 1 and any(roles) else "".join(roles)  # one per organisation
        out["people"].append([name_of[str(t)], "; ".join(orgs), role.replace(";", "; ").strip(),
                              one(t, FOAF_ + "homepage"),
                              names(get(t, FOAF_ + "knows")), notes(t)])
    for t in things["organisations"]:
        kinds = sorted(_KIND_OF_TYPE[str(o)] for o in get(t, str(RDF.type)) if str(o) in _KIND_OF_TYPE)
        model = [_CHOICE_TEXT.get(str(o), "") for o in get(t, KGC_ + "networkModel")]
        out["organisations"].append([name_of[str(t)], kinds[0] if kinds else "",
                                     names(get(t, ORG_ + "subOrganizationOf") + get(t, ORG_ + "unitOf")),
                                     names(get(t, KGC_ + "partnerOf")), names(get(t, KGC_ + "funds", True)),
                                     sorted(model)[0] if model else "", notes(t)])
    for t in things["events"]:
        out["events"].append([name_of[str(t)], one(t, SCH + "startDate"), one(t, SCH + "endDate"),
                              names(get(t, SCH + "location")[:1]), names(get(t, SCH + "organizer")),
                              names(get(t, SCH + "attendee")),
                              names((get(t, SCH + "superEvent") + get(t, SCH + "subEvent", True))[:1]),
                              notes(t)])
    for t in things["ideas"]:
        out["ideas"].append([name_of[str(t)], names(get(t, SKOS + "broader")), one(t, SKOS + "definition"),
                             "; ".join(sorted({_cell_text(v) for v in get(t, SKOS + "altLabel")}))])
    event_of = {str(m): e for e in things["events"] for m in get(e, PROV_ + "qualifiedUsage")}
    for t in things["mentions"]:
        event = event_of.get(str(t))
        previous = get(t, KGC_ + "previousMention")
        came = event_of.get(str(previous[0])) if previous else None
        roles = [_CHOICE_TEXT.get(str(o), "") for o in get(t, PROV_ + "hadRole")]
        out["mentions"].append([name(event) if event is not None else "", names(get(t, PROV_ + "entity")[:1]),
                                one(t, PROV_ + "atTime"), sorted(roles)[0] if roles else "",
                                names(get(t, KGC_ + "carriedBy")), names(get(t, KGC_ + "evidence")),
                                name(came) if came is not None else ""])
    for t in things["reports"]:
        out["reports"].append([name_of[str(t)], one(t, DCT_ + "created"),
                               names(get(t, PROV_ + "wasAttributedTo") + get(t, FOAF_ + "maker", True)),
                               one(t, SCH + "url", FOAF_ + "page"), names(get(t, SCH + "about")),
                               names(get(t, DCT_ + "references"))])
    for kind in ("mentions",):
        out[kind].sort(key=lambda r: (r[2], r[0].casefold(), r[1].casefold()))
    for kind in ("people", "organisations", "events", "ideas", "reports"):
        out[kind].sort(key=lambda r: r[0].casefold())
    return out


def _cell_text(value: Any) -> str:
    if isinstance(value, Literal):
        text = str(value)
        if value.datatype == XSD.dateTime and text.endswith("T00:00:00"):
            return text[:-9]
        return text
    return str(value)


def _write_bytes(data: bytes, out: IO[bytes]) -> None:
    out.write(data)


def _csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _write_workbook(path: Path, sheets: dict[str, list[list[str]]], *, examples: dict[str, list[list[str]]] |
                    None = None, notes: bool = False) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)

    def sheet(title: str, kind: str, rows: list[list[str]]) -> None:
        ws = book.create_sheet(title)
        t = TEMPLATES[kind]
        ws.append([c.name for c in t.columns])
        for i, c in enumerate(t.columns, start=1):
            head = ws.cell(row=1, column=i)
            head.font = Font(bold=True)
            if c.help:
                head.comment = Comment(c.help + (" Several: separate with ;" if c.many else ""), "kg_connect")
            ws.column_dimensions[_letter(i - 1)].width = 14 if c.kind in ("date", "choice") else 28
            if c.kind == "choice":
                rule = DataValidation(type="list", formula1='"' + ",".join(c.choices) + '"', allow_blank=True,
                                      showErrorMessage=False)
                ws.add_data_validation(rule)
                rule.add(f"{_letter(i - 1)}2:{_letter(i - 1)}5000")
        ws.freeze_panes = "A2"
        for n, r in enumerate(rows, start=2):
            r = [_ILLEGAL.sub("\ufffd", v) if isinstance(v, str) else v for v in r]  # what a workbook cannot hold
            ws.append(r)
            for col, v in enumerate(r, start=1):
                if isinstance(v, str) and v[:1] == "=":
                    ws.cell(row=n, column=col).data_type = "s"  # text, never a formula

    for kind in KINDS:
        sheet(kind, kind, sheets.get(kind, []))
    for kind, rows in (examples or {}).items():
        sheet(f"example {kind}", kind, rows)
    if notes:
        ws = book.create_sheet("notes")
        ws.append(["sheet", "column", "what it holds"])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.append(["", "", "One sheet per kind of thing. Refer to people, organisations, events, ideas and "
                   "reports by their names in the other sheets (case and spaces do not matter). Several values "
                   "in one cell: separate them with ;. Dates: 2011-11-25, 25/11/2011 or Nov 25 2011. The "
                   "'example' sheets hold the story kg_connect was born from and are not imported."])
        for kind, t in TEMPLATES.items():
            ws.append([kind, "", t.help])
            for c in t.columns:
                ws.append([kind, c.name, c.help + (" Several: separate with ;" if c.many else "")])
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 16, 16
        ws.column_dimensions["C"].width = 100
    write_atomically(path, book.save)


def _excel_safe(value: str) -> str:
    """A CSV cell that a spreadsheet would run as a formula (= + - @ first) gets Excel's own
    text mark, a leading apostrophe, which the import takes off again."""
    if value[:1] in ("=", "+", "@") or (value[:1] == "-" and not re.match(r"-\d", value)):
        return "'" + value
    return value


def write_template(path: str | Path) -> Path:
    """An empty workbook of the templates (headers with their help, choices as drop-downs),
    with example sheets filled with the story kg_connect was born from and a notes sheet."""
    import json
    from importlib import resources

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"the template is an .xlsx workbook, not {path.suffix or 'a folder'}")
    # the story's rows, as sheet_rows() gives them for examples/data/story.ttl (a test keeps them so)
    examples = json.loads(resources.files("kg_connect.importers").joinpath("story-sheets.json").read_text("utf-8"))
    _write_workbook(path, {}, examples=examples, notes=True)
    return path
