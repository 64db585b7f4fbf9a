"""What a SPARQL text holds, found in one lexical scan, and the checks every backend shares.

:func:`analyse` scans a query or update once, with strings, IRIs and comments blanked out
(same length, so positions stay true), and returns an :class:`Analysis`: the kind (query or
update) and form, the variables it uses and assigns, the prefixes it declares and uses,
SERVICE and LOAD, relative IRIs, BASE, where its top-level WHERE group starts. The graph
(:meth:`kg_connect.KnowledgeGraph.query`, ``update``, ``parse``) checks a text against it
once (:func:`check`), binds parameters with it (:func:`bind_values`, :func:`substitute`) and
hands the result to whichever backend, embedded or remote.

Where a value must stand in the text (parameters), only terms serialised by pyoxigraph are
inserted: its constructors validate IRIs and escape literals, so a value can never change
the structure of a query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Mapping

from kg_connect.errors import QueryError

__all__ = [
    "Analysis", "analyse", "bind_values", "blank_literals", "check", "count_query", "dollar_parameters",
    "query_error", "slice_query", "substitute",
]

# strings, IRIs and comments, in the order SPARQL's grammar gives them precedence
_LEXEMES = re.compile(
    r'(?P<s>"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*')"
    r"|(?P<i><[^<>\"{}|^`\\\x00-\x20]*>)"
    r"|(?P<c>#[^\n]*)",
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# '<' ... '>' that is a comparison, not an IRI: FILTER(?a<3&&?b>1)
_EXPRESSION = re.compile(r"[?$()&|=!']")

_WORD = r"(?<![\w?$:.\-]){}(?![\w:\-])"
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_PROLOGUE = re.compile(r"(?:\s*(?:BASE\b|PREFIX\s*(?:[A-Za-z][\w.\-]*)?:))*\s*", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_NETWORK = {
    "SERVICE": re.compile(_WORD.format("SERVICE"), re.IGNORECASE),
    "LOAD": re.compile(_WORD.format("LOAD"), re.IGNORECASE),
}
_BASE = re.compile(_WORD.format("BASE"), re.IGNORECASE)
_WHERE = re.compile(r"(?i)(?<![\w?$:])WHERE\b")
_FORM_WORD = re.compile(_WORD.format(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)"), re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][\w]*)")
_ASSIGNS = re.compile(r"(?i)\bAS\s+[?$](\w+)|\bVALUES\s*(\([^)]*\)|[?$]\w+)")
_PNAME = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w.\-]*)?:(?=[\w.\-]|\s|[;,.)}\]]|$)")
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.\-]*)?:")
_BY_CLAUSE = re.compile(
    r"(?i)\b(?:GROUP|ORDER)\s+BY\b(.*?)(?=\b(?:HAVING|ORDER|LIMIT|OFFSET|VALUES)\b|[{}]|$)", re.S
)


@dataclass(frozen=True)
class Analysis:
    """What one lexical scan of a SPARQL text found (cached per text).

    Offsets are character offsets into ``text``; :meth:`position` turns one into a 1-based
    line and column.
    """

    text: str
    blanked: str
    kind: str  # "query", "update" or "" (neither: the engine will say why)
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE for queries, "" otherwise
    empty: bool  # nothing but whitespace and comments
    bare: bool  # nothing after the prologue (BASE, PREFIX): for an update, no operations
    variables: frozenset[str]
    assigned: frozenset[str]  # bound by the text itself: AS ?x, VALUES ?x
    declared_prefixes: frozenset[str]
    prefixes_used: tuple[tuple[str, int], ...]  # each prefix once, with its first offset
    network: tuple[tuple[str, int], ...]  # (SERVICE or LOAD, offset) of the first of each
    relative_iris: tuple[tuple[str, int], ...]  # IRIs without a scheme, with their offsets
    has_base: bool
    where: int  # offset just inside the top-level WHERE group, -1 if none
    template: tuple[int, int] | None = None  # CONSTRUCT WHERE { ... }: (after CONSTRUCT, group end)

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of ``offset``."""
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1


def blank_literals(text: str) -> str:
    """Return ``text`` with strings, IRIs and comments replaced by spaces (newlines kept).

    >>> blank_literals('SELECT * { ?s <http://x> "SERVICE" }  # LOAD')
    'SELECT * { ?s                      }        '
    """
    return _scan(text)[0]


def _blank(lexeme: str) -> str:
    if "\n" not in lexeme:
        return " " * len(lexeme)
    return "\n".join(" " * len(part) for part in lexeme.split("\n"))


