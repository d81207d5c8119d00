"""What the test modules share: the repository, tiny inline plans, the CLI runner, the
run's steps called in-process (the pipeline, the executor and the policy, as ``run`` calls
them), ``family_findings`` (one check family's findings on tiny inline plans, as yamllint's
``RuleTestCase.check`` gives one rule's problems) and the verdict-logic fixtures that
test_compare.py and test_pairing.py share. Test modules import from here, never from each
other."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import tempfile
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from typer.testing import CliRunner

from plancheck.catalog import Catalog, Indicator
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


def position_of(text: str, needle: str, occurrence: int = 1, at: str | None = None) -> tuple[int, int]:
    """1-based (line, column) of the n-th line containing ``needle``, at the first ``at`` in that
    line (by default the needle itself), in the text as ``family_findings`` writes it (dedented):
    a column is derived as a line is, never guessed."""
    text = textwrap.dedent(text)
    line = line_of(text, needle, occurrence)
    return line, text.splitlines()[line - 1].index(needle if at is None else at) + 1


def draft_plan(pid: str, level: str, parent: str | None, targets: str = "targets: []\n") -> str:
    """A plan of one draft document (no source, no quotes needed) with these ``targets:`` lines."""
    return textwrap.dedent(f"""\
        jurisdiction: {{id: {pid}, name: 某地, level: {level}, parent: {parent or 'null'}}}
        documents:
          - {{id: d, title: 方案, status: draft}}
        """) + textwrap.dedent(targets)


STRICTNESS_PROVINCE = draft_plan("prov", "province", None, """\
    targets:
      - {indicator: non_fossil_energy_share, year: 2025, value: 22, comparator: at_least}
      - {indicator: non_fossil_energy_share, year: 2030, value: 25, comparator: at_least}
      - {indicator: data_center_pue, year: null, value: 1.3, comparator: at_most}
      - {indicator: green_travel_share, year: 2025, value: 50, comparator: at_least}
      - {indicator: energy_intensity_reduction, year: 2025, value: 14}
      - {indicator: green_building_share_new_buildings, year: 2025, value: 100}
      - {indicator: coal_power_retrofit_threshold, year: null, value: 300, unit: 克标准煤/千瓦时}
      - {indicator: forest_coverage, year: 2025, value: 59, comparator: at_least}
      - {indicator: prefab_building_share, year: 2025, value: 30, comparator: at_least,
         condition: {text: 城市新建建筑, levels: [city]}}
      - {indicator: fertilizer_utilization_rate, year: 2025, value: 43, comparator: at_least}
    """)
STRICTNESS_COUNTY = draft_plan("county", "county", "prov", """\
    targets:
      - {indicator: non_fossil_energy_share, year: 2025, value: 20, comparator: at_least}
      - {indicator: non_fossil_energy_share, year: 2030, value: 24.8, approximate: true}
      - {indicator: data_center_pue, year: null, value: 1.25, comparator: at_most}
      - {indicator: green_travel_share, year: 2025, value: 50, comparator: at_least}
      - {indicator: energy_intensity_reduction, year: 2025, value: null, deferred: true}
      - {indicator: green_building_share_new_buildings, year: 2025, value: null}
      - {indicator: forest_coverage, year: 2025, value: 40, comparator: at_least}
    """)
"""A province and a county whose rows take most verdicts (test_strictness.py; test_language.py
reads the same rows in Chinese)."""


SHARE_22 = """\
targets:
  - {indicator: non_fossil_energy_share, year: 2025, value: 22, comparator: at_least}
