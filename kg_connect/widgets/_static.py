"""Live views that leave a static copy behind.

A widget output disappears where there is no kernel: a saved notebook reopened in
JupyterLab shows "Error displaying widget: model not found", nbconvert exports with stored
widget state need a CDN, nbviewer and GitHub show nothing. So a view is displayed as two
outputs: first a static, escaped HTML copy (marked ``kgc-static``), then the live widget.
The widget's front-end hides the copy once it draws; where it cannot draw, the copy stays
and the copy's stylesheet hides the widget's placeholder text.
"""

from __future__ import annotations

import secrets
from typing import Any

__all__ = ["StaticCopy", "new_static_id"]


def new_static_id() -> str:
    return secrets.token_hex(8)


class StaticCopy:
    """Mixin for an ipywidget: ``_ipython_display_`` publishes the static copy, then the widget."""

    static_id: str

    def static_html(self) -> str | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _ipython_display_(self, **kwargs: Any) -> None:
        from IPython.display import display

        html = self.static_html()
        if html is not None:
            # a display id: a view whose state changes (the explorer) keeps its copy up to date
            self._static_handle = display(
                {"text/html": f'<div class="kgc-static" data-kgc-view="{self.static_id}">{html}</div>',
                 "text/plain": repr(self)}, raw=True, display_id=True)
        bundle = self._repr_mimebundle_(**kwargs)  # type: ignore[attr-defined]
        if bundle is None:
            return
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        # no text/plain: a viewer that cannot draw widgets shows nothing here, not a repr
        data = {k: v for k, v in data.items() if k == "application/vnd.jupyter.widget-view+json"}
        display(data, metadata=metadata, raw=True)
