"""How targets and verdicts are put into words: numbers as the documents write them, and
every reason in both languages of the reports.

The verdict logic (``compare``, ``pairing``) decides; this module only says. Keeping the
sentences here lets a reader follow the rules without wading through two languages of text,
and lets a translator (or a reviewer of the Chinese) work on one file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from plancheck.models import Target
from plancheck.reason import EMPTY, Reason, join

Terms = Mapping[str, str]
"""English renderings of the plans' Chinese words (the catalogue's ``terms``)."""
NO_TERMS: Terms = {}

COMMITMENT_ZH = {"aspirational": "力争", "gradual": "逐步", "in_principle": "原则上", "largely": "基本",
                 "firm": "明确", "binding": "确保/必须"}
COMMITMENT_EN = {"aspirational": "strive for", "gradual": "step by step", "in_principle": "in principle",
                 "largely": "largely"}
"""The hedging commitments in English, for the words a report shows beside the Chinese."""
LEVEL_ZH = {"national": "国家", "province": "省", "city": "市", "county": "县", "district": "区",
            "new_area": "新区"}
BINDING_ZH = {"aggregate": "总体平均指标", "extensive": "总量指标", "per_jurisdiction": "逐级约束指标"}
COMPARATOR_SYMBOLS = {"at_least": "≥", "above": ">", "at_most": "≤", "below": "<", "reach": ""}


def format_number(value: float) -> str:
    """20, 62.92, 1.3: a number as the documents write it (no trailing .0)."""
    return f"{value:g}"


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


def rendered(text: str, terms: Terms) -> str:
    """Chinese words with their English rendering beside them, when the catalogue has one:
    新建数据中心 (new data centres). The Chinese stays, since it is what the quote says."""
    english = terms.get(text)
    return f"{text} ({english})" if english else text


def _year(year: int | None, lang: str = "en") -> str:
    if year is None:
        return "未写明" if lang == "zh" else "none stated"
    return str(year)


# ---------------------------------------------------------------- one target against another
# Reasons that do not depend on the targets are built once and shared by every row.

LOWER_DEFERS = Reason("the lower plan defers to the target allocated from above",
                      "下级承接上级下达的目标，未提出自己的数值")
LOWER_UNQUANTIFIED = Reason("the lower plan names the indicator without a number", "下级提到该指标，但没有给出数值")
SAME_APPROXIMATELY = Reason("the same number, stated approximately (左右) on at least one side",
                            "数值相同，至少一方表述为“左右”")
LOWER_ONLY_APPROXIMATE = Reason("the same number, but only the lower plan states it approximately (左右), "
                                "so it may end below the upper target", "数值相同，但仅下级表述为“左右”，实际可能低于上级目标")
SAME_TARGET = Reason("the same target", "目标相同")
NOT_ADDRESSED = Reason("the lower plan does not address this target", "下级未涉及该目标")
AGGREGATE_REASON = Reason("aggregate indicator: the upper figure is an average over very different parts "
                          "(land, industries), so the lower plan is not held to it one to one",
                          "总体平均指标：上级数值是对差异很大的各地（土地、产业）的平均，不逐一约束下级")
EXTENSIVE_REASON = Reason("extensive total: a part of the upper total is not comparable one to one",
                          "总量指标：下级只是上级总量的一部分，不能逐一比较")
UPPER_DEFERS = Reason("the upper plan itself defers to the target allocated from above, "
                      "so it states no number to measure the lower target against",
                      "上级本身承接更上级下达的目标，没有可供比较的数值")
UPPER_UNQUANTIFIED = Reason("the upper plan names this target without a number, so there is nothing to measure "
                            "the lower target against", "上级未给出数值，无从比较")


def base_years_differ(lower: Target, upper: Target) -> Reason:
    return Reason(
        f"base years differ ({_year(lower.base_year)} vs {_year(upper.base_year)}): "
        "reductions are comparable only against the same base",
        f"基准年不同（下级 {_year(lower.base_year, 'zh')}，上级 {_year(upper.base_year, 'zh')}）：降幅只能在同一基准年下比较")


def units_do_not_convert(lower: Target, upper: Target, catalog_unit: str) -> Reason:
    units = f"{lower.unit or '-'} vs {upper.unit or '-'}, catalogue: {catalog_unit or '-'}"
    return Reason(f"units do not convert ({units})", f"单位无法换算（{units}）")


def scope_unstated(lower: Target, terms: Terms = NO_TERMS) -> Reason:
    """The caveat added when only the lower plan words a scope."""
    assert lower.scope is not None
    return Reason(f"; only the lower plan states a scope ({rendered(lower.scope, terms)}): check that it covers the "
                  "upper target's", f"；仅下级写明范围（{lower.scope}），请核对是否覆盖上级目标的范围")


def _qualifying(target: Target, terms: Terms, lang: str) -> str:
    if target.qualifying is None:
        return "未写明" if lang == "zh" else "unstated"
    return target.qualifying if lang == "zh" else rendered(target.qualifying, terms)


def qualifying_unrelated(lower: Target, upper: Target, terms: Terms = NO_TERMS) -> Reason:
    return Reason(f"the two count different things towards the indicator ({_qualifying(lower, terms, 'en')} vs "
                  f"{_qualifying(upper, terms, 'en')}), which the catalogue does not relate",
                  f"两者计入的对象不同（下级 {_qualifying(lower, terms, 'zh')}，上级 {_qualifying(upper, terms, 'zh')}），"
                  "指标目录未说明两者的包含关系")


def qualifying_unstated(lower: Target, upper: Target, terms: Terms = NO_TERMS) -> Reason:
    """The caveat when one side says what counts and the other does not."""
    return Reason(f"; only one side says what counts ({_qualifying(lower, terms, 'en')} vs "
                  f"{_qualifying(upper, terms, 'en')}): check that both count the same",
                  f"；仅一方写明计入对象（下级 {_qualifying(lower, terms, 'zh')}，上级 {_qualifying(upper, terms, 'zh')}），"
                  "请核对两者口径是否一致")


def _numbers(lower: Target, upper: Target) -> tuple[str, str]:
    return f"{value_text(lower)} vs {value_text(upper)}", f"下级 {value_text(lower)}，上级 {value_text(upper)}"


class Axes(NamedTuple):
    """How the lower target compares on each axis: -1 weaker, 0 the same, 1 stricter."""

    value: int
    commitment: int
    scope: int
    qualifying: int


_AXIS_WORDS = (  # (axis, the words when the lower target is weaker on it, when stricter), each (en, zh)
    ("value", ("the number is less strict", "数值较宽松"), ("the number is stricter", "数值更严")),
    ("commitment", ("the commitment is weaker", "约束力度较弱"), ("the commitment is firmer", "约束力度更强")),
    ("scope", ("the scope is narrower", "范围较窄"), ("the scope is wider", "范围更广")),
    ("qualifying", ("it counts more towards the share", "计入对象更宽"), ("it counts less towards the share", "计入对象更窄")),
)


def _both_sides(axis: str, lower: Target, upper: Target, terms: Terms) -> tuple[str, str]:
    """The lower and the upper reading of one axis, in English and in Chinese."""
    if axis == "value":
        return _numbers(lower, upper)
    if axis == "commitment":
        return (f"{commitment_en(lower)} vs {commitment_en(upper)}",
                f"下级{COMMITMENT_ZH[lower.commitment]}，上级{COMMITMENT_ZH[upper.commitment]}")
    if axis == "scope":
        return (f"{_scope_en(lower, terms)} vs {_scope_en(upper, terms)}",
                f"下级 {lower.scope or '全部'}，上级 {upper.scope or '全部'}")
    return (f"{_qualifying(lower, terms, 'en')} vs {_qualifying(upper, terms, 'en')}",
            f"下级 {_qualifying(lower, terms, 'zh')}，上级 {_qualifying(upper, terms, 'zh')}")


def axis_reasons(lower: Target, upper: Target, axes: Axes, sign: int, terms: Terms = NO_TERMS) -> list[Reason]:
    """What sets the lower target apart on each axis whose difference has ``sign``: -1 for the
    ways it is weaker, 1 for the ways it is stricter."""
    reasons = []
    for axis, weaker, stricter in _AXIS_WORDS:
        if getattr(axes, axis) * sign > 0:
            en, zh = weaker if sign < 0 else stricter
            both, both_zh = _both_sides(axis, lower, upper, terms)
            reasons.append(Reason(f"{en} ({both})", f"{zh}（{both_zh}）"))
    return reasons


def commitment_en(target: Target) -> str:
    """aspirational (力争): the scale's name with the words the plan used."""
    words = COMMITMENT_ZH[target.commitment] if target.commitment != "firm" else ""
    return f"{target.commitment} ({words})" if words else target.commitment


