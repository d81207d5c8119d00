"""Provenance (checks/provenance.py: PC101/PC102): every quote is in its source text and every
value in its quote, on tiny inline plans through ``family_findings``. The normalisation it
relies on is tested in test_textnorm.py."""

from __future__ import annotations

from plancheck.checks import provenance

from helpers import MINIMAL_PLAN, family_findings, line_of, position_of

WHERE = ("code", "path", "line", "column")


def findings(tmp_path, text: str, fields=WHERE, **kw) -> list[tuple]:
    return family_findings(provenance, tmp_path, text, fields=fields, **kw)


def test_verbatim_quote_passes(tmp_path):
    assert findings(tmp_path, MINIMAL_PLAN) == []


def test_quote_with_one_character_changed_fails(tmp_path):
    text = MINIMAL_PLAN.replace("非化石能源消费比重达到22%以上", "非化石能源消费比例达到22%以上")
    assert findings(tmp_path, text) == [("PC101", ("targets", 0, "quote"), *position_of(text, "非化石能源消费比例"))]


def test_value_not_in_its_quote_fails(tmp_path):
    text = MINIMAL_PLAN.replace("value: 22", "value: 23")
    assert findings(tmp_path, text) == [("PC102", ("targets", 0, "quote"), *position_of(text, "非化石能源消费比重"))]


def test_the_pipeline_reports_provenance_at_the_quote_line(tmp_path):
    text = MINIMAL_PLAN.replace("达到22%以上", "达到23%以上")
    # every finding of the run: both are at the quote, and neither is a load error
    assert family_findings(None, tmp_path, text, fields=("code", "line"), command="validate") == [
        ("PC101", line_of(text, "quote:")), ("PC102", line_of(text, "quote:"))]


def test_skipped_quotes_are_checked_too(tmp_path):
    text = MINIMAL_PLAN + "skipped:\n  - quote: 森林覆盖率稳定在58%以上\n    reason: background\n"
    assert family_findings(None, tmp_path, text, fields=("code", "line"), command="validate") == [
        ("PC101", line_of(text, "58%"))]


def test_a_quote_is_matched_after_normalising_both_sides(tmp_path):
    """Full-width digits and spaces in the source, an ideographic space in the quote: one text."""
    source = "到2025年， 非化石能源消费比重 提高至　２２％以上。\n"
    text = MINIMAL_PLAN.replace("非化石能源消费比重达到22%以上", "非化石能源消费比重提高至 22%以上")
    assert findings(tmp_path, text, sources={"source.txt": source}) == []
    assert findings(tmp_path, MINIMAL_PLAN, sources={"source.txt": source}) == [
        ("PC101", ("targets", 0, "quote"), *position_of(MINIMAL_PLAN, "非化石能源消费比重"))]


def test_a_value_of_100_may_be_a_whole_scope_word(tmp_path):
    source = "到2025年，新建公共建筑全面执行绿色建筑标准。\n"
    text = MINIMAL_PLAN.replace("non_fossil_energy_share", "green_building_share_new_buildings").replace(
        "value: 22", "value: 100").replace("非化石能源消费比重达到22%以上", "新建公共建筑全面执行绿色建筑标准")
    assert findings(tmp_path, text, sources={"source.txt": source}) == []
    assert findings(tmp_path, text.replace("value: 100", "value: 90"), sources={"source.txt": source}) == [
        ("PC102", ("targets", 0, "quote"), *position_of(text, "新建公共建筑"))]


def test_without_a_source_only_the_value_is_checked_against_the_quote(tmp_path):
    """A draft without a source text has nothing to find its quotes in (no PC101), but a quote
    still has to state the value (PC102)."""
    draft = MINIMAL_PLAN.replace("    status: published\n    source: source.txt\n", "    status: draft\n")
    elsewhere = draft.replace("非化石能源消费比重达到22%以上", "非化石能源比重力争达到22%")
    assert findings(tmp_path, elsewhere) == []
    wrong = elsewhere.replace("value: 22", "value: 23")
    assert findings(tmp_path, wrong) == [("PC102", ("targets", 0, "quote"), *position_of(wrong, "非化石能源比重"))]
