"""Drafting a transcription from a document's text: deterministic rules over the catalogue.

Every target-like number the audit detector finds (``checks.audit.target_like_numbers``)
becomes a target or a ``skipped`` entry, so the audit of a fresh draft has nothing left over.
A number is placed on the catalogue indicator whose keyword ends nearest before it in its
sentence; the sentence's words give the year (到2025年, “十四五”, 2023-2025), the comparator
(以上, 不低于, 控制在…以内 …), the hedge and commitment (力争, 原则上, 基本, 逐步, 确保, 左右), the base
year (比2020年), a scope the catalogue knows, and a condition (城区常住人口100万以上城市). A
number no keyword names, or a figure for a year before the plan (a background fact), is set
aside with the reason, never guessed. Sentences that defer to the level above
(完成上级下达目标) give ``deferred`` targets on the indicators they name.

The rules are pure: the same text and catalogue always give the same draft
(docs/extraction.md says how well they do, and on which documents they were written).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from plancheck import plan_words as words
from plancheck.catalog import Catalog, Indicator
from plancheck.checks.audit import Layout, TargetNumber, target_like_numbers
from plancheck.documents import DraftHeader, document_header, sections, title_period
from plancheck.textnorm import NormalizedText, normalize, normalize_with_origin
from plancheck.units import conversion_factor


@dataclass
class DraftTarget:
    """One target as the rules read it, with what a reviewer should check."""

    indicator: str
    year: int | None
    value: float | None
    quote: str
    section: str | None
    unit: str | None = None
    period: tuple[int, int] | None = None
    comparator: str = "reach"
    approximate: bool = False
    commitment: str = "firm"
    hedge: str | None = None
    base_year: int | None = None
    scope: str | None = None
    deferred: bool = False
    condition: dict[str, object] | None = None
    review: list[str] = field(default_factory=list)
    at: int = -1
    """Where its number (or its deferral) stands in the normalised text: what the benchmark
    aligns a drafted target with the hand transcription's by."""


@dataclass(frozen=True)
class DraftSkip:
    """A number the rules set aside, with the reason a reviewer reads."""

    quote: str
    reason: str
    section: str | None


@dataclass
class Draft:
    header: DraftHeader
    targets: list[DraftTarget]
    skipped: list[DraftSkip]


def extract_draft(text: str, catalog: Catalog) -> Draft:
    """The draft of one document's text: its header, its targets and the numbers set aside."""
    norm = normalize_with_origin(text)
    reader = _Reader(norm, catalog)
    for number in target_like_numbers(norm, timeless=True):
        reader.read_number(number)
    reader.read_peaks()
    reader.read_deferrals()
    header = document_header(text)
    period = title_period(header.title)
    if period is not None:  # a three-year plan (2023-2025): its tasks are for its period
        for target in reader.targets:
            if target.year is None:
                target.year, target.period = period[1], period
                target.review = [f"year from the title's period {period[0]}-{period[1]}"]
    return Draft(header, reader.targets, reader.skipped)


