"""Every finding speaks both languages (issue 19, "One language per report"): its message is
the English that machine formats carry, unchanged, and a Chinese reading for ``--lang zh``
that says the same facts. Each plan-level code of the registry is produced here from a tiny
bad input, the way a drafter would meet it; configuration errors (PC016) from tiny bad
settings, waivers, catalogues, registries and baselines."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import pickle
import re
import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from plancheck.catalog import load_catalog
from plancheck.code_registry import all_codes
from plancheck.codes import is_load_error
from plancheck.failures import ConfigError
from plancheck.findings import Finding, sort_findings
from plancheck.reason import Reason, in_language, zh_of

from helpers import MINIMAL_PLAN, REPO, SOURCE_TEXT, audit_path, check_paths, draft_plan, family_findings
from helpers import STRICTNESS_COUNTY, STRICTNESS_PROVINCE, validate_paths

CJK = re.compile(r"[\u4e00-\u9fff]")

# ---------------------------------------------------------------- what a reading must keep

_FACTS = re.compile(
    r"'[^']*'"                                # a quoted value, key, id or YAML token: 'valeu', ']'
    r"|PC\d{3}"                               # a code
    r"|[\w.-]*\w(?:\[\d+\])+(?:\.\w+)*"       # a key path: targets[0].indicator
    r"|[\w./-]+\.(?:yaml|yml|txt|json|toml)"  # a file name
    r"|\d+(?:[.,]\d+)*"                       # a number: 2025, 1.3, 16,777,216
)


def facts(english: str) -> list[str]:
    """What a reader acts on, in the English: the reading must name each as it is."""
    return _FACTS.findall(english)


def assert_reads_in_chinese(message: str, where: str = "") -> None:
    """A Chinese reading, not the English again: it has Chinese words of its own (an English
    message may quote the plan's Chinese), and every code, key, file name, quoted value and
    number of the English."""
    zh = zh_of(message)
    assert isinstance(message, Reason), f"{where}: a plain str: {message!r}"
    assert zh != str(message), where
    assert set(CJK.findall(zh)) - set(CJK.findall(message)), f"{where}: no Chinese of its own: {zh!r}"
    missing = [fact for fact in facts(message) if fact not in zh]
    assert not missing, f"{where}: {missing} of {str(message)!r} not in {zh!r}"


def test_the_reading_check_can_fail():
    """Each rule of ``assert_reads_in_chinese`` refuses what it is there to refuse."""
    for bad in ("targets[0]: missing required key 'year'",  # no reading at all
                Reason("targets[0]: x", "targets[0]: x"),  # the English again
                Reason("quote: “十四五”期间", "quote：“十四五”期间"),  # only the plan's own Chinese
                Reason("targets[3].year: 2025", "targets[3].year：年份"),  # the number lost
                Reason("key 'valeu'", "字段 valeu")):  # the quoted key lost
        with pytest.raises(AssertionError):
            assert_reads_in_chinese(bad)
    assert facts("documents[0].source: 'a.txt' not found (looked for plans/a.txt); 16,777,216 bytes; PC002") == [
        "documents[0].source", "'a.txt'", "plans/a.txt", "16,777,216", "PC002"]


# ---------------------------------------------------------------- the bad inputs, by code

_PUBLISHED = textwrap.dedent(MINIMAL_PLAN)
_JURISDICTION = "jurisdiction: {id: x, name: 某县, level: county, parent: null}\n"
_DOC = "documents: [{id: d, title: 方案, status: draft}]\n"


def _draft(targets: str = "targets: []\n") -> str:
    return _JURISDICTION + _DOC + textwrap.dedent(targets)


def _target(fields: str) -> str:
    return _draft(f"targets:\n  - {{indicator: non_fossil_energy_share, {fields}}}\n")


Setup = Callable[[Path], list[Path]]
"""Prepares the plan folder (links, FIFOs) and returns the paths to run on."""


def _folder(plans: Path) -> list[Path]:
    return [plans]


def _named(name: str) -> Setup:
    return lambda plans: [plans / name]


def _fifo(plans: Path) -> list[Path]:
    os.mkfifo(plans / "pipe.yaml")
    return [plans / "pipe.yaml"]


def _nul(plans: Path) -> list[Path]:
    return [Path(f"{plans}/a\0b.yaml")]


def _link_loop(plans: Path) -> list[Path]:
    (plans / "loop.yaml").symlink_to(plans / "loop.yaml")
    return [plans / "loop.yaml"]


def _linked_out(plans: Path) -> list[Path]:
    outside = plans.parent.parent / "outside.yaml"  # above the repository (the folder that holds plans/)
    outside.write_text(_draft(), encoding="utf-8")
    (plans / "linked.yaml").symlink_to(outside)
    return [plans]


class Case(NamedTuple):
    """One bad plan file (or none, for what ``setup`` makes) and the code it must give."""

    code: str
    text: str | bytes | None = None
    sources: dict[str, str | bytes] = {}
    setup: Setup = _folder
    only: str = ""
    """Keep only the messages holding this (one file can give two hundred of one kind)."""


_SOURCE = {"source.txt": SOURCE_TEXT}


def _source(name: str) -> str:
    """The published plan, naming another source text."""
    return _PUBLISHED.replace("    source: source.txt\n", f"    source: {name}\n")


LOAD = [  # validate, each in a folder of its own
    Case("PC001", b"\xff\xfe" + "a: 1\n".encode("utf-16-le")),
    Case("PC001", b"jurisdiction: \xff\n"),
    Case("PC001"),  # a folder without plan files
    Case("PC001", setup=_named("gone.yaml")),
    Case("PC001", setup=_fifo),
    Case("PC001", setup=_nul),
    Case("PC001", setup=_link_loop),
    Case("PC001", _PUBLISHED, {"source.txt": "到2025年".encode() + b"\xff\n"}),
    Case("PC002", "a: [1, 2\n"),
    Case("PC002", "a:\n\t- b\n"),
    Case("PC002", 'a: "x\n\nb: 1\n'),
    Case("PC002", "a: *nowhere\n"),
    Case("PC002", "a: b\x07\n"),
    Case("PC003", "a: 1\nb: 2\na: 3\n"),
    Case("PC004", "a: !!python/object:os.system x\n"),
    Case("PC004", "a: !!python/tuple [1]\n"),
    Case("PC004", "b: &x {a: 1}\nc:\n  <<: *x\n"),
    Case("PC004", "? [a]\n: 1\n"),
    Case("PC004", "a: &x [*x]\n"),
    Case("PC005", ""),
    Case("PC005", "- a\n"),
    Case("PC005", "5\n"),
    Case("PC005", "a: 1\n---\nb: 2\n"),
    Case("PC006", "a: " + "[" * 100 + "]" * 100 + "\n"),
    Case("PC006", "targets: [" + ", ".join(["1"] * 2001) + "]\n"),
    Case("PC006", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
         + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))),
    Case("PC010", _JURISDICTION + "targets: []\n"),
    Case("PC011", _target("year: 2025, valeu: 22")),
    Case("PC011", _draft().replace("parent: null}", "parent: null, quote: 原文}")),
    Case("PC011", _draft() + "zzz_qqq: 1\n"),
    Case("PC012", _target("year: '2025', value: 22")),
    Case("PC012", _target("year: ２０２５, value: 22")),
    Case("PC012", _target("year: 1800, value: .inf")),
    Case("PC012", _target("year: 2025, value: 22, deferred: true")),
    Case("PC012", _target("year: 2030, value: 22, period: {start: 2021, end: 2025}")),
    Case("PC012", _draft().replace("status: draft}", "status: draft, horizon: {start: 2030, end: 2021}}")),
    Case("PC012", _target("year: 2025, value: !!bool maybe")),
    Case("PC012", _target("year: 2025, value: " + "9" * 120)),
    Case("PC012", _draft().replace("county", "planet").replace("title: 方案", "title: ''")),
    Case("PC012", _JURISDICTION + "documents: []\ntargets: {}\n"),
    Case("PC012", _draft().replace("parent: null}", "parent: null, facts: [{name: f, value: [1], source: s}]}")),
    Case("PC012", _draft("targets:\n" + "  - {indicator: x, year: y, value: 1}\n" * 201),
         only="more schema errors"),
    Case("PC013", _draft().replace("documents: [", "documents: [{id: d, title: 又一, status: draft}, ")),
    Case("PC013", _PUBLISHED.replace("    source: source.txt\n", "")),
    Case("PC013", _source('"a\\0b.txt"')),
    Case("PC013", _source("missing.txt")),
    Case("PC013", _draft("targets:\n  - {indicator: forest_coverage, year: 2025, value: 59, document: other}\n")),
    Case("PC013", _draft("targets:\n  - {indicator: forest_coverage, year: 2025, value: 59}\n")
         .replace("documents: [", "documents: [{id: e, title: 又一, status: draft}, ")),
    Case("PC014", _PUBLISHED.replace("    quote: 非化石能源消费比重达到22%以上\n", ""), _SOURCE),
    Case("PC015", _target("year: 2025, value: 22").replace("non_fossil_energy_share", "no_such_indicator")),
    Case("PC017", _target("year: 2025, value: 22, unit: 万吨")),
    Case("PC017", _draft("targets:\n  - {indicator: data_center_pue, year: 2025, value: 1.3, unit: 千瓦}\n")),
    Case("PC018", _source("../../outside.txt"), {"../../outside.txt": "x"}),
    Case("PC018", setup=_linked_out),
    Case("PC101", _PUBLISHED.replace("达到22%以上", "达到23%以上"), _SOURCE),
    Case("PC101", _PUBLISHED + "skipped:\n  - {quote: 没有这句话, reason: 背景}\n", _SOURCE),
    Case("PC102", _PUBLISHED.replace("value: 22", "value: 25"), _SOURCE),
]

PROVINCE = STRICTNESS_PROVINCE
COUNTY = STRICTNESS_COUNTY + """\
  - {indicator: green_building_share_new_buildings, year: 2025, value: 100, scope: 全市新建建筑, unit: "%"}
  - {indicator: green_building_share_new_buildings, year: 2025, value: 80, scope: 新建民用建筑, unit: "%"}
  - {indicator: forest_coverage, year: 2025, value: 41}
  - {indicator: forest_coverage, year: 2030, value: 39}
"""
SHORT = draft_plan("short", "county", "prov").replace("status: draft}",
                                                     "status: draft, horizon: {start: 2023, end: 2025}}")
CHECK = {  # check: every verdict, the plan's own consistency and the links between plans
    "prov": PROVINCE, "county": COUNTY, "short": SHORT,
    "skips": draft_plan("chaling", "county", "zhuzhou"), "hunan": draft_plan("hunan", "province", None),
    "a": draft_plan("aa", "city", "bb"), "b": draft_plan("bb", "city", "aa"),
    "c": draft_plan("cc", "county", "nowhere"), "d1": draft_plan("dd", "county", None),
    "d2": draft_plan("dd", "county", None),
}
WAIVERS = """\
waivers:
  - {plan: county, code: PC201, indicator: non_fossil_energy_share, year: 2025, reason: 已与省里商定,
     expires: 2025-12-31}
  - {plan: county, code: PC201, indicator: forest_coverage, year: 1999, reason: 不再需要}
"""
AUDIT_SOURCE = "到2025年，非化石能源消费比重达到22%以上。森林覆盖率稳定在59%以上。\n到2030年，新能源装机达到135万千瓦。\n"


def _write(folder: Path, files: dict[str, str | bytes | None]) -> None:
    for name, text in files.items():
        if text is None:
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(REPO / "rules")


def _load_findings(tmp_path: Path, catalog, index: int) -> tuple[Path, list[Finding]]:
    case = LOAD[index]
    root = tmp_path / f"case{index}"
    plans = root / "plans"
    plans.mkdir(parents=True)
    _write(plans, {"plan.yaml": case.text, **case.sources})
    return root, [f for f in validate_paths(case.setup(plans), catalog).findings
                  if f.code == case.code and case.only in f.message]


def plan_findings(tmp_path: Path, catalog) -> dict[str, list[tuple[str, str, Finding]]]:
    """Every plan-level finding the inputs above give, by code: (case, folder, finding)."""
    found: dict[str, list[tuple[str, str, Finding]]] = {}
    for index in range(len(LOAD)):
        root, findings = _load_findings(tmp_path, catalog, index)
        for f in findings:
            found.setdefault(f.code, []).append((f"load {index}", str(root), f))
    root = tmp_path / "check"
    (root / "plans").mkdir(parents=True)
    _write(root / "plans", {f"{name}.yaml": text for name, text in CHECK.items()})
    for f in check_paths([root / "plans"], catalog).findings:
        found.setdefault(f.code, []).append(("check", str(root), f))
    for code, message in family_findings(None, tmp_path, CHECK, fields=("code", "message"), waivers=WAIVERS):
        if code.startswith("PC5"):
            found.setdefault(code, []).append(("waivers", "", Finding(code, message)))
    root = tmp_path / "audit"
    (root / "plans").mkdir(parents=True)
    _write(root / "plans", {"plan.yaml": _PUBLISHED, "source.txt": AUDIT_SOURCE})
    for f in audit_path(root / "plans" / "plan.yaml", catalog).findings:
        found.setdefault(f.code, []).append(("audit", str(root), f))
    return found


PLAN_LEVEL = sorted(set(all_codes()) - {"PC016"})
"""PC016 is a configuration file's: no plan can produce it (``test_configuration_errors_...``)."""


@pytest.fixture(scope="module")
def produced(tmp_path_factory, catalog):
    return plan_findings(tmp_path_factory.mktemp("language"), catalog)


def test_every_plan_level_code_is_produced(produced):
    assert sorted(produced) == PLAN_LEVEL


@pytest.mark.parametrize("code", PLAN_LEVEL)
def test_every_message_of_every_code_reads_in_chinese(produced, code):
    for case, _, finding in produced[code]:
        assert_reads_in_chinese(finding.message, f"{code} ({case})")
        assert in_language(finding.message, "zh") == zh_of(finding.message)
        assert in_language(finding.message, "en") == str(finding.message)


def _english(produced) -> dict[str, list[str]]:
    """The English of every message, with the temporary folder written as <root> and the
    repository as <repo>."""
    def english(root: str, message: str) -> str:
        return (message.replace(root, "<root>") if root else message).replace(str(REPO), "<repo>")

    return {code: sorted(english(root, str(f.message)) for _, root, f in found) for code, found in sorted(produced.items())}


ENGLISH = {  # code → every English message the inputs above give, sorted
    "PC001": [
        "cannot be read: Too many levels of symbolic links",
        "cannot be read: it holds a NUL character",
        "documents[0].source: not valid UTF-8: byte 0xff cannot start or continue a character (<root>/plans/source.txt)",
        "folder holds no plan files (*.yaml, *.yml)",
        "no such file or folder",
        "not a regular file",
        "not valid UTF-8: byte 0xff cannot start or continue a character",
        "the file is UTF-16 (it starts with that byte-order mark); plan files are UTF-8: save it again as UTF-8",
    ],
    "PC002": [
        "YAML syntax error: alias *nowhere names no anchor defined before it",
        "YAML syntax error: character U+0007 is not allowed in YAML text",
        "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1)",
        "YAML syntax error: found character that cannot start any token; YAML indents with spaces, not tabs",
        "YAML syntax error: found unexpected end of stream (while scanning a quoted scalar at line 1)",
    ],
    "PC003": ["duplicate key 'a' (first defined at line 1); a repeated key would silently replace the first value"],
    "PC004": [
        "a mapping or sequence cannot be used as a key",
        "alias *x refers to a collection that contains it (recursive alias)",
        "merge keys (<<) are not supported; write the keys out",
        "tag !!python/object:os.system is not allowed in plan files; only standard YAML types are accepted and nothing is executed",
        "tag !!python/tuple is not allowed in plan files",
    ],
    "PC005": [
        "the file holds more than one YAML document; a plan file holds exactly one",
        "the file is empty; a plan is a mapping with jurisdiction, documents and targets",
        "the top level is a list; a plan is a mapping with jurisdiction, documents and targets",
        "the top level is a single value (int); a plan is a mapping with jurisdiction, documents and targets",
    ],
    "PC006": [
        "more than 250,000 values after expanding aliases (an alias bomb, or a file far larger than any plan)",
        "nesting deeper than 64 levels",
        "targets: 2,001 entries; the limit is 2,000 per plan (the largest real plan has about a hundred)",
    ],
    "PC010": ["(top level): missing required key 'documents'"],
    "PC011": [
        "(top level): unknown key 'zzz_qqq'",
        "jurisdiction: unknown key 'quote' here (it belongs at another level of the plan; see docs/transcribing.md)",
        "targets[0]: unknown key 'valeu'; did you mean 'value'?",
    ],
    "PC012": [
        "cannot read 'maybe' as !!bool",
        "cannot read an integer of more than 100 digits (9999999999999999999999999999999999999999…)",
        "documents: List should have at least 1 item after validation, not 0",
        "documents[0].horizon: the range ends (2021) before it starts (2030)",
        "documents[0].title: String should have at least 1 character (got '')",
        "jurisdiction.facts[0].value: Input should be a valid number",
        "jurisdiction.level: Input should be 'national', 'province', 'city', 'county', 'district' or 'new_area' (got 'planet')",
        "more schema errors not shown (the first 200 are listed); fix these and run again",
        "targets: Input should be a valid list",
        "targets[0].value: Input should be a finite number (got inf)",
        "targets[0].year: Input should be a valid integer (got '2025')",
        "targets[0].year: Input should be a valid integer (got '２０２５'); full-width digits: write 2025",
        "targets[0].year: Input should be greater than or equal to 1949 (got 1800)",
        "targets[0]: a deferred target (完成上级下达目标) has no value of its own; set value: null",
        "targets[0]: year 2030 differs from the end of the period (2025)",
    ],
    "PC013": [
        "documents[0].source: 'a\\x00b.txt' cannot be a file name (it holds a NUL character)",
        "documents[0].source: source text 'missing.txt' not found next to the plan, or not a regular file (looked for <root>/plans/missing.txt)",
        "documents[0]: published document 'doc' needs its source text (source:) so its quotes can be verified",
        "documents[1]: document id 'd' is used twice",
        "targets[0].document: 'other' is not one of the plan's documents (d)",
        "targets[0]: the plan lists 2 documents; name this target's document (document: ID)",
    ],
    "PC014": ["targets[0]: targets of published document 'doc' need the verbatim quote they come from"],
    "PC015": ["targets[0].indicator: 'no_such_indicator' is not in the catalogue (<repo>/rules/indicators.yaml)"],
    "PC017": [
        "targets[0].unit: '万吨' does not convert to non_fossil_energy_share's unit (%); only 万/亿 multiples and 标煤 = 标准煤 convert",
        "targets[0].unit: '千瓦' does not convert to data_center_pue's unit (no unit); only 万/亿 multiples and 标煤 = 标准煤 convert",
    ],
    "PC018": [
        "a plan file in the folder resolves outside the plan repository (<root>); it was not read",
        "documents[0].source: '../../outside.txt' resolves outside the plan repository (<root>); source texts must lie inside it, so it was not read",
    ],
    "PC101": [
        "skipped[0]: quote not found in the source text of 'doc': 没有这句话",
        "targets[0]: quote not found in the source text of 'doc': 非化石能源消费比重达到23%以上",
    ],
    "PC102": ["targets[0]: value 25 does not appear in its quote: 非化石能源消费比重达到22%以上"],
    "PC103": [
        "number 59% not quoted by any target or skipped entry: 森林覆盖率稳定在59%以上。",
        "number 达到135 not quoted by any target or skipped entry: 到2030年,新能源装机达到135万千瓦。",
    ],
    "PC201": ["non_fossil_energy_share 2025: prov sets ≥22; the number is less strict (20 vs 22)"],
    "PC202": [
        "data_center_pue (no year): prov sets ≤1.3; the lower plan does not address this target",
        "energy_intensity_reduction 2025: prov sets 14; the lower plan does not address this target",
        "fertilizer_utilization_rate 2025: prov sets ≥43; the lower plan does not address this target",
        "fertilizer_utilization_rate 2025: prov sets ≥43; the lower plan does not address this target",
        "green_building_share_new_buildings 2025: prov sets 100; the lower plan does not address this target",
        "green_travel_share 2025: prov sets ≥50; the lower plan does not address this target",
        "non_fossil_energy_share 2025: prov sets ≥22; the lower plan does not address this target",
    ],
    "PC203": ["green_building_share_new_buildings 2025: prov sets 100; the lower plan names the indicator without a number; the lower plan also states 2025: 100% (全市新建建筑 (new buildings across the city)), 2025: 80% (新建民用建筑 (newly built civil buildings))"],
    "PC204": ["energy_intensity_reduction 2025: prov sets 14; the lower plan defers to the target allocated from above"],
    "PC205": [
        "coal_power_retrofit_threshold (no year): prov sets 300克标准煤/千瓦时; binds only where 有煤电机组 (there are coal power units); the lower plan records no fact coal_power_units to decide it",
        "coal_power_retrofit_threshold (no year): prov sets 300克标准煤/千瓦时; binds only where 有煤电机组 (there are coal power units); the lower plan records no fact coal_power_units to decide it",
    ],
    "PC206": [
        "prefab_building_share 2025: prov sets ≥30; binds only city level (城市新建建筑); the lower plan is a county",
        "prefab_building_share 2025: prov sets ≥30; binds only city level (城市新建建筑); the lower plan is a county",
    ],
    "PC207": [
        "forest_coverage 2025: prov sets ≥59; aggregate indicator: the lower plan need not restate it",
        "forest_coverage 2025: prov sets ≥59; aggregate indicator: the upper figure is an average over very different parts (land, industries), so the lower plan is not held to it one to one; the lower plan also states 2025: ≥40",
    ],
    "PC208": ["non_fossil_energy_share 2030: prov sets ≥25; 2030 lies beyond the lower plan's horizon (ends 2025)"],
    "PC209": ["data_center_pue (no year): prov sets ≤1.3; the number is stricter (1.25 vs 1.3)"],
    "PC210": ["green_travel_share 2025: prov sets ≥50; the same target"],
    "PC211": ["non_fossil_energy_share 2030: prov sets ≥25; equal within the tolerance of an approximate (左右) value (±0.5): 24.8 vs 25"],
    "PC301": [
        "forest_coverage 2025: targets[9] states 41, targets[6] states ≥40",
        "green_building_share_new_buildings 2025: targets[8] states 80% for 新建民用建筑, less than targets[7]'s 100% for 全市新建建筑 scope, which contains it",
    ],
    "PC302": ["forest_coverage: the 2030 target (39) is less strict than the 2025 target (41)"],
    "PC401": ["compared with the nearest present ancestor: chaling → zhuzhou (absent) → hunan"],
    "PC402": ["parent 'nowhere' is neither a plan nor in the registry"],
    "PC403": [
        "parents form a cycle: aa → bb → aa",
        "parents form a cycle: bb → aa → bb",
    ],
    "PC404": ["jurisdiction 'dd' is already defined by <root>/plans/d1.yaml"],
    "PC501": ["waiver for county PC201 non_fossil_energy_share 2025 expired on 2025-12-31"],
    "PC502": ["waiver for county PC201 forest_coverage 1999 matches no finding"],
}
"""Written by the code before the readings were added (commit 85aaf1e), and read."""


def test_the_english_is_what_it_was(produced):
    """The English is the interface of JSON, SARIF, JUnit and baselines: adding the readings
    changed none of it."""
    assert _english(produced) == ENGLISH


# ---------------------------------------------------------------- configuration files (PC016)


def _config_problems(tmp_path: Path, name: str, text: str | bytes, monkeypatch) -> list[Finding]:
    """The PC016 findings of one bad configuration file, as the run's setup reads it."""
    from plancheck.baseline import load_baseline
    from plancheck.config import load_settings
    from plancheck.hierarchy import load_registry
    from plancheck.waivers import load_waivers, today

    root = tmp_path
    rules = root / "rules"
    rules.mkdir(parents=True)
    for needed in ("indicators.yaml", "jurisdictions.yaml"):
        (rules / needed).write_text((REPO / "rules" / needed).read_text(encoding="utf-8"), encoding="utf-8")
    _write(root, {name: text})
    try:
        if name == "rules/indicators.yaml":
            load_catalog(rules)
        elif name == "rules/jurisdictions.yaml":
            load_registry(rules)
        elif name == "waivers.yaml":
            load_waivers(root / name)
        elif name == "baseline.json":
            load_baseline(root / name)
        elif name == "$PLANCHECK_TODAY":
            monkeypatch.setenv("PLANCHECK_TODAY", str(text))
            today()
        else:
            load_settings(rules, root)
    except ConfigError as error:
        return error.findings
    raise AssertionError(f"{name} was accepted:\n{text!r}")


_CATALOG_ENTRY = "  - {id: a, name_zh: 甲, name_en: A, unit: '%', direction: higher, binding: aggregate"
CONFIGURATION = [  # (file, its text, the English of each finding: written by the code before the readings, read)
    (".plancheck.yaml", "severity: {PC999: error}\n", [
        "severity: unknown code 'PC999' (plancheck explain lists the codes)",
    ]),
    (".plancheck.yaml", "disable: [PC002]\n", [
        "disable: PC002 is a load error: a file that cannot be read is never a pass, so it can be neither disabled",
    ]),
    (".plancheck.yaml", "severity: {PC002: info}\n", [
        "severity: PC002 is a load error: a file that cannot be read is never a pass, so it can be neither given another severity",
    ]),
    (".plancheck.yaml", "severity: {pc201: info, PC201: error}\n", [
        "severity: PC201 is given twice (in another case); one would silently replace the other",
    ]),
    (".plancheck.yaml", "severity: {PC201: fatal}\nfail-on: sometimes\n", [
        "fail-on: Input should be 'info', 'warning', 'error' or 'never' (got 'sometimes')",
        "severity.PC201: Input should be 'info', 'warning' or 'error' (got 'fatal')",
    ]),
    (".plancheck.yaml", "a: [1\n", [
        "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1)",
    ]),
    ("pyproject.toml", "[tool.plancheck\n", ["not valid TOML: Expected ']' at the end of a table declaration"]),
    ("pyproject.toml", "tool = 1\n", ["`tool` must be a table, not int"]),
    ("pyproject.toml", "[tool]\nplancheck = 'x'\n", ["`tool.plancheck` must be a table, not str"]),
    ("pyproject.toml", "[tool.plancheck]\nx = " + "9" * 5000 + "\n", [
        "not usable TOML: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits",
    ]),
    ("waivers.yaml", "waivers:\n  - {plan: x, code: PC002, reason: 读不了}\n", [
        "waivers[0].code: PC002 is a load error; a file that cannot be read cannot be waived, only fixed",
    ]),
    ("waivers.yaml", "waivers:\n  - {plan: x, code: PC201, reason: r, expires: '2024-13-01'}\n", [
        "waivers[0].expires: Input should be a valid date or datetime, month value is outside expected range of 1-12 (got '2024-13-01')",
    ]),
    ("waivers.yaml", "waivers:\n  - {plan: x, code: PC2011, year: 2025.5}\n", [
        "waivers[0].code: String should match pattern '^PC\\d{3}$' (got 'PC2011')",
        "waivers[0].year: Input should be a valid integer, got a number with a fractional part (got 2025.5)",
        "waivers[0]: missing required key 'reason'",
    ]),
    ("$PLANCHECK_TODAY", "tomorrow", ["PLANCHECK_TODAY must be a date YYYY-MM-DD, not 'tomorrow'"]),
    ("rules/indicators.yaml", "", ["empty catalogue"]),
    ("rules/indicators.yaml", "indicators:\n" + _CATALOG_ENTRY + "}\n" + _CATALOG_ENTRY + "}\n", [
        "indicator 'a' is defined twice",
    ]),
    ("rules/indicators.yaml", "indicators:\n" + _CATALOG_ENTRY + ", related: [b]}\n", [
        "indicator 'a': related indicator 'b' is not in the catalogue",
    ]),
    ("rules/indicators.yaml", "indicators:\n" + _CATALOG_ENTRY + ", stated_as: [{indicator: b}]}\n", [
        "indicator 'a': stated_as names 'b', which is not in the catalogue",
    ]),
    ("rules/indicators.yaml", "indicators:\n" + _CATALOG_ENTRY + ", tolerance: -1, scopes: []}\n", [
        "indicators[0].tolerance: Input should be greater than or equal to 0 (got -1)",
        "indicators[0].scopes: Input should be a valid dictionary",
    ]),
    ("rules/jurisdictions.yaml", "", ["empty registry"]),
    ("rules/jurisdictions.yaml", "jurisdictions:\n" + "  - {id: a, name: 甲, level: city, parent: null}\n" * 2, [
        "jurisdiction 'a' is listed twice",
    ]),
    ("rules/jurisdictions.yaml", "jurisdictions: 5\n", ["jurisdictions: Input should be a valid list (got 5)"]),
    ("baseline.json", "{", ["cannot read baseline: Expecting property name enclosed in double quotes"]),
    ("baseline.json", "[" * 20 + "]" * 20, [
        "cannot read baseline: nested 20 levels deep; a baseline is an object holding a list of flat entries",
    ]),
    ("baseline.json", '{"schema_version": 1, "findings": [], "findings": []}', [
        "cannot read baseline: repeated key 'findings' in one object",
    ]),
    ("baseline.json", '{"schema_version": 1, "findings": [' + "9" * 5000 + "]}", [
        "cannot read baseline: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits",
    ]),
    ("baseline.json", '{"schema_version": 2, "findings": []}', [
        "cannot read baseline: expected an object with schema_version 1 and a findings list (plancheck check --baseline-create writes one)",
    ]),
    ("baseline.json", '{"schema_version": 1, "findings": [{"plan": 1}]}', [
        "cannot read baseline: findings[0]: expected an object with string fields plan, code, indicator, year, scope",
    ]),
    ("baseline.json", b"\xff\xfe{", [
        "cannot read baseline: the file is UTF-16 (it starts with that byte-order mark); plan files are UTF-8: save it again as UTF-8",
    ]),
]


@pytest.mark.parametrize(("name", "text", "english"), CONFIGURATION,
                         ids=[f"{i}-{name}" for i, (name, *_) in enumerate(CONFIGURATION)])
def test_configuration_errors_read_in_chinese(tmp_path, monkeypatch, name, text, english):
    problems = _config_problems(tmp_path, name, text, monkeypatch)
    assert problems and all(f.code == "PC016" or is_load_error(f.code) for f in problems)  # or the reader's own
    assert [str(f.message).replace(str(tmp_path), "<root>") for f in problems] == english
    for f in problems:
        assert_reads_in_chinese(f.message, f"{name}: {text!r}")


def test_the_readers_refusals_read_in_chinese(tmp_path, monkeypatch):
    """What the inputs above cannot make here: a file over the size cap, a file the system
    refuses to read (the tests run as a user who may read everything)."""
    import errno

    from plancheck import textfiles
    from plancheck.load_messages import cannot_read

    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 10, encoding="utf-8")
    monkeypatch.setattr(textfiles, "MAX_FILE_BYTES", 20)
    _, [too_large] = textfiles.read_text(big, "big.yaml")
    assert (too_large.code, str(too_large.message)) == ("PC006", "file is 50 bytes; the limit is 20")
    assert_reads_in_chinese(too_large.message)
    denied = cannot_read(PermissionError(errno.EACCES, "Permission denied"))
    assert (str(denied), zh_of(denied)) == ("cannot read: Permission denied", "无法读取：没有读取权限")
    odd = cannot_read(OSError(errno.EXDEV, "Invalid cross-device link"))  # not one a reader meets: the system's words
    assert (str(odd), zh_of(odd)) == ("cannot read: Invalid cross-device link", "无法读取：Invalid cross-device link")