def _scope_en(target: Target, terms: Terms) -> str:
    return rendered(target.scope, terms) if target.scope else "all"


def equal_within_tolerance(lower: Target, upper: Target, tolerance: float) -> Reason:
    numbers, numbers_zh = _numbers(lower, upper)
    shown = format_number(tolerance)
    return Reason(f"equal within the tolerance of an approximate (左右) value (±{shown}): {numbers}",
                  f"“左右”在容差（±{shown}）之内视为持平：{numbers_zh}")


# ---------------------------------------------------------------- whether an upper target binds at all


def binds_only_levels(levels: list[str], condition_text: str, level: str, terms: Terms = NO_TERMS) -> Reason:
    return Reason(f"binds only {', '.join(levels)} level ({rendered(condition_text, terms)}); the lower plan is a {level}",
                  f"只约束{'、'.join(LEVEL_ZH.get(x, x) for x in levels)}级（{condition_text}）；"
                  f"下级是{LEVEL_ZH.get(level, level)}级")


def condition_not_mechanical(condition_text: str, terms: Terms = NO_TERMS) -> Reason:
    return Reason(f"condition “{rendered(condition_text, terms)}” cannot be evaluated mechanically",
                  f"适用条件“{condition_text}”无法自动判断")


def fact_not_recorded(condition_text: str, fact: str, terms: Terms = NO_TERMS) -> Reason:
    return Reason(f"binds only where {rendered(condition_text, terms)}; the lower plan records no fact {fact} to "
                  "decide it", f"仅在“{condition_text}”时约束；下级未记录事实 {fact}，无法判断")


