"""The choices a report offers: output formats, languages, colour.

Kept apart from the reporters so the command line can offer them as choices without
importing any reporter: ``plancheck --version`` and ``explain`` stay light.
"""

from __future__ import annotations

import os
from enum import Enum
from typing import NamedTuple


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    pdf = "pdf"
    sarif = "sarif"
    junit = "junit"
    github = "github"


class TextOrJson(str, Enum):
    """The formats of the commands that print plain findings or listings."""

    text = "text"
    json = "json"


class Language(str, Enum):
    zh = "zh"
    en = "en"


class Show(str, Enum):
    """``--show``: the lowest severity a findings listing lists; ``all`` also lists the findings
    that do not count against the run (waived, or already in the baseline)."""

    error = "error"
    warning = "warning"
    info = "info"
    all = "all"


class ColorChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def use_color(choice: ColorChoice, to_terminal: bool) -> bool:
    """``--color``; with ``auto``, NO_COLOR (no-color.org) turns colour off, FORCE_COLOR on,
    and otherwise a terminal on standard output decides (``to_terminal``: the report goes to
    standard output and that is a terminal). A file never gets colour unless asked."""
    if choice is not ColorChoice.auto:
        return choice is ColorChoice.always
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return to_terminal and os.environ.get("TERM") != "dumb"


class Looks(NamedTuple):
    """What a report looks like, apart from its format: the options every reporter may read.
    ``date`` is already resolved (None: the report carries no date)."""

    lang: str = "zh"
    show: Show = Show.warning
    title: str | None = None
    date: str | None = None
    include_passes: bool = False
