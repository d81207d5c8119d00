"""policy.py: each finding weighs its code's documented severity, and the fail level decides
the exit code (the committed plans: acceptance/test_real_commands.py)."""

from __future__ import annotations

from pathlib import Path

from plancheck.findings import Finding, Severity, WaiverNote
from plancheck.policy import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Policy, grade

from helpers import REPO, SHARE_22, draft_plan, invoke


def folder(tmp_path: Path, **plans: str) -> Path:
    (tmp_path / "plans").mkdir()
    for name, text in plans.items():
        (tmp_path / "plans" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "plans"


def test_check_exit_0_when_nothing_reaches_the_fail_level(tmp_path):
    plans = folder(tmp_path, hunan=draft_plan("hunan", "province", None, SHARE_22),
                   county=draft_plan("chaling", "county", "zhuzhou", SHARE_22.replace("22", "25")))
    assert invoke("check", str(plans), "--rules", str(REPO / "rules")).exit_code == 0
    assert invoke("check", str(plans), "--rules", str(REPO / "rules"), "--fail-on", "info").exit_code == 1


def test_grade_gives_the_documented_severity_and_keeps_one_already_given():
    found = grade([Finding("PC201", "m"), Finding("PC209", "m"), Finding("PC201", "m", severity=Severity.INFO)])
    assert [f.severity for f in found] == [Severity.ERROR, Severity.INFO, Severity.INFO]


def test_exit_code_counts_only_unwaived_findings_outside_the_baseline_at_the_fail_level():
    from plancheck.config import Settings

    policy = Policy(Settings(), Severity.WARNING)
    warning = Finding("PC202", "m", severity=Severity.WARNING)
    assert policy.exit_code([Finding("PC209", "m", severity=Severity.INFO)], load_errors=False) == EXIT_OK
    assert policy.exit_code([warning], load_errors=False) == EXIT_FINDINGS
    waived = Finding("PC202", "m", severity=Severity.WARNING, waiver=WaiverNote("r", None, "waivers.yaml"))
    known = Finding("PC202", "m", severity=Severity.WARNING, baseline="existing")
    assert policy.exit_code([waived, known], load_errors=False) == EXIT_OK
    assert policy.exit_code([], load_errors=True) == EXIT_ERROR
    assert Policy(Settings(), None).exit_code([Finding("PC201", "m", severity=Severity.ERROR)], False) == EXIT_OK
