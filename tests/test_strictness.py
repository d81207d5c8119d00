"""Strictness (checks/strictness.py: PC201-PC211): one finding per upper target, by what the
lower plan does about it, on tiny inline plan folders through ``family_findings``. The verdict
logic itself (compare.py, pairing.py) has its unit tests in test_compare.py and test_pairing.py."""

from __future__ import annotations

from plancheck.checks import strictness

from helpers import ROW, draft_plan, family_findings, position_of
from helpers import STRICTNESS_COUNTY as COUNTY
from helpers import STRICTNESS_PROVINCE as PROVINCE

def test_every_upper_target_gets_the_code_of_its_verdict(tmp_path):
    assert family_findings(strictness, tmp_path, {"prov": PROVINCE, "county": COUNTY}, fields=ROW) == [
        ("PC201", "county", "non_fossil_energy_share", 2025, "weaker"),
        ("PC202", "county", "fertilizer_utilization_rate", 2025, "missing"),
        ("PC203", "county", "green_building_share_new_buildings", 2025, "unquantified"),
        ("PC204", "county", "energy_intensity_reduction", 2025, "deferred"),
        ("PC205", "county", "coal_power_retrofit_threshold", None, "condition_unknown"),
        ("PC206", "county", "prefab_building_share", 2025, "not_applicable"),
        ("PC207", "county", "forest_coverage", 2025, "not_comparable"),
        ("PC209", "county", "data_center_pue", None, "stricter"),
        ("PC210", "county", "green_travel_share", 2025, "equal"),
        ("PC211", "county", "non_fossil_energy_share", 2030, "equal"),  # 24.8左右 meets 25 only within 0.5
    ]


def test_codes_carry_their_documented_severities(tmp_path):
    documented = {doc.code: doc.severity.value for doc in strictness.CODES}
    graded = family_findings(strictness, tmp_path, {"prov": PROVINCE, "county": COUNTY}, fields=("code", "severity"))
    assert len(graded) == 10 and all(severity == documented[code] for code, severity in graded)
    assert {code for code, severity in graded if severity == "error"} == {"PC201"}  # only weaker fails a run


def test_a_row_is_located_at_the_lower_target_or_else_at_the_lower_plan(tmp_path):
    found = family_findings(strictness, tmp_path, {"prov": PROVINCE, "county": COUNTY},
                            fields=("code", "file", "line", "column", "upper"))
    by_code = {code: rest for code, *rest in found}
    assert by_code["PC201"] == ["plans/county.yaml", *position_of(COUNTY, "value: 20,", at="{"),
                                ("prov", *position_of(PROVINCE, "2025, value: 22", at="{"))]
    assert by_code["PC202"] == ["plans/county.yaml", *position_of(COUNTY, "jurisdiction:", at="{"),
                                ("prov", *position_of(PROVINCE, "fertilizer_utilization_rate", at="{"))]
    assert by_code["PC209"] == ["plans/county.yaml", *position_of(COUNTY, "value: 1.25", at="{"),
                                ("prov", *position_of(PROVINCE, "data_center_pue", at="{"))]


def test_a_message_names_the_upper_target_then_the_reason(tmp_path):
    messages = dict(family_findings(strictness, tmp_path, {"prov": PROVINCE, "county": COUNTY},
                                    fields=("indicator", "message")))
    assert messages["fertilizer_utilization_rate"] == (
        "fertilizer_utilization_rate 2025: prov sets ≥43; the lower plan does not address this target")
    assert messages["data_center_pue"].startswith("data_center_pue (no year): prov sets ≤1.3; ")
    assert messages["forest_coverage"].startswith("forest_coverage 2025: prov sets ≥59; ")
    assert "aggregate" in messages["forest_coverage"]


def test_a_target_beyond_the_lower_plans_horizon_is_not_owed(tmp_path):
    silent = COUNTY.replace("  - {indicator: non_fossil_energy_share, year: 2030, value: 24.8, approximate: true}\n",
                            "")
    assert silent != COUNTY
    short = silent.replace("{id: d, title: 方案, status: draft}",
                           "{id: d, title: 方案, status: draft, horizon: {start: 2023, end: 2025}}")

    def row_2030(county: str) -> list[tuple]:
        return [row for row in family_findings(strictness, tmp_path, {"prov": PROVINCE, "county": county}, fields=ROW)
                if row[2:4] == ("non_fossil_energy_share", 2030)]

    assert row_2030(short) == [("PC208", "county", "non_fossil_energy_share", 2030, "out_of_horizon")]
    assert row_2030(silent) == [("PC202", "county", "non_fossil_energy_share", 2030, "missing")]


def test_a_recorded_fact_decides_a_catalogue_condition(tmp_path):
    def coal_row(value: str) -> list[tuple]:
        facts = f"facts: [{{name: coal_power_units, value: {value}, source: test}}]}}"
        county = COUNTY.replace("parent: prov}", "parent: prov, " + facts)
        return [row for row in family_findings(strictness, tmp_path, {"prov": PROVINCE, "county": county}, fields=ROW)
                if row[2] == "coal_power_retrofit_threshold"]

    assert coal_row("true") == [("PC202", "county", "coal_power_retrofit_threshold", None, "missing")]
    assert coal_row("false") == [("PC206", "county", "coal_power_retrofit_threshold", None, "not_applicable")]


def test_only_the_nearest_present_ancestor_is_compared(tmp_path):
    city = draft_plan("city", "city", "prov", """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 21, comparator: at_least}
        """)
    county = draft_plan("county", "county", "city", """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 21, comparator: at_least}
        """)
    rows = family_findings(strictness, tmp_path, {"prov": PROVINCE, "city": city, "county": county},
                           fields=("plan", "code", "indicator", "year"))
    assert [row for row in rows if row[0] == "county"] == [("county", "PC210", "non_fossil_energy_share", 2025)]
    assert ("city", "PC201", "non_fossil_energy_share", 2025) in rows
