"""Turning what a user hands to ``load`` into a checked source for a parser.

A source is a path, a string of data or a file object. This module decides the
format, refuses input that would make a parser fetch, expand or hang (XML entity
declarations beyond simple text, external entities, remote JSON-LD contexts are
refused by the parser itself), and turns parser errors into :class:`LoadError`
with file, line and column. It never touches the network or other files.
"""

from __future__ import annotations

import os
import re
import xml.parsers.expat
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Union

import pyoxigraph as ox

from kg_connect.errors import LoadError

__all__ = ["FORMATS", "Source", "as_load_error", "open_source", "resolve_format"]

#: Format names accepted by ``load``/``save`` and the file suffixes that imply them.
FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}

_ALIASES = {
    "ttl": "turtle", "nt": "ntriples", "n-triples": "ntriples", "nq": "nquads",
    "n-quads": "nquads", "json-ld": "jsonld", "json": "jsonld", "xml": "rdfxml",
    "rdf/xml": "rdfxml", "rdf": "rdfxml", "owl": "rdfxml",
}

_SUFFIXES = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "ntriples", ".nq": "nquads",
    ".trig": "trig", ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdfxml",
    ".owl": "rdfxml", ".xml": "rdfxml", ".n3": "n3",
}

_HEAD = 1 << 16
_MAX_DTD = 1 << 20
_BOM_UTF8 = b"\xef\xbb\xbf"

SourceLike = Union[str, os.PathLike, bytes, IO[Any]]


@dataclass
class Source:
    """A checked input: exactly one of ``path`` or ``data`` is set."""

    name: str
    format: ox.RdfFormat
    path: Path | None = None
    data: bytes | None = None
    base_iri: str | None = None

    def parser_input(self) -> dict[str, Any]:
        """Keyword arguments for ``pyoxigraph.parse``/``Store.load``."""
        kwargs: dict[str, Any] = {"format": self.format, "base_iri": self.base_iri}
        if self.path is not None:
            kwargs["path"] = str(self.path)
        else:
            kwargs["input"] = self.data
        return kwargs


def resolve_format(format: str | None, name: str | None = None) -> ox.RdfFormat:
    """Return the pyoxigraph format for a format name, or guess it from a file name.

    >>> resolve_format("ttl")
    <RdfFormat Turtle>
    >>> resolve_format(None, "people.nq")
    <RdfFormat N-Quads>
    """
    if format is not None:
        key = format.lower().strip()
        key = _ALIASES.get(key, key)
        if key not in FORMATS:
            raise ValueError(
                f"unknown format {format!r}; expected one of: {', '.join(FORMATS)}"
            )
        return FORMATS[key]
    if name is not None:
        suffixes = Path(name).suffixes
        if suffixes and suffixes[-1].lower() in _SUFFIXES:
            return FORMATS[_SUFFIXES[suffixes[-1].lower()]]
        raise ValueError(
            f"cannot tell the format of {name!r} from its suffix; pass format= one of: "
            f"{', '.join(FORMATS)}"
        )
    raise ValueError(f"pass format= one of: {', '.join(FORMATS)}")


def _sniff(data: bytes) -> ox.RdfFormat:
    head = data[:512].lstrip(_BOM_UTF8).lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<rdf:RDF") or head.startswith(b"<!DOCTYPE"):
        return ox.RdfFormat.RDF_XML
    if head.startswith((b"{", b"[")):
        return ox.RdfFormat.JSON_LD
    return ox.RdfFormat.TURTLE


def _looks_like_path(text: str) -> bool:
    """A string is a path if such a file exists, or if it is one line ending in an RDF suffix."""
    if not text.strip() or "\n" in text or len(text) >= 4096:
        return False
    if os.path.exists(text):
        return True
    return not text.lstrip().startswith(("@", "<", "{", "[", "_:")) and \
        Path(text).suffix.lower() in _SUFFIXES


def open_source(source: SourceLike, format: str | None = None, base_iri: str | None = None) -> Source:
    """Resolve ``source`` (path, data string, bytes or file object) to a checked :class:`Source`.

    >>> open_source("<http://e/a> <http://e/p> 1 .").format
    <RdfFormat Turtle>
    """
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        path = Path(source)
        if not path.exists():
            raise LoadError("no such file", str(path))
        if path.is_dir():
            raise LoadError("is a directory, not a file", str(path))
        if format is not None:
            fmt = resolve_format(format)
        else:
            try:
                fmt = resolve_format(None, path.name)
            except ValueError as exc:
                raise LoadError(str(exc), str(path)) from None
        src = Source(str(path), fmt, path=path, base_iri=base_iri or path.resolve().as_uri())
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
        if head.startswith(_BOM_UTF8) or _needs_full_check(fmt, head):
            src.data = path.read_bytes()
            src.path = None
    else:
        if isinstance(source, str):
            data, name = source.encode("utf-8"), "<string>"
        elif isinstance(source, (bytes, bytearray, memoryview)):
            data, name = bytes(source), "<bytes>"
        elif hasattr(source, "read"):
            raw = source.read()
            data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
            name = str(getattr(source, "name", "<stream>"))
        else:
            raise TypeError(
                f"cannot load from {type(source).__name__}; pass a path, a string of data, "
                "bytes or a file object"
            )
        fmt = resolve_format(format) if format else _sniff(data)
        src = Source(name, fmt, data=data, base_iri=base_iri)
    if src.data is not None:
        _check_bytes(src)
    return src


