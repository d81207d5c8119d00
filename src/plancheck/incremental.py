"""The serial check and validation: only the plans that comparisons still need stay in memory,
and what the cache holds for unchanged files is reused (docs/performance.md, "Memory" and "The cache").

A national repository is a few hundred provinces and cities and thousands of counties; each
plan is compared once, with its ancestor, and is needed after that only while the plans below
it are compared with it. So the run first works out every task from the headers it can know
without reading a plan (a cached result's, else the file's ``jurisdiction:`` block), then goes
down the hierarchy: a plan's comparison, the comparisons below it, and then the plan is let
go, so that a chain of ancestors and one plan are alive at a time. Once every file is read the
run works out every task the ordinary way (``pipeline.hierarchy_tasks``) and keeps a
comparison only where its task is the same, so a header that read differently from the file
(a layout the block reader does not follow) costs a second comparison, never a wrong one.
The findings are sorted as the all-in-memory run sorts them, so the report is byte-identical
(tests/test_cache.py).

With a cache (``plancheck.cache``), a plan file's own result is stored under a key over its
bytes, name and folder, and is reused while the source texts it cites are unchanged; a
comparison's findings under a key over both plans' results and the way up between them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from plancheck.cache import Cache, file_digest, source_state
from plancheck.findings import Finding, sort_findings
from plancheck.packing import pack, unpack
from plancheck.project import source_root
from plancheck.reason import Reason
from plancheck.results import UNWATCHED, CheckResult, LoadedPlan, PlanHeader, Progress, ValidationResult

if TYPE_CHECKING:
    from plancheck.catalog import Catalog
    from plancheck.hierarchy import Registry
    from plancheck.models import Jurisdiction
    from plancheck.pipeline import HierarchyTask, UpperShare

# The pipeline, the hierarchy and the plan models are imported only when a file has to be read or
# a check compares plans: a validate whose every result is cached never builds the models.


def validate_file(path: Path, catalog: Catalog, texts: dict[str, tuple]) -> tuple[LoadedPlan | None, list[Finding]]:
    from plancheck.pipeline import validate_file as read

    return read(path, catalog, texts)


def _header_of(path: Path) -> Jurisdiction | None:
    from plancheck.hierarchy import _header_of as declared

    return declared(path)


@contextmanager
def _bulk_work() -> Iterator[None]:
    from plancheck.pipeline import bulk_work

    with bulk_work():
        yield


SOURCE_TEXTS_KEPT = 256
"""Normalised source texts kept for the plans that cite them too; past this the store starts
again, so a repository of thousands of distinct sources does not hold them all."""


@dataclass(slots=True)
class _Slot:
    """One plan file in the run."""

    path: Path
    key: str | None = None
    """Where its own result is stored; None without a cache, or when its bytes cannot be read."""
    digest: bytes = b""
    """The digest of the bytes the key was made from: a file that changes while the run reads it
    is not stored under the key of what it was."""
    result: str | None = None
    """What its own result was computed from (the key and its sources' state), for comparison keys."""
    header: PlanHeader | None = None
    plain_header: tuple | None = None
    """A cached result's header as stored, made a ``PlanHeader`` only by a check (``_headers``)."""
    findings: list[Finding] | None = None
    plan: LoadedPlan | None = None


class Known:
    """The files of a run and what is known of each: a plan's own result, its plan while it is
    needed, and the cache they are stored in. The parallel run (``plancheck.workers``) stores
    its results here too (``record_own``, ``record_task``), so a cache warms whichever run made it."""

    def __init__(self, files: list[Path], catalog: Catalog | Callable[[], Catalog], cache: Cache | None,
                 progress: Progress = UNWATCHED, digests: list[bytes] | None = None) -> None:
        """``digests``: each file's SHA-256, when the run has read them already (``replay``)."""
        self.slots = [_Slot(path) for path in files]
        self._catalog = catalog
        self.cache = cache
        self.progress = progress
        self.texts: dict[str, tuple] = {}
        self.reasons: dict[tuple[str, str], Reason] = {}
        self.states: dict[str, str] = {}
        self.shares: dict[int, UpperShare] = {}
        if cache is not None:
            for i in range(len(files)):
                self.cached_own(i, None if digests is None else digests[i])

    @property
    def catalog(self) -> Catalog:
        """The catalogue, loaded when a file is first read (``executor.resolved``)."""
        if callable(self._catalog):
            self._catalog = self._catalog()
        return self._catalog

    @property
    def misses(self) -> int:
        """Files whose own result is not known yet."""
        return sum(1 for slot in self.slots if slot.findings is None)

    # ------------------------------------------------------------ a plan's own result

    def cached_own(self, i: int, digest: bytes | None = None) -> None:
        """Slot ``i``'s own result from the cache, when its bytes (``digest``, if known) and
        sources are unchanged."""
        slot = self.slots[i]
        if digest is None:
            digest = file_digest(slot.path)
            if digest is None:  # not a file that can be read: the pipeline says why
                return
        absolute = os.path.abspath(slot.path)
        assert self.cache is not None
        slot.digest = digest
        slot.key = self.cache.key("plan", slot.digest, str(slot.path), absolute, source_root(os.path.dirname(absolute)))
        entry = self.cache.get(slot.key)
        if entry is None:
            return
        try:
            header, packed, sources = entry
            state = [self.source_state(path) for path, _ in sources]
            if state != [s for _, s in sources]:
                return
            found = unpack(packed, self.reasons, plain=True)
        except (ValueError, TypeError, KeyError):  # an entry of another shape
            return
        slot.findings, slot.plain_header = found, header
        slot.result = self.cache.key(slot.key, *state)

    def validate(self, i: int, keep: bool) -> LoadedPlan | None:
        """Read and check slot ``i``; store its own result; keep the plan if ``keep``."""
        slot = self.slots[i]
        if len(self.texts) > SOURCE_TEXTS_KEPT:
            self.texts.clear()
        plan, found = validate_file(slot.path, self.catalog, self.texts)
        if slot.findings is None:
            self.record_own(i, None if plan is None else plan.header, found)
            self.progress.advance()
        if keep:
            slot.plan = plan
        return plan

    def record_own(self, i: int, header: PlanHeader | None, findings: list[Finding]) -> None:
        """Slot ``i``'s own result, worked out: kept, and stored. A plan that failed is not
        stored: it may have failed on a source it names, so it is read again next time."""
        slot = self.slots[i]
        slot.findings, slot.header = findings, header
        if slot.key is not None and self.cache is not None and header is not None and self._unchanged(slot):
            sources = [(str(p), self.source_state(str(p))) for p in header.sources]
            self.cache.put(slot.key, (_plain_header(header), pack(findings, plain=True), sources))
            slot.result = self.cache.key(slot.key, *(s for _, s in sources))

    @staticmethod
    def _unchanged(slot: _Slot) -> bool:
        return file_digest(slot.path) == slot.digest

    def source_state(self, path: str) -> str:
        """What a source text is, for a key: where it leads and a digest of its bytes."""
        state = self.states.get(path)
        if state is None:
            state = self.states[path] = source_state(path)
        return state

    def release(self, i: int) -> None:
        """Slot ``i``'s plan, and what its children shared, let go: nothing below it is left to compare."""
        self.slots[i].plan = None
        self.shares.pop(i, None)

    def plan(self, i: int) -> LoadedPlan:
        slot = self.slots[i]
        plan = slot.plan if slot.plan is not None else self.validate(i, keep=True)
        assert plan is not None, "a plan with a task has been read without errors"
        return plan

    # ------------------------------------------------------------ a comparison

    def task(self, task: HierarchyTask) -> list[Finding]:
        """A task's findings (in file-index terms), from the cache or worked out."""
        key = self._task_key(task)
        if key is not None:
            packed = self.cache.get(key)  # type: ignore[union-attr]
            if packed is not None:
                try:
                    return unpack(packed, self.reasons, plain=True)
                except (ValueError, TypeError, KeyError):
                    pass
        plans = {task.plan: self.plan(task.plan)}
        if task.upper is not None:
            plans[task.upper] = self.plan(task.upper)
        from plancheck.pipeline import task_findings

        findings = next(task_findings([task], plans, self.catalog, self.shares))[1]
        self.record_task(task, findings, key)
        return findings

    def record_task(self, task: HierarchyTask, findings: list[Finding], key: str | None = None) -> None:
        """A task's findings (in file-index terms), stored."""
        key = self._task_key(task) if key is None else key
        if key is not None:
            self.cache.put(key, pack(findings, plain=True))  # type: ignore[union-attr]

    def _task_key(self, task: HierarchyTask) -> str | None:
        """Where a task's findings are stored: by both plans' results and the way between them."""
        if self.cache is None:
            return None
        lower = self.slots[task.plan].result
        upper = "" if task.upper is None else self.slots[task.upper].result
        if lower is None or upper is None:
            return None
        return self.cache.key("task", lower, upper, task.duplicate_of or "", repr(task.ancestry))


def _plain_header(header: PlanHeader | None) -> tuple | None:
    if header is None:
        return None
    return (header.id, header.file, header.jurisdiction.model_dump(mode="json"), tuple(str(s) for s in header.sources))


def _headers(run: Known) -> None:
    """Every cached result's header made whole; an entry whose header does not read is a miss."""
    from pydantic import ValidationError

    from plancheck.models import Jurisdiction

    for slot in run.slots:
        if slot.findings is not None and slot.header is None and slot.plain_header is not None:
            plan_id, file, jurisdiction, sources = slot.plain_header
            try:
                slot.header = PlanHeader(plan_id, file, slot.path, Jurisdiction.model_validate(jurisdiction),
                                         tuple(Path(s) for s in sources))
            except (ValidationError, TypeError, ValueError):
                slot.findings = slot.result = None


def validate(run: Known, problems: list[Finding]) -> ValidationResult:
    """Every file's own findings, no plan kept."""
    _read_known(run)
    if run.misses:
        with _bulk_work():
            for i, slot in enumerate(run.slots):
                if slot.findings is None:
                    run.validate(i, keep=False)
    return _validation(run, problems)


def check(run: Known, problems: list[Finding], registry: Registry) -> CheckResult:
    """``validate``, then every plan's task, going down the hierarchy so that a plan stays in
    memory only while the plans below it are compared with it (a chain of ancestors and one
    plan, not every province and city)."""
    from plancheck.pipeline import check_result, hierarchy_tasks

    progress = run.progress
    _headers(run)
    _read_known(run)
    with _bulk_work():
        planned = _planned(run, registry)
        below: dict[int | None, list[HierarchyTask]] = {}
        for task in planned:
            below.setdefault(task.upper, []).append(task)
        early: dict[int, tuple[HierarchyTask, list[Finding]]] = {}
        todo: list[HierarchyTask | int] = list(reversed(below.get(None, [])))
        while todo:  # depth first: a plan's task, the tasks below it, then the plan is let go
            task = todo.pop()
            if isinstance(task, int):
                run.release(task)
                continue
            sides = [i for i in (task.plan, task.upper) if i is not None]
            for i in sides:
                if run.slots[i].findings is None:
                    run.validate(i, keep=True)
            if all(run.slots[i].header is not None for i in sides):  # else a plan did not read: no such task
                early[task.plan] = (task, run.task(task))
            todo.append(task.plan)
            todo.extend(reversed(below.get(task.plan, [])))
        for i, slot in enumerate(run.slots):  # files no task reached: a plan that does not read
            if slot.findings is None:
                run.validate(i, keep=False)
        validation = _validation(run, problems, sort=False)  # check_result sorts once
        at = [i for i, slot in enumerate(run.slots) if slot.header is not None]
        tasks = hierarchy_tasks(validation.headers, registry)
        progress.phase("compare", len(tasks))
        found = []
        for task in tasks:
            in_files = _in_files(task, at)
            made = early.get(in_files.plan)
            found.append(made[1] if made is not None and made[0] == in_files else run.task(in_files))
            progress.advance()
        return check_result(validation, found, [])


def _planned(run: Known, registry: Registry) -> list[HierarchyTask]:
    """Every task as the headers known before reading give it (in file-index terms): a cached
    result's, else the file's ``jurisdiction:`` block; a file whose block does not read is read
    now. What is planned is checked against the tasks of the headers read (``check``), so a
    block that reads otherwise than its file costs a second comparison, never a wrong one."""
    from plancheck.pipeline import hierarchy_tasks

    declared: list[PlanHeader | None] = []
    for i, slot in enumerate(run.slots):
        if slot.findings is None:
            jurisdiction = _header_of(slot.path)
            if jurisdiction is None:
                run.validate(i, keep=True)
            else:
                declared.append(PlanHeader(jurisdiction.id, str(slot.path), slot.path, jurisdiction, ()))
                continue
        declared.append(slot.header)
    at = [i for i, header in enumerate(declared) if header is not None]
    return [_in_files(task, at) for task in hierarchy_tasks([declared[i] for i in at], registry)]  # type: ignore[misc]


def _in_files(task: HierarchyTask, at: list[int]) -> HierarchyTask:
    """A task over a list of headers, its plans named by their index among the run's files."""
    return replace(task, plan=at[task.plan], upper=None if task.upper is None else at[task.upper])


def _read_known(run: Known) -> None:
    run.progress.phase("read", len(run.slots))
    run.progress.advance(len(run.slots) - run.misses)


def _validation(run: Known, problems: list[Finding], sort: bool = True) -> ValidationResult:
    """The files' own findings; sorted unless a check sorts them with its comparisons'."""
    findings = list(problems)
    for slot in run.slots:
        findings.extend(slot.findings or ())
    return ValidationResult(findings=sort_findings(findings) if sort else findings, files=len(run.slots),
                            headers=[s.header for s in run.slots if s.header is not None])