def condition_not_evaluable(condition_text: str, value: object, terms: Terms = NO_TERMS) -> Reason:
    return Reason(f"condition “{rendered(condition_text, terms)}” cannot be evaluated on {value!r}",
                  f"适用条件“{condition_text}”无法按 {value!r} 判断")


def condition_does_not_hold(condition_text: str, fact: str, value: object, terms: Terms = NO_TERMS) -> Reason:
    shown = "no" if value is False else format_number(value)  # type: ignore[arg-type]
    shown_zh = "否" if value is False else format_number(value)  # type: ignore[arg-type]
    return Reason(f"binds only where {rendered(condition_text, terms)}, which does not hold ({fact} = {shown})",
                  f"仅在“{condition_text}”时约束，下级不满足（{fact} = {shown_zh}）")


# ---------------------------------------------------------------- a plan against a plan


def reached_earlier(lower_year: int, upper_year: int, outcome: Reason) -> Reason:
    early = upper_year - lower_year
    years = f"{early} year{'s' if early != 1 else ''}"
    return (Reason(f"reached {years} earlier: the lower plan's {lower_year} target already meets the upper "
                   f"{upper_year} one (", f"提前{early}年达到：下级{lower_year}年的目标已达到上级{upper_year}年的要求（")
            + outcome + Reason(")", "）"))


def only_other_scope(other: Target, upper: Target, terms: Terms = NO_TERMS) -> Reason:
    how = "names" if other.value is None else "sets"
    reason = Reason(f"the lower plan {how} this indicator only for another scope ({_scope_en(other, terms)} vs "
                    f"{_scope_en(upper, terms)}), which the catalogue does not relate to the upper one",
                    f"下级只对另一范围提出该指标（下级 {other.scope or '全部'}，上级 {upper.scope or '全部'}），"
                    "指标目录未说明两者的包含关系")
    if other.value is None:
        reason += Reason("; it states no number either", "；且未给出数值")
    return reason


