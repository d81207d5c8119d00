"""A progress bar on a terminal's standard error, for runs over many plan files.

It is drawn only where a person watches (``Listing.progress``: standard error is a
terminal) and vanishes when the run ends (``transient``), so nothing of it reaches a report,
a pipe or a log. rich is imported only when a bar is drawn.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

PHASES = {"zh": {"read": "读取规划", "compare": "上下级对照"}, "en": {"read": "reading plans", "compare": "comparing"}}

MIN_FILES = 20
"""Fewer files than this finish before a bar would be worth drawing."""


class TerminalProgress:
    """``results.Progress`` as a rich bar: one task per phase, the finished phase left complete."""

    def __init__(self, lang: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.words = PHASES[lang]
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True)
        self.task: Any = None

    def __enter__(self) -> TerminalProgress:
        self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.bar.stop()

    def phase(self, name: str, total: int) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[-1].total)
        self.task = self.bar.add_task(self.words.get(name, name), total=total)

    def advance(self, steps: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, steps)
