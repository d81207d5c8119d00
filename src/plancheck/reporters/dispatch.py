"""Pick the reporter for a format. Each reporter module is imported only when chosen,
so a JSON or SARIF run never loads rich or jinja2."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from plancheck.catalog import Catalog
from plancheck.findings import FailLevel, Finding
from plancheck.reporters.formats import Language, ReportFormat, Show
from plancheck.results import CheckResult, Comparison


def render_findings(findings: list[Finding], fmt: ReportFormat, fail_level: FailLevel,
                    plans: list[str] | None = None, *, lang: str = "en", show: Show = Show.all,
                    include_passes: bool = False, annotate: str = "warning", max_annotations: int = 50,
                    plan_files: Mapping[str, str] | None = None) -> str | Iterable[str]:
    """The formats that are a list of located findings (text, json, sarif, junit, github).
    Text and JSON come as a stream of lines, so a national run never holds its whole report.
    ``include_passes`` is SARIF's, ``annotate`` and ``max_annotations`` GitHub's, ``plan_files``
    (plan id → file) JUnit's."""
    if fmt is ReportFormat.json:
        from plancheck.reporters.json import iter_findings
        return iter_findings(findings)
    if fmt is ReportFormat.sarif:
        from plancheck.reporters.sarif import render_sarif
        return render_sarif(findings, include_passes=include_passes)
    if fmt is ReportFormat.junit:
        from plancheck.reporters.junit import render_junit
        return render_junit(findings, fail_level, plans, plan_files=plan_files)
    if fmt is ReportFormat.github:
        from plancheck.reporters.github import render_github
        return render_github(findings, annotate=annotate, max_annotations=max_annotations)
    from plancheck.reporters.plain import iter_findings as iter_plain
    return iter_plain(findings, lang, show)


def render_comparison(comparison: Comparison, catalog: Catalog, fmt: ReportFormat, lang: Language,
                      fail_level: FailLevel, *, width: int | None = 140, color: bool = False) -> str | Iterable[str]:
    if fmt is ReportFormat.json:
        from plancheck.reporters.comparison import comparison_dict
        from plancheck.reporters.json import dumps
        return dumps(comparison_dict(comparison))
    if fmt is ReportFormat.text:
        from plancheck.reporters.text import render_comparison as render_text
        return render_text(comparison, catalog, lang.value, width=width, color=color)
    if fmt in (ReportFormat.markdown, ReportFormat.html):
        from plancheck.reporters.report import comparison_view
        view = comparison_view(comparison, catalog, lang.value)
        if fmt is ReportFormat.markdown:
            from plancheck.reporters.markdown import render_comparison_markdown
            return render_comparison_markdown(view, lang.value)
        from plancheck.reporters.html import render_comparison_html
        return render_comparison_html(view, lang.value)
    return render_findings(comparison.findings + comparison.notes, fmt, fail_level, [comparison.lower.id])


MACHINE_FORMATS = (ReportFormat.json, ReportFormat.sarif, ReportFormat.junit, ReportFormat.github)


def render_load_errors(problems: list[Finding], fmt: ReportFormat, fail_level: FailLevel) -> str | Iterable[str] | None:
    """The report of a comparison whose plans did not load, in a machine format (where a machine
    reads the report, it learns why there is none); None in a human format, where the located
    lines on stderr say it."""
    if fmt not in MACHINE_FORMATS:
        return None
    if fmt is ReportFormat.json:
        from plancheck.reporters.comparison import unloaded_dict
        from plancheck.reporters.json import dumps
        return dumps(unloaded_dict(problems))
    return render_findings(problems, fmt, fail_level, [])


def render_check(result: CheckResult, catalog: Catalog, fmt: ReportFormat, lang: Language,
                 fail_level: FailLevel) -> str | Iterable[str]:
    if fmt in (ReportFormat.markdown, ReportFormat.html):
        from plancheck.reporters.report import check_view
        view = check_view(result.comparisons(), result.findings, catalog, lang.value)
        if fmt is ReportFormat.markdown:
            from plancheck.reporters.markdown import render_check_markdown
            return render_check_markdown(view, lang.value)
        from plancheck.reporters.html import render_check_html
        return render_check_html(view, lang.value)
    return render_findings(result.findings, fmt, fail_level, sorted({h.id for h in result.headers}))
