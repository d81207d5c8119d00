"""Worker processes for ``--jobs``: each reads and checks a share of the plan files, and keeps
the plans it read.

Sending every plan back to one process costs about as much as reading it (a national corpus
pickles to 62 MB of pydantic models, 2.5 s), and comparing the plans in that one process
leaves the other cores idle. So plans stay where they were read. The parent learns each
plan's header (id, parent, files) and its own findings, works out every plan's ancestor from
the headers (``engine.hierarchy_tasks``), hands each worker the few hundred upper plans it
lacks, and the workers run consistency, ancestry and the comparison for their own plans.
Findings travel back as plain tuples (``_pack``), which pickle in C.

The parent is worker 0: with ``--jobs 2`` it reads and compares half the plans itself while
one forked process does the other half, so half the findings never travel at all.

Results are merged in file order and in the serial run's order of tasks, then sorted as
always, so a parallel report is byte-identical to a serial one (tests/test_performance_paths.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import traceback
from collections.abc import Iterator
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import TracebackType
from typing import Any

from plancheck.catalog import Catalog
from plancheck.compare import Row
from plancheck.engine import (
    HierarchyTask,
    LoadedPlan,
    PlanHeader,
    Validation,
    bulk_work,
    hierarchy_tasks,
    pairs_of,
    run_tasks,
    validate_file,
)
from plancheck.findings import Finding, sort_findings
from plancheck.reason import Reason

BATCH = 8
"""Files are dealt to the workers in runs of this many: neighbours in a folder (one
jurisdiction's plans, citing the same source texts) mostly share a worker, and every worker
gets a like share of provinces, cities and counties."""


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback."""


class Workers:
    """The workers of one run: this process (worker 0) and ``jobs - 1`` child processes,
    started when made. All read their files on entry to the ``with`` block; the children are
    stopped on its exit, or as soon as this process needs nothing more from them."""

    def __init__(self, files: list[Path], problems: list[Finding], catalog: Catalog, jobs: int) -> None:
        self.files, self.problems, self.catalog = files, problems, catalog
        jobs = max(1, min(jobs, -(-len(self.files) // BATCH)))
        self.owner = [(i // BATCH) % jobs for i in range(len(self.files))]
        """File index → the worker that reads it and keeps its plan (0: this process)."""
        self.connections: dict[int, Connection] = {}
        """Worker (1 and up) → the pipe to its process."""
        self.processes: list[Any] = []
        self.stopped = False
        self.own: dict[int, LoadedPlan] = {}
        """File index → plan, for the files this process reads itself."""
        self.headers: list[PlanHeader] = []
        """Every plan read, in file order."""
        self.plan_files: list[int] = []
        """Plan index (in ``headers``) → file index."""
        self.findings: list[Finding] = []
        """The plans' own findings, sorted as ``engine.validate`` sorts them."""
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        try:
            for worker in range(1, jobs):
                ours, theirs = context.Pipe()
                self.connections[worker] = ours
                process = context.Process(target=_serve, args=(theirs, self._share(worker), catalog), daemon=True)
                process.start()
                self.processes.append(process)
                theirs.close()  # so that a worker that dies is seen as the end of its pipe
        except BaseException:
            self._close()
            raise

    def _share(self, worker: int) -> list[tuple[int, Path]]:
        return [(i, path) for i, path in enumerate(self.files) if self.owner[i] == worker]

    def __enter__(self) -> Workers:
        try:
            self._read()
        except BaseException:  # a worker failed or the run was interrupted: none may be left behind
            self._close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._close()

    def _close(self) -> None:
        self._stop()
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
        for connection in self.connections.values():
            connection.close()

    def _stop(self) -> None:
        """Let the workers go as soon as nothing more is needed from them: a worker's exit (handing
        back a few hundred megabytes) then overlaps the parent's sorting and writing."""
        if self.stopped:
            return
        self.stopped = True
        for connection in self.connections.values():
            try:
                connection.send(("stop", None))
            except OSError:  # it has already ended
                pass

    def _read(self) -> None:
        by_file: dict[int, tuple[PlanHeader | None, list[Finding]]] = {}
        with bulk_work():
            for index, header, found in _read_share(self._share(0), self.catalog, self.own):
                by_file[index] = (header, found)
            for read in _gather(list(self.connections.values())):
                for index, header, found in read:
                    by_file[index] = (header, _unpack(found))
        findings = list(self.problems)
        for index in range(len(self.files)):
            header, found = by_file[index]
            findings.extend(found)
            if header is not None:
                self.headers.append(header)
                self.plan_files.append(index)
        self.findings = sort_findings(findings)

    def validation(self, keep_plans: bool) -> Validation:
        """What ``engine.validate`` returns, the plans fetched from the workers only if kept."""
        result = Validation(findings=list(self.findings), files=len(self.files))
        if keep_plans:
            plans = self._fetch(set(self.plan_files))
            result.plans = [plans[i] for i in self.plan_files]
        else:
            result.kept_elsewhere = list(self.headers)
        self._stop()
        return result

    def check(self, rules_dir: Path | None, keep_plans: bool) -> Validation:
        """What ``engine.check`` returns, the comparisons made where the lower plans are."""
        tasks = hierarchy_tasks(self.headers, rules_dir)
        at = self.plan_files
        workers = range(len(self.connections) + 1)
        assigned: list[list[HierarchyTask]] = [[] for _ in workers]
        lacking: list[set[int]] = [set() for _ in workers]
        for task in tasks:  # in the workers' terms: plans named by file index
            worker = self.owner[at[task.plan]]
            upper = None if task.upper is None else at[task.upper]
            assigned[worker].append(replace(task, plan=at[task.plan], upper=upper))
            if upper is not None and self.owner[upper] != worker:
                lacking[worker].add(upper)
        uppers = self._fetch(set().union(*lacking))
        for worker, connection in self.connections.items():
            connection.send(("hierarchy", ({i: uppers[i] for i in sorted(lacking[worker])}, assigned[worker])))
        with bulk_work():
            found = run_tasks(assigned[0], {**uppers, **self.own}, self.catalog)
            for results in _gather(list(self.connections.values())):
                found.update((index, _unpack(packed)) for index, packed in results.items())
        result = self.validation(keep_plans)
        result.findings = sort_findings(result.findings + [f for task in tasks for f in found[at[task.plan]]])
        if keep_plans:
            result.pairs = pairs_of(tasks, result.plans)
        return result

    def _fetch(self, files: set[int]) -> dict[int, LoadedPlan]:
        """The plans of these file indexes, from the workers that hold them."""
        asked = []
        for worker, connection in self.connections.items():
            theirs = sorted(i for i in files if self.owner[i] == worker)
            if theirs:
                connection.send(("plans", theirs))
                asked.append(connection)
        plans = {i: self.own[i] for i in files if self.owner[i] == 0}
        for some in _gather(asked):
            plans.update(some)
        return plans


def _gather(connections: list[Connection]) -> Iterator[Any]:
    """One answer from each connection, taken as they come: the parent unpacks one worker's
    results while the other still works."""
    waiting = list(connections)
    while waiting:
        for connection in wait(waiting):
            waiting.remove(connection)  # type: ignore[arg-type]
            yield _receive(connection)  # type: ignore[arg-type]


def _receive(connection: Connection) -> Any:
    try:
        status, value = connection.recv()
    except EOFError:
        raise WorkerError("a worker process ended unexpectedly") from None
    if status != "ok":
        raise WorkerError(f"a worker process failed:\n{value}")
    return value


def _serve(connection: Connection, share: list[tuple[int, Path]], catalog: Catalog) -> None:
    """A worker: read its files, then answer the parent's requests until told to stop."""
    gc.disable()  # as in engine.bulk_work: nothing here makes reference cycles
    try:
        plans: dict[int, LoadedPlan] = {}
        read = [(index, header, _pack(found)) for index, header, found in _read_share(share, catalog, plans)]
        connection.send(("ok", read))
        while True:
            request, argument = connection.recv()
            if request == "plans":
                connection.send(("ok", {i: plans[i] for i in argument}))
            elif request == "hierarchy":
                uppers, tasks = argument
                connection.send(("ok", _hierarchy(tasks, {**uppers, **plans}, catalog)))
            else:
                return
    except EOFError:  # the parent is gone
        return
    except BaseException:  # noqa: BLE001 - the parent re-raises it with this traceback
        connection.send(("error", traceback.format_exc()))


def _read_share(share: list[tuple[int, Path]], catalog: Catalog, plans: dict[int, LoadedPlan]
                ) -> list[tuple[int, PlanHeader | None, list[Finding]]]:
    """Read and validate a worker's files, keeping each plan read in ``plans``."""
    cache: dict[str, tuple] = {}
    read = []
    for index, path in share:
        plan, findings = validate_file(path, catalog, cache)
        if plan is not None:
            plans[index] = plan
        read.append((index, None if plan is None else plan.header, findings))
    return read


Packed = tuple
"""A finding as the tuple of its fields, its row (if any) a tuple too, the reason as its two readings."""


def _hierarchy(tasks: list[HierarchyTask], plans: dict[int, LoadedPlan], catalog: Catalog) -> dict[int, list[Packed]]:
    return {index: _pack(found) for index, found in run_tasks(tasks, plans, catalog).items()}


def _pack(findings: list[Finding]) -> list[Packed]:
    """Findings as tuples of strings, numbers and enum members: the pickler writes those in C,
    where a dataclass or a ``Reason`` costs a Python call each (measured: 173,000 findings with
    their rows pickle in 1.0 s and load in 0.55 s as objects, 0.2 s each way as tuples)."""
    packed = []
    for f in findings:
        extra = f.extra
        row = extra.get("row")
        if row is not None:
            extra = dict(extra)
            extra["row"] = (row.indicator, row.year, row.scope, row.verdict, str(row.reason), row.reason.zh,
                            row.upper_index, row.lower_index, row.gap, row.approximate, row.others)
        packed.append((f.code, f.severity, f.message, f.plan, f.file, f.line, f.column, f.path, f.indicator, f.year,
                       f.verdict, extra))
    return packed


def _unpack(packed: list[Packed]) -> list[Finding]:
    findings = []
    for fields in packed:
        extra = fields[11]
        row = extra.get("row")
        if row is not None:
            extra["row"] = Row(row[0], row[1], row[2], row[3], Reason(row[4], row[5]), *row[6:])
        findings.append(Finding(*fields))
    return findings
