"""The package surface: a small facade, data files inside the wheel, a clean install."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import textwrap
import venv

import pytest

import kg_connect
from conftest import ROOT


def test_public_api_is_small_and_explicit():
    assert sorted(kg_connect.__all__) == sorted([
        "KGC", "PREFIXES", "EndpointError", "KgConnectError", "KgConnectWarning", "KnowledgeGraph", "LoadError",
        "MissingDependencyError", "QueryError", "QueryTimeout", "Results", "SaveError", "ValidationError",
        "ValidationReport", "__version__", "explore", "load_ipython_extension", "ontology_graph", "shapes_graph",
        "validate", "IdeaTrail", "trace", "spread", "flows", "network_model", "introductions", "explore_idea",
        "explore_shape", "import_sheets", "export_sheets",
    ])
    for name in kg_connect.__all__:
        assert hasattr(kg_connect, name)


def test_every_error_derives_from_the_root():
    for name in ("LoadError", "QueryError", "SaveError", "ValidationError", "EndpointError",
                 "MissingDependencyError"):
        assert issubclass(getattr(kg_connect, name), kg_connect.KgConnectError)


def test_import_has_no_heavy_side_effects():
    code = "import sys, kg_connect; print(sorted(m for m in ('pyshacl', 'IPython', 'ipywidgets', 'pandas', 'networkx') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_wheel_ships_ontology_and_shapes(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-w", str(dist), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel, = dist.glob("kg_connect-*.whl")
    import zipfile
    names = zipfile.ZipFile(wheel).namelist()
    for f in ("kg_connect/ontology/kg_connect.ttl", "kg_connect/ontology/shapes.ttl",
              "kg_connect/ontology/vocabularies.ttl", "kg_connect/ontology/README.md", "kg_connect/py.typed",
              "kg_connect/queries/idea-trail.rq", "kg_connect/render/results.css",
              "kg_connect/widgets/results.js", "kg_connect/widgets/editor.js", "kg_connect/widgets/editor.css",
              "kg_connect/importers/sheets-metadata.json", "kg_connect/importers/story-sheets.json"):
        assert f in names, f
    # a fresh venv with only the wheel; dependencies come from this venv's site-packages
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    fresh_site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                capture_output=True, text=True, check=True).stdout.strip()
    with open(f"{fresh_site}/zz_deps.pth", "w") as fh:
        fh.write(sysconfig.get_paths()["purelib"] + "\n")
    code = textwrap.dedent(f"""
        import kg_connect
        assert kg_connect.__file__.startswith({str(env_dir)!r}), kg_connect.__file__
        from kg_connect import KnowledgeGraph, ontology_graph, shapes_graph, KGC
        print(len(ontology_graph()) > 400, len(shapes_graph()) > 200, (KGC.Idea, None, None) in ontology_graph())
        kg = KnowledgeGraph().load('<https://e.org/p> a <http://xmlns.com/foaf/0.1/Person> .')
        print(kg.validate().conforms)
        from kg_connect.queries import catalogue
        print(len(catalogue()) >= 10)
    """)
    out = subprocess.run([str(py), "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "True", "False", "True"]


def test_the_repository_stands_alone():
    """No tracked file refers to data beside the checkout: a bare clone has all it needs."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    files = listed.stdout.split() if listed.returncode == 0 else [
        str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    offenders = []
    for name in files:
        path = ROOT / name
        if not path.is_file() or path.suffix in (".gz", ".zip", ".png"):
            continue
        text = path.read_bytes()
        if b"../" + b"shared" in text or b'parent / "' + b'shared"' in text:
            offenders.append(name)
    assert offenders == [], offenders
