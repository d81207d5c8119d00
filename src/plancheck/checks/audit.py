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
import heapq
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from plancheck.codes import CodeDoc
from plancheck.findings import Finding, Severity
from plancheck.models import Plan
from plancheck.reason import Reason
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
# A number followed by a unit starts where its digits start, and what follows it is no digit: a
# match never starts inside a run of digits, nor gives digits back to try the units again. Both
# are what the pattern finds anyway; without them a long run of digits costs quadratic time.
_TARGET_NUMBER = re.compile(
    rf"(?<!\d)(?P<a>(?>{_NUM}))(?:%|‰|(?:万|亿|千|百)?(?:{_UNITS})|(?=以上|以下|以内|左右))"
    rf"|(?:不低于|不高于|不超过|低于|高于|超过|达到|降至|降到|降低到|降低至|下降到|下降至|提高到|提高至|提升到|提升至|"
    rf"控制在|突破|PUE值?|PUE值?(?:不高于|低于|小于|控制在|达到))(?P<b>{_NUM})"
)
_TIME_MARKER = re.compile(r"(?:19|20)\d{2}年|十三五|十四五|十五五|期间|年底|年前|年末|每年|年均|三年")
_SENTENCE_END = "。；！？;!?"
_SENTENCE_BREAK = re.compile(f"[{re.escape(_SENTENCE_END)}]")
_DIGIT = re.compile(r"\d")
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


@dataclass(frozen=True, slots=True)
class TargetNumber:
    """A target-like number in a normalised text: the digits' span, the whole match (with its
    unit or the word that bounds it) and the sentence it stands in."""

    start: int
    end: int
    match: re.Match[str]
    sentence: tuple[int, int]


def target_like_numbers(source: NormalizedText, skip: Callable[[int, int], bool] = lambda s, e: False,
                        *, timeless: bool = False) -> Iterator[TargetNumber]:
    """Every target-like number near a year or period, in text order; ``plancheck extract`` drafts
    a target or a skipped entry from each, so the audit of a draft finds nothing left over.
    ``skip(start, end)`` is asked first, in order of ``start``: a number it covers costs nothing more.
    ``timeless``: also the numbers with no year or period near them (a PUE cap stated once for all
    years), which ``extract`` drafts and the audit does not ask for.

    Each step is bisected or done once per text or per sentence, never walked per number:
    walking from each number to the ends of its sentence and the start of its line, searching
    its whole sentence for a time marker and testing it against every quoted span made a long
    sentence or line (PDF text), or a short quote found thousands of times, quadratic."""
    text = source.text
    layout: Layout | None = None  # built for the first number that needs it
    marked: dict[tuple[int, int], bool] = {}  # sentence -> whether a time marker stands in it
    for match in _TARGET_NUMBER.finditer(text):
        group = "a" if match.group("a") is not None else "b"
        start, end = match.span(group)
        if _is_year(text, start, end) or skip(start, end):
            continue
        if layout is None:
            layout = Layout(source)
        sentence = layout.sentence_around(start)
        in_sentence = marked.get(sentence)
        if in_sentence is None:
            in_sentence = marked[sentence] = _TIME_MARKER.search(text, sentence[0], sentence[1]) is not None
        if not in_sentence and not timeless:
            window = max(start - _LOOKBACK, layout.paragraph_start(start))
            if not _TIME_MARKER.search(text, window, start):
                continue
        yield TargetNumber(start, end, match, sentence)


def _audit_text(plan_id: str, source: SourceText, quotes: list[str]) -> Iterator[Finding]:
    text = source.text.text
    covered = _Coverage(text, quotes)
    by_sentence: dict[tuple[int, int], list[str]] = {}
    for number in target_like_numbers(source.text, covered.covers):
        by_sentence.setdefault(number.sentence, []).append(number.match.group())
    for (s_start, s_end), numbers in sorted(by_sentence.items()):
        sentence = text[s_start:s_end]
        shown = sentence if len(sentence) <= 160 else sentence[:159] + "…"
        distinct = list(dict.fromkeys(numbers))
        yield Finding(UNEXPLAINED_NUMBER,
                      Reason(f"{'number' if len(numbers) == 1 else 'numbers'} {', '.join(distinct)} "
                             f"not quoted by any target or skipped entry: {shown}",
                             f"数字 {'、'.join(distinct)} 没有被任何目标或 skipped 条目引用：{shown}"),
                      plan=plan_id, file=source.display, line=source.text.line_of(s_start), column=None)


class _Coverage:
    """The spans of a text that quotes cover, asked in order whether a span lies inside one.

    The occurrences of every quote are merged in order of where they start and passed once,
    keeping the furthest end so far: trying each number against every occurrence was quadratic
    when a short quote occurs thousands of times, and a list of them all would take memory."""

    def __init__(self, text: str, quotes: list[str]) -> None:
        found = (_occurrences(text, q) for q in sorted({normalize(quote) for quote in quotes})
                 if _DIGIT.search(q))  # a number's span starts with a digit: a quote without one covers none
        self._spans = heapq.merge(*found)
        self._next = next(self._spans, None)
        self._reach = -1  # the furthest end of the spans that start at or before the last start asked
        self._asked = 0

    def covers(self, start: int, end: int) -> bool:
        """Whether one span has ``s <= start`` and ``end <= e``; ``start`` never decreases."""
        assert start >= self._asked, "asked out of order"
        self._asked = start
        while self._next is not None and self._next[0] <= start:
            self._reach = max(self._reach, self._next[1])
            self._next = next(self._spans, None)
        return self._reach >= end


def _occurrences(text: str, quote: str) -> Iterator[tuple[int, int]]:
    """Every (start, end) of ``quote`` in ``text``, overlapping ones included, in order."""
    at = text.find(quote)
    while at >= 0:
        yield at, at + len(quote)
        at = text.find(quote, at + 1)


def _is_year(text: str, start: int, end: int) -> bool:
    return end - start == 4 and text[start:start + 2] in ("19", "20") and text[end:end + 1] == "年"


class Layout:
    """Where a text's sentences break and its original lines start, found once and bisected."""

    def __init__(self, source: NormalizedText) -> None:
        self.origin = source.origin
        self.newlines = source.newlines
        self.length = len(source.text)
        # Sentences split after 。；！？ and at the original text's line breaks: a break
        # between normalised characters j - 1 and j (the line break itself is normalised away).
        breaks = {m.end() for m in _SENTENCE_BREAK.finditer(source.text)}
        for offset in self.newlines:
            j = bisect.bisect_right(self.origin, offset)
            if 0 < j < self.length:
                breaks.add(j)
        self.breaks = sorted(breaks)

    def sentence_around(self, index: int) -> tuple[int, int]:
        """The bounds of the sentence holding normalised character ``index``."""
        i = bisect.bisect_right(self.breaks, index)
        return (self.breaks[i - 1] if i else 0), (self.breaks[i] if i < len(self.breaks) else self.length)

    def paragraph_start(self, index: int) -> int:
        """First normalised index on the same line of the original text (PDF text may be one line)."""
        i = bisect.bisect_left(self.newlines, self.origin[index])
        line_start = self.newlines[i - 1] + 1 if i else 0
        return bisect.bisect_left(self.origin, line_start)
