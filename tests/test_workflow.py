"""How plancheck fits drafters' and CI's habits: the editor schema (with check-jsonschema),
draft scaffolding, baselines, --changed-only and the GitHub workflow (with the schema
check-jsonschema ships). The pre-commit hook, run by pre-commit itself, and this repository's
own baseline: acceptance/test_ci_integration.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import REPO, git, invoke


def check_jsonschema(schema: Path, *files: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True, check=False)


def copy_corpus(tmp_path: Path) -> Path:
    for folder in ("plans", "sources", "rules", "schema"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


# ---- the editor schema

def test_committed_schema_is_the_generated_one():
    result = invoke("schema")
    assert result.exit_code == 0
    assert result.stdout == (REPO / "schema" / "plan.schema.json").read_text(encoding="utf-8")
    schema = json.loads(result.stdout)
    indicator = schema["$defs"]["Target"]["properties"]["indicator"]
    assert "non_fossil_energy_share" in indicator["enum"] and "data_center_pue" in indicator["enum"]


def test_every_plan_names_the_schema_for_its_editor():
    for plan in sorted((REPO / "plans").glob("*.yaml")):
        first = plan.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/plan.schema.json", plan.name


BROKEN = {
    "year as text": lambda d: d["targets"][0].update(year="2025"),
    "unknown key": lambda d: d["targets"][0].update(vaule=3),
    "missing value key": lambda d: d["targets"][0].pop("value"),
    "unknown indicator": lambda d: d["targets"][0].update(indicator="made_up_share"),
    "bad comparator": lambda d: d["targets"][0].update(comparator="greater"),
    "bad level": lambda d: d["jurisdiction"].update(level="town"),
    "bad date": lambda d: d["documents"][0].update(date="2024-13"),
    "id with capitals": lambda d: d["jurisdiction"].update(id="Chaling"),
}


def test_check_jsonschema_and_validate_agree_on_the_committed_plans():
    plans = sorted((REPO / "plans").glob("*.yaml"))
    assert check_jsonschema(REPO / "schema" / "plan.schema.json", *plans).returncode == 0
    assert invoke("validate", "plans").exit_code == 0


@pytest.mark.parametrize("mutation", sorted(BROKEN))
def test_check_jsonschema_and_validate_agree_on_broken_copies(mutation, tmp_path):
    root = copy_corpus(tmp_path)
    path = root / "plans" / "chaling.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    BROKEN[mutation](data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert check_jsonschema(root / "schema" / "plan.schema.json", path).returncode == 1
    assert invoke("validate", "plans/chaling.yaml", cwd=root).exit_code == 2


# ---- scaffolding a county draft

def binds_a_county(target: dict, catalog) -> bool:
    """Read independently of the scaffold code: per-jurisdiction indicator, no level condition
    that leaves counties out."""
    indicator = catalog.get(target["indicator"])
    levels = (target.get("condition") or {}).get("levels")
    return indicator.binding == "per_jurisdiction" and (levels is None or "county" in levels)


def test_a_scaffolded_county_draft_validates_and_lists_every_binding_target_as_open(tmp_path, catalog):
    root = copy_corpus(tmp_path)
    result = invoke("scaffold", "--from", "hunan", "--level", "county", "--id", "youxian", "--name", "攸县",
                    "-o", "plans/youxian.yaml", cwd=root)
    assert result.exit_code == 0, result.output
    assert invoke("validate", "plans/youxian.yaml", cwd=root).exit_code == 0
    draft = yaml.safe_load((root / "plans" / "youxian.yaml").read_text(encoding="utf-8"))
    hunan = yaml.safe_load((REPO / "plans" / "hunan.yaml").read_text(encoding="utf-8"))
    expected = [(t["indicator"], t["year"]) for t in hunan["targets"] if binds_a_county(t, catalog)]
    assert len(expected) > 30
    assert sorted(((t["indicator"], t["year"]) for t in draft["targets"]), key=str) == sorted(expected, key=str)
    assert all(t["value"] is None for t in draft["targets"])
    rows = json.loads(invoke("compare", "youxian", "hunan", "-f", "json", cwd=root).stdout)["rows"]
    numbered = {(t["indicator"], t["year"]) for t in hunan["targets"]
                if binds_a_county(t, catalog) and t["value"] is not None}
    open_rows = {(r["indicator"], r["year"]) for r in rows if r["verdict"] == "unquantified"}
    assert numbered <= open_rows
    assert not any(r["verdict"] in ("missing", "equal", "stricter", "weaker") for r in rows)



def test_a_province_draft_starts_from_the_nation(tmp_path, catalog):
    """The level above a province is the nation: its per-jurisdiction targets, none of its totals."""
    root = copy_corpus(tmp_path)
    result = invoke("scaffold", "--from", "china", "--level", "province", "--id", "hubei", "--name", "湖北省",
                    "-o", "plans/hubei.yaml", cwd=root)
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load((root / "plans" / "hubei.yaml").read_text(encoding="utf-8"))
    assert draft["jurisdiction"] == {"id": "hubei", "name": "湖北省", "level": "province", "parent": "china"}
    china = yaml.safe_load((REPO / "plans" / "china.yaml").read_text(encoding="utf-8"))
    drafted = {t["indicator"] for t in draft["targets"]}
    assert "non_fossil_energy_share" in drafted and "peak_load_response_share" in drafted
    totals = {t["indicator"] for t in china["targets"] if catalog.get(t["indicator"]).binding == "extensive"}
    assert {"wind_solar_installed_capacity", "hydro_capacity_added"} <= totals and not drafted & totals
    assert invoke("validate", "plans/hubei.yaml", cwd=root).exit_code == 0
    rows = json.loads(invoke("compare", "hubei", "china", "-f", "json", cwd=root).stdout)["rows"]
    assert rows and not any(r["verdict"] in ("missing", "weaker") for r in rows)
    refused = invoke("scaffold", "--from", "china", "--level", "national", "-o", "plans/x.yaml", cwd=root)
    assert refused.exit_code == 2 and "unknown level 'national'" in refused.output
    assert not (root / "plans" / "x.yaml").exists()

def test_scaffold_never_overwrites_without_force_and_never_a_plan(tmp_path):
    root = copy_corpus(tmp_path)
    (root / "drafts").mkdir()
    target = root / "drafts" / "mine.yaml"
    target.write_text("my work\n", encoding="utf-8")
    args = ["scaffold", "--from", "hunan", "--level", "county", "-o", "drafts/mine.yaml"]
    result = invoke(*args, cwd=root)
    assert result.exit_code == 2 and "--force" in result.output
    assert target.read_text(encoding="utf-8") == "my work\n"
    assert invoke(*args, "--force", cwd=root).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server")
    # A file in the plans folder is a plan, loaded or not (this one is not even YAML): --force
    # does not reach it.
    plan = root / "plans" / "mine.yaml"
    plan.write_text("my: [unfinished work\n", encoding="utf-8")
    result = invoke("scaffold", "--from", "hunan", "--level", "county", "-o", "plans/mine.yaml", "--force", cwd=root)
    assert result.exit_code == 2 and "refusing to write the report over an input file" in result.output
    assert plan.read_text(encoding="utf-8") == "my: [unfinished work\n"


# ---- baselines

def test_a_baseline_made_today_passes_today_and_fails_on_a_new_gap(tmp_path):
    root = copy_corpus(tmp_path)
    assert invoke("check", "--baseline-create", "baseline.json", cwd=root).exit_code == 0
    today = invoke("check", "--baseline", "baseline.json", "-f", "json", cwd=root)
    assert today.exit_code == 0
    findings = json.loads(today.stdout)["findings"]
    assert findings and all(f["baseline"] == "existing" for f in findings)  # shown, not hidden
    # A new gap: 湘潭 lowers its 2025 non-fossil share below the province's 22%.
    path = root / "plans" / "xiangtan.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    value: 22\n" in text
    path.write_text(text.replace("    value: 22\n", "    value: 18\n", 1), encoding="utf-8")
    after = invoke("check", "--baseline", "baseline.json", "-f", "json", cwd=root)
    assert after.exit_code == 1
    new = [f for f in json.loads(after.stdout)["findings"] if f["baseline"] == "new"]
    # New: weaker than the province (PC201), and 18 is no longer in the quoted sentence (PC102).
    assert sorted((f["plan"], f["code"], f["indicator"], f["year"]) for f in new if f["severity"] == "error") == [
        ("xiangtan", "PC102", "non_fossil_energy_share", 2025), ("xiangtan", "PC201", "non_fossil_energy_share", 2025)]


def test_baseline_keys_ignore_line_numbers(tmp_path):
    root = copy_corpus(tmp_path)
    invoke("check", "--baseline-create", "baseline.json", cwd=root)
    path = root / "plans" / "chaling.yaml"
    path.write_text("# a comment that moves every line down\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert invoke("check", "--baseline", "baseline.json", cwd=root).exit_code == 0


def test_a_broken_baseline_is_a_usage_error(tmp_path):
    root = copy_corpus(tmp_path)
    (root / "baseline.json").write_text("{not json", encoding="utf-8")
    result = invoke("check", "--baseline", "baseline.json", cwd=root)
    assert result.exit_code == 2 and "baseline.json:1:2" in result.output


# ---- only what changed

def test_changed_only_reports_the_changed_plan_and_its_family(tmp_path):
    root = copy_corpus(tmp_path)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "plans")
    result = invoke("check", "--changed-only", "HEAD", "-f", "json", cwd=root)
    assert result.exit_code == 0 and json.loads(result.stdout)["findings"] == []
    path = root / "plans" / "hunan.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # the province changed
    plans = {f["plan"] for f in json.loads(invoke("check", "--changed-only", "HEAD", "-f", "json",
                                                   cwd=root).stdout)["findings"]}
    assert plans == {"hunan", "chaling", "xiangtan", "xiangjiang"}  # it against the nation, and every descendant
    git(root, "commit", "-qam", "province")
    county = root / "plans" / "chaling.yaml"
    county.write_text(county.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    plans = {f["plan"] for f in json.loads(invoke("check", "--changed-only", "HEAD", "-f", "json",
                                                   cwd=root).stdout)["findings"]}
    # hunan (its ancestor) is loaded to compare with, but its own gaps against the nation are not
    # the county's to answer for; siblings are not reported
    assert plans == {"chaling"}
    bad = invoke("check", "--changed-only", "no-such-ref", cwd=root)
    assert bad.exit_code == 2 and "unknown git revision" in bad.output


# ---- the GitHub workflow

def test_the_github_workflow_matches_githubs_schema():
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           str(REPO / ".github" / "workflows" / "plancheck.yml")], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
