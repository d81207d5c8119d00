"""Pairing a lower plan with an upper plan: one row per distinct upper requirement (the upper plan
may state one several times), saying what the lower plan does about it (docs/design.md, "What a
plan means").

For each upper target the lower plan's answer is, in order: a target on the same indicator
and year with a related scope (compared by ``compare.compare_targets``); an earlier target
already as strict (``stricter``, reached early); a target only for an unrelated scope
(``not_comparable``); else why nothing was owed (beyond the horizon, a condition, the
binding rule, a deferring upper target) or ``missing``.

The lower plan's targets are grouped by indicator (``_ByIndicator``), so pairing is not
quadratic in targets; a large group (a generated or hostile plan) is also indexed by year
and scope. That index is the only speed device here, and it lives in ``_ByIndicator``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plancheck import wording
from plancheck.catalog import Catalog, Indicator
from plancheck.compare import (
    COMMITMENT_RANK,
    EPSILON,
    Outcome,
    catalog_value,
    compare_targets,
    condition_verdict,
    scope_relation,
    strictness_key,
)
from plancheck.findings import Row, Verdict
from plancheck.models import Plan, Target
from plancheck.reason import EMPTY, Reason
from plancheck.requirements import dated_years, places, requirements
from plancheck.wording import Terms

_SCAN = 24
"""A lower plan's targets on one indicator, up to this many, are scanned whole for each upper
target on it. More are indexed by year and scope, and what pairing finds among them is kept
for all the upper targets that share it: scanning, each upper target sorts every lower target
on its indicator, which is quadratic for a plan at the loader's limit (MAX_ITEMS). Indexing the
few targets a real plan has on an indicator would cost more than it saves."""


class _ByIndicator:
    """The lower plan's targets grouped by indicator (a large group also by year and scope), so
    pairing is not quadratic in targets."""

    def __init__(self, targets: list[Target], catalog: Catalog) -> None:
        self.targets = targets
        self.groups: dict[str, list[tuple[int, Target]]] = {}
        for i, t in enumerate(targets):
            self.groups.setdefault(t.indicator, []).append((i, t))
        self.views: dict[tuple[str, int], Target] = {}
        """A lower target that states another indicator's requirement in its own terms (the
        catalogue's ``stated_as``), read as a target on that indicator for the whole domain."""
        for indicator in catalog.indicators.values():
            for way in indicator.stated_as:
                for i, t in self.groups.get(way.indicator, ()):
                    if t.scope == way.scope and (way.value is None or t.value == way.value):
                        view = t.model_copy(update={"indicator": indicator.id, "scope": None})
                        self.views[(indicator.id, i)] = view
                        self.groups.setdefault(indicator.id, []).append((i, view))
        for indicator_id in {key[0] for key in self.views}:
            self.groups[indicator_id].sort(key=lambda pair: pair[0])
        self.memo: dict[tuple, Any] = {}
        """What pairing found, by all that it depends on: in a large group, the candidates and
        the earlier targets of an upper target; for any indicator, what a missing row says."""
        self._years: dict[str, dict[int | None, dict[str | None, list[int]]]] = {}
        self._present: dict[str, set[str | None]] = {}
        self._within: dict[str, dict[str, set[str]]] = {}

    def on(self, indicator: str) -> list[tuple[int, Target]]:
        """The lower targets on ``indicator`` (and only on it), with their indexes."""
        return self.groups.get(indicator, [])

    def view(self, indicator: str, index: int) -> Target:
        """Lower target ``index`` as read for ``indicator``: itself, or its ``stated_as`` reading."""
        return self.views.get((indicator, index)) or self.targets[index]

    def years(self, indicator: str) -> dict[int | None, dict[str | None, list[int]]]:
        """A large group by year, then scope: the indexes, in order."""
        by_year = self._years.get(indicator)
        if by_year is None:
            by_year = self._years[indicator] = {}
            for i, t in self.on(indicator):
                by_year.setdefault(t.year, {}).setdefault(t.scope, []).append(i)
        return by_year

    def related(self, upper: Target, indicator: Indicator) -> tuple[frozenset | None, set[str | None] | None]:
        """The scopes of a large group that are not unrelated to the upper target's (None: all,
        the upper target has none), and how each relates: a key for ``memo``."""
        if upper.scope is None:
            return None, None
        within = self._within.get(indicator.id)
        if within is None:  # scope → the scopes the catalogue puts inside it
            within = self._within[indicator.id] = {}
            for narrow, wider in indicator.scopes.items():
                for wide in wider:
                    within.setdefault(wide, set()).add(narrow)
        # scope_relation finds any other scope unrelated to the upper one
        present = self._present.get(upper.indicator)
        if present is None:
            present = self._present[upper.indicator] = {
                scope for by_scope in self.years(upper.indicator).values() for scope in by_scope}
        scopes = {None, upper.scope, *indicator.scopes.get(upper.scope, ()), *within.get(upper.scope, ())} & present
        return frozenset((scope, scope_relation(scope, upper.scope, indicator)) for scope in scopes), scopes

    def pairable(self, upper: Target, indicator: Indicator, year_fits: Callable[[int | None], bool]) -> list[int]:
        """Indexes, in order, of the lower targets in a large group whose year fits and whose
        scope is not unrelated to the upper target's."""
        scopes = self.related(upper, indicator)[1]
        found: list[int] = []
        for year, by_scope in self.years(upper.indicator).items():  # at most 153 years, and none
            if year_fits(year):
                for scope in by_scope if scopes is None else scopes:
                    found += by_scope.get(scope, ())
        found.sort()
        return [i for i in found
                if scope_relation(self.view(upper.indicator, i).scope, upper.scope, indicator) != "unrelated"]

    def same_year(self, upper: Target) -> list[int]:
        """Indexes, in order, of a large group's targets for the upper target's year (or none), any scope."""
        year, found = upper.year, []
        for y, by_scope in self.years(upper.indicator).items():
            if y is None or year is None or y == year:
                for indexes in by_scope.values():
                    found += indexes
        return sorted(found)


