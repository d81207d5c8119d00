"""Pure comparison of one lower-level target with the upper-level target it must match.

Every reading here follows docs/design.md ("What a plan means"). The functions take models and the
catalogue and return a verdict with its reason; they never print, read files or
look at positions, so the same logic serves ``compare``, ``check`` and the tests.

Strictness of a quantified target is an ordered key: its bound read in the
indicator's direction (a floor for "higher is stricter", a cap for "lower"), with
strict comparators (超过, 低于) a hair stricter than inclusive ones (以上, 不高于).
Commitment (力争 < 原则上 < firm) and scope (narrower < same < wider) are separate
axes: a lower target is stricter or equal only if it is no weaker on any axis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from plancheck.catalog import Catalog, Indicator
from plancheck.findings import Row, Verdict
from plancheck.models import Condition, Plan, Target
from plancheck.reason import BINDING_ZH, COMMITMENT_ZH, EMPTY, LEVEL_ZH, Reason, join
from plancheck.units import conversion_factor

COMMITMENT_RANK = {"aspirational": 0, "in_principle": 1, "firm": 2, "binding": 2}
"""确保/必须 (binding) restates a firm target; it is not stricter than a plain statement."""

_EPS = 1e-9


@dataclass(slots=True)
class Outcome:
    verdict: Verdict
    reason: Reason
    gap: float | None = None
    approximate: bool = False


def catalog_value(target: Target, indicator: Indicator) -> float | None:
    """The target's number in the catalogue's unit (8.45亿立方米 → 84500 万立方米); None if it has none
    or its unit does not convert (a load error, PC017, for plans that went through ``validate``)."""
    factor = conversion_factor(target.unit, indicator.unit)
    if target.value is None or factor is None:
        return None
    return target.value * factor


def strictness_key(target: Target, indicator: Indicator) -> tuple[float, int]:
    """Bigger is stricter. Only meaningful for a target with a value in a convertible unit."""
    value = catalog_value(target, indicator)
    assert value is not None
    sign = 1.0 if indicator.direction == "higher" else -1.0
    exclusive = 1 if target.comparator in ("above", "below") else 0
    return (sign * value, exclusive)


def within_tolerance(a: Target, b: Target, indicator: Indicator) -> bool:
    """An approximate (左右) value on either side and the numbers no further apart than the tolerance."""
    va, vb = catalog_value(a, indicator), catalog_value(b, indicator)
    return (a.approximate or b.approximate) and va is not None and vb is not None \
        and abs(va - vb) <= indicator.tolerance + _EPS


def scope_relation(lower: str | None, upper: str | None, indicator: Indicator) -> str:
    """How much the lower target covers: 'same', 'wider', 'narrower', 'unrelated', or
    'unstated' when only the lower plan words a scope and the catalogue does not say
    whether it is narrower (often it restates the indicator's own domain, e.g. 城市生活垃圾)."""
    if (lower or None) == (upper or None):
        return "same"
    if lower is None:
        return "wider"
    if upper is None:
        return "narrower" if lower in indicator.scopes else "unstated"
    lower_within_upper = upper in indicator.scopes.get(lower, ())
    upper_within_lower = lower in indicator.scopes.get(upper, ())
    if lower_within_upper and upper_within_lower:
        return "same"  # each contains the other: two wordings of one scope (新增 / 新建)
    if lower_within_upper:
        return "narrower"
    if upper_within_lower:
        return "wider"
    return "unrelated"


def _sign(x: float) -> int:
    return 0 if abs(x) < _EPS else (1 if x > 0 else -1)


# Reasons that do not depend on the targets are built once and shared by every row.
LOWER_DEFERS = Reason("the lower plan defers to the target allocated from above",
                      "下级承接上级下达的目标，未提出自己的数值")
LOWER_UNQUANTIFIED = Reason("the lower plan names the indicator without a number", "下级提到该指标，但没有给出数值")
SAME_APPROXIMATELY = Reason("the same number, stated approximately (左右) on at least one side",
                            "数值相同，至少一方表述为“左右”")
SAME_TARGET = Reason("the same target", "目标相同")
NOT_ADDRESSED = Reason("the lower plan does not address this target", "下级未涉及该目标")
AGGREGATE_REASON = Reason("aggregate indicator: the upper figure is an average over very different parts "
                          "(land, industries), so the lower plan is not held to it one to one",
                          "总体平均指标：上级数值是对差异很大的各地（土地、产业）的平均，不逐一约束下级")
EXTENSIVE_REASON = Reason("extensive total: a part of the upper total is not comparable one to one",
                          "总量指标：下级只是上级总量的一部分，不能逐一比较")


def compare_targets(lower: Target, upper: Target, indicator: Indicator) -> Outcome:
    """Verdict for two targets on the same indicator and year whose scopes are related."""
    if indicator.binding == "aggregate":
        return Outcome(Verdict.NOT_COMPARABLE, AGGREGATE_REASON)
    if indicator.binding == "extensive":
        return Outcome(Verdict.NOT_COMPARABLE, EXTENSIVE_REASON)
    if lower.deferred:
        return Outcome(Verdict.DEFERRED, LOWER_DEFERS)
    if upper.deferred:
        return Outcome(Verdict.NOT_COMPARABLE, Reason(
            "the upper plan itself defers to the target allocated from above, "
            "so it states no number to measure the lower target against",
            "上级本身承接更上级下达的目标，没有可供比较的数值"))
    if upper.value is None:
        return Outcome(Verdict.NOT_COMPARABLE, Reason(
            "the upper plan names this target without a number, so there is nothing to measure the lower target against",
            "上级未给出数值，无从比较"))
    if lower.value is None:
        return Outcome(Verdict.UNQUANTIFIED, LOWER_UNQUANTIFIED)
    if lower.base_year != upper.base_year:
        return Outcome(Verdict.NOT_COMPARABLE, Reason(
            f"base years differ ({_year(lower.base_year)} vs {_year(upper.base_year)}): "
            "reductions are comparable only against the same base",
            f"基准年不同（下级 {_year(lower.base_year, 'zh')}，上级 {_year(upper.base_year, 'zh')}）：降幅只能在同一基准年下比较"))
    lower_value, upper_value = catalog_value(lower, indicator), catalog_value(upper, indicator)
    if lower_value is None or upper_value is None:
        units = f"{lower.unit or '-'} vs {upper.unit or '-'}, catalogue: {indicator.unit or '-'}"
        return Outcome(Verdict.NOT_COMPARABLE, Reason(f"units do not convert ({units})", f"单位无法换算（{units}）"))

    gap = lower_value - upper_value
    low_key, up_key = strictness_key(lower, indicator), strictness_key(upper, indicator)
    approximate = within_tolerance(lower, upper, indicator)
    if approximate:
        value_axis = 0
    else:
        value_axis = _sign(low_key[0] - up_key[0]) or (low_key[1] - up_key[1])
    commitment_axis = COMMITMENT_RANK[lower.commitment] - COMMITMENT_RANK[upper.commitment]
    scope = scope_relation(lower.scope, upper.scope, indicator)
    scope_axis = {"wider": 1, "same": 0, "narrower": -1}.get(scope, 0)
    caveat = Reason(f"; only the lower plan states a scope ({lower.scope}): check that it covers the upper target's",
                    f"；仅下级写明范围（{lower.scope}），请核对是否覆盖上级目标的范围") if scope == "unstated" else EMPTY
    lower_scope, upper_scope = lower.scope or "all", upper.scope or "all"
    lower_scope_zh, upper_scope_zh = lower.scope or "全部", upper.scope or "全部"
    numbers = f"{value_text(lower)} vs {value_text(upper)}"
    numbers_zh = f"下级 {value_text(lower)}，上级 {value_text(upper)}"
    commitments = f"{lower.commitment} vs {upper.commitment}"
    commitments_zh = f"下级{COMMITMENT_ZH[lower.commitment]}，上级{COMMITMENT_ZH[upper.commitment]}"
    scopes = f"{lower_scope} vs {upper_scope}"
    scopes_zh = f"下级 {lower_scope_zh}，上级 {upper_scope_zh}"

    reasons = []
    if value_axis < 0:
        reasons.append(Reason(f"the number is less strict ({numbers})", f"数值较宽松（{numbers_zh}）"))
    if commitment_axis < 0:
        reasons.append(Reason(f"the commitment is weaker ({commitments})", f"约束力度较弱（{commitments_zh}）"))
    if scope_axis < 0:
        reasons.append(Reason(f"the scope is narrower ({scopes})", f"范围较窄（{scopes_zh}）"))
    if reasons:
        return Outcome(Verdict.WEAKER, join(reasons) + caveat, gap, approximate)
    better = []
    if value_axis > 0:
        better.append(Reason(f"the number is stricter ({numbers})", f"数值更严（{numbers_zh}）"))
    if commitment_axis > 0:
        better.append(Reason(f"the commitment is firmer ({commitments})", f"约束力度更强（{commitments_zh}）"))
    if scope_axis > 0:
        better.append(Reason(f"the scope is wider ({scopes})", f"范围更广（{scopes_zh}）"))
    if better:
        return Outcome(Verdict.STRICTER, join(better) + caveat, gap, approximate)
    if approximate and abs(gap) > _EPS:
        tolerance = format_number(indicator.tolerance)
        return Outcome(Verdict.EQUAL, Reason(
            f"equal within the tolerance of an approximate (左右) value (±{tolerance}): {numbers}",
            f"“左右”在容差（±{tolerance}）之内视为持平：{numbers_zh}") + caveat, gap, True)
    if approximate:
        return Outcome(Verdict.EQUAL, SAME_APPROXIMATELY + caveat, gap, True)
    return Outcome(Verdict.EQUAL, SAME_TARGET + caveat, gap)


COMPARATOR_SYMBOLS = {"at_least": "≥", "above": ">", "at_most": "≤", "below": "<", "reach": ""}


def bound_text(target: Target) -> str:
    """``≥22%``, ``>30万千瓦``, ``20%左右``: the number as a reader states it."""
    if target.value is None:
        return "—"
    text = f"{COMPARATOR_SYMBOLS[target.comparator]}{format_number(target.value)}{target.unit or ''}"
    return text + "左右" if target.approximate else text


def value_text(target: Target) -> str:
    """20, 8.45亿立方米: the number with its unit when the unit is not a percentage."""
    assert target.value is not None
    unit = target.unit if target.unit and target.unit != "%" else ""
    return format_number(target.value) + unit


def format_number(value: float) -> str:
    """20, 62.92, 1.3: a number as the documents write it (no trailing .0)."""
    return f"{value:g}"


def _year(year: int | None, lang: str = "en") -> str:
    if year is None:
        return "未写明" if lang == "zh" else "none stated"
    return str(year)


# ---------------------------------------------------------------- plan against plan

_SCAN = 24
"""A lower plan's targets on one indicator, up to this many, are scanned whole for each upper
target on it. More are indexed by year and scope, and what pairing finds among them is kept
for all the upper targets that share it: pairing 2,000 upper targets without a year with 2,000
lower ones, each sorting all of them, took over 10 s. Indexing the few targets a real plan
has on an indicator would cost more than it saves."""


class _ByIndicator:
    """The lower plan's targets grouped by indicator (a large group also by year and scope), so
    pairing is not quadratic in targets."""

    def __init__(self, targets: list[Target]) -> None:
        self.targets = targets
        self.groups: dict[str, list[tuple[int, Target]]] = {}
        for i, t in enumerate(targets):
            self.groups.setdefault(t.indicator, []).append((i, t))
        self.memo: dict[tuple, Any] = {}
        """What pairing found, by all that it depends on: in a large group, the candidates and
        the earlier targets of an upper target; for any indicator, what a missing row says."""
        self._years: dict[str, dict[int | None, dict[str | None, list[int]]]] = {}
        self._present: dict[str, set[str | None]] = {}
        self._within: dict[str, dict[str, set[str]]] = {}

    def on(self, indicator: str) -> list[tuple[int, Target]]:
        """The lower targets on ``indicator`` (and only on it), with their indexes."""
        return self.groups.get(indicator, [])

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
        return [i for i in found if scope_relation(self.targets[i].scope, upper.scope, indicator) != "unrelated"]


_NOTHING: tuple[None, tuple[int, ...], Reason] = (None, (), EMPTY)


def _candidates(upper: Target, lower: _ByIndicator, indicator: Indicator) -> tuple[int | None, tuple[int, ...], Reason]:
    """The lower target that answers ``upper`` (None if none does), the others on its indicator
    and year that could have, and what those others state (for the reason)."""
    group = lower.groups.get(upper.indicator)
    if group is None:
        return _NOTHING
    year, key = upper.year, None
    if len(group) <= _SCAN:
        found = [i for i, t in group if (t.year is None or year is None or t.year == year)
                 and scope_relation(t.scope, upper.scope, indicator) != "unrelated"]
    else:  # the same for every upper target of this indicator, year and relations
        key = ("candidates", upper.indicator, year, lower.related(upper, indicator)[0])
        if key in lower.memo:
            return lower.memo[key]
        found = lower.pairable(upper, indicator, lambda y: y is None or year is None or y == year)
    answer = _NOTHING
    if found:
        found.sort(key=lambda i: _preference(upper, lower.targets[i], indicator), reverse=True)
        answer = (found[0], tuple(found[1:]), _also_stated(lower.targets[found[0]], [lower.targets[i] for i in found[1:]]))
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


def _met_early(upper: Target, lower: _ByIndicator, indicator: Indicator) -> tuple[int, Outcome] | None:
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
                   and scope_relation(t.scope, upper.scope, indicator) != "unrelated"]
        for i in sorted(earlier, key=lambda i: _preference(upper, lower.targets[i], indicator), reverse=True):
            outcome = compare_targets(lower.targets[i], upper, indicator)
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
        if key is None or narrower or rank < upper_rank or upper_key - key > indicator.tolerance + _EPS:
            at = run_end
            continue
        outcome = compare_targets(lower.targets[i], upper, indicator)
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
    earlier.sort(key=lambda i: _preference(upper, lower.targets[i], indicator), reverse=True)
    runs: list[tuple] = []
    end, kind = len(earlier), None
    for at in range(len(earlier) - 1, -1, -1):
        t = lower.targets[earlier[at]]
        relation, rank = scope_relation(t.scope, upper.scope, indicator), COMMITMENT_RANK[t.commitment]
        if (relation, t.value is not None, rank) != kind:
            end, kind = at + 1, (relation, t.value is not None, rank)
        runs.append((earlier[at], end, strictness_key(t, indicator)[0] if t.value is not None else None, rank,
                     relation == "narrower"))
    runs.reverse()
    lower.memo[key] = runs
    return runs


