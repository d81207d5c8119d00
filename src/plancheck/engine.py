"""Wiring between rooms: files → load → models → checks → findings.

The CLI calls these functions and hands the result to a reporter. Nothing here
prints or exits; every problem becomes a located ``Finding``.
"""

from __future__ import annotations

import errno
import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from plancheck.catalog import Catalog
from plancheck.checks.provenance import check_provenance
from plancheck.checks.structure import check_structure
from plancheck.codes import is_load_error_code
from plancheck.findings import Finding, KeyPath, Severity, sort_findings
from plancheck.loader import Position, PositionMap, load_file, read_text
from plancheck.models import Jurisdiction, Plan
from plancheck.project import inside, source_root
from plancheck.schema_errors import findings_from_validation_error
from plancheck.textnorm import SourceText, normalize_with_origin

if TYPE_CHECKING:
    from plancheck.hierarchy import Ancestry

PLAN_SUFFIXES = (".yaml", ".yml")
MAX_ITEMS = 2000
"""Targets (and skipped entries) per plan. Comparison pairs targets, so its cost grows with the
square of this; 2000 is twenty times the largest real plan and still answers in seconds."""


@dataclass(frozen=True, slots=True)
class PlanHeader:
    """What a run needs to know of a plan besides its targets: who it is, who its parent is, and
    which files it was read from (a report is never written over one of them). With ``--jobs``
    the plans stay in the worker processes that read them and the parent holds only these."""

    id: str
    file: str
    path: Path
    jurisdiction: Jurisdiction
    sources: tuple[Path, ...]


@dataclass(frozen=True)
class LoadedPlan:
    """A validated plan with everything needed to point back into its file."""

    plan: Plan
    file: str
    path: Path
    positions: PositionMap

    @property
    def id(self) -> str:
        return self.plan.jurisdiction.id

    def source_path(self, source: str) -> Path:
        """Document sources are relative to the plan file, so plan folders can move."""
        return self.path.parent / source

    @property
    def header(self) -> PlanHeader:
        return PlanHeader(self.id, self.file, self.path, self.plan.jurisdiction,
                          tuple(self.source_path(d.source) for d in self.plan.documents if d.source))


@dataclass
class Validation:
    plans: list[LoadedPlan] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    pairs: list[tuple[LoadedPlan, LoadedPlan, tuple[str, ...]]] = field(default_factory=list)
    """For ``check``: each plan with the nearest present ancestor it was compared with, and the skipped links."""
    kept_elsewhere: list[PlanHeader] | None = None
    """Set when the plans stayed in worker processes (``plans`` and ``pairs`` are then empty)."""

    @property
    def headers(self) -> list[PlanHeader]:
        """Every plan read, in file order, whether or not this process holds it."""
        return self.kept_elsewhere if self.kept_elsewhere is not None else [p.header for p in self.plans]

    @property
    def has_load_errors(self) -> bool:
        return any(is_load_error(f) for f in self.findings)


def is_load_error(finding: Finding) -> bool:
    return is_load_error_code(finding.code)


def discover(paths: list[Path]) -> tuple[list[Path], list[Finding]]:
    """Expand folders into their plan files (recursively, sorted); missing paths become PC001."""
    files: list[Path] = []
    problems: list[Finding] = []
    for p in paths:
        unusable = _unusable_path(p)
        if unusable is not None:
            problems.append(Finding("PC001", Severity.ERROR, f"cannot be read: {unusable}", file=str(p)))
            continue
        if p.is_dir():
            try:
                found = sorted(q for q in p.rglob("*") if q.suffix in PLAN_SUFFIXES and q.is_file())
            except OSError as exc:
                problems.append(Finding("PC001", Severity.ERROR, f"cannot list the folder: {exc.strerror or exc}",
                                        file=str(p)))
                continue
            if not found:
                problems.append(Finding("PC001", Severity.ERROR, "folder holds no plan files (*.yaml, *.yml)",
                                        file=str(p)))
            root = source_root(str(p))
            for q in found:
                if inside(q, root):
                    files.append(q)
                else:  # a link out of the repository: reading it would echo another file's text
                    problems.append(Finding("PC018", Severity.ERROR, "a plan file in the folder resolves outside "
                                            f"the plan repository ({root}); it was not read", file=str(q),
                                            line=1, column=1))
        elif p.exists():
            files.append(p)
        else:
            problems.append(Finding("PC001", Severity.ERROR, "no such file or folder", file=str(p)))
    # One file named twice (a folder and a file in it, two spellings, a link) is read once, under
    # the first name it was given.
    seen: set[str] = set()
    unique = []
    for f in files:
        real = os.path.realpath(f)
        if real not in seen:
            seen.add(real)
            unique.append(f)
    return unique, problems