# ---------------------------------------------------------------- schema errors


def test_each_kind_of_schema_error_has_its_own_reading(produced):
    """Not one frame around pydantic's English for all: the common kinds are said in Chinese."""
    readings = {zh_of(f.message) for code in ("PC010", "PC011", "PC012") for _, _, f in produced[code]}
    for words in ("缺少必填字段 'documents'", "是否应为 'value'？", "它属于规划的另一层级", "必须是整数（实际为 '2025'）",
                  "这是全角数字：请写作 2025", "必须大于或等于 1949", "必须是有限的数字", "没有自己的数值；请写 value: null",
                  "与时期的结束年份（2025）不一致", "取值必须是以下之一：'national', 'province'", "至少要有 1 个字符",
                  "至少要有 1 项，实际为 0 项", "必须是列表", "只列出前 200 条"):
        assert any(words in reading for reading in readings), words


def test_an_unknown_kind_of_schema_error_keeps_pydantics_words_in_a_chinese_frame():
    from pydantic import BaseModel, ValidationError, field_validator

    from plancheck.positions import PositionMap
    from plancheck.schema_errors import findings_from_validation_error

    class Odd(BaseModel):
        when: str

        @field_validator("when")
        @classmethod
        def _never(cls, value: str) -> str:
            assert value == "never", "only never will do"
            return value

    for data in ({"when": "now"}, {"when": b"\xff"}):
        try:
            Odd.model_validate(data)
        except ValidationError as exc:
            [finding] = findings_from_validation_error(exc, data, PositionMap(), "odd.yaml", Odd)
        assert zh_of(finding.message).startswith("when：不符合格式要求：")
        assert str(finding.message).removeprefix("when: ").split(" (got ")[0] in zh_of(finding.message)


