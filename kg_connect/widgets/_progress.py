"""A progress bar widget for long runs (validation) in notebooks: installed by
``%load_ext kg_connect`` in place of the stderr bar of ``kg_connect._progress``."""

from __future__ import annotations

import ipywidgets

__all__ = ["ProgressBar"]


class ProgressBar:
    """An ``IntProgress`` with a line of text, shown in the output of the running cell."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.bar = ipywidgets.IntProgress(min=0, max=1, description=title)
        self.text = ipywidgets.Label()
        self.box = ipywidgets.HBox([self.bar, self.text])
        from IPython.display import display

        display(self.box)

    def update(self, done: int, total: int, label: str, elapsed: float) -> None:
        self.bar.max = max(total, 1)
        self.bar.value = done
        self.text.value = f"{done}/{total}  {elapsed:.1f} s  {label}"

    def close(self, done: int, total: int, elapsed: float) -> None:
        self.update(done, total, "done", elapsed)
        self.bar.bar_style = "success"
