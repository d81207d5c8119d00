"""Audit (PC103): target-like numbers in the sources that nothing quotes."""

from __future__ import annotations

from plancheck.checks.audit import audit_plan
from plancheck.models import Plan
from plancheck.textnorm import SourceText, normalize_with_origin

from helpers import MINIMAL_PLAN

SOURCE = (
    "湖南省某县碳达峰实施方案\n"
    "一、主要目标\n"
    "到2025年，非化石能源消费比重达到22%以上。森林覆盖率稳定在59%以上。\n"
    "二、背景\n"
    "全县现有人口30万人，文件编号湘政发〔2022〕19号。\n"
    "到2030年，新能源装机达到135万千瓦，数据中心PUE不高于1.3。\n"
)


def plan_of(extra: str = "") -> Plan:
    import yaml

    return Plan.model_validate(yaml.safe_load(MINIMAL_PLAN + extra))


def run(plan: Plan) -> list:
    return list(audit_plan(plan, {"doc": SourceText("src.txt", normalize_with_origin(SOURCE))}))


def test_unquoted_numbers_near_a_year_are_listed_with_their_line():
    findings = run(plan_of())
    listed = [(f.code, f.line, f.message.split(" not quoted")[0]) for f in findings]
    assert listed == [
        ("PC103", 3, "number 59%"),
        ("PC103", 6, "numbers 达到135, PUE不高于1.3"),
    ]


def test_numbers_without_a_nearby_year_and_document_numbers_are_not_target_like():
    messages = " ".join(f.message for f in run(plan_of()))
    assert "30万人" not in messages and "19号" not in messages


def test_skipped_entries_and_targets_explain_numbers():
    extra = """\
  - indicator: data_center_pue
    year: 2030
    value: 1.3
    comparator: at_most
    quote: 数据中心PUE不高于1.3
skipped:
  - quote: 森林覆盖率稳定在59%以上
    reason: test
  - quote: 新能源装机达到135万千瓦
    reason: test
"""
    assert run(plan_of(extra)) == []