def _also_stated(best: Target, others: list[Target]) -> Reason:
    """Other statements of the same target, so a reader sees a conflict the choice of one hides."""
    shown = {_statement(best)}
    extra = []
    for other in others:
        text = _statement(other)
        if text not in shown:
            shown.add(text)
            extra.append(text)
    if not extra:
        return EMPTY
    return Reason("; the lower plan also states ", "；下级另有表述：") + join(extra, ", ", "，")


def _statement(target: Target) -> Reason:
    if target.value is not None:
        text = Reason(bound_text(target), bound_text(target))
    elif target.deferred:
        text = Reason("deferred", "承接上级")
    else:
        text = Reason("no number", "未量化")
    if target.year is not None:
        text = Reason(f"{target.year}: ", f"{target.year}年：") + text
    return text + (f" ({target.scope})" if target.scope else "")


def _missing_reason(upper: Target, lower: _ByIndicator, indicator: Indicator) -> Reason:
    """Say what the lower plan does say nearby: other years of the indicator, related indicators.

    It depends on the indicator alone, so it is worded once for all its upper targets."""
    key = ("missing", upper.indicator)
    if key not in lower.memo:
        lower.memo[key] = _missing_words(upper, lower, indicator)
    return lower.memo[key]


def _missing_words(upper: Target, lower: _ByIndicator, indicator: Indicator) -> Reason:
    reason = NOT_ADDRESSED
    same = [t for _, t in lower.on(upper.indicator)]
    if same:
        return (reason + Reason(" for this year; it states ", "（该年份）；下级写的是：")
                + join([_statement(t) for t in same], ", ", "，"))
    related = [t for i, t in sorted(x for other in indicator.related for x in lower.on(other))]
    if related:
        return (reason + Reason("; it sets the related ", "；下级设有相关指标 ")
                + join([Reason(f"{t.indicator} ", f"{t.indicator} ") + _statement(t) for t in related], ", ", "，")
                + Reason(", which the comparison does not equate with this indicator", "，但不与本指标等同比较"))
    return reason


