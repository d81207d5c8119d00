"""The hierarchy of plans: who is compared with whom, and what is wrong with the links.

Every plan is compared with its nearest present ancestor. A skipped link (a
parent whose plan is absent) is reported as information so the reader knows
which comparison was made; an unknown parent, a cycle, or two files claiming the
same jurisdiction are errors because they make the comparison meaningless.
"""

from __future__ import annotations

from collections.abc import Iterator

from plancheck.codes import CodeDoc
from plancheck.findings import Finding, Severity
from plancheck.hierarchy import Ancestry
from plancheck.reason import Reason

SKIPPED_LINK = "PC401"
UNKNOWN_PARENT = "PC402"
CYCLE = "PC403"
DUPLICATE_JURISDICTION = "PC404"

CODES = (
    CodeDoc(SKIPPED_LINK, "skipped-link", Severity.INFO, "The parent's plan is absent; a higher ancestor is used.", """
The plan is compared with its nearest present ancestor. The message names the
jurisdictions skipped on the way (e.g. chaling → zhuzhou (absent) → hunan), since
targets set by the absent plan cannot be checked.""".strip()),
    CodeDoc(UNKNOWN_PARENT, "unknown-parent", Severity.ERROR, "The plan's parent is not a known jurisdiction.", """
`jurisdiction.parent` names an id that neither a plan nor the registry
`rules/jurisdictions.yaml` knows, so the plan's ancestors cannot be found. Fix the
id, or add the jurisdiction to the registry with its own parent.""".strip()),
    CodeDoc(CYCLE, "parent-cycle", Severity.ERROR, "Parents form a cycle.", """
Following `parent` links returns to a jurisdiction already visited; the message
shows the cycle.""".strip()),
    CodeDoc(DUPLICATE_JURISDICTION, "duplicate-jurisdiction", Severity.ERROR,
            "Two plan files claim the same jurisdiction.", """
One jurisdiction is one file (a jurisdiction with several documents lists them all
in that file). The message names the other file.""".strip()),
)


_PARENT = ("jurisdiction", "parent")


def check_duplicate(plan_id: str, other_file: str) -> Iterator[Finding]:
    yield Finding(DUPLICATE_JURISDICTION, Reason(f"jurisdiction {plan_id!r} is already defined by {other_file}",
                                                 f"地区 {plan_id!r} 已由 {other_file} 定义"),
                  plan=plan_id, path=("jurisdiction", "id"))


def check_ancestry(plan_id: str, ancestry: Ancestry) -> Iterator[Finding]:
    """What is wrong with, or worth saying about, the way up from ``plan_id``."""
    if ancestry.problem == "cycle":
        yield Finding(CYCLE, Reason(f"parents form a cycle: {ancestry.detail}",
                                    f"上级关系形成了循环：{ancestry.detail}"), plan=plan_id, path=_PARENT)
    elif ancestry.problem == "unknown-parent":
        yield Finding(UNKNOWN_PARENT, Reason(f"parent {ancestry.detail!r} is neither a plan nor in the registry",
                                             f"上级 {ancestry.detail!r} 既没有规划文件，也不在地区登记表中"),
                      plan=plan_id, path=_PARENT)
    elif ancestry.ancestor is not None and ancestry.skipped:
        chain = " → ".join([plan_id, *(f"{s} (absent)" for s in ancestry.skipped), ancestry.ancestor])
        chain_zh = " → ".join([plan_id, *(f"{s}（无规划）" for s in ancestry.skipped), ancestry.ancestor])
        yield Finding(SKIPPED_LINK, Reason(f"compared with the nearest present ancestor: {chain}",
                                           f"与最近的有规划的上级比较：{chain_zh}"),
                      plan=plan_id, path=_PARENT)
