"""What an upper plan requires: its statements grouped into distinct requirements.

A plan may say one thing several times (湖南 states peaking by 2030 three times, in two
documents); a comparison gives each requirement one row, led by its firmest statement, and
names where the others are. An undated statement is read against the years the plan gives the
same indicator elsewhere (``dated_years``).
"""

from __future__ import annotations

from plancheck.compare import COMMITMENT_RANK
from plancheck.models import Plan, Target


def requirement_key(target: Target) -> tuple:
    """What makes two upper statements one requirement: everything the verdict reads but the
    commitment (the firmest statement leads) and the words (quote, hedge, section)."""
    return (target.indicator, target.year, target.period, target.value, target.unit, target.comparator,
            target.approximate, target.base_year, target.scope, target.qualifying,
            target.condition.model_dump_json() if target.condition is not None else None, target.deferred)


def requirements(upper: Plan) -> list[tuple[int, tuple[int, ...]]]:
    """The upper plan's distinct requirements, in the order of their first statement: the firmest
    statement's index, and the indexes of the others (湖南 states peaking by 2030 three times)."""
    grouped: dict[tuple, list[int]] = {}
    for ui, target in enumerate(upper.targets):
        grouped.setdefault(requirement_key(target), []).append(ui)
    answer = []
    for indexes in grouped.values():
        lead = max(indexes, key=lambda ui: (COMMITMENT_RANK[upper.targets[ui].commitment],
                                            upper.targets[ui].commitment == "binding", -ui))
        answer.append((lead, tuple(ui for ui in indexes if ui != lead)))
    return answer


def places(upper: Plan, indexes: list[int]) -> list[str]:
    """Where each statement is: its document and section."""
    return [" ".join(x for x in (upper.targets[ui].document or upper.documents[0].id, upper.targets[ui].section) if x)
            for ui in indexes]


def dated_years(upper: Plan) -> dict[tuple[str, str | None], list[int]]:
    """The years the upper plan states each indicator and scope for, in order."""
    years: dict[tuple[str, str | None], set[int]] = {}
    for target in upper.targets:
        if target.year is not None:
            years.setdefault((target.indicator, target.scope), set()).add(target.year)
    return {key: sorted(found) for key, found in years.items()}
