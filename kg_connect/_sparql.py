"""Small lexical helpers over SPARQL text: no parsing, only what the backends need.

The text is scanned once with strings, IRIs and comments blanked out (same length,
so positions stay true) to find the query form, refuse SERVICE and LOAD, and
locate a prefixed name. Where a value must stand in the text (updates, variables
pyoxigraph cannot bind, list parameters), only terms serialised by pyoxigraph are
inserted: its constructors validate IRIs and escape literals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg_connect.errors import QueryError

__all__ = ["analyse", "blank_literals", "check_network", "query_error", "query_form", "substitute"]

_LEXEMES = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
)


def blank_literals(text: str) -> str:
    """Return ``text`` with strings, IRIs and comments replaced by spaces (newlines kept).

    >>> blank_literals('SELECT * { ?s <http://x> "SERVICE" }  # LOAD')
    'SELECT * { ?s                      }        '
    """

    def blank(match: re.Match[str]) -> str:
        lexeme = match.group(0)
        if "\n" not in lexeme:
            return " " * len(lexeme)
        return "\n".join(" " * len(part) for part in lexeme.split("\n"))

    return _LEXEMES.sub(blank, text)


_WORD = r"(?<![\w?$:.\-]){}(?![\w:\-])"
_FORM = re.compile(_WORD.format(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)"), re.IGNORECASE)
_NETWORK = {
    "SERVICE": re.compile(_WORD.format("SERVICE"), re.IGNORECASE),
    "LOAD": re.compile(_WORD.format("LOAD"), re.IGNORECASE),
}


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@dataclass(frozen=True)
class Analysis:
    """What the lexical scan of one query text found (cached per text)."""

    blanked: str
    form: str
    variables: frozenset[str]
    assigned: frozenset[str]
    updates: bool
    network: tuple[tuple[str, int], ...]  # (SERVICE or LOAD, offset) of the first of each


_UPDATE_WORDS = re.compile(
    r"(?i)(?<![\w?$:])(INSERT|DELETE|CLEAR|DROP|CREATE|ADD|MOVE|COPY|LOAD)\b"
)


@lru_cache(maxsize=512)
def analyse(text: str) -> Analysis:
    """Scan ``text`` once: its form, the variables it uses and assigns, update keywords.

    >>> a = analyse("SELECT ?n WHERE { ?p <http://e/name> ?n BIND(1 AS ?k) VALUES (?b $c) { (1 2) } }")
    >>> a.form, sorted(a.variables), sorted(a.assigned), a.updates
    ('SELECT', ['b', 'c', 'k', 'n', 'p'], ['b', 'c', 'k'], False)
    """
    blanked = blank_literals(text)
    form = _FORM.search(blanked)
    assigned: set[str] = set()
    for match in _ASSIGNS.finditer(blanked):
        if match.group(1):
            assigned.add(match.group(1))
        else:
            assigned.update(_VARIABLE.findall(match.group(2)))
    return Analysis(
        blanked=blanked,
        form=form.group(1).upper() if form else "",
        variables=frozenset(_VARIABLE.findall(blanked)),
        assigned=frozenset(assigned),
        updates=bool(_UPDATE_WORDS.search(blanked)),
        network=tuple((kw, m.start()) for kw, pattern in _NETWORK.items()
                      if (m := pattern.search(blanked))),
    )


def query_form(text: str) -> str:
    """The form of a query: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` ('' if none).

    >>> query_form("PREFIX a: <http://select/> ASK { ?s ?p ?o }")
    'ASK'
    """
    return analyse(text).form


def check_network(text: str, allow_network: bool, *, update: bool = False) -> None:
    """Refuse SERVICE (and LOAD in updates) unless the caller opted in.

    >>> check_network("SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }", False)
    Traceback (most recent call last):
    ...
    kg_connect.errors.QueryError: line 1, column 12: SERVICE would fetch from the network; pass allow_network=True to permit it
    """
    if allow_network:
        return
    for keyword, offset in analyse(text).network:
        if keyword == "LOAD" and not update:
            continue
        line, col = _position(text, offset)
        raise QueryError(
            f"{keyword} would fetch from the network; pass allow_network=True to permit it",
            text, line, col,
        )


def find_token(text: str, token: str) -> tuple[int, int] | None:
    """Line and column of the first ``token`` outside strings, IRIs and comments."""
    match = re.search(r"(?<![\w?$:.\-])" + re.escape(token), blank_literals(text))
    return _position(text, match.start()) if match else None


_OX_POSITION = re.compile(r"error at (\d+):(\d+):\s*")


_PNAME = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w.-]*)?:(?=[\w.-]|\s|[;,.)}\]]|$)")
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")


def unknown_prefix(text: str, known: set[str] | dict[str, str]) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix is neither declared in ``text`` nor known.

    >>> unknown_prefix("SELECT * { ?s zz:p ?o }", {"rdf"})
    ('zz:', 1, 15)
    """
    blanked = analyse(text).blanked
    declared = {p or "" for p in _DECLARED.findall(blanked)} | set(known)
    for match in _PNAME.finditer(blanked):
        prefix = match.group(1) or ""
        if prefix not in declared:
            line, col = _position(text, match.start())
            return f"{prefix}:", line, col
    return None


def query_error(exc: BaseException, text: str) -> QueryError:
    """Translate an engine's syntax error into a :class:`QueryError` with line and column."""
    message = str(exc).strip()
    line = column = None
    match = _OX_POSITION.search(message)
    if match:
        line, column = int(match.group(1)), int(match.group(2))
        message, column = _short(message[match.end():], text, line, column)
    elif getattr(exc, "lineno", None) is not None and getattr(exc, "col", None) is not None:
        line, column = int(exc.lineno), int(exc.col)  # type: ignore[attr-defined]
        message = f"syntax error at {_token_at(text, line, column)}"
    unknown = re.search(r"Unknown namespace prefix\s*:\s*(\S+)", message)
    if unknown:
        prefix = unknown.group(1)
        message = f"unknown prefix '{prefix}:'"
        pos = find_token(text, prefix + ":")
        if pos:
            line, column = pos
    message = message.splitlines()[0] if message else type(exc).__name__
    return QueryError(message, text, line, column)


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
    if message.startswith("expected one of") or len(message) > 120:
        return f"syntax error at {_token_at(text, line, column)}", column
    return f"syntax error at {_token_at(text, line, column)}: {message}", column


_VARIABLE = re.compile(r"[?$]([A-Za-z_][\w]*)")
_BY_CLAUSE = re.compile(
    r"(?i)\b(?:GROUP|ORDER)\s+BY\b(.*?)(?=\b(?:HAVING|ORDER|LIMIT|OFFSET|VALUES)\b|[{}]|$)", re.S
)
_ASSIGNS = re.compile(r"(?i)\bAS\s+[?$](\w+)|\bVALUES\s*(\([^)]*\)|[?$]\w+)")


_DOLLAR = re.compile(r"\$\{\s*([A-Za-z_]\w*)\s*\}|\$([A-Za-z_]\w*)")


def dollar_parameters(text: str) -> tuple[str, list[str]]:
    """Find ``$name`` and ``${name}`` (outside strings, IRIs and comments), the notebook's
    way of naming a Python variable in a query. Returns the text with ``${name}`` written
    ``$name`` (a SPARQL variable) and the names, in order of first use.

    >>> dollar_parameters('SELECT ?e WHERE { ?e prov:used ${idea} ; rdfs:label "$x" . ?e ?p $who }')
    ('SELECT ?e WHERE { ?e prov:used $idea ; rdfs:label "$x" . ?e ?p $who }', ['idea', 'who'])
    """
    blanked = blank_literals(text)
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


def values_position(text: str) -> int:
    """Offset just inside the opening brace of the query's top-level WHERE group.

    >>> q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    >>> q[values_position(q):]
    ' ?s ?p ?o }'
    """
    scan = analyse(text)
    blanked = scan.blanked
    where = re.search(r"(?i)(?<![\w?$:])WHERE\b", blanked)
    if where:
        brace = blanked.find("{", where.end())
    else:
        start = _FORM.search(blanked)
        brace = blanked.find("{", start.end() if start else 0)
        if scan.form == "CONSTRUCT" and brace >= 0:  # skip the template
            depth = 0
            for i in range(brace, len(blanked)):
                depth += {"{": 1, "}": -1}.get(blanked[i], 0)
                if depth == 0:
                    brace = blanked.find("{", i)
                    break
    if brace < 0:
        raise QueryError("cannot find the query's WHERE group to bind a list parameter", text)
    return brace + 1


def inject_values(text: str, values: dict[str, list[str]]) -> str:
    """Put ``VALUES ?name { ... }`` blocks of already-serialised terms at the start of the
    WHERE group, on the same line (so line numbers of errors stay true).

    ``values`` must hold terms serialised by pyoxigraph (escaped), as for :func:`substitute`.

    >>> inject_values("SELECT * WHERE { ?s ?p ?o }", {"s": ["<http://e/a>", "<http://e/b>"]})
    'SELECT * WHERE { VALUES ?s { <http://e/a> <http://e/b> } ?s ?p ?o }'
    """
    at = values_position(text)
    # an empty list matches nothing (rdflib fails on an empty VALUES and ignores FILTER(false))
    blocks = "".join(f" VALUES ?{name} {{ {' '.join(terms)} }}" if terms else " FILTER(1 = 0)"
                     for name, terms in values.items())
    return text[:at] + blocks + text[at:]


def substitute(text: str, values: dict[str, str]) -> str:
    """Replace ``?name``/``$name`` tokens by already-serialised N-Triples terms.

    Used for what pyoxigraph's API cannot bind natively (updates, and query variables
    outside the SELECT projection). ``values`` must hold terms serialised by pyoxigraph
    (``str(term)``), whose constructors validate IRIs and escape literals, so a value
    can never change the structure of the query. In GROUP BY / ORDER BY the term is
    parenthesised. Callers refuse variables the query assigns (``analyse(text).assigned``).

    >>> substitute('INSERT { ?s <http://e/p> "?s" } WHERE { }', {"s": "<http://e/a>"})
    'INSERT { <http://e/a> <http://e/p> "?s" } WHERE { }'
    """
    blanked = analyse(text).blanked
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
