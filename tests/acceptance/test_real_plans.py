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
EXPECTED_PLANS = {"china", "hunan", "xiangtan", "chaling", "xiangjiang"}


def test_all_five_plans_are_committed():
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

from helpers import check_paths as check  # noqa: E402
from helpers import compare_paths as compare  # noqa: E402


def mutated(tmp_path: Path, plan: str, mutate) -> Path:
    shutil.copytree(REPO / "plans", tmp_path / "plans")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    path = tmp_path / "plans" / f"{plan}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path / "plans"


def against(plans: Path, lower: str, upper: str, catalog) -> list:
    comparison, problems = compare(plans / f"{lower}.yaml", plans / f"{upper}.yaml", catalog)
    assert problems == []
    return comparison.findings


def against_hunan(plans: Path, lower: str, catalog) -> list:
    return against(plans, lower, "hunan", catalog)


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
    # 湖南 全省钢铁工业的废钢比达到30%: a sector outcome over the province's steel industry, not a
    # duty of each city (湘潭 开展废钢资源回收利用,鼓励短流程炼钢 names it without a number).
    ("xiangtan", "scrap_steel_ratio", 2025, "not_comparable"),
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
    # 湖南 石化化工…主要产品产能利用率提升至80%以上: a province-wide sector outcome, not a county's duty
    # (茶陵's 化工 among its coal-using industries is not 石化 either).
    ("chaling", "petrochemical_capacity_utilization", 2025, "not_comparable"),
    ("xiangtan", "petrochemical_capacity_utilization", 2025, "not_comparable"),
    # 湖南 当年新增非化石能源动力交通工具比例达到40%; 湘潭 当年新增新能源、清洁能源动力的交通工具比例达到
    # 40%左右: gas vehicles count too, a weaker target (class 3).
    ("xiangtan", "new_vehicles_clean_energy_share", 2030, "weaker"),
    # 湖南 逐步对电能利用效率超过1.5的数据中心进行节能降碳改造; 湘江新区 加快既有数据中心升级改造,
    # 力争能源利用效率(PUE)不高于1.5: the retrofit of every existing centre is firm and faster; only
    # the PUE outcome is striven for (the second analyst reading, class 5).
    ("xiangjiang", "data_center_pue_retrofit_threshold", None, "stricter"),
    # 湘潭 推动电力…重点用煤、用能单位开展节能降碳挖潜改造: the retrofit without the 300 g threshold.
    ("xiangtan", "coal_power_retrofit_threshold", None, "unquantified"),
    # 湘潭 全力配合…建设雅中—江西±800千伏特高压直流输电工程: a new channel, and no renewable share for it.
    ("xiangtan", "new_transmission_channel_renewable_share", None, "missing"),
    # 湘江新区 积极推广建筑采用光伏一体化(BIPV); 推动产业园区完善固废分类收集…提高区域资源循环利用效率.
    ("xiangjiang", "building_renewable_substitution_rate", 2025, "unquantified"),
    ("xiangjiang", "bulk_solid_waste_utilization_rate", 2025, "unquantified"),
    # 茶陵 全面实现分类投放… has no year: it answers 湖南's 2030 full coverage directly, not "early".
    ("chaling", "urban_waste_sorting_coverage", 2030, "equal"),
    # 湖南 “十四五”期间，新增公交车辆全部采用新能源及清洁能源; 湘潭 到2025年,力争公交车新能源车辆占比100%:
    # a whole new-energy fleet includes every new bus, but only striven for.
    ("xiangtan", "new_bus_clean_energy_share", 2025, "weaker"),
    # 湘潭 科学使用化肥农药 names the utilisation without a number (one standard of mention).
    ("xiangtan", "fertilizer_utilization_rate", 2025, "unquantified"),
    # 茶陵 逐步降低传统燃油汽车在新车产销和汽车保有量中的占比: named, without a number or a year.
    ("chaling", "new_vehicles_clean_energy_share", 2030, "unquantified"),
    # 湘江新区 高速公路服务区…停车场按照不低于30%的车位比例建设充电设施或预留安装条件: no coverage figure.
    ("xiangjiang", "highway_service_area_charging_coverage", None, "unquantified"),
]


