"""Three present levels, nation → province → county, on tiny inline plans: ``check`` compares each
plan with the level directly above, and ``compare`` across a level names the level it skips and
says whether that level's plan is present (docs/design.md "Jurisdictions and levels")."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import REPO, draft_plan, in_english, invoke

SHARE = "targets:\n  - {{indicator: non_fossil_energy_share, year: 2025, value: {value}, comparator: at_least}}\n"


ABSENT_CITY = "jurisdictions:\n  - {id: city, name: 某市, level: city, parent: prov}\n"
"""A registry that knows a city with no plan, between the county and its province."""


def _cascade(tmp_path: Path, *, absent_city: bool = False) -> Path:
    """nation (20) → prov (22) → county (21): the county is stricter than the nation, weaker than
    its province. With ``absent_city``, the county's parent is a city whose plan is absent."""
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "nation.yaml").write_text(draft_plan("nation", "national", None, SHARE.format(value=20)), encoding="utf-8")
    (plans / "prov.yaml").write_text(draft_plan("prov", "province", "nation", SHARE.format(value=22)),
                                     encoding="utf-8")
    parent = "city" if absent_city else "prov"
    (plans / "county.yaml").write_text(draft_plan("county", "county", parent, SHARE.format(value=21)),
                                       encoding="utf-8")
    if absent_city:
        shutil.copytree(REPO / "rules", tmp_path / "rules")
        (tmp_path / "rules" / "jurisdictions.yaml").write_text(ABSENT_CITY, encoding="utf-8")
    return tmp_path


def test_check_compares_each_plan_with_the_level_directly_above(tmp_path):
    result = invoke("check", "-f", "json", "--show", "all", cwd=_cascade(tmp_path))
    rows = {(f["plan"], f["verdict"], f["message"].split(" sets ")[0]) for f in json.loads(result.stdout)["findings"]
            if f["verdict"] is not None}
    assert rows == {("prov", "stricter", "non_fossil_energy_share 2025: nation"),
                    ("county", "weaker", "non_fossil_energy_share 2025: prov")}
    assert result.exit_code == 1  # the county is weaker than its province


def test_compare_across_a_present_level_names_it(tmp_path):
    root = _cascade(tmp_path)
    result = invoke(*in_english(["compare", "county", "nation"]), cwd=root)
    assert result.exit_code == 0, result.output  # 21 is stricter than the nation's 20
    assert "compared across levels, as asked, skipping: prov (plan present)" in result.stdout
    assert "is not above" not in result.output  # prov's own file links county to the nation
    document = json.loads(invoke("compare", "county", "nation", "-f", "json", cwd=root).stdout)
    assert document["skipped_links"] == ["prov"] and document["skipped_present"] == ["prov"]
    chinese = invoke("compare", "county", "nation", "--lang", "zh", cwd=root).stdout
    assert "按要求跨级对照，跳过：prov（有规划）" in chinese


def test_compare_across_an_absent_and_a_present_level_tells_them_apart(tmp_path):
    root = _cascade(tmp_path, absent_city=True)
    result = invoke(*in_english(["compare", "county", "nation"]), cwd=root)
    assert "skipping: city (no plan), prov (plan present)" in result.stdout
    markdown = invoke(*in_english(["compare", "county", "nation", "-f", "markdown"]), cwd=root).stdout
    assert "skipping: city (no plan), prov (plan present)" in markdown


def test_the_nearest_present_ancestor_keeps_its_own_words(tmp_path):
    """Only an absent level skipped: the line says the parent's plan is absent and the nearest
    present ancestor stands in."""
    root = _cascade(tmp_path, absent_city=True)
    result = invoke(*in_english(["compare", "county", "prov"]), cwd=root)
    assert "parent plan absent; compared with the nearest present ancestor, skipping: city" in result.stdout
    document = json.loads(invoke("compare", "county", "prov", "-f", "json", cwd=root).stdout)
    assert document["skipped_links"] == ["city"] and document["skipped_present"] == []
