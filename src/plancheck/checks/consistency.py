"""Consistency inside one plan: the same thing stated twice with different numbers.

Transcribers record every statement, even when a document contradicts itself
(docs/design.md, "Targets": finding that is the tool's job). Two quantified targets on the same
indicator, year and scope with different strictness are a ``conflict``; a
later-year target less strict than an earlier one on the same indicator and scope
is a regression. Reductions against a base year grow over time by nature and are
compared only when their base years match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from plancheck.catalog import Catalog, Indicator
from plancheck.codes import CodeDoc
from plancheck.compare import COMMITMENT_RANK, scope_relation, strictness_key, within_tolerance
from plancheck.findings import Finding, Severity, Verdict
from plancheck.models import Plan
from plancheck.reason import Reason
from plancheck.wording import bound_text

CONFLICT = "PC301"
REGRESSION = "PC302"

CODES = (
    CodeDoc(CONFLICT, "conflict", Severity.WARNING, "One plan states two different values for the same target.", """
Two targets of the plan name the same indicator, year and scope with different
numbers or comparators (for example 森林覆盖率 62.92%左右 in the main targets and
60%以上 in a task section); or a target for a scope that the catalogue puts inside
a wider one is less strict than the plan's target for the wider scope (绿色建筑
全覆盖 of all new buildings, and 80% for new civil buildings). The comparison with
the ancestor uses the firmest and strictest statement and names the others; the
plan's authors should say which one holds.""".strip()),
    CodeDoc(REGRESSION, "later-target-less-strict", Severity.WARNING,
            "A later target is less strict than an earlier one.", """
For the same indicator and scope, a target for a later year is less strict than the
strictest target for an earlier year (for example a share that falls from 2025 to
2030). Every statement of the later year is measured, not only the strongest: a
task section's 61% for 2030 falls below a main target's 62.92% for 2025 even when
the main targets say 63% for 2030. Aggregate indicators are included: a
provincial average may not fall either.""".strip()),
)


def check_consistency(plan: Plan, catalog: Catalog) -> Iterator[Finding]:
    plan_id = plan.jurisdiction.id
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, t in enumerate(plan.targets):
        if t.value is not None and not t.deferred and catalog.get(t.indicator) is not None:
            groups[(t.indicator, t.scope or "", t.base_year, t.qualifying or "")].append(i)
    for (indicator_id, _scope, _base, _counts), indexes in sorted(groups.items()):
        indicator = catalog.get(indicator_id)
        by_year: dict[int | None, list[int]] = defaultdict(list)
        for i in indexes:
            by_year[plan.targets[i].year].append(i)
        for year, same in sorted(by_year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
            first = same[0]
            for other in same[1:]:
                a, b = plan.targets[first], plan.targets[other]
                if strictness_key(a, indicator) != strictness_key(b, indicator) and not within_tolerance(a, b, indicator):
                    yield Finding(CONFLICT, Reason(
                        f"{indicator_id} {_year(year)}: targets[{other}] states {bound_text(b)}, targets[{first}] "
                        f"states {bound_text(a)}",
                        f"{indicator_id} {_year_zh(year)}：targets[{other}] 为 {bound_text(b)}，targets[{first}] 为 "
                        f"{bound_text(a)}"),
                        plan=plan_id, path=("targets", other), indicator=indicator_id, year=year,
                        verdict=Verdict.CONFLICT)
        yield from _declines(plan, indicator, by_year)
    yield from _across_scopes(plan, catalog, groups)


def _declines(plan: Plan, indicator: Indicator, by_year: dict[int | None, list[int]]) -> Iterator[Finding]:
    """Every later statement less strict than the strictest statement of an earlier year: a
    task-section 61% for 2030 falls below a main-target 62.92% for 2025 even when the plan also
    states 63% for 2030, so looking at each year's strongest statement alone would hide it."""
    years = sorted(y for y in by_year if y is not None)
    strongest: int | None = None
    for earlier, later in zip(years, years[1:]):
        best = max(by_year[earlier], key=lambda i: _rank(plan, i, indicator))
        if strongest is None or strictness_key(plan.targets[best], indicator) > \
                strictness_key(plan.targets[strongest], indicator):
            strongest = best
        ta = plan.targets[strongest]
        for b in by_year[later]:
            tb = plan.targets[b]
            if strictness_key(tb, indicator) < strictness_key(ta, indicator) and not within_tolerance(ta, tb, indicator):
                yield Finding(REGRESSION, Reason(
                    f"{indicator.id}: the {later} target ({bound_text(tb)}) is less strict than the {ta.year} "
                    f"target ({bound_text(ta)})",
                    f"{indicator.id}：{later}年的目标（{bound_text(tb)}）比{ta.year}年的目标（{bound_text(ta)}）宽松"),
                    plan=plan.jurisdiction.id, path=("targets", b), indicator=indicator.id, year=later)


def _across_scopes(plan: Plan, catalog: Catalog, groups: dict[tuple, list[int]]) -> Iterator[Finding]:
    """A statement for a scope that the catalogue puts inside another scope of the same plan (or
    inside the whole domain) and that is less strict than the wider statement of the same year.

    For a threshold every unit must meet (PUE) and for full coverage (100%) the two contradict
    each other; for other shares they may not, which the authors should say. Either way a reader
    must see both, so it is reported as a conflict (a warning)."""
    by_indicator: dict[tuple, list[int]] = defaultdict(list)
    for (indicator_id, _scope, base, counts), indexes in groups.items():
        by_indicator[(indicator_id, base, counts)] += indexes
    for (indicator_id, _base, _counts), indexes in sorted(by_indicator.items()):
        indicator = catalog.get(indicator_id)
        assert indicator is not None
        for n in sorted(indexes):
            narrow = plan.targets[n]
            if narrow.scope is None:
                continue
            wider = [w for w in indexes if w != n and plan.targets[w].year == narrow.year
                     and scope_relation(plan.targets[w].scope, narrow.scope, indicator) == "wider"
                     and strictness_key(plan.targets[w], indicator) > strictness_key(narrow, indicator)
                     and not within_tolerance(plan.targets[w], narrow, indicator)]
            if not wider:
                continue
            w = max(wider, key=lambda i: (strictness_key(plan.targets[i], indicator), -i))
            wide = plan.targets[w]
            yield Finding(CONFLICT, Reason(
                f"{indicator_id} {_year(narrow.year)}: targets[{n}] states {bound_text(narrow)} for "
                f"{narrow.scope}, less than targets[{w}]'s {bound_text(wide)} for {wide.scope or 'the whole'}"
                f" {'scope' if wide.scope else 'domain'}, which contains it",
                f"{indicator_id} {_year_zh(narrow.year)}：targets[{n}] 对“{narrow.scope}”定为 {bound_text(narrow)}，"
                f"比 targets[{w}] 对包含它的{f'“{wide.scope}”' if wide.scope else '全部范围'}"
                f"所定的 {bound_text(wide)} 宽松"),
                plan=plan.jurisdiction.id, path=("targets", n), indicator=indicator_id, year=narrow.year,
                verdict=Verdict.CONFLICT)


def _year(year: int | None) -> str:
    return "(no year)" if year is None else str(year)


def _year_zh(year: int | None) -> str:
    return "未写年份" if year is None else f"{year}年"


def _rank(plan: Plan, index: int, indicator: Indicator) -> tuple:
    t = plan.targets[index]
    return (COMMITMENT_RANK[t.commitment], strictness_key(t, indicator))
