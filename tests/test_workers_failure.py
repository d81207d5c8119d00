"""Every failure of any process of a parallel run ends them all: a dead parent leaves no worker
behind, and a worker that dies or raises, at any phase, makes the run fail with one line
(``workers.WorkerFailure``) and no report. Processes are found and watched through /proc, and
every wait has a timeout, so a regression fails instead of hanging."""

from __future__ import annotations

import multiprocessing
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir() or
                                "fork" not in multiprocessing.get_all_start_methods(),
                                reason="needs Linux's /proc, and workers that are forked")

RULES = REPO / "rules"
KILLED = "worker process 1 ended unexpectedly (killed by signal 9, SIGKILL); no report was written"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """About a hundred plans: above the parallel threshold, read and compared in about a second
    (a run is killed as soon as its workers exist, so a larger corpus would only cost time)."""
    root = tmp_path_factory.mktemp("plans") / "corpus"
    generate(0.03, root)
    return root


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:  # the thread or the process has ended
            pass
    return found


def _identity(pid: int) -> tuple[int, str] | None:
    """The process's start time and state, or None when it is gone: a start time tells a reused
    process id from the process, and a zombie ('Z') has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[19]), fields[0]


def _wait_for_children(process: subprocess.Popen, count: int = 1, timeout: float = 20) -> dict[int, int]:
    """The first ``count`` children of ``process`` (process id → start time), once they exist."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = _children(process.pid)
        if len(children) >= count:
            return {pid: ident[0] for pid in children if (ident := _identity(pid)) is not None}
        assert process.poll() is None, "the run ended before its workers started"
        time.sleep(0.005)
    raise AssertionError(f"no worker process within {timeout} s")


def _alive(children: dict[int, int]) -> list[int]:
    return [pid for pid, start in children.items()
            if (ident := _identity(pid)) is not None and ident[0] == start and ident[1] != "Z"]


def _assert_all_end(children: dict[int, int], timeout: float = 10) -> None:
    """Every one of ``children`` ends within ``timeout`` seconds; those left are killed, so that a
    failing test leaves nothing behind either."""
    deadline = time.monotonic() + timeout
    while _alive(children) and time.monotonic() < deadline:
        time.sleep(0.02)
    left = _alive(children)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"worker processes {left} still running {timeout} s after"


def _plancheck(corpus: Path, *args: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "plancheck", "check", "plans", "--rules", str(RULES),
                             "-f", "json", *args], cwd=corpus, text=True, **options)


