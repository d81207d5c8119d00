"""Consistency (checks/consistency.py: PC301/PC302): one plan stating one target twice, or a
later target less strict than an earlier one, on tiny inline plans through ``family_findings``."""

from __future__ import annotations

from plancheck.checks import consistency

from helpers import draft_plan, family_findings, position_of


def plan(targets: str) -> str:
    return draft_plan("x", "county", None, targets)


def findings(tmp_path, targets: str, fields=("code", "path", "line", "column")) -> list[tuple]:
    return family_findings(consistency, tmp_path, plan(targets), fields=fields)


def test_conflict_same_indicator_year_scope(tmp_path):
    targets = """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 20}
          - {indicator: non_fossil_energy_share, year: 2025, value: 22}
          - {indicator: non_fossil_energy_share, year: 2025, value: 22, scope: 工业}
        """
    assert findings(tmp_path, targets) == [
        ("PC301", ("targets", 1), *position_of(plan(targets), "value: 22}", at="{indicator"))]


def test_a_conflict_names_both_statements_and_is_a_conflict_verdict(tmp_path):
    targets = """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 20}
          - {indicator: non_fossil_energy_share, year: 2025, value: 22, comparator: at_least}
        """
    assert findings(tmp_path, targets, ("code", "indicator", "year", "verdict", "message", "severity")) == [
        ("PC301", "non_fossil_energy_share", 2025, "conflict",
         "non_fossil_energy_share 2025: targets[1] states ≥22, targets[0] states 20", "warning")]


def test_approximate_restatements_within_tolerance_are_not_conflicts(tmp_path):
    assert findings(tmp_path, """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 20, approximate: true}
          - {indicator: non_fossil_energy_share, year: 2025, value: 20.3}
        """) == []


def test_later_target_less_strict_than_earlier(tmp_path):
    targets = """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 25}
          - {indicator: non_fossil_energy_share, year: 2030, value: 22}
        """
    assert findings(tmp_path, targets, ("code", "year", "line", "column")) == [
        ("PC302", 2030, *position_of(plan(targets), "year: 2030", at="{indicator"))]


def test_a_later_cap_may_only_be_lower(tmp_path):
    rising = """\
        targets:
          - {indicator: data_center_pue, year: 2025, value: 1.3, comparator: at_most}
          - {indicator: data_center_pue, year: 2030, value: 1.25, comparator: at_most}
        """
    assert findings(tmp_path, rising) == []
    assert findings(tmp_path, rising.replace("1.25", "1.4"), ("code", "indicator", "year")) == [
        ("PC302", "data_center_pue", 2030)]


def test_aggregate_indicators_may_not_fall_either(tmp_path):
    assert findings(tmp_path, """\
        targets:
          - {indicator: forest_coverage, year: 2025, value: 60}
          - {indicator: forest_coverage, year: 2030, value: 59}
        """, ("code", "indicator", "year")) == [("PC302", "forest_coverage", 2030)]


def test_reductions_are_compared_only_against_the_same_base_year(tmp_path):
    targets = """\
        targets:
          - {indicator: energy_intensity_reduction, year: 2025, value: 16, base_year: 2020}
          - {indicator: energy_intensity_reduction, year: 2030, value: 14, base_year: BASE}
        """
    assert findings(tmp_path, targets.replace("BASE", "2025")) == []
    assert findings(tmp_path, targets.replace("BASE", "2020"), ("code", "year")) == [("PC302", 2030)]


def test_targets_without_a_number_are_neither_conflicts_nor_regressions(tmp_path):
    assert findings(tmp_path, """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 25}
          - {indicator: non_fossil_energy_share, year: 2025, value: null}
          - {indicator: non_fossil_energy_share, year: 2030, value: null, deferred: true}
        """) == []


def test_every_later_statement_is_measured_against_the_strictest_earlier_one(tmp_path):
    """茶陵: 62.92%左右 for 2025 in the main targets, 63%左右 and 61%左右 for 2030: the 61% falls."""
    targets = """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 62.92, approximate: true, unit: "%"}
          - {indicator: non_fossil_energy_share, year: 2030, value: 63, approximate: true, unit: "%"}
          - {indicator: non_fossil_energy_share, year: 2030, value: 61, approximate: true, unit: "%"}
        """
    found = findings(tmp_path, targets, ("code", "path", "message"))
    assert ("PC302", ("targets", 2), "non_fossil_energy_share: the 2030 target (61%左右) is less strict than the "
            "2025 target (62.92%左右)") in found
    assert not [f for f in found if f[0] == "PC302" and f[1] == ("targets", 1)]


def test_a_narrower_scope_weaker_than_the_wider_one_is_a_conflict(tmp_path):
    """茶陵: 绿色建筑在全市新建建筑中全覆盖, and 民用建筑绿色建筑竣工面积占比达到80%; the catalogue puts
    新建民用建筑 inside 全市新建建筑."""
    targets = """\
        targets:
          - {indicator: green_building_share_new_buildings, year: 2025, value: 100, scope: 全市新建建筑, unit: "%"}
          - {indicator: green_building_share_new_buildings, year: 2025, value: 80, scope: 新建民用建筑, unit: "%"}
          - {indicator: green_building_share_new_buildings, year: 2030, value: 70, scope: 新建民用建筑, unit: "%"}
        """
    assert findings(tmp_path, targets, ("code", "path", "message")) == [
        ("PC301", ("targets", 1), "green_building_share_new_buildings 2025: targets[1] states 80% for 新建民用建筑, "
         "less than targets[0]'s 100% for 全市新建建筑 scope, which contains it"),
        ("PC302", ("targets", 2), "green_building_share_new_buildings: the 2030 target (70%) is less strict than "
         "the 2025 target (80%)")]


def test_a_narrower_scope_at_least_as_strict_is_no_conflict(tmp_path):
    targets = """\
        targets:
          - {indicator: green_building_share_new_buildings, year: 2025, value: 80, scope: 全市新建建筑, unit: "%"}
          - {indicator: green_building_share_new_buildings, year: 2025, value: 100, scope: 新建民用建筑, unit: "%"}
          - {indicator: green_building_share_new_buildings, year: 2025, value: 60, scope: 城镇新建建筑, unit: "%"}
        """
    assert [f for f in findings(tmp_path, targets, ("code", "path")) if f[1] != ("targets", 2)] == []
