"""pairing.py: a lower plan's targets paired with each upper target (compare_plans), on tiny
inline plans and a catalogue of small indicators."""

from __future__ import annotations

from plancheck.catalog import Catalog, Indicator, StatedAs
from plancheck.findings import Verdict
from plancheck.models import Plan
from plancheck.pairing import compare_plans

from helpers import AIRPORT, FOREST, PUE, SHARE


def plan(level: str, targets: list[dict], horizon=None, facts=()) -> Plan:
    doc = {"id": "d", "title": "t", "status": "draft"}
    if horizon:
        doc["horizon"] = {"start": horizon[0], "end": horizon[1]}
    return Plan.model_validate({
        "jurisdiction": {"id": "j", "name": "某地", "level": level, "parent": None, "facts": list(facts)},
        "documents": [doc],
        "targets": [{"indicator": "share", "year": 2025, "value": 10, **x} for x in targets],
    })


def _Catalog(*indicators: Indicator, terms: dict[str, str] | None = None) -> Catalog:
    return Catalog({i.id: i for i in indicators}, "rules/indicators.yaml", terms or {})


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


def test_an_earlier_lower_target_that_already_meets_a_later_upper_one():
    """湘潭 65% by 2025 meets 湖南 65% by 2030: not missing, and named as reached earlier."""
    upper = plan("province", [{"year": 2030, "value": 65}])
    early = compare_plans(plan("city", [{"year": 2025, "value": 65}]), upper, CATALOG)[0]
    assert early.verdict is Verdict.STRICTER and "reached 5 years earlier" in early.reason
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
    assert "it sets the related fleet 2025: aspirational (力争) 100" in row.reason

    twice = plan("city", [{"indicator": "fleet", "value": 100, "commitment": "aspirational", "section": s}
                          for s in ("一", "二")])
    repeated = compare_plans(twice, upper, catalog)[0].reason
    assert repeated.count("fleet 2025: aspirational (力争) 100") == 1  # the same statement, named once


def test_an_undated_statement_dated_elsewhere_only_beyond_the_horizon_is_not_owed():
    """全国 确保如期实现碳中和 has no year, but the plan dates neutrality only 2060: a plan that ends in
    2030 has not left it out. Dated also within the horizon, the undated statement is still owed."""
    late = plan("national", [{"year": None, "value": None, "commitment": "binding"}, {"year": 2060, "value": 80}])
    silent = plan("province", [{"indicator": "pue", "value": 1}], horizon=(2021, 2030))
    found = compare_plans(silent, late, CATALOG)
    assert [(r.year, r.verdict) for r in found if r.indicator == "share"] == [
        (2060, Verdict.OUT_OF_HORIZON), (None, Verdict.OUT_OF_HORIZON)]
    undated = next(r for r in found if r.indicator == "share" and r.year is None)
    assert "stated without a year; the upper plan dates it only 2060" in undated.reason
    both = plan("national", [{"year": None, "value": None}, {"year": 2025, "value": 20}, {"year": 2060, "value": 80}])
    assert [(r.year, r.verdict) for r in compare_plans(silent, both, CATALOG) if r.indicator == "share"] == [
        (2025, Verdict.MISSING), (2060, Verdict.OUT_OF_HORIZON), (None, Verdict.MISSING)]
    no_horizon = plan("province", [{"indicator": "pue", "value": 1}])
    assert [r.verdict for r in compare_plans(no_horizon, late, CATALOG) if r.year is None] == [Verdict.MISSING]


# ---------------------------------------------------------------- issue 18: rows an analyst signs


def test_one_row_per_requirement_led_by_the_firmest_statement():
    """湖南 states peaking by 2030 three times; a comparison shows it once, naming every statement."""
    upper = plan("province", [{"year": 2030, "value": 25, "section": "二"},
                              {"year": 2030, "value": 25, "commitment": "binding", "section": "一"},
                              {"year": 2030, "value": 25, "commitment": "aspirational", "section": "三"},
                              {"year": 2030, "value": 26, "section": "四"}])
    found = compare_plans(plan("county", [{"year": 2030, "value": 25}]), upper, CATALOG)
    assert [(r.upper_index, r.upper_others, r.verdict) for r in found] == [
        (1, (0, 2), Verdict.EQUAL), (3, (), Verdict.WEAKER)]
    assert str(found[0].reason) == "the same target; the upper plan states this requirement 3 times (d 二, d 一, d 三)"
    assert found[0].reason.zh == "目标相同；上级共3处表述该要求（d 二, d 一, d 三）"


