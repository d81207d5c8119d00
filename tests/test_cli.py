"""The command line, through typer's runner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path



from helpers import MINIMAL_PLAN, REPO, copy_plans, invoke, line_of

FINDING_FIELDS = ["code", "severity", "plan", "file", "line", "column", "indicator", "year", "verdict", "message",
                  "waiver", "baseline"]


def test_validate_committed_plans_exits_0():
    result = invoke("validate", "--lang", "en", "plans")
    assert result.exit_code == 0, result.output
    assert "no findings" in result.output


def test_validate_defaults_to_the_plans_folder():
    result = invoke("validate", "--lang", "en")
    assert result.exit_code == 0 and "checked, no findings" in result.output


def break_chaling(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    """Copy the plans, change the first ``old`` in chaling.yaml into ``new``; return the copy and its text."""
    plans = copy_plans(tmp_path)
    chaling = plans / "chaling.yaml"
    text = chaling.read_text(encoding="utf-8")
    broken = text.replace(old, new, 1)
    assert broken != text
    chaling.write_text(broken, encoding="utf-8")
    return chaling, broken


def test_year_broken_into_a_word_exits_2_and_names_the_line(tmp_path):
    chaling, broken = break_chaling(tmp_path, "year: 2030", "year: twenty")
    result = invoke("validate", str(chaling.parent))
    assert result.exit_code == 2
    assert f"chaling.yaml:{line_of(broken, 'year: twenty')}:" in result.output
    assert "Traceback" not in result.output


def test_duplicated_value_is_refused_with_its_line(tmp_path):
    chaling, broken = break_chaling(tmp_path, "    value: 20\n", "    value: 20\n    value: 30\n")
    result = invoke("validate", str(chaling))
    assert result.exit_code == 2
    assert f"chaling.yaml:{line_of(broken, 'value: 30')}:5: 错误 PC003" in result.output


def test_json_output_has_the_fixed_fields(tmp_path):
    plans = copy_plans(tmp_path)
    (plans / "chaling.yaml").write_text(MINIMAL_PLAN.replace("level: county", "level: hamlet"), encoding="utf-8")
    result = invoke("validate", str(plans), "--format", "json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    [finding] = document["findings"]
    assert list(finding) == FINDING_FIELDS
    assert finding["code"] == "PC012" and finding["plan"] == "testcounty"
    assert finding["line"] == line_of(MINIMAL_PLAN, "level: county")


def test_missing_path_exits_2():
    result = invoke("validate", "--lang", "en", "no/such/plan.yaml")
    assert result.exit_code == 2
    assert "no/such/plan.yaml: error PC001 no such file or folder" in result.output


def test_bad_catalogue_exits_2_with_its_line(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "indicators.yaml").write_text("indicators:\n  - id: x\n    name_zh: 甲\n", encoding="utf-8")
    result = invoke("validate", "plans", "--rules", str(rules))
    assert result.exit_code == 2
    assert "indicators.yaml:2:5: error PC016" in result.output


def test_explain_prints_documentation_for_every_code():
    from plancheck.code_registry import all_codes

    for code, doc in all_codes().items():
        result = invoke("explain", code.lower())
        assert result.exit_code == 0
        assert result.output.startswith(f"{code} {doc.name}") and doc.doc.splitlines()[0] in result.output


def test_explain_unknown_code_is_a_usage_error():
    assert invoke("explain", "PC999").exit_code == 2


def run(*args: str, cwd: Path = REPO, **kw) -> subprocess.CompletedProcess[str]:
    """Run the installed console script, or ``python -m plancheck`` where none is on PATH."""
    script = Path(sys.executable).with_name("plancheck")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "plancheck"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=60, **kw)


def test_help_runs_as_a_real_process():
    result = run("--help")
    assert result.returncode == 0
    assert "validate" in result.stdout and "Usage" in result.stdout


def test_python_dash_m_works():
    result = subprocess.run([sys.executable, "-m", "plancheck", "--version"], capture_output=True, text=True,
                            cwd=REPO, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("plancheck ")


def test_usage_errors_are_one_line_with_exit_2():
    result = run("validate", "--no-such-option")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("plancheck: error:")


def test_bad_input_shows_no_traceback_and_debug_does(tmp_path):
    # Force an internal error: a plan path that is a folder full of unreadable entries is
    # ordinary, so use a catalogue folder that is a file instead: a usage error, not a crash.
    bad = tmp_path / "plan.yaml"
    bad.write_text("jurisdiction: [\n", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{bad}:2:1: 错误 PC002" in result.stdout


def test_cold_start_does_not_import_rich_or_jinja2():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "plancheck", "validate", "plans/chaling.yaml"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert "yaml" in imported and "pydantic" in imported  # the probe sees real imports
    assert "rich" not in imported
    assert "jinja2" not in imported


def test_a_cached_validate_builds_neither_the_catalogue_nor_the_plan_models():
    """The cache key holds the rules folder's bytes, so a validate whose result is stored needs
    neither the parsed catalogue nor the pipeline (docs/design.md, "The result cache")."""
    command = [sys.executable, "-X", "importtime", "-m", "plancheck", "validate", "plans/chaling.yaml"]

    def modules() -> set[str]:
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr[-2000:]
        return {line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}

    heavy = {"plancheck.models", "plancheck.catalog", "plancheck.pipeline", "plancheck.hierarchy"}
    assert heavy <= modules()  # the first run reads the file (the test's cache starts empty)
    assert modules() & heavy == set()  # the second finds its result stored


def test_version_does_not_load_the_pipeline():
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "plancheck", "--version"],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()
                if line.startswith("import time:")}
    assert "plancheck.cli" in imported  # the probe sees real imports
    assert "plancheck.run" in imported  # the command line imports the run's owner at start-up...
    assert not imported & {"plancheck.pipeline", "plancheck.setup", "plancheck.checks", "pydantic"}  # ...not its work


ROW_FIELDS = {"indicator", "year", "verdict", "lower", "upper", "code", "severity", "message"}
SIDE_FIELDS = {"value", "quote", "file", "line", "column"}


def test_compare_json_has_the_fixed_fields_and_locates_both_sides():
    result = invoke("compare", "chaling", "hunan", "--format", "json", "--fail-on", "error")
    document = json.loads(result.stdout)
    assert document["schema_version"] == 1
    assert document["lower"]["id"] == "chaling" and document["upper"]["id"] == "hunan"
    assert document["skipped_links"] == ["zhuzhou"]
    assert document["rows"] and all(ROW_FIELDS <= set(row) for row in document["rows"])
    hunan_text = (REPO / "plans" / "hunan.yaml").read_text(encoding="utf-8").splitlines()
    for row in document["rows"]:
        upper = row["upper"]
        assert SIDE_FIELDS <= set(upper)
        assert hunan_text[upper["line"] - 1].lstrip().startswith("- indicator:")
        assert row["lower"] is None or SIDE_FIELDS <= set(row["lower"])
    weaker = [r for r in document["rows"] if r["verdict"] == "weaker"]
    assert result.exit_code == (1 if weaker else 0)


def test_compare_non_fossil_share_2025_is_weaker_in_chaling():
    # 茶陵: 非化石能源消费比重提高至20%左右 (2025); 湖南: 达到22%以上 (2025). 20±0.5 < 22.
    document = json.loads(invoke("compare", "chaling", "hunan", "--format", "json").stdout)
    [row] = [r for r in document["rows"] if r["indicator"] == "non_fossil_energy_share" and r["year"] == 2025]
    assert row["verdict"] == "weaker" and row["code"] == "PC201"
    assert row["lower"]["value"] == 20 and row["upper"]["value"] == 22 and row["gap"] == -2


def test_compare_text_table_is_in_one_language_with_the_documents_words_beside_english():
    chinese = invoke("compare", "chaling", "hunan").stdout
    assert "非化石能源消费比重" in chinese and "Non-fossil" not in chinese
    english = invoke("compare", "chaling", "hunan", "--lang", "en").stdout
    assert "Non-fossil" in english and "非化石能源消费比重" in english  # the catalogue's Chinese name beside
    assert "zhuzhou" in chinese and "zhuzhou" in english  # the skipped link is named


def test_indicators_lists_the_catalogue():
    from plancheck.catalog import load_catalog

    catalog = load_catalog(REPO / "rules")
    lines = invoke("indicators").stdout.splitlines()
    assert [line.split("\t")[0] for line in lines] == list(catalog.indicators)
    pue = next(line for line in lines if line.startswith("data_center_pue\t"))
    assert "lower is stricter" in pue and "per_jurisdiction" in pue
    document = json.loads(invoke("indicators", "--format", "json").stdout)
    assert {"non_fossil_energy_share", "data_center_pue", "green_travel_share", "energy_intensity_reduction",
            "forest_coverage"} <= {i["id"] for i in document["indicators"]}


def test_summary_counts_findings_by_severity_and_names_the_fail_level():
    from plancheck.findings import Finding, Severity, WaiverNote
    from plancheck.reporters.plain import render_summary

    findings = [Finding("PC201", "m", severity=Severity.ERROR), Finding("PC202", "m", severity=Severity.WARNING),
                Finding("PC202", "m", severity=Severity.WARNING), Finding("PC210", "m", severity=Severity.INFO),
                Finding("PC201", "m", severity=Severity.ERROR, waiver=WaiverNote("r", None, "waivers.yaml"))]
    assert render_summary(2, findings, Severity.WARNING) == (
        "plancheck: 2 files checked: 1 error, 2 warnings, 1 info, 1 waived; 3 at or above warning (--fail-on)\n")
    assert render_summary(1, [], Severity.ERROR) == "plancheck: 1 file checked, no findings\n"
