"""An on-disk graph survives closing and is read back by another process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from kg_connect import KnowledgeGraph, LoadError

DATA = '<https://example.org/a> <http://xmlns.com/foaf/0.1/name> "Ada" .\n'


def test_write_close_reopen_in_a_new_process(tmp_path):
    store = tmp_path / "store"
    with KnowledgeGraph(path=store) as kg:
        kg.load(DATA, format="ntriples")
        kg.update("INSERT DATA { <https://example.org/b> foaf:name 'Bob' }")
        assert repr(kg) == f"<KnowledgeGraph oxigraph {store}: 2 triples>"
    code = textwrap.dedent(f"""
        from kg_connect import KnowledgeGraph
        kg = KnowledgeGraph(path={str(store)!r})
        print(len(kg), sorted(str(r.n) for r in kg.query("SELECT ?n {{ ?p foaf:name ?n }}")))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "2 ['Ada', 'Bob']"


def test_failed_load_on_disk_leaves_the_store_unchanged(tmp_path):
    store = tmp_path / "store"
    with KnowledgeGraph(path=store) as kg:
        kg.load(DATA, format="ntriples")
        with pytest.raises(LoadError):
            kg.load(DATA + "<broken", format="ntriples")
    with KnowledgeGraph(path=store) as again:
        assert len(again) == 1


def test_a_store_open_elsewhere_is_a_clear_error(tmp_path):
    store = tmp_path / "store"
    kg = KnowledgeGraph(path=store)
    code = f"from kg_connect import KnowledgeGraph; KnowledgeGraph(path={str(store)!r})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "cannot open the store" in out.stderr
    kg.close()
