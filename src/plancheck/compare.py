"""Pure comparison of one lower-level target with the upper-level target it must match.

Every reading here follows DESIGN.md section 3. The functions take models and the
catalogue and return a verdict with its reason; they never print, read files or
look at positions, so the same logic serves ``compare``, ``check`` and the tests.

Strictness of a quantified target is an ordered key: its bound read in the
indicator's direction (a floor for "higher is stricter", a cap for "lower"), with
strict comparators (超过, 低于) a hair stricter than inclusive ones (以上, 不高于).
Commitment (力争 < 原则上 < firm) and scope (narrower < same < wider) are separate
axes: a lower target is stricter or equal only if it is no weaker on any axis.
"""

from __future__ import annotations

from dataclasses import dataclass

from plancheck.catalog import Catalog, Indicator
from plancheck.findings import Verdict
from plancheck.models import Condition, Plan, Target
from plancheck.units import conversion_factor

COMMITMENT_RANK = {"aspirational": 0, "in_principle": 1, "firm": 2, "binding": 2}
"""确保/必须 (binding) restates a firm target; it is not stricter than a plain statement."""

_EPS = 1e-9


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reason: str
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


AGGREGATE_REASON = ("aggregate indicator: the upper figure is an average over very different parts "
                    "(land, industries), so the lower plan is not held to it one to one")
EXTENSIVE_REASON = "extensive total: a part of the upper total is not comparable one to one"


def compare_targets(lower: Target, upper: Target, indicator: Indicator) -> Outcome:
    """Verdict for two targets on the same indicator and year whose scopes are related."""
    if indicator.binding == "aggregate":
        return Outcome(Verdict.NOT_COMPARABLE, AGGREGATE_REASON)
    if indicator.binding == "extensive":
        return Outcome(Verdict.NOT_COMPARABLE, EXTENSIVE_REASON)
    if lower.deferred:
        return Outcome(Verdict.DEFERRED, "the lower plan defers to the target allocated from above")
    if upper.deferred:
        return Outcome(Verdict.NOT_COMPARABLE, "the upper plan itself defers to the target allocated from above, "
                                               "so it states no number to measure the lower target against")
    if upper.value is None:
        return Outcome(Verdict.NOT_COMPARABLE, "the upper plan names this target without a number, "
                                               "so there is nothing to measure the lower target against")
    if lower.value is None:
        return Outcome(Verdict.UNQUANTIFIED, "the lower plan names the indicator without a number")
    if lower.base_year != upper.base_year:
        return Outcome(Verdict.NOT_COMPARABLE,
                       f"base years differ ({_year(lower.base_year)} vs {_year(upper.base_year)}): "
                       "reductions are comparable only against the same base")
    lower_value, upper_value = catalog_value(lower, indicator), catalog_value(upper, indicator)
    if lower_value is None or upper_value is None:
        return Outcome(Verdict.NOT_COMPARABLE, f"units do not convert ({lower.unit or '-'} vs {upper.unit or '-'}, "
                                               f"catalogue: {indicator.unit or '-'})")

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
    caveat = f"; only the lower plan states a scope ({lower.scope}): check that it covers the upper target's" \
        if scope == "unstated" else ""

    reasons = []
    if value_axis < 0:
        reasons.append(f"the number is less strict ({value_text(lower)} vs {value_text(upper)})")
    if commitment_axis < 0:
        reasons.append(f"the commitment is weaker ({lower.commitment} vs {upper.commitment})")
    if scope_axis < 0:
        reasons.append(f"the scope is narrower ({lower.scope or 'all'} vs {upper.scope or 'all'})")
    if reasons:
        return Outcome(Verdict.WEAKER, "; ".join(reasons) + caveat, gap, approximate)
    better = []
    if value_axis > 0:
        better.append(f"the number is stricter ({value_text(lower)} vs {value_text(upper)})")
    if commitment_axis > 0:
        better.append(f"the commitment is firmer ({lower.commitment} vs {upper.commitment})")
    if scope_axis > 0:
        better.append(f"the scope is wider ({lower.scope or 'all'} vs {upper.scope or 'all'})")
    if better:
        return Outcome(Verdict.STRICTER, "; ".join(better) + caveat, gap, approximate)
    if approximate and abs(gap) > _EPS:
        return Outcome(Verdict.EQUAL, f"equal within the tolerance of an approximate (左右) value "
                                      f"(±{format_number(indicator.tolerance)}): {value_text(lower)} vs {value_text(upper)}"
                       + caveat, gap, True)
    if approximate:
        return Outcome(Verdict.EQUAL, "the same number, stated approximately (左右) on at least one side" + caveat,
                       gap, True)
    return Outcome(Verdict.EQUAL, "the same target" + caveat, gap)


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


