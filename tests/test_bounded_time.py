"""Bounded time at the limits: the work of ``audit`` and ``compare`` grows linearly (counted).

The project never times a test (speed is measured by benchmarks/run.py). These tests count
work instead: every line of plancheck's own Python that runs (``sys.settrace``), plus every
character that the C-level searches it asks of the source text scan (``str.find``, ``rfind``,
``count`` and the time-marker expression). Each worst case is built inline at the limits,
a 2 MB source text (the file cap, ``loader.MAX_FILE_BYTES``, is 16 MB) or two plans of
``loader.MAX_ITEMS`` targets, and must stay within a linear budget: a stated number of units
per character or per target, and about four times the work at a quarter of the size. The
meter stops a run the moment it exceeds its budget, so quadratic code fails in seconds
instead of running for minutes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import plancheck
from plancheck.catalog import Catalog, Indicator
from plancheck.checks import audit
from plancheck.pairing import compare_plans
from plancheck.loader import MAX_ITEMS
from plancheck.findings import Verdict
from plancheck.loader import MAX_FILE_BYTES
from plancheck.models import Plan
from plancheck.textnorm import NormalizedText, SourceText, normalize

PACKAGE = str(Path(plancheck.__file__).parent)
SOURCE_BYTES = 2 * 1024 * 1024
assert SOURCE_BYTES <= MAX_FILE_BYTES


class _OverBudget(Exception):
    pass


class Meter:
    """Units of work: one per line of plancheck's Python run, one per character a C search scans."""

    def __init__(self, budget: int | None = None) -> None:
        self.work = 0
        self.budget = budget

    def add(self, units: int) -> None:
        self.work += units
        if self.budget is not None and self.work > self.budget:
            raise _OverBudget

    def run(self, action: Callable[[], object]) -> int | None:
        """The work ``action`` does; None if it went over the budget (it is stopped there)."""

        budget = self.budget if self.budget is not None else float("inf")

        def line(frame, event, arg):
            if event == "line":  # self.add(1), without a call per line
                self.work += 1
                if self.work > budget:
                    raise _OverBudget
            return line

        def call(frame, event, arg):
            return line if frame.f_code.co_filename.startswith(PACKAGE) else None

        previous = sys.gettrace()
        sys.settrace(call)
        try:
            action()
        except _OverBudget:
            return None
        finally:
            sys.settrace(previous)
        return self.work


class _MeteredText(str):
    """A source text that charges its meter for the characters each search of it scans."""

    meter: Meter

    def _bounds(self, start, end) -> tuple[int, int]:
        return slice(start, end).indices(len(self))[:2]

    def find(self, sub, start=None, end=None):
        found = str.find(self, sub, start, end)
        lo, hi = self._bounds(start, end)
        self.meter.add((found + len(sub) if found >= 0 else hi) - lo)
        return found

    def rfind(self, sub, start=None, end=None):
        found = str.rfind(self, sub, start, end)
        lo, hi = self._bounds(start, end)
        self.meter.add(hi - (found if found >= 0 else lo))
        return found

    def count(self, sub, start=None, end=None):
        lo, hi = self._bounds(start, end)
        self.meter.add(hi - lo)
        return str.count(self, sub, start, end)


class _MeteredPattern:
    """The time-marker expression, charging for the characters each search reads."""

    def __init__(self, pattern, meter: Meter) -> None:
        self.pattern, self.meter = pattern, meter

    def search(self, string, pos=0, endpos=sys.maxsize):
        found = self.pattern.search(string, pos, endpos)
        self.meter.add((found.end() if found else min(endpos, len(string))) - pos)
        return found

    def __getattr__(self, name):
        return getattr(self.pattern, name)


# ---------------------------------------------------------------- audit

def _plan(skipped: tuple[str, ...] = ()) -> Plan:
    return Plan.model_validate({
        "jurisdiction": {"id": "worst", "name": "某县", "level": "county", "parent": "hunan"},
        "documents": [{"id": "doc", "title": "t", "status": "published", "source": "s.txt"}],
        "targets": [],
        "skipped": [{"quote": q, "reason": "test"} for q in skipped],
    })