def load_plan(path: Path, catalog: Catalog) -> tuple[LoadedPlan | None, list[Finding]]:
    """Load one plan file; all of its problems are reported together."""
    file = str(path)
    loaded = load_file(path, file)
    data = loaded.data
    if loaded.empty:
        return None, [Finding("PC005", Severity.ERROR, "the file is empty; a plan is a mapping with jurisdiction, "
                              "documents and targets", plan=path.stem, file=file, line=1, column=1)]
    if data is None:
        return None, _with_plan(loaded.problems, path.stem)
    problems = _with_plan(loaded.problems, _plan_id(data, path))
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        problems.append(Finding("PC005", Severity.ERROR,
                                f"the top level is {kind}; a plan is a mapping with jurisdiction, documents and targets",
                                file=file, line=1, column=1))
        return None, problems
    plan_id = _plan_id(data, path)
    for key in ("targets", "skipped"):
        items = data.get(key)
        if isinstance(items, list) and len(items) > MAX_ITEMS:
            pos = loaded.positions.locate((key,))
            problems.append(Finding("PC006", Severity.ERROR,
                                    f"{key}: {len(items):,} entries; the limit is {MAX_ITEMS:,} per plan (the largest "
                                    "real plan has about a hundred)", plan=plan_id, file=file, line=pos.line,
                                    column=pos.column))
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
        unusable = _unusable_path(source)
        if unusable is not None:
            problems.append(_locate(Finding(
                "PC013", Severity.ERROR, f"documents[{i}].source: {doc.source!r} cannot be a file name ({unusable})",
                plan=plan_id, path=("documents", i, "source")), result))
        elif not inside(source, root):  # before anything else touches the file (docs/security.md)
            problems.append(_locate(Finding(
                "PC018", Severity.ERROR,
                f"documents[{i}].source: {doc.source!r} resolves outside the plan repository ({root}); "
                "source texts must lie inside it, so it was not read",
                plan=plan_id, path=("documents", i, "source")), result))
        elif not source.is_file():
            problems.append(_locate(Finding(
                "PC013", Severity.ERROR,
                f"documents[{i}].source: source text {doc.source!r} not found next to the plan, or not a "
                f"regular file (looked for {source})",
                plan=plan_id, path=("documents", i, "source")), result))
    if problems:
        return None, problems
    return result, []


def _unusable_path(path: Path) -> str | None:
    """Why ``path`` cannot name a file at all (a NUL byte, a name too long, a loop of links),
    or None: the file system's refusal, said once, instead of an error from deep inside."""
    if "\0" in str(path):
        return "it holds a NUL character"
    try:
        os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ENAMETOOLONG, errno.ELOOP):
            return exc.strerror or str(exc)
    return None


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
                                         message=f"documents[{i}].source: {f.message} ({f.file})"), plan)
                         for f in found]
            continue
        texts[doc.id] = SourceText(display, normalized)
    return texts, problems