def _year(year: int | None) -> str:
    return "none stated" if year is None else str(year)


# ---------------------------------------------------------------- plan against plan

@dataclass(frozen=True)
class Row:
    """One upper-level target (indicator, year, scope) and what the lower plan does about it."""

    indicator: str
    year: int | None
    scope: str | None
    verdict: Verdict
    reason: str
    upper_index: int
    lower_index: int | None
    gap: float | None = None
    approximate: bool = False
    others: tuple[int, ...] = ()


def _years_match(lower: Target, upper: Target) -> bool:
    return lower.year is None or upper.year is None or lower.year == upper.year


def _candidates(upper: Target, lower_targets: list[Target], indicator: Indicator) -> list[int]:
    return [i for i, t in enumerate(lower_targets)
            if t.indicator == upper.indicator and _years_match(t, upper)
            and scope_relation(t.scope, upper.scope, indicator) != "unrelated"]


def _other_scope(upper: Target, lower_targets: list[Target], indicator: Indicator) -> int | None:
    """A lower target on the indicator and year whose scope is unrelated to the upper one's.

    Such a plan is not silent on the indicator, so ``missing`` would mislead; but without a
    scope inclusion in the catalogue the two cannot be ranked either.
    """
    return next((i for i, t in enumerate(lower_targets)
                 if t.indicator == upper.indicator and _years_match(t, upper)), None)


def _met_early(upper: Target, lower_targets: list[Target], indicator: Indicator) -> tuple[int, Outcome] | None:
    """A lower target for an earlier year that is already at least as strict as the upper target.

    A county that reaches the province's 2030 level by 2025 has not left 2030 open;
    ``missing`` would tell the drafter to add what the plan already promises.
    """
    if upper.year is None or indicator.binding != "per_jurisdiction":
        return None
    earlier = [i for i, t in enumerate(lower_targets)
               if t.indicator == upper.indicator and t.year is not None and t.year < upper.year
               and scope_relation(t.scope, upper.scope, indicator) != "unrelated"]
    for i in sorted(earlier, key=lambda i: _preference(upper, lower_targets[i], indicator), reverse=True):
        outcome = compare_targets(lower_targets[i], upper, indicator)
        if outcome.verdict in (Verdict.STRICTER, Verdict.EQUAL):
            return i, outcome
    return None


def _also_stated(best: Target, others: list[Target]) -> str:
    """Other statements of the same target, so a reader sees a conflict the choice of one hides."""
    shown = {_statement(best)}
    extra = []
    for other in others:
        text = _statement(other)
        if text not in shown:
            shown.add(text)
            extra.append(text)
    return f"; the lower plan also states {', '.join(extra)}" if extra else ""


def _statement(target: Target) -> str:
    text = bound_text(target) if target.value is not None else ("deferred" if target.deferred else "no number")
    if target.year is not None:
        text = f"{target.year}: {text}"
    return f"{text} ({target.scope})" if target.scope else text


