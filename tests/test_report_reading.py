"""Reports people act on: what fails leads, the listing lists what matters and counts the
rest, one language per report, a header a reader can cite, a national HTML report split into
pages, and a progress bar only where a person watches (docs/design.md, "Report formats")."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import REPO, draft_plan, invoke

UPPER_TARGETS = """\
targets:
  - {indicator: non_fossil_energy_share, year: 2025, value: 22, comparator: at_least}
  - {indicator: green_travel_share, year: 2025, value: 70, comparator: at_least}
  - {indicator: data_center_pue, year: 2025, value: 1.3, comparator: at_most}
  - {indicator: new_bus_clean_energy_share, year: 2025, value: 80, comparator: at_least}
"""
# The lower plan's own order: stricter, equal, weaker; it says nothing of the PUE (missing).
LOWER_TARGETS = """\
targets:
  - {indicator: green_travel_share, year: 2025, value: 75, comparator: at_least}
  - {indicator: new_bus_clean_energy_share, year: 2025, value: 80, comparator: at_least}
  - {indicator: non_fossil_energy_share, year: 2025, value: 20, comparator: at_least}
"""
READING_ORDER = ["non_fossil_energy_share", "data_center_pue", "new_bus_clean_energy_share", "green_travel_share"]
"""Weaker (fails), missing (needs attention), then what passes: equal, stricter."""

@pytest.fixture
def project(tmp_path: Path) -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "prov.yaml").write_text(draft_plan("prov", "province", None, UPPER_TARGETS), encoding="utf-8")
    (plans / "county.yaml").write_text(draft_plan("county", "county", "prov", LOWER_TARGETS), encoding="utf-8")
    return tmp_path


def _names(lang: str) -> list[str]:
    """The indicators' names as the catalogue words them (read, not assumed)."""
    from plancheck.catalog import load_catalog

    catalog = load_catalog(REPO / "rules")
    return [catalog.indicators[i].name_zh if lang == "zh" else catalog.indicators[i].name_en for i in READING_ORDER]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_human_formats_lead_with_what_fails_and_end_with_what_passes(project, fmt, lang):
    result = invoke("compare", "county", "prov", "-f", fmt, "--lang", lang, cwd=project)
    assert result.exit_code == 1, result.output
    # the terminal table wraps a long name within its cell: its first ten letters stay on one line
    places = [result.output.find(name[:10]) for name in _names(lang)]
    assert -1 not in places and places == sorted(places), (places, result.output[:3000])


def test_check_text_lists_errors_and_warnings_and_counts_the_rest(project):
    result = invoke("check", "--lang", "en", cwd=project)
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines and all(re.match(r"^\S+:\d+:\d+: (error|warning) PC\d{3} ", line) for line in lines), lines
    assert lines[0].split(": ")[1].startswith("error PC201")  # the failure leads
    verbose = invoke("check", "--lang", "en", "-v", cwd=project).stdout.splitlines()
    infos = [line for line in verbose if ": info PC" in line]
    assert len(infos) >= 2 and len(verbose) == len(lines) + len(infos)  # the stricter and the equal target
    assert invoke("check", "--lang", "en", "--show", "info", cwd=project).stdout.splitlines() == verbose
    assert f"({len(infos)} not listed: --show info lists them)" in result.stderr
    only_errors = invoke("check", "--lang", "en", "--show", "error", cwd=project).stdout.splitlines()
    assert only_errors and all(": error PC" in line for line in only_errors)
    quiet = invoke("check", "--lang", "en", "-q", cwd=project)
    assert quiet.exit_code == 1 and quiet.stdout == "" and quiet.stderr == result.stderr


def test_baselined_findings_are_counted_not_listed_unless_asked(project):
    assert invoke("check", "--baseline-create", "base.json", cwd=project).exit_code == 0
    result = invoke("check", "--lang", "en", "--baseline", "base.json", cwd=project)
    assert result.exit_code == 0 and result.stdout == ""
    recorded = len(json.loads((project / "base.json").read_text(encoding="utf-8"))["findings"])
    assert f"{recorded} existing (baseline)" in result.stderr and f"({recorded} not listed: --show all" in result.stderr
    every = invoke("check", "--lang", "en", "--baseline", "base.json", "--show", "all", cwd=project).stdout
    assert every.count("[existing: in the baseline]") == recorded


def test_a_chinese_listing_is_chinese_throughout(project):
    (project / "plans" / "broken.yaml").write_text("jurisdiction: {id: broken, name: 坏, level: county}\n",
                                                  encoding="utf-8")
    result = invoke("check", cwd=project)
    lines = result.stdout.splitlines()
    assert lines[0].split(": ", 1)[1].startswith("错误 ")
    for line in lines:
        message = line.split(" PC", 1)[1][4:]
        assert re.search(r"[\u4e00-\u9fff]", message), line  # every message has its Chinese reading
        assert not re.search(r"\b(error|warning|info|states|missing|required)\b", message), line
    assert result.stderr.startswith("plancheck：已检查 3 个文件：错误 ")