def _scan(text: str) -> tuple[str, list[tuple[str, int]], bool]:
    """Blank strings, IRIs and comments; return the blanked text, the relative IRIs, and
    whether anything but comments and whitespace is there."""
    out: list[str] = []
    relative: list[tuple[str, int]] = []
    content = False
    last = 0
    for match in _LEXEMES.finditer(text):
        gap = text[last:match.start()]
        content = content or bool(gap.strip())
        out.append(gap)
        lexeme = match.group(0)
        if match.lastgroup == "i":
            iri = lexeme[1:-1]
            if not _SCHEME.match(iri) and _EXPRESSION.search(iri):
                out.append(lexeme)  # a comparison such as ?a<3&&?b>1: keep it as code
                last = match.end()
                content = True
                continue
            if not _SCHEME.match(iri):
                relative.append((iri, match.start()))
        if match.lastgroup != "c":
            content = True
        out.append(_blank(lexeme))
        last = match.end()
    tail = text[last:]
    content = content or bool(tail.strip())
    out.append(tail)
    return "".join(out), relative, content


def _kind(blanked: str) -> tuple[str, str, bool]:
    start = _PROLOGUE.match(blanked)
    end = start.end() if start else 0
    word = _FIRST_WORD.match(blanked, end)
    first = word.group(0).upper() if word else ""
    bare = not blanked[end:].strip()
    if first in _FORMS:
        return "query", first, bare
    if first in _UPDATES:
        return "update", "", bare
    return "", "", bare


def _where(blanked: str, form: str) -> int:
    match = _WHERE.search(blanked)
    if match:
        brace = blanked.find("{", match.end())
    else:
        start = _FORM_WORD.search(blanked)
        brace = blanked.find("{", start.end() if start else 0)
        if form == "CONSTRUCT" and brace >= 0:  # CONSTRUCT { template } { pattern }: skip the template
            depth = 0
            for i in range(brace, len(blanked)):
                depth += {"{": 1, "}": -1}.get(blanked[i], 0)
                if depth == 0:
                    brace = blanked.find("{", i)
                    break
    return brace + 1 if brace >= 0 else -1


@lru_cache(maxsize=1024)
def analyse(text: str) -> Analysis:
    """Scan ``text`` once and say what it holds.

    >>> a = analyse("SELECT ?n WHERE { ?p foaf:name ?n BIND(1 AS ?k) VALUES (?b $c) { (1 2) } }")
    >>> a.kind, a.form, sorted(a.variables), sorted(a.assigned), a.prefixes_used
    ('query', 'SELECT', ['b', 'c', 'k', 'n', 'p'], ['b', 'c', 'k'], (('foaf', 21),))
    >>> analyse("# nothing here\\n").empty, analyse("INSERT DATA { <a> <b> <c> }").kind
    (True, 'update')
    """
    blanked, relative, content = _scan(text)
    kind, form, bare = _kind(blanked)
    assigned: set[str] = set()
    for match in _ASSIGNS.finditer(blanked):
        if match.group(1):
            assigned.add(match.group(1))
        else:
            assigned.update(_VARIABLE.findall(match.group(2)))
    used: dict[str, int] = {}
    for match in _PNAME.finditer(blanked):
        used.setdefault(match.group(1) or "", match.start())
    return Analysis(
        text=text,
        blanked=blanked,
        kind=kind,
        form=form,
        empty=not content,
        bare=bare,
        variables=frozenset(_VARIABLE.findall(blanked)),
        assigned=frozenset(assigned),
        declared_prefixes=frozenset(p or "" for p in _DECLARED.findall(blanked)),
        prefixes_used=tuple(used.items()),
        network=tuple((kw, m.start()) for kw, pattern in _NETWORK.items() if (m := pattern.search(blanked))),
        relative_iris=tuple(relative),
        has_base=bool(_BASE.search(blanked)),
        where=_where(blanked, form) if kind == "query" else -1,
        template=_short_construct(blanked) if form == "CONSTRUCT" else None,
    )


def _short_construct(blanked: str) -> tuple[int, int] | None:
    """``CONSTRUCT WHERE { P }``: where CONSTRUCT ends and where its group ends."""
    form = _FORM_WORD.search(blanked)
    if not form:
        return None
    after = re.match(r"\s*WHERE\s*\{", blanked[form.end():], re.IGNORECASE)
    if not after:
        return None
    start = form.end() + after.end() - 1
    depth = 0
    for i in range(start, len(blanked)):
        depth += {"{": 1, "}": -1}.get(blanked[i], 0)
        if depth == 0:
            return form.end(), i + 1
    return None


