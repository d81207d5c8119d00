"""compare.py: two targets → verdict (compare_targets, scope_relation), on tiny inline
targets, plus properties (hypothesis). Pairing a plan's targets with another plan's is
test_pairing.py's; the findings the check makes of the rows, test_strictness.py's."""

from __future__ import annotations

from hypothesis import given, strategies as st

from plancheck.catalog import Indicator
from plancheck.compare import compare_targets, scope_relation
from plancheck.findings import Verdict
from plancheck.models import Target

from helpers import FOREST, PUE, SHARE, STOCK


def t(value, indicator="share", **kw) -> Target:
    return Target(indicator=indicator, year=kw.pop("year", 2025), value=value, **kw)


def verdict(lower: Target, upper: Target, indicator: Indicator = SHARE) -> Verdict:
    return compare_targets(lower, upper, indicator).verdict


def test_floor_direction():
    assert verdict(t(25), t(22)) is Verdict.STRICTER
    assert verdict(t(22), t(22)) is Verdict.EQUAL
    assert verdict(t(20), t(22)) is Verdict.WEAKER


def test_cap_direction_pue():
    assert verdict(t(1.25, "pue", comparator="at_most"), t(1.3, "pue", comparator="at_most"), PUE) is Verdict.STRICTER
    assert verdict(t(1.5, "pue", comparator="at_most"), t(1.3, "pue", comparator="at_most"), PUE) is Verdict.WEAKER


def test_strict_comparator_beats_inclusive_one_with_the_same_number():
    assert verdict(t(60, comparator="above"), t(60, comparator="at_least")) is Verdict.STRICTER
    assert verdict(t(60, comparator="at_least"), t(60, comparator="above")) is Verdict.WEAKER


def test_aspirational_does_not_match_a_firm_target_of_the_same_number():
    outcome = compare_targets(t(22, commitment="aspirational"), t(22), SHARE)
    assert outcome.verdict is Verdict.WEAKER and "commitment" in outcome.reason


def test_a_higher_number_does_not_make_up_for_a_weaker_commitment():
    assert verdict(t(25, commitment="aspirational"), t(22)) is Verdict.WEAKER


def test_binding_wording_restates_a_firm_target():
    assert verdict(t(22, commitment="binding"), t(22)) is Verdict.EQUAL


def test_approximate_values_use_the_tolerance_and_say_so():
    outcome = compare_targets(t(21.6, approximate=True), t(22), SHARE)
    assert outcome.verdict is Verdict.EQUAL and outcome.approximate and "左右" in outcome.reason
    assert verdict(t(21.4, approximate=True), t(22)) is Verdict.WEAKER
    # Without 左右 there is no tolerance.
    assert verdict(t(21.6), t(22)) is Verdict.WEAKER


def test_gap_is_in_the_indicator_unit():
    assert compare_targets(t(20), t(22), SHARE).gap == -2


def test_base_years_must_match_for_reductions():
    outcome = compare_targets(t(16, base_year=2020), t(16, base_year=2015), SHARE)
    assert outcome.verdict is Verdict.NOT_COMPARABLE and "base year" in outcome.reason


def test_deferred_unquantified_and_numberless_upper():
    assert verdict(t(None, deferred=True), t(16)) is Verdict.DEFERRED
    assert verdict(t(None), t(16)) is Verdict.UNQUANTIFIED
    assert verdict(t(16), t(None, deferred=True)) is Verdict.NOT_COMPARABLE
    # Deferring is what the lower plan does, whatever the upper plan says.
    assert verdict(t(None, deferred=True), t(None, deferred=True)) is Verdict.DEFERRED
    assert verdict(t(None, deferred=True), t(None)) is Verdict.DEFERRED
    assert "without a number" in compare_targets(t(16), t(None), SHARE).reason
    assert "itself defers" in compare_targets(t(16), t(None, deferred=True), SHARE).reason


