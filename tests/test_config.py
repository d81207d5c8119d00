"""Settings: rules defaults < .plancheck.yaml or [tool.plancheck] < command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from plancheck.failures import ConfigError
from plancheck.config import load_settings
from plancheck.policy import apply_settings
from plancheck.findings import Finding, Severity

from helpers import REPO
from helpers import invoke


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "plans", tmp_path / "plans")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    return tmp_path


def run_check(project: Path, *extra: str):
    return invoke("check", "plans", "--format", "json", *extra, cwd=project)


def test_defaults_fail_on_weaker(project):
    result = run_check(project)
    assert result.exit_code == 1
    assert any(f["code"] == "PC201" for f in json.loads(result.stdout)["findings"])


def test_project_file_downgrades_and_disables(project):
    (project / ".plancheck.yaml").write_text("severity: {PC201: warning}\ndisable: [PC207, PC208]\n", encoding="utf-8")
    result = run_check(project)
    findings = json.loads(result.stdout)["findings"]
    assert result.exit_code == 0, result.output[-3000:]
    assert {f["severity"] for f in findings if f["code"] == "PC201"} == {"warning"}
    assert not any(f["code"] in ("PC207", "PC208") for f in findings)
    # The command line wins over the file.
    assert run_check(project, "--fail-on", "warning").exit_code == 1


def test_pyproject_table_is_read_when_there_is_no_project_file(project):
    (project / "pyproject.toml").write_text('[tool.plancheck]\nfail-on = "warning"\n', encoding="utf-8")
    assert load_settings(project / "rules", project).fail_on is Severity.WARNING
    (project / ".plancheck.yaml").write_text("fail-on: info\n", encoding="utf-8")
    assert load_settings(project / "rules", project).fail_on is Severity.INFO
    (project / ".plancheck.yaml").write_text("fail-on: never\n", encoding="utf-8")
    assert load_settings(project / "rules", project).fail_on is None  # report, never fail


def test_bad_settings_exit_2_with_their_line(project):
    (project / ".plancheck.yaml").write_text("fail-on: error\nseverity: {PC201: fatal}\n", encoding="utf-8")
    result = run_check(project)
    assert result.exit_code == 2 and ".plancheck.yaml:2:" in result.output
    (project / ".plancheck.yaml").write_text("disable: [PC999]\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(project / "rules", project)


def test_load_errors_can_be_neither_disabled_nor_downgraded(project):
    """Settings that try are refused at their line, not accepted and silently ignored."""
    (project / ".plancheck.yaml").write_text("fail-on: error\ndisable: [PC201, PC002]\n", encoding="utf-8")
    result = run_check(project)
    assert result.exit_code == 2
    assert ".plancheck.yaml:2:18: error PC016 disable: PC002 is a load error" in result.output
    (project / ".plancheck.yaml").write_text("severity:\n  PC012: warning\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(project / "rules", project)
    assert raised.value.findings[0].line == 2 and "PC012 is a load error" in raised.value.findings[0].message
    settings = load_settings(project / "rules", REPO)  # without them, load errors pass through untouched
    finding = Finding("PC012", "bad")
    assert apply_settings([finding], settings) == [finding] and finding.severity is Severity.ERROR


def test_codes_in_settings_are_case_insensitive_and_applied(project):
    (project / ".plancheck.yaml").write_text("severity: {pc201: warning}\ndisable: [pc207]\n", encoding="utf-8")
    findings = json.loads(run_check(project).stdout)["findings"]
    assert {f["severity"] for f in findings if f["code"] == "PC201"} == {"warning"}
    assert not any(f["code"] == "PC207" for f in findings)


@pytest.mark.parametrize("content", ["", "# nothing yet\n", "~\n"])
def test_an_empty_project_file_adds_nothing(project, content):
    (project / ".plancheck.yaml").write_text(content, encoding="utf-8")
    result = run_check(project)
    assert result.exit_code == 1, result.output  # the committed plans' weaker targets, as without the file
    assert "PC005" not in result.output and "plan" not in result.stderr
