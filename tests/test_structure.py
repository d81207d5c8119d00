"""Structure (checks/structure.py: PC013-PC015, PC017): cross-references inside one plan, on
tiny inline plans through ``family_findings``."""

from __future__ import annotations

from plancheck.checks import structure

from helpers import MINIMAL_PLAN, family_findings, line_of, position_of
from helpers import load as load_plan

TWO_DOCS = MINIMAL_PLAN.replace("targets:\n", """\
  - id: second
    title: 第二个文件
    status: draft
targets:
""")

WHERE = ("code", "path", "line", "column")


def findings(tmp_path, text: str, fields=WHERE) -> list[tuple]:
    return family_findings(structure, tmp_path, text, fields=fields)


def test_clean_plan_has_no_structure_findings(tmp_path):
    assert findings(tmp_path, MINIMAL_PLAN) == []


def test_target_must_name_its_document_when_there_are_several(tmp_path):
    assert findings(tmp_path, TWO_DOCS) == [
        ("PC013", ("targets", 0), *position_of(TWO_DOCS, "indicator: non_fossil_energy_share"))]


def test_unknown_document_reference(tmp_path):
    text = TWO_DOCS.replace("    quote:", "    document: third\n    quote:")
    found = findings(tmp_path, text, WHERE + ("message",))
    assert [row[:4] for row in found] == [("PC013", ("targets", 0, "document"), *position_of(text, "third"))]
    assert "'third'" in found[0][4]


def test_published_targets_need_quotes_drafts_do_not(tmp_path):
    no_quote = TWO_DOCS.replace("    quote: 非化石能源消费比重达到22%以上\n", "    document: DOC\n")
    published = no_quote.replace("DOC", "doc")
    assert findings(tmp_path, published) == [
        ("PC014", ("targets", 0), *position_of(published, "indicator: non_fossil_energy_share"))]
    assert findings(tmp_path, no_quote.replace("DOC", "second")) == []


def test_unknown_indicator(tmp_path):
    text = MINIMAL_PLAN.replace("non_fossil_energy_share", "made_up")
    assert findings(tmp_path, text) == [("PC015", ("targets", 0, "indicator"), *position_of(text, "made_up"))]


def test_unit_must_convert_to_the_catalogue_unit(tmp_path):
    """%, no unit, and 万/亿 multiples pass; a unit of another kind is refused where it is written."""
    with_unit = MINIMAL_PLAN.replace("    quote:", "    unit: UNIT\n    quote:")
    assert findings(tmp_path, with_unit.replace("UNIT", '"%"')) == []
    text = with_unit.replace("UNIT", "万千瓦")
    found = findings(tmp_path, text, WHERE + ("message",))
    assert [row[:4] for row in found] == [("PC017", ("targets", 0, "unit"), *position_of(text, "万千瓦"))]
    assert "'万千瓦'" in found[0][4] and "(%)" in found[0][4]


def test_duplicate_document_ids(tmp_path):
    text = TWO_DOCS.replace("id: second", "id: doc").replace("    quote:", "    document: doc\n    quote:")
    assert findings(tmp_path, text) == [("PC013", ("documents", 1, "id"), *position_of(text, "id: doc", 2, at="doc"))]


def test_a_published_document_needs_its_source_text(tmp_path):
    text = MINIMAL_PLAN.replace("    source: source.txt\n", "")
    found = findings(tmp_path, text, WHERE + ("message",))
    assert [row[:4] for row in found] == [("PC013", ("documents", 0), *position_of(text, "id: doc"))]
    assert "needs its source text" in found[0][4]


def test_the_pipeline_locates_structure_findings_and_missing_sources(tmp_path, write_plan, catalog):
    text = MINIMAL_PLAN.replace("non_fossil_energy_share", "made_up").replace("source: source.txt", "source: gone.txt")
    assert findings(tmp_path, text, ("code", "line")) == [("PC013", line_of(text, "gone.txt")),
                                                         ("PC015", line_of(text, "made_up"))]
    plan, problems = load_plan(write_plan(text), catalog)
    assert plan is None  # a load error: the plan is not compared
    assert sorted((p.code, p.line) for p in problems) == [("PC013", line_of(text, "gone.txt")),
                                                          ("PC015", line_of(text, "made_up"))]
