"""The steps of a run, plan by plan: files → load → models → checks → located findings.

Each step is a function of its inputs (paths, models, the catalogue, the registry): the run
(``plancheck.run``) calls them through an executor (``plancheck.executor``), which does them
in this process or in worker processes with the same results. Nothing here prints, exits or
grades a finding; every problem becomes a ``Finding`` located in its file.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from plancheck import load_messages as words
from plancheck.catalog import Catalog
from plancheck.checks.provenance import check_provenance
from plancheck.checks.structure import check_structure
from plancheck.discovery import unusable_path
from plancheck.findings import Finding, KeyPath, Location, sort_findings
from plancheck.hierarchy import Registry, ancestors, find_ancestor, parent_map, parents_between, relatives
from plancheck.loader import MAX_ITEMS, load_file
from plancheck.models import Plan
from plancheck.positions import Position
from plancheck.project import inside, source_root
from plancheck.results import CheckResult, CompareResult, Comparison, LoadedPlan, Pair, PlanHeader, ValidationResult
from plancheck.schema_errors import findings_from_validation_error
from plancheck.textfiles import read_text
from plancheck.textnorm import SourceText, normalize_with_origin

if TYPE_CHECKING:
    from plancheck.hierarchy import Ancestry
    from plancheck.reason import Reason


def load_plan(path: Path, catalog: Catalog) -> tuple[LoadedPlan | None, list[Finding]]:
    """Load one plan file; all of its problems are reported together."""
    file = str(path)
    loaded = load_file(path, file)
    data = loaded.data
    if loaded.empty:
        return None, [Finding("PC005", words.EMPTY_PLAN, plan=path.stem, file=file, line=1, column=1)]
    if data is None:
        return None, _with_plan(loaded.problems, path.stem)
    problems = _with_plan(loaded.problems, _plan_id(data, path))
    if not isinstance(data, dict):
        problems.append(Finding("PC005", words.top_level_not_mapping(data), file=file, line=1, column=1))
        return None, problems
    plan_id = _plan_id(data, path)
    for key in ("targets", "skipped"):
        items = data.get(key)
        if isinstance(items, list) and len(items) > MAX_ITEMS:
            pos = loaded.positions.locate((key,))
            problems.append(Finding("PC006", words.too_many_entries(key, len(items), MAX_ITEMS), plan=plan_id,
                                    file=file, line=pos.line, column=pos.column))
            return None, problems
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        # A scalar the loader could not read (``!!int ''``) is already reported at its position;
        # the schema's complaint about the text it kept instead would say the same thing twice.
        unreadable = {(f.line, f.column) for f in loaded.problems if f.code == "PC012"}
        problems += [f for f in findings_from_validation_error(exc, data, loaded.positions, file, Plan, plan=plan_id)
                     if (f.line, f.column) not in unreadable]
        return None, problems
    result = LoadedPlan(plan, file, path, loaded.positions)
    problems += [_locate(f, result) for f in check_structure(plan, catalog)]
    root = source_root(os.path.dirname(os.path.abspath(path)))
    for i, doc in enumerate(plan.documents):
        if doc.source is None:
            continue
        source = result.source_path(doc.source)
        unusable = unusable_path(source)
        if unusable is not None:
            problems.append(_locate(Finding("PC013", words.source_not_a_name(i, doc.source, unusable),
                                            plan=plan_id, path=("documents", i, "source")), result))
        elif not inside(source, root):  # before anything else touches the file (docs/security.md)
            problems.append(_locate(Finding("PC018", words.source_outside(i, doc.source, root),
                                            plan=plan_id, path=("documents", i, "source")), result))
        elif not source.is_file():
            problems.append(_locate(Finding("PC013", words.source_not_found(i, doc.source, source),
                                            plan=plan_id, path=("documents", i, "source")), result))
    if problems:
        return None, problems
    return result, []


def _with_plan(findings: list[Finding], plan_id: str) -> list[Finding]:
    return [f if f.plan is not None else replace(f, plan=plan_id) for f in findings]


def read_sources(plan: LoadedPlan, cache: dict[str, tuple] | None = None
                 ) -> tuple[dict[str, SourceText], list[Finding]]:
    """Each document's source text, normalised once for every check that needs it.

    ``cache`` (normalised path → read result) shares the work between plans that cite the same
    source, as the documents of one jurisdiction, or a whole generated corpus, do. It is keyed
    by the path as written, not resolved: resolving costs a system call per folder, and two
    spellings of one file only mean reading it twice."""
    texts: dict[str, SourceText] = {}
    problems: list[Finding] = []
    for i, doc in enumerate(plan.plan.documents):
        if doc.source is None:
            continue
        path = plan.source_path(doc.source)
        display = os.path.normpath(path)
        if cache is not None and display in cache:
            text, found, normalized = cache[display]
        else:
            text, found = read_text(path, display)
            normalized = normalize_with_origin(text) if text is not None else None
            if cache is not None:
                cache[display] = (text, found, normalized)
        if text is None:
            problems += [_locate(replace(f, plan=plan.id, path=("documents", i, "source"),
                                         message=words.source_unreadable(i, f.message, f.file)), plan)
                         for f in found]
            continue
        texts[doc.id] = SourceText(display, normalized)
    return texts, problems


def validate_file(path: Path, catalog: Catalog, cache: dict[str, tuple]) -> tuple[LoadedPlan | None, list[Finding]]:
    """A plan's own checks: load, schema, structure, sources and quotes."""
    plan, findings = load_plan(path, catalog)
    if plan is None:
        return None, findings
    sources, found = read_sources(plan, cache)
    findings.extend(found)
    texts = {doc_id: source.text.text for doc_id, source in sources.items()}
    findings.extend(_locate(f, plan) for f in check_provenance(plan.plan, texts))
    return replace(plan, positions=plan.positions.pruned(KEPT_DEPTH)), findings