def test_killing_the_parent_ends_its_workers(corpus):
    """``kill -9`` of ``plancheck check -j2`` while its worker reads: the worker ends of itself."""
    run = _plancheck(corpus, "-j", "2", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        children = _wait_for_children(run)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
        _assert_all_end(children)
    finally:
        run.kill()
        run.wait(timeout=10)


DEAD_PARENT = """\
import sys, time
from pathlib import Path
from plancheck import workers
from plancheck.catalog import load_catalog
from plancheck.discovery import discover

deaf = sys.argv[3] == "deaf"
real_serve = workers._serve

def serve(connection, share, *rest):  # in a forked worker
    if deaf and share[0][0] == 2 * workers.BATCH:  # worker 2 never reads its pipe again
        workers._request = lambda connection: time.sleep(60)
    real_serve(connection, share, *rest)

def read_nothing(self):  # wait until every worker has sent its files' findings, then hang
    for connection in self.connections.values():
        assert connection.poll(30)
    processes = getattr(self.processes, "values", lambda: self.processes)()  # by worker: a dict, or a list
    print(*(process.pid for process in processes), flush=True)
    time.sleep(60)

workers._serve, workers.Workers._read = serve, read_nothing
files, problems = discover([Path(sys.argv[1])])
with workers.Workers(files, problems, load_catalog(Path(sys.argv[2])), jobs=3):
    pass
"""


@pytest.mark.parametrize("deaf", [False, True], ids=["both-listening", "worker-2-deaf"])
def test_workers_waiting_on_a_killed_parent_end(corpus, deaf):
    """Workers that have read their files wait for the parent's next message; when the parent is
    killed, each must see the end of its pipe. Worker 2 was forked holding the parent's end of
    worker 1's pipe as well as of its own: unless it closed that end, worker 1 would wait as long
    as worker 2 lives, here for ever if worker 2 no longer reads its pipe (``deaf``)."""
    script = subprocess.Popen([sys.executable, "-c", DEAD_PARENT, str(corpus / "plans"), str(RULES),
                               "deaf" if deaf else "listening"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    children: dict[int, int] = {}
    try:
        children = _wait_for_children(script, count=2)
        assert script.stdout is not None
        ready = script.stdout.readline()  # the workers have read their files, the parent hangs
        first, second = map(int, ready.split())
        assert {first, second} == set(children)
        os.kill(script.pid, signal.SIGKILL)
        script.wait(timeout=10)
        _assert_all_end({first: children[first]} if deaf else children)
    finally:
        for pid in _alive(children):  # the deaf worker sleeps, as it was made to
            os.kill(pid, signal.SIGKILL)
        script.kill()
        script.wait(timeout=10)
        script.stdout.close()  # type: ignore[union-attr]


def test_a_killed_worker_fails_the_run_in_one_line(corpus):
    """``kill -9`` of the worker of ``plancheck check -j2``: exit 2, one line on stderr naming the
    worker and the signal, no traceback, no report, and no process left."""
    run = _plancheck(corpus, "-j", "2", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        children = _wait_for_children(run)
        os.kill(next(iter(children)), signal.SIGKILL)
        out, err = run.communicate(timeout=30)
    finally:
        run.kill()
        run.wait(timeout=10)
    assert run.returncode == 2, err
    assert err.endswith("\n") and err.count("\n") == 1 and KILLED in err, err
    assert "Traceback" not in err and out == ""
    _assert_all_end(children, timeout=1)


def _in_worker(parent: int) -> bool:
    return os.getpid() != parent


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_while_reading(patch, workers, parent):
    real = workers.validate_file
    read = []

    def reading(path, *rest):
        if _in_worker(parent):
            read.append(path)
            if len(read) == 3:
                _die()
        return real(path, *rest)
    patch.setattr(workers, "validate_file", reading)


def _kill_before_its_tasks(patch, workers, parent):
    def die(connection):  # it has sent its files' findings; the parent sends it its tasks and uppers
        _die()
    patch.setattr(workers, "_request", die)


def _kill_while_comparing(patch, workers, parent):
    real = workers.task_findings
    patch.setattr(workers, "SLICE", 2)

    def comparing(tasks, plans, catalog):  # after five tasks: two slices sent
        for done, found in enumerate(real(tasks, plans, catalog)):
            if done == 5 and _in_worker(parent):
                _die()
            yield found
    patch.setattr(workers, "task_findings", comparing)


def _kill_within_a_message(patch, workers, parent):
    def half_then_die(self):  # the first message's length and half of it, then the end
        data = self.queue.get()
        os.write(self.connection.fileno(), struct.pack("!i", len(data)) + bytes(data[:len(data) // 2]))
        _die()
    patch.setattr(workers._Sender, "_write", half_then_die)


def _kill_after_the_last_findings(patch, workers, parent):
    real = workers.Workers._stop

    def kill_then_stop(self):  # all the worker had to send has been read, it was not yet told to stop
        if not self.stopped:
            for process in multiprocessing.active_children():
                os.kill(process.pid, signal.SIGKILL)
                process.join(timeout=10)
        real(self)
    patch.setattr(workers.Workers, "_stop", kill_then_stop)


@pytest.mark.parametrize("kill", [_kill_while_reading, _kill_within_a_message, _kill_before_its_tasks,
                                  _kill_while_comparing, _kill_after_the_last_findings],
                         ids=lambda kill: kill.__name__[6:])
def test_a_worker_killed_at_any_phase_is_a_worker_failure(corpus, monkeypatch, kill):
    """Whenever the worker dies, the run raises ``WorkerFailure`` with the one line, never a result:
    not even when all it had to send had arrived (the outcome must not depend on the moment)."""
    from plancheck import workers
    from helpers import check_paths as check
    from plancheck.catalog import load_catalog

    kill(monkeypatch, workers, os.getpid())  # the forked worker inherits the patches
    with pytest.raises(workers.WorkerFailure) as failure:
        check([corpus / "plans"], load_catalog(RULES), RULES, jobs=2, keep_plans=False)
    assert str(failure.value) == KILLED
    assert multiprocessing.active_children() == []


def test_a_worker_that_raises_is_a_worker_failure_in_one_line(corpus, monkeypatch):
    """A bug in a worker: one line naming the worker, the exception's type and message (its lines
    joined), and the worker's traceback kept for --debug as the exception's cause."""
    import traceback

    from plancheck import workers
    from helpers import check_paths as check
    from plancheck.catalog import load_catalog

    parent, real = os.getpid(), workers.task_findings

    def broken(tasks, plans, catalog):
        for done, found in enumerate(real(tasks, plans, catalog)):
            if done == 3 and _in_worker(parent):
                raise ValueError("broken\n  on purpose")
            yield found
    monkeypatch.setattr(workers, "task_findings", broken)
    with pytest.raises(workers.WorkerFailure) as failure:
        check([corpus / "plans"], load_catalog(RULES), RULES, jobs=2)
    message = str(failure.value)
    assert message.startswith("worker process 1 failed: ValueError: broken on purpose (") and "\n" not in message
    assert message.endswith("; no report was written")
    shown = "".join(traceback.format_exception(failure.value))
    assert "in broken" in failure.value.traceback and "in broken" in shown and "(in the worker process)" in shown
    assert multiprocessing.active_children() == []


FAILING_CHECK = """\
import sys
from plancheck import cli, executor, workers

def failing(*args, **kwargs):
    raise workers.WorkerFailure(sys.argv[1])

executor.check = failing
cli.main(["check", "plans", "-j", "2"])
"""


def test_the_cli_reports_a_worker_failure_as_an_error_not_a_bug():
    env = {k: v for k, v in os.environ.items() if k != "PLANCHECK_DEBUG"}
    ran = subprocess.run([sys.executable, "-c", FAILING_CHECK, KILLED], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=60)
    assert ran.returncode == 2 and ran.stdout == ""
    assert ran.stderr == f"plancheck: error: {KILLED}\n"