"""
"""The ``targets:`` of a province that sets the headline share (``draft_plan``)."""

HOSTILE = "<script>alert(1)</script> a|b\nsecond line \x1b[31mred\x07"


def hostile_plans(tmp_path: Path) -> Path:
    """A province and a county whose scope and quote hold markup, a pipe and a newline."""
    import json

    plans = tmp_path / "plans"
    plans.mkdir()
    scope = json.dumps(HOSTILE, ensure_ascii=False)
    (plans / "prov.yaml").write_text(textwrap.dedent(f"""\
        jurisdiction: {{id: prov, name: 某省, level: province, parent: null}}
        documents: [{{id: p, title: 某省方案, status: draft}}]
        targets:
          - {{indicator: non_fossil_energy_share, year: 2025, value: 22, comparator: at_least,
              scope: {scope}, quote: {scope}}}
        """), encoding="utf-8")
    (plans / "county.yaml").write_text(textwrap.dedent(f"""\
        jurisdiction: {{id: county, name: 某县, level: county, parent: prov}}
        documents: [{{id: c, title: {scope}, status: draft}}]
        targets:
          - {{indicator: non_fossil_energy_share, year: 2025, value: 20, comparator: at_least,
              scope: {scope}, quote: {scope}}}
        """), encoding="utf-8")
    return plans


GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(root: Path, *args: str) -> None:
    """git in ``root``, with an author, failing the test if git fails."""
    import subprocess

    subprocess.run(["git", *args], cwd=root, env=GIT_ENV, check=True, capture_output=True)


runner = CliRunner()


ENGLISH_COMMANDS = frozenset({"validate", "check", "audit", "compare"})


def in_english(args: tuple[str, ...] | list[str]) -> list[str]:
    """The command with ``--lang en`` after its name: the tests that read messages read the
    English ones (the reports default to Chinese, docs/design.md "Report formats")."""
    args = list(args)
    if args and args[0] in ENGLISH_COMMANDS and "--lang" not in args:
        return [args[0], "--lang", "en", *args[1:]]
    return args


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
    from plancheck.discovery import discover

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
    from plancheck.discovery import discover

    files, problems = discover(paths)
    result = executor.check(files, problems, catalog, load_registry(rules_dir or REPO / "rules"), jobs, keep_plans)
    graded(result.findings)
    return result


def compare_paths(lower: Path, upper: Path, catalog: Catalog, rules_dir: Path | None = None):
    """``compare`` in-process: the comparison (or None) and the load errors, graded."""
    from plancheck.hierarchy import load_registry
    from plancheck.pipeline import compare_files

    result = compare_files(lower, upper, catalog, load_registry(rules_dir or REPO / "rules"))
    comparison, problems = result.comparison, result.problems
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


# ---- one check family on tiny inline plans

FIELDS = ("code", "line", "column")
"""``family_findings``' default: what a finding is and where."""

ROW = ("code", "plan", "indicator", "year", "verdict")
"""A comparison row (or any finding about a target) by what it is about."""

_COMMANDS = {"structure": "validate", "provenance": "validate", "audit": "audit"}
"""The command a family's findings come from; every other family's (and a mix of them) is ``check``."""


def family_codes(family: ModuleType | Sequence[ModuleType]) -> frozenset[str]:
    """The codes a check family module (or several) documents in its ``CODES``."""
    modules = family if isinstance(family, (tuple, list)) else (family,)
    return frozenset(doc.code for module in modules for doc in module.CODES)


@functools.cache
def _catalog(rules_dir: Path) -> Catalog:
    from plancheck.catalog import load_catalog

    return load_catalog(rules_dir)


