"""What the test modules share: the repository, tiny inline plans, the CLI runner, and the
run's steps called in-process (the pipeline, the executor and the policy, as ``run`` calls
them). Test modules import from here, never from each other."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from typer.testing import CliRunner

from plancheck.catalog import Catalog
from plancheck.findings import Finding

REPO = Path(__file__).resolve().parents[1]

SOURCE_TEXT = "到2025年，非化石能源消费比重达到22%以上。森林覆盖率稳定在59%以上。\n"

MINIMAL_PLAN = """\
jurisdiction: {id: testcounty, name: 测试县, level: county, parent: hunan}
documents:
  - id: doc
    title: 测试县碳达峰实施方案
    status: published
    source: source.txt
targets:
  - indicator: non_fossil_energy_share
    year: 2025
    value: 22
    comparator: at_least
    quote: 非化石能源消费比重达到22%以上
"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``needle``: tests derive positions, never guess them."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} occurs {len(hits)} times"
    return hits[occurrence - 1]


runner = CliRunner()


def invoke(*args: str, cwd: Path = REPO):
    """The CLI, in-process, from ``cwd``."""
    from plancheck.cli import app

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, list(args))
    finally:
        os.chdir(old)


def copy_plans(tmp_path: Path) -> Path:
    """A throw-away copy of the committed plans and sources, safe to break."""
    shutil.copytree(REPO / "plans", tmp_path / "plans")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    return tmp_path / "plans"


def graded(findings: list[Finding]) -> list[Finding]:
    """Findings with their documented severities, as the run's policy gives them."""
    from plancheck.policy import grade

    return grade(findings)


def validate_paths(paths: list[Path], catalog: Catalog, jobs: int = 1, keep_plans: bool = True):
    """``validate`` in-process: a ``ValidationResult`` with graded findings."""
    from plancheck import executor
    from plancheck.pipeline import discover

    files, problems = discover(paths)
    result = executor.validate(files, problems, catalog, jobs, keep_plans)
    graded(result.findings)
    return result


def check_paths(paths: list[Path], catalog: Catalog, rules_dir: Path | None = None, jobs: int = 1,
                keep_plans: bool = True):
    """``check`` in-process (the registry from ``rules_dir``, by default the repository's): a
    ``CheckResult`` with graded findings."""
    from plancheck import executor
    from plancheck.hierarchy import load_registry
    from plancheck.pipeline import discover

    files, problems = discover(paths)
    result = executor.check(files, problems, catalog, load_registry(rules_dir or REPO / "rules"), jobs, keep_plans)
    graded(result.findings)
    return result


def compare_paths(lower: Path, upper: Path, catalog: Catalog, rules_dir: Path | None = None):
    """``compare`` in-process: the comparison (or None) and the load errors, graded."""
    from plancheck.hierarchy import load_registry
    from plancheck.pipeline import compare_files

    comparison, problems = compare_files(lower, upper, catalog, load_registry(rules_dir or REPO / "rules"))
    if comparison is not None:
        graded(comparison.findings)
    return comparison, graded(problems)


def audit_path(path: Path, catalog: Catalog):
    """``audit`` of one plan in-process: an ``AuditResult`` with graded findings."""
    from plancheck.pipeline import audit_file
    from plancheck.results import AuditResult

    return AuditResult(graded(audit_file(path, catalog)), files=1)


def load(path: Path, catalog: Catalog):
    """``pipeline.load_plan`` with graded problems."""
    from plancheck.pipeline import load_plan

    plan, problems = load_plan(path, catalog)
    return plan, graded(problems)
