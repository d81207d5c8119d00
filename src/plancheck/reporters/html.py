"""HTML gap reports: one self-contained file (inline CSS, no scripts, fonts or images).

jinja2 is imported here only, with autoescaping on for every template, so plan
text such as ``<script>`` reaches the page as text. The CSS carries a CJK font
stack of fonts a reader's machine already has and a print stylesheet for A4.
"""

from __future__ import annotations

from typing import Any

from plancheck.reporters.plain import CONTROL
from plancheck.reporters.report import LABELS


def _printable(value: object) -> object:
    """Control characters from plan text have no place in HTML (ESC, BEL): drop them."""
    return CONTROL.sub("", value) if isinstance(value, str) else value


def _environment():  # -> jinja2.Environment
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("plancheck.reporters", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=False, keep_trailing_newline=True, finalize=_printable)


def render_html(*, lang: str, title: str, comparisons: list[dict[str, Any]],
                check: dict[str, Any] | None = None) -> str:
    template = _environment().get_template("report.html.j2")
    heading = LABELS[lang]["check_title"] if check is not None else LABELS[lang]["title"]
    plan_findings = check["plan_findings"] if check is not None else [n for c in comparisons for n in c["notes"]]
    return template.render(lang=lang, t=LABELS[lang], page_title=title, heading=heading, comparisons=comparisons,
                           check=check, plan_findings=plan_findings)


def render_comparison_html(view: dict[str, Any], lang: str) -> str:
    return render_html(lang=lang, title=f"{LABELS[lang]['title']}：{view['title']}" if lang == "zh"
                       else f"{LABELS[lang]['title']}: {view['title']}", comparisons=[view])


def render_check_html(view: dict[str, Any], lang: str) -> str:
    return render_html(lang=lang, title=LABELS[lang]["check_title"], comparisons=view["comparisons"], check=view)
