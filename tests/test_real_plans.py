"""The committed transcriptions as end-to-end fixtures."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from plancheck.engine import audit, validate

from conftest import REPO

PLAN_FILES = sorted((REPO / "plans").glob("*.yaml"))
EXPECTED_PLANS = {"hunan", "xiangtan", "chaling", "xiangjiang"}


def test_all_four_plans_are_committed():
    assert {p.stem for p in PLAN_FILES} == EXPECTED_PLANS


def test_committed_plans_validate_with_every_quote_found(catalog):
    result = validate([REPO / "plans"], catalog)
    assert [f"{f.file}:{f.line}: {f.code} {f.message}" for f in result.findings] == []
    assert {p.id for p in result.plans} == EXPECTED_PLANS


@pytest.mark.parametrize("plan_file", PLAN_FILES, ids=lambda p: p.stem)
def test_audit_reports_nothing_unexplained(plan_file, catalog):
    result = audit(plan_file, catalog)
    assert [f"{f.file}:{f.line}: {f.message}" for f in result.findings] == []


def test_every_source_text_is_used_and_kept_beside_the_plans(catalog):
    result = validate([REPO / "plans"], catalog)
    used = {Path(p.source_path(d.source)).resolve() for p in result.plans for d in p.plan.documents}
    assert used == {p.resolve() for p in (REPO / "sources").glob("*.txt")}


def test_hunan_holds_both_provincial_documents(catalog):
    result = validate([REPO / "plans" / "hunan.yaml"], catalog)
    [hunan] = result.plans
    per_doc = Counter(t.document for t in hunan.plan.targets)
    assert set(per_doc) == {"hunan_carbon_peak", "hunan_synergy"}


def test_readme_states_the_number_of_targets_per_document(catalog):
    result = validate([REPO / "plans"], catalog)
    rows = []
    for plan in sorted(result.plans, key=lambda p: p.id):
        only = plan.plan.documents[0].id if len(plan.plan.documents) == 1 else None
        targets = Counter(t.document or only for t in plan.plan.targets)
        skipped = Counter(s.document or only for s in plan.plan.skipped)
        for doc in plan.plan.documents:
            rows.append(f"| `{plan.id}` | `{doc.id}` | {doc.title} | {targets[doc.id]} | {skipped[doc.id]} |")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- target-counts -->\n(.*?)\n<!-- /target-counts -->", readme, re.S)
    assert table is not None, "README lacks the <!-- target-counts --> table"
    body = [line for line in table.group(1).splitlines() if line.startswith("| `")]
    assert body == rows, "README counts are stale; expected rows:\n" + "\n".join(rows)
