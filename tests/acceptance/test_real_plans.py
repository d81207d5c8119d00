"""The committed transcriptions as end-to-end fixtures."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from helpers import audit_path as audit
from helpers import validate_paths as validate

from helpers import REPO

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

from helpers import compare_paths as compare  # noqa: E402


def mutated(tmp_path: Path, plan: str, mutate) -> Path:
    shutil.copytree(REPO / "plans", tmp_path / "plans")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    path = tmp_path / "plans" / f"{plan}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path / "plans"


def against_hunan(plans: Path, lower: str, catalog) -> list:
    comparison, problems = compare(plans / f"{lower}.yaml", plans / "hunan.yaml", catalog)
    assert problems == []
    return comparison.findings


def verdicts(plans: Path, lower: str, catalog, indicator: str) -> dict:
    return {f.year: f.verdict.value for f in against_hunan(plans, lower, catalog) if f.indicator == indicator}


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


# Verdicts read off both documents by hand (docs/design.md, "What a plan means"), one per kind of reasoning.
SIGNED_VERDICTS = [
    # 湖南 到2030年民用运输机场场内通用车辆装备等力争全面实现电动化; 茶陵 never mentions an airport
    # and records no fact about one: not a gap, but unknown.
    ("chaling", "airport_vehicle_electrification_share", 2030, "condition_unknown"),
    # 湖南 废钢比达到30%; 湘潭 has steelworks (湘潭市钢铁企业转炉工序、高炉工序) and sets no ratio.
    ("xiangtan", "scrap_steel_ratio", 2025, "missing"),
    # 湖南 城镇新建建筑全面执行绿色建筑标准; 湘潭 力争城镇新建民用建筑全面执行: aspirational and narrower.
    ("xiangtan", "green_building_share_new_buildings", 2025, "weaker"),
    # 湖南 新建大型、超大型数据中心 PUE 不高于1.3; 湘江新区 新建数据中心 PUE 不高于1.3: wider scope.
    ("xiangjiang", "data_center_pue", None, "stricter"),
    # 湖南 城区常住人口100万以上城市绿色出行比例不低于50%: binds cities, 茶陵 is a county.
    ("chaling", "green_travel_share", 2025, "not_applicable"),
    # 湘江新区 is a 2023-2025 plan: not faulted for 2030; its 2025 share is 稳步提升 without a number.
    ("xiangjiang", "non_fossil_energy_share", 2030, "out_of_horizon"),
    ("xiangjiang", "non_fossil_energy_share", 2025, "unquantified"),
    # 茶陵 2030 能耗 下降率完成省市下达目标任务: deferred upwards.
    ("chaling", "energy_intensity_reduction", 2030, "deferred"),
    # Forest coverage is a provincial average over very different land.
    ("chaling", "forest_coverage", 2030, "not_comparable"),
    # 湖南 生活垃圾资源化利用比例 60%左右; 湘潭 城市生活垃圾资源化利用率达到65%以上.
    ("xiangtan", "household_waste_resource_utilization_share", 2025, "stricter"),
    # 湖南 服务区 力争 全覆盖; 茶陵 实现…服务区充电桩普及率达到100% (firm; 普通干线公路 = 普通国省道).
    ("chaling", "highway_service_area_charging_coverage", None, "stricter"),
    # 湘潭 reaches 湖南's 2030 household-waste figure (65%) already in 2025 (65%以上).
    ("xiangtan", "household_waste_resource_utilization_share", 2030, "stricter"),
    # 湖南 铁路单位换算周转量综合能耗与国家要求保持一致: deferred upwards itself, nothing to restate.
    ("chaling", "railway_energy_intensity_reduction", 2030, "not_comparable"),
    # 茶陵 names its chemical industry (有序推进水泥、化工、平板玻璃等涉煤行业开展对标技改) and sets no
    # capacity-utilisation floor.
    ("chaling", "petrochemical_capacity_utilization", 2025, "missing"),
]


@pytest.mark.parametrize(("lower", "indicator", "year", "expected"), SIGNED_VERDICTS)
def test_signed_verdicts_on_the_real_plans(catalog, lower, indicator, year, expected):
    assert verdicts(REPO / "plans", lower, catalog, indicator)[year] == expected


def test_a_weakened_pue_is_caught(tmp_path, catalog):
    def raise_pue(data):
        for t in data["targets"]:
            if t["indicator"] == "data_center_pue" and t.get("scope") == "新建数据中心":
                t["value"] = 1.35
    plans = mutated(tmp_path, "xiangjiang", raise_pue)
    assert verdicts(plans, "xiangjiang", catalog, "data_center_pue")[None] == "weaker"


def test_the_steelmaking_fact_decides_whether_the_scrap_ratio_binds(tmp_path, catalog):
    def set_fact(value):
        def mutate(data):
            facts = data["jurisdiction"]["facts"]
            facts[:] = [f for f in facts if f["name"] != "steelmaking"]
            if value is not None:
                facts.append({"name": "steelmaking", "value": value, "source": "test"})
        return mutate
    assert verdicts(mutated(tmp_path / "a", "xiangtan", set_fact(None)), "xiangtan", catalog,
                    "scrap_steel_ratio")[2025] == "condition_unknown"
    assert verdicts(mutated(tmp_path / "b", "xiangtan", set_fact(False)), "xiangtan", catalog,
                    "scrap_steel_ratio")[2025] == "not_applicable"


def test_docs_state_the_verdict_counts_of_the_real_comparisons(catalog):
    """docs/comparison.md quotes these figures; they must be what the tool says today."""
    text = (REPO / "docs" / "comparison.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- verdict-counts -->\n(.*?)<!-- /verdict-counts -->", text, re.DOTALL)
    assert table is not None
    stated = table.group(1).splitlines()[2:]
    named = ["weaker", "missing", "unquantified", "condition_unknown"]
    rows = []
    for lower in ("chaling", "xiangtan", "xiangjiang"):
        counts = Counter(f.verdict.value for f in against_hunan(REPO / "plans", lower, catalog))
        both = counts["stricter"] + counts["equal"]
        other = sum(counts.values()) - sum(counts[v] for v in named) - both
        rows.append("| " + " | ".join([lower, *(str(counts[v]) for v in named), str(both), str(other)]) + " |")
    assert stated == rows