def validate(paths: list[Path], catalog: Catalog, jobs: int = 1, keep_plans: bool = True) -> Validation:
    """Schema, references and provenance of every plan file under ``paths``.

    With ``jobs`` > 1 and enough files, the files are read by that many worker processes; the
    result, sorted as always, is the same as a serial run's. The plans stay in the workers
    unless ``keep_plans`` (``Validation.headers`` says what they are either way).
    """
    files, problems = discover(paths)
    if _in_parallel(files, jobs):
        from plancheck.workers import Workers

        with Workers(files, problems, catalog, jobs) as workers:
            return workers.validation(keep_plans)
    return _validate_here(files, problems, catalog)


PARALLEL_MIN_FILES = 64
"""Below this, starting processes costs more than it saves."""


def _in_parallel(files: list[Path], jobs: int) -> bool:
    """Whether ``validate`` and ``check`` hand these files to worker processes."""
    return jobs > 1 and len(files) >= PARALLEL_MIN_FILES


def _validate_here(files: list[Path], problems: list[Finding], catalog: Catalog) -> Validation:
    result = Validation(findings=problems, files=len(files))
    with bulk_work():
        cache: dict[str, tuple] = {}
        for path in files:
            plan, found = validate_file(path, catalog, cache)
            result.findings.extend(found)
            if plan is not None:
                result.plans.append(plan)
        result.findings = sort_findings(result.findings)
    return result


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


def default_jobs() -> int:
    """Both cores of a CI machine, or all of a workstation's, when there is no --jobs."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


KEPT_DEPTH = 2
"""Positions kept after a plan's own checks: the plan's sections and each target and entry."""


@contextmanager
def bulk_work() -> Iterator[None]:
    """Pause the cyclic garbage collector while thousands of plans are built.

    Plans, positions and findings hold no reference cycles; reference counting frees them.
    The collector would otherwise rescan every object built so far, again and again, which
    costs a quarter of a national run and frees nothing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _locate(finding: Finding, plan: LoadedPlan) -> Finding:
    pos = plan.positions.locate(finding.path)
    return finding.located(plan.file, pos.line, pos.column)


def _plan_id(data: object, path: Path) -> str:
    jurisdiction = data.get("jurisdiction") if isinstance(data, dict) else None
    if isinstance(jurisdiction, dict) and isinstance(jurisdiction.get("id"), str):
        return jurisdiction["id"]
    return path.stem


def resolve_plan(arg: str, plans_dir: Path) -> Path:
    """A plan argument is a path (it has a suffix or a slash) or a jurisdiction id in ``plans_dir``."""
    if arg.endswith(PLAN_SUFFIXES) or "/" in arg or "\\" in arg:
        return Path(arg)
    for suffix in PLAN_SUFFIXES:
        candidate = plans_dir / f"{arg}{suffix}"
        if candidate.is_file():
            return candidate
    return plans_dir / f"{arg}.yaml"


def audit(path: Path, catalog: Catalog) -> Validation:
    """Target-like numbers in a plan's sources that nothing quotes (plus any load problems)."""
    from plancheck.checks.audit import audit_plan

    result = Validation(files=1)
    plan, found = load_plan(path, catalog)
    result.findings.extend(found)
    if plan is not None:
        result.plans.append(plan)
        sources, found = read_sources(plan)
        result.findings.extend(found)
        result.findings.extend(audit_plan(plan.plan, sources))
    result.findings = sort_findings(result.findings)
    return result


@dataclass
class Comparison:
    """Everything a reporter needs to show one lower plan against one upper plan."""

    lower: LoadedPlan
    upper: LoadedPlan
    findings: list[Finding]
    skipped_links: tuple[str, ...] = ()
    upper_is_ancestor: bool = True
    notes: list[Finding] = field(default_factory=list)
    """Findings that belong to no row of the comparison: waivers that expired."""