class _Reader:
    def __init__(self, norm: NormalizedText, catalog: Catalog) -> None:
        self.norm, self.text, self.catalog = norm, norm.text, catalog
        self.layout = Layout(norm)
        self.sections = sections(norm)
        keywords = [(ind, k) for ind in catalog.indicators.values()
                    for k in dict.fromkeys([words.NAME_NOTE.sub("", ind.name_zh), *ind.keywords])]
        self.patterns = [(ind, re.compile(_keyword_pattern(k))) for ind, k in keywords]
        self.literal = [len(normalize(k).replace("…", "")) for _, k in keywords]
        """How many characters of each pattern's keyword are its own words (not gaps)."""
        self.targets: list[DraftTarget] = []
        self.skipped: list[DraftSkip] = []
        self.numbers_by_sentence: dict[tuple[int, int], list[TargetNumber]] = {}
        self.last: dict[tuple[int, int], tuple[list[Indicator], int]] = {}  # the indicators last placed

    # -- numbers

    def read_number(self, number: TargetNumber) -> None:
        self.numbers_by_sentence.setdefault(number.sentence, []).append(number)
        s0, _ = number.sentence
        text, start, end = self.text, number.start, number.end
        section = self._section(start)
        condition = words.CITY_SIZE.search(text, s0, number.sentence[1])
        if condition is not None and condition.start(1) <= start < condition.end(1):
            return  # the number of a condition: the target's quote carries it
        clause_start = _clause_start(text, s0, start)
        year, period, year_start = self._year(number)
        if year is not None and year <= 2020 and not text[max(s0, year_start - 1):year_start].startswith(("到", "至")):
            self._skip(number, f"a figure for {year}, before the plan's period (background)", section, clause_start)
            return
        indicators, keyword_start = self._indicators(number)
        if not indicators:
            self._skip(number, "extract found no catalogue indicator named before this number: review", section,
                       clause_start)
            return
        value = float(text[start:end])
        unit = _unit_after(text, end)
        for indicator in indicators:
            q0 = min(clause_start, keyword_start)
            if condition is not None and condition.start() < start:
                q0 = min(q0, condition.start())
            target = DraftTarget(indicator.id, year, int(value) if value.is_integer() else value,
                                 "", section, period=period, at=start)
            self._read_words(target, indicator, number, q0, unit)
            if condition is not None and condition.start() < start:
                target.condition = {"text": condition.group(), "fact": "urban_resident_population",
                                    "comparator": "at_least", "value": int(condition.group(1)), "unit": "万人",
                                    "levels": ["city"]}
            q1 = _quote_end(text, end, number.sentence[1])
            target.quote = self._original(q0, q1)
            if year is None:
                target.review.append("no year in the sentence or its paragraph")
            self.targets.append(target)

    def _read_words(self, target: DraftTarget, indicator: Indicator, number: TargetNumber, q0: int,
                    unit: str | None) -> None:
        text, start, end = self.text, number.start, number.end
        s0 = number.sentence[0]
        after = text[end:end + 8]
        target.unit = unit
        if unit is not None and unit != indicator.unit and conversion_factor(unit, indicator.unit) is None:
            target.review.append(f"the unit {unit} does not convert to {indicator.unit or 'a pure number'}")
        rest = after[len(unit or ""):]
        hedges: list[str] = []
        # 力争/确保 may open the sentence and govern it; 基本/逐步/原则上 qualify their own clause
        lo = self._after_numbers(number.sentence, start)
        commitment = _nearest(words.COMMITMENT_RE, text, max(lo, _clause_start(text, s0, q0)), start)
        if commitment is None:
            opening = _nearest(words.COMMITMENT_RE, text, lo, start)
            commitment = opening if opening in ("力争", "争取", "努力", "确保", "必须") else None
        if commitment is not None:
            target.commitment = dict(words.COMMITMENTS)[commitment]
            hedges.append(commitment)
        if rest.startswith("左右"):
            target.approximate = True
            hedges.append("左右")
        bound = _nearest(words.BEFORE_RE, text, max(lo, _clause_start(text, s0, start)), start)
        if bound is not None and not rest.startswith("的"):  # 超过1.5的数据中心: which ones, not how many
            target.comparator = dict(words.BEFORE)[bound]
        bounded = rest.removeprefix("左右")
        if bounded.startswith(words.AT_LEAST_AFTER):
            target.comparator = "at_least"
            if hedges:  # 力争…以上, as transcribing.md writes a hedge with its bound
                hedges.append("以上")
        elif bounded.startswith(words.AT_MOST_AFTER):
            target.comparator = "at_most"
        if hedges:
            target.hedge = "…".join(dict.fromkeys(hedges))
        base = None
        for match in words.BASE.finditer(text, q0, start):
            base = int(match.group(1))
        target.base_year = base
        scopes = sorted({s for key, wider in indicator.scopes.items() for s in (key, *wider)}, key=len, reverse=True)
        target.scope = next((s for s in scopes if normalize(s) in text[s0:start]), None)

    def _indicators(self, number: TargetNumber) -> tuple[list[Indicator], int]:
        placed = self._place(number)
        if placed[0]:
            self.last[number.sentence] = placed
        return placed

    def _place(self, number: TargetNumber) -> tuple[list[Indicator], int]:
        """The indicators a number belongs to: the keyword nearest before it; in a list introduced
        by 分别 (respectively), the keyword in the same place as the number; with 均 (each), every
        indicator named in the clause."""
        s0, start = number.sentence[0], number.start
        unit = _unit_after(self.text, number.end)
        found = []
        for (indicator, pattern), literal in zip(self.patterns, self.literal):
            if unit is not None and unit != indicator.unit and conversion_factor(unit, indicator.unit) is None:
                continue  # 100个 is no year, 30万千瓦 no share
            for match in pattern.finditer(self.text, s0, start):
                # nearest first; then the tighter match: 能耗年均下降 names the annual cut more
                # closely than 单位…生产总值…能耗…下降 spread over the same words
                found.append((match.end(), 2 * literal - (match.end() - match.start()), match.start(), indicator))
        if not found:
            return self._carried(number)
        respectively = self.text.rfind("分别", s0, start)
        if respectively >= 0:
            lo = self._after_numbers(number.sentence, respectively)
            named = _distinct_in_order([f for f in found if lo <= f[2] and f[0] <= respectively])
            after = [n for n in self.numbers_by_sentence.get(number.sentence, []) if n.start > respectively]
            index = len(after) - 1
            if named and index < len(named):
                return [named[index][3]], named[index][2]
        numbers = self.numbers_by_sentence.get(number.sentence, [])
        previous = numbers[-2] if len(numbers) > 1 and numbers[-1] is number else None
        if previous is not None:
            own = [f for f in found if f[2] >= previous.end]
            if not own:  # 不低于50%，到2030年，不低于70%: the same indicator, carried on, if nothing else is said
                gap = words.FILLER.sub("", self.text[previous.end:start])
                carried = self.last.get(number.sentence)
                return (carried if carried is not None and len(gap) <= 4 else ([], start))
            found = own
        best = max(found, key=lambda f: (f[0], f[1]))
        each = self.text.rfind("均", best[0], start)
        if each >= 0:
            clause = _clause_start(self.text, s0, best[2])
            named = _distinct_in_order([f for f in found if f[2] >= clause])
            if len(named) > 1:
                return [f[3] for f in named], min(f[2] for f in named)
        return [best[3]], best[2]

    def _after_numbers(self, sentence: tuple[int, int], index: int) -> int:
        """Where the words about what stands at ``index`` may begin: after the last number read
        before it in its sentence (the words before that number are that number's), else the
        sentence's start."""
        ends = [n.end for n in self.numbers_by_sentence.get(sentence, []) if n.end <= index]
        return max([sentence[0], *ends])

    def _carried(self, number: TargetNumber) -> tuple[list[Indicator], int]:
        """到2030年，年利用量达到45亿吨: a sentence that names nothing new carries on the indicator
        of the sentence before it in the same paragraph, when what it does say is part of that
        indicator's name; otherwise nothing is placed."""
        s0, start = number.sentence[0], number.start
        before = [(sentence, placed) for sentence, placed in self.last.items() if sentence[1] <= s0]
        if not before:
            return [], start
        sentence, (indicators, _) = max(before, key=lambda item: item[0])
        if self.layout.paragraph_start(sentence[0]) != self.layout.paragraph_start(s0) or len(indicators) != 1:
            return [], start
        said = words.FILLER.sub("", self.text[s0:start])
        named = normalize(words.NAME_NOTE.sub("", indicators[0].name_zh))
        return (indicators, s0) if said and said in named else ([], start)

    def _year(self, number: TargetNumber) -> tuple[int | None, tuple[int, int] | None, int]:
        """The target year (and period) nearest before the number in its sentence, else the last
        one stated earlier in its paragraph; base years (比2020年) are not target years."""
        s0, start = number.sentence[0], number.start
        window = max(self.layout.paragraph_start(start), start - 300)
        for lo in (s0, window):
            found = None
            for match in words.YEAR.finditer(self.text, lo, start):
                if self.text[max(0, match.start() - 2):match.start()].endswith(("比", "较", "与")):
                    continue
                found = match
            five = None
            for match in words.FIVE_YEAR_RE.finditer(self.text, lo, start):
                five = match
            if five is not None and (found is None or five.start() > found.start()):
                begin, stop = words.FIVE_YEAR[five.group()]
                return stop, (begin, stop), five.start()
            if found is not None:
                if found.group(3) is not None:
                    return int(found.group(3)), None, found.start()
                return int(found.group(2)), (int(found.group(1)), int(found.group(2))), found.start()
        return None, None, start

    def _skip(self, number: TargetNumber, reason: str, section: str | None, clause_start: int) -> None:
        q1 = _quote_end(self.text, number.end, number.sentence[1])
        self.skipped.append(DraftSkip(self._original(clause_start, q1), reason, section))

    # -- peaking years

    def read_peaks(self) -> None:
        """2030年前碳达峰, 力争2030年前达到峰值, 2060年前实现碳中和: the year is the value (a year is no
        target-like number for the audit, so nothing else drafts it)."""
        for match in words.PEAK.finditer(self.text):
            s0, s1 = self.layout.sentence_around(match.start())
            year = int(match.group(1) or match.group(2))
            found = [(hit.end(), hit.end() - hit.start(), hit.start(), indicator)
                     for indicator, pattern in self.patterns if indicator.unit == "年"
                     for hit in pattern.finditer(self.text, s0, match.end())]
            neutral = "碳中和" in match.group()
            if neutral != (year >= 2050):  # neutrality is for 2060, peaking for 2030: else a mix-up
                continue
            ids = [f[3] for f in sorted(found, key=lambda f: (f[0], f[1]))
                   if (f[3].id == "carbon_neutrality_year") == neutral]
            indicator = ids[-1] if ids else self.catalog.get("carbon_neutrality_year" if neutral
                                                              else "co2_emissions_peak_year")
            if indicator is None:
                continue
            q0 = min([match.start(), *(f[2] for f in found if f[3] is indicator)])
            target = DraftTarget(indicator.id, year, year, self._original(q0, match.end()),
                                 self._section(match.start()), unit="年", comparator="at_most",
                                 at=match.start(1) if match.group(1) else match.start(2))
            commitment = _nearest(words.COMMITMENT_RE, self.text, max(s0, q0 - 8), match.start())
            if commitment is not None:
                target.commitment, target.hedge = dict(words.COMMITMENTS)[commitment], commitment
            self.targets.append(target)

    # -- deferrals

    def read_deferrals(self) -> None:
        """完成(上级)下达(的)目标 with no number of its own: a deferred target on each indicator named."""
        for match in words.DEFERRAL.finditer(self.text):
            s0, s1 = self.layout.sentence_around(match.start())
            lo = self._after_numbers((s0, s1), match.start())
            seen: set[str] = set()
            for indicator, pattern in self.patterns:
                hit = pattern.search(self.text, lo, match.start())
                if hit is None or indicator.id in seen or indicator.binding != "per_jurisdiction":
                    continue
                seen.add(indicator.id)
                fake = TargetNumber(match.start(), match.start(), match, (s0, s1))
                year, period, _ = self._year(fake)
                target = DraftTarget(indicator.id, year, None, self._original(hit.start(), match.end()),
                                     self._section(match.start()), period=period, deferred=True,
                                     hedge=match.group(), unit=indicator.unit or None, at=match.start())
                if "确保" in match.group():
                    target.commitment = "binding"
                self.targets.append(target)

    # -- text

    def _original(self, start: int, end: int) -> str:
        """The source's own characters for a normalised span: quotes are verbatim."""
        origin = self.norm.origin
        return self.norm.original[origin[start]:origin[end - 1] + 1].strip()

    def _section(self, index: int) -> str | None:
        at = bisect.bisect_right(self.sections, (index, "\uffff")) - 1
        return self.sections[at][1] if at >= 0 and self.sections[at][1] else None


