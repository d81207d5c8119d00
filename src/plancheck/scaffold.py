"""A draft plan that starts from what the plans above require.

A drafter opens the file and finds, for every upper target that binds a plan at the
chosen level, the upper sentence and the floor or cap to meet, with the draft's own value
left empty. Empty values are ``unquantified``, so ``compare`` on the fresh draft lists
every one of them as open; filling them in closes the list. Comments carry the upper
sentences, so the YAML is written as text rather than dumped.
"""

from __future__ import annotations

import json
import re
from typing import get_args

from plancheck.catalog import Catalog
from plancheck.extraction import Draft
from plancheck.failures import UsageError
from plancheck.models import Level, Target
from plancheck.results import LoadedPlan
from plancheck.wording import COMPARATOR_SYMBOLS, format_number


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return " ".join(text.split())


def _jurisdiction_lines(plan_id: str, name: str, level: str, parent: str | None) -> list[str]:
    """The ``jurisdiction:`` block every draft starts with."""
    return ["jurisdiction:", f"  id: {plan_id}", f"  name: {_quoted(name)}", f"  level: {level}",
            f"  parent: {parent or 'null'}"]


def binds_level(target: Target, catalog: Catalog, level: str) -> bool:
    """Per-jurisdiction targets whose own condition does not exclude the level."""
    indicator = catalog.get(target.indicator)
    if indicator is None or indicator.binding != "per_jurisdiction":
        return False
    condition = target.condition
    return condition is None or condition.levels is None or level in condition.levels


def _bound(target: Target, unit: str, direction: str) -> str:
    if target.value is None:
        return "the upper plan states no number" + (" (deferred upwards)" if target.deferred else "")
    if target.comparator == "reach":  # a plain number, read in the indicator's direction
        number = f"{'≥' if direction == 'higher' else '≤'}{format_number(target.value)}{target.unit or unit}"
    else:
        number = f"{COMPARATOR_SYMBOLS[target.comparator]}{format_number(target.value)}{target.unit or unit}"
    hedge = {"aspirational": " (力争, aspirational)", "in_principle": " (原则上, in principle)"}.get(target.commitment, "")
    approx = " (左右, approximately)" if target.approximate else ""
    return f"{number}{approx}{hedge}"


def check_options(level: str, plan_id: str, parent: str | None, name: str) -> None:
    """Refuse a level, id, parent or name the draft could not hold, before anything is read."""
    below_the_top = [x for x in get_args(Level) if x != "national"]  # the nation has no plan above it
    if level not in below_the_top:
        raise UsageError(f"unknown level {level!r} (expected one of: {', '.join(below_the_top)})", "--level")
    for hint, value in (("--id", plan_id), ("--parent", parent)):
        if value is not None and not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", value):
            raise UsageError(f"{value!r} is not a jurisdiction id (lower-case ASCII letters, digits and "
                             "underscores, starting with a letter)", hint)
    if not name.strip() or any(c in name for c in "\r\n\0"):
        raise UsageError(f"{name!r} is not a name: one line of text", "--name")


def scaffold_text(uppers: list[LoadedPlan], catalog: Catalog, *, level: str, plan_id: str, name: str,
                  parent: str) -> str:
    lines = [
        "# yaml-language-server: $schema=../schema/plan.schema.json",
        f"# Draft started by `plancheck scaffold` from {', '.join(u.id for u in uppers)} at level {level}.",
        "# Each target below is one the upper plan sets for this level. Fill in `value` (and the",
        "# sentence in `quote` once the text exists); `plancheck compare` lists what is still open.",
        "# Delete a target only if the plan truly does not take it on; the comparison will then say",
        "# `missing`. Conventions: docs/transcribing.md.",
        *_jurisdiction_lines(plan_id, name, level, parent),
        "documents:",
        f"  - id: {plan_id}_draft",
        f"    title: {_quoted(name + '碳达峰实施方案（草案）')}",
        f"    level: {level}",
        "    status: draft",
        "targets:",
    ]
    count = 0
    for upper in uppers:
        for target in upper.plan.targets:
            if not binds_level(target, catalog, level):
                continue
            indicator = catalog.indicators[target.indicator]
            document = upper.plan.document_of(target.document)
            source = f"{upper.id}, {document.title if document else ''} {target.section or ''}".strip()
            lines.append("")
            lines.append(f"  # {_comment(indicator.name_zh)} / {_comment(indicator.name_en)}")
            lines.append(f"  # {_comment(source)}: {_comment(target.quote or '')}")
            lines.append(f"  # To meet: {_comment(_bound(target, indicator.unit, indicator.direction))}")
            if indicator.applies_when is not None:
                lines.append(f"  # Binds only where {_comment(indicator.applies_when.text)} "
                             f"(fact {indicator.applies_when.fact}); delete it if that does not hold here.")
            if target.condition is not None:
                lines.append(f"  # Condition: {_comment(target.condition.text)}")
            lines.append(f"  - indicator: {target.indicator}")
            lines.append(f"    year: {target.year if target.year is not None else 'null'}")
            lines.append("    value: null")
            if target.unit or indicator.unit:
                lines.append(f"    unit: {_quoted(target.unit or indicator.unit)}")
            lines.append(f"    comparator: {target.comparator}")
            if target.base_year is not None:
                lines.append(f"    base_year: {target.base_year}")
            if target.scope:
                lines.append(f"    scope: {_quoted(target.scope)}")
            count += 1
    if count == 0:
        lines[-1] = "targets: []"
    return "\n".join(lines) + "\n"


