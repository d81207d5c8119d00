"""Hierarchy (checks/hierarchy.py: PC401-PC404): the links between plans, on tiny inline plan
folders through ``family_findings``. Which ancestor a plan is compared with is hierarchy.py's;
what the comparison finds is test_strictness.py's."""

from __future__ import annotations

from plancheck.checks import hierarchy, strictness

from helpers import SHARE_22, draft_plan, family_findings, position_of

A, B = draft_plan("aa", "city", "bb"), draft_plan("bb", "city", "aa")
C = draft_plan("cc", "county", "nowhere")
D = draft_plan("dd", "county", None)


def test_cycle_unknown_parent_and_duplicate_jurisdiction(tmp_path):
    plans = {"a": A, "b": B, "c": C, "d1": D, "d2": D}
    # every finding of the check, not only this family's: nothing else is wrong with these plans
    assert family_findings(None, tmp_path, plans, fields=("plan", "code")) == [
        ("aa", "PC403"), ("bb", "PC403"), ("cc", "PC402"), ("dd", "PC404")]


def test_each_link_problem_is_located_where_it_is_fixed(tmp_path):
    found = family_findings(hierarchy, tmp_path, {"a": A, "b": B, "c": C, "d1": D, "d2": D},
                            fields=("code", "file", "line", "column", "severity"))
    assert found == [
        ("PC402", "plans/c.yaml", *position_of(C, "nowhere"), "error"),
        ("PC403", "plans/a.yaml", *position_of(A, "parent: bb", at="bb"), "error"),
        ("PC403", "plans/b.yaml", *position_of(B, "parent: aa", at="aa"), "error"),
        ("PC404", "plans/d2.yaml", *position_of(D, "id: dd", at="dd"), "error"),
    ]


def test_messages_show_the_cycle_and_name_the_other_file(tmp_path):
    messages = dict(family_findings(hierarchy, tmp_path, {"a": A, "b": B, "d1": D, "d2": D},
                                    fields=("plan", "message")))
    assert "parents form a cycle" in messages["aa"] and "bb" in messages["aa"]
    assert messages["dd"].startswith("jurisdiction 'dd' is already defined by ") and messages["dd"].endswith("d1.yaml")


def test_nearest_present_ancestor_through_the_registry(tmp_path):
    plans = {"hunan": draft_plan("hunan", "province", None, SHARE_22),
             "county": draft_plan("chaling", "county", "zhuzhou", SHARE_22.replace("22", "20"))}
    # every finding of the check: the skipped link, and the comparison made with the ancestor
    assert family_findings(None, tmp_path, plans, fields=("plan", "code")) == [("chaling", "PC201"),
                                                                               ("chaling", "PC401")]
    [(skipped,)] = family_findings(hierarchy, tmp_path, plans, fields=("message",))
    assert "zhuzhou (absent)" in skipped
    [weaker] = family_findings(strictness, tmp_path, plans, fields=("code", "message"))
    # A CI log line stands alone: it names the indicator, the year and the upper target.
    assert weaker == ("PC201", "non_fossil_energy_share 2025: hunan sets ≥22; "
                               "the number is less strict (20 vs 22)")


def test_a_skipped_link_is_information_at_the_parent(tmp_path):
    county = draft_plan("chaling", "county", "zhuzhou")
    found = family_findings(hierarchy, tmp_path, {"hunan": draft_plan("hunan", "province", None), "county": county},
                            fields=("code", "plan", "line", "column", "severity", "message"))
    assert found == [("PC401", "chaling", *position_of(county, "zhuzhou"), "info",
                      "compared with the nearest present ancestor: chaling → zhuzhou (absent) → hunan")]


def test_a_parent_known_only_to_the_registry_is_not_unknown(tmp_path):
    """zhuzhou has no plan here, but rules/jurisdictions.yaml knows it (and its parent)."""
    assert family_findings(hierarchy, tmp_path, draft_plan("chaling", "county", "zhuzhou")) == []
    assert family_findings(hierarchy, tmp_path, draft_plan("chaling", "county", "zhuzhuo"),
                           fields=("code", "message")) == [
        ("PC402", "parent 'zhuzhuo' is neither a plan nor in the registry")]
