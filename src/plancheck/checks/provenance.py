"""Provenance: every quote is found verbatim in its document, every value in its quote.

Transcriptions are data with provenance. A quote that is not in the source, or
a number that its own quote does not state, means the target cannot be
audited, whatever else is right about it. Matching uses the single
normalisation of ``plancheck.textnorm`` (NFKC, whitespace and page markers
and Markdown emphasis dropped), never fuzzy matching.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from plancheck.codes import CodeDoc
from plancheck.findings import Finding, Severity
from plancheck.models import Plan
from plancheck.reason import Reason
from plancheck.textnorm import normalize, value_in_normalized
from plancheck.wording import format_number

QUOTE_NOT_FOUND = "PC101"
VALUE_NOT_IN_QUOTE = "PC102"

CODES = (
    CodeDoc(QUOTE_NOT_FOUND, "quote-not-found", Severity.ERROR,
            "A quote does not occur in its document's source text.", """
Each target's `quote` (and each `skipped` or fact quote) must occur verbatim in the
source text of its document (`documents[].source`). Before matching, both sides
are normalised the same way: page markers such as `— 5 —` and Markdown `**`
removed, Unicode NFKC applied (full-width ２０％ reads as 20%), all whitespace
removed. Nothing else is forgiven: a quote with one character changed fails.

Fix: copy the span again from the source text; do not retype it.""".strip()),
    CodeDoc(VALUE_NOT_IN_QUOTE, "value-not-in-quote", Severity.ERROR,
            "A target's value is not stated in its own quote.", """
A target's `value` must be written in its quote, as an Arabic number (20, 62.92)
or a Chinese numeral (三十, 一半 = 50), or, for a value of 100, by a whole-scope
word (全覆盖, 全面, 全部, 全域, 全额, 所有). Units are not converted: when the text says
30万千瓦 the value is 30 with unit 万千瓦. A value that needs arithmetic on the
quote is a sign the quote is too short or the value is derived.""".strip()),
)


def check_provenance(plan: Plan, sources: Mapping[str, str]) -> Iterator[Finding]:
    """``sources`` maps document id → normalised source text (documents without one are skipped)."""
    plan_id = plan.jurisdiction.id

    def quote_problem(quote: str, doc_id: str | None, path: tuple, normalized: str | None = None,
                      **context) -> Finding | None:
        document = plan.document_of(doc_id)
        if document is None or document.id not in sources:
            return None
        doc_id = document.id
        if (normalized if normalized is not None else normalize(quote)) in sources[doc_id]:
            return None
        return Finding(QUOTE_NOT_FOUND,
                       Reason(f"{_where(path)}: quote not found in the source text of {doc_id!r}: {_clip(quote)}",
                              f"{_where(path)}：在文件 {doc_id!r} 的全文中找不到这段原文：{_clip(quote)}"),
                       plan=plan_id, path=path, **context)

    for i, target in enumerate(plan.targets):
        context = {"indicator": target.indicator, "year": target.year}
        if target.quote is None:
            continue
        normalized = normalize(target.quote)
        problem = quote_problem(target.quote, target.document, ("targets", i, "quote"), normalized, **context)
        if problem is not None:
            yield problem
        if target.value is not None and not value_in_normalized(target.value, normalized):
            value, quote = format_number(target.value), _clip(target.quote)
            yield Finding(VALUE_NOT_IN_QUOTE,
                          Reason(f"targets[{i}]: value {value} does not appear in its quote: {quote}",
                                 f"targets[{i}]：数值 {value} 没有出现在它的原文中：{quote}"),
                          plan=plan_id, path=("targets", i, "quote"), **context)
    for i, skipped in enumerate(plan.skipped):
        problem = quote_problem(skipped.quote, skipped.document, ("skipped", i, "quote"))
        if problem is not None:
            yield problem
    for i, fact in enumerate(plan.jurisdiction.facts):
        if fact.quote is not None:
            problem = quote_problem(fact.quote, fact.document, ("jurisdiction", "facts", i, "quote"))
            if problem is not None:
                yield problem


def _where(path: tuple) -> str:
    from plancheck.schema_errors import format_path

    return format_path(path[:-1])


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
