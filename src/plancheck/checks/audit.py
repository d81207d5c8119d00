"""Audit: target-like numbers in a plan's sources that no target or skipped entry quotes.

A transcription is only trustworthy if it is complete. This check reads the
source texts the way a careful transcriber would skim them: every percentage,
every number with a unit of measure, every number bounded by 以上/以下/左右 or
introduced by 不低于/控制在/提高到…, when a year or a period (到2025年, “十四五”)
stands in the same sentence or earlier in the same paragraph (at most 300
characters back, since PDF text may be one long line). Each such number must lie
inside the quote of a target, of a fact, or of a ``skipped`` entry that says why it
is not a target. Only Arabic numerals are detected: numbers written in Chinese
numerals (三个, 一半) are left to the reviewer.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping

from plancheck.codes import CodeDoc
from plancheck.findings import Finding, Severity
from plancheck.models import Plan
from plancheck.textnorm import NormalizedText, SourceText, normalize

UNEXPLAINED_NUMBER = "PC103"

CODES = (
    CodeDoc(UNEXPLAINED_NUMBER, "unexplained-number", Severity.WARNING,
            "A target-like number in a source text is neither transcribed nor set aside.", """
Reported by `plancheck audit PLAN`. The sentence holds a percentage, a number
with a unit (万千瓦, 万吨, 个, 辆 ...), or a number bounded by 以上/以下/以内/左右 or
introduced by 不低于/不高于/控制在/达到/提高到 ..., near a year or period
(到2025年, “十四五”, 期间, 年底), and no target, fact or `skipped` entry quotes it.

Fix: transcribe it as a target, or add it to the plan's `skipped:` list with the
verbatim span and a reason (background fact, document number, date ...), so the
next reader knows it was considered.""".strip()),
)

_NUM = r"\d+(?:\.\d+)?"
_UNITS = ("千瓦时|千瓦|兆瓦|吉瓦|kWh|MWh|GWh|kW|MW|GW|吨标准煤|吨标煤|标准煤|吨|立方米|平方米|平方公里|公里|千米|"
          "公顷|亩|辆|台|套|个|家|座|处|项|所|户|人|元|倍|次|条|张|根|艘|架|小时|天|万|亿")
_TARGET_NUMBER = re.compile(
    rf"(?P<a>{_NUM})(?:%|‰|(?:万|亿|千|百)?(?:{_UNITS})|(?=以上|以下|以内|左右))"
    rf"|(?:不低于|不高于|不超过|低于|高于|超过|达到|降至|降到|降低到|降低至|下降到|下降至|提高到|提高至|提升到|提升至|"
    rf"控制在|突破|PUE值?|PUE值?(?:不高于|低于|小于|控制在|达到))(?P<b>{_NUM})"
)
_TIME_MARKER = re.compile(r"(?:19|20)\d{2}年|十三五|十四五|十五五|期间|年底|年前|年末|每年|年均|三年")
_SENTENCE_END = "。；！？;!?"
_LOOKBACK = 300


def audit_plan(plan: Plan, sources: Mapping[str, SourceText]) -> Iterator[Finding]:
    """One finding per sentence holding unexplained target-like numbers."""
    default_doc = plan.documents[0].id if len(plan.documents) == 1 else None
    quotes: dict[str, list[str]] = {doc_id: [] for doc_id in sources}
    for item in (*plan.targets, *plan.skipped):
        doc_id = item.document or default_doc
        if item.quote and doc_id in quotes:
            quotes[doc_id].append(item.quote)
    for fact in plan.jurisdiction.facts:
        doc_id = fact.document or default_doc
        if fact.quote and doc_id in quotes:
            quotes[doc_id].append(fact.quote)
    for doc_id in sorted(sources):
        yield from _audit_text(plan.jurisdiction.id, sources[doc_id], quotes[doc_id])


def _audit_text(plan_id: str, source: SourceText, quotes: list[str]) -> Iterator[Finding]:
    text = source.text.text
    covered = _covered(text, quotes)
    by_sentence: dict[tuple[int, int], list[str]] = {}
    for match in _TARGET_NUMBER.finditer(text):
        group = "a" if match.group("a") is not None else "b"
        start, end = match.span(group)
        if _is_year(text, start, end) or covered_span(covered, start, end):
            continue
        sentence = _sentence_around(source.text, start)
        window = max(start - _LOOKBACK, _paragraph_start(source.text, start))
        if not (_TIME_MARKER.search(text, sentence[0], sentence[1]) or _TIME_MARKER.search(text, window, start)):
            continue
        by_sentence.setdefault(sentence, []).append(match.group())
    for (s_start, s_end), numbers in sorted(by_sentence.items()):
        sentence = text[s_start:s_end]
        shown = sentence if len(sentence) <= 160 else sentence[:159] + "…"
        yield Finding(UNEXPLAINED_NUMBER, Severity.WARNING,
                      f"{'number' if len(numbers) == 1 else 'numbers'} {', '.join(dict.fromkeys(numbers))} "
                      f"not quoted by any target or skipped entry: {shown}",
                      plan=plan_id, file=source.display, line=source.text.line_of(s_start), column=None)


def _covered(text: str, quotes: list[str]) -> list[tuple[int, int]]:
    spans = []
    for quote in quotes:
        q = normalize(quote)
        if not q:
            continue
        at = text.find(q)
        while at >= 0:
            spans.append((at, at + len(q)))
            at = text.find(q, at + 1)
    return sorted(spans)


def covered_span(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _is_year(text: str, start: int, end: int) -> bool:
    return end - start == 4 and text[start:start + 2] in ("19", "20") and text[end:end + 1] == "年"


def _paragraph_start(source: NormalizedText, index: int) -> int:
    """First normalised index on the same line of the original text (PDF text may be one line)."""
    line_start = source.original.rfind("\n", 0, source.origin[index]) + 1
    return bisect.bisect_left(source.origin, line_start)


def _sentence_around(source: NormalizedText, index: int) -> tuple[int, int]:
    """Sentence bounds: split at 。；！？ and at the original text's line breaks."""
    text, origin, original = source.text, source.origin, source.original

    def line_break_between(i: int, j: int) -> bool:
        return "\n" in original[origin[i]:origin[j]]

    start = index
    while start > 0 and text[start - 1] not in _SENTENCE_END and not line_break_between(start - 1, start):
        start -= 1
    end = index
    while end < len(text) and text[end] not in _SENTENCE_END and (end + 1 >= len(text) or not line_break_between(end, end + 1)):
        end += 1
    return start, min(end + 1, len(text))