def extract_text(draft: Draft, catalog: Catalog, *, plan_id: str, name: str, level: str, parent: str | None,
                 source: str, document_file: str) -> str:
    """The YAML of a drafted transcription: what the text states, and a ``# review:`` comment
    wherever the rules could not read something (docs/extraction.md)."""
    header = draft.header
    lines = [
        "# yaml-language-server: $schema=../schema/plan.schema.json",
        f"# Draft written by `plancheck extract` from {_comment(document_file)}: every target below was",
        "# read by rules from the text, with its verbatim quote. Review each one against the source",
        "# (the `# review:` lines say where the rules were unsure), then set status: published.",
        "# Conventions: docs/transcribing.md.",
        *_jurisdiction_lines(plan_id, name, level, parent),
        "documents:",
        f"  - id: {plan_id}_plan",
    ]
    for key, value, missing in (("title", header.title, "（待核：文本未写明标题）"), ("issuer", header.issuer, None),
                                ("number", header.number, None), ("date", header.date, None)):
        if value is None:
            lines.append(f"    # review: the text states no {key} the rules recognise")
        lines.append(f"    {key}: {_quoted(value or missing) if (value or missing) else 'null'}")
    lines += [f"    level: {level}", "    status: draft", f"    source: {_quoted(source)}", "targets:"]
    for target in draft.targets:
        indicator = catalog.indicators[target.indicator]
        lines.append("")
        lines.append(f"  # {_comment(indicator.name_zh)} / {_comment(indicator.name_en)}")
        lines += [f"  # review: {_comment(note)}" for note in target.review]
        lines.append(f"  - indicator: {target.indicator}")
        lines.append(f"    year: {target.year if target.year is not None else 'null'}")
        if target.period is not None:
            lines.append(f"    period: {{start: {target.period[0]}, end: {target.period[1]}}}")
        lines.append(f"    value: {format_number(target.value) if target.value is not None else 'null'}")
        if target.unit:
            lines.append(f"    unit: {_quoted(target.unit)}")
        for key, value, default in (("comparator", target.comparator, "reach"),
                                    ("commitment", target.commitment, "firm")):
            if value != default:
                lines.append(f"    {key}: {value}")
        if target.approximate:
            lines.append("    approximate: true")
        for key, text in (("hedge", target.hedge), ("scope", target.scope)):
            if text:
                lines.append(f"    {key}: {_quoted(text)}")
        if target.base_year is not None:
            lines.append(f"    base_year: {target.base_year}")
        if target.deferred:
            lines.append("    deferred: true")
        if target.condition is not None:
            lines.append("    condition: " + json.dumps(target.condition, ensure_ascii=False))
        lines.append(f"    quote: {_quoted(target.quote)}")
        if target.section:
            lines.append(f"    section: {_quoted(target.section)}")
    if not draft.targets:
        lines[-1] = "targets: []"
    if draft.skipped:
        lines.append("")
        lines.append("skipped:")
        for skip in draft.skipped:
            lines.append(f"  - quote: {_quoted(skip.quote)}")
            lines.append(f"    reason: {_quoted(skip.reason)}")
            if skip.section:
                lines.append(f"    section: {_quoted(skip.section)}")
    return "\n".join(lines) + "\n"
