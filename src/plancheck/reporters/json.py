"""JSON output with the fields docs/design.md ("JSON output") fixes; ``schema_version`` guards changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from plancheck.findings import Finding, Severity, Verdict

SCHEMA_VERSION = 1


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "plan": finding.plan,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "indicator": finding.indicator,
        "year": finding.year,
        "verdict": finding.verdict.value if finding.verdict is not None else None,
        "message": finding.message,
        "waiver": finding.waiver.as_dict() if finding.waiver is not None else None,
        "baseline": finding.baseline,
    }


def dumps(document: dict[str, Any]) -> str:
    """Stable bytes: sorted keys are not used (field order is part of readability), but no clocks or hashes."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_findings(findings: list[Finding], **extra: Any) -> str:
    return "".join(iter_findings(findings, **extra))


def iter_findings(findings: list[Finding], **extra: Any) -> Iterator[str]:
    """One finding per line: readable, greppable, and streamed (a national check has a hundred
    thousand findings; indenting every field, or holding the whole text in memory, would
    dominate the run)."""
    head = json.dumps({"schema_version": SCHEMA_VERSION, **extra}, ensure_ascii=False)[:-1]
    if not findings:
        yield head + ', "findings": []}\n'
        return
    line = _line_writer()
    yield head + ', "findings": [\n'
    last = len(findings) - 1
    for i, finding in enumerate(findings):
        yield "    " + line(finding) + (",\n" if i < last else "\n")
    yield "]}\n"


def _line_writer() -> Callable[[Finding], str]:
    """``json.dumps(finding_to_dict(finding), ensure_ascii=False)``, byte for byte, written
    field by field: the fields are strings, small integers and nulls, so json's C string
    escaper is all the encoding they need, and building a dict per finding for the general
    encoder costs half as much again on a national check. A finding with a waiver or baseline
    note goes through the general encoder."""
    from json.encoder import encode_basestring as text

    general = json.JSONEncoder(ensure_ascii=False).encode
    codes: dict[str, str] = {}
    files: dict[str | None, str] = {None: "null"}  # a plan's findings share its id and file
    enums = {member: text(member.value) for member in (*Severity, *Verdict)}  # Enum.value is a slow property
    enums[None] = "null"

    def line(finding: Finding) -> str:
        if finding.waiver is not None or finding.baseline is not None:
            return general(finding_to_dict(finding))
        code = codes.get(finding.code)
        if code is None:
            code = codes[finding.code] = text(finding.code)
        plan, file = files.get(finding.plan), files.get(finding.file)
        if plan is None:
            plan = files[finding.plan] = text(finding.plan)  # type: ignore[arg-type]
        if file is None:
            file = files[finding.file] = text(finding.file)  # type: ignore[arg-type]
        at, column, indicator, year = finding.line, finding.column, finding.indicator, finding.year
        return (f'{{"code": {code}, "severity": {enums[finding.severity]}, "plan": {plan}, "file": {file}, '
                f'"line": {"null" if at is None else int.__repr__(at)}, '
                f'"column": {"null" if column is None else int.__repr__(column)}, '
                f'"indicator": {"null" if indicator is None else text(indicator)}, '
                f'"year": {"null" if year is None else int.__repr__(year)}, "verdict": {enums[finding.verdict]}, '
                f'"message": {text(finding.message)}, "waiver": null, "baseline": null}}')

    return line
