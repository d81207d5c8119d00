"""Jurisdictions and their parents: which plan a plan is compared with.

Parents come from the plans themselves and, above an absent plan, from the
registry ``rules/jurisdictions.yaml``. A plan is compared with its nearest
*present* ancestor; the links skipped on the way are reported, so a reader
knows that chaling was compared with hunan because zhuzhou's plan is absent.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from plancheck.failures import ConfigError
from plancheck.findings import Finding
from plancheck.loader import load_file
from plancheck.models import Jurisdiction
from plancheck.project import default_rules_dir, resolve_plan
from plancheck.reason import Reason
from plancheck.schema_errors import findings_from_validation_error
from plancheck.textfiles import present, read_text

REGISTRY_FILE = "jurisdictions.yaml"

Registry = dict[str, Jurisdiction]
"""The jurisdictions of ``rules/jurisdictions.yaml`` by id: the links between plans that no plan holds."""


class RegistryFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    jurisdictions: list[Jurisdiction]


@dataclass(frozen=True)
class Ancestry:
    """The nearest present ancestor of a plan, or why there is none."""

    ancestor: str | None
    skipped: tuple[str, ...] = ()
    problem: str | None = None  # "unknown-parent" or "cycle"
    detail: str = ""


def load_registry(rules_dir: Path | None) -> Registry:
    """The registry of ``rules_dir`` (default: the same rules folder the catalogue comes from)."""
    path = (rules_dir if rules_dir is not None else default_rules_dir()) / REGISTRY_FILE
    if not present(path):
        return {}
    loaded = load_file(path, str(path))
    if loaded.problems or loaded.data is None:
        raise ConfigError(loaded.problems or [Finding("PC016", Reason("empty registry", "地区登记表为空"),
                                                      file=str(path), line=1, column=1)])
    try:
        registry = RegistryFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise ConfigError(findings_from_validation_error(exc, loaded.data, loaded.positions, str(path),
                                                         RegistryFile, code_override="PC016")) from None
    found: dict[str, Jurisdiction] = {}
    for i, j in enumerate(registry.jurisdictions):
        if j.id in found:  # the later entry would silently replace the earlier one's parent
            pos = loaded.positions.locate(("jurisdictions", i, "id"))
            raise ConfigError([Finding("PC016", Reason(f"jurisdiction {j.id!r} is listed twice",
                                                       f"地区 {j.id!r} 列出了两次"),
                                       file=str(path), line=pos.line, column=pos.column)])
        found[j.id] = j
    return found


def find_ancestor(plan_id: str, parents: dict[str, str | None], present: set[str]) -> Ancestry:
    """Walk up ``parents`` from ``plan_id`` to the first id in ``present``.

    The whole chain is walked first, so a cycle is reported even when it passes
    through present plans (a → b → a would otherwise look like two valid links)."""
    chain = [plan_id]
    current = parents.get(plan_id)
    while current is not None:
        if current in chain:
            return Ancestry(None, (), "cycle", " → ".join([*chain, current]))
        chain.append(current)
        if current not in parents:
            break
        current = parents[current]
    skipped: list[str] = []
    for link in chain[1:]:
        if link in present:
            return Ancestry(link, tuple(skipped))
        if link not in parents:
            return Ancestry(None, tuple(skipped), "unknown-parent", link)
        skipped.append(link)
    return Ancestry(None, tuple(skipped))


def ancestors(plan_id: str, parents: dict[str, str | None]) -> list[str]:
    """Every jurisdiction above ``plan_id``, nearest first; stops at a cycle instead of looping
    (``find_ancestor`` is the one that reports cycles)."""
    chain: list[str] = []
    seen = {plan_id}
    current = parents.get(plan_id)
    while current is not None and current not in seen:
        chain.append(current)
        seen.add(current)
        current = parents.get(current)
    return chain


def parent_map(plans: list[Jurisdiction], registry: Registry) -> dict[str, str | None]:
    parents = {j.id: j.parent for j in registry.values()}
    parents.update({j.id: j.parent for j in plans})
    return parents


def parents_between(lower: Jurisdiction, upper: Jurisdiction, registry: Registry,
                     plans_dir: Path | None) -> tuple[dict[str, str | None], set[str]]:
    """The parent links from ``lower`` up to ``upper``, and which of the plans in between are in
    ``plans_dir``. A plan's own parent wins over the registry, as in ``check``, so the plans on the
    way are read (their headers only matter, and there are a few at most)."""
    parents = parent_map([lower, upper], registry)
    present: set[str] = set()
    seen = {lower.id, upper.id}
    current = lower.parent
    while plans_dir is not None and current is not None and current not in seen:
        seen.add(current)
        own = _header_of(resolve_plan(current, plans_dir))
        if own is not None and own.id == current:
            parents[current] = own.parent
            present.add(current)
        current = parents.get(current)
    return parents, present


_JURISDICTION = re.compile(r"(?m)^jurisdiction[ \t]*:")
_TOP_KEY = re.compile(r"(?m)^[A-Za-z_][\w-]*[ \t]*:")


def relatives(focus: set[str], ids: list[str], parents: dict[str, str | None]) -> tuple[set[str], set[str]]:
    """The family of ``focus`` among ``ids``: ``below``, the focus and every plan under one of
    them; ``above``, their ancestors (what the family is compared against)."""
    below = set(focus) | {i for i in ids if not focus.isdisjoint(ancestors(i, parents))}
    return below, {a for plan_id in focus for a in ancestors(plan_id, parents)} - below


def family_files(files: list[Path], focus: list[Path], registry: Registry) -> list[Path]:
    """The files a check reporting on ``focus`` needs: the focus, the plans above it and below
    it, any plan claiming one of their ids, and any file whose header is not read here (it may
    be any of them; the check reads it). A pre-commit run on one county then compares a family,
    not the country, and reports what a full check would on that family.

    A header is read from the ``jurisdiction:`` block alone (libyaml on a few lines, not the
    whole file), so finding the family costs a fraction of reading every plan."""
    wanted = {os.path.realpath(p) for p in focus}
    headers = {path: _header_of(path) for path in files}
    known = [j for j in headers.values() if j is not None]
    parents = parent_map(known, registry)
    focus_ids = {j.id for path, j in headers.items() if j is not None and os.path.realpath(path) in wanted}
    below, above = relatives(focus_ids, [j.id for j in known], parents)
    family = below | above
    return [path for path, j in headers.items()
            if j is None or j.id in family or os.path.realpath(path) in wanted]


def _header_of(path: Path) -> Jurisdiction | None:
    """The jurisdiction a plan file declares, read from its ``jurisdiction:`` block; None when there
    is no such file, or the block does not say (the file's own check reports why)."""
    text, _ = read_text(path, str(path))
    start = _JURISDICTION.search(text) if text is not None else None
    if text is None or start is None:
        return None
    end = _TOP_KEY.search(text, start.end())
    try:
        data = yaml.load(text[start.start():end.start() if end else len(text)], Loader=yaml.CSafeLoader)
        return Jurisdiction.model_validate(data["jurisdiction"]) if isinstance(data, dict) else None
    except (yaml.YAMLError, ValidationError, KeyError, TypeError, RecursionError):
        return None
