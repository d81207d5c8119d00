"""Cross-references inside one plan that a per-field schema cannot see.

These are load errors (``PC013``-``PC015``, ``PC017``): a plan whose targets point at a
missing document or an unknown indicator cannot be compared meaningfully, so
the run stops with exit 2 rather than producing verdicts on broken data.
"""

from __future__ import annotations

from collections.abc import Iterator

from plancheck.catalog import Catalog
from plancheck.codes import CodeDoc
from plancheck.findings import Finding, Severity
from plancheck.models import Plan
from plancheck.reason import Reason
from plancheck.units import conversion_factor

CODES = (
    CodeDoc("PC013", "broken-reference", Severity.ERROR, "A reference inside the plan points at nothing.", """
A target names a document id the plan does not list, a plan with several
documents has a target that names none, two documents share an id, or a
document's source text file does not exist.
""".strip()),
    CodeDoc("PC014", "missing-quote", Severity.ERROR, "A target of a published document has no quote.", """
Every target transcribed from a published document carries the verbatim
sentence it came from, so a reader can audit the number. Only targets of
documents with `status: draft` may omit it.
""".strip()),
    CodeDoc("PC015", "unknown-indicator", Severity.ERROR, "A target names an indicator the catalogue does not define.", """
Indicator ids come from the catalogue in `rules/indicators.yaml`
(`plancheck indicators` lists them). Add the indicator there, with its
direction and binding rule, before using it in a plan.
""".strip()),
    CodeDoc("PC017", "unit-mismatch", Severity.ERROR, "A target's unit does not convert to its indicator's unit.", """
A plan keeps each number in the unit of its sentence (8.45亿立方米), and the
comparison converts it to the catalogue's unit (万立方米). Only the multiples 万
(10^4) and 亿 (10^8) and the abbreviation 标煤 = 标准煤 convert; any other unit is
refused rather than guessed, because comparing 千瓦 with 千瓦时 or a share with a
count would give a verdict on nothing. Fix the unit, or choose the indicator that
measures what the sentence measures.
""".strip()),
)


def check_structure(plan: Plan, catalog: Catalog) -> Iterator[Finding]:
    plan_id = plan.jurisdiction.id
    documents = {}
    for i, doc in enumerate(plan.documents):
        if doc.id in documents:
            yield Finding("PC013", Reason(f"documents[{i}]: document id {doc.id!r} is used twice",
                                          f"documents[{i}]：文件 id {doc.id!r} 重复使用"),
                          plan=plan_id, path=("documents", i, "id"))
        documents.setdefault(doc.id, doc)
        if doc.status == "published" and doc.source is None:
            yield Finding("PC013", Reason(
                f"documents[{i}]: published document {doc.id!r} needs its source text (source:) so its quotes can "
                "be verified", f"documents[{i}]：已发布的文件 {doc.id!r} 需要提供全文（source:），以便核对原文"),
                plan=plan_id, path=("documents", i))

    only = plan.documents[0] if len(plan.documents) == 1 else None
    for i, target in enumerate(plan.targets):
        where = f"targets[{i}]"
        if target.indicator not in catalog:
            yield Finding("PC015", Reason(
                f"{where}.indicator: {target.indicator!r} is not in the catalogue ({catalog.file})",
                f"{where}.indicator：{target.indicator!r} 不在指标目录（{catalog.file}）中"),
                plan=plan_id, path=("targets", i, "indicator"), indicator=target.indicator, year=target.year)
        elif conversion_factor(target.unit, catalog.indicators[target.indicator].unit) is None:
            unit = catalog.indicators[target.indicator].unit
            yield Finding("PC017", Reason(
                f"{where}.unit: {target.unit!r} does not convert to {target.indicator}'s unit "
                f"({unit or 'no unit'}); only 万/亿 multiples and 标煤 = 标准煤 convert",
                f"{where}.unit：{target.unit!r} 无法换算为 {target.indicator} 的单位"
                f"（{unit or '无单位'}）；只有 万/亿 倍数和 标煤 = 标准煤 可以换算"),
                plan=plan_id, path=("targets", i, "unit"), indicator=target.indicator, year=target.year)
        if target.document is None:
            doc = only
            if doc is None:
                yield Finding("PC013", Reason(
                    f"{where}: the plan lists {len(plan.documents)} documents; name this target's document "
                    "(document: ID)",
                    f"{where}：规划列有 {len(plan.documents)} 个文件；请写明该目标出自哪个文件（document: ID）"),
                    plan=plan_id, path=("targets", i), indicator=target.indicator, year=target.year)
                continue
        else:
            doc = documents.get(target.document)
            if doc is None:
                known = ", ".join(sorted(documents))
                yield Finding("PC013", Reason(
                    f"{where}.document: {target.document!r} is not one of the plan's documents ({known})",
                    f"{where}.document：{target.document!r} 不是本规划所列的文件（{known}）"),
                    plan=plan_id, path=("targets", i, "document"), indicator=target.indicator, year=target.year)
                continue
        if doc.status == "published" and target.quote is None:
            yield Finding("PC014", Reason(
                f"{where}: targets of published document {doc.id!r} need the verbatim quote they come from",
                f"{where}：已发布的文件 {doc.id!r} 中的目标需要注明其出处的原文（quote）"),
                plan=plan_id, path=("targets", i), indicator=target.indicator, year=target.year)
