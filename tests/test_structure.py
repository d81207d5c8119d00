"""Cross-references inside one plan (checks/structure.py), on tiny inline plans."""

from __future__ import annotations

from plancheck.checks.structure import check_structure
from helpers import load as load_plan
from plancheck.models import Plan

from helpers import MINIMAL_PLAN, line_of

TWO_DOCS = MINIMAL_PLAN.replace("targets:\n", """\
  - id: second
    title: 第二个文件
    status: draft
targets:
""")


def plan_of(data_text: str) -> Plan:
    import yaml

    return Plan.model_validate(yaml.safe_load(data_text))


def test_clean_plan_has_no_structure_findings(catalog):
    assert list(check_structure(plan_of(MINIMAL_PLAN), catalog)) == []


def test_target_must_name_its_document_when_there_are_several(catalog):
    findings = list(check_structure(plan_of(TWO_DOCS), catalog))
    assert [(f.code, f.path) for f in findings] == [("PC013", ("targets", 0))]


def test_unknown_document_reference(catalog):
    text = TWO_DOCS.replace("    quote:", "    document: third\n    quote:")
    findings = list(check_structure(plan_of(text), catalog))
    assert [(f.code, f.path) for f in findings] == [("PC013", ("targets", 0, "document"))]
    assert "'third'" in findings[0].message


def test_published_targets_need_quotes_drafts_do_not(catalog):
    no_quote = TWO_DOCS.replace("    quote: 非化石能源消费比重达到22%以上\n", "    document: DOC\n")
    published = list(check_structure(plan_of(no_quote.replace("DOC", "doc")), catalog))
    assert [f.code for f in published] == ["PC014"]
    assert list(check_structure(plan_of(no_quote.replace("DOC", "second")), catalog)) == []


def test_unknown_indicator(catalog):
    findings = list(check_structure(plan_of(MINIMAL_PLAN.replace("non_fossil_energy_share", "made_up")), catalog))
    assert [(f.code, f.path) for f in findings] == [("PC015", ("targets", 0, "indicator"))]


def test_unit_must_convert_to_the_catalogue_unit(catalog):
    """%, no unit, and 万/亿 multiples pass; a unit of another kind is refused where it is written."""
    with_unit = MINIMAL_PLAN.replace("    quote:", "    unit: UNIT\n    quote:")
    assert list(check_structure(plan_of(with_unit.replace("UNIT", '"%"')), catalog)) == []
    findings = list(check_structure(plan_of(with_unit.replace("UNIT", "万千瓦")), catalog))
    assert [(f.code, f.path) for f in findings] == [("PC017", ("targets", 0, "unit"))]
    assert "'万千瓦'" in findings[0].message and "(%)" in findings[0].message


def test_duplicate_document_ids(catalog):
    text = TWO_DOCS.replace("id: second", "id: doc").replace("    quote:", "    document: doc\n    quote:")
    findings = list(check_structure(plan_of(text), catalog))
    assert [(f.code, f.path) for f in findings] == [("PC013", ("documents", 1, "id"))]


def test_engine_locates_structure_findings_and_missing_sources(write_plan, catalog):
    text = MINIMAL_PLAN.replace("non_fossil_energy_share", "made_up").replace("source: source.txt", "source: gone.txt")
    plan, problems = load_plan(write_plan(text), catalog)
    assert plan is None
    assert sorted((p.code, p.line) for p in problems) == [("PC013", line_of(text, "gone.txt")),
                                                          ("PC015", line_of(text, "made_up"))]