@pytest.mark.parametrize(("lower", "indicator", "year", "expected"), SIGNED_VERDICTS)
def test_signed_verdicts_on_the_real_plans(catalog, lower, indicator, year, expected):
    assert verdicts(REPO / "plans", lower, catalog, indicator)[year] == expected


# 湖南 against 全国, read off the national and provincial documents by hand (issue 20).
NATIONAL_VERDICTS = [
    # 全国 到2025年，非化石能源消费比重达到20%左右; 湖南 22%左右; both 25%左右 for 2030.
    ("non_fossil_energy_share", 2025, "stricter"),
    ("non_fossil_energy_share", 2030, "equal"),
    # 全国 到2060年…非化石能源消费比重达到80%以上, and 确保如期实现…碳中和 (dated 2060 in its 二):
    # beyond 湖南's 2021-2030 horizon, not missing.
    ("non_fossil_energy_share", 2060, "out_of_horizon"),
    ("carbon_neutrality_year", 2060, "out_of_horizon"),
    ("carbon_neutrality_year", None, "out_of_horizon"),
    # 全国 单位国内生产总值能源消耗比2020年下降13.5%; 湖南 确保完成国家下达目标: deferred to the allocation.
    ("energy_intensity_reduction", 2025, "deferred"),
    ("co2_intensity_reduction", 2030, "deferred"),
    # 全国 风电、太阳能发电总装机容量达到12亿千瓦以上: a national total, no province's duty.
    ("wind_solar_installed_capacity", 2030, "not_comparable"),
    # 全国 民用运输机场场内车辆装备等; 湖南 only 场内通用车辆装备等: a narrower scope.
    ("airport_vehicle_electrification_share", 2030, "weaker"),
    # 全国 集装箱铁水联运量年均增长15%以上: the growth of a national total (aggregate).
    ("container_rail_water_volume_growth", 2025, "not_comparable"),
    # 全国 城区常住人口100万以上的城市绿色出行比例不低于70%; 湖南 the same words.
    ("green_travel_share", 2030, "equal"),
    # 全国 省级电网基本具备5%以上的尖峰负荷响应能力; 湖南 建立完善全省电力需求响应机制, no share.
    ("peak_load_response_share", 2030, "unquantified"),
    # 全国 石油消费十五五时期进入峰值平台期; 湖南 only land transport's oil (陆路交通运输石油消费).
    ("oil_consumption_peak_year", 2030, "missing"),
    # 全国 覆盖全社会的生活垃圾收运处置体系，全面实现分类投放…; 湖南 copies it for 城市 only.
    ("household_waste_sorting_coverage", None, "missing"),
    # 全国 工业领域…力争率先实现碳达峰, no year; 湖南 has its 工业领域碳达峰行动, no year either.
    ("industry_co2_peak_year", None, "not_comparable"),
    # 全国 十五五时期逐步减少 coal; 湖南 leaves that out, but coal use is a national total.
    ("coal_consumption", 2030, "not_comparable"),
]


@pytest.mark.parametrize(("indicator", "year", "expected"), NATIONAL_VERDICTS)
def test_signed_verdicts_of_the_province_against_the_nation(catalog, indicator, year, expected):
    rows = {f.year: f.verdict.value for f in against(REPO / "plans", "hunan", "china", catalog)
            if f.indicator == indicator}
    assert rows[year] == expected


def test_check_compares_the_province_with_the_nation_and_the_city_with_the_province(catalog):
    result = check([REPO / "plans"], catalog)
    assert {(lower.id, upper.id) for lower, upper, _ in result.pairs} == {
        ("hunan", "china"), ("xiangtan", "hunan"), ("xiangjiang", "hunan"), ("chaling", "hunan")}


def test_a_weakened_pue_is_caught(tmp_path, catalog):
    def raise_pue(data):
        for t in data["targets"]:
            if t["indicator"] == "data_center_pue" and t.get("scope") == "新建数据中心":
                t["value"] = 1.35
    plans = mutated(tmp_path, "xiangjiang", raise_pue)
    assert verdicts(plans, "xiangjiang", catalog, "data_center_pue")[None] == "weaker"


