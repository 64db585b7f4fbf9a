"""The exceptions kg_connect raises.

Every error of ours derives from :class:`KgConnectError`::

    KgConnectError
    ├── LoadError              a file or string could not be loaded (file, line, column)
    ├── QueryError             a SPARQL query or update is malformed or refused (line, column)
    │   ├── QueryTimeout       a query ran past its time limit and was stopped
    │   └── EndpointError      a remote SPARQL endpoint failed or answered badly (HTTP status)
    ├── SaveError              a graph could not be written (the old file is left intact)
    ├── ValidationError        raised on request when data does not conform (carries the report)
    └── MissingDependencyError an optional dependency is missing (names the extra to install)

Messages say what was wrong, where, and what to try.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg_connect._validation import ValidationReport

__all__ = [
    "EndpointError",
    "KgConnectError",
    "KgConnectWarning",
    "LoadError",
    "MissingDependencyError",
    "QueryError",
    "QueryTimeout",
    "SaveError",
    "ValidationError",
]


class KgConnectError(Exception):
    """Base class of every error raised by kg_connect.

    ``for_cli()`` gives the message with advice in command-line terms (``--allow-network``
    rather than ``allow_network=True``) where the two differ.
    """

    def __init__(self, *args: object, cli: str | None = None) -> None:
        super().__init__(*args)
        self._cli = cli

    def for_cli(self) -> str:
        """The message as the command line shows it."""
        cli = getattr(self, "_cli", None)
        return cli if cli else str(self)


class LoadError(KgConnectError):
    """RDF data could not be loaded; the graph is unchanged.

    Attributes
    ----------
    source : str
        The file path, or ``"<string>"`` / ``"<stream>"`` for data given directly.
    line, column : int or None
        1-based position of the problem, when the parser reports one.
    reason : str
        One line saying what was wrong.
    """

    def __init__(
        self, reason: str, source: str = "<string>", line: int | None = None,
        column: int | None = None, *, cli: str | None = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.line = line
        self.column = column
        self.needs_base = False  # the data holds relative IRIs and no base was given
        where = source
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {reason}", cli=f"{where}: {cli}" if cli else None)


class QueryError(KgConnectError):
    """A SPARQL query or update is malformed, or refused (SERVICE/LOAD without opt-in).

    Attributes
    ----------
    reason : str
        What was wrong.
    query : str
        The query text as the caller wrote it.
    line, column : int or None
        1-based position in ``query``, when known.
    """

    def __init__(
        self, reason: str, query: str = "", line: int | None = None,
        column: int | None = None, *, cli: str | None = None,
    ) -> None:
        self.reason = reason
        self.query = query
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(f"{where}{reason}", cli=f"{where}{cli}" if cli else None)

    def pointer(self) -> str:
        """The offending query line with a caret under the column (empty if unknown)."""
        if self.line is None:
            return ""
        lines = self.query.splitlines() or [""]
        if self.query.endswith("\n"):
            lines.append("")
        if not 1 <= self.line <= len(lines):
            return ""
        text = lines[self.line - 1]
        col = max(1, min(self.column or 1, len(text) + 1))
        return f"{text}\n{' ' * (col - 1)}^"


class QueryTimeout(QueryError):
    """A query ran past its ``timeout`` and was stopped; the graph is unchanged."""


class SaveError(KgConnectError):
    """The graph could not be written; any existing file is left as it was."""


class ValidationError(KgConnectError):
    """Data does not conform to the shapes; ``report`` holds the details."""

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(str(report))


class EndpointError(QueryError):
    """A remote SPARQL endpoint could not be reached or answered with an error.

    A query or update on an endpoint fails with it whatever the cause, so ``except
    QueryError`` catches it as it catches the embedded store's errors. ``status`` is the
    HTTP status when the server answered (``None`` when it could not be reached)."""

    def __init__(self, reason: str, query: str = "", line: int | None = None, column: int | None = None,
                 *, cli: str | None = None, status: int | None = None) -> None:
        super().__init__(reason, query, line, column, cli=cli)
        self.status = status


class KgConnectWarning(UserWarning):
    """Something was done that the user should know about (relative IRIs resolved against a
    default base, a query left running in the background); ``for_cli()`` as for errors."""

    def __init__(self, message: str, *, cli: str | None = None) -> None:
        super().__init__(message)
        self._cli = cli

    def for_cli(self) -> str:
        """The message as the command line shows it."""
        return self._cli or str(self)


class MissingDependencyError(KgConnectError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{package} is needed for this; install it with: pip install 'kg_connect[{extra}]'"
        )
