"""The CI formats on tiny inline findings: SARIF carries problems (passes only when asked,
as kind pass), GitHub annotates what matters up to a cap and says what it left out, JUnit
names each test case by what it tests. The real plans through the real consumers (the
SARIF schema and Multitool, junitparser): acceptance/test_ci_integration.py."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from helpers import graded
from plancheck.findings import Finding, Location, Row, Severity, Verdict, WaiverNote
from plancheck.reason import Reason
from plancheck.reporters import sarif
from plancheck.reporters.dispatch import render_findings
from plancheck.reporters.formats import ReportFormat
from plancheck.reporters.github import render_github
from plancheck.reporters.junit import render_junit

CODES = {Verdict.WEAKER: "PC201", Verdict.MISSING: "PC202", Verdict.UNQUANTIFIED: "PC203",
         Verdict.DEFERRED: "PC204", Verdict.CONDITION_UNKNOWN: "PC205", Verdict.NOT_APPLICABLE: "PC206",
         Verdict.NOT_COMPARABLE: "PC207", Verdict.OUT_OF_HORIZON: "PC208", Verdict.STRICTER: "PC209",
         Verdict.EQUAL: "PC210"}


def row(verdict: Verdict, indicator: str = "share", year: int | None = 2025, scope: str | None = None,
        upper_line: int = 10, line: int = 5, code: str | None = None) -> Finding:
    """A comparison row of county against prov, graded with its code's documented severity."""
    code = code or CODES[verdict]
    message = f"{indicator} {year}: {verdict.value} (message text of {code})"
    return graded([Finding(code, message, plan="county", file="plans/county.yaml", line=line, column=3,
                           indicator=indicator, year=year, verdict=verdict,
                           row=Row(indicator, year, scope, verdict, Reason(message, message), 0, 0),
                           upper=Location("prov", "plans/prov.yaml", upper_line, 5))])[0]


def own(code: str, message: str = "something about the plan", line: int = 7, **fields) -> Finding:
    """A plan's own finding (no upper target), graded."""
    return graded([Finding(code, message, plan="county", file="plans/county.yaml", line=line, column=1,
                           **fields)])[0]


def results(findings: list[Finding], **options) -> list[dict]:
    return json.loads(sarif.render_sarif(findings, **options))["runs"][0]["results"]


# ---- SARIF: problems only, passes when asked

EVERY_VERDICT = [row(v, indicator=f"i{n}") for n, v in enumerate(CODES)] + \
    [row(Verdict.EQUAL, indicator="approx", code="PC211"), own("PC401", path=("jurisdiction", "parent"))]


def test_sarif_results_are_the_warnings_and_errors_by_default():
    found = results(EVERY_VERDICT)
    assert sorted(r["ruleId"] for r in found) == ["PC201", "PC202", "PC203", "PC205", "PC211"]
    assert {r["ruleId"]: r["level"] for r in found}["PC201"] == "error"
    assert {r["ruleId"]: r["level"] for r in found}["PC211"] == "warning"  # equal only within 左右: a warning
    assert all("kind" not in r for r in found)  # SARIF's default kind, fail


def test_sarif_with_passes_has_every_finding_with_its_kind_and_level_none():
    found = {r["ruleId"]: r for r in results(EVERY_VERDICT, include_passes=True)}
    assert len(found) == len(EVERY_VERDICT)
    kinds = {code: (r.get("kind", "fail"), r["level"]) for code, r in found.items()}
    assert kinds == {
        "PC201": ("fail", "error"), "PC202": ("fail", "warning"), "PC203": ("fail", "warning"),
        "PC205": ("fail", "warning"), "PC211": ("fail", "warning"),
        "PC209": ("pass", "none"), "PC210": ("pass", "none"),
        "PC206": ("notApplicable", "none"), "PC208": ("notApplicable", "none"),
        "PC204": ("informational", "none"), "PC207": ("informational", "none"), "PC401": ("informational", "none"),
    }


def test_sarif_follows_the_severity_the_settings_give():
    raised = replace(row(Verdict.STRICTER), severity=Severity.WARNING)  # a project that wants to see these
    lowered = replace(row(Verdict.WEAKER), severity=Severity.INFO)
    assert [r["ruleId"] for r in results([raised, lowered])] == ["PC209"]
    assert [(r["ruleId"], r.get("kind"), r["level"]) for r in results([raised, lowered], include_passes=True)] == [
        ("PC209", None, "warning"), ("PC201", "informational", "none")]