def _preference(upper: Target, lower: Target, indicator: Indicator) -> tuple:
    """Which of several lower targets answers the upper one: same scope and year first, then the firmest."""
    relation = scope_relation(lower.scope, upper.scope, indicator)
    has_value = lower.value is not None
    return (
        {"same": 3, "wider": 2, "unstated": 1, "narrower": 0}[relation],
        lower.year == upper.year,
        has_value,
        COMMITMENT_RANK[lower.commitment],
        strictness_key(lower, indicator) if has_value else (float("-inf"), 0),
    )


def condition_verdict(condition: Condition | None, level: str,
                      facts: dict[str, object]) -> tuple[Verdict, Reason] | None:
    """None when the condition (if any) binds the lower jurisdiction; else why it does not or may not.

    A numeric fact is tested with the condition's comparator and value; a yes/no fact
    (``civil_transport_airport: true``) binds when true. A fact the plan does not record
    gives ``condition_unknown``: not knowing is not a gap.
    """
    if condition is None:
        return None
    if condition.levels is not None and level not in condition.levels:
        levels = ', '.join(condition.levels)
        levels_zh = '、'.join(LEVEL_ZH.get(x, x) for x in condition.levels)
        return Verdict.NOT_APPLICABLE, Reason(
            f"binds only {levels} level ({condition.text}); the lower plan is a {level}",
            f"只约束{levels_zh}级（{condition.text}）；下级是{LEVEL_ZH.get(level, level)}级")
    if condition.fact is None:
        if condition.levels is not None:
            return None
        return Verdict.CONDITION_UNKNOWN, Reason(f"condition {condition.text!r} cannot be evaluated mechanically",
                                                 f"适用条件“{condition.text}”无法自动判断")
    if condition.fact not in facts:
        return Verdict.CONDITION_UNKNOWN, Reason(
            f"binds only where {condition.text}; the lower plan records no fact {condition.fact} to decide it",
            f"仅在“{condition.text}”时约束；下级未记录事实 {condition.fact}，无法判断")
    value = facts[condition.fact]
    if isinstance(value, bool) and condition.comparator is None:
        holds = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) \
            and condition.value is not None and condition.comparator is not None:
        holds = {
            "at_least": value >= condition.value, "above": value > condition.value,
            "at_most": value <= condition.value, "below": value < condition.value,
            "reach": abs(value - condition.value) < _EPS,
        }[condition.comparator]
    else:
        return Verdict.CONDITION_UNKNOWN, Reason(f"condition {condition.text!r} cannot be evaluated on {value!r}",
                                                 f"适用条件“{condition.text}”无法按 {value!r} 判断")
    if holds:
        return None
    shown = "no" if value is False else format_number(value)
    shown_zh = "否" if value is False else format_number(value)
    return Verdict.NOT_APPLICABLE, Reason(
        f"binds only where {condition.text}, which does not hold ({condition.fact} = {shown})",
        f"仅在“{condition.text}”时约束，下级不满足（{condition.fact} = {shown_zh}）")