_NOTHING: tuple[None, tuple[int, ...], Reason] = (None, (), EMPTY)

ALSO_STATED_MAX = 12
"""At most this many other statements are listed in a reason; the rest are counted."""


def _candidates(upper: Target, lower: _ByIndicator, indicator: Indicator,
                terms: Terms) -> tuple[int | None, tuple[int, ...], Reason]:
    """The lower target that answers ``upper`` (None if none does), the others on its indicator
    and year that could have, and what the plan states besides the chosen one on that indicator
    and year, in any scope (for the reason: a choice never hides a conflict)."""
    group = lower.groups.get(upper.indicator)
    if group is None:
        return _NOTHING
    year, key = upper.year, None
    if len(group) <= _SCAN:
        same_year = [i for i, t in group if t.year is None or year is None or t.year == year]
        found = [i for i in same_year
                 if scope_relation(lower.view(upper.indicator, i).scope, upper.scope, indicator) != "unrelated"]
    else:  # the same for every upper target of this indicator, year and relations
        key = ("candidates", upper.indicator, year, lower.related(upper, indicator)[0])
        if key in lower.memo:
            return lower.memo[key]
        found = lower.pairable(upper, indicator, lambda y: y is None or year is None or y == year)
        same_year = lower.same_year(upper) if found else []
    answer = _NOTHING
    if found:
        found.sort(key=lambda i: _preference(upper, lower.view(upper.indicator, i), indicator, lower.targets[i]),
                   reverse=True)
        chosen = set(found)
        rest = found[1:] + [i for i in same_year if i not in chosen]
        answer = (found[0], tuple(found[1:]),
                  _also_stated(lower.targets[found[0]], [lower.targets[i] for i in rest], terms))
    if key is not None:
        lower.memo[key] = answer
    return answer


def _other_scope(upper: Target, lower: _ByIndicator, indicator: Indicator) -> int | None:
    """A lower target on the indicator and year whose scope is unrelated to the upper one's.

    Such a plan is not silent on the indicator, so ``missing`` would mislead; but without a
    scope inclusion in the catalogue the two cannot be ranked either.
    """
    year, group = upper.year, lower.on(upper.indicator)
    if len(group) <= _SCAN:
        return next((i for i, t in group if t.year is None or year is None or t.year == year), None)
    key = ("other scope", upper.indicator, year)
    if key not in lower.memo:
        lower.memo[key] = min((indexes[0] for y, by_scope in lower.years(upper.indicator).items()
                               if y is None or year is None or y == year for indexes in by_scope.values()),
                              default=None)
    return lower.memo[key]