SENTENCE = "到2025年，全县光伏装机达到35万千瓦、非化石能源消费比重达到22%以上"
AUDIT_CASES = {
    # PDF text: one line, one sentence; every number walked to both ends of it.
    "one long line": (SENTENCE + "，", (), ""),
    # One line again, and a sentence as long without a time marker: each number searched it
    # all for one, then the line back to its start for the window before the number.
    "a long sentence without a time marker": ("光伏装机规模稳步扩大，新增装机达到35万千瓦，", (), "到2025年。"),
    # A finding per sentence, each counting the lines before it; and the case,
    # one-character skipped quotes found thousands of times, each number tried against all.
    "a sentence per line, one-character quotes": (SENTENCE + "。\n", ("年", "2"), ""),
}
UNITS_PER_CHARACTER = 6
"""Budget: 6 units a character, plus the 300 characters before each number, where a time
marker is looked for when the number's sentence has none. Measured: 0.9 a character on one long
line; 3.2 with a sentence a line (40 characters, two numbers of some 30 lines of Python each,
and a quoted "2" found four times); 15 in a long sentence without a marker, 13 of them the
windows. Before this change, each case went over its budget at a quarter of the size."""


def _source(repeat: str, head: str, size: int) -> str:
    return head + repeat * ((size - len(head.encode())) // len(repeat.encode()))


def _audit_budget(repeat: str, head: str, size: int) -> int:
    text = normalize(_source(repeat, head, size))
    numbers = sum(1 for _ in audit._TARGET_NUMBER.finditer(text))
    return UNITS_PER_CHARACTER * len(text) + audit._LOOKBACK * numbers


def _audit_work(repeat: str, quotes: tuple[str, ...], head: str, size: int, monkeypatch) -> int | None:
    original = _source(repeat, head, size)
    budget = _audit_budget(repeat, head, size)
    meter = Meter(budget)
    text = NormalizedText(_MeteredText(normalize(original)), _MeteredText(original))
    text.text.meter = text.original.meter = meter
    assert len(text.origin) == len(text.text)  # the origin map is one walk; built outside the meter
    plan = _plan(quotes)
    monkeypatch.setattr(audit, "_TIME_MARKER", _MeteredPattern(audit._TIME_MARKER, meter))
    found: list = []
    work = meter.run(lambda: found.extend(audit.audit_plan(plan, {"doc": SourceText("s.txt", text)})))
    monkeypatch.undo()
    if work is not None:
        assert found and all(f.code == "PC103" for f in found)
    return work


@pytest.mark.parametrize("case", AUDIT_CASES)
def test_audit_work_is_linear_in_the_source_text(case, monkeypatch):
    repeat, quotes, head = AUDIT_CASES[case]
    quarter = _audit_work(repeat, quotes, head, SOURCE_BYTES // 4, monkeypatch)
    assert quarter is not None, \
        f"{case}: a 512 KB source takes more than {_audit_budget(repeat, head, SOURCE_BYTES // 4):,} units of work"
    full = _audit_work(repeat, quotes, head, SOURCE_BYTES, monkeypatch)
    assert full is not None, \
        f"{case}: a 2 MB source takes more than {_audit_budget(repeat, head, SOURCE_BYTES):,} units of work"
    assert full <= 4.5 * quarter, f"{case}: 4x the source, {full / quarter:.1f}x the work"


def test_audit_number_pattern_finds_what_it_found_before():
    """The number pattern starts no match inside a run of digits and never backtracks into one
    (a run of 20,000 digits took 45 s); the matches it finds are those of the former pattern."""
    import random
    import re

    former = re.compile(audit._TARGET_NUMBER.pattern.replace("(?<!\\d)(?P<a>(?>", "(?P<a>(?:"))
    assert former.pattern != audit._TARGET_NUMBER.pattern
    pieces = ["1", "2", "20", "0", ".", "%", "万", "万千瓦", "以上", "左右", "达到", "PUE", "值", "年", "，", "x", "5.5"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        assert [m.span() + m.span("a") + m.span("b") for m in audit._TARGET_NUMBER.finditer(text)] == \
            [m.span() + m.span("a") + m.span("b") for m in former.finditer(text)], text


# ---------------------------------------------------------------- compare

SHARE = Indicator(id="share", name_zh="比重", name_en="Share", unit="%", direction="higher",
                  binding="per_jurisdiction", tolerance=0.5)


def _Catalog() -> Catalog:
    return Catalog({"share": SHARE}, "rules/indicators.yaml")


def _targets_plan(level: str, years, values) -> Plan:
    return Plan.model_validate({
        "jurisdiction": {"id": level, "name": "某地", "level": level, "parent": None},
        "documents": [{"id": "d", "title": "t", "status": "draft"}],
        "targets": [{"indicator": "share", "year": y, "value": v} for y, v in zip(years, values)],
    })


COMPARE_CASES = {
    # The case: no year on either side, so every lower target pairs with every upper one.
    "no years": ([None], [None], Verdict.STRICTER),
    # Every upper 2030 target looks for an earlier lower target already as strict; none is.
    "earlier years, all weaker": ([2030], [2025], Verdict.MISSING),
    # Only later years: nothing pairs, the plan is not silent on the indicator.
    "later years only": ([2030], [2035], Verdict.MISSING),
}
LINES_PER_TARGET = 150
"""Budget: 150 lines of Python a target of either plan. Measured: 55 to 95 (a row is 110 to 190
lines: two targets compared, the reason worded, the row made)."""


def _compare_work(case: str, n: int, budget: int | None) -> int | None:
    upper_years, lower_years, expected = COMPARE_CASES[case]
    # distinct upper values: each upper target is its own requirement, so each gives a row
    upper = _targets_plan("province", upper_years * n, [50 + i % 5 + i * 1e-6 for i in range(n)])
    lower_values = [56 + i % 7 for i in range(n)] if expected is Verdict.STRICTER else [40 + i % 7 for i in range(n)]
    lower = _targets_plan("county", lower_years * n, lower_values)
    rows: list = []
    work = Meter(budget).run(lambda: rows.extend(compare_plans(lower, upper, _Catalog())))
    if work is not None:
        assert len(rows) == n and {r.verdict for r in rows} == {expected}
    return work


@pytest.mark.parametrize("case", COMPARE_CASES)
def test_compare_work_is_linear_in_the_targets(case):
    n = MAX_ITEMS
    budget = LINES_PER_TARGET * 2 * n
    quarter = _compare_work(case, n // 4, budget // 4)
    assert quarter is not None, f"{case}: {n // 4:,} targets a side take more than {budget // 4:,} lines"
    full = _compare_work(case, n, budget)
    assert full is not None, f"{case}: {n:,} targets a side take more than {budget:,} lines"
    assert full <= 4.5 * quarter, f"{case}: 4x the targets, {full / quarter:.1f}x the work"


PUE = Indicator(id="pue", name_zh="PUE", name_en="PUE", unit="", direction="lower", binding="per_jurisdiction",
                tolerance=0.02, related=["share"],
                scopes={"新建大型、超大型数据中心": ["新建数据中心", "新增大型、超大型数据中心"],
                        "新增大型、超大型数据中心": ["新建数据中心", "新建大型、超大型数据中心"]})
FOREST = Indicator(id="forest", name_zh="森林覆盖率", name_en="Forest", unit="%", direction="higher",
                   binding="aggregate", tolerance=0.5)


def test_indexed_pairing_gives_the_rows_of_the_scan(monkeypatch):
    """A large group is indexed and what it gives is shared; a small one is scanned as always:
    the rows are the same either way, over plans of every verdict."""
    import random

    from plancheck import pairing

    catalog = Catalog({i.id: i for i in (SHARE, PUE, FOREST)}, "rules/indicators.yaml")
    scopes = ["新建数据中心", "新建大型、超大型数据中心", "新增大型、超大型数据中心", "既有数据中心"]
    rng = random.Random(11)

    def target(upper: bool) -> dict:
        indicator = rng.choice(["share", "share", "pue", "forest"])
        base = 1.3 if indicator == "pue" else 22
        t = {"indicator": indicator, "year": rng.choice([2030, 2035, None] if upper else [2020, 2025, 2030, None]),
             "value": round(base * (1 + rng.choice([-0.05, -0.01, -0.001, 0, 0.001, 0.01, 0.05])), 4),
             "comparator": rng.choice(["at_least", "above", "at_most", "below", "reach"]),
             "approximate": rng.random() < 0.3,
             "commitment": rng.choice(["aspirational", "in_principle", "firm", "binding"])}
        if rng.random() < 0.1:
            t.update(value=None, deferred=rng.random() < 0.5)
        if rng.random() < 0.4:
            t["scope"] = rng.choice(scopes)
        if rng.random() < 0.1:
            t["base_year"] = rng.choice([2015, 2020])
        return t

    def plan(level: str, n: int, upper: bool) -> Plan:
        return Plan.model_validate({
            "jurisdiction": {"id": level, "name": "某地", "level": level, "parent": None},
            "documents": [{"id": "d", "title": "t", "status": "draft", "horizon": {"start": 2021, "end": 2030}}],
            "targets": [target(upper) for _ in range(n)]})

    def rows(lower: Plan, upper: Plan, scan: int) -> list[tuple]:
        monkeypatch.setattr(pairing, "_SCAN", scan)
        return [(r.indicator, r.year, r.scope, r.verdict, str(r.reason), r.reason.zh, r.upper_index, r.lower_index,
                 r.gap, r.approximate, r.others, r.upper_others) for r in compare_plans(lower, upper, catalog)]

    verdicts = set()
    for _ in range(150):
        upper, lower = plan("province", rng.randint(1, 20), True), plan("county", rng.randint(0, 40), False)
        indexed = rows(lower, upper, 0)
        assert indexed == rows(lower, upper, 10**9)
        verdicts |= {(r[3], r[4].startswith("reached") and "earlier" in r[4].split(":")[0]) for r in indexed}
    assert (Verdict.STRICTER, True) in verdicts and len(verdicts) >= 9  # "reached earlier" among them


# ---------------------------------------------------------------- the same cases as files

def write_worst_cases(folder: Path) -> None:
    """The inputs of the figures in docs/performance.md, "Worst cases at the limits":
    ``audit.yaml`` with a 2 MB source (a sentence a line, each number unquoted) and skipped
    quotes of one character, and ``lower.yaml`` and ``upper.yaml`` of 2,000 targets without a
    year on one indicator each."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    repeat, quotes, head = AUDIT_CASES["a sentence per line, one-character quotes"]
    (folder / "source.txt").write_text(_source(repeat, head, SOURCE_BYTES), encoding="utf-8")
    plan = _plan(quotes).model_dump(mode="json", exclude_defaults=True)
    plan["documents"][0]["source"] = "source.txt"
    (folder / "audit.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    for level, parent, values in (("province", None, [50 + i % 5 for i in range(MAX_ITEMS)]),
                                  ("county", "province", [56 + i % 7 for i in range(MAX_ITEMS)])):
        data = {"jurisdiction": {"id": level, "name": "某地", "level": level, "parent": parent},
                "documents": [{"id": "d", "title": "t", "status": "draft"}],
                "targets": [{"indicator": "non_fossil_energy_share", "year": None, "value": v} for v in values]}
        name = "upper.yaml" if level == "province" else "lower.yaml"
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


if __name__ == "__main__":
    write_worst_cases(Path(sys.argv[1]))