def test_the_coal_power_fact_decides_whether_the_retrofit_threshold_binds(tmp_path, catalog):
    """湘潭 有序淘汰煤电落后产能: it has coal power units, so the province's retrofit threshold binds;
    were the plan silent on it, the fact would decide between missing, unknown and not applicable."""
    def set_fact(value):
        def mutate(data):  # a plan silent on the threshold: the condition decides
            data["targets"] = [t for t in data["targets"] if t["indicator"] != "coal_power_retrofit_threshold"]
            facts = data["jurisdiction"]["facts"]
            facts[:] = [f for f in facts if f["name"] != "coal_power_units"]
            if value is not None:
                facts.append({"name": "coal_power_units", "value": value, "source": "test"})
        return mutate
    assert verdicts(REPO / "plans", "xiangtan", catalog, "coal_power_retrofit_threshold")[None] == "unquantified"
    assert verdicts(mutated(tmp_path / "t", "xiangtan", set_fact(True)), "xiangtan", catalog,
                    "coal_power_retrofit_threshold")[None] == "missing"
    assert verdicts(mutated(tmp_path / "a", "xiangtan", set_fact(None)), "xiangtan", catalog,
                    "coal_power_retrofit_threshold")[None] == "condition_unknown"
    assert verdicts(mutated(tmp_path / "b", "xiangtan", set_fact(False)), "xiangtan", catalog,
                    "coal_power_retrofit_threshold")[None] == "not_applicable"


def row_of(lower: str, indicator: str, year, catalog):
    [finding] = [f for f in against_hunan(REPO / "plans", lower, catalog) if f.indicator == indicator and f.year == year]
    return finding


def test_every_fact_rests_on_a_quote_that_says_it(catalog):
    """化工 among coal-using industries is not 石化: no plan records a petrochemical industry."""
    result = validate([REPO / "plans"], catalog)
    facts = {(p.id, f.name): f.quote for p in result.plans for f in p.plan.jurisdiction.facts}
    assert facts == {("xiangtan", "coal_power_units"): "有序淘汰煤电落后产能",
                     ("xiangtan", "new_interregional_transmission_channel"):
                         "全力配合国网湖南电力公司建设雅中—江西±800千伏特高压直流输电工程",
                     ("xiangtan", "steelmaking"): "湘潭市钢铁企业转炉工序、高炉工序以及水泥熟料的能效",
                     ("xiangtan", "automobile_manufacturing"): "依托“两新三电”产业优势,推进新能源和汽车制造产业链"}


def test_a_choice_names_the_other_scope_and_the_plan_reports_the_conflicts(catalog):
    """茶陵 实现绿色建筑在全市新建建筑中全覆盖 and 民用建筑绿色建筑竣工面积占比达到80%; its forest coverage
    is 62.92%左右 for 2025 in the main targets and 61%左右 for 2030 in a task section."""
    row = row_of("chaling", "green_building_share_new_buildings", 2025, catalog)
    assert row.verdict.value == "stricter" and "also states 2025: 80% (新建民用建筑 (newly built civil buildings))" in row.message
    result = check([REPO / "plans"], catalog)
    chaling = {(f.code, f.message) for f in result.findings if f.plan == "chaling" and f.code in ("PC301", "PC302")}
    assert ("PC301", "green_building_share_new_buildings 2025: targets[27] states 80% for 新建民用建筑, less than "
            "targets[25]'s 100% for 全市新建建筑 scope, which contains it") in chaling
    assert ("PC302", "forest_coverage: the 2030 target (61%左右) is less strict than the 2025 target (62.92%左右)") \
        in chaling


@pytest.mark.parametrize("lower", ["chaling", "xiangtan", "xiangjiang"])
def test_peaking_stated_three_times_is_one_row(lower, catalog):
    """湖南 确保如期实现2030年前碳达峰目标 (一), 顺利实现2030年前碳达峰目标 (二), and the synergy plan's
    推动实现碳达峰目标: one requirement, led by the binding statement."""
    [row] = [f for f in against_hunan(REPO / "plans", lower, catalog) if f.indicator == "co2_emissions_peak_year"]
    assert row.row.upper_others and "3 times (hunan_carbon_peak 一, hunan_carbon_peak 二, hunan_synergy 一)" \
        in row.message


def test_what_a_verdict_rests_on_is_shown(catalog):
    """湘潭 reaches the province's 2030 65% in 2025; 茶陵's forest coverage 63%左右 against 60%以上."""
    early = row_of("xiangtan", "household_waste_resource_utilization_share", 2030, catalog)
    assert "reached 5 years earlier" in early.message
    forest = row_of("chaling", "forest_coverage", 2030, catalog)
    assert forest.verdict.value == "not_comparable" and forest.row.gap == 3