def compare(lower_path: Path, upper_path: Path, catalog: Catalog, rules_dir: Path | None = None
            ) -> tuple[Comparison | None, list[Finding]]:
    """Load two plans and compare every upper target with what the lower plan does about it."""
    from plancheck.hierarchy import ancestors, find_ancestor, load_registry, parent_map

    loaded = [load_plan(p, catalog) for p in (lower_path, upper_path)]
    problems = [f for _, found in loaded for f in found]
    lower, upper = loaded[0][0], loaded[1][0]
    if lower is None or upper is None:
        return None, sort_findings(problems)
    parents = parent_map([lower.plan.jurisdiction, upper.plan.jurisdiction], load_registry(rules_dir))
    ancestry = find_ancestor(lower.id, parents, {upper.id})
    skipped = ancestry.skipped if ancestry.ancestor == upper.id else ()
    return Comparison(lower, upper, compare_pair(lower, upper, catalog), skipped,
                      upper_is_ancestor=upper.id in ancestors(lower.id, parents)), []


@dataclass
class UpperShare:
    """What the children of one upper plan share: a province's target is the upper side of a
    thousand rows, and its location and the half of the message that names it are the same in
    each (``compare_pair``)."""

    locations: dict[int, dict] = field(default_factory=dict)
    """Upper target index → where it is, the read-only dict put in ``extra["upper_location"]``."""
    heads: dict[int, str] = field(default_factory=dict)
    """Upper target index → the start of each message about it (``row_message``)."""


def compare_pair(lower: LoadedPlan, upper: LoadedPlan, catalog: Catalog,
                 share: UpperShare | None = None) -> list[Finding]:
    """Strictness findings located in the lower file, each carrying where its upper target is
    (``extra["upper_location"]``) so reporters can point at both documents."""
    from plancheck.checks.strictness import check_strictness

    share = UpperShare() if share is None else share
    locations = share.locations
    lower_positions: dict[KeyPath, Position] = {}  # most rows point at the plan itself, or at one target twice
    findings = []
    for finding in check_strictness(lower.plan, upper.plan, catalog, share.heads):
        index = finding.extra["row"].upper_index
        location = locations.get(index)
        if location is None:
            up = upper.positions.locate(("targets", index))
            location = locations[index] = {"plan": upper.id, "file": upper.file, "line": up.line,
                                           "column": up.column}
        finding.extra["upper_location"] = location  # the finding is new: completing it in place is safe
        pos = lower_positions.get(finding.path)
        if pos is None:
            pos = lower_positions[finding.path] = lower.positions.locate(finding.path)
        finding.file, finding.line, finding.column = lower.file, pos[0], pos[1]
        findings.append(finding)
    return findings


def comparisons_of(result: Validation) -> list[Comparison]:
    """The pairs a ``check`` compared, each with its findings as they stand now (after settings
    and waivers were applied to ``result.findings``)."""
    by_plan: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if "row" in finding.extra and finding.plan is not None:
            by_plan.setdefault(finding.plan, []).append(finding)
    return [Comparison(lower, upper, by_plan.get(lower.id, []), skipped) for lower, upper, skipped in result.pairs]


def check(paths: list[Path], catalog: Catalog, rules_dir: Path | None = None, jobs: int = 1,
          keep_plans: bool = True) -> Validation:
    """Validation, internal consistency, and every plan against its nearest present ancestor.

    ``jobs`` and ``keep_plans`` as for ``validate``; ``pairs`` is filled only when the plans are kept."""
    files, problems = discover(paths)
    if _in_parallel(files, jobs):
        from plancheck.workers import Workers

        with Workers(files, problems, catalog, jobs) as workers:
            return workers.check(rules_dir, keep_plans)
    result = _validate_here(files, problems, catalog)
    with bulk_work():
        tasks = hierarchy_tasks(result.headers, rules_dir)
        found = run_tasks(tasks, result.plans, catalog)
        result.findings = sort_findings(result.findings + [f for task in tasks for f in found[task.plan]])
        result.pairs = pairs_of(tasks, result.plans)
    return result


@dataclass(frozen=True, slots=True)
class HierarchyTask:
    """What to check of one plan once every plan's header is known: either that its id repeats
    an earlier file's, or its consistency, its way up, and the comparison with its ancestor.
    Plans are named by their index among the plans read (in file order)."""

    plan: int
    duplicate_of: str | None = None
    ancestry: Ancestry | None = None
    upper: int | None = None


