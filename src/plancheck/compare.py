"""Pure comparison of one lower-level target with the upper-level target it must match, and
whether an upper target binds a lower jurisdiction at all.

Every reading here follows docs/design.md ("What a plan means"). The functions take models and the
catalogue and return a verdict with its reason (worded by ``plancheck.wording``); they never
print, read files or look at positions. Pairing a whole plan with another is ``plancheck.pairing``.

Strictness of a quantified target is an ordered key: its bound read in the
indicator's direction (a floor for "higher is stricter", a cap for "lower"), with
strict comparators (超过, 低于) a hair stricter than inclusive ones (以上, 不高于).
Commitment (力争 < 原则上 < firm), scope (narrower < same < wider) and what qualifies (a wider
qualifying set < the same < a narrower one) are separate axes: a lower target is stricter or
equal only if it is no weaker on any axis.
"""

from __future__ import annotations

from dataclasses import dataclass

from plancheck import wording
from plancheck.catalog import Indicator
from plancheck.findings import Verdict
from plancheck.models import Condition, Target
from plancheck.reason import EMPTY, Reason, join
from plancheck.units import conversion_factor
from plancheck.wording import NO_TERMS, Terms

COMMITMENT_RANK = {"aspirational": 0, "gradual": 1, "in_principle": 1, "largely": 1, "firm": 2, "binding": 2}
"""确保/必须 (binding) restates a firm target; it is not stricter than a plain statement. 逐步 (step by
step), 原则上 (exceptions allowed) and 基本 (largely) each let the target fall short of a plain statement
and none of them is weaker than 力争 (strive for), so they weigh the same: docs/comparison.md
("Commitment")."""

EPSILON = 1e-9
"""How far apart two numbers may be and still be the same number (floating-point noise)."""


@dataclass(slots=True)
class Outcome:
    verdict: Verdict
    reason: Reason
    gap: float | None = None
    approximate: bool = False
    """Equal only by the tolerance of a 左右: the numbers differ, or the lower one is approximate
    and the upper one is not (a lower 40%左右 may end below a firm 40%)."""


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
        and abs(va - vb) <= indicator.tolerance + EPSILON


def inclusion_relation(lower: str | None, upper: str | None, inclusions: dict[str, list[str]]) -> str:
    """How the lower side's set relates to the upper side's: 'same', 'wider', 'narrower', 'unrelated',
    or 'unstated' when only the lower side words one and ``inclusions`` do not place it.

    ``inclusions`` maps each set to the wider sets that contain it; no set (None) is the whole
    domain, which contains every set."""
    if (lower or None) == (upper or None):
        return "same"
    if lower is None:
        return "wider"
    if upper is None:
        return "narrower" if lower in inclusions else "unstated"
    lower_within_upper = upper in inclusions.get(lower, ())
    upper_within_lower = lower in inclusions.get(upper, ())
    if lower_within_upper and upper_within_lower:
        return "same"  # each contains the other: two wordings of one set (新增 / 新建)
    if lower_within_upper:
        return "narrower"
    if upper_within_lower:
        return "wider"
    return "unrelated"


def scope_relation(lower: str | None, upper: str | None, indicator: Indicator) -> str:
    """How much the lower target covers (``inclusion_relation`` over the catalogue's scopes). A
    scope only the lower plan words is 'unstated': often it restates the indicator's own domain
    (城市生活垃圾)."""
    return inclusion_relation(lower, upper, indicator.scopes)


def qualifying_relation(lower: str | None, upper: str | None, indicator: Indicator) -> str:
    """How much the lower target counts towards the indicator, over the catalogue's qualifying sets.
    A target that does not say counts what the indicator's ``counts`` says; when the catalogue
    does not say either, the relation is 'same' (both silent) or 'unstated'."""
    lower, upper = lower or indicator.counts, upper or indicator.counts
    if lower is None or upper is None:
        return "same" if lower == upper else "unstated"
    return inclusion_relation(lower, upper, indicator.qualifying)


def _sign(x: float) -> int:
    return 0 if abs(x) < EPSILON else (1 if x > 0 else -1)