def _met_early(upper: Target, lower: _ByIndicator, indicator: Indicator,
               terms: Terms) -> tuple[int, Outcome] | None:
    """A lower target for an earlier year that is already at least as strict as the upper target.

    A county that reaches the province's 2030 level by 2025 has not left 2030 open;
    ``missing`` would tell the drafter to add what the plan already promises.

    The earlier targets are tried in the order of preference. In a large group, that order
    lists them in runs of the same scope relation, number or none, and commitment, each run
    strictest first. A run without a number, with a narrower scope or a weaker commitment holds
    nothing stricter or equal, and once a target is weaker in number than the tolerance allows,
    so is the rest of its run: such runs are passed over, not compared target by target with
    every upper target.
    """
    if upper.year is None or indicator.binding != "per_jurisdiction":
        return None
    group = lower.on(upper.indicator)
    if len(group) <= _SCAN:
        earlier = [i for i, t in group if t.year is not None and t.year < upper.year
                   and scope_relation(t.scope, upper.scope, indicator) != "unrelated"]  # t: the view
        for i in sorted(earlier, key=lambda i: _preference(upper, lower.view(upper.indicator, i), indicator,
                                                           lower.targets[i]), reverse=True):
            outcome = compare_targets(lower.view(upper.indicator, i), upper, indicator, terms)
            if outcome.verdict in (Verdict.STRICTER, Verdict.EQUAL):
                return i, outcome
        return None
    if upper.deferred or catalog_value(upper, indicator) is None:
        return None  # compare_targets finds no lower target stricter than or equal to it
    runs = _earlier(upper, lower, indicator)
    upper_key = strictness_key(upper, indicator)[0]
    upper_rank = COMMITMENT_RANK[upper.commitment]
    at = 0
    while at < len(runs):
        i, run_end, key, rank, narrower = runs[at]
        if key is None or narrower or rank < upper_rank or upper_key - key > indicator.tolerance + EPSILON:
            at = run_end
            continue
        outcome = compare_targets(lower.view(upper.indicator, i), upper, indicator, terms)
        if outcome.verdict in (Verdict.STRICTER, Verdict.EQUAL):
            return i, outcome
        at += 1
    return None


def _earlier(upper: Target, lower: _ByIndicator, indicator: Indicator) -> list[tuple]:
    """The lower targets of years before the upper one's, in the order of preference, each as
    (index, end of its run, strictness in number or None, commitment rank, whether narrower)."""
    year = upper.year
    assert year is not None
    key = ("earlier", upper.indicator, year, lower.related(upper, indicator)[0])
    if key in lower.memo:
        return lower.memo[key]
    earlier = lower.pairable(upper, indicator, lambda y: y is not None and y < year)
    earlier.sort(key=lambda i: _preference(upper, lower.view(upper.indicator, i), indicator, lower.targets[i]),
                 reverse=True)
    runs: list[tuple] = []
    end, kind = len(earlier), None
    for at in range(len(earlier) - 1, -1, -1):
        t = lower.view(upper.indicator, earlier[at])
        relation, rank = scope_relation(t.scope, upper.scope, indicator), COMMITMENT_RANK[t.commitment]
        if (relation, t.value is not None, rank) != kind:
            end, kind = at + 1, (relation, t.value is not None, rank)
        runs.append((earlier[at], end, strictness_key(t, indicator)[0] if t.value is not None else None, rank,
                     relation == "narrower"))
    runs.reverse()
    lower.memo[key] = runs
    return runs


def _also_stated(best: Target, others: list[Target], terms: Terms) -> Reason:
    """The other statements of the same target, each once, unless it reads as the chosen one."""
    shown = {wording.statement(best, terms)}
    extra: list[Reason] = []
    more = 0
    for other in others:
        text = wording.statement(other, terms)
        if text in shown:
            continue
        shown.add(text)
        if len(extra) < ALSO_STATED_MAX:
            extra.append(text)
        else:
            more += 1
    if more:
        extra.append(Reason(f"and {more} more", f"另有{more}项"))
    return wording.also_stated(extra)


def _missing_reason(upper: Target, lower: _ByIndicator, indicator: Indicator, terms: Terms) -> Reason:
    """Say what the lower plan does say nearby: other years of the indicator, related indicators.

    It depends on the indicator alone, so it is worded once for all its upper targets."""
    key = ("missing", upper.indicator)
    if key not in lower.memo:
        lower.memo[key] = _missing_words(upper, lower, indicator, terms)
    return lower.memo[key]


def _missing_words(upper: Target, lower: _ByIndicator, indicator: Indicator, terms: Terms) -> Reason:
    same = [lower.targets[i] for i, _ in lower.on(upper.indicator)]
    if same:
        return wording.missing_other_years(same, terms)
    related = [lower.targets[i] for i, _ in sorted(x for other in indicator.related for x in lower.on(other))]
    if related:
        return wording.missing_related(related, terms)
    return wording.NOT_ADDRESSED


