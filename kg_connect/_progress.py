"""Progress of long runs (validation): a bar on stderr, or whatever the notebook layer installs.

Nothing shows for runs shorter than :data:`DELAY` seconds. The library never imports the
notebook layer: ``%load_ext kg_connect`` (or importing ``kg_connect.widgets``) installs a
widget bar with :func:`set_display`.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Protocol

__all__ = ["Progress", "progress", "set_display"]

DELAY = 1.0


class Display(Protocol):
    def update(self, done: int, total: int, label: str, elapsed: float) -> None: ...

    def close(self, done: int, total: int, elapsed: float) -> None: ...


class _Stderr:
    """``validating  23/61 [#########-----------]  4.2 s  EventShape schema:startDate``"""

    def __init__(self, title: str) -> None:
        self.title = title
        self.width = 0

    def update(self, done: int, total: int, label: str, elapsed: float) -> None:
        filled = int(20 * done / total) if total else 20
        line = f"{self.title} {done:>4}/{total} [{'#' * filled}{'-' * (20 - filled)}] {elapsed:5.1f} s  {label}"
        line = line[:110]
        sys.stderr.write("\r" + line.ljust(self.width))
        sys.stderr.flush()
        self.width = len(line)

    def close(self, done: int, total: int, elapsed: float) -> None:
        self.update(done, total, "done", elapsed)
        sys.stderr.write("\n")
        sys.stderr.flush()


_factory: Callable[[str], Display] = _Stderr


def set_display(factory: Callable[[str], Display] | None) -> None:
    """Use ``factory(title)`` to show progress (``None``: back to the stderr bar)."""
    global _factory
    _factory = factory or _Stderr


class Progress:
    """Counts steps; shows a display once the run has lasted :data:`DELAY` seconds."""

    def __init__(self, title: str, total: int, callback: Callable[[int, int, str], None] | None = None,
                 show: bool = True) -> None:
        self.title, self.total, self.done = title, total, 0
        self.start = time.monotonic()
        self.callback = callback
        self.show = show
        self.display: Display | None = None

    def step(self, label: str = "") -> None:
        self.done += 1
        if self.callback is not None:
            self.callback(self.done, self.total, label)
        elapsed = time.monotonic() - self.start
        if not self.show:
            return
        if self.display is None and elapsed >= DELAY:
            self.display = _factory(self.title)
        if self.display is not None:
            self.display.update(self.done, self.total, label, elapsed)

    def close(self) -> None:
        if self.display is not None:
            self.display.close(self.done, self.total, time.monotonic() - self.start)
            self.display = None


def progress(title: str, total: int, how: Any) -> Progress:
    """``how``: ``None`` (a bar for long runs), ``False`` (nothing), or a callable
    ``(done, total, label)`` called at every step (and no bar)."""
    if how is False:
        return Progress(title, total, show=False)
    if callable(how):
        return Progress(title, total, callback=how, show=False)
    return Progress(title, total)
