"""Findings: the one currency that checks produce and reporters consume.

A check never knows file positions; it names the key path of what it is talking
about, and the engine resolves that path to a line and column through the
loader's position map. That keeps checks pure and positions exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

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


@dataclass(slots=True, eq=True)
class Finding:
    """One problem or observation, located in a plan file where possible.

    Treated as immutable (``dataclasses.replace`` makes changed copies), but not declared
    frozen: a frozen dataclass pays for every field on creation, and a national check
    creates a few hundred thousand findings."""

    code: str
    severity: Severity
    message: str
    plan: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: KeyPath = ()
    indicator: str | None = None
    year: int | None = None
    verdict: Verdict | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def located(self, file: str, line: int | None, column: int | None) -> Finding:
        return Finding(self.code, self.severity, self.message, self.plan, file, line, column, self.path,
                       self.indicator, self.year, self.verdict, self.extra)

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.file or "",
            self.line or 0,
            self.column or 0,
            self.code,
            self.message,
        )


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


def reaches(severity: Severity, fail_level: FailLevel) -> bool:
    return fail_level is not None and severity.rank >= fail_level.rank


def fail_level_name(fail_level: FailLevel) -> str:
    return "never" if fail_level is None else fail_level.value


def exit_code_for(findings: list[Finding], fail_level: FailLevel) -> int:
    """0 when nothing unwaived reaches the fail level, 1 otherwise (load errors are handled earlier)."""
    return 1 if any(reaches(f.severity, fail_level) and counts_against(f) for f in findings) else 0


def counts_against(finding: Finding) -> bool:
    """Waived findings and findings a baseline already holds are shown but do not fail a run."""
    return "waiver" not in finding.extra and finding.extra.get("baseline") != "existing"