def check(scan: Analysis, *, kind: str, prefixes: Mapping[str, str], allow_network: bool = False,
          base_iri: str | None = None) -> None:
    """Refuse what no backend should run: an empty text, a query where an update is due (or
    the reverse), SERVICE/LOAD without ``allow_network``, unknown prefixes, relative IRIs
    without a base. Raises :class:`QueryError` with line and column.

    >>> check(analyse("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }"), kind="query", prefixes={})
    Traceback (most recent call last):
    ...
    kg_connect.errors.QueryError: line 1, column 12: SERVICE would fetch from the network; pass allow_network=True to permit it
    """
    text = scan.text
    if scan.empty and kind != "update":
        raise QueryError("the query is empty", text)
    if scan.bare and kind == "update":
        return  # an update request with no operations is valid SPARQL, and changes nothing
    if kind == "query" and scan.kind == "update":
        raise QueryError("this is an update, not a query: use update()", text,
                         cli="this is an update, not a query: use kg-connect update")
    if kind == "update" and scan.kind == "query":
        raise QueryError("this is a query, not an update: use query()", text,
                         cli="this is a query, not an update: use kg-connect query")
    if not allow_network:
        for keyword, offset in scan.network:
            if keyword == "LOAD" and kind != "update":
                continue
            line, col = scan.position(offset)
            raise QueryError(f"{keyword} would fetch from the network; pass allow_network=True to permit it",
                             text, line, col, cli=f"{keyword} would fetch from the network; "
                             "add --allow-network to permit it")
    for prefix, offset in scan.prefixes_used:
        if prefix not in scan.declared_prefixes and prefix not in prefixes:
            line, col = scan.position(offset)
            raise QueryError(f"unknown prefix '{prefix}:'", text, line, col)
    if base_iri is None and not scan.has_base and scan.relative_iris:
        iri, offset = scan.relative_iris[0]
        line, col = scan.position(offset)
        raise QueryError(f"relative IRI <{iri}> needs base_iri= (or BASE in the query)", text, line, col,
                         cli=f"relative IRI <{iri}> needs --base IRI (or BASE in the query)")


_LIMIT_OFFSET = re.compile(r"(?i)\b(LIMIT|OFFSET)\s+(\d+)")
_TRAILING_VALUES = re.compile(r"(?i)\bVALUES\b")
_FROM_CLAUSE = re.compile(r"(?i)\bFROM\b")


