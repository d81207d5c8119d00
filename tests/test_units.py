"""units.py: which unit spellings convert, and by how much."""

from __future__ import annotations

import pytest

from plancheck.units import conversion_factor


@pytest.mark.parametrize(("unit", "into", "factor"), [
    ("亿立方米", "万立方米", 1e4),
    ("万立方米", "亿立方米", 1e-4),
    ("万吨标煤", "万吨标准煤", 1.0),
    ("亿吨", "万吨", 1e4),
    ("吨", "万吨", 1e-4),
    ("万千瓦", "万千瓦", 1.0),
    (None, "%", 1.0),
    ("", "万千瓦", 1.0),
])
def test_multiples_and_spellings_convert(unit, into, factor):
    assert conversion_factor(unit, into) == pytest.approx(factor)


@pytest.mark.parametrize(("unit", "into"), [
    ("万千瓦", "%"),          # a capacity is not a share
    ("万千瓦时", "万千瓦"),    # energy is not power
    ("千瓦", "瓦"),           # 千 is not a multiplier here: 千瓦 is a unit of its own
    ("%", ""),                # a share is not a pure ratio such as PUE
    ("万", "个"),
])
def test_other_units_do_not_convert(unit, into):
    assert conversion_factor(unit, into) is None
