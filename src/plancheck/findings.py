"""Findings: the one currency that checks produce and reporters consume.

A check names the key path of what it is talking about and the code of what it found; the
pipeline resolves the path to a line and column (through the loader's position map) and the
run's policy attaches the severity (the code's documented default, then the settings). So a
check knows neither file positions nor severities, and both are decided in one place each
(docs/design.md, "Findings").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from plancheck.reason import Reason

KeyPath = tuple[str | int, ...]


class Severity(str, Enum):
    """Ordered severities; the fail level compares against this order."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls(text.lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Verdict(str, Enum):
    """Fixed by docs/design.md ("Verdicts"); scripts rely on these exact strings."""

    STRICTER = "stricter"
    EQUAL = "equal"
    WEAKER = "weaker"
    MISSING = "missing"
    UNQUANTIFIED = "unquantified"
    DEFERRED = "deferred"
    NOT_APPLICABLE = "not_applicable"
    CONDITION_UNKNOWN = "condition_unknown"
    NOT_COMPARABLE = "not_comparable"
    OUT_OF_HORIZON = "out_of_horizon"
    CONFLICT = "conflict"


PASSING = frozenset({Verdict.STRICTER, Verdict.EQUAL})
"""The verdicts of a lower target that meets its upper one: what every report counts as a pass."""
SET_ASIDE = frozenset({Verdict.NOT_APPLICABLE, Verdict.OUT_OF_HORIZON})
"""The verdicts of an upper target that does not bind the lower plan (its level, its horizon)."""


@dataclass(slots=True)  # not frozen: a frozen dataclass pays per field on creation, and there is a row per target pair
class Row:
    """One upper-level target (indicator, year, scope) and what the lower plan does about it."""

    indicator: str
    year: int | None
    scope: str | None
    verdict: Verdict
    reason: Reason
    upper_index: int
    lower_index: int | None
    gap: float | None = None
    approximate: bool = False
    """Equal only within the tolerance of a 左右 (PC211)."""
    others: tuple[int, ...] = ()
    """The lower plan's other statements that could have answered the upper target."""
    upper_others: tuple[int, ...] = ()
    """The upper plan's other statements of the same requirement (``upper_index`` is the firmest)."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a target stands in its plan file: the upper side of a comparison row."""

    plan: str
    file: str
    line: int | None
    column: int | None


@dataclass(frozen=True, slots=True)
class WaiverNote:
    """The waiver that covers a finding, as the reports show it."""

    reason: str
    expires: str | None
    file: str

    def as_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "expires": self.expires, "file": self.file}


@dataclass(slots=True, eq=True)
class Finding:
    """One problem or observation, located in a plan file where possible.

    ``severity`` is None until the run's policy grades the finding (``policy.grade``); a
    reporter only ever sees graded findings. ``row`` and ``upper`` are set for the rows of a
    comparison, ``waiver`` and ``baseline`` by the policy.

    Treated as immutable once the run has completed it (located and graded it):
    ``dataclasses.replace`` makes changed copies. Not declared frozen: a frozen dataclass
    pays for every field on creation, and a national check creates a few hundred thousand."""

    code: str
    message: str
    plan: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: KeyPath = ()
    indicator: str | None = None
    year: int | None = None
    verdict: Verdict | None = None
    severity: Severity | None = None
    row: Row | None = None
    upper: Location | None = None
    waiver: WaiverNote | None = None
    baseline: str | None = None
    """``new`` or ``existing`` when the run compared its findings with a baseline."""

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.file or "",
            self.line or 0,
            self.column or 0,
            self.code,
            self.message,
        )

    @property
    def counts_against(self) -> bool:
        """Waived findings and findings a baseline already holds are shown but do not fail a run."""
        return self.waiver is None and self.baseline != "existing"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Stable, input-order-independent order, so reports are byte-identical."""
    return sorted(findings, key=Finding.sort_key)


FailLevel = Severity | None
"""The lowest severity that fails a run; ``None`` is ``--fail-on never`` (report, never fail)."""


def parse_fail_level(text: str) -> FailLevel:
    if text.lower() == "never":
        return None
    try:
        return Severity.parse(text)
    except ValueError:
        raise ValueError(f"unknown fail level {text!r} (expected one of: info, warning, error, never)") from None


def reaches(severity: Severity | None, fail_level: FailLevel) -> bool:
    return fail_level is not None and severity is not None and severity.rank >= fail_level.rank


def fail_level_name(fail_level: FailLevel) -> str:
    return "never" if fail_level is None else fail_level.value
