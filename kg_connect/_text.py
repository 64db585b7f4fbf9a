"""Text from data, made safe to show: control characters visible, long text cut.

Data may hold characters that change how the text around them is shown: a right-to-left
override turns ``report\u202egnp.exe`` into what looks like ``reportexe.png``; NUL and
other control characters vanish or break exports. :func:`visible` replaces each with a
visible mark, so what a person reads is what the data holds. HTML escaping is separate
(``html.escape`` for static HTML, ``textContent`` in the browser).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["clip", "readable_path", "visible"]

#: C0 and C1 controls (but tab and newline), DEL, bidi marks, overrides and isolates,
#: zero-width space, line/paragraph separators and the BOM.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069\ufeff]")


def _mark(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␀ ␁ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\u27e8U+{code:04X}\u27e9"  # ⟨U+202E⟩


def visible(text: str) -> str:
    """``text`` with every invisible or direction-changing character shown as a mark.

    >>> visible("report\\u202egnp.exe"), visible("a\\x00b")
    ('report⟨U+202E⟩gnp.exe', 'a␀b')
    """
    return _HIDDEN.sub(_mark, text) if _HIDDEN.search(text) else text


def clip(text: str, limit: int) -> tuple[str, int]:
    """The first ``limit`` characters of ``text`` and how many were left out.

    >>> clip("abcdef", 4)
    ('abcd', 2)
    """
    if len(text) <= limit:
        return text, 0
    return text[:limit], len(text) - limit


_IRI = re.compile(r"<([^<>\s]*)>")


def readable_path(path_text: str, qname: Any) -> str:
    """A SPARQL path with each ``<iri>`` written as ``qname(iri)`` gives it.

    >>> readable_path("^(<http://www.w3.org/ns/org#member>)", lambda i: "org:member")
    '^(org:member)'
    """
    return _IRI.sub(lambda m: str(qname(m.group(1))), path_text)