def compare_targets(lower: Target, upper: Target, indicator: Indicator, terms: Terms = NO_TERMS) -> Outcome:
    """Verdict for two targets on the same indicator and year whose scopes are related.

    ``terms``: the catalogue's English renderings, for the English side of the reason."""
    if indicator.binding == "aggregate":
        return Outcome(Verdict.NOT_COMPARABLE, wording.AGGREGATE_REASON, _information_gap(lower, upper, indicator))
    if indicator.binding == "extensive":
        return Outcome(Verdict.NOT_COMPARABLE, wording.EXTENSIVE_REASON)
    if lower.deferred:
        return Outcome(Verdict.DEFERRED, wording.LOWER_DEFERS)
    if upper.deferred:
        return Outcome(Verdict.NOT_COMPARABLE, wording.UPPER_DEFERS)
    if upper.value is None:
        return Outcome(Verdict.NOT_COMPARABLE, wording.UPPER_UNQUANTIFIED)
    if lower.value is None:
        return Outcome(Verdict.UNQUANTIFIED, wording.LOWER_UNQUANTIFIED)
    if lower.base_year != upper.base_year:
        return Outcome(Verdict.NOT_COMPARABLE, wording.base_years_differ(lower, upper))
    lower_value, upper_value = catalog_value(lower, indicator), catalog_value(upper, indicator)
    if lower_value is None or upper_value is None:
        return Outcome(Verdict.NOT_COMPARABLE, wording.units_do_not_convert(lower, upper, indicator.unit))

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
    qualifying = qualifying_relation(lower.qualifying, upper.qualifying, indicator)
    if qualifying == "unrelated":
        return Outcome(Verdict.NOT_COMPARABLE, wording.qualifying_unrelated(lower, upper, terms), gap)
    qualifying_axis = {"narrower": 1, "same": 0, "wider": -1}.get(qualifying, 0)
    caveat = wording.scope_unstated(lower, terms) if scope == "unstated" else EMPTY
    if qualifying == "unstated":
        caveat += wording.qualifying_unstated(lower, upper, terms)
    axes = wording.Axes(value_axis, commitment_axis, scope_axis, qualifying_axis)
    weaker = wording.axis_reasons(lower, upper, axes, -1, terms)
    if weaker:
        return Outcome(Verdict.WEAKER, join(weaker) + caveat, gap)
    stricter = wording.axis_reasons(lower, upper, axes, 1, terms)
    if stricter:
        return Outcome(Verdict.STRICTER, join(stricter) + caveat, gap)
    if approximate and abs(gap) > EPSILON:
        return Outcome(Verdict.EQUAL, wording.equal_within_tolerance(lower, upper, indicator.tolerance) + caveat,
                       gap, True)
    if lower.approximate and not upper.approximate:
        return Outcome(Verdict.EQUAL, wording.LOWER_ONLY_APPROXIMATE + caveat, gap, True)
    if approximate:
        return Outcome(Verdict.EQUAL, wording.SAME_APPROXIMATELY + caveat, gap)
    return Outcome(Verdict.EQUAL, wording.SAME_TARGET + caveat, gap)


def _information_gap(lower: Target, upper: Target, indicator: Indicator) -> float | None:
    """The difference shown beside a not-comparable verdict on an average (forest coverage +3 pp):
    it informs without deciding, so it is given only when both numbers are in one unit and base."""
    if lower.deferred or upper.deferred or lower.base_year != upper.base_year:
        return None
    lower_value, upper_value = catalog_value(lower, indicator), catalog_value(upper, indicator)
    if lower_value is None or upper_value is None:
        return None
    return lower_value - upper_value


def condition_verdict(condition: Condition | None, level: str, facts: dict[str, object],
                      terms: Terms = NO_TERMS) -> tuple[Verdict, Reason] | None:
    """None when the condition (if any) binds the lower jurisdiction; else why it does not or may not.

    A numeric fact is tested with the condition's comparator and value; a yes/no fact
    (``civil_transport_airport: true``) binds when true. A fact the plan does not record
    gives ``condition_unknown``: not knowing is not a gap.
    """
    if condition is None:
        return None
    if condition.levels is not None and level not in condition.levels:
        return Verdict.NOT_APPLICABLE, wording.binds_only_levels(condition.levels, condition.text, level, terms)
    if condition.fact is None:
        if condition.levels is not None:
            return None
        return Verdict.CONDITION_UNKNOWN, wording.condition_not_mechanical(condition.text, terms)
    if condition.fact not in facts:
        return Verdict.CONDITION_UNKNOWN, wording.fact_not_recorded(condition.text, condition.fact, terms)
    value = facts[condition.fact]
    if isinstance(value, bool) and condition.comparator is None:
        holds = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool) \
            and condition.value is not None and condition.comparator is not None:
        holds = {
            "at_least": value >= condition.value, "above": value > condition.value,
            "at_most": value <= condition.value, "below": value < condition.value,
            "reach": abs(value - condition.value) < EPSILON,
        }[condition.comparator]
    else:
        return Verdict.CONDITION_UNKNOWN, wording.condition_not_evaluable(condition.text, value, terms)
    if holds:
        return None
    return Verdict.NOT_APPLICABLE, wording.condition_does_not_hold(condition.text, condition.fact, value, terms)
