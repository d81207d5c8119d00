"""Every report on the committed plans, checked by its real consumer: Chromium for HTML, the
official SARIF 2.1.0 schema and Microsoft's SARIF validator, a JUnit XML parser, and GitHub's
command syntax.

Golden files (tests/golden/) hold every format on the real plans, so a change in wording
shows up as a reviewed diff: after reading the new output, regenerate them with
``PLANCHECK_UPDATE_GOLDENS=1 python -m pytest tests/acceptance/test_real_reports.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from helpers import REPO, hostile_plans, invoke

GOLDEN = REPO / "tests" / "golden"
ARTIFACTS = REPO / "test-artifacts"
SARIF_TOOLS = REPO / ".cache" / "sarif-multitool-5.7.0"

# (golden file name, command line) for every reporter on the real plans.
GOLDENS = [
    ("compare-chaling-hunan.zh.txt", ["compare", "chaling", "hunan"]),
    ("compare-chaling-hunan.en.txt", ["compare", "chaling", "hunan", "--lang", "en"]),
    ("compare-chaling-hunan.json", ["compare", "chaling", "hunan", "-f", "json"]),
    ("compare-chaling-hunan.zh.md", ["compare", "chaling", "hunan", "-f", "markdown"]),
    ("compare-chaling-hunan.en.md", ["compare", "chaling", "hunan", "-f", "markdown", "--lang", "en"]),
    ("compare-chaling-hunan.zh.html", ["compare", "chaling", "hunan", "-f", "html"]),
    ("compare-chaling-hunan.sarif", ["compare", "chaling", "hunan", "-f", "sarif"]),
    ("compare-chaling-hunan.junit.xml", ["compare", "chaling", "hunan", "-f", "junit"]),
    ("compare-chaling-hunan.github.txt", ["compare", "chaling", "hunan", "-f", "github"]),
    ("check-plans.zh.md", ["check", "plans", "-f", "markdown"]),
    ("check-plans.en.html", ["check", "plans", "-f", "html", "--lang", "en"]),
    ("check-plans.sarif", ["check", "plans", "-f", "sarif"]),
    ("check-plans.junit.xml", ["check", "plans", "-f", "junit"]),
    ("check-plans.github.txt", ["check", "plans", "-f", "github"]),
]


def run(args: list[str], tmp_path: Path, name: str = "out") -> tuple[int, str]:
    """Run the CLI writing to a file with -o, as a user would, and return (exit code, text)."""
    out = tmp_path / name
    result = invoke(*args, "-o", str(out))
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("golden", "args"), GOLDENS, ids=[g for g, _ in GOLDENS])
def test_reporters_match_their_golden_files(golden, args, tmp_path):
    code, text = run(args, tmp_path)
    assert code == 1  # the real plans have a weaker target (茶陵 non-fossil share 2025)
    path = GOLDEN / golden
    if os.environ.get("PLANCHECK_UPDATE_GOLDENS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; read the output, then set PLANCHECK_UPDATE_GOLDENS=1"
    assert text == path.read_text(encoding="utf-8")


def test_reports_are_byte_identical_across_runs(tmp_path):
    for _, args in GOLDENS:
        first = run(args, tmp_path, "a")[1]
        assert run(args, tmp_path, "b")[1] == first, args


# ---- SARIF against the official schema and Microsoft's validator

def sarif_tools() -> Path:
    tool = SARIF_TOOLS / "Sarif.Multitool"
    assert tool.exists() and (SARIF_TOOLS / "sarif-2.1.0.json").exists(), \
        "SARIF tools missing: run `bash scripts/install-test-tools` (see README)"
    return SARIF_TOOLS


@pytest.mark.parametrize("args", [["compare", "chaling", "hunan"], ["check", "plans"]])
def test_sarif_validates_against_the_official_schema(args, tmp_path):
    tools = sarif_tools()
    _, text = run([*args, "-f", "sarif"], tmp_path, "out.sarif")
    checked = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile",
                              str(tools / "sarif-2.1.0.json"), str(tmp_path / "out.sarif")],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    log = json.loads(text)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    results = log["runs"][0]["results"]
    weaker = [r for r in results if r["ruleId"] == "PC201"]
    assert weaker and weaker[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "plans/chaling.yaml"
    assert weaker[0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "plans/hunan.yaml"


def test_sarif_passes_microsofts_validator_and_carries_waivers_as_suppressions(tmp_path):
    tools = sarif_tools()
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(textwrap.dedent("""\
        waivers:
          - {plan: chaling, code: PC201, indicator: non_fossil_energy_share, year: 2025,
             reason: agreed with the province}
        """), encoding="utf-8")
    _, text = run(["compare", "chaling", "hunan", "-f", "sarif", "--waivers", str(waivers)], tmp_path, "w.sarif")
    suppressed = [r for r in json.loads(text)["runs"][0]["results"] if "suppressions" in r]
    assert [s["suppressions"][0]["justification"] for s in suppressed] == ["agreed with the province"]
    report = tmp_path / "validation.sarif"
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"}
    done = subprocess.run([str(tools / "Sarif.Multitool"), "validate", str(tmp_path / "w.sarif"), "-o", str(report)],
                          capture_output=True, text=True, env=env, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(report.read_text(encoding="utf-8-sig"))["runs"][0].get("results", [])
    errors = [r["message"].get("text", r.get("ruleId")) for r in found if r.get("level", "warning") == "error"]
    assert errors == []


# ---- JUnit with a JUnit parser

def test_junit_parses_and_counts_failures_at_the_fail_level(tmp_path):
    from junitparser import Failure, JUnitXml, Skipped

    run(["check", "plans", "-f", "junit"], tmp_path, "junit.xml")
    xml = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    suites = {suite.name: suite for suite in xml}
    assert {"chaling against hunan", "xiangtan against hunan", "xiangjiang against hunan"} <= set(suites)
    failed = [(suite.name, case.name, r.type) for suite in xml for case in suite for r in case.result
              if isinstance(r, Failure)]
    assert ("chaling against hunan", "non_fossil_energy_share 2025", "PC201") in failed  # named by the requirement
    check = json.loads(invoke("check", "plans", "-f", "json").output)
    errors = [f for f in check["findings"] if f["severity"] == "error"]
    assert len(failed) == len(errors)
    run(["check", "plans", "-f", "junit", "--fail-on", "warning"], tmp_path, "strict.xml")
    strict = JUnitXml.fromfile(str(tmp_path / "strict.xml"))
    assert sum(1 for s in strict for c in s if any(isinstance(r, Failure) for r in c.result)) > len(errors)
    assert not any(isinstance(r, Skipped) for s in xml for c in s for r in c.result)


# ---- GitHub annotations and the step summary

def test_github_annotations_carry_file_line_and_column_and_write_the_summary(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = invoke("check", "plans", "-f", "github", "--summary", str(summary))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    weaker = [line for line in lines if "title=PC201" in line]
    assert weaker and re.match(r"::error file=plans/chaling\.yaml,line=\d+,col=\d+,title=PC201 weaker::", weaker[0])
    assert all(re.match(r"::(error|warning|notice) ", line) for line in lines)
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n# ")  # appended, as $GITHUB_STEP_SUMMARY expects


# ---- HTML in headless Chromium

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path("/usr/bin/chromium").exists(), "Chromium missing: run `bash scripts/install-test-tools` (see README)"
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def open_page(browser, html: Path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: problems.append(f"request {r.url}") if not r.url.startswith("file:") else None)
    page.goto(html.as_uri())
    return page, problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_compare_report_in_chromium(browser, tmp_path, lang):
    _, text = run(["compare", "chaling", "hunan", "-f", "html", "--lang", lang], tmp_path, "report.html")
    rows = json.loads(invoke("compare", "chaling", "hunan", "-f", "json").output)["rows"]
    page, problems = open_page(browser, tmp_path / "report.html")
    assert problems == []  # no console errors, no script errors, no request leaving the file
    assert page.locator("table.rows tr.row").count() == len(rows)
    # what fails leads and what passes ends: the first row is the one weaker target, the last ones pass
    verdicts = [page.locator("table.rows tr.row").nth(i).get_attribute("data-verdict") for i in range(len(rows))]
    assert verdicts[0] == "weaker" and verdicts.count("weaker") == 1
    passes = [i for i, v in enumerate(verdicts) if v in ("stricter", "equal")]
    assert passes == list(range(len(rows) - len(passes), len(rows)))
    groups = page.locator("table.rows tr.group-head").all_inner_texts()
    heading = {"zh": ["不达要求", "需要关注", "其他", "达到要求"], "en": ["Fails", "Needs attention", "Other", "Passes"]}
    assert [g.split("(")[0].split("，")[0].strip() for g in groups] == heading[lang]
    weaker = page.locator("table.rows tr[data-verdict=weaker]")
    name = {"zh": "非化石能源消费比重", "en": "Non-fossil share of energy consumption"}[lang]
    assert name in weaker.inner_text() and {"zh": "较弱", "en": "weaker"}[lang] in weaker.inner_text()
    # the charts are drawn, inside the page's width: the verdict bar and the values side by side
    for chart in ("figure.bar svg", "figure.values svg"):
        box = page.locator(chart).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 20 and box["x"] + box["width"] <= 1280
    assert page.locator("figure.values svg g.pair").count() >= 5
    # one language: a Chinese page has no English heading or label, an English page no Chinese label
    chrome = page.evaluate("[...document.querySelectorAll('h1,h2,h3,th,figcaption')].map(e => e.innerText).join(' ')")
    if lang == "zh":
        assert not re.search(r"\b(Summary|Verdict|Indicator|Upper|Lower|error|warning)\b", chrome), chrome
    else:
        assert not re.search(r"[结论指标上级下级汇总]", re.sub(r"[（(][^)）]*[)）]|茶陵县|湖南省", "", chrome)), chrome
    # Chinese renders in a CJK font, not as boxes
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"')")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"compare-chaling-hunan.{lang}.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(abs(float(w) - 595.9) < 1.5 and abs(float(h) - 842.9) < 1.5 for w, h in boxes)
    assert len(boxes) >= 3  # paginates rather than clipping
    page.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_check_report_has_the_heat_map(browser, tmp_path, lang):
    run(["check", "plans", "-f", "html", "--lang", lang], tmp_path, "check.html")
    page, problems = open_page(browser, tmp_path / "check.html")
    assert problems == []
    heat = page.locator("figure.heat-page svg")
    assert heat.count() == 2  # four compared plans; the catalogue's columns run onto a second page
    for i in range(heat.count()):
        labels = heat.nth(i).evaluate("svg => [...svg.querySelectorAll('text')].map(t => t.textContent)")
        # every page names its rows: the province against the nation, the others against the province
        assert {"chaling", "hunan", "xiangjiang", "xiangtan"} <= {w for t in labels for w in t.split()}
        # each page fits an A4 landscape page (277 mm ≈ 1047 px at 96 dpi) at its natural size
        assert float(heat.nth(i).get_attribute("viewBox").split()[2]) <= 1047
    first = heat.first.evaluate("svg => [...svg.querySelectorAll('text')].map(t => t.textContent)")
    assert "✗" in first  # a weaker cell carries its symbol, not only its colour
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"check-plans.{lang}.png"), full_page=False)
    page.close()


def test_hostile_text_stays_text_in_the_browser(browser, tmp_path):
    plans = hostile_plans(tmp_path)
    out = tmp_path / "hostile.html"
    invoke("compare", str(plans / "county.yaml"), str(plans / "prov.yaml"), "-f", "html", "-o", str(out))
    page, problems = open_page(browser, out)
    assert problems == []
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert "<script>alert(1)</script>" in page.locator("body").inner_text()
    page.close()


def test_a_national_html_report_is_an_index_and_pages_a_browser_opens(browser, tmp_path):
    """A fifth of the synthetic national corpus (632 plans): every page under 5 MB, the heat map
    on pages of its own, and the links between index and pages followed in Chromium."""
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--scale", "0.2", "--out", str(corpus)],
                   check=True, capture_output=True)
    (corpus / "site").mkdir()
    done = subprocess.run([sys.executable, "-m", "plancheck", "check", "-q", "-f", "html", "-o", "site"], cwd=corpus,
                          capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    site = corpus / "site"
    pages = sorted(site.rglob("*.html"))
    plan_pages = [p for p in pages if p.parent.name == "pages" and not p.name.startswith("matrix-")]
    matrix_pages = [p for p in pages if p.name.startswith("matrix-")]
    assert len(plan_pages) > 600 and len(matrix_pages) >= 2
    assert max(p.stat().st_size for p in pages) < 5_000_000
    page, problems = open_page(browser, site / "index.html")
    links = page.locator("table.index a")
    assert links.count() == len(plan_pages)
    first = links.first.get_attribute("href")
    links.first.click()
    page.wait_for_load_state()
    assert page.url.endswith(first) and page.locator("table.rows tr.row").count() > 10
    page.locator("p.nav a").click()
    page.wait_for_load_state()
    assert page.url.endswith("/index.html")
    page.locator("ul.matrix-links a").first.click()
    page.wait_for_load_state()
    assert page.locator("figure.heat-page svg").count() == 8
    assert problems == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "national-matrix-page.png"), full_page=False)
    page.close()
