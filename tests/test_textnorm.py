"""textnorm.py: the one normalisation provenance and audit rely on, and how values are read
in a quote."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from plancheck.textnorm import normalize, normalize_with_origin, numbers_in, value_in_quote


def test_value_must_be_a_whole_number_in_the_quote_not_a_digit_run():
    # 2 occurs inside "22" and "2025", but the quote states no number 2.
    assert not value_in_quote(2, "到2025年非化石能源消费比重达到22%")
    assert value_in_quote(22, "到2025年非化石能源消费比重达到22%")


@pytest.mark.parametrize("value, quote", [
    (100, "新建公共建筑全面执行绿色建筑标准"),
    (100, "实现充电设施全覆盖"),
    (30, "三十个"),
    (50, "绿色出行比例达到一半以上"),
    (62.92, "森林覆盖率稳定在62.92%左右"),
    (16, "下降 16%"),
    (20, "提高至２０％"),
])
def test_value_spellings_that_count(value, quote):
    assert value_in_quote(value, quote)


def test_normalisation_survives_the_known_source_defects():
    assert normalize("2025 年，单位GDP能耗下降 16%") == "2025年,单位GDP能耗下降16%"
    assert normalize("比重达到— 5 —25%") == "比重达到25%"
    assert normalize("**（省发展改革委）**") == "(省发展改革委)"
    assert normalize("提高至　２０％") == "提高至20%"  # ideographic space, full-width digits


def test_normalisation_keeps_origins_for_line_numbers():
    source = normalize_with_origin("第一行\n  第二行 有 20%\n")
    assert source.text == "第一行第二行有20%"
    assert source.line_of(source.text.index("20")) == 2


def test_numbers_in_reads_arabic_and_chinese_numerals():
    assert sorted(numbers_in("到2025年提高到20.5%,新建三十个")) == [20.5, 30.0, 2025.0]


def _normalized_one_character_at_a_time(text: str) -> str:
    """The definition (textnorm's docstring), written the slow and obvious way."""
    import re
    import unicodedata

    text = re.sub(r"—\s*\d{1,3}\s*—|\*\*|__", "", text)
    return "".join(c for ch in text for c in unicodedata.normalize("NFKC", ch) if not c.isspace())


@given(st.text(alphabet=st.sampled_from(list("到2025年，非化石能源消费比重达到２２％以上 \n\t—5—**__é\u0301ｱ①⑴\u3000"
                                             "（）：；。、\\]^-[.*+?\u00a0\u2028ﬁ")), max_size=60))
def test_normalize_and_normalize_with_origin_agree(text):
    """The fast path for quotes and the origin-mapping path for sources must give one text,
    and it is the per-character definition's."""
    from plancheck.textnorm import _origin_map

    with_origin = normalize_with_origin(text)
    assert normalize(text) == with_origin.text == _normalized_one_character_at_a_time(text)
    assert len(_origin_map(text)) == len(with_origin.text)
    assert all(text[offset] != " " for offset in _origin_map(text))