def _needs_full_check(fmt: ox.RdfFormat, head: bytes) -> bool:
    # RDF/XML is always read and checked whole: a DOCTYPE may sit after any amount of comments
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or fmt == ox.RdfFormat.RDF_XML


def _check_bytes(src: Source) -> None:
    data = src.data or b""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("the file is UTF-16 encoded; RDF files must be UTF-8", src.name, 1, 1)
    if data.startswith(_BOM_UTF8):
        data = data[len(_BOM_UTF8):]
        src.data = data
    if src.format == ox.RdfFormat.RDF_XML:
        _check_xml_dtd(data, src.name)


_ENTITY = re.compile(
    rb"<!ENTITY\s+(%\s+)?([^\s]+)\s+(?:(SYSTEM|PUBLIC)\b|\"([^\"]*)\"|'([^']*)')"
)


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1


def _check_xml_dtd(data: bytes, name: str) -> None:
    """Refuse DTD entity declarations that could fetch or explode.

    Simple text entities (``<!ENTITY owl "http://www.w3.org/2002/07/owl#">``, common in
    OWL files) are allowed; external, parameter and nested entities are not, nor an
    expansion larger than 16 MiB.
    """
    start = data.find(b"<!DOCTYPE")
    if start < 0:
        return
    end = data.find(b"]>", start, start + _MAX_DTD)
    dtd = data[start:end if end >= 0 else start + _MAX_DTD]
    budget = 16 << 20
    declared = len(re.findall(rb"<!ENTITY", data))
    if declared != len(_ENTITY.findall(dtd)):
        where = data.find(b"<!ENTITY")
        line, col = _line_col(data, where)
        raise LoadError("XML entity declaration refused: only simple text entities in the DOCTYPE "
                        "are allowed", name, line, col)
    for match in _ENTITY.finditer(dtd):
        line, col = _line_col(data, start + match.start())
        ent = match.group(2).decode("utf-8", "replace")
        if match.group(1):
            raise LoadError(f"XML parameter entity '%{ent}' refused", name, line, col)
        if match.group(3):
            raise LoadError(
                f"XML external entity '{ent}' refused: loading never reads other files or URLs",
                name, line, col,
            )
        value = match.group(4) if match.group(4) is not None else match.group(5)
        if b"&" in value or b"%" in value:
            raise LoadError(
                f"XML entity '{ent}' refers to other entities; nested entities are refused "
                "(entity expansion attack)", name, line, col,
            )
        uses = data.count(b"&" + match.group(2) + b";")
        budget -= uses * len(value)
        if budget < 0:
            raise LoadError(
                f"XML entity '{ent}' would expand past 16 MiB (entity expansion attack)",
                name, line, col,
            )


_POSITION = re.compile(
    r"^Parser error (?:at line (\d+) (?:column (\d+)|between columns (\d+) and \d+)"
    r"|between line (\d+) column (\d+) and line \d+ column \d+)"
    r"(?: and line \d+ column \d+)?:\s*"
)


def as_load_error(exc: BaseException, src: Source) -> LoadError:
    """Translate a parser exception into a :class:`LoadError` naming file, line and column."""
    if isinstance(exc, LoadError):
        return exc
    message = str(getattr(exc, "msg", None) or exc).strip()
    line = column = None
    match = _POSITION.match(message)
    if match:
        groups = match.groups()
        line = int(groups[0] or groups[3])
        column = int(groups[1] or groups[2] or groups[4])
        message = message[match.end():]
    elif isinstance(exc, SyntaxError) and exc.lineno:
        line, column = exc.lineno, exc.offset
    message = re.sub(r"\s*\(line \d+\)$", "", message)
    message = message.splitlines()[0] if message else type(exc).__name__
    if "LoadDocumentCallback" in message:
        message = "remote JSON-LD @context refused: loading never fetches from the network"
    if line is None and src.format == ox.RdfFormat.RDF_XML:
        line, column = _xml_position(src)
    if isinstance(exc, OSError) and not isinstance(exc, SyntaxError):
        message = f"cannot read: {message}"
    if isinstance(exc, MemoryError):
        message = "a single term or line is larger than the parser's 16 MiB limit"
    return LoadError(message, src.name, line, column)


def _xml_position(src: Source) -> tuple[int | None, int | None]:
    data = src.data if src.data is not None else src.path.read_bytes() if src.path else b""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as err:
        return err.lineno, err.offset + 1
    return None, None


def read_text_head(src: Source, size: int = _HEAD) -> str:
    """The first ``size`` bytes of a source as text (for prefix discovery)."""
    if src.data is not None:
        head = src.data[:size]
    elif src.path is not None:
        with open(src.path, "rb") as fh:
            head = fh.read(size)
    else:
        return ""
    return head.decode("utf-8", "replace")


_PREFIX = re.compile(r"(?im)^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>")


def declared_prefixes(src: Source) -> dict[str, str]:
    """Prefixes declared near the top of a Turtle-family source (first 64 KiB)."""
    if src.format not in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3):
        return {}
    return {p or "": ns for p, ns in _PREFIX.findall(read_text_head(src))}
