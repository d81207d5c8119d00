"""Baselines: adopt the checker on a backlog of plans without drowning in old findings.

A baseline records today's findings by what they mean (plan, code, indicator, year,
scope), never by line number, so editing a plan above a finding does not make it "new".
With ``--baseline`` a finding that the baseline holds is marked ``existing``: it is still
reported, in every format, but it no longer fails the run; everything else is ``new``.
Identical keys are counted, so a second finding of the same kind is new.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

from plancheck.catalog import ConfigError
from plancheck.findings import Finding, Severity

BASELINE_VERSION = 1
Key = tuple[str, str, str, str, str]


def finding_key(finding: Finding) -> Key:
    row = finding.extra.get("row")
    scope = (row.scope or "") if row is not None else ""
    year = "" if finding.year is None else str(finding.year)
    return (finding.plan or finding.file or "", finding.code, finding.indicator or "", year, scope)


def render_baseline(findings: list[Finding]) -> str:
    entries = sorted(finding_key(f) for f in findings)
    return json.dumps({
        "schema_version": BASELINE_VERSION,
        "findings": [dict(zip(("plan", "code", "indicator", "year", "scope"), key, strict=True)) for key in entries],
    }, ensure_ascii=False, indent=2) + "\n"


def load_baseline(path: Path) -> Counter[Key]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["findings"]
        if data.get("schema_version") != BASELINE_VERSION or not isinstance(entries, list):
            raise ValueError(f"expected schema_version {BASELINE_VERSION} and a findings list")
        return Counter((str(e["plan"]), str(e["code"]), str(e["indicator"]), str(e["year"]), str(e["scope"]))
                       for e in entries)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError([Finding("PC016", Severity.ERROR, f"cannot read baseline: {detail}",
                                   file=str(path), line=getattr(exc, "lineno", None),
                                   column=getattr(exc, "colno", None))]) from None


def apply_baseline(findings: list[Finding], baseline: Counter[Key]) -> list[Finding]:
    remaining = Counter(baseline)
    out = []
    for f in findings:
        key = finding_key(f)
        state = "existing" if remaining[key] > 0 else "new"
        if state == "existing":
            remaining[key] -= 1
        out.append(replace(f, extra={**f.extra, "baseline": state}))
    return out