# ---------------------------------------------------------------- the reading survives


def test_the_reading_survives_what_findings_go_through(produced):
    from plancheck.config import Settings
    from plancheck.policy import Policy
    from plancheck.reporters.json import render_findings

    findings = [f for found in produced.values() for _, _, f in found]
    readings = [zh_of(f.message) for f in findings]
    assert [zh_of(dataclasses.replace(f, line=99).message) for f in findings] == readings
    assert [zh_of(f.message) for f in pickle.loads(pickle.dumps(findings))] == readings
    assert [zh_of(f.message) for f in copy.deepcopy(findings)] == readings
    # sorted by the English, as plain strings would be, whatever the reading
    plain = [dataclasses.replace(f, message=str(f.message)) for f in findings]
    assert [str(f.message) for f in sort_findings(findings)] == [f.message for f in sort_findings(plain)]
    baseline = Counter({("county", "PC201", "non_fossil_energy_share", "2025", ""): 1})
    graded = Policy(Settings(), None, baseline=baseline).apply([dataclasses.replace(f, severity=None)
                                                                for f in findings])
    assert sorted(zh_of(f.message) for f in graded) == sorted(readings)
    assert any(f.baseline == "existing" for f in graded)
    report = json.loads(render_findings(graded))  # the JSON report: the English, byte for byte
    assert sorted(f["message"] for f in report["findings"]) == sorted(str(f.message) for f in graded)


