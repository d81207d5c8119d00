"""The names of the output formats and report languages.

Kept apart from the reporters so the command line can offer them as choices without
importing the engine: ``plancheck --version`` and ``explain`` stay as light as they were.
"""

from __future__ import annotations

from enum import Enum


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"
    sarif = "sarif"
    junit = "junit"
    github = "github"


class Language(str, Enum):
    zh = "zh"
    en = "en"
