"""reason.py: a reason keeps its English and Chinese readings in step through + and join."""

from __future__ import annotations

from plancheck.catalog import Indicator
from plancheck.compare import compare_targets
from plancheck.models import Target
from plancheck.reason import Reason, in_language, join


def test_concatenation_and_join_keep_both_languages():
    a, b = Reason("weaker", "较弱"), Reason("narrower", "较窄")
    joined = join([a, b]) + " (x)"
    assert str(joined) == "weaker; narrower (x)"
    assert joined.zh == "较弱；较窄 (x)"
    assert in_language(joined, "en") == "weaker; narrower (x)" and in_language("plain", "zh") == "plain"


def test_a_comparison_reason_reads_in_chinese():
    share = Indicator(id="s", name_zh="比重", name_en="Share", unit="%", direction="higher",
                      binding="per_jurisdiction", tolerance=0.5)
    outcome = compare_targets(Target(indicator="s", year=2025, value=20, commitment="aspirational"),
                              Target(indicator="s", year=2025, value=22), share)
    assert str(outcome.reason) == "the number is less strict (20 vs 22); the commitment is weaker (aspirational (力争) vs firm)"
    assert outcome.reason.zh == "数值较宽松（下级 20，上级 22）；约束力度较弱（下级力争，上级明确）"
