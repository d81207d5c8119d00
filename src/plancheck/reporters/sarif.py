"""SARIF 2.1.0 for code-scanning views (GitHub, Azure DevOps, IDE viewers).

One rule per plancheck code, with its documentation as help text; each result at
the plan file's line and column, the ancestor's target as a related location, and
waived findings as suppressions with the waiver's reason as justification. Paths
stay relative to the working directory (``uriBaseId: SRCROOT``) so the same inputs
give the same bytes on every machine.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from plancheck import __version__
from plancheck.code_registry import all_codes
from plancheck.findings import Finding, Severity
from plancheck.reporters.json import dumps

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule_name(name: str) -> str:
    """SARIF rule names are identifiers: weaker-than-ancestor → WeakerThanAncestor."""
    return "".join(part.capitalize() for part in name.replace("_", "-").split("-"))


def _artifact(file: str) -> dict[str, str]:
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute():
        return {"uri": "file://" + quote(str(path), errors="surrogateescape")}  # a name that is not UTF-8: its bytes
    return {"uri": quote(str(path), errors="surrogateescape"), "uriBaseId": "SRCROOT"}


def _physical(file: str | None, line: int | None, column: int | None) -> dict[str, Any] | None:
    if not file:
        return None
    location: dict[str, Any] = {"artifactLocation": _artifact(file)}
    if line is not None:
        region: dict[str, int] = {"startLine": line}
        if column is not None:
            region["startColumn"] = column
        location["region"] = region
    return location


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code, "ruleIndex": rule_index[finding.code], "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
    }
    physical = _physical(finding.file, finding.line, finding.column)
    if physical is not None:
        result["locations"] = [{"physicalLocation": physical}]
    upper = finding.upper
    if upper is not None:
        related = _physical(upper.file, upper.line, upper.column)
        if related is not None:
            result["relatedLocations"] = [{"id": 1, "physicalLocation": related,
                                           "message": {"text": f"the target of {upper.plan} it is compared with"}}]
    properties = {k: v for k, v in (("plan", finding.plan), ("indicator", finding.indicator), ("year", finding.year),
                                    ("verdict", finding.verdict.value if finding.verdict else None)) if v is not None}
    if properties:
        result["properties"] = properties
    baseline = finding.baseline
    if baseline is not None:
        result["baselineState"] = "unchanged" if baseline == "existing" else "new"
    waiver = finding.waiver
    if waiver is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": waiver.reason}]
    return result


def render_sarif(findings: list[Finding]) -> str:
    codes = all_codes()
    rules = []
    rule_index: dict[str, int] = {}
    for i, doc in enumerate(codes.values()):
        rule_index[doc.code] = i
        rules.append({
            "id": doc.code, "name": _rule_name(doc.name),
            "shortDescription": {"text": doc.summary},
            "fullDescription": {"text": doc.doc.strip() or doc.summary},
            "help": {"text": doc.doc.strip() or doc.summary, "markdown": f"**{doc.code} {doc.name}**\n\n{doc.doc.strip()}"},
            "defaultConfiguration": {"level": LEVELS[doc.severity]},
        })
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "plancheck", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, rule_index) for f in findings],
        }],
    }
    return dumps(log)
