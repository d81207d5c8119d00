"""Worker processes for ``--jobs``: each reads and checks a share of the plan files, and keeps
the plans it read.

Sending every plan back to one process costs about as much as reading it (pydantic models
pickle slowly and a national corpus has thousands), and comparing the plans in that one
process leaves the other cores idle (docs/performance.md, "What was done"). So plans stay
where they were read. The parent learns each plan's header (id, parent, files) and its own
findings, works out every plan's ancestor from the headers (``pipeline.hierarchy_tasks``),
hands each worker the few hundred upper plans it lacks, and the workers run consistency,
ancestry and the comparison for their own plans. Findings travel back as plain tuples
(``packing.pack``), which pickle in C. Only ``plancheck.executor`` uses this module.

The parent is worker 0: with ``--jobs 2`` it reads and compares half the plans itself while
one forked process does the other half, so half the findings never travel at all.

Results are merged in file order and in the serial run's order of tasks, then sorted as
always, so a parallel report is byte-identical to a serial one (tests/test_performance_paths.py).

Every failure of any process ends them all: a worker that raised, was killed or ended before it
was told to makes the parent raise ``WorkerFailure``, whose message is one line, and stop the
others; a parent that dies leaves each worker the end of its pipe (each child closes the
parent's ends it inherited), so the worker ends too (tests/test_workers_failure.py).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from types import TracebackType
from typing import Any

from plancheck.catalog import Catalog
from plancheck.failures import RunFailure
from plancheck.findings import Finding, sort_findings
from plancheck.hierarchy import Registry
from plancheck.packing import Packed, pack, unpack
from plancheck.pipeline import (
    HierarchyTask,
    bulk_work,
    check_result,
    hierarchy_tasks,
    pairs_of,
    task_findings,
    validate_file,
)
from plancheck.reason import Reason
from plancheck.results import UNWATCHED, CheckResult, LoadedPlan, PlanHeader, Progress, ValidationResult

SLICE = 64
"""Comparison tasks a worker does between sending its findings on (``_compare``), and the
parent between taking what has arrived: a few hundred kilobytes of findings."""

BATCH = 8
"""Files are dealt to the workers in runs of this many: neighbours in a folder (one
jurisdiction's plans, citing the same source texts) mostly share a worker, and every worker
gets a like share of provinces, cities and counties."""


class WorkerFailure(RunFailure):
    """A worker process raised, was killed, or ended before it was told to: the run has no
    result. The message is one line naming the worker and what happened, for the run to print
    as it is and exit 2; it is not a bug of the parent's, so it must not read as one. When the
    worker raised, its traceback is the ``__cause__`` (shown with ``--debug``, which re-raises)
    and ``traceback``."""

    def __init__(self, message: str, trace: str | None = None) -> None:
        super().__init__(message)
        self.traceback = trace


class _RemoteTraceback(Exception):
    """A worker's traceback as text, chained to the ``WorkerFailure`` so that a traceback
    printed in the parent shows where the worker failed (as ``concurrent.futures`` does)."""

    def __str__(self) -> str:
        return f"\n\n(in the worker process)\n{self.args[0]}"


class _Lost(Exception):
    """The parent's side: a worker's connection gave an error report (``error``: the exception's
    type name, one-line message and traceback), an end of file, or refused a message. Raised
    where the worker is not known by number; ``Workers._watching`` turns it into a
    ``WorkerFailure``."""

    def __init__(self, connection: Connection, error: tuple[str, str, str] | None = None) -> None:
        super().__init__()
        self.connection, self.error = connection, error


class _ParentGone(Exception):
    """The worker's side: its connection to the parent reached its end or broke, so the parent
    has ended (or failed and is about to end this process): there is nobody to tell anything."""


class Workers:
    """The workers of one run: this process (worker 0) and ``jobs - 1`` child processes,
    started when made. All read their files on entry to the ``with`` block; the children are
    stopped on its exit, or as soon as this process needs nothing more from them."""

    def __init__(self, files: list[Path], problems: list[Finding], catalog: Catalog, jobs: int,
                 progress: Progress = UNWATCHED, record: Callable[[int, PlanHeader | None, list[Finding]], None]
                 | None = None) -> None:
        self.files, self.problems, self.catalog, self.progress = files, problems, catalog, progress
        self.record = record
        """Told each file's own result as it arrives (``incremental.Known.record_own``: the cache)."""
        jobs = max(1, min(jobs, -(-len(self.files) // BATCH)))
        self.owner = [(i // BATCH) % jobs for i in range(len(self.files))]
        """File index → the worker that reads it and keeps its plan (0: this process)."""
        self.connections: dict[int, Connection] = {}
        """Worker (1 and up) → the pipe to its process."""
        self.processes: dict[int, Any] = {}
        """Worker (1 and up) → its process."""
        self.stopped = False
        self.own: dict[int, LoadedPlan] = {}
        """File index → plan, for the files this process reads itself."""
        self.headers: list[PlanHeader] = []
        """Every plan read, in file order."""
        self.plan_files: list[int] = []
        """Plan index (in ``headers``) → file index."""
        self.findings: list[Finding] = []
        """The plans' own findings, sorted as a serial validation sorts them."""
        forking = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if forking else "spawn")
        try:
            for worker in range(1, jobs):
                ours, theirs = context.Pipe()
                self.connections[worker] = ours
                # A forked child inherits this process's end of its own pipe and of every earlier
                # worker's; it closes them first, or a parent killed with -9 would leave the pipes
                # open and every worker waiting on them for ever. A spawned child inherits none.
                inherited = tuple(self.connections.values()) if forking else ()
                process = context.Process(target=_serve, daemon=True,
                                          args=(theirs, self._share(worker), catalog, inherited, os.getpid()))
                process.start()
                self.processes[worker] = process
                theirs.close()  # so that a worker that dies is seen as the end of its pipe
        except BaseException:
            self._close(failed=True)
            raise

    def _share(self, worker: int) -> list[tuple[int, Path]]:
        return [(i, path) for i, path in enumerate(self.files) if self.owner[i] == worker]

    def __enter__(self) -> Workers:
        try:
            with self._watching():
                self._read()
        except BaseException:  # a worker failed or the run was interrupted: none may be left behind
            self._close(failed=True)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._close(failed=kind is not None)

    def _close(self, failed: bool = False) -> None:
        """Stop the workers and wait until each has ended; after a failure here, at once (one may
        be blocked sending findings nobody will read, and it is told nothing: a message could
        follow half of one the failure cut short).

        Without a failure here, a worker that did not end of itself (killed, say by the
        out-of-memory killer, after it sent its last findings) still fails the run: whether a
        run succeeded must not depend on when a process was killed."""
        if failed:
            self.stopped = True
            for process in self.processes.values():
                process.terminate()
        else:
            self._stop()
        ended: dict[int, int | None] = {}
        for worker, process in self.processes.items():
            process.join(timeout=5)
            ended[worker] = process.exitcode
            if process.exitcode is None:  # deaf to SIGTERM, or slow to end after all it sent was read
                process.kill()
                process.join(timeout=5)
        for connection in self.connections.values():
            connection.close()
        if not failed:
            for worker, status in ended.items():
                if status:
                    raise WorkerFailure(_ended(worker, status))

    @contextmanager
    def _watching(self) -> Iterator[None]:
        """Name the worker whose connection failed (``_Lost``), and say what became of it."""
        try:
            yield
        except _Lost as lost:
            failure = self._failure(lost)
            raise failure from failure.__cause__

    def _failure(self, lost: _Lost) -> WorkerFailure:
        worker = next(w for w, c in self.connections.items() if c is lost.connection)
        error = lost.error if lost.error is not None else _last_word(lost.connection)
        if error is not None:
            name, message, trace = error
            failure = WorkerFailure(f"worker process {worker} failed: {name}: {message} (this is a bug; run with "
                                    "--debug for its traceback); no report was written", trace)
            failure.__cause__ = _RemoteTraceback(trace)  # what --debug shows
            return failure
        process = self.processes[worker]
        process.join(timeout=5)  # its pipe has ended, so it has too, or is about to
        return WorkerFailure(_ended(worker, process.exitcode))

    def _stop(self) -> None:
        """Let the workers go as soon as nothing more is needed from them: a worker's exit (handing
        back a few hundred megabytes) then overlaps the parent's sorting and writing."""
        if self.stopped:
            return
        self.stopped = True
        for connection in self.connections.values():
            try:
                connection.send(("stop", None))
            except OSError:  # it has already ended: _close says how
                pass

    def _read(self) -> None:
        by_file: dict[int, tuple[PlanHeader | None, list[Finding]]] = {}
        self.progress.phase("read", len(self.files))
        with bulk_work():
            for index, header, found in _read_share(self._share(0), self.catalog, self.own):
                by_file[index] = (header, found)
                self.progress.advance()
            reasons: dict[tuple[str, str], Reason] = {}
            for read in _gather(list(self.connections.values())):
                self.progress.advance(len(read))
                for index, header, found in read:
                    by_file[index] = (header, unpack(found, reasons))
        findings = list(self.problems)
        for index in range(len(self.files)):
            header, found = by_file[index]
            if self.record is not None:
                self.record(index, header, found)
            findings.extend(found)
            if header is not None:
                self.headers.append(header)
                self.plan_files.append(index)
        self.findings = sort_findings(findings)

    def validation(self, keep_plans: bool) -> ValidationResult:
        """What a serial validation returns, the plans fetched from the workers only if kept."""
        result = ValidationResult(findings=list(self.findings), files=len(self.files), headers=list(self.headers))
        if keep_plans:
            with self._watching():
                plans = self._fetch(set(self.plan_files))
            result.plans = [plans[i] for i in self.plan_files]
        self._stop()
        return result

    def check(self, registry: Registry, keep_plans: bool,
              record: Callable[[HierarchyTask, list[Finding]], None] | None = None) -> CheckResult:
        """What a serial check returns, the comparisons made where the lower plans are; ``record``
        is told each task (in file-index terms) and its findings (``incremental.Known.record_task``)."""
        tasks = hierarchy_tasks(self.headers, registry)
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
        found: dict[int, list[Finding]] = {}
        reasons: dict[tuple[str, str], Reason] = {}
        comparing = list(self.connections.values())
        self.progress.phase("compare", len(tasks))
        with self._watching():
            uppers = self._hand_out(assigned, lacking)
            with bulk_work():
                own_tasks = task_findings(assigned[0], {**uppers, **self.own}, self.catalog)
                for done, (index, findings) in enumerate(own_tasks, 1):
                    found[index] = findings
                    self.progress.advance()
                    if done % SLICE == 0 and comparing:  # take what the workers have sent so far
                        self._take(found, _arrived(comparing, reasons, block=False))
                while comparing:
                    self._take(found, _arrived(comparing, reasons, block=True))
        if record is not None:
            for task in (t for share in assigned for t in share):
                record(task, found[task.plan])
        validation = self.validation(keep_plans)
        return check_result(validation, (found[at[task.plan]] for task in tasks),
                            pairs_of(tasks, validation.plans) if keep_plans else [])

    def _take(self, found: dict[int, list[Finding]], arrived: Iterator[tuple[int, list[Finding]]]) -> None:
        for index, findings in arrived:
            found[index] = findings
            self.progress.advance()

    def _hand_out(self, assigned: list[list[HierarchyTask]], lacking: list[set[int]]) -> dict[int, LoadedPlan]:
        """Give each worker its tasks and the upper plans it lacks; return those this process lacks.

        Every worker is first asked for its plans that others lack, so that it pickles them while
        this process pickles its own for the workers, and each side then unpickles what it got
        at the same time, instead of the four steps following one another.
        Plans one worker holds and another lacks (only with three processes or more) travel
        through this process in a second message."""
        wanted = set().union(*lacking)
        asked = self._ask(wanted)
        for worker, connection in self.connections.items():
            here = {i: self.own[i] for i in sorted(lacking[worker]) if self.owner[i] == 0}
            _send(connection, ("hierarchy", (here, assigned[worker], len(here) < len(lacking[worker]))))
        uppers = {i: self.own[i] for i in wanted if self.owner[i] == 0}
        for some in _gather(asked):
            uppers.update(some)
        for worker, connection in self.connections.items():
            if any(self.owner[i] != 0 for i in lacking[worker]):
                _send(connection, ("uppers", {i: uppers[i] for i in sorted(lacking[worker]) if self.owner[i] != 0}))
        return uppers

    def _ask(self, files: set[int]) -> list[Connection]:
        """Ask the workers that hold some of these plans (file indexes) for them."""
        asked = []
        for worker, connection in self.connections.items():
            theirs = sorted(i for i in files if self.owner[i] == worker)
            if theirs:
                _send(connection, ("plans", theirs))
                asked.append(connection)
        return asked

    def _fetch(self, files: set[int]) -> dict[int, LoadedPlan]:
        """The plans of these file indexes, from the workers that hold them."""
        asked = self._ask(files)
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


def _arrived(comparing: list[Connection], reasons: dict[tuple[str, str], Reason], block: bool
             ) -> Iterator[tuple[int, list[Finding]]]:
    """The findings, by plan, in the slices the comparing workers have sent (with ``block``, at
    least one slice); a worker that sent its last slice leaves ``comparing``. ``reasons`` as
    for ``packing.unpack``."""
    for connection in wait(comparing, timeout=None if block else 0):
        last, part = _receive(connection)  # type: ignore[arg-type]
        if last:
            comparing.remove(connection)  # type: ignore[arg-type]
        for index, packed in part.items():
            yield index, unpack(packed, reasons)


def _receive(connection: Connection) -> Any:
    """A worker's next answer; its end, its death within a message, or its error report raise ``_Lost``."""
    try:
        status, value = connection.recv()
    except (EOFError, OSError):
        raise _Lost(connection) from None
    if status != "ok":
        raise _Lost(connection, value)
    return value


def _send(connection: Connection, message: Any) -> None:
    """A message to a worker; one that has ended (the pipe is broken) raises ``_Lost``."""
    try:
        connection.send(message)
    except OSError:
        raise _Lost(connection) from None


def _last_word(connection: Connection) -> tuple[str, str, str] | None:
    """The error report a worker sent before it ended, if any: a message to it fails once it has
    ended, while what it said before, maybe why, is still in the pipe. Only ended workers are
    asked, so the pipe reaches its end."""
    try:
        while connection.poll(0):
            status, value = connection.recv()
            if status != "ok":
                return value
    except (EOFError, OSError):
        pass
    return None


def _ended(worker: int, status: int | None) -> str:
    """The message for a worker that ended before it was told to, by its exit status."""
    if status is None:
        how = "it closed its pipe but was still running"
    elif status < 0:
        try:
            how = f"killed by signal {-status}, {signal.Signals(-status).name}"
        except ValueError:
            how = f"killed by signal {-status}"
    else:
        how = f"exit status {status}"
    return f"worker process {worker} ended unexpectedly ({how}); no report was written"


def _one_line(error: BaseException) -> str:
    """An exception's message on one line (a pydantic error, say, spans several)."""
    return " ".join(str(error).split()) or "(no message)"


def _serve(connection: Connection, share: list[tuple[int, Path]], catalog: Catalog,
           inherited: tuple[Connection, ...] = (), parent: int | None = None) -> None:
    """A worker: read its files, then answer the parent's requests until told to stop.

    ``inherited``: the parent's ends of the pipes, which a forked worker holds too; closed at
    once, so that the parent's death ends this worker's pipe. The worker then ends by itself,
    at the next message it reads or writes, or at the next file it reads (``parent``: the
    parent's process id, taken before the worker started, for ``_read_share``)."""
    for end in inherited:
        end.close()
    gc.disable()  # as in pipeline.bulk_work: nothing here makes reference cycles
    sender = _Sender(connection)
    try:
        plans: dict[int, LoadedPlan] = {}
        read = [(index, header, pack(found))
                for index, header, found in _read_share(share, catalog, plans, parent)]
        sender.send(("ok", read))
        while True:
            request, argument = _request(connection)
            if request == "plans":
                sender.send(("ok", {i: plans[i] for i in argument}))
            elif request == "hierarchy":
                uppers, tasks, more = argument
                if more:  # plans another worker holds, passed on by the parent
                    uppers.update(_request(connection)[1])
                _compare(sender, tasks, {**uppers, **plans}, catalog)
            else:
                break
    except _ParentGone:
        pass
    except BaseException as exc:  # noqa: BLE001 - the parent raises WorkerFailure with it
        try:
            sender.send(("error", (type(exc).__name__, _one_line(exc), traceback.format_exc())))
        except _ParentGone:
            pass
    finally:
        sender.close()


def _request(connection: Connection) -> Any:
    """The parent's next message to a worker."""
    try:
        return connection.recv()
    except (EOFError, OSError):  # OSError: the parent died within a message, or with ours unread
        raise _ParentGone from None


def _read_share(share: list[tuple[int, Path]], catalog: Catalog, plans: dict[int, LoadedPlan],
                parent: int | None = None) -> list[tuple[int, PlanHeader | None, list[Finding]]]:
    """Read and validate a worker's files, keeping each plan read in ``plans``.

    ``parent``: in a worker, the parent's process id. Reading is the one long stretch in which a
    worker neither reads nor writes its pipe (a national share takes seconds), so it looks
    before each file whether it has been orphaned (its parent id changes when the parent dies);
    one system call per file."""
    cache: dict[str, tuple] = {}
    read = []
    for index, path in share:
        if parent is not None and os.getppid() != parent:
            raise _ParentGone
        plan, findings = validate_file(path, catalog, cache)
        if plan is not None:
            plans[index] = plan
        read.append((index, None if plan is None else plan.header, findings))
    return read


def _compare(sender: _Sender, tasks: list[HierarchyTask], plans: dict[int, LoadedPlan], catalog: Catalog) -> None:
    """Run a worker's comparisons and send their findings in slices as they are done.

    Packing and pickling the findings costs a worker about a third of what comparing them
    does; sent at the end, that time and the parent's unpacking would follow one another
    while the parent waits. In slices, the worker packs while the parent still compares its
    own share, and the parent unpacks between its own tasks."""
    part: dict[int, Packed] = {}
    for done, (index, findings) in enumerate(task_findings(tasks, plans, catalog), 1):
        part[index] = pack(findings)
        if done % SLICE == 0:
            sender.send(("ok", (False, part)))
            part = {}
    sender.send(("ok", (True, part)))


class _Sender:
    """Writes a worker's messages from a thread, in order, while the worker goes on working: the
    parent reads a worker's findings only between its own tasks, and while it writes a large
    message to the worker (the plans it lacks) the worker writes its own to the parent; a pipe
    holds 64 KB, so without the thread each would wait for the other."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.queue: queue.SimpleQueue[memoryview | None] = queue.SimpleQueue()
        self.error: OSError | None = None
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def send(self, message: Any) -> None:
        if self.error is not None:
            raise _ParentGone from self.error
        self.queue.put(ForkingPickler.dumps(message))

    def _write(self) -> None:
        while (data := self.queue.get()) is not None:
            try:
                self.connection.send_bytes(data)
            except OSError as exc:  # the parent is gone
                self.error = exc
                return

    def close(self) -> None:
        """Wait until every message is written."""
        self.queue.put(None)
        self.thread.join()
