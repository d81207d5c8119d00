"""JSON output with the fields DESIGN.md section 4 fixes; ``schema_version`` guards changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
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
    return "".join(iter_findings(findings, **extra))


def iter_findings(findings: list[Finding], **extra: Any) -> Iterator[str]:
    """One finding per line: readable, greppable, written by the C encoder and streamed (a
    national check has a hundred thousand findings; indenting every field, or holding the
    whole text in memory, would dominate the run)."""
    head = json.dumps({"schema_version": SCHEMA_VERSION, **extra}, ensure_ascii=False)[:-1]
    if not findings:
        yield head + ', "findings": []}\n'
        return
    encode = _line_encoder()
    yield head + ', "findings": [\n'
    last = len(findings) - 1
    for i, finding in enumerate(findings):
        yield "    " + encode(finding_to_dict(finding)) + (",\n" if i < last else "\n")
    yield "]}\n"


def _line_encoder() -> Callable[[Any], str]:
    """``JSONEncoder(ensure_ascii=False).encode``, with json's C encoder built once instead of
    once per call (as ``encode`` does): a national check writes 170,000 lines."""
    from json.encoder import c_make_encoder, encode_basestring

    if c_make_encoder is None:  # pragma: no cover - Pythons without the C accelerator
        return json.JSONEncoder(ensure_ascii=False).encode
    fallback = json.JSONEncoder(ensure_ascii=False)
    encoder = c_make_encoder({}, fallback.default, encode_basestring, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encoder(value, 0))