def test_json_of_a_reason_writes_the_english():
    reason = Reason("the same target", "目标相同") + Reason("; twice", "；两次")
    assert json.dumps({"message": reason}, ensure_ascii=False) == '{"message": "the same target; twice"}'
    assert json.dumps(reason) == '"the same target; twice"'


def test_a_plain_prefix_keeps_the_reading():
    head = "pue 2025: " + Reason("the same target", "目标相同")
    assert isinstance(head, Reason) and (str(head), head.zh) == ("pue 2025: the same target", "pue 2025: 目标相同")
    assert (Reason("a", "甲") + "b").zh == "甲b"
    with pytest.raises(TypeError):
        _ = 1 + Reason("a", "甲")


def test_the_reading_survives_two_worker_processes(tmp_path, catalog, monkeypatch):
    """Findings made in worker processes (load errors, hierarchy, consistency, the comparison
    rows) come back with both readings, equal to one process's."""
    from plancheck import executor, workers

    plans = tmp_path / "plans"
    plans.mkdir()
    _write(plans, {f"{name}.yaml": text for name, text in CHECK.items()})
    _write(plans, {f"bad{i}.yaml": case.text for i, case in enumerate(LOAD)
                   if case.setup is _folder and isinstance(case.text, str) and not case.sources})
    monkeypatch.setattr(executor, "PARALLEL_MIN_FILES", 2)
    serial = check_paths([plans], catalog, jobs=1).findings
    started = []
    enter = workers.Workers.__enter__
    monkeypatch.setattr(workers.Workers, "__enter__", lambda self: started.append(self) or enter(self))
    parallel = check_paths([plans], catalog, jobs=2).findings
    assert started  # the findings did come through the worker processes
    assert len(serial) > 40 and {f.code[:3] for f in serial} >= {"PC0", "PC2", "PC3", "PC4"}
    assert [(f.code, str(f.message), zh_of(f.message)) for f in parallel] == \
        [(f.code, str(f.message), zh_of(f.message)) for f in serial]
    for f in parallel:
        assert_reads_in_chinese(f.message, f.code)
