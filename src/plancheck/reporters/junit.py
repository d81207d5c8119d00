"""JUnit XML for CI systems that show test results (GitLab, Jenkins, Azure, CircleCI).

A test suite per plan pair (lower against upper, one test case per upper target) and
one per plan for the checks inside it (schema, quotes, consistency, hierarchy). A
finding at or above the fail level is a ``<failure>``; a waived one is ``<skipped>``
with its reason; the rest pass. Built with the standard library's ElementTree, which
escapes plan text for XML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from plancheck.findings import FailLevel, Finding, reaches
from plancheck.reporters.plain import show_control

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped; plan text may contain them."""
    return show_control(text, _NOT_XML)


def _case(suite: ET.Element, classname: str, name: str, finding: Finding | None, fail_level: FailLevel) -> str:
    case = ET.SubElement(suite, "testcase", classname=_xml(classname), name=_xml(name))
    if finding is None:
        return "pass"
    where = f"{finding.file}:{finding.line}:{finding.column}" if finding.file else ""
    waiver = finding.waiver
    if waiver is not None:
        ET.SubElement(case, "skipped", message=_xml(f"waived: {waiver.reason}"))
        return "skipped"
    if finding.baseline == "existing" and reaches(finding.severity, fail_level):
        ET.SubElement(case, "skipped", message=_xml(f"existing (baseline): {finding.message}"))
        return "skipped"
    if reaches(finding.severity, fail_level):
        failure = ET.SubElement(case, "failure", message=_xml(finding.message), type=finding.code)
        failure.text = _xml(f"{where}: {finding.code} [{finding.severity.value}] {finding.message}")
        return "failure"
    out = ET.SubElement(case, "system-out")
    out.text = _xml(f"{where}: {finding.code} [{finding.severity.value}] {finding.message}")
    return "pass"


def _suite(root: ET.Element, name: str, cases: list[tuple[str, str, Finding | None]], fail_level: FailLevel) -> None:
    suite = ET.SubElement(root, "testsuite", name=_xml(name))
    outcomes = [_case(suite, classname, case_name, finding, fail_level) for classname, case_name, finding in cases]
    suite.set("tests", str(len(outcomes)))
    suite.set("failures", str(outcomes.count("failure")))
    suite.set("errors", "0")
    suite.set("skipped", str(outcomes.count("skipped")))


def render_junit(findings: list[Finding], fail_level: FailLevel, plans: list[str] | None = None) -> str:
    """``plans``: every plan that was checked, so a clean plan still shows as a passing test."""
    root = ET.Element("testsuites", name="plancheck")
    pairs: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    own: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.upper is not None:
            pairs[(f.plan or "", f.upper.plan)].append(f)
        else:
            own[f.plan or f.file or ""].append(f)
    for plan in plans or []:
        own.setdefault(plan, [])
    for plan in sorted(own):
        cases = [(f"plancheck.{plan}", f"{f.code} {f.message}", f) for f in own[plan]] or \
            [(f"plancheck.{plan}", "validate and check the plan", None)]
        _suite(root, f"{plan}: plan checks", cases, fail_level)
    for (lower, upper), found in sorted(pairs.items()):
        cases = []
        for f in found:
            year = "(no year)" if f.year is None else str(f.year)
            cases.append((f"plancheck.{lower}.against.{upper}", f"{f.indicator} {year} {f.code}", f))
        _suite(root, f"{lower} against {upper}", cases, fail_level)
    totals = {key: sum(int(s.get(key, "0")) for s in root) for key in ("tests", "failures", "errors", "skipped")}
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