def beyond_horizon(year: int, horizon_end: int) -> Reason:
    return Reason(f"{year} lies beyond the lower plan's horizon (ends {horizon_end})",
                  f"{year}年超出下级规划期限（至{horizon_end}年）")


def undated_beyond_horizon(years: list[int], horizon_end: int) -> Reason:
    shown, shown_zh = ", ".join(str(y) for y in years), "、".join(str(y) for y in years)
    return Reason(f"stated without a year; the upper plan dates it only {shown}, beyond the lower plan's horizon "
                  f"(ends {horizon_end})", f"未写年份；上级规划只在{shown_zh}年提出，超出下级规划期限（至{horizon_end}年）")


def need_not_restate(binding: str) -> Reason:
    return Reason(f"{binding} indicator: the lower plan need not restate it", f"{BINDING_ZH[binding]}：下级不必重申")


UPPER_TARGET_DEFERS = Reason("the upper target itself defers to a requirement from above, so there is no own target "
                             "for the lower plan to restate", "上级目标本身承接更上级的要求，没有需要下级重申的自有目标")


def statement(target: Target, terms: Terms = NO_TERMS) -> Reason:
    """A target in a few words (2030: ≥25% (scope)), for a reason that lists what a plan states."""
    if target.value is not None:
        text = Reason(bound_text(target), bound_text(target))
    elif target.deferred:
        text = Reason("deferred", "承接上级")
    else:
        text = Reason("no number", "未量化")
    if target.commitment not in ("firm", "binding"):
        text = Reason(f"{commitment_en(target)} ", f"{COMMITMENT_ZH[target.commitment]} ") + text
    if target.year is not None:
        text = Reason(f"{target.year}: ", f"{target.year}年：") + text
    if target.scope:
        text += Reason(f" ({rendered(target.scope, terms)})", f"（{target.scope}）")
    return text


def also_stated(statements: list[Reason]) -> Reason:
    """Other statements of the same target, so a reader sees a conflict the choice of one hides."""
    if not statements:
        return EMPTY
    return Reason("; the lower plan also states ", "；下级另有表述：") + join(statements, ", ", "，")


def upper_also_states(count: int, places: list[str]) -> Reason:
    """The row stands for several statements of one requirement in the upper plan; say where each is."""
    where = ", ".join(places)
    return Reason(f"; the upper plan states this requirement {count} times ({where})",
                  f"；上级共{count}处表述该要求（{where}）")


def stated_as(target: Target, terms: Terms = NO_TERMS) -> Reason:
    """The lower plan states the upper requirement under another indicator of the catalogue."""
    scope = f" ({rendered(target.scope, terms)})" if target.scope else ""
    scope_zh = f"（{target.scope}）" if target.scope else ""
    return Reason(f"; the lower plan states it as {target.indicator}{scope}, which the catalogue equates with it",
                  f"；下级以 {target.indicator}{scope_zh} 表述，指标目录将两者视为同一要求")


def missing_other_years(same: list[Target], terms: Terms = NO_TERMS) -> Reason:
    return (NOT_ADDRESSED + Reason(" for this year; it states ", "（该年份）；下级写的是：")
            + join([statement(t, terms) for t in same], ", ", "，"))


def missing_related(related: list[Target], terms: Terms = NO_TERMS) -> Reason:
    """Each related statement once: a plan that states peaking by 2030 three times shows it once."""
    said = {(str(r), r.zh): r for r in (Reason(f"{t.indicator} ", f"{t.indicator} ") + statement(t, terms)
                                        for t in related)}
    return (NOT_ADDRESSED + Reason("; it sets the related ", "；下级设有相关指标 ")
            + join(list(said.values()), ", ", "，")
            + Reason(", which the comparison does not equate with this indicator", "，但不与本指标等同比较"))