def test_sarif_waived_and_baseline_problems_stay_results():
    waived = replace(row(Verdict.WEAKER), waiver=WaiverNote("agreed", None, "waivers.yaml"))
    existing = replace(row(Verdict.MISSING, indicator="other"), baseline="existing")
    found = results([waived, existing, replace(row(Verdict.EQUAL), baseline="existing")])
    assert [r["ruleId"] for r in found] == ["PC201", "PC202"]
    assert found[0]["suppressions"][0]["justification"] == "agreed"
    assert found[1]["baselineState"] == "unchanged"


def test_sarif_through_render_findings_passes_the_option_on():
    default = json.loads(render_findings(EVERY_VERDICT, ReportFormat.sarif, Severity.ERROR))
    every = json.loads(render_findings(EVERY_VERDICT, ReportFormat.sarif, Severity.ERROR, include_passes=True))
    assert len(default["runs"][0]["results"]) == 5 and len(every["runs"][0]["results"]) == len(EVERY_VERDICT)


def test_sarif_documentation_urls_only_when_absolute(monkeypatch):
    monkeypatch.setattr(sarif, "documentation_url", lambda: None)
    driver = json.loads(sarif.render_sarif([]))["runs"][0]["tool"]["driver"]
    assert driver["fullName"] == f"plancheck {driver['version']}"
    assert "informationUri" not in driver and not any("helpUri" in r for r in driver["rules"])
    monkeypatch.setattr(sarif, "documentation_url", lambda: "https://docs.example.org/plancheck/")
    driver = json.loads(sarif.render_sarif([]))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://docs.example.org/plancheck/"
    assert {r["helpUri"] for r in driver["rules"]} == {"https://docs.example.org/plancheck/"}
    assert all(set(r) <= {"id", "name", "shortDescription", "fullDescription", "helpUri", "help",
                          "defaultConfiguration"} for r in driver["rules"])  # a rule has no fullName in 2.1.0


@pytest.mark.parametrize(("entries", "expected"), [
    (["Homepage, https://home.example.org", "Documentation, https://docs.example.org/p"], "https://docs.example.org/p"),
    (["homepage, https://home.example.org"], "https://home.example.org"),
    (["Documentation, docs/design.md", "Source, https://git.example.org/p"], "https://git.example.org/p"),
    (["Documentation, docs/design.md"], None),  # relative: SARIF wants an absolute URI
    ([], None),
])
def test_the_documentation_url_comes_from_the_package_metadata(monkeypatch, entries, expected):
    import importlib.metadata

    class Meta:
        def get_all(self, name):
            assert name == "Project-URL"
            return entries or None

    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: Meta())
    sarif.documentation_url.cache_clear()
    try:
        assert sarif.documentation_url() == expected
    finally:
        sarif.documentation_url.cache_clear()


def test_without_package_metadata_there_is_no_documentation_url(monkeypatch):
    import importlib.metadata

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "metadata", missing)
    sarif.documentation_url.cache_clear()
    try:
        assert sarif.documentation_url() is None
    finally:
        sarif.documentation_url.cache_clear()


# ---- GitHub: the levels that matter, a cap, and a summary

def commands(text: str) -> list[str]:
    """The command of each line: error, warning or notice."""
    return [re.match(r"::(\w+)", line).group(1) for line in text.splitlines()]


def summary(text: str) -> str:
    last = text.splitlines()[-1]
    assert last.startswith("::notice title=plancheck::")
    return last.split("::", 2)[2]


MIXED = [row(Verdict.MISSING, indicator="a"), row(Verdict.WEAKER, indicator="b"), row(Verdict.STRICTER, indicator="c"),
         replace(row(Verdict.WEAKER, indicator="d"), waiver=WaiverNote("agreed, 100%", None, "waivers.yaml")),
         replace(row(Verdict.WEAKER, indicator="e"), baseline="existing")]


def test_github_annotates_errors_and_warnings_by_default_errors_first():
    text = render_github(MIXED)
    assert commands(text) == ["error", "warning", "notice"]  # the weaker b, the missing a, the summary
    assert "b 2025" in text.splitlines()[0] and "a 2025" in text.splitlines()[1]
    assert summary(text) == ("2 of 5 findings annotated (1 error, 1 warning); left out: 3 below --show warning "
                             "(1 info, 1 waived, 1 in the baseline). Every finding is in the Markdown report that "
                             '--summary "$GITHUB_STEP_SUMMARY" writes to the job summary.')


