"""What each command was asked to do: the typed options the command line builds and
``plancheck.run`` takes. A path left None means the project's default (docs/design.md,
"Project root"); ``fail_on`` None means the settings decide. Named tuples, not dataclasses:
the command line builds one at every start, and a dataclass costs a millisecond to define."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from plancheck.reporters.formats import Language, ReportFormat


class ValidateOptions(NamedTuple):
    paths: list[Path]
    output_format: ReportFormat = ReportFormat.text
    """text or json."""
    rules: Path | None = None
    fail_on: str | None = None
    jobs: int = 0


class AuditOptions(NamedTuple):
    plans: list[str]
    plans_dir: Path | None = None
    output_format: ReportFormat = ReportFormat.text
    rules: Path | None = None
    fail_on: str | None = None


class ReportOptions(NamedTuple):
    """Where and how a gap report is written."""

    output_format: ReportFormat = ReportFormat.text
    lang: Language = Language.zh
    output: Path | None = None
    summary: Path | None = None
    color: bool = False


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


class IndicatorsOptions(NamedTuple):
    output_format: ReportFormat = ReportFormat.text
    """text or json."""
    rules: Path | None = None
