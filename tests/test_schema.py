"""Plan schema: a wrong type, a missing key, an unknown key each point at the right line."""

from __future__ import annotations

from helpers import load as load_plan

from helpers import MINIMAL_PLAN, line_of


def load(write_plan, catalog, text):
    path = write_plan(text)
    plan, problems = load_plan(path, catalog)
    return plan, problems


def test_minimal_plan_is_valid(write_plan, catalog):
    plan, problems = load(write_plan, catalog, MINIMAL_PLAN)
    assert problems == []
    assert plan.plan.targets[0].value == 22 and plan.plan.targets[0].comparator == "at_least"


def test_wrong_type_points_at_the_value(write_plan, catalog):
    text = MINIMAL_PLAN.replace("year: 2025", "year: twenty")
    plan, problems = load(write_plan, catalog, text)
    assert plan is None
    assert [(p.code, p.line, p.column) for p in problems] == [("PC012", line_of(text, "year: twenty"), 11)]
    assert "targets[0].year" in problems[0].message and "'twenty'" in problems[0].message


def test_year_as_quoted_string_is_refused(write_plan, catalog):
    text = MINIMAL_PLAN.replace("year: 2025", 'year: "2025"')
    _, problems = load(write_plan, catalog, text)
    assert [p.code for p in problems] == ["PC012"]


def test_missing_key_points_at_its_mapping(write_plan, catalog):
    text = MINIMAL_PLAN.replace("    year: 2025\n", "")
    _, problems = load(write_plan, catalog, text)
    assert [(p.code, p.line) for p in problems] == [("PC010", line_of(text, "- indicator:"))]
    assert "'year'" in problems[0].message


def test_unknown_key_points_at_the_key_and_suggests(write_plan, catalog):
    text = MINIMAL_PLAN.replace("value: 22", "vaule: 22")
    _, problems = load(write_plan, catalog, text)
    found = {(p.code, p.line) for p in problems}
    assert ("PC011", line_of(text, "vaule")) in found
    assert ("PC010", line_of(text, "- indicator:")) in found  # value itself is now missing
    unknown = next(p for p in problems if p.code == "PC011")
    assert "did you mean 'value'" in unknown.message and unknown.column == 5


def test_all_errors_of_a_file_are_reported_together(write_plan, catalog):
    text = MINIMAL_PLAN.replace("level: county", "level: village").replace("year: 2025", "year: 1800")
    _, problems = load(write_plan, catalog, text)
    assert sorted(p.line for p in problems) == [line_of(text, "village"), line_of(text, "year: 1800")]


def test_duplicate_and_schema_errors_are_reported_together(write_plan, catalog):
    text = MINIMAL_PLAN.replace("    value: 22\n", "    value: 22\n    value: 23\n").replace("level: county", "level: town")
    _, problems = load(write_plan, catalog, text)
    assert {(p.code, p.line) for p in problems} == {("PC003", line_of(text, "value: 23")),
                                                    ("PC012", line_of(text, "town"))}


def test_nan_and_infinity_are_refused(write_plan, catalog):
    for bad in (".nan", ".inf", "-.inf"):
        _, problems = load(write_plan, catalog, MINIMAL_PLAN.replace("value: 22", f"value: {bad}"))
        assert [p.code for p in problems] == ["PC012"], bad


def test_deferred_target_cannot_carry_a_value(write_plan, catalog):
    text = MINIMAL_PLAN.replace("comparator: at_least", "deferred: true")
    _, problems = load(write_plan, catalog, text)
    assert [(p.code, p.line) for p in problems] == [("PC012", line_of(text, "- indicator:"))]
    assert "deferred" in problems[0].message


def test_partial_dates_and_real_dates(write_plan, catalog):
    for date, ok in (("2024-01", True), ("2022-10-28", True), ("2024", True), ("2024-13", False), ("Jan 2024", False)):
        text = MINIMAL_PLAN.replace("    status: published", f"    date: {date}\n    status: published")
        plan, problems = load(write_plan, catalog, text)
        assert (plan is not None) is ok, (date, problems)


def test_top_level_list_is_refused(write_plan, catalog):
    _, problems = load(write_plan, catalog, "- a\n- b\n")
    assert [(p.code, p.line) for p in problems] == [("PC005", 1)]