def test_docs_state_the_verdict_counts_of_the_real_comparisons(catalog):
    """docs/comparison.md quotes these figures; they must be what the tool says today."""
    text = (REPO / "docs" / "comparison.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- verdict-counts -->\n(.*?)<!-- /verdict-counts -->", text, re.DOTALL)
    assert table is not None
    stated = table.group(1).splitlines()[2:]
    named = ["weaker", "missing", "unquantified", "condition_unknown"]
    rows = []
    for lower, upper in (("chaling", "hunan"), ("xiangtan", "hunan"), ("xiangjiang", "hunan"), ("hunan", "china")):
        counts = Counter(f.verdict.value for f in against(REPO / "plans", lower, upper, catalog))
        both = counts["stricter"] + counts["equal"]
        other = sum(counts.values()) - sum(counts[v] for v in named) - both
        rows.append("| " + " | ".join([lower, upper, *(str(counts[v]) for v in named), str(both), str(other)]) + " |")
    assert stated == rows



def test_json_sides_carry_their_year_and_period(catalog):
    """JSON stays schema_version 1; each side says which year (and period) its target is for."""
    from plancheck.reporters.comparison import comparison_dict

    comparison, _ = compare(REPO / "plans" / "xiangtan.yaml", REPO / "plans" / "hunan.yaml", catalog)
    document = comparison_dict(comparison)
    assert document["schema_version"] == 1
    [early] = [r for r in document["rows"] if r["indicator"] == "household_waste_resource_utilization_share"
               and r["year"] == 2030]
    assert (early["upper"]["year"], early["lower"]["year"], early["lower"]["period"]) == (2030, 2025, None)
    [bus] = [r for r in document["rows"] if r["indicator"] == "new_bus_clean_energy_share"]
    assert bus["upper"]["period"] == {"start": 2021, "end": 2025}
    assert bus["lower"]["quote"] == "到2025年,力争公交车新能源车辆占比100%"


def test_a_side_names_its_own_year_and_english_carries_the_hedges_and_scopes(catalog):
    from plancheck.reporters.comparison import target_text

    comparison, _ = compare(REPO / "plans" / "xiangtan.yaml", REPO / "plans" / "hunan.yaml", catalog)
    [early] = [f.row for f in comparison.findings if f.indicator == "household_waste_resource_utilization_share"
               and f.year == 2030]
    assert target_text(comparison.lower, early.lower_index, early.year, "zh").startswith("2025年：")
    assert target_text(comparison.lower, early.lower_index, early.year, "en", catalog.terms).startswith("2025: ")
    [green] = [f.row for f in comparison.findings if f.indicator == "green_building_share_new_buildings"]
    assert target_text(comparison.lower, green.lower_index, green.year, "en", catalog.terms) == \
        "力争 (strive for) 100% (城镇新建民用建筑 (new civil buildings in cities and towns))"
    assert target_text(comparison.lower, green.lower_index, green.year, "zh") == "力争 100%（城镇新建民用建筑）"


def test_every_word_a_plan_uses_for_scope_hedge_qualifying_or_condition_has_an_english_rendering(catalog):
    result = validate([REPO / "plans"], catalog)
    words = {w for p in result.plans for t in p.plan.targets
             for w in (t.scope, t.hedge, t.qualifying, t.condition.text if t.condition else None) if w}
    words |= {w for i in catalog.indicators.values() for k, v in (*i.scopes.items(), *i.qualifying.items())
              for w in (k, *v)}
    words |= {i.applies_when.text for i in catalog.indicators.values() if i.applies_when is not None}
    assert sorted(w for w in words if w not in catalog.terms) == []


def test_english_names_mean_what_the_chinese_says(catalog):
    """再生资源 are secondary resources, not renewable ones; 碳排放 is carbon, not only CO2."""
    assert catalog.get("recycled_resources_amount").name_en == "Amount of main secondary resources recycled"
    assert catalog.get("co2_emissions_peak_year").name_en == "Year by which carbon emissions peak"
    assert not [i.id for i in catalog.indicators.values() if "renewable" in i.name_en.lower()
                and "可再生" not in i.name_zh]