def _tail(scan: Analysis) -> int:
    """Where the top-level WHERE group of a SELECT ends (just after its ``}``), or -1."""
    if scan.form != "SELECT" or scan.where < 0:
        return -1
    depth = 1
    for i in range(scan.where, len(scan.blanked)):
        c = scan.blanked[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def slice_query(text: str, offset: int, limit: int) -> str | None:
    r"""The SELECT ``text`` asking for ``limit`` rows from row ``offset`` of its own answer
    (its own LIMIT and OFFSET are taken into account), or None when the text is no SELECT
    this can be done to.

    >>> slice_query("SELECT * { ?s ?p ?o } ORDER BY ?s", 100, 50)
    'SELECT * { ?s ?p ?o } ORDER BY ?s\nLIMIT 50 OFFSET 100'
    >>> slice_query("SELECT * { ?s ?p ?o } LIMIT 120 OFFSET 10 # the first", 100, 50)
    'SELECT * { ?s ?p ?o }\nLIMIT 20 OFFSET 110 # the first'
    """
    scan = analyse(text)
    end = _tail(scan)
    if end < 0:
        return None
    tail = scan.blanked[end:]
    own = {m.group(1).upper(): (int(m.group(2)), m.span()) for m in _LIMIT_OFFSET.finditer(tail)}
    own_offset = own["OFFSET"][0] if "OFFSET" in own else 0
    new_limit = limit if "LIMIT" not in own else max(0, min(limit, own["LIMIT"][0] - offset))
    rest = text[end:]
    for _, (a, b) in sorted(own.values(), key=lambda v: -v[1][0]):  # drop them, from the right
        rest = rest[:a] + rest[b:]
    clause = f"\nLIMIT {new_limit} OFFSET {own_offset + offset}"
    values = _TRAILING_VALUES.search(blank_literals(rest))
    if values:  # the limit comes before a trailing VALUES block
        return text[:end] + rest[:values.start()] + clause + "\n" + rest[values.start():]
    cut = rest.rstrip()
    # a comment on the last line would swallow the clause: it goes before the comment's line
    last = blank_literals(cut)
    hash_at = cut.rfind("#")
    if hash_at >= 0 and last[hash_at] == " " and "\n" not in cut[hash_at:]:
        return text[:end] + cut[:hash_at].rstrip() + clause + " " + cut[hash_at:]
    return text[:end] + cut + clause


def count_query(text: str) -> str | None:
    r"""``SELECT (COUNT(*) AS ?n)`` over the SELECT ``text`` as a sub-query (its prologue kept
    in front), or None when it cannot be one (a FROM clause, no SELECT).

    >>> count_query("PREFIX e: <https://e.org/>\nSELECT ?s WHERE { ?s e:p ?o }")
    'PREFIX e: <https://e.org/>\nSELECT (COUNT(*) AS ?kgc_count) WHERE { SELECT ?s WHERE { ?s e:p ?o }\n}'
    """
    scan = analyse(text)
    if _tail(scan) < 0 or _FROM_CLAUSE.search(scan.blanked):
        return None
    form = _FORM_WORD.search(scan.blanked)
    if form is None:
        return None
    start = form.start(1)
    return f"{text[:start]}SELECT (COUNT(*) AS ?kgc_count) WHERE {{ {text[start:].rstrip()}\n}}"


@dataclass(frozen=True)
class Bound:
    """A query text with parameters written into it, and how to map positions back."""

    text: str
    inserts: tuple[tuple[int, int], ...] = ()  # (offset in the caller's text, characters inserted)

    def original_offset(self, offset: int) -> int:
        """The caller's offset for an offset in :attr:`text` (inside inserted text: where it went)."""
        shift = 0
        for at, length in self.inserts:
            if offset < at + shift:
                break
            if offset < at + shift + length:
                return at
            shift += length
        return offset - shift


def bind_values(scan: Analysis, values: dict[str, list[str]]) -> Bound:
    """Join parameters to a query as ``VALUES ?name { term ... }`` blocks at the start of its
    top-level WHERE group, on the same line (so error lines stay true).

    One value or a list mean the same: ``?name`` takes each value in turn, and standard SPARQL
    scoping applies (the value reaches the whole top-level group, OPTIONAL, FILTER, EXISTS and
    MINUS included, but not a sub-SELECT that does not project ``?name``). ``values`` must hold
    terms serialised by pyoxigraph (escaped). An empty list matches nothing.

    >>> bind_values(analyse("SELECT * WHERE { ?s ?p ?o }"), {"s": ["<http://e/a>", "<http://e/b>"]}).text
    'SELECT * WHERE { VALUES ?s { <http://e/a> <http://e/b> } ?s ?p ?o }'
    """
    text = scan.text
    # an empty VALUES fails on rdflib; FILTER(false) means the same
    blocks = "".join(f" VALUES ?{name} {{ {' '.join(terms)} }}" if terms else " FILTER(1 = 0)"
                     for name, terms in values.items())
    if scan.template is not None:
        # CONSTRUCT WHERE { P } takes no VALUES: write it CONSTRUCT { P } WHERE { VALUES ... P }
        after, end = scan.template
        group = " " + text[scan.where - 1:end]
        out = text[:after] + group + text[after:scan.where] + blocks + text[scan.where:]
        return Bound(out, ((after, len(group)), (scan.where, len(blocks))))
    if scan.where >= 0:
        return Bound(text[:scan.where] + blocks + text[scan.where:], ((scan.where, len(blocks)),))
    if scan.form == "DESCRIBE":  # DESCRIBE ?x with no WHERE group: give it one
        tail = f" WHERE {{{blocks} }}"
        return Bound(f"{text}{tail}", ((len(text), len(tail)),))
    raise QueryError("cannot find the query's WHERE group to bind a parameter", text)


def substitute(scan: Analysis, values: dict[str, str]) -> str:
    """Replace ``?name``/``$name`` tokens by already-serialised terms (updates only).

    An update parameter stands for its term wherever the variable appears, templates
    included. ``values`` must hold terms serialised by pyoxigraph (``str(term)``), whose
    constructors validate IRIs and escape literals. In GROUP BY / ORDER BY the term is
    parenthesised. Callers refuse variables the text assigns.

    >>> substitute(analyse('INSERT { ?s <http://e/p> "?s" } WHERE { }'), {"s": "<http://e/a>"})
    'INSERT { <http://e/a> <http://e/p> "?s" } WHERE { }'
    """
    text, blanked = scan.text, scan.blanked
    by_spans = [m.span(1) for m in _BY_CLAUSE.finditer(blanked)]
    out: list[str] = []
    last = 0
    for match in _VARIABLE.finditer(blanked):
        name = match.group(1)
        if name not in values:
            continue
        term = values[name]
        if any(a <= match.start() < b for a, b in by_spans):
            term = f"({term})"
        out.append(text[last:match.start()])
        out.append(term)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def find_token(text: str, token: str) -> tuple[int, int] | None:
    """Line and column of the first ``token`` outside strings, IRIs and comments."""
    scan = analyse(text)
    match = re.search(r"(?<![\w?$:.\-])" + re.escape(token), scan.blanked)
    return scan.position(match.start()) if match else None


_OX_POSITION = re.compile(r"error at (\d+):(\d+):\s*")


def query_error(exc: BaseException, text: str, offset_map: Callable[[int], int] | None = None,
                ran: str | None = None) -> QueryError:
    """Translate an engine's syntax error into a :class:`QueryError` with line and column.

    ``ran`` is the text the engine saw when it differs from the caller's ``text`` (parameters
    written in); ``offset_map`` maps an offset in ``ran`` back to ``text``.
    """
    engine_text = ran if ran is not None else text
    message = str(exc).strip()
    line = column = None
    match = _OX_POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        message = message[match.end():]
    elif getattr(exc, "lineno", None) is not None and getattr(exc, "col", None) is not None:
        line, column = int(exc.lineno), int(exc.col)  # type: ignore[attr-defined]
        message = ""
    if line is not None and column is not None and offset_map is not None:
        offset = _offset(engine_text, line, column)
        line, column = analyse(text).position(offset_map(offset))
    if line is not None and column is not None:
        message, column = _short(message, text, line, column)
    unknown = re.search(r"Unknown namespace prefix\s*:\s*(\S+)", message)
    if unknown:
        prefix = unknown.group(1)
        message = f"unknown prefix '{prefix}:'"
        pos = find_token(text, prefix + ":")
        if pos:
            line, column = pos
    message = message.splitlines()[0] if message else type(exc).__name__
    return QueryError(message, text, line, column)


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl < 0:
            break
        start = nl + 1
    return start + column - 1


def _token_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    rest = lines[line - 1][column - 1:] if 0 < line <= len(lines) else ""
    token = re.match(r"\S+", rest.strip() and rest.lstrip() or "")
    return f"'{token.group(0)}'" if token else "the end of the query"


def _short(message: str, text: str, line: int, column: int) -> tuple[str, int]:
    """Oxigraph lists every expected token; keep a sentence a person can read."""
    if "Prefix not found" in message:
        lines = text.splitlines()
        before = lines[line - 1][:column] if 0 < line <= len(lines) else ""
        names = list(re.finditer(r"(?<![\w?$:.\-])([A-Za-z][\w.-]*)?:", before))
        if names:
            return f"unknown prefix '{names[-1].group(0)}'", names[-1].start() + 1
        return "unknown prefix", column
    if not message or message.startswith("expected one of") or len(message) > 120:
        return f"syntax error at {_token_at(text, line, column)}", column
    return f"syntax error at {_token_at(text, line, column)}: {message}", column


_DOLLAR = re.compile(r"\$\{\s*([A-Za-z_]\w*)\s*\}|\$([A-Za-z_]\w*)")


def dollar_parameters(text: str) -> tuple[str, list[str]]:
    """Find ``$name`` and ``${name}`` (outside strings, IRIs and comments), the notebook's
    way of naming a Python variable in a query. Returns the text with ``${name}`` written
    ``$name`` (a SPARQL variable) and the names, in order of first use.

    >>> dollar_parameters('SELECT ?e WHERE { ?e prov:used ${idea} ; rdfs:label "$x" . ?e ?p $who }')
    ('SELECT ?e WHERE { ?e prov:used $idea ; rdfs:label "$x" . ?e ?p $who }', ['idea', 'who'])
    """
    blanked = analyse(text).blanked
    names: list[str] = []
    out: list[str] = []
    last = 0
    for match in _DOLLAR.finditer(blanked):
        name = match.group(1) or match.group(2)
        if name not in names:
            names.append(name)
        out.append(text[last:match.start()])
        out.append(f"${name}")
        last = match.end()
    out.append(text[last:])
    return "".join(out), names
