"""Units as the documents write them, and the few conversions between them.

Plans keep each number in the unit of its sentence (8.45亿立方米, never 84500万立方米),
so the quote check can find it. Comparison needs one unit per indicator: the
catalogue's. Chinese plans scale units with 万 (10^4) and 亿 (10^8) and abbreviate
标准煤 as 标煤; nothing else is converted, because a guess between, say, 千瓦 and
千瓦时 would turn a transcription slip into a false verdict. A unit that does not
convert is a load error (PC017), not a silent mismatch.
"""

from __future__ import annotations

MAGNITUDES = {"亿": 1e8, "万": 1e4}
"""Leading multipliers; 千 is not one of them, because 千瓦 is a unit in its own right."""

SPELLINGS = {"标煤": "标准煤"}
"""Abbreviations that mean exactly the same thing as their full form."""


def _parts(unit: str) -> tuple[float, str]:
    """(multiplier, base): 8.45亿立方米 is 8.45 × 10^8 立方米."""
    for short, full in SPELLINGS.items():
        unit = unit.replace(full, short)
    multiplier = 1.0
    while unit[:1] in MAGNITUDES and len(unit) > 1:
        multiplier *= MAGNITUDES[unit[0]]
        unit = unit[1:]
    return multiplier, unit


def conversion_factor(unit: str | None, into: str) -> float | None:
    """What to multiply a value in ``unit`` by to express it in ``into``; None when they do not convert.

    No unit (``None`` or empty) means the value is already in ``into``.
    """
    if not unit or unit == into:
        return 1.0
    if not into:
        return None
    source_multiplier, source_base = _parts(unit)
    target_multiplier, target_base = _parts(into)
    if source_base != target_base:
        return None
    return source_multiplier / target_multiplier
