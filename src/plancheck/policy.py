"""The run's policy: how much each finding weighs, and whether the run fails.

Checks say what they found (a code); the policy decides what it costs. In order:

1. every finding gets its code's documented severity (``code_registry.default_severity``);
2. the settings disable codes or give them another severity;
3. waivers mark the findings they cover, and report themselves when expired or unused;
4. a baseline marks the findings it already holds as ``existing``.

Load errors (PC0xx) pass through steps 2-4 untouched: a file that cannot be read is never a
pass (docs/design.md, "Findings" and "Exit codes").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plancheck.code_registry import default_severity
from plancheck.codes import is_load_error
from plancheck.findings import FailLevel, Finding, Severity, reaches

if TYPE_CHECKING:
    from plancheck.config import Settings
    from plancheck.waivers import LoadedWaivers

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
"""docs/design.md, "Exit codes"."""


def grade(findings: list[Finding]) -> list[Finding]:
    """Give each finding that has none its code's documented severity (in place: the run owns
    the findings it made, and nothing has seen them yet)."""
    for f in findings:
        if f.severity is None:
            f.severity = default_severity(f.code)
    return findings


def apply_settings(findings: list[Finding], settings: Settings) -> list[Finding]:
    """Grade, then drop disabled codes and apply severity overrides; load errors stay as they are.
    What the settings say is looked up once per code (a national check has a few dozen codes
    and 200,000 findings)."""
    out = []
    rules: dict[str, tuple[bool, Severity | None, Severity]] = {}
    for f in findings:
        rule = rules.get(f.code)
        if rule is None:
            rule = rules[f.code] = _rule(f.code, settings)
        kept, override, default = rule
        if kept:
            f.severity = override if override is not None else f.severity if f.severity is not None else default
            out.append(f)
    return out


def _rule(code: str, settings: Settings) -> tuple[bool, Severity | None, Severity]:
    """Whether ``code``'s findings are kept, the severity the settings give them, and its own."""
    if is_load_error(code):
        return True, None, default_severity(code)
    return code not in settings.disable, settings.severity.get(code), default_severity(code)


@dataclass(frozen=True)
class Policy:
    """Everything that weighs a run's findings, loaded before the run starts."""

    settings: Settings
    fail_level: FailLevel
    waivers: LoadedWaivers | None = None
    """None when the command applies no waivers or there is no waiver file."""
    today: dt.date | None = None
    baseline: Counter | None = None
    """The entries of ``--baseline``, when one was given."""

    def apply(self, findings: list[Finding], judged: set[str] | None = None) -> list[Finding]:
        """Steps 1-4 above. ``judged``: the plans whose waivers this run can judge unused
        (``waivers.apply_waivers``)."""
        findings = apply_settings(findings, self.settings)
        if self.waivers is not None:
            from plancheck.waivers import apply_waivers

            assert self.today is not None
            findings, own = apply_waivers(findings, self.waivers, self.today, judged)
            findings += apply_settings(own, self.settings)  # PC501, PC502 are weighed like any other
        if self.baseline is not None:
            from plancheck.baseline import apply_baseline

            findings = apply_baseline(findings, self.baseline)
        return findings

    def exit_code(self, findings: list[Finding], load_errors: bool) -> int:
        """2 for load errors; 1 when an unwaived finding not in the baseline reaches the fail level; else 0."""
        if load_errors:
            return EXIT_ERROR
        fails = any(reaches(f.severity, self.fail_level) and f.counts_against for f in findings)
        return EXIT_FINDINGS if fails else EXIT_OK