def _keyword_pattern(keyword: str) -> str:
    parts = [re.escape(normalize(part)) for part in keyword.split("…") if part]
    return "[^。；;!?]{0,24}?".join(parts)


def _distinct_in_order(found: list[tuple[int, int, int, Indicator]]) -> list[tuple[int, int, int, Indicator]]:
    """One match per indicator (its longest), in the order they end: 能耗和二氧化碳排放…分别 names
    energy first, however early the two keywords start."""
    first: dict[str, tuple[int, int, int, Indicator]] = {}
    for f in sorted(found, key=lambda f: (-f[1], f[0])):
        first.setdefault(f[3].id, f)
    return sorted(first.values(), key=lambda f: (f[0], f[2]))


def _nearest(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> str | None:
    found = None
    for match in pattern.finditer(text, lo, hi):
        found = match.group()
    return found


def _clause_start(text: str, lo: int, index: int) -> int:
    at = max(text.rfind(ch, lo, index) for ch in words.BREAK)
    return at + 1 if at >= lo else lo


def _quote_end(text: str, end: int, hi: int) -> int:
    """The end of the number's clause when it is near (the words after the number usually
    finish its meaning: 按100%配建比例预留电动汽车充电桩安装条件), else past the number, its unit
    and the word that bounds it: a quote is the shortest span that carries the target."""
    at = min([i for i in (text.find(ch, end, hi) for ch in words.BREAK) if i >= 0] or [hi])
    if at - end <= 30:
        return at
    past = end + len(_unit_after(text, end) or "")
    bound = re.match(r"左右|以上|以下|以内", text[past:past + 2])
    return past + (bound.end() if bound else 0)


def _unit_after(text: str, end: int) -> str | None:
    """The unit written right after a number (%, 万千瓦, 亿吨 …), or None."""
    match = words.UNIT_AFTER.match(text, end)
    return match.group() if match is not None else None
