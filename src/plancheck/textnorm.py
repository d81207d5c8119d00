"""The one normalisation that quotes and source texts go through before matching.

Source texts are kept exactly as extracted, warts included (PDF spaces inside
numbers, page markers, Markdown bold). Transcribers copy quotes as the
sentence reads, so both sides are normalised the same way before a quote is
looked up:

1. page markers of the form ``— 5 —`` are removed;
2. Markdown emphasis markers (``**`` and ``__``) are removed;
3. every remaining character is put through Unicode NFKC (full-width ``（２０％）``
   becomes ``(20%)``), one character at a time so each output character still
   knows where it came from;
4. all whitespace is removed (including what NFKC produced, e.g. from U+3000).

Nothing else is changed: a quote with one character different does not match.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

_DROP = re.compile(r"—\s*\d{1,3}\s*—|\*\*|__")
_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text and, for each of its characters, the offset it came from.

    The origin map is built only when asked for (``audit`` points back into the source);
    matching quotes needs just the text, and that is built at C speed.
    """

    text: str
    original: str

    @cached_property
    def origin(self) -> tuple[int, ...]:
        return _origin_map(self.original)

    @cached_property
    def newlines(self) -> list[int]:
        """The offsets of the original text's line breaks, in order."""
        return [m.start() for m in _NEWLINE.finditer(self.original)]

    def line_of(self, index: int) -> int:
        """1-based line in the original text of normalised character ``index``.

        Bisected in the line breaks: counting them from the start of the text for each finding
        was quadratic in a long source with a finding on every line."""
        if not self.origin:
            return 1
        offset = self.origin[min(index, len(self.origin) - 1)]
        return bisect.bisect_left(self.newlines, offset) + 1


@dataclass(frozen=True)
class SourceText:
    """A document's source text as read once: where it lives, and its normalised form."""

    display: str
    text: NormalizedText


def normalize(text: str) -> str:
    """The same text as ``normalize_with_origin(text).text``, without building the origin map.

    Only runs of characters that normalisation changes are rewritten (whitespace, full-width
    punctuation and digits: a few per sentence), found by one regular expression; rewriting
    every character through ``str.translate`` costs several times as much, and a national
    repository holds tens of millions of characters of source text."""
    text = _DROP.sub("", text)
    for ch in set(text).difference(_CHAR_FORMS):
        _char_form(ch)
    runs = _changing_runs()
    return runs.sub(_normal_run, text) if runs is not None else text


_CHAR_FORMS: dict[str, str] = {}
"""NFKC of each character seen so far, whitespace removed: a plan's few thousand distinct
characters are normalised once per run instead of once per occurrence."""
_TRANSLATION: dict[int, str] = {}
"""The same, keyed by code point, for str.translate."""
_CHANGING: set[str] = set()
"""The characters seen so far whose form is not the character itself."""
_RUNS: re.Pattern[str] | None = None
"""A pattern matching runs of ``_CHANGING`` characters, rebuilt when a new one is seen."""


def _char_form(ch: str) -> str:
    global _RUNS
    form = "".join(c for c in unicodedata.normalize("NFKC", ch) if not c.isspace())
    _CHAR_FORMS[ch] = form
    _TRANSLATION[ord(ch)] = form
    if form != ch:
        _CHANGING.add(ch)
        _RUNS = None
    return form


def _changing_runs() -> re.Pattern[str] | None:
    global _RUNS
    if _RUNS is None and _CHANGING:
        _RUNS = re.compile("[" + "".join(re.escape(ch) for ch in sorted(_CHANGING)) + "]+")
    return _RUNS


def _normal_run(match: re.Match[str]) -> str:
    return match.group().translate(_TRANSLATION)


def normalize_with_origin(text: str) -> NormalizedText:
    return NormalizedText(normalize(text), text)


def _origin_map(text: str) -> tuple[int, ...]:
    """For each character of ``normalize(text)``, its offset in ``text`` (same walk, per character)."""
    origin: list[int] = []
    position = 0
    for match in _DROP.finditer(text):
        _append_origins(text, position, match.start(), origin)
        position = match.end()
    _append_origins(text, position, len(text), origin)
    return tuple(origin)


def _append_origins(text: str, start: int, end: int, origin: list[int]) -> None:
    forms = _CHAR_FORMS
    for offset in range(start, end):
        ch = text[offset]
        form = forms.get(ch)
        if form is None:
            form = _char_form(ch)
        if len(form) == 1:
            origin.append(offset)
        elif form:
            origin.extend([offset] * len(form))


_NUMBER = re.compile(r"\d+(?:\.\d+)?")

WHOLE_SCOPE_WORDS = ("全覆盖", "全面", "全部", "全域", "全额", "所有", "100%")
"""docs/design.md ("Reading the wording"): these words state the whole of the stated scope, i.e. 100 %
(所有…均 "every … shall" reads the same way as 全部)."""

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_CN_NUMBER = re.compile(f"[{''.join(_CN_DIGITS)}{''.join(_CN_UNITS)}]+")


def numbers_in(text: str) -> list[float]:
    """Arabic numbers in normalised text, and Chinese numerals such as 三十 or 一半."""
    found = [float(m.group()) for m in _NUMBER.finditer(text)]
    for m in _CN_NUMBER.finditer(text):
        value = _chinese_numeral(m.group())
        if value is not None:
            found.append(float(value))
    if "一半" in text or "半数" in text:
        found.append(50.0)
    return found


def _chinese_numeral(word: str) -> int | None:
    total, section, digit = 0, 0, None
    for ch in word:
        if ch in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_UNITS[ch]
            if unit >= 10_000:
                section = (section + (digit or 0)) * unit
                total += section
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def value_in_quote(value: float, quote: str) -> bool:
    """Whether ``value`` is written in ``quote``: as a number, or as 100 % by a whole-scope word."""
    return value_in_normalized(value, normalize(quote))


def value_in_normalized(value: float, normalized: str) -> bool:
    """``value_in_quote`` for a quote already normalised (provenance normalises each quote once)."""
    if any(abs(n - value) < 1e-9 for n in numbers_in(normalized)):
        return True
    return abs(value - 100) < 1e-9 and any(w in normalized for w in WHOLE_SCOPE_WORDS)