def test_values_in_other_multiples_are_converted_to_the_catalogue_unit():
    upper = t(8.45, "stock", unit="亿立方米")
    assert verdict(t(84500, "stock", unit="万立方米"), upper, STOCK) is Verdict.EQUAL
    weaker = compare_targets(t(1000, "stock", unit="万立方米"), upper, STOCK)
    assert weaker.verdict is Verdict.WEAKER and weaker.gap == 1000 - 84500
    assert "1000万立方米 vs 8.45亿立方米" in weaker.reason
    assert verdict(t(9, "stock", unit="亿立方米"), t(84500, "stock"), STOCK) is Verdict.STRICTER
    refused = compare_targets(t(9, "stock", unit="亿吨"), upper, STOCK)
    assert refused.verdict is Verdict.NOT_COMPARABLE and "units do not convert" in refused.reason


def test_aggregate_indicator_is_not_failed_for_a_lower_figure():
    outcome = compare_targets(t(40, "forest"), t(59, "forest"), FOREST)
    assert outcome.verdict is Verdict.NOT_COMPARABLE and "aggregate" in outcome.reason


def test_scope_wider_is_stricter_narrower_is_weaker():
    upper = t(1.3, "pue", comparator="at_most", scope="新建大型、超大型数据中心")
    wider = t(1.3, "pue", comparator="at_most", scope="新建数据中心")
    assert scope_relation(wider.scope, upper.scope, PUE) == "wider"
    assert verdict(wider, upper, PUE) is Verdict.STRICTER
    assert verdict(upper, wider, PUE) is Verdict.WEAKER
    assert scope_relation("既有数据中心", upper.scope, PUE) == "unrelated"
    assert scope_relation("新增大型、超大型数据中心", upper.scope, PUE) == "same"


def test_scope_only_in_the_lower_plan_is_compared_on_the_number_with_a_caveat():
    outcome = compare_targets(t(65, scope="城市生活垃圾"), t(60), SHARE)
    assert outcome.verdict is Verdict.STRICTER and "only the lower plan states a scope" in outcome.reason
    # A scope the catalogue knows to be narrower still makes the target weaker.
    pue_narrow = t(1.3, "pue", comparator="at_most", scope="新建大型、超大型数据中心")
    assert verdict(pue_narrow, t(1.3, "pue", comparator="at_most"), PUE) is Verdict.WEAKER


# ---- properties

values = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda v: round(v, 2))
targets = st.builds(
    lambda v, comp, com: t(v, comparator=comp, commitment=com),
    values, st.sampled_from(["at_least", "above", "reach"]),
    st.sampled_from(["aspirational", "in_principle", "firm", "binding"]),
)
exact = st.builds(lambda v, comp: t(v, comparator=comp), values, st.sampled_from(["at_least", "above", "reach"]))


@given(targets, targets)
def test_antisymmetry(a, b):
    if verdict(a, b) is Verdict.STRICTER:
        assert verdict(b, a) is Verdict.WEAKER
    if verdict(a, b) is Verdict.EQUAL:
        assert verdict(b, a) is Verdict.EQUAL


@given(targets)
def test_a_target_is_equal_to_itself(a):
    assert verdict(a, a) is Verdict.EQUAL


@given(exact, exact, exact)
def test_transitivity_along_a_chain(a, b, c):
    if verdict(a, b) is Verdict.STRICTER and verdict(b, c) is Verdict.STRICTER:
        assert verdict(a, c) is Verdict.STRICTER


# ---------------------------------------------------------------- hedges that weaken (issue 18, class 2)


def test_largely_and_step_by_step_weaken_a_firm_target():
    """基本实现全覆盖 and 逐步实现 let the target fall short; they are weaker than a plain statement,
    not weaker than 力争, and weigh the same as 原则上."""
    assert verdict(t(100, commitment="largely"), t(100)) is Verdict.WEAKER
    assert verdict(t(100, commitment="gradual"), t(100)) is Verdict.WEAKER
    assert verdict(t(100, commitment="largely"), t(100, commitment="aspirational")) is Verdict.STRICTER
    assert verdict(t(100, commitment="gradual"), t(100, commitment="in_principle")) is Verdict.EQUAL
    reason = compare_targets(t(100, commitment="largely"), t(100), SHARE).reason
    assert str(reason) == "the commitment is weaker (largely (基本) vs firm)"
    assert reason.zh == "约束力度较弱（下级基本，上级明确）"