def test_github_info_adds_the_info_findings_and_all_the_waived_and_baselined():
    info = render_github(MIXED, annotate="info")
    assert commands(info) == ["error", "warning", "notice", "notice"]
    assert "title=PC209 stricter::c 2025" in info.splitlines()[2]
    assert "left out: 2 below --show info (1 waived, 1 in the baseline)" in summary(info)
    assert render_github(MIXED, annotate="notice") == info  # GitHub's word for it
    every = render_github(MIXED, annotate="all")
    assert commands(every) == ["error", "warning", "notice", "notice", "notice", "notice"]
    assert "left out" not in summary(every) and summary(every).startswith("5 of 5 findings annotated (1 error, ")
    # the waiver's reason is the WaiverNote's own field (a dataclass, not a mapping), escaped as data
    assert "::notice file=plans/county.yaml,line=5,col=3,title=PC201 weaker::[waived: agreed, 100%25] d 2025" \
        in every
    assert "title=PC201 weaker::[existing: in the baseline] e 2025" in every


def test_github_at_error_leaves_the_warnings_out_and_counts_them():
    text = render_github(MIXED, annotate="error")
    assert commands(text) == ["error", "notice"]
    assert "left out: 4 below --show error (1 warning, 1 info, 1 waived, 1 in the baseline)" in summary(text)


def test_github_cap_keeps_the_errors_and_says_what_it_dropped():
    findings = [row(Verdict.MISSING, indicator=f"w{i}") for i in range(3)] + \
        [row(Verdict.WEAKER, indicator=f"e{i}") for i in range(3)]
    text = render_github(findings, max_annotations=4)
    assert commands(text) == ["error", "error", "error", "warning", "notice"]
    assert "w0 2025" in text.splitlines()[3]  # within a level, in the findings' order
    assert summary(text).startswith("4 of 6 findings annotated (3 errors, 1 warning); "
                                    "left out: 2 over the cap of 4 (2 warnings).")
    only = render_github(findings, max_annotations=0)
    assert commands(only) == ["notice"] and "6 over the cap of 0 (3 errors, 3 warnings)" in summary(only)


def test_github_default_cap_is_fifty_and_the_summary_names_githubs_own_limit():
    findings = [row(Verdict.MISSING, indicator=f"w{i:02}") for i in range(60)]
    text = render_github(findings)
    assert commands(text).count("warning") == 50
    assert "left out: 10 over the cap of 50 (10 warnings)" in summary(text)
    assert "GitHub shows the first 10 annotations of each level of a step" in summary(text)
    assert "GitHub shows" not in summary(render_github(findings[:10]))


def test_github_through_render_findings_passes_the_options_on():
    text = render_findings(MIXED, ReportFormat.github, Severity.ERROR, annotate="error", max_annotations=1)
    assert text == render_github(MIXED, annotate="error", max_annotations=1)
    assert commands(text) == ["error", "notice"]


def test_github_escapes_properties_data_and_no_line_can_start_a_command():
    nasty = replace(row(Verdict.WEAKER), file="plans/a,b:c.yaml", message="50% done\r\n::error::injected")
    text = render_github([nasty])
    first = text.splitlines()[0]
    assert first.startswith("::error file=plans/a%2Cb%3Ac.yaml,line=5,col=3,title=PC201 weaker::")
    assert first.endswith("::50%25 done%0D%0A::error::injected")
    assert len(text.splitlines()) == 2 and all(line.startswith("::") for line in text.splitlines())


def test_github_with_nothing_found_still_says_so():
    assert render_github([]).startswith("::notice title=plancheck::no findings.")


@pytest.mark.parametrize(("options", "message"), [({"annotate": "loud"}, "unknown annotation level"),
                                                 ({"max_annotations": -1}, "0 or more")])
def test_github_refuses_options_it_cannot_follow(options, message):
    with pytest.raises(ValueError, match=message):
        render_github(MIXED, **options)


# ---- JUnit: a test case is what it tests

def cases(xml: str) -> dict[str, list]:
    """suite name → its test cases, parsed by junitparser."""
    from junitparser import JUnitXml

    return {suite.name: list(suite) for suite in JUnitXml.fromstring(xml.encode("utf-8"))}


