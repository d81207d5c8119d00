"""compare.py: two targets → verdict, on tiny inline targets, plus properties (hypothesis)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from plancheck.catalog import Indicator
from plancheck.compare import compare_targets, scope_relation
from plancheck.pairing import compare_plans
from plancheck.findings import Verdict
from plancheck.models import Plan, Target

SHARE = Indicator(id="share", name_zh="比重", name_en="Share", unit="%", direction="higher",
                  binding="per_jurisdiction", tolerance=0.5)
PUE = Indicator(id="pue", name_zh="PUE", name_en="PUE", unit="", direction="lower",
                binding="per_jurisdiction", tolerance=0.02,
                scopes={"新建大型、超大型数据中心": ["新建数据中心", "新增大型、超大型数据中心"],
                        "新增大型、超大型数据中心": ["新建数据中心", "新建大型、超大型数据中心"]})
FOREST = Indicator(id="forest", name_zh="森林覆盖率", name_en="Forest", unit="%", direction="higher",
                   binding="aggregate", tolerance=0.5)
STOCK = Indicator(id="stock", name_zh="蓄积量", name_en="Stock", unit="万立方米", direction="higher",
                  binding="per_jurisdiction", tolerance=0)
AIRPORT = Indicator(id="airport", name_zh="机场车辆电动化比例", name_en="Airport", unit="%", direction="higher",
                    binding="per_jurisdiction", tolerance=1,
                    applies_when={"fact": "civil_transport_airport", "text": "there is an airport"})


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


def plan(level: str, targets: list[dict], horizon=None, facts=()) -> Plan:
    doc = {"id": "d", "title": "t", "status": "draft"}
    if horizon:
        doc["horizon"] = {"start": horizon[0], "end": horizon[1]}
    return Plan.model_validate({
        "jurisdiction": {"id": "j", "name": "某地", "level": level, "parent": None, "facts": list(facts)},
        "documents": [doc],
        "targets": [{"indicator": "share", "year": 2025, "value": 10, **x} for x in targets],
    })


class _Catalog:
    def __init__(self, *indicators: Indicator) -> None:
        self.indicators = {i.id: i for i in indicators}

    def get(self, key):
        return self.indicators.get(key)


CATALOG = _Catalog(SHARE, PUE, FOREST, AIRPORT)


def rows(lower: Plan, upper: Plan):
    return [(r.indicator, r.year, r.verdict) for r in compare_plans(lower, upper, CATALOG)]


def test_missing_out_of_horizon_and_year_pairing():
    upper = plan("province", [{"value": 22}, {"year": 2030, "value": 25}, {"indicator": "pue", "year": None,
                                                                         "value": 1.3, "comparator": "at_most"}])
    lower = plan("county", [{"value": 22}, {"indicator": "pue", "value": 1.2, "comparator": "at_most"}],
                 horizon=(2023, 2025))
    assert rows(lower, upper) == [("pue", None, Verdict.STRICTER), ("share", 2025, Verdict.EQUAL),
                                  ("share", 2030, Verdict.OUT_OF_HORIZON)]
    assert rows(plan("county", [{"indicator": "pue", "value": 1.2}]), upper)[1:] == [
        ("share", 2025, Verdict.MISSING), ("share", 2030, Verdict.MISSING)]


CONDITION = {"text": "城区常住人口100万以上城市", "fact": "urban_resident_population",
             "comparator": "at_least", "value": 100, "levels": ["city"]}


def test_conditions_by_level_and_by_fact():
    upper = plan("province", [{"value": 50, "condition": CONDITION}])
    assert rows(plan("county", [{"indicator": "pue", "value": 1}]), upper)[0][2] is Verdict.NOT_APPLICABLE
    assert rows(plan("city", [{"indicator": "pue", "value": 1}]), upper)[0][2] is Verdict.CONDITION_UNKNOWN
    big = [{"name": "urban_resident_population", "value": 120, "source": "census"}]
    small = [{"name": "urban_resident_population", "value": 80, "source": "census"}]
    assert rows(plan("city", [{"indicator": "pue", "value": 1}], facts=big), upper)[0][2] is Verdict.MISSING
    assert rows(plan("city", [{"indicator": "pue", "value": 1}], facts=small), upper)[0][2] is Verdict.NOT_APPLICABLE
    # A plan that sets its own target is compared whatever the condition says.
    assert rows(plan("county", [{"value": 45}]), upper) == [("share", 2025, Verdict.WEAKER)]


def test_catalogue_applicability_by_a_yes_no_fact():
    """An airport target binds a silent plan only where there is an airport; unknown is not a gap."""
    upper = plan("province", [{"indicator": "airport", "year": 2030, "value": 100}])
    silent = [{"indicator": "pue", "value": 1}]
    has = [{"name": "civil_transport_airport", "value": True, "source": "statistical yearbook"}]
    has_not = [{"name": "civil_transport_airport", "value": False, "source": "statistical yearbook"}]
    numeric = [{"name": "civil_transport_airport", "value": 3.0, "source": "statistical yearbook"}]

    def verdict_of(facts):
        found = compare_plans(plan("county", silent, facts=facts), upper, CATALOG)
        return found[0].verdict, found[0].reason

    assert verdict_of(())[0] is Verdict.CONDITION_UNKNOWN
    assert "civil_transport_airport" in verdict_of(())[1]
    assert verdict_of(has)[0] is Verdict.MISSING
    reason = "binds only where there is an airport, which does not hold (civil_transport_airport = no)"
    assert verdict_of(has_not) == (Verdict.NOT_APPLICABLE, reason)
    assert verdict_of(numeric)[0] is Verdict.CONDITION_UNKNOWN
    # A plan that sets its own airport target is compared on it, fact or no fact.
    own = plan("county", [{"indicator": "airport", "year": 2030, "value": 80}])
    assert compare_plans(own, upper, CATALOG)[0].verdict is Verdict.WEAKER


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


def test_scope_only_in_the_lower_plan_is_compared_on_the_number_with_a_caveat():
    outcome = compare_targets(t(65, scope="城市生活垃圾"), t(60), SHARE)
    assert outcome.verdict is Verdict.STRICTER and "only the lower plan states a scope" in outcome.reason
    # A scope the catalogue knows to be narrower still makes the target weaker.
    pue_narrow = t(1.3, "pue", comparator="at_most", scope="新建大型、超大型数据中心")
    assert verdict(pue_narrow, t(1.3, "pue", comparator="at_most"), PUE) is Verdict.WEAKER


def test_an_earlier_lower_target_that_already_meets_a_later_upper_one():
    """湘潭 65% by 2025 meets 湖南 65% by 2030: not missing, and named as reached earlier."""
    upper = plan("province", [{"year": 2030, "value": 65}])
    early = compare_plans(plan("city", [{"year": 2025, "value": 65}]), upper, CATALOG)[0]
    assert early.verdict is Verdict.STRICTER and "reached earlier" in early.reason
    short = compare_plans(plan("city", [{"year": 2025, "value": 60}]), upper, CATALOG)[0]
    assert short.verdict is Verdict.MISSING and "2025: 60" in short.reason


def test_other_statements_of_the_same_target_are_named():
    upper = plan("province", [{"value": 22}])
    lower = plan("city", [{"value": 25}, {"value": 20}])
    row = compare_plans(lower, upper, CATALOG)[0]
    assert row.verdict is Verdict.STRICTER and row.reason.endswith("; the lower plan also states 2025: 20")


def test_an_upper_target_deferred_upwards_asks_nothing_of_a_silent_plan():
    upper = plan("province", [{"value": None, "deferred": True}])
    row = compare_plans(plan("city", [{"indicator": "pue", "value": 1}]), upper, CATALOG)[0]
    assert row.verdict is Verdict.NOT_COMPARABLE and "defers" in row.reason


def test_a_missing_row_names_what_the_plan_sets_on_related_indicators():
    fleet = Indicator(id="fleet", name_zh="公交车新能源占比", name_en="Fleet", unit="%", direction="higher",
                      binding="per_jurisdiction", related=["share"])
    new = SHARE.model_copy(update={"related": ["fleet"]})
    catalog = _Catalog(new, fleet, PUE)
    upper = plan("province", [{"value": 100}])
    lower = plan("city", [{"indicator": "fleet", "value": 100, "commitment": "aspirational"}])
    row = compare_plans(lower, upper, catalog)[0]
    assert row.verdict is Verdict.MISSING
    assert "it sets the related fleet 2025: 100" in row.reason
