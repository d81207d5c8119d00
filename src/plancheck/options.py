"""What each command was asked to do: the typed options the command line builds and
``plancheck.run`` takes. A path left None means the project's default (docs/design.md,
"Project root"); ``fail_on`` None means the settings decide. Named tuples, not dataclasses:
the command line builds one at every start, and a dataclass costs a millisecond to define."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from plancheck.reporters.formats import ColorChoice, Language, Looks, ReportFormat, Show, use_color


class Listing(NamedTuple):
    """What a findings listing (``check`` and ``validate`` text) lists: ``--show``, ``-q``, and
    whether a progress bar may be drawn on a terminal's standard error."""

    show: Show = Show.warning
    quiet: bool = False
    progress: bool = False


class Header(NamedTuple):
    """The reader's own heading (``--title``) and the report date (``--date``): no clock unless
    asked, so the same inputs give the same bytes."""

    title: str | None = None
    date: str | None = None


class CiOptions(NamedTuple):
    """What the CI formats carry beyond the listing: SARIF passes (``--sarif-passes``)."""

    include_passes: bool = False


class ValidateOptions(NamedTuple):
    paths: list[Path]
    output_format: ReportFormat = ReportFormat.text
    """text or json."""
    rules: Path | None = None
    fail_on: str | None = None
    jobs: int = 0
    lang: Language = Language.zh
    listing: Listing = Listing()
    cache: bool = True
    """Reuse and store results of unchanged files (``--no-cache``: neither)."""


class AuditOptions(NamedTuple):
    plans: list[str]
    plans_dir: Path | None = None
    output_format: ReportFormat = ReportFormat.text
    rules: Path | None = None
    fail_on: str | None = None
    lang: Language = Language.zh


class ReportOptions(NamedTuple):
    """Where and how a gap report is written."""

    output_format: ReportFormat = ReportFormat.text
    lang: Language = Language.zh
    output: Path | None = None
    summary: Path | None = None
    color: bool = False
    listing: Listing = Listing()
    header: Header = Header()
    ci: CiOptions = CiOptions()

    def looks(self) -> Looks:
        """What the reporters need of these options, the report date resolved (``--date today``
        reads the clock, or ``PLANCHECK_TODAY``)."""
        date = self.header.date
        if date is not None:
            import datetime as dt

            from plancheck.failures import UsageError
            from plancheck.waivers import today

            try:
                date = today().isoformat() if date == "today" else dt.date.fromisoformat(date).isoformat()
            except ValueError:
                raise UsageError(f"{date!r} is not a date YYYY-MM-DD or today", "--date") from None
        return Looks(self.lang.value, self.listing.show, self.header.title, date, self.ci.include_passes)


class CompareOptions(NamedTuple):
    lower: str
    upper: str
    report: ReportOptions = ReportOptions()
    plans_dir: Path | None = None
    rules: Path | None = None
    fail_on: str | None = None
    waivers: Path | None = None


class CheckOptions(NamedTuple):
    paths: list[Path]
    report: ReportOptions = ReportOptions()
    rules: Path | None = None
    fail_on: str | None = None
    waivers: Path | None = None
    baseline: Path | None = None
    baseline_create: Path | None = None
    with_relatives: bool = False
    changed_only: str | None = None
    plans_dir: Path | None = None
    jobs: int = 0
    cache: bool = True


class SchemaOptions(NamedTuple):
    output: Path | None = None
    rules: Path | None = None


class ScaffoldOptions(NamedTuple):
    upper: list[str]
    level: str
    output: Path
    plan_id: str = "draft"
    name: str = "某地"
    parent: str | None = None
    force: bool = False
    plans_dir: Path | None = None
    rules: Path | None = None


class ExtractOptions(NamedTuple):
    source: Path
    output: Path
    plan_id: str
    name: str
    level: str
    parent: str | None = None
    force: bool = False
    rules: Path | None = None


class IndicatorsOptions(NamedTuple):
    output_format: ReportFormat = ReportFormat.text
    """text or json."""
    rules: Path | None = None


SUFFIX_FORMATS = {".html": ReportFormat.html, ".htm": ReportFormat.html, ".md": ReportFormat.markdown,
                  ".pdf": ReportFormat.pdf, ".json": ReportFormat.json, ".sarif": ReportFormat.sarif,
                  ".xml": ReportFormat.junit}
"""``-o report.pdf`` means a PDF: the format a file's suffix names, when ``--format`` is not given."""


def listing(show: Show, verbose: bool, quiet: bool) -> Listing:
    """``-v`` is ``--show info``; a progress bar only where a person watches standard error."""
    import sys

    if verbose and show is Show.warning:
        show = Show.info
    return Listing(show, quiet, progress=sys.stderr.isatty())


def report(output_format: ReportFormat | None, lang: Language, output: Path | None, summary: Path | None,
           color: ColorChoice, listing: Listing = Listing(), header: Header = Header(),
           ci: CiOptions = CiOptions()) -> ReportOptions:
    import sys

    if output_format is None:
        output_format = SUFFIX_FORMATS.get(output.suffix.lower(), ReportFormat.text) if output else ReportFormat.text
    to_terminal = output is None and sys.stdout.isatty()
    return ReportOptions(output_format, lang, output, summary, use_color(color, to_terminal), listing, header, ci)
