"""`check`: hierarchy links, internal consistency, exit codes — on tiny inline plan folders."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from plancheck.checks.consistency import check_consistency
from plancheck.models import Plan

from helpers import check_paths as check
from helpers import invoke
from helpers import REPO


def plan_text(pid: str, level: str, parent: str | None, targets: str = "targets: []\n") -> str:
    return textwrap.dedent(f"""\
        jurisdiction: {{id: {pid}, name: 某地, level: {level}, parent: {parent or 'null'}}}
        documents:
          - {{id: d, title: 方案, status: draft}}
        """) + textwrap.dedent(targets)


def folder(tmp_path: Path, **plans: str) -> Path:
    (tmp_path / "plans").mkdir()
    for name, text in plans.items():
        (tmp_path / "plans" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "plans"


def codes(result) -> list[tuple[str, str]]:
    return sorted((f.plan, f.code) for f in result.findings)


SHARE_22 = """\
targets:
  - {indicator: non_fossil_energy_share, year: 2025, value: 22, comparator: at_least}
"""


def test_cycle_unknown_parent_and_duplicate_jurisdiction(tmp_path, catalog):
    plans = folder(tmp_path,
                   a=plan_text("aa", "city", "bb"), b=plan_text("bb", "city", "aa"),
                   c=plan_text("cc", "county", "nowhere"),
                   d1=plan_text("dd", "county", None), d2=plan_text("dd", "county", None))
    result = check([plans], catalog, REPO / "rules")
    assert codes(result) == [("aa", "PC403"), ("bb", "PC403"), ("cc", "PC402"), ("dd", "PC404")]


def test_nearest_present_ancestor_through_the_registry(tmp_path, catalog):
    plans = folder(tmp_path, hunan=plan_text("hunan", "province", None, SHARE_22),
                   county=plan_text("chaling", "county", "zhuzhou", SHARE_22.replace("22", "20")))
    result = check([plans], catalog, REPO / "rules")
    assert codes(result) == [("chaling", "PC201"), ("chaling", "PC401")]
    skipped = next(f for f in result.findings if f.code == "PC401")
    assert "zhuzhou (absent)" in skipped.message
    weaker = next(f for f in result.findings if f.code == "PC201")
    # A CI log line stands alone: it names the indicator, the year and the upper target.
    assert weaker.message == ("non_fossil_energy_share 2025: hunan sets ≥22; "
                              "the number is less strict (20 vs 22)")


def target_plan(targets: str) -> Plan:
    import yaml

    return Plan.model_validate(yaml.safe_load(plan_text("x", "county", None, targets)))


def test_conflict_same_indicator_year_scope(catalog):
    plan = target_plan("""\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 20}
          - {indicator: non_fossil_energy_share, year: 2025, value: 22}
          - {indicator: non_fossil_energy_share, year: 2025, value: 22, scope: 工业}
        """)
    found = list(check_consistency(plan, catalog))
    assert [(f.code, f.path) for f in found] == [("PC301", ("targets", 1))]


def test_approximate_restatements_within_tolerance_are_not_conflicts(catalog):
    plan = target_plan("""\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 20, approximate: true}
          - {indicator: non_fossil_energy_share, year: 2025, value: 20.3}
        """)
    assert list(check_consistency(plan, catalog)) == []


def test_later_target_less_strict_than_earlier(catalog):
    plan = target_plan("""\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 25}
          - {indicator: non_fossil_energy_share, year: 2030, value: 22}
        """)
    assert [(f.code, f.year) for f in check_consistency(plan, catalog)] == [("PC302", 2030)]


def test_check_exit_codes_follow_the_fail_level():
    assert invoke("check", "plans").exit_code == 1  # weaker targets exist (PC201, error)
    result = invoke("check", "plans", "--format", "json", "--fail-on", "error")
    document = json.loads(result.stdout)
    fields = ["code", "severity", "plan", "file", "line", "column", "indicator", "year", "verdict", "message",
              "waiver", "baseline"]
    assert all(list(f) == fields for f in document["findings"])
    assert any(f["verdict"] == "weaker" and f["severity"] == "error" for f in document["findings"])
    # `--fail-on never` sits above every severity: the same report, exit 0.
    never = invoke("check", "plans", "--format", "json", "--fail-on", "never")
    assert never.exit_code == 0 and json.loads(never.stdout) == document


def test_check_exit_0_when_nothing_reaches_the_fail_level(tmp_path):
    plans = folder(tmp_path, hunan=plan_text("hunan", "province", None, SHARE_22),
                   county=plan_text("chaling", "county", "zhuzhou", SHARE_22.replace("22", "25")))
    assert invoke("check", str(plans), "--rules", str(REPO / "rules")).exit_code == 0
    assert invoke("check", str(plans), "--rules", str(REPO / "rules"), "--fail-on", "info").exit_code == 1


def test_compare_notes_when_the_upper_plan_is_not_above_the_lower_one():
    reversed_pair = invoke("compare", "hunan", "chaling")
    assert "chaling is not above hunan in the hierarchy" in reversed_pair.output
    assert "is not above" not in invoke("compare", "chaling", "hunan").output  # 株洲 is skipped, not a problem