def test_a_lower_approximate_value_against_the_same_firm_number_is_never_a_silent_pass():
    lower_only = compare_targets(t(40, approximate=True), t(40), SHARE)
    assert lower_only.verdict is Verdict.EQUAL and lower_only.approximate  # PC211, a warning
    assert "only the lower plan states it approximately" in str(lower_only.reason)
    both = compare_targets(t(40, approximate=True), t(40, approximate=True), SHARE)
    assert both.verdict is Verdict.EQUAL and not both.approximate  # the same target: PC210
    upper_only = compare_targets(t(40), t(40, approximate=True), SHARE)
    assert upper_only.verdict is Verdict.EQUAL and not upper_only.approximate


# ---------------------------------------------------------------- what counts (class 3)

VEHICLES = Indicator(id="vehicles", name_zh="新增交通工具低碳动力比例", name_en="Vehicles", unit="%",
                     direction="higher", binding="per_jurisdiction", tolerance=1,
                     qualifying={"纯电动或燃料电池": ["非化石能源动力", "新能源、清洁能源动力"],
                                 "非化石能源动力": ["新能源、清洁能源动力"]})


def test_a_broader_qualifying_set_is_weaker_and_a_narrower_one_stricter():
    def v(lower, upper):
        return verdict(t(40, "vehicles", qualifying=lower), t(40, "vehicles", qualifying=upper), VEHICLES)
    assert v("新能源、清洁能源动力", "非化石能源动力") is Verdict.WEAKER  # gas vehicles count too
    assert v("纯电动或燃料电池", "非化石能源动力") is Verdict.STRICTER
    assert v("非化石能源动力", "非化石能源动力") is Verdict.EQUAL
    assert v("氢能", "非化石能源动力") is Verdict.NOT_COMPARABLE  # the catalogue does not relate them
    reason = compare_targets(t(40, "vehicles", qualifying="新能源、清洁能源动力"),
                             t(40, "vehicles", qualifying="非化石能源动力"), VEHICLES).reason
    assert reason.zh == "计入对象更宽（下级 新能源、清洁能源动力，上级 非化石能源动力）"
    # a higher number does not make up for counting more
    assert verdict(t(45, "vehicles", qualifying="新能源、清洁能源动力"),
                   t(40, "vehicles", qualifying="非化石能源动力"), VEHICLES) is Verdict.WEAKER


def test_a_target_silent_on_what_counts_counts_the_indicator_default():
    buses = VEHICLES.model_copy(update={"counts": "新能源、清洁能源动力"})
    assert verdict(t(100, "vehicles", qualifying="纯电动或燃料电池"), t(100, "vehicles"), buses) is Verdict.STRICTER
    assert verdict(t(100, "vehicles"), t(100, "vehicles", qualifying="非化石能源动力"), buses) is Verdict.WEAKER
    no_default = compare_targets(t(100, "vehicles", qualifying="纯电动或燃料电池"), t(100, "vehicles"), VEHICLES)
    assert no_default.verdict is Verdict.EQUAL and "check that both count the same" in str(no_default.reason)


# ---------------------------------------------------------------- what a verdict rests on (class 7)


def test_an_aggregate_row_still_shows_the_difference_as_information():
    outcome = compare_targets(t(63, "forest", year=2030), t(60, "forest", year=2030, comparator="at_least"), FOREST)
    assert outcome.verdict is Verdict.NOT_COMPARABLE and outcome.gap == 3
    other_base = compare_targets(t(63, "forest", base_year=2020), t(60, "forest"), FOREST)
    assert other_base.gap is None
