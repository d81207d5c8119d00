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

from plancheck.catalog import Catalog
from plancheck.codes import CodeDoc
from plancheck.compare import COMMITMENT_RANK, strictness_key, within_tolerance
from plancheck.findings import Finding, Severity, Verdict
from plancheck.models import Plan
from plancheck.wording import bound_text

CONFLICT = "PC301"
REGRESSION = "PC302"

CODES = (
    CodeDoc(CONFLICT, "conflict", Severity.WARNING, "One plan states two different values for the same target.", """
Two targets of the plan name the same indicator, year and scope with different
numbers or comparators (for example 森林覆盖率 62.92%左右 in the main targets and
60%以上 in a task section). The comparison with the ancestor uses the firmest and
strictest statement; the plan's authors should say which one holds.""".strip()),
    CodeDoc(REGRESSION, "later-target-less-strict", Severity.WARNING,
            "A later target is less strict than an earlier one.", """
For the same indicator and scope, a target for a later year is less strict than the
target for an earlier year (for example a share that falls from 2025 to 2030).
Aggregate indicators are included: a provincial average may not fall either.""".strip()),
)


def check_consistency(plan: Plan, catalog: Catalog) -> Iterator[Finding]:
    plan_id = plan.jurisdiction.id
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, t in enumerate(plan.targets):
        if t.value is not None and not t.deferred and catalog.get(t.indicator) is not None:
            groups[(t.indicator, t.scope or "", t.base_year)].append(i)
    for (indicator_id, _scope, _base), indexes in sorted(groups.items()):
        indicator = catalog.get(indicator_id)
        by_year: dict[int | None, list[int]] = defaultdict(list)
        for i in indexes:
            by_year[plan.targets[i].year].append(i)
        for year, same in sorted(by_year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
            first = same[0]
            for other in same[1:]:
                a, b = plan.targets[first], plan.targets[other]
                if strictness_key(a, indicator) != strictness_key(b, indicator) and not within_tolerance(a, b, indicator):
                    yield Finding(CONFLICT,
                                  f"{indicator_id} {year if year is not None else '(no year)'}: targets[{other}] "
                                  f"states {bound_text(b)}, targets[{first}] states {bound_text(a)}",
                                  plan=plan_id, path=("targets", other), indicator=indicator_id, year=year,
                                  verdict=Verdict.CONFLICT)
        years = sorted(y for y in by_year if y is not None)
        for earlier, later in zip(years, years[1:]):
            a = max(by_year[earlier], key=lambda i: _rank(plan, i, indicator))
            b = max(by_year[later], key=lambda i: _rank(plan, i, indicator))
            ta, tb = plan.targets[a], plan.targets[b]
            if strictness_key(tb, indicator) < strictness_key(ta, indicator) and not within_tolerance(ta, tb, indicator):
                yield Finding(REGRESSION,
                              f"{indicator_id}: the {later} target ({bound_text(tb)}) is less strict than the {earlier} "
                              f"target ({bound_text(ta)})",
                              plan=plan_id, path=("targets", b), indicator=indicator_id, year=later)


def _rank(plan: Plan, index: int, indicator) -> tuple:
    t = plan.targets[index]
    return (COMMITMENT_RANK[t.commitment], strictness_key(t, indicator))