def family_findings(family: ModuleType | Sequence[ModuleType] | None, tmp_path: Path,
                    plans: str | Mapping[str, str], sources: Mapping[str, str] | None = None, *,
                    fields: Sequence[str] = FIELDS, command: str | None = None, waivers: str | None = None,
                    today: dt.date | str = "2026-01-01", rules_dir: Path | None = None) -> list[tuple]:
    """The findings of one check family on tiny inline plans, sorted, as tuples of ``fields``.

    ``family``: a check family module (``plancheck.checks.structure``, ..., ``plancheck.waivers``),
    a tuple of them, or None for every finding (a test that asserts a run finds nothing else).
    ``plans``: plan name (``.yaml`` added) → YAML text, or one text (``plan.yaml``), written
    dedented to a fresh ``plans/`` folder under ``tmp_path``; ``sources``: file name, relative
    to that folder, → text (by default ``source.txt`` holding ``SOURCE_TEXT``).

    The folder goes through the real run: ``command`` (by default ``validate`` for structure and
    provenance, ``audit`` for audit, else ``check``, with the registry of ``rules_dir``) gives
    graded findings; with ``waivers`` (a ``waivers.yaml``, dedented) the run's policy applies
    them as of ``today``, judging every waiver as a full check does (a bad waiver file raises
    ``ConfigError``, as the run would stop on it).

    A load error (PC0xx) outside the family fails the test: the plans did not load, and "no
    finding" must never mean "no plan".

    Each field is the finding's attribute or property (``counts_against``), except: ``file``
    relative to the folder above ``plans/`` (``plans/a.yaml``, ``waivers.yaml``), ``verdict``
    and ``severity`` as their strings, ``upper`` as (plan, line, column) of the upper target,
    ``waiver`` as its reason. Rows sort field by field with None first, so a test writes the
    expected list in that order and compares it exactly."""
    from plancheck.codes import is_load_error

    rules_dir = rules_dir or REPO / "rules"
    catalog = _catalog(rules_dir)
    root = Path(tempfile.mkdtemp(prefix="run-", dir=tmp_path))
    folder = root / "plans"
    folder.mkdir()
    for name, text in ({"plan": plans} if isinstance(plans, str) else plans).items():
        (folder / (name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")).write_text(
            textwrap.dedent(text), encoding="utf-8")
    for name, text in ({"source.txt": SOURCE_TEXT} if sources is None else sources).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    if command is None:
        command = _COMMANDS.get(family.__name__.rsplit(".", 1)[-1], "check") if isinstance(family, ModuleType) \
            else "check"
    if command == "validate":
        findings = validate_paths([folder], catalog).findings
    elif command == "check":
        findings = check_paths([folder], catalog, rules_dir).findings
    elif command == "audit":
        findings = [f for path in sorted(folder.glob("*.y*ml")) for f in audit_path(path, catalog).findings]
    else:
        raise ValueError(f"unknown command {command!r}")
    if waivers is not None:
        judged = None if command == "check" else set()  # as run.check judges them, or validate and audit
        findings = _with_waivers(findings, root, waivers, today, rules_dir, judged)
    wanted = None if family is None else family_codes(family)
    if wanted is not None:
        # a plan that does not load has no findings of this family: say so, rather than pass
        unloaded = [f"{f.file}:{f.line}: {f.code} {f.message}" for f in findings
                    if is_load_error(f.code) and f.code not in wanted]
        assert not unloaded, "the inline plans do not load:\n" + "\n".join(unloaded)
    rows = [tuple(_field(f, name, root) for name in fields) for f in findings if wanted is None or f.code in wanted]
    return sorted(rows, key=lambda row: tuple(_order(v) for v in row))


def _with_waivers(findings: list[Finding], root: Path, text: str, today: dt.date | str, rules_dir: Path,
                  judged: set[str] | None) -> list[Finding]:
    """The run's policy, as ``run`` loads it (``setup.load_setup``), with the waivers in ``text``."""
    from dataclasses import replace

    from plancheck.project import Project
    from plancheck.setup import load_setup

    path = root / "waivers.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    setup = load_setup(Project.discover(root), rules_dir, None, waivers=True, waivers_file=path)
    on = today if isinstance(today, dt.date) else dt.date.fromisoformat(today)
    return replace(setup.policy, today=on).apply(findings, judged)


def _field(finding: Finding, name: str, root: Path) -> Any:
    value = getattr(finding, name)
    if value is None:
        return None
    if name == "file":
        path = Path(value)
        return path.relative_to(root).as_posix() if path.is_absolute() and path.is_relative_to(root) else value
    if name in ("verdict", "severity"):
        return value.value
    if name == "upper":
        return (value.plan, value.line, value.column)
    if name == "waiver":
        return value.reason
    return value


def _order(value: Any) -> tuple:
    return (0, "", 0) if value is None else (1, type(value).__name__, value)


# ---- the verdict logic's own indicators (test_compare.py, test_pairing.py): one per kind of
# reasoning, outside the real catalogue

SHARE = Indicator(id="share", name_zh="比重", name_en="Share", unit="%", direction="higher",
                  binding="per_jurisdiction", tolerance=0.5)
PUE = Indicator(id="pue", name_zh="PUE", name_en="PUE", unit="", direction="lower",
                binding="per_jurisdiction", tolerance=0.02,
                scopes={"新建大型、超大型数据中心": ["新建数据中心", "新增大型、超大型数据中心"],
                        "新增大型、超大型数据中心": ["新建数据中心", "新建大型、超大型数据中心"]})
FOREST = Indicator(id="forest", name_zh="森林覆盖率", name_en="Forest", unit="%", direction="higher",
                   binding="aggregate", tolerance=0.5)
STOCK = Indicator(id="stock", name_zh="蓄积量", name_en="Stock", unit="万立方米", direction="higher",
                  binding="per_jurisdiction", tolerance=0)
AIRPORT = Indicator(id="airport", name_zh="机场车辆电动化比例", name_en="Airport", unit="%", direction="higher",
                    binding="per_jurisdiction", tolerance=1,
                    applies_when={"fact": "civil_transport_airport", "text": "there is an airport"})