def test_markdown_and_html_headings_and_counts_are_in_the_reports_language(project):
    zh = invoke("check", "-f", "markdown", cwd=project).stdout
    assert re.search(r"^错误 \d+ · 警告 \d+ · 提示 \d+$", zh, re.M) and "severity" not in zh
    en = invoke("check", "-f", "markdown", "--lang", "en", cwd=project).stdout
    assert re.search(r"^error \d+ · warning \d+ · info \d+$", en, re.M)
    for heading in re.findall(r"^#+ (.*)$", en, re.M):
        assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"某地|（[^）]*）|\([^)]*\)", "", heading)), heading


def test_the_header_names_version_and_catalogue_and_dates_only_when_asked(project, monkeypatch):
    from plancheck import __version__
    from plancheck.catalog import load_catalog

    fingerprint = load_catalog(REPO / "rules").fingerprint
    plain = invoke("compare", "county", "prov", "-f", "markdown", "--lang", "en", cwd=project).stdout
    assert f"plancheck version {__version__} · Catalogue fingerprint `{fingerprint}`" in plain
    assert "Report date" not in plain and plain.startswith("# Gap report\n")
    titled = invoke("compare", "county", "prov", "-f", "markdown", "--lang", "en", "--title", "Draft <review>",
                    "--date", "2026-12-01", cwd=project).stdout
    assert titled.startswith("# Draft &lt;review&gt;\n\n*Gap report*\n") and "Report date 2026-12-01" in titled
    monkeypatch.setenv("PLANCHECK_TODAY", "2026-05-04")
    today = invoke("compare", "county", "prov", "-f", "html", "--date", "today", cwd=project).stdout
    assert "报告日期 2026-05-04" in today
    bad = invoke("compare", "county", "prov", "-f", "html", "--date", "yesterday", cwd=project)
    assert bad.exit_code == 2 and "'yesterday' is not a date YYYY-MM-DD or today" in bad.output


def test_the_catalogue_fingerprint_follows_content_not_layout(tmp_path):
    from plancheck.catalog import load_catalog

    original = (REPO / "rules" / "indicators.yaml").read_text(encoding="utf-8")
    for name, text in (("same", "# a comment a reader added\n" + original),
                       ("changed", original.replace("tolerance: 0.5", "tolerance: 0.6", 1))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "indicators.yaml").write_text(text, encoding="utf-8")
    assert "tolerance: 0.5" in original
    base = load_catalog(REPO / "rules").fingerprint
    assert re.fullmatch(r"[0-9a-f]{12}", base)
    assert load_catalog(tmp_path / "same").fingerprint == base
    assert load_catalog(tmp_path / "changed").fingerprint != base


def test_the_output_files_suffix_picks_the_format(project):
    for name, check in (("r.md", lambda t: t.startswith("# 差距报告")), ("r.json", lambda t: json.loads(t)["rows"]),
                        ("r.sarif", lambda t: json.loads(t)["version"] == "2.1.0"),
                        ("r.html", lambda t: t.startswith("<!DOCTYPE html>")), ("r.xml", lambda t: "<testsuites" in t)):
        assert invoke("compare", "county", "prov", "-o", name, cwd=project).exit_code == 1
        assert check((project / name).read_text(encoding="utf-8")), name
    # --format wins over the suffix
    invoke("compare", "county", "prov", "-f", "json", "-o", "forced.md", cwd=project)
    assert json.loads((project / "forced.md").read_text(encoding="utf-8"))["rows"]


def _many_counties(root: Path, count: int) -> None:
    plans = root / "plans"
    plans.mkdir(exist_ok=True)
    (plans / "prov.yaml").write_text(draft_plan("prov", "province", None, UPPER_TARGETS), encoding="utf-8")
    for i in range(count):
        (plans / f"c{i:02d}.yaml").write_text(draft_plan(f"c{i:02d}", "county", "prov", LOWER_TARGETS),
                                              encoding="utf-8")


