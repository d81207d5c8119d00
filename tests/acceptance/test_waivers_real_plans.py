"""Waivers on a copy of the committed plans, through the command line: visible, reasoned,
expiring, reported when unused, and the exit code follows. (Tiny inline plans: test_waivers.py.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import invoke
from helpers import REPO


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("plans", "sources", "rules"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def weaker_findings(project: Path) -> list[dict]:
    document = json.loads(invoke("check", "plans", "--format", "json", cwd=project).stdout)
    return [f for f in document["findings"] if f["code"] == "PC201"]


def write_waivers(project: Path, findings: list[dict], expires: str | None = None) -> None:
    lines = ["waivers:"]
    for f in findings:
        lines += [f"  - plan: {f['plan']}", f"    code: {f['code']}", f"    indicator: {f['indicator']}",
                  f"    year: {f['year'] if f['year'] is not None else 'null'}", "    reason: agreed with the province"]
        if expires:
            lines.append(f"    expires: {expires}")
    (project / "waivers.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_waived_findings_stay_visible_and_stop_failing(project, monkeypatch):
    monkeypatch.setenv("PLANCHECK_TODAY", "2026-01-01")
    weaker = weaker_findings(project)
    assert weaker, "the committed plans have weaker targets to waive"
    write_waivers(project, weaker, expires="2027-01-01")
    result = invoke("check", "plans", "--format", "json", cwd=project)
    findings = json.loads(result.stdout)["findings"]
    waived = [f for f in findings if f["code"] == "PC201"]
    assert len(waived) == len(weaker)
    assert all(f["verdict"] == "weaker" and f["waiver"]["reason"] == "agreed with the province" for f in waived)
    assert result.exit_code == 0


def test_expired_waiver_is_reported_and_no_longer_waives(project, monkeypatch):
    monkeypatch.setenv("PLANCHECK_TODAY", "2026-01-01")
    weaker = weaker_findings(project)
    write_waivers(project, weaker[:1], expires="2025-12-31")
    result = invoke("check", "plans", "--format", "json", cwd=project)
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 1
    assert [f["line"] for f in findings if f["code"] == "PC501"] == [2]
    assert all(f["waiver"] is None for f in findings if f["code"] == "PC201")


def test_unused_waiver_is_reported(project):
    (project / "waivers.yaml").write_text(
        "waivers:\n  - plan: chaling\n    code: PC201\n    indicator: forest_coverage\n    year: 1999\n"
        "    reason: typo\n", encoding="utf-8")
    findings = json.loads(invoke("check", "plans", "--format", "json", cwd=project).stdout)["findings"]
    assert [(f["code"], f["file"], f["line"]) for f in findings if f["code"] == "PC502"] == [("PC502", "waivers.yaml", 2)]


def test_a_waiver_without_reason_is_a_configuration_error(project):
    (project / "waivers.yaml").write_text("waivers:\n  - plan: chaling\n    code: PC201\n", encoding="utf-8")
    result = invoke("check", "plans", cwd=project)
    assert result.exit_code == 2 and "waivers.yaml:2:" in result.output and "reason" in result.output