KEPT_DEPTH = 2
"""Positions kept after a plan's own checks: the plan's sections and each target and entry."""


@contextmanager
def bulk_work() -> Iterator[None]:
    """Pause the cyclic garbage collector while thousands of plans are built.

    Plans, positions and findings hold no reference cycles; reference counting frees them.
    The collector would otherwise rescan every object built so far, again and again, which
    is a large share of a national run and frees nothing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _locate(finding: Finding, plan: LoadedPlan) -> Finding:
    """Complete a check's new finding with its file position, in place."""
    pos = plan.positions.locate(finding.path)
    finding.file, finding.line, finding.column = plan.file, pos.line, pos.column
    return finding


def _plan_id(data: object, path: Path) -> str:
    jurisdiction = data.get("jurisdiction") if isinstance(data, dict) else None
    if isinstance(jurisdiction, dict) and isinstance(jurisdiction.get("id"), str):
        return jurisdiction["id"]
    return path.stem


def audit_file(path: Path, catalog: Catalog) -> list[Finding]:
    """Target-like numbers in a plan's sources that nothing quotes (plus any load problems)."""
    from plancheck.checks.audit import audit_plan

    plan, findings = load_plan(path, catalog)
    if plan is not None:
        sources, found = read_sources(plan)
        findings.extend(found)
        findings.extend(audit_plan(plan.plan, sources))
    return sort_findings(findings)


def compare_files(lower_path: Path, upper_path: Path, catalog: Catalog, registry: Registry,
                  plans_dir: Path | None = None) -> CompareResult:
    """Load two plans and compare every upper target with what the lower plan does about it;
    or the load errors of either. A skipped link whose plan is in ``plans_dir`` is named as such."""
    loaded = [load_plan(p, catalog) for p in (lower_path, upper_path)]
    problems = [f for _, found in loaded for f in found]
    lower, upper = loaded[0][0], loaded[1][0]
    if lower is None or upper is None:
        return CompareResult(None, sort_findings(problems))
    parents, present = parents_between(lower.plan.jurisdiction, upper.plan.jurisdiction, registry, plans_dir)
    ancestry = find_ancestor(lower.id, parents, {upper.id})
    skipped = ancestry.skipped if ancestry.ancestor == upper.id else ()
    return CompareResult(Comparison(lower, upper, compare_pair(lower, upper, catalog), skipped,
                                    upper_is_ancestor=upper.id in ancestors(lower.id, parents),
                                    skipped_present=tuple(s for s in skipped if s in present)))


@dataclass
class UpperShare:
    """What the children of one upper plan share: a province's target is the upper side of a
    thousand rows, and its location and the half of the message that names it are the same in
    each (``compare_pair``)."""

    heads: list[Reason]
    """Upper target index → the start of each message about it (``strictness.message_heads``)."""
    locations: dict[int, Location] = field(default_factory=dict)
    """Upper target index → where it is."""
    messages: dict[tuple, tuple[Reason, Reason]] = field(default_factory=dict)
    """The whole messages made so far, for children that answer a target alike (``check_strictness``)."""


def compare_pair(lower: LoadedPlan, upper: LoadedPlan, catalog: Catalog,
                 share: UpperShare | None = None) -> list[Finding]:
    """Strictness findings located in the lower file, each carrying where its upper target is
    (``Finding.upper``) so reporters can point at both documents."""
    from plancheck.checks.strictness import check_strictness, message_heads

    share = UpperShare(message_heads(upper.plan)) if share is None else share
    locations = share.locations
    lower_positions: dict[KeyPath, Position] = {}  # most rows point at the plan itself, or at one target twice
    findings = []
    for finding in check_strictness(lower.plan, upper.plan, catalog, share.heads, share.messages):
        index = finding.row.upper_index  # type: ignore[union-attr]
        location = locations.get(index)
        if location is None:
            up = upper.positions.locate(("targets", index))
            location = locations[index] = Location(upper.id, upper.file, up.line, up.column)
        pos = lower_positions.get(finding.path)
        if pos is None:
            pos = lower_positions[finding.path] = lower.positions.locate(finding.path)
        # the finding is new: completing it in place is safe
        finding.upper, finding.file, finding.line, finding.column = location, lower.file, pos[0], pos[1]
        findings.append(finding)
    return findings