def test_a_check_of_many_plans_is_an_index_and_a_page_per_plan(tmp_path):
    from plancheck.reporters.html import SPLIT_ABOVE

    _many_counties(tmp_path, SPLIT_ABOVE + 1)
    refused = invoke("check", "-f", "html", cwd=tmp_path)
    assert refused.exit_code == 2 and refused.stdout == "" and "-o FOLDER" in refused.stderr
    assert refused.stderr.count("\n") == 1
    (tmp_path / "site").mkdir()
    assert invoke("check", "-o", "site", "-f", "html", cwd=tmp_path).exit_code == 1
    pages = sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.html"))
    assert pages == ["index.html"] + [f"pages/c{i:02d}--prov.html" for i in range(SPLIT_ABOVE + 1)]
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'href="(pages/[^"]+)"', index) == pages[1:]
    page = (tmp_path / "site" / "pages" / "c00--prov.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' in page and "c00" in page
    # -o report.html: the index there, its pages beside it in report_pages/
    assert invoke("check", "-o", "report.html", cwd=tmp_path).exit_code == 1
    index = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'href="report_pages/c00--prov.html"' in index
    assert 'href="../report.html"' in (tmp_path / "report_pages" / "c00--prov.html").read_text(encoding="utf-8")


def test_a_few_plans_into_a_folder_are_split_too_and_a_file_stays_one_page(project):
    (project / "out").mkdir()
    assert invoke("check", "-f", "html", "-o", "out", cwd=project).exit_code == 1
    assert sorted(p.name for p in (project / "out").rglob("*.html")) == ["county--prov.html", "index.html"]
    assert invoke("check", "-o", "one.html", cwd=project).exit_code == 1
    assert not (project / "one_pages").exists() and "c00" not in (project / "one.html").read_text(encoding="utf-8")


PTY_RUN = textwrap.dedent("""\
    import os, pty, subprocess, sys
    master, slave = pty.openpty()
    with open(sys.argv[1], "wb") as out:
        proc = subprocess.Popen(sys.argv[2:], stdout=out, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    sys.stdout.buffer.write(seen)
    sys.exit(proc.wait())
    """)


def test_a_progress_bar_only_on_a_terminals_stderr(tmp_path):
    from plancheck.reporters.progress import MIN_FILES, PHASES

    _many_counties(tmp_path, MIN_FILES)
    command = [sys.executable, "-m", "plancheck", "check", "-f", "json", "-j", "1"]
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    watched = subprocess.run([sys.executable, "-c", PTY_RUN, str(tmp_path / "watched.json"), *command],
                             cwd=tmp_path, capture_output=True, env=env, timeout=120)
    terminal = watched.stdout.decode("utf-8", "replace")
    assert watched.returncode == 1
    done = f"{MIN_FILES + 1}/{MIN_FILES + 1}"  # every plan read, every plan taken up its hierarchy
    assert re.search(PHASES["zh"]["read"] + r"\S*\s.*" + done, terminal)
    assert re.search(PHASES["zh"]["compare"] + r"\S*\s.*" + done, terminal)
    piped = subprocess.run(command, cwd=tmp_path, capture_output=True, env=env, timeout=120)
    assert piped.stderr == b""  # not a terminal: no bar (and JSON has no summary line)
    assert (tmp_path / "watched.json").read_bytes() == piped.stdout  # machine output untouched


def test_a_pdf_of_many_plans_is_refused_at_once(tmp_path):
    from plancheck.reporters.html import SPLIT_ABOVE

    _many_counties(tmp_path, SPLIT_ABOVE + 1)
    done = invoke("check", "-o", "all.pdf", cwd=tmp_path)
    assert done.exit_code == 2 and done.stdout == "" and done.stderr.count("\n") == 1
    assert f"a PDF of {SPLIT_ABOVE + 1} compared plans is too long" in done.stderr and "-f html -o FOLDER" in done.stderr
    assert not (tmp_path / "all.pdf").exists()


def test_a_matrix_cell_shows_a_gap_else_a_judgement_else_what_was_set_aside(tmp_path):
    """One indicator, several rows: the nation's undated 不断提高 (not comparable) and its 2060 figure
    (out of horizon) must not stand for a province that is stricter for 2025; a gap always shows."""
    upper = draft_plan("nation", "national", None, """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 20, comparator: at_least}
          - {indicator: non_fossil_energy_share, year: null, value: null}
          - {indicator: non_fossil_energy_share, year: 2060, value: 80, comparator: at_least}
          - {indicator: green_travel_share, year: 2025, value: 50, comparator: at_least}
          - {indicator: green_travel_share, year: 2030, value: 70, comparator: at_least}
          - {indicator: energy_intensity_reduction, year: 2025, value: 13.5}
        """)
    lower = draft_plan("prov", "province", "nation", """\
        targets:
          - {indicator: non_fossil_energy_share, year: 2025, value: 22, comparator: at_least}
          - {indicator: green_travel_share, year: 2025, value: 60, comparator: at_least}
          - {indicator: green_travel_share, year: 2030, value: 65, comparator: at_least}
          - {indicator: energy_intensity_reduction, year: 2025, value: null, deferred: true}
        """).replace("status: draft}", "status: draft, horizon: {start: 2021, end: 2030}}")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "nation.yaml").write_text(upper, encoding="utf-8")
    (tmp_path / "plans" / "prov.yaml").write_text(lower, encoding="utf-8")
    text = invoke("check", "-f", "markdown", "--lang", "en", cwd=tmp_path).stdout
    header, row = [line for line in text.splitlines() if line.startswith("| ")][:2]  # the matrix comes first
    cells = dict(zip([c.strip() for c in header.split("|")], [c.strip() for c in row.split("|")]))
    assert cells["Non-fossil share of energy consumption"] == "✓ stricter"  # not ≠ not comparable
    assert cells["Share of trips made by green modes"] == "✗ weaker"  # the 2030 gap beats the 2025 pass
    assert cells["Reduction of energy consumption per unit of GDP"] == "↑ deferred"  # nothing judged
