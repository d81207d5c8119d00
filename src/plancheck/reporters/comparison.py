"""Shared reading of a comparison for every reporter: sides, labels, gaps.

Reporters differ in markup, not in what they say; the words and numbers come
from here so the terminal, JSON and (later) Markdown and HTML agree.
"""

from __future__ import annotations

import math
from typing import Any

from plancheck.catalog import Catalog
from plancheck.findings import Finding, Row, Verdict
from plancheck.results import Comparison, LoadedPlan
from plancheck.wording import COMMITMENT_EN, COMMITMENT_ZH, NO_TERMS, Terms, bound_text, format_number, rendered

VERDICT_LABELS = {
    Verdict.STRICTER: ("✓", "stricter", "更严"),
    Verdict.EQUAL: ("=", "equal", "持平"),
    Verdict.WEAKER: ("✗", "weaker", "较弱"),
    Verdict.MISSING: ("∅", "missing", "缺失"),
    Verdict.UNQUANTIFIED: ("~", "unquantified", "未量化"),
    Verdict.DEFERRED: ("↑", "deferred", "承接上级"),
    Verdict.NOT_APPLICABLE: ("–", "not applicable", "不适用"),
    Verdict.CONDITION_UNKNOWN: ("?", "condition unknown", "条件未知"),
    Verdict.NOT_COMPARABLE: ("≠", "not comparable", "不可比"),
    Verdict.OUT_OF_HORIZON: ("»", "out of horizon", "超出期限"),
    Verdict.CONFLICT: ("!", "conflict", "冲突"),
}



def row_of(finding: Finding) -> Row:
    assert finding.row is not None, "a comparison's findings are its rows"
    return finding.row


_NO_NUMBER = {"zh": "（未量化）", "en": "（未量化）(no number)"}
_DEFERS = {"zh": "完成上级下达目标", "en": "完成上级下达目标 (meets the target allocated from above)"}


def target_text(plan: LoadedPlan, index: int | None, row_year: int | None = None, lang: str = "zh",
                terms: Terms = NO_TERMS) -> str:
    """A target as a reader says it: ≥ 22 %, 力争, 左右, scope; under ``lang="en"`` the hedges and
    the scope carry their English beside the Chinese. The target's own year (or period) leads
    when it is not the row's: the verdict rests on it (a 2025 target reached early for 2030)."""
    if index is None:
        return "—"
    t = plan.plan.targets[index]
    if t.deferred:  # the words of the deferral when the plan records them (与国家要求保持一致)
        text = _DEFERS[lang] if not t.hedge else t.hedge if lang == "zh" else rendered(t.hedge, terms)
    elif t.value is None:
        text = _NO_NUMBER[lang]
    else:
        text = bound_text(t)
        if t.approximate and lang == "en":
            text += " (about)"
    if t.commitment in COMMITMENT_EN:
        words = COMMITMENT_ZH[t.commitment]
        space = "" if text.startswith("（") else " "  # 基本（未量化）: a full-width bracket is its own space
        text = (f"{words} ({COMMITMENT_EN[t.commitment]}) " if lang == "en" else f"{words}{space}") + text
    if t.scope:
        text += f"（{t.scope}）" if lang == "zh" else f" ({rendered(t.scope, terms)})"
    if t.qualifying:
        counted = t.qualifying if lang == "zh" else rendered(t.qualifying, terms)
        text += f"［计入：{counted}］" if lang == "zh" else f" [counts: {counted}]"
    if t.period is not None:
        span = f"{t.period.start}–{t.period.end}"
        text = f"{span}年：{text}" if lang == "zh" else f"{span}: {text}"
    elif t.year != row_year:
        year = (f"{t.year}年" if lang == "zh" else str(t.year)) if t.year is not None else \
            ("未写年份" if lang == "zh" else "no year")
        text = f"{year}：{text}" if lang == "zh" else f"{year}: {text}"
    return text


def gap_text(row: Row, catalog: Catalog) -> str:
    if row.gap is None:
        return ""
    indicator = catalog.get(row.indicator)
    unit = "pp" if indicator is not None and indicator.unit == "%" else (indicator.unit if indicator else "")
    sign = "+" if row.gap > 0 else ""
    return f"{sign}{format_number(round(row.gap, 6))}{(' ' + unit) if unit else ''}"


def side_dict(plan: LoadedPlan, index: int | None) -> dict[str, Any] | None:
    if index is None:
        return None
    t = plan.plan.targets[index]
    pos = plan.positions.locate(("targets", index))
    document = plan.plan.document_of(t.document)
    return {
        "plan": plan.id, "document": document.id if document is not None else None, "year": t.year,
        "period": {"start": t.period.start, "end": t.period.end} if t.period is not None else None,
        "value": t.value, "unit": t.unit, "comparator": t.comparator,
        "approximate": t.approximate, "commitment": t.commitment, "hedge": t.hedge, "scope": t.scope,
        "base_year": t.base_year, "qualifying": t.qualifying, "deferred": t.deferred, "quote": t.quote, "section": t.section,
        "file": plan.file, "line": pos.line, "column": pos.column,
    }


def plan_dict(plan: LoadedPlan) -> dict[str, Any]:
    j = plan.plan.jurisdiction
    return {
        "id": j.id, "name": j.name, "level": j.level, "file": plan.file,
        "documents": [{"id": d.id, "title": d.title, "issuer": d.issuer, "number": d.number, "date": d.date,
                       "status": d.status} for d in plan.plan.documents],
    }


def comparison_dict(comparison: Comparison) -> dict[str, Any]:
    rows = []
    for f in comparison.findings:
        row = row_of(f)
        rows.append({
            "indicator": row.indicator, "year": row.year, "scope": row.scope, "verdict": row.verdict.value,
            "lower": side_dict(comparison.lower, row.lower_index),
            "upper": side_dict(comparison.upper, row.upper_index),
            "gap": row.gap if row.gap is None or math.isfinite(row.gap) else None, "code": f.code, "severity": f.severity.value, "message": f.message,
            "waiver": f.waiver.as_dict() if f.waiver is not None else None,
        })
    from plancheck.reporters.json import finding_to_dict

    return {"schema_version": 1, "lower": plan_dict(comparison.lower), "upper": plan_dict(comparison.upper),
            "skipped_links": list(comparison.skipped_links),
            "skipped_present": list(comparison.skipped_present), "rows": rows,
            "notes": [finding_to_dict(f) for f in comparison.notes]}


def unloaded_dict(problems: list[Finding]) -> dict[str, Any]:
    """The comparison document when a plan did not load: no sides, no rows, and the load
    errors as notes, so a machine reading ``-f json`` learns why (exit 2)."""
    from plancheck.reporters.json import finding_to_dict

    return {"schema_version": 1, "lower": None, "upper": None, "skipped_links": [], "skipped_present": [], "rows": [],
            "notes": [finding_to_dict(f) for f in problems]}
