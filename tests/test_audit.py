"""Audit (checks/audit.py: PC103): target-like numbers in the sources that nothing quotes, on
a tiny inline plan and source through ``family_findings``."""

from __future__ import annotations

from plancheck.checks import audit

from helpers import MINIMAL_PLAN, family_findings, line_of

SOURCE = (
    "湖南省某县碳达峰实施方案\n"
    "一、主要目标\n"
    "到2025年，非化石能源消费比重达到22%以上。森林覆盖率稳定在59%以上。\n"
    "二、背景\n"
    "全县现有人口30万人，文件编号湘政发〔2022〕19号。\n"
    "到2030年，新能源装机达到135万千瓦，数据中心PUE不高于1.3。\n"
)


def findings(tmp_path, extra: str = "", fields=("code", "file", "line", "message")) -> list[tuple]:
    return family_findings(audit, tmp_path, MINIMAL_PLAN + extra, {"source.txt": SOURCE}, fields=fields)


def test_unquoted_numbers_near_a_year_are_listed_with_their_line(tmp_path):
    listed = [(code, file, line, message.split(" not quoted")[0]) for code, file, line, message in findings(tmp_path)]
    assert listed == [
        ("PC103", "plans/source.txt", line_of(SOURCE, "59%"), "number 59%"),
        ("PC103", "plans/source.txt", line_of(SOURCE, "135万千瓦"), "numbers 达到135, PUE不高于1.3"),
    ]


def test_numbers_without_a_nearby_year_and_document_numbers_are_not_target_like(tmp_path):
    messages = " ".join(message for *_, message in findings(tmp_path))
    assert "59%" in messages  # the audit did read the source
    assert "30万人" not in messages and "19号" not in messages


def test_skipped_entries_and_targets_explain_numbers(tmp_path):
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
    assert findings(tmp_path, extra) == []
    # and each entry explains its own numbers only
    assert [line for _, _, line, _ in findings(tmp_path, extra.split("  - quote: 新能源")[0])] == [
        line_of(SOURCE, "135万千瓦")]


def test_audit_findings_carry_their_documented_severity(tmp_path):
    [documented] = audit.CODES
    assert [severity for (severity,) in findings(tmp_path, fields=("severity",))] == [documented.severity.value] * 2