@dataclass(frozen=True, slots=True)
class HierarchyTask:
    """What to check of one plan once every plan's header is known: either that its id repeats
    an earlier file's, or its consistency, its way up, and the comparison with its ancestor.
    Plans are named by their index among the plans read (in file order)."""

    plan: int
    duplicate_of: str | None = None
    ancestry: Ancestry | None = None
    upper: int | None = None


def hierarchy_tasks(headers: list[PlanHeader], registry: Registry) -> list[HierarchyTask]:
    """Every plan's task, in the order their findings are gathered (duplicates first, then each
    plan in file order), so that ties in the report's sort come out the same every run."""
    first: dict[str, int] = {}
    tasks = []
    for i, header in enumerate(headers):
        if header.id in first:
            tasks.append(HierarchyTask(i, duplicate_of=headers[first[header.id]].file))
        else:
            first[header.id] = i
    parents = parent_map([headers[i].jurisdiction for i in first.values()], registry)
    present = set(first)
    for plan_id, i in first.items():
        ancestry = find_ancestor(plan_id, parents, present)
        upper = first[ancestry.ancestor] if ancestry.problem is None and ancestry.ancestor is not None else None
        tasks.append(HierarchyTask(i, ancestry=ancestry, upper=upper))
    return tasks


def task_findings(tasks: list[HierarchyTask], plans: Sequence[LoadedPlan] | Mapping[int, LoadedPlan],
                  catalog: Catalog, shares: dict[int, UpperShare] | None = None) -> Iterator[tuple[int, list[Finding]]]:
    """Each task's findings, task by task, with the index of its plan. ``plans`` holds every plan
    and upper plan the tasks name (a worker's is a dict: its own plans and the uppers it was handed).
    ``shares``: what each upper plan's children share, kept across calls by a caller that hands
    the tasks over a few at a time."""
    from plancheck.checks.consistency import check_consistency
    from plancheck.checks.hierarchy import check_ancestry, check_duplicate
    from plancheck.checks.strictness import message_heads

    shares = {} if shares is None else shares
    for task in tasks:
        plan = plans[task.plan]
        if task.duplicate_of is not None:
            yield task.plan, [_locate(f, plan) for f in check_duplicate(plan.id, task.duplicate_of)]
            continue
        assert task.ancestry is not None
        findings = [_locate(f, plan) for f in check_consistency(plan.plan, catalog)]
        findings.extend(_locate(f, plan) for f in check_ancestry(plan.id, task.ancestry))
        if task.upper is not None:
            share = shares.get(task.upper)
            if share is None:
                share = shares[task.upper] = UpperShare(message_heads(plans[task.upper].plan))
            findings.extend(compare_pair(plan, plans[task.upper], catalog, share))
        yield task.plan, findings


def pairs_of(tasks: list[HierarchyTask], plans: Sequence[LoadedPlan]) -> list[Pair]:
    """``CheckResult.pairs``: each plan compared, with its ancestor and the links skipped on the way."""
    return [(plans[t.plan], plans[t.upper], t.ancestry.skipped)  # type: ignore[union-attr]
            for t in tasks if t.upper is not None]


def check_result(validation: ValidationResult, findings_by_task: Iterable[list[Finding]],
                 pairs: list[Pair]) -> CheckResult:
    """A check's result: the plans' own findings and each task's, sorted once."""
    findings = sort_findings(validation.findings + [f for found in findings_by_task for f in found])
    return CheckResult(findings=findings, files=validation.files, headers=validation.headers,
                       plans=validation.plans, pairs=pairs)


def relatives_of(result: CheckResult, files: list[Path], registry: Registry) -> CheckResult:
    """What concerns ``files`` and the plans above and below them in the hierarchy.

    A change to one plan can open a gap in its children (a parent got stricter) or close one
    in itself; checking the whole folder but reporting on the family keeps pre-commit and
    ``--changed-only`` fast to read without missing those. The ancestors are what the family
    is compared against: their problems as plans are reported, their own comparisons with the
    levels above are not (a county's commit does not answer for the province's gaps).
    """
    headers = result.headers
    wanted = {os.path.realpath(p) for p in files}
    focus = {h.id for h in headers if os.path.realpath(h.path) in wanted}
    parents = parent_map([h.jurisdiction for h in headers], registry)
    below, above = relatives(focus, [h.id for h in headers], parents)
    wanted_files = {str(p) for p in files}
    named = functools.cache(lambda file: file in wanted_files or os.path.realpath(file) in wanted)  # once a file
    findings = [f for f in result.findings
                if f.plan in below or (f.plan in above and f.row is None) or (f.file is not None and named(f.file))]
    family = below | above
    kept = [h for h in headers if h.id in family]
    return CheckResult(findings=findings, files=len(kept), headers=kept,
                       plans=[p for p in result.plans if p.id in family],
                       pairs=[pair for pair in result.pairs if pair[0].id in below])
