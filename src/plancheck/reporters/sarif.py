"""SARIF 2.1.0 for code-scanning views (GitHub, Azure DevOps, IDE viewers).

One rule per plancheck code, with its documentation as help text; each result at
the plan file's line and column, the ancestor's target as a related location, and
waived findings as suppressions with the waiver's reason as justification. Paths
stay relative to the working directory (``uriBaseId: SRCROOT``) so the same inputs
give the same bytes on every machine.

Only problems are results by default: GitHub code scanning opens an alert for every
result whatever its ``kind``, so a target that is met must not be one. What counts as a
problem, and what ``include_passes`` adds, is in docs/design.md ("CI reports").
"""

from __future__ import annotations

import functools
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from plancheck import __version__
from plancheck.code_registry import all_codes
from plancheck.findings import PASSING, SET_ASIDE, Finding, Severity
from plancheck.reporters.json import dumps

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
URL_LABELS = ("documentation", "homepage", "repository", "source")
"""The ``[project.urls]`` labels tried, in this order, for the tool's and the rules' documentation."""


def is_problem(finding: Finding) -> bool:
    """A warning or an error, whatever its verdict: what a CI user must look at (the settings
    decide severities, so a code raised to warning is a problem and one lowered to info is not)."""
    return finding.severity is not None and finding.severity.rank >= Severity.WARNING.rank


def kind(finding: Finding) -> str:
    """SARIF's ``kind``: ``fail`` for a problem, ``pass`` for a target met (stricter or equal)
    at info, ``notApplicable`` for one that does not bind or lies beyond the horizon, and
    ``informational`` for the rest at info (deferred, not comparable, a skipped link)."""
    if is_problem(finding):
        return "fail"
    if finding.verdict in PASSING:
        return "pass"
    if finding.verdict in SET_ASIDE:
        return "notApplicable"
    return "informational"


@functools.cache
def documentation_url() -> str | None:
    """The project's documentation from the installed package's metadata (``[project.urls]``),
    if it is an absolute http(s) URL: SARIF requires ``informationUri`` and ``helpUri`` to be
    absolute (the Multitool's SARIF1005 is an error), so without one neither is written."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("plancheck").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    urls: dict[str, str] = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls.setdefault(label.strip().lower(), url.strip())
    for label in URL_LABELS:
        url = urls.get(label, "")
        if url.startswith(("https://", "http://")):
            return url
    return None


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
    result: dict[str, Any] = {"ruleId": finding.code, "ruleIndex": rule_index[finding.code]}
    result_kind = kind(finding)
    if result_kind == "fail":  # SARIF's default kind
        result["level"] = LEVELS[finding.severity]
    else:  # the spec: a result of any other kind has level none
        result["kind"] = result_kind
        result["level"] = "none"
    result["message"] = {"text": finding.message}
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


def _rules(url: str | None) -> list[dict[str, Any]]:
    rules = []
    for doc in all_codes().values():
        text = doc.doc.strip() or doc.summary
        rule: dict[str, Any] = {
            "id": doc.code, "name": _rule_name(doc.name),
            "shortDescription": {"text": doc.summary},
            "fullDescription": {"text": text},
        }
        if url is not None:
            rule["helpUri"] = url
        rule["help"] = {"text": text, "markdown": f"**{doc.code} {doc.name}**\n\n{doc.doc.strip()}"}
        rule["defaultConfiguration"] = {"level": LEVELS[doc.severity]}
        rules.append(rule)
    return rules


def render_sarif(findings: list[Finding], *, include_passes: bool = False) -> str:
    """``include_passes``: every finding is a result, each with its ``kind`` (for viewers that
    honour it, which GitHub does not); by default only the problems (``is_problem``)."""
    url = documentation_url()
    rule_index = {code: i for i, code in enumerate(all_codes())}
    driver: dict[str, Any] = {"name": "plancheck", "fullName": f"plancheck {__version__}", "version": __version__,
                              "semanticVersion": __version__}
    if url is not None:
        driver["informationUri"] = url
    driver["rules"] = _rules(url)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, rule_index) for f in findings if include_passes or is_problem(f)],
        }],
    }
    return dumps(log)