def compare_plans(lower: Plan, upper: Plan, catalog: Catalog) -> list[Row]:
    """One row per upper target, in a stable order (indicator, year, scope)."""
    horizon_end = max((d.horizon.end for d in lower.documents if d.horizon is not None), default=None)
    facts = {f.name: f.value for f in lower.jurisdiction.facts}
    grouped = _ByIndicator(lower.targets)
    rows: list[Row] = []
    for ui, up in enumerate(upper.targets):
        indicator = catalog.get(up.indicator)
        if indicator is None:
            continue
        best, others, also_stated = _candidates(up, grouped, indicator)
        if best is not None:
            outcome = compare_targets(lower.targets[best], up, indicator)
            rows.append(Row(up.indicator, up.year, up.scope, outcome.verdict, outcome.reason + also_stated, ui, best,
                            outcome.gap, outcome.approximate, others))
            continue
        early = _met_early(up, grouped, indicator)
        if early is not None:
            index, outcome = early
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.STRICTER,
                            Reason(f"reached earlier: the lower plan's {lower.targets[index].year} target already "
                                   f"meets the upper {up.year} one (", f"提前达到：下级{lower.targets[index].year}年的目标"
                                   f"已达到上级{up.year}年的要求（") + outcome.reason + Reason(")", "）"),
                            ui, index, outcome.gap, outcome.approximate))
            continue
        elsewhere = _other_scope(up, grouped, indicator)
        if elsewhere is not None:
            other = lower.targets[elsewhere]
            how = "names" if other.value is None else "sets"
            reason = Reason(f"the lower plan {how} this indicator only for another scope ({other.scope or 'all'} vs "
                            f"{up.scope or 'all'}), which the catalogue does not relate to the upper one",
                            f"下级只对另一范围提出该指标（下级 {other.scope or '全部'}，上级 {up.scope or '全部'}），"
                            "指标目录未说明两者的包含关系")
            if other.value is None:
                reason += Reason("; it states no number either", "；且未给出数值")
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.NOT_COMPARABLE, reason, ui, elsewhere))
            continue
        if up.year is not None and horizon_end is not None and up.year > horizon_end:
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.OUT_OF_HORIZON,
                            Reason(f"{up.year} lies beyond the lower plan's horizon (ends {horizon_end})",
                                   f"{up.year}年超出下级规划期限（至{horizon_end}年）"), ui, None))
            continue
        condition = (condition_verdict(up.condition, lower.jurisdiction.level, facts)
                     or condition_verdict(indicator.applies_when, lower.jurisdiction.level, facts))
        if condition is not None:
            rows.append(Row(up.indicator, up.year, up.scope, condition[0], condition[1], ui, None))
            continue
        if indicator.binding != "per_jurisdiction":
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.NOT_COMPARABLE,
                            Reason(f"{indicator.binding} indicator: the lower plan need not restate it",
                                   f"{BINDING_ZH[indicator.binding]}：下级不必重申"), ui, None))
            continue
        if up.deferred:
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.NOT_COMPARABLE,
                            Reason("the upper target itself defers to a requirement from above, so there is no "
                                   "own target for the lower plan to restate",
                                   "上级目标本身承接更上级的要求，没有需要下级重申的自有目标"), ui, None))
            continue
        rows.append(Row(up.indicator, up.year, up.scope, Verdict.MISSING,
                        _missing_reason(up, grouped, indicator), ui, None))
    rows.sort(key=lambda r: (r.indicator, r.year is None, r.year or 0, r.scope or "", r.upper_index))
    return rows