def attribute(case, name: str) -> str | None:
    return case._elem.get(name)


def test_junit_row_names_are_the_upper_requirement_and_the_code_is_the_failure_type():
    from junitparser import Failure

    suite = cases(render_junit([row(Verdict.WEAKER, scope="城镇"), row(Verdict.MISSING, year=None)], Severity.ERROR))
    found = suite["county against prov"]
    assert [c.name for c in found] == ["share 2025 (城镇)", "share (no year)"]
    assert {attribute(c, "file") for c in found} == {"plans/county.yaml"}
    failure = [r for r in found[0].result if isinstance(r, Failure)][0]
    assert failure.type == "PC201" and failure.message == "share 2025: weaker (message text of PC201)"
    assert "share 2025: weaker (message text of PC201)" in failure.text


def test_junit_a_row_keeps_its_name_when_its_verdict_changes():
    """A fix turns the same test from failing to passing, as CI test histories follow it."""
    before = cases(render_junit([row(Verdict.WEAKER)], Severity.ERROR))["county against prov"]
    after = cases(render_junit([row(Verdict.EQUAL)], Severity.ERROR))["county against prov"]
    assert [c.name for c in before] == [c.name for c in after] == ["share 2025"]
    assert not before[0].is_passed and after[0].is_passed


def test_junit_plan_findings_are_named_by_code_and_subject_never_by_message():
    findings = [own("PC401", "compared with the nearest present ancestor", path=("jurisdiction", "parent")),
                own("PC301", "targets[3] states 1, targets[4] states 2", indicator="share", year=2025,
                    path=("targets", 3)),
                own("PC101", "quote not found", line=9, path=("targets", 5, "quote")),
                own("PC501", "a waiver expired")]
    names = [c.name for c in cases(render_junit(findings, Severity.ERROR))["county: plan checks"]]
    assert names == ["PC401 jurisdiction.parent", "PC301 share 2025", "PC101 targets[5].quote", "PC501"]
    reworded = [replace(f, message=f.message + ", reworded") for f in findings]
    assert [c.name for c in cases(render_junit(reworded, Severity.ERROR))["county: plan checks"]] == names


def test_junit_names_that_collide_gain_their_line_then_a_number():
    rows = [row(Verdict.MISSING, upper_line=30), row(Verdict.WEAKER, upper_line=12), row(Verdict.EQUAL, indicator="x")]
    names = [c.name for c in cases(render_junit(rows, Severity.ERROR))["county against prov"]]
    assert names == ["share 2025 (prov line 30)", "share 2025 (prov line 12)", "x 2025"]
    # the same names whatever the findings' order
    assert sorted(c.name for c in cases(render_junit(rows[::-1], Severity.ERROR))["county against prov"]) == \
        sorted(names)
    conflicts = [own("PC301", "one pair", line=20, indicator="share", year=2025),
                 own("PC301", "another pair", line=20, indicator="share", year=2025),
                 own("PC301", "a third", line=25, indicator="share", year=2025)]
    names = [c.name for c in cases(render_junit(conflicts, Severity.ERROR))["county: plan checks"]]
    assert names == ["PC301 share 2025 (line 20) #1", "PC301 share 2025 (line 20) #2", "PC301 share 2025 (line 25)"]


def test_junit_every_test_case_has_its_plans_file():
    rows = [row(Verdict.EQUAL)]
    suites = cases(render_junit(rows, Severity.ERROR, ["county", "prov", "lonely"],
                                plan_files={"lonely": "plans/lonely.yaml"}))
    files = {name: [attribute(c, "file") for c in found] for name, found in suites.items()}
    assert files == {"county: plan checks": ["plans/county.yaml"], "lonely: plan checks": ["plans/lonely.yaml"],
                     "prov: plan checks": ["plans/prov.yaml"], "county against prov": ["plans/county.yaml"]}
    # without plan_files, a plan that no finding names has no file to give
    bare = cases(render_junit(rows, Severity.ERROR, ["lonely"]))["lonely: plan checks"]
    assert attribute(bare[0], "file") is None


def test_junit_through_render_findings_passes_plan_files_on():
    xml = render_findings([], ReportFormat.junit, Severity.ERROR, ["lonely"], plan_files={"lonely": "p/l.yaml"})
    assert attribute(cases(xml)["lonely: plan checks"][0], "file") == "p/l.yaml"