def test_a_chosen_target_names_statements_in_other_scopes_of_the_same_year():
    """茶陵: 全市新建建筑 100% answers the province; its 80% for 新建民用建筑 must still be seen."""
    building = SHARE.model_copy(update={"scopes": {"城镇新建建筑": ["全市新建建筑"]}})
    upper = plan("province", [{"value": 100, "scope": "城镇新建建筑"}])
    lower = plan("county", [{"value": 100, "scope": "全市新建建筑"}, {"value": 80, "scope": "新建民用建筑"},
                            {"year": 2030, "value": 70, "scope": "新建民用建筑"}])
    [row] = compare_plans(lower, upper, _Catalog(building))
    assert row.verdict is Verdict.STRICTER and row.lower_index == 0
    assert str(row.reason).endswith("; the lower plan also states 2025: 80 (新建民用建筑)")


def test_a_requirement_stated_in_other_words_is_compared_not_missing():
    """湖南's retrofit threshold (PUE above 1.5 is retrofitted) is 湘江新区's 既有数据中心 PUE 力争不高于1.5."""
    threshold = PUE.model_copy(update={"id": "threshold", "stated_as": [
        StatedAs(indicator="pue", scope="既有数据中心")]})
    catalog = _Catalog(threshold, PUE, terms={"既有数据中心": "existing data centres"})
    upper = plan("province", [{"indicator": "threshold", "year": None, "value": 1.5}])
    existing = {"indicator": "pue", "year": None, "value": 1.5, "comparator": "at_most", "scope": "既有数据中心"}
    [row] = compare_plans(plan("county", [{**existing, "commitment": "aspirational"}]), upper, catalog)
    assert (row.verdict, row.lower_index) == (Verdict.WEAKER, 0)
    assert str(row.reason) == ("the commitment is weaker (aspirational (力争) vs firm); the lower plan states it as pue "
                             "(既有数据中心 (existing data centres)), which the catalogue equates with it")
    [row] = compare_plans(plan("county", [existing]), upper, catalog)
    assert row.verdict is Verdict.EQUAL
    [row] = compare_plans(plan("county", [{**existing, "scope": "新建数据中心"}]), upper, catalog)
    assert row.verdict is Verdict.MISSING  # only the scope the catalogue names states it


def test_a_stated_as_value_restricts_which_targets_state_the_requirement():
    """A 100% new-energy bus fleet means every new bus is one; a 90% fleet implies nothing."""
    fleet = SHARE.model_copy(update={"id": "fleet"})
    new = SHARE.model_copy(update={"stated_as": [StatedAs(indicator="fleet", value=100)]})
    upper = plan("province", [{"value": 100}])
    # without the catalogue's word for it, a fleet target is a related indicator, not this one
    assert rows(plan("city", [{"indicator": "fleet", "value": 100}]), upper) == [("share", 2025, Verdict.MISSING)]
    catalog = _Catalog(new, fleet)
    assert [r.verdict for r in compare_plans(plan("city", [{"indicator": "fleet", "value": 100}]), upper, catalog)] \
        == [Verdict.EQUAL]
    assert [r.verdict for r in compare_plans(plan("city", [{"indicator": "fleet", "value": 90}]), upper, catalog)] \
        == [Verdict.MISSING]
    # a target on the indicator itself is preferred to one that states it in other words
    both = plan("city", [{"indicator": "fleet", "value": 100}, {"value": 90}])
    [row] = compare_plans(both, upper, catalog)
    assert (row.lower_index, row.verdict) == (1, Verdict.WEAKER)


def test_reached_earlier_says_how_many_years():
    upper = plan("province", [{"year": 2030, "value": 65}])
    [row] = compare_plans(plan("city", [{"year": 2027, "value": 66}]), upper, CATALOG)
    assert str(row.reason).startswith("reached 3 years earlier: the lower plan's 2027 target already meets")
    assert row.reason.zh.startswith("提前3年达到：")
