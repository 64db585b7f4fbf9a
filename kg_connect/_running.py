"""Running a query so that a person can stop it.

Oxigraph cannot abort an evaluation once it has started (oxigraph/oxigraph#1336), and
a Python signal handler only runs between bytecodes, so a query that computes for a
minute in Rust ignores Ctrl-C for that minute. What kg_connect does instead:

- ``timeout=``: the query runs in a separate process, a ``fork`` of this one for stores in
  memory or a new process over a snapshot (``Store.backup``, hard links) of an on-disk
  store. At the deadline, or on an interrupt, that process is killed: nothing goes on
  running. The answer crosses back as W3C TSV or N-Triples, parsed by pyoxigraph.
- no timeout, in an IPython shell or a notebook: the query runs in a worker thread and the
  caller waits in a way an interrupt reaches at once. The engine cannot be stopped, so a
  :class:`~kg_connect.KgConnectWarning` says what still runs: the query goes on until it
  yields its next row, holding a core, and its answer is dropped.
- otherwise (scripts): the query runs in the caller's thread, with no overhead.
- where ``fork`` is missing or unsafe (Windows, macOS), timeouts use the worker thread.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import warnings
from typing import IO, Any

import pyoxigraph as ox

from kg_connect._backends import Backend, RawResult
from kg_connect._backends._base import Stop
from kg_connect.errors import KgConnectError, KgConnectWarning, QueryError, QueryTimeout

__all__ = ["kill_children", "run_query", "write_answer"]

#: query processes running now (pids of forks, Popen objects of workers): ended by
#: :func:`kill_children` when the program itself is ended (the command line's Ctrl-C)
_CHILDREN: set[Any] = set()


def kill_children() -> None:
    """End every query process this process has running (e.g. before exiting on Ctrl-C)."""
    for child in list(_CHILDREN):
        if isinstance(child, int):
            _kill_pid(child)
        else:
            child.kill()
    _CHILDREN.clear()

_LEFT_RUNNING = (
    "the query was interrupted, but Oxigraph cannot stop a running evaluation: it goes on in the "
    "background until it yields its next row, holding one core, and its answer is dropped. "
    "A query run with a timeout runs in a separate process that is ended instead."
)


def run_query(backend: Backend, text: str, *, prefixes: dict[str, str], base_iri: str | None, form: str,
              timeout: float | None) -> RawResult:
    """Run a query in the way that lets its caller stop it (see the module docstring)."""
    if timeout is None:
        if not _interruptible():
            return backend.query(text, prefixes=prefixes, base_iri=base_iri, form=form)
        return _in_thread(backend, text, prefixes, base_iri, form, None)
    way = backend.isolation if _can_fork() else ""
    if way == "fork":
        return _forked(backend, text, prefixes, base_iri, form, timeout)
    if way == "spawn":
        return _spawned(backend, text, prefixes, base_iri, form, timeout)
    return _in_thread(backend, text, prefixes, base_iri, form, timeout)


def _interruptible() -> bool:
    """A person can interrupt: an IPython shell or kernel, in its main thread."""
    if threading.current_thread() is not threading.main_thread():
        return False
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get is not None and get() is not None


def _can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def _stopped(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query was stopped after {timeout:g} s (timeout)",
                        cli=f"the query was stopped after {timeout:g} s (--timeout)")


# ------------------------------------------------------------------ worker thread
def _in_thread(backend: Backend, text: str, prefixes: dict[str, str], base_iri: str | None, form: str,
               timeout: float | None) -> RawResult:
    stop = Stop(timeout)
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["result"] = backend.query(text, prefixes=prefixes, base_iri=base_iri, form=form,
                                              deadline=stop)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            # drop the frames here: they hold pyoxigraph objects that must die in this thread
            exc.__traceback__ = None
            exc.__context__ = None
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="kg_connect-query", daemon=True).start()
    try:
        finished = done.wait(timeout)  # an interrupt reaches this wait at once
    except KeyboardInterrupt:
        stop.cancelled = True
        warnings.warn(KgConnectWarning(_LEFT_RUNNING), stacklevel=4)
        raise
    if not finished:
        stop.cancelled = True
        assert timeout is not None  # noqa: S101 - only a timeout leaves the wait unfinished
        raise _stopped(timeout)
    if isinstance(outcome.get("error"), QueryTimeout) and timeout is not None and stop.due():
        raise _stopped(timeout)  # our deadline (an endpoint's own timeout says so itself)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]  # type: ignore[no-any-return]


# ------------------------------------------------------------------ a separate process
def write_answer(backend: Backend, out: IO[bytes], text: str, prefixes: dict[str, str],
                 base_iri: str | None, form: str) -> None:
    """What a child process does: run the query, write a header line and the answer."""
    try:
        backend.write_answer(text, prefixes=prefixes, base_iri=base_iri, form=form, out=out)
    except QueryError as exc:
        error = {"reason": exc.reason, "line": exc.line, "column": exc.column}
        out.write(json.dumps({"error": error}).encode() + b"\n")
    except KgConnectError as exc:
        out.write(json.dumps({"error": {"reason": str(exc)}}).encode() + b"\n")
    out.flush()


def _forked(backend: Backend, text: str, prefixes: dict[str, str], base_iri: str | None, form: str,
            timeout: float) -> RawResult:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, then leave without running anything of the parent's
        code = 0
        try:
            # Ctrl-C reaches the whole process group: end at once (Python's handler would only
            # run after the engine returns)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                write_answer(backend, out, text, prefixes, base_iri, form)
        except BaseException:  # noqa: BLE001 - a child must never return into the caller's code
            code = 1
        os._exit(code)
    os.close(write_end)
    _CHILDREN.add(pid)
    status = None
    try:
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            data = _collect(pipe, timeout, lambda: _kill_pid(pid))
    finally:
        _, status = os.waitpid(pid, 0)  # reap the child, killed or done
        _CHILDREN.discard(pid)
    return _answer(data, os.waitstatus_to_exitcode(status), text)


def _spawned(backend: Backend, text: str, prefixes: dict[str, str], base_iri: str | None, form: str,
             timeout: float) -> RawResult:
    request = json.dumps({"store": backend.snapshot(), "text": text, "prefixes": prefixes,
                          "base_iri": base_iri, "form": form, "union": backend.union}).encode()
    child = subprocess.Popen([sys.executable, "-m", "kg_connect._worker"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None  # noqa: S101 - PIPEs were asked for
    _CHILDREN.add(child)
    try:
        child.stdin.write(request)
        child.stdin.close()
        data = _collect(child.stdout, timeout, child.kill)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        _CHILDREN.discard(child)
        child.stdout.close()
        if child.stderr is not None:
            child.stderr.close()
    return _answer(data, child.returncode, text)


def _collect(pipe: Any, timeout: float, kill: Any) -> bytes:
    """Read the child's answer until it closes the pipe; kill it at the deadline or on an
    interrupt (select() is interruptible)."""
    import time

    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                kill()
                raise _stopped(timeout)
            ready, _, _ = select.select([pipe], [], [], left)
            if not ready:
                continue
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    except BaseException:
        kill()
        raise


def _kill_pid(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _answer(data: bytes, code: int, text: str) -> RawResult:
    head, _, body = data.partition(b"\n")
    if code == -signal.SIGINT:  # Ctrl-C reached the query's process group: the caller was interrupted too
        raise KeyboardInterrupt
    if code != 0 or not head:
        raise QueryError(f"the query process ended unexpectedly (exit status {code})", text)
    header = json.loads(head)
    if "error" in header:
        error = header["error"]
        raise QueryError(error["reason"], text, error.get("line"), error.get("column"))
    from kg_connect._terms import to_rdflib

    if header["form"] == "ASK":
        return RawResult("ASK", boolean=bool(header["boolean"]))
    if header["form"] in ("CONSTRUCT", "DESCRIBE"):
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        return RawResult(header["form"], triples=triples, convert=to_rdflib)
    solutions = ox.parse_query_results(body, format=ox.QueryResultsFormat.TSV)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return RawResult("SELECT", vars=names, rows=[tuple(s) for s in solutions], convert=to_rdflib)  # type: ignore[union-attr]
