"""This repository as CI and pre-commit use it: the hook installed and run by pre-commit
itself (``pre-commit try-repo`` on this working tree), and the committed baseline keeping
this repository's own workflow green."""

from __future__ import annotations

import shutil
import subprocess
import sys

from helpers import GIT_ENV, REPO, git, invoke


# ---- pre-commit, run by pre-commit itself

PROVINCE = """\
jurisdiction: {id: prov, name: 某省, level: province, parent: null}
documents: [{id: p, title: 某省方案, status: draft}]
targets:
  - {indicator: non_fossil_energy_share, year: 2025, value: 22, comparator: at_least}
"""
COUNTY = """\
jurisdiction: {id: county, name: 某县, level: county, parent: prov}
documents: [{id: c, title: 某县方案, status: draft}]
targets:
  - {indicator: non_fossil_energy_share, year: 2025, value: VALUE, comparator: at_least}
"""


def test_the_pre_commit_hook_through_pre_commit_try_repo(tmp_path):
    repo = tmp_path / "plans-repo"
    (repo / "plans").mkdir(parents=True)
    shutil.copytree(REPO / "rules", repo / "rules")
    (repo / "plans" / "prov.yaml").write_text(PROVINCE, encoding="utf-8")
    (repo / "plans" / "county.yaml").write_text(COUNTY.replace("VALUE", "25"), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    env = {**GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def hook(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "plancheck", "--files",
                               *files], cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=900)

    passing = hook("plans/county.yaml")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    # The county falls below the province: the hook fails, naming the line and the code.
    (repo / "plans" / "county.yaml").write_text(COUNTY.replace("VALUE", "20"), encoding="utf-8")
    failing = hook("plans/county.yaml")
    assert failing.returncode == 1 and "PC201" in failing.stdout
    # Changing only the province re-checks the county below it.
    assert hook("plans/prov.yaml").returncode == 1


# ---- this repository's own workflow

def test_the_committed_baseline_keeps_this_repositorys_workflow_green():
    assert invoke("check", "--baseline", "plancheck-baseline.json").exit_code == 0


# ---- the CI formats on the real plans, read by their real consumers

SARIF_TOOLS = REPO / ".cache" / "sarif-multitool-5.7.0"


def sarif_tools():
    tool = SARIF_TOOLS / "Sarif.Multitool"
    assert tool.exists() and (SARIF_TOOLS / "sarif-2.1.0.json").exists(), \
        "SARIF tools missing: run `bash scripts/install-test-tools` (see README)"
    return SARIF_TOOLS


def written(tmp_path, name: str, *args: str) -> str:
    """``plancheck ARGS -o FILE`` on the committed plans, as CI runs it; the report's text."""
    out = tmp_path / name
    result = invoke(*args, "-o", str(out))
    assert result.exit_code == 1, result.output  # the real plans have a weaker target (茶陵 2025)
    return out.read_text(encoding="utf-8")


def severities() -> dict[str, int]:
    """How many findings of each severity ``check plans`` has, from its JSON (a different reporter)."""
    import json
    from collections import Counter

    return Counter(f["severity"] for f in json.loads(invoke("check", "plans", "-f", "json").output)["findings"])


def test_sarif_on_the_real_plans_passes_the_official_schema_and_the_multitool(tmp_path):
    import json
    import os

    tools = sarif_tools()
    counts = severities()
    default = json.loads(written(tmp_path, "default.sarif", "check", "plans", "-f", "sarif"))
    every = json.loads(written(tmp_path, "passes.sarif", "check", "plans", "-f", "sarif", "--sarif-passes"))
    # by default only problems: what GitHub code scanning would open as alerts
    found = default["runs"][0]["results"]
    assert len(found) == counts["error"] + counts["warning"] and found
    assert {r["level"] for r in found} == {"error", "warning"} and not any("kind" in r for r in found)
    # with the passes, every finding, each a kind a viewer can filter on
    found = every["runs"][0]["results"]
    assert len(found) == sum(counts.values())
    passes = [r for r in found if r.get("kind") == "pass"]
    assert passes and {r["properties"]["verdict"] for r in passes} == {"stricter", "equal"}
    assert all(r["level"] == "none" for r in found if r.get("kind", "fail") != "fail")
    for name in ("default.sarif", "passes.sarif"):
        checked = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile",
                                  str(tools / "sarif-2.1.0.json"), str(tmp_path / name)],
                                 capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        report = tmp_path / f"{name}.validation"
        env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"}
        # the SARIF rules and the GitHub Advanced Security ingestion rules
        done = subprocess.run([str(tools / "Sarif.Multitool"), "validate", str(tmp_path / name), "--rule-kind",
                               "Sarif;Ghas", "-o", str(report)], capture_output=True, text=True, env=env, check=False,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        results = json.loads(report.read_text(encoding="utf-8-sig"))["runs"][0].get("results", [])
        errors = [(r["ruleId"], r["message"].get("arguments")) for r in results if r.get("level", "warning") == "error"]
        assert errors == [], name


def test_junit_on_the_real_plans_names_each_case_once_and_the_same_way_every_run(tmp_path):
    from junitparser import Failure, JUnitXml

    def cases(name: str) -> list[tuple[str, str, str | None, str]]:
        written(tmp_path, name, "check", "plans", "-f", "junit")
        xml = JUnitXml.fromfile(str(tmp_path / name))
        return [(suite.name, case.name, case._elem.get("file"), case.classname) for suite in xml for case in suite]

    first, second = cases("a.xml"), cases("b.xml")
    assert first == second
    by_suite: dict[str, list[str]] = {}
    for suite, name, _, _ in first:
        by_suite.setdefault(suite, []).append(name)
    assert all(len(names) == len(set(names)) for names in by_suite.values()), by_suite
    assert all(file and file.startswith("plans/") and file.endswith(".yaml") for _, _, file, _ in first)
    assert {file for suite, _, file, _ in first if suite == "chaling against hunan"} == {"plans/chaling.yaml"}
    assert "non_fossil_energy_share 2025" in by_suite["chaling against hunan"]
    assert by_suite["hunan: plan checks"] == ["validate and check the plan"]
    xml = JUnitXml.fromfile(str(tmp_path / "a.xml"))
    failures = [(case.name, r) for suite in xml for case in suite for r in case.result if isinstance(r, Failure)]
    assert len(failures) == severities()["error"]
    assert all(r.message and r.message in r.text and r.type.startswith("PC") for _, r in failures)
    assert ("non_fossil_energy_share 2025", "PC201") in {(name, r.type) for name, r in failures}


def test_github_annotations_on_the_real_plans_by_default_and_as_asked():
    import re

    counts = severities()
    lines = invoke("check", "plans", "-f", "github").output.splitlines()
    listed = counts["error"] + counts["warning"]
    assert listed > 50  # the real plans have more errors and warnings than GitHub shows a job
    assert [re.match(r"::(\w+) ", line).group(1) for line in lines[:-1]] == \
        (["error"] * counts["error"] + ["warning"] * counts["warning"])[:50]
    total = sum(counts.values())
    assert lines[-1].startswith(f"::notice title=plancheck::50 of {total} findings annotated")
    assert f"left out: {counts['info']} below --show warning ({counts['info']} info)" in lines[-1]
    assert f"{listed - 50} over the cap of 50 ({listed - 50} warning" in lines[-1]  # warning or warnings
    assert '--summary "$GITHUB_STEP_SUMMARY"' in lines[-1]
    # --show info asks for every finding; GitHub shows at most 50 a job, so 50 are printed, errors first
    every = invoke("check", "plans", "-f", "github", "--show", "info").output.splitlines()
    assert len(every) == 51 and every[0].startswith("::error ") and every[49].startswith("::warning ")
    over = listed - 50
    assert f"over the cap of 50 ({over} warning{'s' if over > 1 else ''}, {counts['info']} info)" in every[-1]
    # the repository's own workflow: every finding is in the baseline, so nothing is annotated
    baseline = invoke("check", "plans", "-f", "github", "--baseline", "plancheck-baseline.json").output.splitlines()
    assert len(baseline) == 1 and f"left out: {total} below --show warning ({total} in the baseline)" in baseline[0]
