"""The drafting rules (extraction.py) on tiny inline texts, each reading checked by hand
against the sentence: indicator, year, value, comparator, commitment and hedge, base year,
scope, condition, deferral, the numbers set aside, and the document header."""

from __future__ import annotations

import textwrap

import pytest

from plancheck.catalog import load_catalog
from plancheck.extraction import document_header, extract_draft

from helpers import REPO

TEXT = textwrap.dedent("""\
    一、主要目标
    到2025年，非化石能源消费比重达到22%左右，单位地区生产总值能耗比2020年下降14%以上。
    力争到2030年，森林覆盖率稳定在60%以上。
    （一）交通和数据中心
    1.新建大型、超大型数据中心电能利用效率不高于1.3。
    “十四五”期间，集装箱铁水联运量年均增长15%左右。
    城区常住人口100万以上城市绿色出行比例不低于50%，到2030年，不低于70%。
    单位地区生产总值能耗和二氧化碳排放下降完成省下达目标。
    到2025年，三大粮食作物化肥、农药利用率均提高到43%。
    到2025年，营运车辆单位运输周转量能耗和二氧化碳排放下降率分别达到6%和6.2%。
    2020年，全省非化石能源消费比重达到18%。
    到2025年，新建游泳池100个。
    确保2030年前实现碳达峰。
    """)


@pytest.fixture(scope="module")
def draft():
    return extract_draft(TEXT, load_catalog(REPO / "rules"))


def _one(draft, indicator, year="any"):
    found = [t for t in draft.targets if t.indicator == indicator and (year == "any" or t.year == year)]
    assert len(found) == 1, [(t.indicator, t.year, t.value) for t in draft.targets]
    return found[0]


def test_a_share_with_its_year_hedge_and_section(draft):
    share = _one(draft, "non_fossil_energy_share")
    assert (share.year, share.value, share.unit, share.comparator) == (2025, 22, "%", "reach")
    assert (share.approximate, share.hedge, share.section) == (True, "左右", "一")
    assert share.quote == "非化石能源消费比重达到22%左右"


def test_a_reduction_against_a_base_year_and_a_floor(draft):
    cut = _one(draft, "energy_intensity_reduction", 2025)
    assert (cut.value, cut.comparator, cut.base_year, cut.deferred) == (14, "at_least", 2020, False)


def test_an_aspiration_opening_the_sentence(draft):
    forest = _one(draft, "forest_coverage")
    assert (forest.year, forest.value, forest.comparator) == (2030, 60, "at_least")
    assert (forest.commitment, forest.hedge) == ("aspirational", "力争…以上")


def test_a_cap_for_a_scope_the_catalogue_knows(draft):
    pue = _one(draft, "data_center_pue")
    assert (pue.year, pue.value, pue.comparator, pue.scope) == (None, 1.3, "at_most", "新建大型、超大型数据中心")
    assert pue.section == "一(一)1" and pue.review == ["no year in the sentence or its paragraph"]


def test_a_five_year_period(draft):
    growth = _one(draft, "container_rail_water_volume_growth")
    assert (growth.year, growth.period, growth.value, growth.approximate) == (2025, (2021, 2025), 15, True)


def test_a_condition_and_a_second_figure_carried_on(draft):
    travel = sorted((t for t in draft.targets if t.indicator == "green_travel_share"), key=lambda t: t.value)
    assert [(t.year, t.value, t.comparator) for t in travel] == [(None, 50, "at_least"), (2030, 70, "at_least")]
    assert all(t.condition == {"text": "城区常住人口100万以上城市", "fact": "urban_resident_population",
                               "comparator": "at_least", "value": 100, "unit": "万人", "levels": ["city"]}
               for t in travel)
    assert not [t for t in draft.targets if t.value == 100]  # the condition's 100万 is no target


def test_a_deferral_names_each_indicator(draft):
    deferred = sorted((t.indicator, t.value, t.hedge) for t in draft.targets if t.deferred)
    assert deferred == [("co2_intensity_reduction", None, "完成省下达目标"),
                        ("energy_intensity_reduction", None, "完成省下达目标")]


def test_each_and_respectively(draft):
    """均: one number for both indicators; 分别: the numbers in the order the indicators stand."""
    assert {(t.indicator, t.value) for t in draft.targets if t.value == 43} == {
        ("fertilizer_utilization_rate", 43), ("pesticide_utilization_rate", 43)}
    assert _one(draft, "operating_transport_energy_intensity_reduction").value == 6
    assert _one(draft, "operating_transport_co2_intensity_reduction").value == 6.2


def test_a_peaking_deadline(draft):
    peak = _one(draft, "co2_emissions_peak_year")
    assert (peak.year, peak.value, peak.comparator, peak.commitment) == (2030, 2030, "at_most", "binding")


def test_numbers_it_cannot_place_are_set_aside_never_guessed(draft):
    reasons = {skip.quote: skip.reason for skip in draft.skipped}
    assert reasons == {
        "全省非化石能源消费比重达到18%": "a figure for 2020, before the plan's period (background)",
        "新建游泳池100个": "extract found no catalogue indicator named before this number: review",
    }
    assert not [t for t in draft.targets if t.value in (18, 100)]


def test_the_same_text_gives_the_same_draft(draft):
    again = extract_draft(TEXT, load_catalog(REPO / "rules"))
    assert again == draft


def test_the_header_is_read_where_the_text_states_it():
    notice = "某某县人民政府文件\n某政发〔2024〕3号\n某某县人民政府关于印发《某某县碳达峰实施方案》的通知\n正文。\n某某县人民政府\n2024年3月 日\n"
    header = document_header(notice)
    assert (header.title, header.issuer, header.number, header.date) == (
        "某某县碳达峰实施方案", "某某县人民政府", "某政发〔2024〕3号", "2024-03")
    cited = "某某县碳达峰实施方案\n根据《方案》（湘政发〔2022〕19号）制定。\n"
    assert document_header(cited) == type(header)("某某县碳达峰实施方案", None, None, None)
