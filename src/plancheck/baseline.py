"""Baselines: adopt the checker on a backlog of plans without drowning in old findings.

A baseline records today's findings by what they mean (plan, code, indicator, year,
scope), never by line number, so editing a plan above a finding does not make it "new".
With ``--baseline`` a finding that the baseline holds is marked ``existing``: it is still
reported, in every format, but it no longer fails the run; everything else is ``new``.
Identical keys are counted, so a second finding of the same kind is new.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from plancheck.failures import ConfigError
from plancheck.findings import Finding
from plancheck.reason import Reason, zh_of
from plancheck.textfiles import read_text

BASELINE_VERSION = 1
Key = tuple[str, str, str, str, str]
_FIELDS = ("plan", "code", "indicator", "year", "scope")


def finding_key(finding: Finding) -> Key:
    row = finding.row
    scope = (row.scope or "") if row is not None else ""
    year = "" if finding.year is None else str(finding.year)
    return (finding.plan or finding.file or "", finding.code, finding.indicator or "", year, scope)


def render_baseline(findings: list[Finding]) -> str:
    entries = sorted(finding_key(f) for f in findings)
    return json.dumps({
        "schema_version": BASELINE_VERSION,
        "findings": [dict(zip(_FIELDS, key, strict=True)) for key in entries],
    }, ensure_ascii=False, indent=2) + "\n"


MAX_BASELINE_DEPTH = 8
"""A baseline is an object holding a list of flat objects: three levels. Anything nested much
deeper is not a baseline, and is refused before ``json`` recurses into it."""


def load_baseline(path: Path) -> Counter[Key]:
    """The entries of a baseline file; every way it can be wrong is a located PC016.

    It is read through the loader's reader (size cap, regular files only, UTF-8), so a FIFO or
    ``/dev/zero`` given as a baseline is refused rather than read forever."""
    display = str(path)
    text, problems = read_text(path, display)
    if text is None:
        raise ConfigError([replace(f, code="PC016", message=_CANNOT_READ + f.message) for f in problems])

    def refuse(message: Reason, line: int | None = 1, column: int | None = 1) -> ConfigError:
        return ConfigError([Finding("PC016", _CANNOT_READ + message, file=display, line=line, column=column)])

    depth = _nesting(text)
    if depth > MAX_BASELINE_DEPTH:
        raise refuse(Reason(f"nested {depth:,} levels deep; a baseline is an object holding a list of flat entries",
                            f"嵌套深达 {depth:,} 层；基线应是一个对象，其中是由扁平条目组成的列表"))
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise refuse(Reason(exc.msg, f"不是有效的 JSON（{exc.msg}）"), exc.lineno, exc.colno) from None
    except ValueError as exc:  # an integer too long to convert, a repeated key
        detail = str(exc).split(";")[0]
        said = exc.args[0] if exc.args else None
        raise refuse(Reason(detail, zh_of(said) if isinstance(said, Reason) and str(said) == detail
                            else f"无法读取其中的数值（{detail}）")) from None
    if not isinstance(data, dict) or data.get("schema_version") != BASELINE_VERSION \
            or not isinstance(data.get("findings"), list):
        raise refuse(Reason(f"expected an object with schema_version {BASELINE_VERSION} and a findings list "
                            "(plancheck check --baseline-create writes one)",
                            f"应是包含 schema_version {BASELINE_VERSION} 和 findings 列表的对象"
                            "（plancheck check --baseline-create 可以生成）"))
    keys = []
    for i, entry in enumerate(data["findings"]):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in _FIELDS):
            fields = ", ".join(_FIELDS)
            raise refuse(Reason(f"findings[{i}]: expected an object with string fields {fields}",
                                f"findings[{i}]：应是包含字符串字段 {fields} 的对象"))
        keys.append(tuple(entry[k] for k in _FIELDS))
    return Counter(keys)  # type: ignore[arg-type]


def _nesting(text: str) -> int:
    """The deepest bracket nesting of JSON text, strings skipped (json.loads would recurse that deep)."""
    depth = deepest = 0
    for token in _STRUCTURE.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object whose keys repeat would silently keep the last value, as YAML would."""
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(Reason(f"repeated key {repeated[0]!r} in one object", f"同一对象中的键 {repeated[0]!r} 重复"))
    return dict(pairs)


_CANNOT_READ = Reason("cannot read baseline: ", "无法读取基线：")


_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def apply_baseline(findings: list[Finding], baseline: Counter[Key]) -> list[Finding]:
    remaining = Counter(baseline)
    out = []
    for f in findings:
        key = finding_key(f)
        state = "existing" if remaining[key] > 0 else "new"
        if state == "existing":
            remaining[key] -= 1
        out.append(replace(f, baseline=state))
    return out


def is_baseline(path: Path) -> bool:
    """Whether ``path`` holds a baseline (one that can be read as one)."""
    try:
        load_baseline(path)
    except ConfigError:
        return False
    return True
