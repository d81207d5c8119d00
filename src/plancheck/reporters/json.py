"""JSON output with the fields DESIGN.md section 4 fixes; ``schema_version`` guards changes."""

from __future__ import annotations

import json
from typing import Any

from plancheck.findings import Finding

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
        "waiver": finding.extra.get("waiver"),
        "baseline": finding.extra.get("baseline"),
    }


def dumps(document: dict[str, Any]) -> str:
    """Stable bytes: sorted keys are not used (field order is part of readability), but no clocks or hashes."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_findings(findings: list[Finding], **extra: Any) -> str:
    return dumps({"schema_version": SCHEMA_VERSION, **extra, "findings": [finding_to_dict(f) for f in findings]})
