"""Pick the reporter for a format. Each reporter module is imported only when chosen,
so a JSON or SARIF run never loads rich or jinja2."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from plancheck.findings import FailLevel, Finding
from plancheck.reporters.formats import Looks, ReportFormat, Show
from plancheck.results import CheckResult, Comparison

if TYPE_CHECKING:  # a validate listing its findings needs no catalogue
    from plancheck.catalog import Catalog
    from plancheck.reporters.html import PageLayout


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


def render_comparison(comparison: Comparison, catalog: Catalog, fmt: ReportFormat, fail_level: FailLevel,
                      looks: Looks = Looks(), *, width: int | None = 140,
                      color: bool = False) -> str | Iterable[str] | bytes:
    """PDF comes as bytes: the HTML report laid out on A4 (``reporters.pdf``)."""
    if fmt is ReportFormat.json:
        from plancheck.reporters.comparison import comparison_dict
        from plancheck.reporters.json import dumps
        return dumps(comparison_dict(comparison))
    if fmt is ReportFormat.text:
        from plancheck.reporters.text import render_comparison as render_text
        return render_text(comparison, catalog, looks.lang, width=width, color=color)
    if fmt in (ReportFormat.markdown, ReportFormat.html, ReportFormat.pdf):
        from plancheck.reporters.report import comparison_report
        view = comparison_report(comparison, catalog, looks)
        if fmt is ReportFormat.markdown:
            from plancheck.reporters.markdown import render_comparison_markdown
            return render_comparison_markdown(view, looks.lang)
        from plancheck.reporters.html import render_comparison_html
        if fmt is ReportFormat.pdf:
            from plancheck.reporters.pdf import render_pdf
            return render_pdf(render_comparison_html(view, looks.lang))
        return render_comparison_html(view, looks.lang)
    return _ci_findings(comparison.findings + comparison.notes, fmt, fail_level, [comparison.lower.id], looks)


def _ci_findings(findings: list[Finding], fmt: ReportFormat, fail_level: FailLevel, plans: list[str],
                 looks: Looks) -> str | Iterable[str]:
    """The CI formats (and check's text listing) with what the options say of them."""
    return render_findings(findings, fmt, fail_level, plans, lang=looks.lang, show=looks.show,
                           include_passes=looks.include_passes, annotate=looks.show.value)


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


def render_check(result: CheckResult, catalog: Catalog, fmt: ReportFormat, fail_level: FailLevel,
                 looks: Looks = Looks(), *,
                 layout: PageLayout | None = None) -> str | Iterable[str] | bytes | dict[str, str]:
    """``layout``: an HTML report split into an index and a page per plan (``html.PageLayout``)."""
    if fmt is ReportFormat.pdf:
        _refuse_a_pdf_of_many(len(result.comparisons()))
    if fmt in (ReportFormat.markdown, ReportFormat.html, ReportFormat.pdf):
        from plancheck.reporters.report import check_report
        view = check_report(result.comparisons(), result.findings, catalog, looks)
        if fmt is ReportFormat.markdown:
            from plancheck.reporters.markdown import render_check_markdown
            return render_check_markdown(view, looks.lang)
        from plancheck.reporters.html import render_check_html
        if fmt is ReportFormat.pdf:
            from plancheck.reporters.pdf import render_pdf
            return render_pdf(render_check_html(view, looks.lang))
        return render_check_html(view, looks.lang, layout)
    return _ci_findings(result.findings, fmt, fail_level, sorted({h.id for h in result.headers}), looks)


def _refuse_a_pdf_of_many(compared: int) -> None:
    """A PDF is one document laid out page by page: past the size an HTML report splits at, it
    would take WeasyPrint many minutes and hundreds of pages no one prints. Refused at once."""
    from plancheck.failures import Refused
    from plancheck.reporters.html import SPLIT_ABOVE

    if compared > SPLIT_ABOVE:
        raise Refused(f"a PDF of {compared} compared plans is too long to lay out (at most {SPLIT_ABOVE}): write "
                      "HTML pages with -f html -o FOLDER, or a PDF per plan with compare")
