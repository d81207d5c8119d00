"""Strictness against the nearest present ancestor: one finding per upper-level target.

The rows come from ``plancheck.pairing``; this module gives each verdict its
permanent code and documents its default severity. Only ``weaker`` fails a run by default:
``missing``, ``unquantified`` and an approximate match are worth a reviewer's
look (warnings); the other verdicts explain why no comparison was owed (info).
"""

from __future__ import annotations

from collections.abc import Iterator

from plancheck.catalog import Catalog
from plancheck.codes import CodeDoc
from plancheck.findings import Finding, Row, Severity, Verdict
from plancheck.models import Plan
from plancheck.pairing import compare_plans
from plancheck.reason import Reason
from plancheck.wording import bound_text

_I, _W, _E = Severity.INFO, Severity.WARNING, Severity.ERROR

CODES = (
    CodeDoc("PC201", "weaker", _E, "The lower plan's target is less strict than the ancestor's.", """
The lower plan sets a target on the same indicator and year, but it is weaker on at
least one axis: the number (read in the indicator's direction: a lower floor, a
higher cap), the commitment (力争 is weaker than a firm statement with the same
number), or the scope (it covers only part of what the ancestor's target covers).
The message names each axis; the gap is given in the indicator's unit
(percentage points for shares).""".strip()),
    CodeDoc("PC202", "missing", _W, "The lower plan does not address an ancestor target that binds it.", """
The ancestor sets a per-jurisdiction target (a floor or cap each jurisdiction must
meet) that applies to this jurisdiction, within the lower plan's horizon, and the
lower plan has no target on that indicator and year. Add the target, or record why
it does not apply (a waiver names the code and the reason).""".strip()),
    CodeDoc("PC203", "unquantified", _W, "The lower plan names the indicator without a number.", """
The lower plan addresses the ancestor's target only in words (稳步提升, 持续提高),
so nobody can check that it is at least as strict.""".strip()),
    CodeDoc("PC204", "deferred", _I, "The lower plan defers to the allocation from above.", """
完成省(市)下达目标: the lower plan sets no number of its own and commits to whatever
is allocated to it. That is neither a pass nor a gap.""".strip()),
    CodeDoc("PC205", "condition-unknown", _W, "Whether the ancestor's target binds this jurisdiction is unknown.", """
The ancestor's target binds only jurisdictions that meet a condition (e.g.
城区常住人口100万以上城市), and the fact it depends on is not recorded for this
jurisdiction. Record the fact (with its source) under `jurisdiction.facts`; until
then this is not reported as a gap.""".strip()),
    CodeDoc("PC206", "not-applicable", _I, "The ancestor's target does not bind this jurisdiction.", """
Its applicability condition names other levels, or a recorded fact shows the
condition does not hold.""".strip()),
    CodeDoc("PC207", "not-comparable", _I, "The two targets cannot be compared one to one.", """
Aggregate indicators (averages over very different land, such as forest coverage)
and extensive totals (installed capacity, tonnes) do not bind each child to the
parent's figure; reductions against different base years, different units, or an
ancestor target without a number cannot be compared either. The message says which.""".strip()),
    CodeDoc("PC208", "out-of-horizon", _I, "The ancestor's target year lies beyond the lower plan's horizon.", """
A 2023-2025 action plan is not missing its 2030 targets.""".strip()),
    CodeDoc("PC209", "stricter", _I, "The lower plan's target is stricter than the ancestor's.", """
At least as strict on every axis (number, commitment, scope) and stricter on one.""".strip()),
    CodeDoc("PC210", "equal", _I, "The lower plan's target equals the ancestor's.", """
The same number, commitment and scope.""".strip()),
    CodeDoc("PC211", "approximately-equal", _W, "Equal only within the tolerance of a 左右 value.", """
One side is approximate (左右) and the two numbers differ by no more than the
indicator's tolerance (`tolerance` in the catalogue), or the numbers are the same
but only the lower plan says 左右. Such a match is never passed silently: an
approximate 20% may end up below a firm 20% floor. (Both sides 左右 with the same
number is PC210: the same target.)""".strip()),
)

VERDICT_CODES = {
    Verdict.WEAKER: "PC201", Verdict.MISSING: "PC202", Verdict.UNQUANTIFIED: "PC203",
    Verdict.DEFERRED: "PC204", Verdict.CONDITION_UNKNOWN: "PC205", Verdict.NOT_APPLICABLE: "PC206",
    Verdict.NOT_COMPARABLE: "PC207", Verdict.OUT_OF_HORIZON: "PC208", Verdict.STRICTER: "PC209",
    Verdict.EQUAL: "PC210",
}


def row_code(row: Row) -> str:
    if row.verdict is Verdict.EQUAL and row.approximate:
        return "PC211"
    return VERDICT_CODES[row.verdict]


def message_heads(upper: Plan) -> list[Reason]:
    """The first half of every message about each upper target, by index: a finding read on its
    own (a CI log line) must say which upper target it is about. It depends on the upper plan
    alone, so a run works it out once per upper plan and hands it to each of its children."""
    return [_message_head(upper, index) for index in range(len(upper.targets))]


def _message_head(upper: Plan, index: int) -> Reason:
    target = upper.targets[index]
    year, year_zh = ("(no year)", "未写年份") if target.year is None else (str(target.year), f"{target.year}年")
    scope, scope_zh = (f" ({target.scope})", f"（{target.scope}）") if target.scope else ("", "")
    head, head_zh = f"{target.indicator} {year}{scope}: ", f"{target.indicator} {year_zh}{scope_zh}："
    if target.value is None:  # the reason already says the upper target has no number
        return Reason(head, head_zh)
    return Reason(f"{head}{upper.jurisdiction.id} sets {bound_text(target)}; ",
                  f"{head_zh}上级 {upper.jurisdiction.id} 定为 {bound_text(target)}；")


def check_strictness(lower: Plan, upper: Plan, catalog: Catalog, heads: list[Reason] | None = None,
                     messages: dict[tuple, tuple[Reason, Reason]] | None = None) -> Iterator[Finding]:
    """One finding per row, located (by key path) at the lower target or, if none, the lower plan.

    ``heads``: ``message_heads(upper)``, when the caller has it already. ``messages``: the
    messages made for other children of ``upper`` and their reasons, by upper target and reason
    (both readings):
    most children that miss a target, or meet it alike, say the same, and one message with its
    Chinese reading then serves them all (about six rows each in the generated corpus)."""
    heads = message_heads(upper) if heads is None else heads
    messages = {} if messages is None else messages
    lower_id = lower.jurisdiction.id
    for row in compare_plans(lower, upper, catalog):
        code = row_code(row)
        path = ("targets", row.lower_index) if row.lower_index is not None else _PLAN_PATH
        reason = row.reason
        key = (row.upper_index, reason, reason.zh)  # equal English with another reading is another message
        known = messages.get(key)
        if known is None:
            known = messages[key] = (heads[row.upper_index] + reason, reason)
        else:  # rows that say the same share one reason object, not one each (memory: docs/performance.md)
            row.reason = known[1]
        message = known[0]
        yield Finding(code, message, plan=lower_id, path=path,
                      indicator=row.indicator, year=row.year, verdict=row.verdict, row=row)


_PLAN_PATH = ("jurisdiction",)