def hierarchy_tasks(headers: list[PlanHeader], rules_dir: Path | None) -> list[HierarchyTask]:
    """Every plan's task, in the order their findings are gathered (duplicates first, then each
    plan in file order), so that ties in the report's sort come out the same every run."""
    from plancheck.hierarchy import find_ancestor, load_registry, parent_map

    first: dict[str, int] = {}
    tasks = []
    for i, header in enumerate(headers):
        if header.id in first:
            tasks.append(HierarchyTask(i, duplicate_of=headers[first[header.id]].file))
        else:
            first[header.id] = i
    parents = parent_map([headers[i].jurisdiction for i in first.values()], load_registry(rules_dir))
    present = set(first)
    for plan_id, i in first.items():
        ancestry = find_ancestor(plan_id, parents, present)
        upper = first[ancestry.ancestor] if ancestry.problem is None and ancestry.ancestor is not None else None
        tasks.append(HierarchyTask(i, ancestry=ancestry, upper=upper))
    return tasks


def run_tasks(tasks: list[HierarchyTask], plans: Sequence[LoadedPlan] | Mapping[int, LoadedPlan],
              catalog: Catalog) -> dict[int, list[Finding]]:
    """Each task's findings, by the index of its plan. ``plans`` holds every plan and upper plan
    the tasks name (a worker's is a dict: its own plans and the uppers it was handed)."""
    return dict(task_findings(tasks, plans, catalog))


def task_findings(tasks: list[HierarchyTask], plans: Sequence[LoadedPlan] | Mapping[int, LoadedPlan],
                  catalog: Catalog) -> Iterator[tuple[int, list[Finding]]]:
    """``run_tasks`` one task at a time, so a worker can send its findings on while it works."""
    from plancheck.checks.consistency import check_consistency
    from plancheck.checks.hierarchy import check_ancestry, check_duplicate

    shares: dict[int, UpperShare] = {}
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
                share = shares[task.upper] = UpperShare()
            findings.extend(compare_pair(plan, plans[task.upper], catalog, share))
        yield task.plan, findings


def pairs_of(tasks: list[HierarchyTask], plans: Sequence[LoadedPlan]
             ) -> list[tuple[LoadedPlan, LoadedPlan, tuple[str, ...]]]:
    """``Validation.pairs``: each plan compared, with its ancestor and the links skipped on the way."""
    return [(plans[t.plan], plans[t.upper], t.ancestry.skipped)  # type: ignore[union-attr]
            for t in tasks if t.upper is not None]


def restrict_to_relatives(result: Validation, files: list[Path], rules_dir: Path | None = None) -> Validation:
    """Keep what concerns ``files`` and the plans above and below them in the hierarchy.

    A change to one plan can open a gap in its children (a parent got stricter) or close one
    in itself; checking the whole folder but reporting on the family keeps pre-commit and
    ``--changed-only`` fast to read without missing those.
    """
    from plancheck.hierarchy import ancestors, load_registry, parent_map

    headers = result.headers
    wanted = {os.path.realpath(p) for p in files}
    focus = {h.id for h in headers if os.path.realpath(h.path) in wanted}
    parents = parent_map([h.jurisdiction for h in headers], load_registry(rules_dir))
    family = set(focus)
    for plan_id in focus:
        family.update(ancestors(plan_id, parents))
    family.update(h.id for h in headers if not focus.isdisjoint(ancestors(h.id, parents)))
    wanted_files = {str(p) for p in files}
    findings = [f for f in result.findings
                if (f.plan in family) or (f.file is not None and (f.file in wanted_files or
                                                                  os.path.realpath(f.file) in wanted))]
    pairs = [(lower, upper, skipped) for lower, upper, skipped in result.pairs if lower.id in family]
    plans = [p for p in result.plans if p.id in family]
    kept = [h for h in headers if h.id in family]
    return Validation(plans=plans, findings=findings, files=len(kept), pairs=pairs,
                      kept_elsewhere=kept if result.kept_elsewhere is not None else None)
