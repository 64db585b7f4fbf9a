"""Turning what a user hands to ``load`` into a checked source for a parser.

A source is a path (``.gz`` of any format too), a string of data, bytes, a file object, or
an http(s) URL when the caller allows the network. This module decides the format and the
base IRI, transcodes RDF/XML from any encoding XML allows, refuses input that would make a
parser fetch, expand or hang (XML entity declarations beyond simple text; remote JSON-LD
contexts are refused by the parser itself), and turns parser errors into
:class:`LoadError` with file, line and column. It reaches the network only for a URL the
caller asked for, within size and time limits.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import os
import re
import xml.parsers.expat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Iterator, Union
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from kg_connect._text import visible
from kg_connect.errors import LoadError

__all__ = ["FORMATS", "Source", "as_load_error", "declared_prefixes", "open_source", "resolve_format"]

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

_MEDIA_TYPES = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "ntriples",
    "application/n-quads": "nquads", "application/trig": "trig", "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml", "text/n3": "n3",
}
_ACCEPT = ("text/turtle, application/n-triples;q=0.9, application/rdf+xml;q=0.9, application/trig;q=0.9, "
           "application/n-quads;q=0.9, application/ld+json;q=0.8, */*;q=0.1")

#: Limits for loading from a URL (``allow_network=True``).
MAX_DOWNLOAD_BYTES = 512 << 20
DOWNLOAD_TIMEOUT_S = 60.0

_HEAD = 1 << 16
_MAX_DTD = 1 << 20
_BOM_UTF8 = b"\xef\xbb\xbf"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://\S+$")

SourceLike = Union[str, os.PathLike, bytes, IO[Any]]


@dataclass
class Source:
    """A checked input: a file (``path``, maybe gzip-compressed) or bytes (``data``)."""

    name: str
    format: ox.RdfFormat
    path: Path | None = None
    data: bytes | None = None
    gzipped: bool = False
    base_iri: str | None = None  # what the parser resolves relative IRIs against
    default_base: str | None = None  # used, with a warning, if the data turns out to need a base
    graph: str | None = None  # load the default-graph triples into this named graph
    guessed: bool = False  # the format was guessed from the data, not given

    @contextlib.contextmanager
    def parser_input(self) -> Iterator[dict[str, Any]]:
        """Keyword arguments for ``pyoxigraph.parse``/``Store.load`` (a gzip file is
        decompressed as it is read, and closed after)."""
        kwargs: dict[str, Any] = {"format": self.format, "base_iri": self.base_iri}
        if self.data is not None:
            kwargs["input"] = self.data
        elif self.gzipped:
            with gzip.open(self.path, "rb") as fh:  # type: ignore[arg-type]
                kwargs["input"] = fh
                yield kwargs
            return
        else:
            kwargs["path"] = str(self.path)
        yield kwargs

    def head(self, size: int = _HEAD) -> bytes:
        """The first ``size`` bytes of the (decompressed) source."""
        if self.data is not None:
            return self.data[:size]
        assert self.path is not None  # noqa: S101 - one of path or data is always set
        if self.gzipped:
            with gzip.open(self.path, "rb") as fh:
                return bytes(fh.read(size))
        with open(self.path, "rb") as raw:
            return raw.read(size)

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None  # noqa: S101 - one of path or data is always set
        if self.gzipped:
            with gzip.open(self.path, "rb") as fh:
                return bytes(fh.read())
        return self.path.read_bytes()

    def with_base(self, base: str | None) -> Source:
        return replace(self, base_iri=base)


def resolve_format(format: str | None, name: str | None = None) -> ox.RdfFormat:
    """Return the pyoxigraph format for a format name, or guess it from a file name
    (a ``.gz`` suffix is looked through).

    >>> resolve_format("ttl")
    <RdfFormat Turtle>
    >>> resolve_format(None, "people.nq.gz")
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
        suffixes = [s.lower() for s in Path(name).suffixes]
        if suffixes and suffixes[-1] == ".gz":
            suffixes = suffixes[:-1]
        if suffixes and suffixes[-1] in _SUFFIXES:
            return FORMATS[_SUFFIXES[suffixes[-1]]]
        raise ValueError(
            f"cannot tell the format of {name!r} from its suffix; pass format= one of: "
            f"{', '.join(FORMATS)}"
        )
    raise ValueError(f"pass format= one of: {', '.join(FORMATS)}")


