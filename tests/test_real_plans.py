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


# ---- mutated copies of the real plans must be caught

import shutil  # noqa: E402

import yaml  # noqa: E402

from plancheck.engine import compare  # noqa: E402


def mutated(tmp_path: Path, plan: str, mutate) -> Path:
    shutil.copytree(REPO / "plans", tmp_path / "plans")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    path = tmp_path / "plans" / f"{plan}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path / "plans"


def verdicts(plans: Path, lower: str, catalog, indicator: str) -> dict:
    comparison, problems = compare(plans / f"{lower}.yaml", plans / "hunan.yaml", catalog, REPO / "rules")
    assert problems == []
    return {f.year: f.verdict.value for f in comparison.findings if f.indicator == indicator}


def test_real_verdicts_on_the_headline_indicator(catalog):
    # 湖南: 2025 非化石能源消费比重达到22%以上, 2030 达到25%; 茶陵: 20%左右 and 25%左右.
    assert verdicts(REPO / "plans", "chaling", catalog, "non_fossil_energy_share") == {2025: "weaker", 2030: "equal"}


def test_a_lowered_value_is_caught(tmp_path, catalog):
    def lower_2030(data):
        for t in data["targets"]:
            if t["indicator"] == "non_fossil_energy_share" and t["year"] == 2030:
                t["value"] = 24
    plans = mutated(tmp_path, "chaling", lower_2030)
    assert verdicts(plans, "chaling", catalog, "non_fossil_energy_share")[2030] == "weaker"


def test_a_removed_target_is_caught(tmp_path, catalog):
    def drop(data):
        data["targets"] = [t for t in data["targets"] if t["indicator"] != "non_fossil_energy_share"]
    plans = mutated(tmp_path, "xiangtan", drop)
    assert set(verdicts(plans, "xiangtan", catalog, "non_fossil_energy_share").values()) == {"missing"}
