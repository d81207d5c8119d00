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
