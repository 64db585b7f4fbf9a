"""Real SPARQL servers for the tests, started per test module and stopped after: Oxigraph
server (the ``oxigraph`` package's ``oxigraph serve``) and Debian's Virtuoso 7.2, from a copy
of its ini with our own folder and ports (DESIGN.md). In CI a missing server fails the tests;
elsewhere they are skipped with the reason."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _oxigraph_cli() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def _wait_until_up(url: str, proc: subprocess.Popen, seconds: float, log, name: str) -> None:  # type: ignore[type-arg]
    """Until the server at ``url`` answers an ASK; fail with its log if it died or took too long."""
    end = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > end:
                proc.kill()
                raise AssertionError(f"{name} did not start: {log()}") from None
            time.sleep(0.2)


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    cli = _oxigraph_cli()
    if cli is None:
        if os.environ.get("CI"):
            pytest.fail("the oxigraph server (pip package 'oxigraph', in the test extra) is missing")
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = _free_port()
    proc = subprocess.Popen([cli, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    _wait_until_up(f"{base}/query", proc, 30, lambda: proc.stderr.read().decode()[:500], "oxigraph serve")
    yield {"query": f"{base}/query", "update": f"{base}/update"}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


# ---------------------------------------------------------------------- Virtuoso
VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
STORY_GRAPH = "urn:kg-connect:test:story"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """Debian's Virtuoso 7.2, from a copy of its ini with our own folder and ports (DESIGN.md)."""
    import re

    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.exists():
        if os.environ.get("CI"):
            pytest.fail("virtuoso-opensource is missing (make test installs it with apt-get)")
        pytest.skip("virtuoso-opensource is not installed (apt-get install virtuoso-opensource)")
    here = tmp_path_factory.mktemp("virtuoso")
    isql_port, http_port = _free_port(), _free_port()
    ini = VIRTUOSO_INI.read_text()
    ini = ini.replace("/var/lib/virtuoso-opensource-7/db/", f"{here}/")
    ini = re.sub(r"(?m)^ServerPort\s*=\s*1111", f"ServerPort = {isql_port}", ini)
    ini = re.sub(r"(?m)^ServerPort\s*=\s*8890", f"ServerPort = {http_port}", ini)
    ini = re.sub(r"(?m)^DirsAllowed\s*=\s*", f"DirsAllowed = {here}, ", ini)
    (here / "virtuoso.ini").write_text(ini)
    proc = subprocess.Popen([binary, "+configfile", str(here / "virtuoso.ini"), "+foreground"], cwd=here,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    _wait_until_up(f"{base}/sparql", proc, 90, lambda: (here / "virtuoso.log").read_text()[-800:]
                   if (here / "virtuoso.log").exists() else "", "virtuoso")
    yield {"query": f"{base}/sparql", "update": f"{base}/sparql-auth", "isql": isql_port}
    isql = shutil.which("isql-vt")
    if isql:
        subprocess.run([isql, str(isql_port), "dba", "dba", "exec=shutdown;"], capture_output=True, timeout=30)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


