"""Where a run's plan-by-plan work is done: in this process, or shared among worker processes.

The one boundary around parallelism: the run hands the executor the files and what the
checks need, and gets back the same result either way, sorted as always, so a parallel
report is byte-identical to a serial one (tests/test_performance_paths.py). Nothing but this
module imports ``plancheck.workers``.

Why the workers are not a ``multiprocessing.Pool``: a pool returns each task's result to the
parent, and a national corpus's plans pickle to tens of megabytes, about as costly as reading
them. The workers keep the plans they read and compare them where they are; only headers and
findings travel (``plancheck.workers``; docs/performance.md, "What was done").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from plancheck.findings import Finding, sort_findings
from plancheck.results import UNWATCHED, CheckResult, Progress, ValidationResult

if TYPE_CHECKING:  # the pipeline and the models are imported when a file has to be read
    from plancheck.cache import Cache
    from plancheck.catalog import Catalog
    from plancheck.hierarchy import Registry

PARALLEL_MIN_FILES = 64
"""Below this, starting processes costs more than it saves."""


def default_jobs() -> int:
    """Both cores of a CI machine, or all of a workstation's, when there is no --jobs."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def resolved(catalog: Catalog | Callable[[], Catalog]) -> Catalog:
    return catalog() if callable(catalog) else catalog


def _in_parallel(files: list[Path], jobs: int) -> bool:
    return jobs > 1 and len(files) >= PARALLEL_MIN_FILES


def validate(files: list[Path], problems: list[Finding], catalog: Catalog | Callable[[], Catalog], jobs: int = 1,
             keep_plans: bool = True, progress: Progress = UNWATCHED, cache: Cache | None = None,
             digests: list[bytes] | None = None) -> ValidationResult:
    """Every file's own findings (``problems``: those found before, listing the files). The
    plans are in the result only if ``keep_plans``; their headers always are. ``cache``: where
    results of unchanged files are reused and new ones stored (never when the plans are kept).
    The workers start only for many files still to read. ``catalog`` may be a function that
    loads it: it is called only if a file has to be read. ``digests``: the files' SHA-256 when
    the caller has read them (``replay``), so that they are not read again to make keys."""
    if keep_plans:
        return _validate_here(files, problems, resolved(catalog), progress)
    from plancheck.incremental import Known
    from plancheck.incremental import validate as validate_known

    known = Known(files, catalog, cache, progress, digests)
    if _in_parallel(files, jobs) and known.misses >= PARALLEL_MIN_FILES:
        from plancheck.workers import Workers

        with Workers(files, problems, resolved(catalog), jobs, progress, record=known.record_own) as workers:
            return workers.validation(keep_plans)
    return validate_known(known, problems)


def check(files: list[Path], problems: list[Finding], catalog: Catalog, registry: Registry, jobs: int = 1,
          keep_plans: bool = True, progress: Progress = UNWATCHED, cache: Cache | None = None,
          digests: list[bytes] | None = None) -> CheckResult:
    """``validate``, then each plan's consistency, its way up the hierarchy and the comparison
    with its nearest present ancestor. ``pairs`` is filled only when the plans are kept: a
    serial run that keeps none holds only the plans others are compared with
    (``plancheck.incremental``)."""
    known = None
    if not keep_plans:
        from plancheck.incremental import Known
        from plancheck.incremental import check as check_known

        known = Known(files, catalog, cache, progress, digests)
        if not _in_parallel(files, jobs) or known.misses < PARALLEL_MIN_FILES:
            return check_known(known, problems, registry)
    if _in_parallel(files, jobs):  # the workers, storing what they find where the run keeps no plans
        from plancheck.workers import Workers

        own, tasks = (known.record_own, known.record_task) if known is not None else (None, None)
        with Workers(files, problems, catalog, jobs, progress, record=own) as workers:
            return workers.check(registry, keep_plans, record=tasks)
    from plancheck.pipeline import bulk_work, check_result, hierarchy_tasks, pairs_of, task_findings

    validation = _validate_here(files, problems, catalog, progress)
    with bulk_work():
        tasks = hierarchy_tasks(validation.headers, registry)
        progress.phase("compare", len(tasks))
        found = {}
        for index, findings in task_findings(tasks, validation.plans, catalog):
            found[index] = findings
            progress.advance()
        return check_result(validation, (found[task.plan] for task in tasks), pairs_of(tasks, validation.plans))


def _validate_here(files: list[Path], problems: list[Finding], catalog: Catalog,
                   progress: Progress) -> ValidationResult:
    from plancheck.pipeline import bulk_work, validate_file

    result = ValidationResult(findings=list(problems), files=len(files))
    progress.phase("read", len(files))
    with bulk_work():
        cache: dict[str, tuple] = {}
        for path in files:
            progress.advance()
            plan, found = validate_file(path, catalog, cache)
            result.findings.extend(found)
            if plan is not None:
                result.plans.append(plan)
                result.headers.append(plan.header)
        result.findings = sort_findings(result.findings)
    return result
