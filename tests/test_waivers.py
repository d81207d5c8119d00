"""Waivers (waivers.py: PC501/PC502): a waived finding stays visible and stops counting; an
expired or unused waiver is reported at its line; a waiver file that cannot be used stops the
run. On tiny inline plans through ``family_findings`` (the committed plans, through the
command line: acceptance/test_waivers_real_plans.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plancheck import waivers
from plancheck.checks import strictness
from plancheck.failures import ConfigError

from helpers import SHARE_22, draft_plan, family_findings, line_of, position_of

PLANS = {"hunan": draft_plan("hunan", "province", None, SHARE_22 + """\
  - {indicator: data_center_pue, year: 2025, value: 1.3, comparator: at_most}
"""),
         "county": draft_plan("county", "county", "hunan", SHARE_22.replace("22", "20"))}

WEAKER = """\
waivers:
  - plan: county
    code: PC201
    indicator: non_fossil_energy_share
    year: 2025
    reason: agreed with the province
"""


def rows(tmp_path, waiver_text: str, family=strictness, today: str = "2026-01-01",
         fields=("code", "indicator", "verdict", "waiver", "counts_against")) -> list[tuple]:
    return family_findings(family, tmp_path, PLANS, fields=fields, waivers=waiver_text, today=today)


def test_without_waivers_the_weaker_target_counts(tmp_path):
    assert family_findings(strictness, tmp_path, PLANS, fields=("code", "verdict", "waiver", "counts_against")) == [
        ("PC201", "weaker", None, True), ("PC202", "missing", None, True)]


def test_waived_findings_stay_visible_and_stop_counting(tmp_path):
    text = WEAKER + "    expires: 2027-01-01\n"
    assert rows(tmp_path, text) == [
        ("PC201", "non_fossil_energy_share", "weaker", "agreed with the province", False),
        ("PC202", "data_center_pue", "missing", None, True)]
    assert rows(tmp_path, text, waivers) == []  # a waiver in use is not itself a finding


def test_expired_waiver_is_reported_and_no_longer_waives(tmp_path):
    text = WEAKER + "    expires: 2025-12-31\n"
    assert rows(tmp_path, text)[0] == ("PC201", "non_fossil_energy_share", "weaker", None, True)
    assert rows(tmp_path, text, waivers, fields=("code", "file", "line", "column", "plan", "severity", "message")) == [
        ("PC501", "waivers.yaml", *position_of(text, "plan: county"), "county", "warning",
         "waiver for county PC201 non_fossil_energy_share 2025 expired on 2025-12-31")]
    # the last day of a waiver is still a day it waives
    assert rows(tmp_path, text, today="2025-12-31")[0][3] == "agreed with the province"


def test_unused_waiver_is_reported(tmp_path):
    text = WEAKER.replace("non_fossil_energy_share", "forest_coverage").replace("2025", "1999")
    assert rows(tmp_path, text, waivers, fields=("code", "file", "line", "message")) == [
        ("PC502", "waivers.yaml", line_of(text, "- plan:"),
         "waiver for county PC201 forest_coverage 1999 matches no finding")]
    assert rows(tmp_path, text)[0][3:] == (None, True)


def test_a_waiver_without_indicator_or_year_covers_every_finding_of_its_code(tmp_path):
    text = """\
        waivers:
          - {plan: county, code: PC202, reason: the county has no data centres}
        """
    assert [row[:1] + row[3:] for row in rows(tmp_path, text)] == [
        ("PC201", None, True), ("PC202", "the county has no data centres", False)]


def test_a_waiver_for_another_plan_waives_nothing_here(tmp_path):
    text = WEAKER.replace("plan: county", "plan: hunan")
    assert [row[3] for row in rows(tmp_path, text)] == [None, None]
    assert [code for (code,) in rows(tmp_path, text, waivers, fields=("code",))] == ["PC502"]


@pytest.mark.parametrize(("text", "needle", "word"), [
    ("waivers:\n  - plan: county\n    code: PC201\n", "- plan:", "reason"),
    ("waivers:\n  - {plan: county, code: PC013, reason: cannot be read}\n", "PC013", "load error"),
])
def test_a_waiver_file_that_cannot_be_used_stops_the_run_at_its_line(tmp_path, text, needle, word):
    with pytest.raises(ConfigError) as raised:
        rows(tmp_path, text)
    [problem] = raised.value.findings
    assert (problem.code, Path(problem.file).name, problem.line) == ("PC016", "waivers.yaml", line_of(text, needle))
    assert word in problem.message


def test_settings_weigh_the_waivers_own_findings(tmp_path):
    """PC501 and PC502 are graded like any finding: the settings may raise them or disable them."""
    import json

    from helpers import invoke

    (tmp_path / "plans").mkdir()
    for name, text in PLANS.items():
        (tmp_path / "plans" / f"{name}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "waivers.yaml").write_text(WEAKER.replace("PC201", "PC203"), encoding="utf-8")  # matches nothing

    def unused() -> tuple[int, list[tuple[str, str]]]:
        result = invoke("check", "-f", "json", "--fail-on", "error", cwd=tmp_path)
        found = json.loads(result.stdout)["findings"]
        return result.exit_code, [(f["code"], f["severity"]) for f in found if f["code"] == "PC502"]

    (tmp_path / "plans" / "county.yaml").write_text(PLANS["county"].replace("value: 20", "value: 22"),
                                                    encoding="utf-8")  # no PC201 left to fail the run
    assert unused() == (0, [("PC502", "warning")])
    (tmp_path / ".plancheck.yaml").write_text("severity: {PC502: error}\n", encoding="utf-8")
    assert unused() == (1, [("PC502", "error")])
    (tmp_path / ".plancheck.yaml").write_text("disable: [PC502]\n", encoding="utf-8")
    assert unused() == (0, [])