def _missing_reason(upper: Target, lower_targets: list[Target], indicator: Indicator) -> str:
    """Say what the lower plan does say nearby: other years of the indicator, related indicators."""
    reason = "the lower plan does not address this target"
    same = [t for t in lower_targets if t.indicator == upper.indicator]
    if same:
        return reason + f" for this year; it states {', '.join(_statement(t) for t in same)}"
    related = [t for t in lower_targets if t.indicator in indicator.related]
    if related:
        return (reason + "; it sets the related "
                + ", ".join(f"{t.indicator} {_statement(t)}" for t in related)
                + ", which the comparison does not equate with this indicator")
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
                      facts: dict[str, object]) -> tuple[Verdict, str] | None:
    """None when the condition (if any) binds the lower jurisdiction; else why it does not or may not.

    A numeric fact is tested with the condition's comparator and value; a yes/no fact
    (``civil_transport_airport: true``) binds when true. A fact the plan does not record
    gives ``condition_unknown``: not knowing is not a gap.
    """
    if condition is None:
        return None
    if condition.levels is not None and level not in condition.levels:
        return Verdict.NOT_APPLICABLE, (f"binds only {', '.join(condition.levels)} level "
                                        f"({condition.text}); the lower plan is a {level}")
    if condition.fact is None:
        if condition.levels is not None:
            return None
        return Verdict.CONDITION_UNKNOWN, f"condition {condition.text!r} cannot be evaluated mechanically"
    if condition.fact not in facts:
        return Verdict.CONDITION_UNKNOWN, (f"binds only where {condition.text}; the lower plan records "
                                           f"no fact {condition.fact} to decide it")
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
        return Verdict.CONDITION_UNKNOWN, f"condition {condition.text!r} cannot be evaluated on {value!r}"
    if holds:
        return None
    shown = "no" if value is False else format_number(value)
    return Verdict.NOT_APPLICABLE, f"binds only where {condition.text}, which does not hold ({condition.fact} = {shown})"


def compare_plans(lower: Plan, upper: Plan, catalog: Catalog) -> list[Row]:
    """One row per upper target, in a stable order (indicator, year, scope)."""
    horizon_end = max((d.horizon.end for d in lower.documents if d.horizon is not None), default=None)
    facts = {f.name: f.value for f in lower.jurisdiction.facts}
    rows: list[Row] = []
    for ui, up in enumerate(upper.targets):
        indicator = catalog.get(up.indicator)
        if indicator is None:
            continue
        found = _candidates(up, lower.targets, indicator)
        if found:
            found.sort(key=lambda i: _preference(up, lower.targets[i], indicator), reverse=True)
            best = lower.targets[found[0]]
            outcome = compare_targets(best, up, indicator)
            rows.append(Row(up.indicator, up.year, up.scope, outcome.verdict,
                            outcome.reason + _also_stated(best, [lower.targets[i] for i in found[1:]]), ui, found[0],
                            outcome.gap, outcome.approximate, tuple(found[1:])))
            continue
        early = _met_early(up, lower.targets, indicator)
        if early is not None:
            index, outcome = early
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.STRICTER,
                            f"reached earlier: the lower plan's {lower.targets[index].year} target already meets the "
                            f"upper {up.year} one ({outcome.reason})", ui, index, outcome.gap, outcome.approximate))
            continue
        elsewhere = _other_scope(up, lower.targets, indicator)
        if elsewhere is not None:
            other = lower.targets[elsewhere]
            how = "names" if other.value is None else "sets"
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.NOT_COMPARABLE,
                            f"the lower plan {how} this indicator only for another scope ({other.scope or 'all'} vs "
                            f"{up.scope or 'all'}), which the catalogue does not relate to the upper one"
                            + ("" if other.value is not None else "; it states no number either"),
                            ui, elsewhere))
            continue
        if up.year is not None and horizon_end is not None and up.year > horizon_end:
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.OUT_OF_HORIZON,
                            f"{up.year} lies beyond the lower plan's horizon (ends {horizon_end})", ui, None))
            continue
        condition = (condition_verdict(up.condition, lower.jurisdiction.level, facts)
                     or condition_verdict(indicator.applies_when, lower.jurisdiction.level, facts))
        if condition is not None:
            rows.append(Row(up.indicator, up.year, up.scope, condition[0], condition[1], ui, None))
            continue
        if indicator.binding != "per_jurisdiction":
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.NOT_COMPARABLE,
                            f"{indicator.binding} indicator: the lower plan need not restate it", ui, None))
            continue
        if up.deferred:
            rows.append(Row(up.indicator, up.year, up.scope, Verdict.NOT_COMPARABLE,
                            "the upper target itself defers to a requirement from above, so there is no own "
                            "target for the lower plan to restate", ui, None))
            continue
        rows.append(Row(up.indicator, up.year, up.scope, Verdict.MISSING,
                        _missing_reason(up, lower.targets, indicator), ui, None))
    rows.sort(key=lambda r: (r.indicator, r.year is None, r.year or 0, r.scope or "", r.upper_index))
    return rows