def _preference(upper: Target, lower: Target, indicator: Indicator, original: Target | None = None) -> tuple:
    """Which of several lower targets answers the upper one: a target on the indicator itself before
    one that states it in other words (``original``: the target before the ``stated_as`` reading), then
    the same scope and year, then the firmest."""
    relation = scope_relation(lower.scope, upper.scope, indicator)
    has_value = lower.value is not None
    return (
        original is None or original.indicator == upper.indicator,
        {"same": 3, "wider": 2, "unstated": 1, "narrower": 0}[relation],
        lower.year == upper.year,
        has_value,
        COMMITMENT_RANK[lower.commitment],
        strictness_key(lower, indicator) if has_value else (float("-inf"), 0),
    )


def compare_plans(lower: Plan, upper: Plan, catalog: Catalog) -> list[Row]:
    """One row per distinct upper requirement, in a stable order (indicator, year, scope)."""
    horizon_end = max((d.horizon.end for d in lower.documents if d.horizon is not None), default=None)
    facts = {f.name: f.value for f in lower.jurisdiction.facts}
    terms = catalog.terms
    grouped = _ByIndicator(lower.targets, catalog)
    dated = dated_years(upper)
    rows: list[Row] = []
    for ui, upper_others in requirements(upper):
        up = upper.targets[ui]
        indicator = catalog.get(up.indicator)
        if indicator is None:
            continue
        row = _row(up, ui, lower, grouped, indicator, horizon_end, facts, terms,
                   dated.get((up.indicator, up.scope), []) if up.year is None else [])
        if upper_others:
            row.upper_others = upper_others
            row.reason = row.reason + wording.upper_also_states(
                1 + len(upper_others), places(upper, sorted((ui, *upper_others))))
        rows.append(row)
    rows.sort(key=lambda r: (r.indicator, r.year is None, r.year or 0, r.scope or "", r.upper_index))
    return rows


def _row(up: Target, ui: int, lower: Plan, grouped: _ByIndicator, indicator: Indicator, horizon_end: int | None,
         facts: dict[str, object], terms: Terms, dated_elsewhere: list[int]) -> Row:
    """What the lower plan does about one upper requirement (the order of docs/comparison.md, section 1).

    ``dated_elsewhere``: for an undated upper statement, the years the upper plan gives the same
    indicator and scope elsewhere. 确保如期实现碳中和 has no year of its own, but when the plan dates
    neutrality only 2060, a plan that ends in 2030 has not left it out: it is beyond its horizon."""
    best, others, also_stated = _candidates(up, grouped, indicator, terms)
    if best is not None:
        chosen = grouped.view(up.indicator, best)
        outcome = compare_targets(chosen, up, indicator, terms)
        reason = outcome.reason
        if chosen is not lower.targets[best]:
            reason += wording.stated_as(lower.targets[best], terms)
        return Row(up.indicator, up.year, up.scope, outcome.verdict, reason + also_stated, ui, best,
                   outcome.gap, outcome.approximate, others)
    early = _met_early(up, grouped, indicator, terms)
    if early is not None:
        index, outcome = early
        year = lower.targets[index].year
        assert year is not None and up.year is not None
        return Row(up.indicator, up.year, up.scope, Verdict.STRICTER, wording.reached_earlier(year, up.year, outcome.reason),
                   ui, index, outcome.gap, outcome.approximate)
    elsewhere = _other_scope(up, grouped, indicator)
    if elsewhere is not None:
        reason = wording.only_other_scope(lower.targets[elsewhere], up, terms)
        return Row(up.indicator, up.year, up.scope, Verdict.NOT_COMPARABLE, reason, ui, elsewhere)
    if up.year is not None and horizon_end is not None and up.year > horizon_end:
        return Row(up.indicator, up.year, up.scope, Verdict.OUT_OF_HORIZON,
                   wording.beyond_horizon(up.year, horizon_end), ui, None)
    if dated_elsewhere and horizon_end is not None and min(dated_elsewhere) > horizon_end:
        return Row(up.indicator, up.year, up.scope, Verdict.OUT_OF_HORIZON,
                   wording.undated_beyond_horizon(dated_elsewhere, horizon_end), ui, None)
    condition = (condition_verdict(up.condition, lower.jurisdiction.level, facts, terms)
                 or condition_verdict(indicator.applies_when, lower.jurisdiction.level, facts, terms))
    if condition is not None:
        return Row(up.indicator, up.year, up.scope, condition[0], condition[1], ui, None)
    if indicator.binding != "per_jurisdiction":
        return Row(up.indicator, up.year, up.scope, Verdict.NOT_COMPARABLE,
                   wording.need_not_restate(indicator.binding), ui, None)
    if up.deferred:
        return Row(up.indicator, up.year, up.scope, Verdict.NOT_COMPARABLE, wording.UPPER_TARGET_DEFERS, ui, None)
    return Row(up.indicator, up.year, up.scope, Verdict.MISSING, _missing_reason(up, grouped, indicator, terms), ui, None)
