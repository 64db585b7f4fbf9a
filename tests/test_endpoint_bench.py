"""The endpoint benchmark runs (a smoke test at 10k triples: its code works; the figures are
the README's, from a full run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_endpoint_benchmark_runs():
    pytest.importorskip("SPARQLWrapper")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "endpoint.py"), "--size", "10k", "--repeat", "1"],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "| 100,000-row SELECT |" in out.stdout and "kg / httpx" in out.stdout
    assert "with the magic's cap of 10,000 rows" in out.stdout
