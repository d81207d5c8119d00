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
