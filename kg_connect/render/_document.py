"""Self-contained HTML documents of a network view.

One page: vis-network (from the installed pyvis package: no CDN, nothing fetched), the
viewer (``graph.js``/``graph.css``) and the view's data as JSON in a
``<script type="application/json">`` element, escaped so that no string from data can close
it. A Content-Security-Policy of ``default-src 'none'`` forbids the page any network access.
The page works from ``file://`` with the network off, in a light or dark theme.

``lib="shared"`` leaves vis-network out: the page asks the page around it (a notebook
widget, or an exported notebook that carries one copy for all its graphs) to post it in.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from kg_connect.errors import MissingDependencyError

__all__ = ["graph_document", "vis_library", "iframe"]

THEMES = ("light", "dark")
VIS_VERSION = "9.1.2"

_TOOLTIP = ("div.vis-tooltip{position:absolute;visibility:hidden;padding:5px;white-space:nowrap;"
            "pointer-events:none;z-index:5;border:1px solid #808074;background:#f5f4ed;color:#000}")

_LOADER = """<script>
(function () {
  // vis-network comes from the page around this one, once for all its graphs
  window.addEventListener("message", function lib(event) {
    var data = event.data;
    if (event.source !== window.parent || !data || data.kgc !== "lib") return;
    window.removeEventListener("message", lib);
    var style = document.createElement("style");
    style.textContent = data.css;
    document.head.appendChild(style);
    var script = document.createElement("script");
    script.textContent = data.js;
    document.head.appendChild(script);
    var main = document.createElement("script");
    main.textContent = document.getElementById("kgc-viewer").textContent;
    document.body.appendChild(main);
  });
  window.parent.postMessage({ kgc: "graph", type: "need-lib" }, "*");
})();
</script>"""


@lru_cache(maxsize=1)
def vis_library() -> tuple[str, str]:
    """vis-network's JavaScript and the CSS the viewer uses, read from the installed pyvis package."""
    try:
        base = resources.files("pyvis") / "lib" / f"vis-{VIS_VERSION}"
        js = (base / "vis-network.min.js").read_text(encoding="utf-8")
        css = (base / "vis-network.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise MissingDependencyError("pyvis (which carries vis-network)", "notebook") from None
    # of its 220 kB of CSS (editing toolbars, configurator, images) the viewer needs the tooltip
    css = "".join(re.findall(r"div\.vis-tooltip\{[^}]*\}", css)) or _TOOLTIP
    if "</script" in js.lower() or "</style" in css.lower():  # it could not be inlined safely
        raise RuntimeError("this vis-network build cannot be inlined")
    return js, css


@lru_cache(maxsize=8)
def _asset(name: str) -> str:
    return resources.files("kg_connect.render").joinpath(name).read_text(encoding="utf-8")


def json_for_script(data: Any) -> str:
    """JSON that can stand inside a ``<script>`` element: no ``<``, ``>``, ``&`` or line
    separators as such, so no string from data can end the element.

    >>> json_for_script({"label": "</script><img src=x onerror=alert(1)>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def graph_document(doc: dict[str, Any], *, theme: str = "light", title: str = "kg_connect graph",
                   lib: str = "inline", live: bool = False, view: str = "") -> str:
    """The HTML page of a network document (``Network.to_dict()``).

    ``live``: the viewer asks its parent page (a notebook widget) to expand, search and
    focus through the kernel; otherwise it works with the data it carries.
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; expected one of: {', '.join(THEMES)}")
    if lib not in ("inline", "shared"):
        raise ValueError(f"unknown lib {lib!r}; expected one of: inline, shared")
    data = dict(doc, live=live, theme=theme, title=title, view=view)
    kind = doc.get("viewer", "graph")  # "trail": the idea-trail view
    if kind not in ("graph", "trail"):
        raise ValueError(f"unknown viewer {kind!r}")
    viewer = _asset(f"{kind}.js")
    page = _asset("graph.html")
    if lib == "inline":
        js, css = vis_library()
        vis_js = f"<script>{js}</script>"
        main = viewer
    else:
        js = css = ""
        vis_js = f'<script type="text/plain" id="kgc-viewer">{viewer}</script>{_LOADER}'
        main = ""
    parts = {
        "@THEME@": html.escape(theme, quote=True), "@TITLE@": html.escape(title),
        "@VIS_CSS@": css, "@GRAPH_CSS@": _asset("graph.css") + (_asset("trail.css") if kind == "trail" else ""), "@DATA@": json_for_script(data),
        "@VIS_JS@": vis_js, "@GRAPH_JS@": main,
    }
    # one pass: what is put in is never searched again (a label "@VIS_JS@" stays a label)
    return re.sub(r"@[A-Z_]+@", lambda m: parts[m.group(0)], page)


def iframe(document: str, *, height: int = 620, cls: str = "kgc-graph", view: str = "") -> str:
    """The page in a sandboxed iframe (scripts, but no access to the page around it; links
    open in new tabs)."""
    return (f'<iframe class="{cls}" data-kgc-view="{html.escape(view, quote=True)}" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads" '
            f'style="width:100%;height:{int(height)}px;border:0" srcdoc="{html.escape(document, quote=True)}">'
            "</iframe>")
