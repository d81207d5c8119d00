"""JUnit XML for CI systems that show test results (GitLab, Jenkins, Azure, CircleCI).

A test suite per plan pair (lower against upper, one test case per upper target) and
one per plan for the checks inside it (schema, quotes, consistency, hierarchy). A
finding at or above the fail level is a ``<failure>``; a waived one is ``<skipped>``
with its reason; the rest pass. Built with the standard library's ElementTree, which
escapes plan text for XML.

CI systems follow a test case by its name from build to build (a failure fixed, a new
one), so a name says what is tested, never the message: a comparison row is the upper
requirement (indicator, year, scope), whatever its verdict, so a fix shows as the same
test passing; a plan's own finding is its code and what it is about (indicator and
year, else the key path). docs/design.md, "CI reports".
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping

from plancheck.findings import FailLevel, Finding, reaches
from plancheck.reporters.plain import show_control

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped; plan text may contain them."""
    return show_control(text, _NOT_XML)


def _case(suite: ET.Element, classname: str, name: str, file: str | None, finding: Finding | None,
          fail_level: FailLevel) -> str:
    case = ET.SubElement(suite, "testcase", classname=_xml(classname), name=_xml(name))
    if file:
        case.set("file", _xml(file))
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


Case = tuple[str, str, str | None, Finding | None]
"""(classname, name, file, finding): a test case before it is written."""


def _suite(root: ET.Element, name: str, cases: list[Case], fail_level: FailLevel) -> None:
    suite = ET.SubElement(root, "testsuite", name=_xml(name))
    outcomes = [_case(suite, classname, case_name, file, finding, fail_level)
                for classname, case_name, file, finding in cases]
    suite.set("tests", str(len(outcomes)))
    suite.set("failures", str(outcomes.count("failure")))
    suite.set("errors", "0")
    suite.set("skipped", str(outcomes.count("skipped")))


def _year(year: int | None) -> str:
    return "(no year)" if year is None else str(year)


def _key_path(path: tuple[str | int, ...]) -> str:
    """``("targets", 3, "quote")`` → ``targets[3].quote``, as the messages write key paths."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def row_name(finding: Finding) -> str:
    """The upper requirement a comparison row tests: ``indicator year (scope)``."""
    scope = finding.row.scope if finding.row is not None else None
    name = f"{finding.indicator} {_year(finding.year)}"
    return f"{name} ({scope})" if scope else name


def own_name(finding: Finding) -> str:
    """A plan's own finding: its code and what it is about."""
    if finding.indicator is not None:
        return f"{finding.code} {finding.indicator} {_year(finding.year)}"
    if finding.path:
        return f"{finding.code} {_key_path(finding.path)}"
    return finding.code


def _where(finding: Finding) -> str:
    """What tells two findings of one name apart: the upper target's line for a row, since
    every row a lower plan leaves open sits at the same place in it; else the finding's own."""
    upper = finding.upper
    if upper is not None and upper.line is not None:
        return f"{upper.plan} line {upper.line}"
    return "no line" if finding.line is None else f"line {finding.line}"


def unique_names(findings: list[Finding], name: Callable[[Finding], str]) -> list[str]:
    """Each finding's name, unique within its suite: names that collide all gain their line
    (so none depends on which came first), and any still alike are numbered in order."""
    names = [name(f) for f in findings]
    seen = Counter(names)
    names = [f"{n} ({_where(f)})" if seen[n] > 1 else n for n, f in zip(names, findings, strict=True)]
    seen = Counter(names)
    count: Counter[str] = Counter()
    unique = []
    for n in names:
        count[n] += 1
        unique.append(f"{n} #{count[n]}" if seen[n] > 1 else n)
    return unique


def _plan_files(findings: list[Finding], given: Mapping[str, str] | None) -> dict[str, str]:
    """Each plan's file: as given, else as the comparison rows name it (a clean plan has no
    finding of its own, but the rows of its pairs name both plans' files)."""
    files: dict[str, str] = {}
    for f in findings:
        if f.upper is not None:
            if f.plan and f.file:
                files.setdefault(f.plan, f.file)
            if f.upper.file:
                files.setdefault(f.upper.plan, f.upper.file)
    files.update(given or {})
    return files


def render_junit(findings: list[Finding], fail_level: FailLevel, plans: list[str] | None = None, *,
                 plan_files: Mapping[str, str] | None = None) -> str:
    """``plans``: every plan that was checked, so a clean plan still shows as a passing test;
    ``plan_files``: plan id → file, for the ``file`` of a clean plan's test case (otherwise
    taken from the findings that name it)."""
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
    files = _plan_files(findings, plan_files)
    for plan in sorted(own):
        found = own[plan]
        classname = f"plancheck.{plan}"
        cases: list[Case] = [(classname, name, f.file, f) for name, f in zip(unique_names(found, own_name), found,
                                                                                strict=True)]
        _suite(root, f"{plan}: plan checks", cases or [(classname, "validate and check the plan", files.get(plan),
                                                        None)], fail_level)
    for (lower, upper), found in sorted(pairs.items()):
        classname = f"plancheck.{lower}.against.{upper}"
        cases = [(classname, name, f.file, f) for name, f in zip(unique_names(found, row_name), found, strict=True)]
        _suite(root, f"{lower} against {upper}", cases, fail_level)
    totals = {key: sum(int(s.get(key, "0")) for s in root) for key in ("tests", "failures", "errors", "skipped")}
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
