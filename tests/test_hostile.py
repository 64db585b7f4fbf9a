"""Hostile input: each file is refused with a clear error (or loads safely), in bounded
time and memory, fetches nothing, and leaves the graph as it was."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from kg_connect import KnowledgeGraph, LoadError

SEED = '<https://example.org/seed> <https://example.org/p> "kept" .\n'

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="https://example.org/x"><ex:p>&lol9;</ex:p></rdf:Description>
</rdf:RDF>
"""

QUADRATIC = ("""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY big "{}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="https://example.org/x"><ex:p>{}</ex:p></rdf:Description>
</rdf:RDF>
""".format("x" * 100_000, "&big;" * 2_000))

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="https://example.org/x"><ex:p>&secret;</ex:p></rdf:Description>
</rdf:RDF>
"""

SIMPLE_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY ex "https://example.org/"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">
  <rdf:Description rdf:about="&ex;x"><ex:p>fine</ex:p></rdf:Description>
</rdf:RDF>
"""

REMOTE_CONTEXT = json.dumps({"@context": "https://example.org/context.jsonld",
                             "@id": "https://example.org/x", "name": "x"})


@pytest.fixture
def seeded(backend) -> KnowledgeGraph:
    return KnowledgeGraph(backend=backend).load(SEED)


def assert_refused(kg, data, fmt, match, name="bad"):
    start = time.monotonic()
    with pytest.raises(LoadError, match=match) as info:
        kg.load(data, format=fmt)
    assert time.monotonic() - start < 10
    assert len(kg) == 1 and kg.query("ASK { ?s ?p 'kept' }").boolean
    return info.value


def test_billion_laughs_is_refused_before_parsing(seeded):
    err = assert_refused(seeded, BILLION_LAUGHS, "rdfxml", "nested entities are refused")
    assert (err.line, err.column) == (4, 2)  # the first entity that refers to another


def test_billion_laughs_from_a_file_in_a_separate_process_cannot_kill_it(tmp_path):
    # if the guard failed, pyoxigraph would abort the process: run it apart, memory-capped
    path = tmp_path / "laughs.rdf"
    path.write_text(BILLION_LAUGHS)
    code = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from kg_connect import KnowledgeGraph, LoadError
        try:
            KnowledgeGraph().load({str(path)!r})
        except LoadError as e:
            print("refused:", e)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert f"refused: {path}:4:2: XML entity 'lol1'" in out.stdout


def test_quadratic_blowup_is_refused(seeded):
    assert_refused(seeded, QUADRATIC, "rdfxml", "would expand past 16 MiB")


def test_external_entity_is_refused(seeded):
    err = assert_refused(seeded, EXTERNAL_ENTITY, "rdfxml", "external entity 'secret' refused")
    assert (err.line, err.column) == (2, 21)


def test_simple_text_entities_still_load(seeded):
    seeded.load(SIMPLE_ENTITY, format="rdfxml")
    assert seeded.query("ASK { <https://example.org/x> ?p 'fine' }").boolean


def test_remote_jsonld_context_is_not_fetched(seeded):
    assert_refused(seeded, REMOTE_CONTEXT, "jsonld", "remote JSON-LD @context refused")


@pytest.mark.parametrize("data,fmt,match", [
    ("<https://example.org/a> <https://example.org/b> ", "turtle", "Unexpected end"),
    ('<https://example.org/a> <https://example.org/b> "open', "ntriples", r"<string>:1:49: Unexpected end of file"),
    ("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c ;;; ]", "turtle", r"<string>:2:20: \] is not a valid subject"),
    ('{"@id": "https://example.org/a", "https://example.org/b": ', "jsonld", "Unexpected end of file, a value was expected"),
    ("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description", "rdfxml", "tag not closed"),
    ("<https://example.org/g> { <https://example.org/a> <https://example.org/b> 1 .", "trig", "Unexpected end"),
    ("", "jsonld", "<string>:1:1: Unexpected end of file"),
])
def test_malformed_and_truncated_input(seeded, data, fmt, match):
    err = assert_refused(seeded, data, fmt, match)
    assert err.line is not None, err


def test_latin1_file_is_a_clear_error(seeded, tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes('<https://example.org/a> <https://example.org/b> "café" .'.encode("latin-1"))
    with pytest.raises(LoadError, match=r"latin1.ttl:1:53: byte 0xE9 is not UTF-8: the file seems to be in Latin-1 or Windows-1252; .* iconv"):
        seeded.load(path)
    assert len(seeded) == 1


def test_utf16_file_is_a_clear_error(seeded, tmp_path):
    path = tmp_path / "utf16.ttl"
    path.write_bytes('<https://example.org/a> <https://example.org/b> "x" .'.encode("utf-16"))
    with pytest.raises(LoadError, match="UTF-16 encoded; RDF files in this format must be UTF-8"):
        seeded.load(path)


def test_empty_turtle_file_loads_nothing(seeded, tmp_path):
    path = tmp_path / "empty.ttl"
    path.write_bytes(b"")
    seeded.load(path)
    assert len(seeded) == 1


def test_binary_garbage_is_refused(seeded, tmp_path):
    path = tmp_path / "garbage.nt"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(LoadError):
        seeded.load(path)
    assert len(seeded) == 1


def test_huge_literal_loads_in_bounded_time(seeded):
    big = "x" * 10_000_000
    start = time.monotonic()
    seeded.load(f'<https://example.org/big> <https://example.org/p> "{big}" .', format="ntriples")
    assert time.monotonic() - start < 30
    assert len(seeded) == 2


def test_literal_beyond_the_parser_limit_is_a_clear_error(seeded, tmp_path):
    path = tmp_path / "huge.nt"
    path.write_text(f'<https://example.org/big> <https://example.org/p> "{"x" * 20_000_000}" .\n')
    with pytest.raises(LoadError, match="larger than the parser's 16 MiB limit"):
        seeded.load(path)
    assert len(seeded) == 1


def test_huge_unterminated_literal_is_refused(seeded):
    assert_refused(seeded, '<https://example.org/big> <https://example.org/p> "' + "x" * 5_000_000,
                   "ntriples", "Unexpected end of file")


def test_hostile_labels_load_as_plain_data(seeded):
    seeded.load('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> '
                '"</script><script>alert(1)</script>" .', format="turtle")
    assert seeded.label(__import__("rdflib").URIRef("https://example.org/x")) == "</script><script>alert(1)</script>"
