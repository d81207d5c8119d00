"""Plain ``file:line:column: CODE message`` lines, the format editors and CI logs parse."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from plancheck.findings import FailLevel, Finding, Severity, fail_level_name, reaches

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
"""Control characters other than tab, LF and CR, and the bidirectional overrides and isolates:
never meaningful in plan text; some (ESC, BEL) act on terminals, and the others make a line
read other than it is. Every reporter drops them or shows them as ``\\xNN``."""
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""For one-line terminal output: also CR, C1 controls, Unicode line separators, and the
bidirectional overrides and isolates, which can make a line read other than it is."""


def show_control(text: str, pattern: re.Pattern[str] = CONTROL) -> str:
    """``pattern``'s characters written as ``\\xNN``, so they show instead of acting."""
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def sanitize(text: str) -> str:
    """Make plan-supplied text safe for a terminal: no escape sequences, one line."""
    text = text.replace("\r\n", "\n").replace("\n", "\\n").replace("\t", "\\t")
    return show_control(text, _TERMINAL_CONTROL)


def location(finding: Finding) -> str:
    parts = [finding.file or "<input>"]
    if finding.line is not None:
        parts.append(str(finding.line))
        if finding.column is not None:
            parts.append(str(finding.column))
    return ":".join(sanitize(p) for p in parts)


def render_finding(finding: Finding) -> str:
    line = f"{location(finding)}: {finding.code} {sanitize(finding.message)}"
    if finding.waiver is not None:
        line += f" [waived: {sanitize(finding.waiver.reason)}]"
    if finding.baseline == "existing":
        line += " [existing: in the baseline]"
    return line


def render_findings(findings: list[Finding]) -> str:
    return "".join(iter_findings(findings))


def iter_findings(findings: list[Finding]) -> Iterator[str]:
    for finding in findings:
        yield render_finding(finding) + "\n"


def render_summary(files: int, findings: list[Finding], fail_level: FailLevel) -> str:
    """The last line on stderr: how many findings of each severity, and which ones fail the run."""
    counts = Counter(f.severity for f in findings if f.counts_against)
    waived = sum(1 for f in findings if f.waiver is not None)
    existing = sum(1 for f in findings if f.waiver is None and f.baseline == "existing")
    checked = f"plancheck: {files} file{'s' if files != 1 else ''} checked"
    if not findings:
        return f"{checked}, no findings\n"
    parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
             for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
    if waived:
        parts.append(f"{waived} waived")
    if existing:
        parts.append(f"{existing} existing (baseline)")
    if fail_level is None:
        return f"{checked}: {', '.join(parts)}; none fails the run (--fail-on never)\n"
    failing = sum(n for s, n in counts.items() if reaches(s, fail_level))
    return f"{checked}: {', '.join(parts)}; {failing} at or above {fail_level_name(fail_level)} (--fail-on)\n"


def render_audit_summary(findings: list[Finding]) -> str:
    """The last line of ``audit`` on stderr: how many sentences hold unexplained numbers."""
    from plancheck.checks.audit import UNEXPLAINED_NUMBER

    unexplained = sum(1 for f in findings if f.code == UNEXPLAINED_NUMBER)
    return f"plancheck: {unexplained} unexplained sentence{'s' if unexplained != 1 else ''}\n"
