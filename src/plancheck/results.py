"""What a run produces: the plans it read and the findings about them, one type per command.

These are the only types reporters see (docs/design.md, "Module map"): a reporter is a
function of a result, never of the pipeline that made it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from plancheck.codes import is_load_error
from plancheck.findings import Finding

if TYPE_CHECKING:  # a run that only reuses cached results never builds the plan models
    from plancheck.models import Jurisdiction, Plan
    from plancheck.positions import PositionMap


class Progress(Protocol):
    """Told how far a run has got: a phase (``read``: plan files, ``compare``: plans against
    their ancestors) and its size, then each step done. A reporter draws it (a bar on a
    terminal's standard error); the executor only counts."""

    def phase(self, name: str, total: int) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class Unwatched:
    """The progress of a run nobody watches: nothing is drawn."""

    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


UNWATCHED = Unwatched()


@dataclass(frozen=True, slots=True)
class PlanHeader:
    """What a run needs to know of a plan besides its targets: who it is, who its parent is, and
    which files it was read from (a report is never written over one of them). With ``--jobs``
    the plans stay in the worker processes that read them and the parent holds only these."""

    id: str
    file: str
    path: Path
    jurisdiction: Jurisdiction
    sources: tuple[Path, ...]


@dataclass(frozen=True)
class LoadedPlan:
    """A validated plan with everything needed to point back into its file."""

    plan: Plan
    file: str
    path: Path
    positions: PositionMap

    @property
    def id(self) -> str:
        return self.plan.jurisdiction.id

    def source_path(self, source: str) -> Path:
        """Document sources are relative to the plan file, so plan folders can move."""
        return self.path.parent / source

    @property
    def header(self) -> PlanHeader:
        return PlanHeader(self.id, self.file, self.path, self.plan.jurisdiction,
                          tuple(self.source_path(d.source) for d in self.plan.documents if d.source))


def any_load_error(findings: list[Finding]) -> bool:
    return any(is_load_error(f.code) for f in findings)


@dataclass
class ValidationResult:
    """``validate``: every plan file's own findings (schema, references, sources, quotes)."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    headers: list[PlanHeader] = field(default_factory=list)
    """Every plan read, in file order."""
    plans: list[LoadedPlan] = field(default_factory=list)
    """The plans themselves, in file order, when the run kept them (reports that show targets)."""

    @property
    def has_load_errors(self) -> bool:
        return any_load_error(self.findings)


Pair = tuple[LoadedPlan, LoadedPlan, tuple[str, ...]]
"""A plan, the nearest present ancestor it was compared with, and the links skipped on the way."""


@dataclass
class Comparison:
    """Everything a reporter needs to show one lower plan against one upper plan."""

    lower: LoadedPlan
    upper: LoadedPlan
    findings: list[Finding]
    skipped_links: tuple[str, ...] = ()
    upper_is_ancestor: bool = True
    skipped_present: tuple[str, ...] = ()
    """The skipped links whose own plan is in the plans folder: ``compare xiangtan china`` was asked
    to reach past hunan, which ``check`` would compare in between."""
    notes: list[Finding] = field(default_factory=list)
    """Findings that belong to no row of the comparison: waivers that expired."""


@dataclass
class CheckResult(ValidationResult):
    """``check``: validation, consistency, the hierarchy, and every plan against its ancestor."""

    pairs: list[Pair] = field(default_factory=list)
    """Filled when the plans were kept."""

    def comparisons(self) -> list[Comparison]:
        """The pairs compared, each with its rows as they stand after the run's policy."""
        by_plan: dict[str, list[Finding]] = {}
        for finding in self.findings:
            if finding.row is not None and finding.plan is not None:
                by_plan.setdefault(finding.plan, []).append(finding)
        return [Comparison(lower, upper, by_plan.get(lower.id, []), skipped) for lower, upper, skipped in self.pairs]


@dataclass
class CompareResult:
    """``compare``: the comparison of two plans, or the load errors that prevented it."""

    comparison: Comparison | None
    problems: list[Finding] = field(default_factory=list)

    @property
    def has_load_errors(self) -> bool:
        return self.comparison is None


@dataclass
class AuditResult:
    """``audit``: target-like numbers in the sources that nothing quotes, plan by plan."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    @property
    def has_load_errors(self) -> bool:
        return any_load_error(self.findings)