_QUAD_LINE = re.compile(
    rb'^\s*(?:<[^>\s]*>|_:\S+)\s+<[^>\s]*>\s+(?:<[^>\s]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>\s]*>)?)'
    rb"\s+(?:<[^>\s]*>|_:\S+)\s*\.\s*$", re.MULTILINE)


def _sniff(data: bytes) -> ox.RdfFormat:
    head = data[:512].lstrip(_BOM_UTF8).lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<rdf:RDF") or head.startswith(b"<!DOCTYPE"):
        return ox.RdfFormat.RDF_XML
    if head.startswith((b"{", b"[")):
        return ox.RdfFormat.JSON_LD
    first = next((line for line in data[:4096].splitlines() if line.strip() and not line.lstrip().startswith(b"#")),
                 b"")
    if _QUAD_LINE.match(first):
        return ox.RdfFormat.N_QUADS  # a statement with a graph name: N-Quads, not Turtle
    return ox.RdfFormat.TURTLE


def _looks_like_path(text: str) -> bool:
    """A string is a path if such a file exists, or if it is one line ending in an RDF suffix."""
    if not text.strip() or "\n" in text or len(text) >= 4096:
        return False
    if os.path.exists(text):
        return True
    if text.lstrip().startswith(("@", "<", "{", "[", "_:")):
        return False
    suffixes = [s.lower() for s in Path(text).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return bool(suffixes) and suffixes[-1] in _SUFFIXES


def file_base(name: str) -> str:
    """The base IRI for a file's relative IRIs when the caller gives none: the file's name
    under ``file:///``, so results do not depend on the folder the file sits in.

    >>> file_base("/home/ann/data/people list.ttl.gz")
    'file:///people%20list.ttl'
    """
    base = Path(name).name
    if base.lower().endswith(".gz"):
        base = base[:-3]
    return "file:///" + quote(base)


def open_source(source: SourceLike, format: str | None = None, base_iri: str | None = None, *,
                graph: str | None = None, allow_network: bool = False) -> Source:
    """Resolve ``source`` (path, URL, data string, bytes or file object) to a checked :class:`Source`.

    >>> open_source("<http://e/a> <http://e/p> 1 .").format
    <RdfFormat Turtle>
    """
    if isinstance(source, str) and _URL.match(source.strip()) and not os.path.exists(source):
        src = _from_url(source.strip(), format, allow_network)
    elif isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        src = _from_path(Path(source), format)
    else:
        if isinstance(source, str):
            data, name = source.encode("utf-8"), "<string>"
        elif isinstance(source, (bytes, bytearray, memoryview)):
            data, name = bytes(source), "<bytes>"
        elif hasattr(source, "read"):
            raw = source.read()
            data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
            name = str(getattr(source, "name", "<stream>"))
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
        else:
            raise TypeError(
                f"cannot load from {type(source).__name__}; pass a path, a URL, a string of data, "
                "bytes or a file object"
            )
        fmt = resolve_format(format) if format else _sniff(data)
        src = Source(name, fmt, data=data, guessed=format is None)
        if not name.startswith("<"):
            src.default_base = file_base(name)
    src.base_iri = base_iri
    src.graph = graph
    _check_encoding(src)
    if src.format == ox.RdfFormat.RDF_XML:
        _check_xml_dtd(src.data or b"", src.name)
    return src


def _from_path(path: Path, format: str | None) -> Source:
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
            raise LoadError(str(exc), str(path),
                            cli=str(exc).replace("pass format= one of", "pass --input-format, one of")) from None
    with path.open("rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
    src = Source(str(path), fmt, path=path, gzipped=gzipped, default_base=file_base(path.name))
    head = src.head(4)
    # RDF/XML is always read and checked whole: a DOCTYPE may sit after any amount of comments
    if fmt == ox.RdfFormat.RDF_XML or head.startswith((_BOM_UTF8, b"\xff\xfe", b"\xfe\xff")):
        src.data, src.path, src.gzipped = src.read(), None, False
    return src


def _from_url(url: str, format: str | None, allow_network: bool) -> Source:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise LoadError(f"cannot load a {scheme}: URL; give a file path, or an http(s) URL", url)
    if not allow_network:
        raise LoadError("this is a URL and loading from the network is off; pass allow_network=True "
                        "to download it", url,
                        cli="this is a URL and loading from the network is off; add --allow-network "
                        "to download it")
    import httpx

    try:
        with httpx.Client(follow_redirects=True, max_redirects=5, timeout=httpx.Timeout(DOWNLOAD_TIMEOUT_S),
                          headers={"Accept": _ACCEPT}) as client, client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise LoadError(f"the server answered {response.status_code} {response.reason_phrase}", url)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise LoadError(f"the download is larger than {_size(MAX_DOWNLOAD_BYTES)}; "
                                    "download it yourself and load the file", url)
                chunks.append(chunk)
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            final = str(response.url)
    except httpx.TimeoutException:
        raise LoadError(f"no complete answer within {DOWNLOAD_TIMEOUT_S:g} s", url) from None
    except httpx.HTTPError as exc:
        raise LoadError(f"cannot download: {exc}", url) from None
    data = b"".join(chunks)
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if format is not None:
        fmt = resolve_format(format)
    elif media in _MEDIA_TYPES:
        fmt = FORMATS[_MEDIA_TYPES[media]]
    else:
        try:
            fmt = resolve_format(None, urlsplit(final).path)
        except ValueError:
            fmt = _sniff(data)
    return Source(url, fmt, data=data, default_base=final)


def _size(n: int) -> str:
    return f"{n / (1 << 20):g} MiB" if n >= 1 << 20 else f"{n / 1024:g} KiB"


# ------------------------------------------------------------------ encodings
_XML_DECLARATION = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*([\"'])([A-Za-z][\w.\-]*)\1")


def _check_encoding(src: Source) -> None:
    """UTF-8 for every format; RDF/XML may use any encoding XML allows (transcoded here)."""
    head = src.head(4)
    if src.format == ox.RdfFormat.RDF_XML:
        _to_utf8_xml(src)
        return
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("the file is UTF-16 encoded; RDF files in this format must be UTF-8: convert it "
                        "(iconv -f utf-16 -t utf-8)", src.name, 1, 1)
    if src.data is not None and src.data.startswith(_BOM_UTF8):
        src.data = src.data[len(_BOM_UTF8):]


def _to_utf8_xml(src: Source) -> None:
    data = src.data or b""
    encoding = None
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16"
    elif data.startswith(b"<\x00?\x00"):
        encoding = "utf-16-le"
    elif data.startswith(b"\x00<\x00?"):
        encoding = "utf-16-be"
    elif data.startswith(_BOM_UTF8):
        data = data[len(_BOM_UTF8):]
    else:
        match = _XML_DECLARATION.match(data)
        if match and match.group(2).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
            encoding = match.group(2).decode("ascii")
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise LoadError(f"unknown XML encoding {encoding!r}", src.name, 1, 1) from None
        except UnicodeDecodeError as exc:
            line, col = _line_col(data, exc.start)
            raise LoadError(f"byte 0x{data[exc.start]:02X} is not valid {encoding}, the encoding the "
                            "XML declaration names", src.name, line, col) from None
        text = text.lstrip("\ufeff")
        text = re.sub(r"^(<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2", r"\1\2UTF-8\2", text, count=1)
        data = text.encode("utf-8")
    src.data = data


def _encoding_error(src: Source) -> LoadError | None:
    """A clear message for data that is not UTF-8: the byte, where, and what to do."""
    data = src.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        byte = data[exc.start]
        guess = "Latin-1 or Windows-1252" if byte >= 0x80 else "another encoding"
        return LoadError(
            f"byte 0x{byte:02X} is not UTF-8: the file seems to be in {guess}; RDF in this format must "
            f"be UTF-8: convert it, e.g. iconv -f windows-1252 -t utf-8",
            src.name, line, col)
    return None


# ------------------------------------------------------------------ XML entities
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


# ------------------------------------------------------------------ parser errors
_POSITION = re.compile(
    r"^Parser error (?:at line (\d+) (?:column (\d+)|between columns (\d+) and \d+)"
    r"|between line (\d+) column (\d+) and line \d+ column \d+)"
    r"(?: and line \d+ column \d+)?:\s*"
)
_RELATIVE = "No scheme found in an absolute IRI"


def needs_base(exc: BaseException) -> bool:
    """Whether a parser error says the data holds a relative IRI and no base was given."""
    return _RELATIVE in str(exc)


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
    message = visible(message)  # a parser quotes the data: control characters must not reach a terminal
    if "Invalid UTF-8" in message or "invalid utf-8" in message.lower():
        better = _encoding_error(src)
        if better is not None:
            return better
    if "LoadDocumentCallback" in message:
        message = "remote JSON-LD @context refused: loading never fetches from the network"
    if _RELATIVE in message and src.format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        iri = _iri_at(src, line, column)
        shown = f"<{iri}> " if iri is not None else ""
        name = "N-Triples" if src.format == ox.RdfFormat.N_TRIPLES else "N-Quads"
        return LoadError(f"{name} allows only absolute IRIs, and {shown}is relative (a base cannot help: "
                         "write the full IRI, or use Turtle)", src.name, line, column)
    if _RELATIVE in message:
        found = re.search(r"IRI '([^']*)'", message)
        iri = found.group(1) if found else _iri_at(src, line, column)
        message = (f"relative IRI <{iri}> needs a base: pass base_iri=" if iri is not None
                   else "a relative IRI needs a base: pass base_iri=")
        if line is None and iri:
            line, column = _find(src, iri)
        err = LoadError(message, src.name, line, column, cli=message.replace("pass base_iri=", "pass --base IRI"))
        err.needs_base = True
        return err
    if line is None and src.format == ox.RdfFormat.RDF_XML:
        line, column = _xml_position(src)
    if isinstance(exc, OSError) and not isinstance(exc, SyntaxError):
        message = f"cannot read: {message}"
    if isinstance(exc, MemoryError):
        message = "a single term or line is larger than the parser's 16 MiB limit"
    if src.guessed:
        taken = next(name for name, f in FORMATS.items() if f == src.format)
        return LoadError(f"{message} (the data was read as {taken}: pass format= if it is another)", src.name,
                         line, column, cli=f"{message} (the data was read as {taken}: pass --input-format "
                         "if it is another)")
    return LoadError(message, src.name, line, column)


def _iri_at(src: Source, line: int | None, column: int | None) -> str | None:
    """The ``<...>`` token a parser pointed at (error path only: reads the data)."""
    if line is None or column is None:
        return None
    lines = src.read().split(b"\n", line)
    if len(lines) < line:
        return None
    text = lines[line - 1].decode("utf-8", "replace")
    match = re.match(r"\s*<([^>]*)>", text[column - 1:])
    return match.group(1) if match else None


def _find(src: Source, text: str) -> tuple[int | None, int | None]:
    data = src.read()
    at = data.find(f'"{text}"'.encode())
    if at < 0:
        at = data.find(text.encode())
    else:
        at += 1
    return _line_col(data, at) if at >= 0 else (None, None)


def _xml_position(src: Source) -> tuple[int | None, int | None]:
    data = src.read()
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as err:
        return err.lineno, err.offset + 1
    return None, None


# ------------------------------------------------------------------ prefixes
# at a line's start, or after another declaration on the same line
_PREFIX = re.compile(r"(?im)(?:^|(?<=[.>]))[ \t]*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>")
_XMLNS = re.compile(r"\bxmlns:([A-Za-z_][\w.\-]*)\s*=\s*([\"'])([^\"']+)\2")


def declared_prefixes(src: Source) -> dict[str, str]:
    """Prefixes a source declares near its top (first 64 KiB): Turtle/TriG/N3 ``@prefix``,
    RDF/XML ``xmlns:`` declarations, simple JSON-LD ``@context`` terms ending in / or #."""
    head = src.head().decode("utf-8", "replace")
    if src.format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3):
        return {p or "": ns for p, ns in _PREFIX.findall(head)}
    if src.format == ox.RdfFormat.RDF_XML:
        return {p: ns for p, _, ns in _XMLNS.findall(head) if p != "xml" and "://" in ns}
    if src.format == ox.RdfFormat.JSON_LD:
        return _jsonld_prefixes(src)
    return {}


def _jsonld_prefixes(src: Source) -> dict[str, str]:
    try:
        doc = json.load(io.BytesIO(src.head(1 << 20)))
    except ValueError:
        return {}
    contexts = doc.get("@context") if isinstance(doc, dict) else None
    out: dict[str, str] = {}
    for context in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(context, dict):
            for key, value in context.items():
                if isinstance(value, str) and not key.startswith("@") and value.endswith(("/", "#")) \
                        and "://" in value and re.fullmatch(r"[A-Za-z][\w.\-]*", key):
                    out[key] = value
    return out
