"""Writing a report to a file without ever damaging what the user has.

One rule for every writer (``-o``, ``--summary``, ``--baseline-create``, ``schema -o``,
``scaffold -o``), in ``write_report``:

- A report never replaces, truncates or appends to a file the run is about: the plans it was
  pointed at and every plan file in its plans folders (loaded or not), every source text a
  plan names (loaded or not), the rules folder, the waiver and baseline files and the
  settings files (``Protected``). Files are compared by identity (device and inode), so a
  symbolic or hard link to a plan is refused too.
- A regular file is replaced in one step: the report goes to a temporary file beside it,
  which is renamed over the target only once complete. An interrupted write (SIGINT,
  SIGTERM, SIGHUP, or any exception) removes the temporary file and leaves the old report.
- A FIFO or character device (``/dev/null``, ``/dev/stdout``) is written into, never
  replaced; any other kind of file (a folder, a socket, a block device) is refused.
- A report in bytes (a PDF) is written by the same rules, and never onto a terminal.
- ``--summary`` appends the whole text in one write with those signals held, so the file
  gets all of it or none of it.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from plancheck.failures import Interrupted
from plancheck.project import PLAN_SUFFIXES

_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None),
                             getattr(signal, "SIGHUP", None)) if s is not None)


class OutputError(Exception):
    """The report cannot be written where asked; the message says why."""


_SOURCE_LINE = re.compile(r"source:[ \t]*(?:(?P<q>['\"])(?P<quoted>.+?)(?P=q)|(?P<plain>[^\s#'\"][^\r\n]*?))[ \t]*(?:#.*)?\r?$",
                          re.MULTILINE)
"""A ``source:`` entry as most plans write it, for a plan that does not parse (a plan with a
syntax error still names its sources, and they are protected all the same). Folders of
sources are protected as a whole too, so a spelling this misses is still covered when any
other plan names a source beside it."""

READ_LIMIT = 16 * 1024 * 1024


@dataclass
class Protected:
    """What a report may never be written over (the module docstring says why)."""

    plans: list[Path] = field(default_factory=list)
    """Plan files the run was given, whatever their names."""
    files: list[Path] = field(default_factory=list)
    """Other single files the run reads: waivers, baseline."""
    plan_folders: list[Path] = field(default_factory=list)
    """Folders whose plan files (*.yaml, *.yml), at any depth, are protected."""
    folders: list[Path] = field(default_factory=list)
    """Folders every file of which is protected (the rules folder)."""
    reserved: list[Path] = field(default_factory=list)
    """Names no report may take even when nothing is there yet: the settings and waiver
    files, whose next reading would fail on a report (``--baseline-create .plancheck.yaml``)."""
    known_sources: dict[str, tuple[Path, ...]] = field(default_factory=dict)  # plan's absolute name → sources

    def plan_files(self) -> Iterator[Path]:
        yield from self.plans
        for folder in self.plan_folders:
            try:
                yield from (p for p in folder.rglob("*") if p.suffix in PLAN_SUFFIXES)
            except OSError:
                continue

    def sources_of(self, plan_file: Path) -> Iterator[Path]:
        """The source texts a plan file names: from its YAML when it parses (anchors, quotes,
        escapes, values on the next line), else from its lines; as the run read them, if it did."""
        if (known := self.known_sources.get(os.path.abspath(plan_file))) is not None:
            yield from known
            return
        if (text := _regular_text(plan_file)) is None:
            return
        from plancheck.loader import load_text

        data = load_text(text, str(plan_file)).data
        documents = data.get("documents") if isinstance(data, dict) else None
        if isinstance(documents, list):
            for document in documents:
                source = document.get("source") if isinstance(document, dict) else None
                if isinstance(source, str) and source and "\0" not in source:
                    yield plan_file.parent / source
            return
        for match in _SOURCE_LINE.finditer(text):
            yield plan_file.parent / (match["quoted"] or match["plain"]).strip()

    def candidates(self) -> Iterator[Path]:
        """Every file whose identity a report must not take."""
        yield from self.files
        source_folders: set[str] = set()
        for plan in self.plan_files():
            yield plan
            for source in self.sources_of(plan):
                yield source
                source_folders.add(os.path.dirname(source))
        for folder in [*self.folders, *map(Path, sorted(source_folders))]:
            try:
                yield from (p for p in folder.rglob("*"))
            except (OSError, ValueError):
                continue

    def holds(self, target: Path, identity: tuple[int, int] | None) -> bool:
        """Whether ``target`` is protected: a file the run reads (by device and inode, so a link
        to it counts), or a reserved name. ``identity`` is None when nothing is there yet."""
        where = _resolved_name(target)
        if any(_resolved_name(r) == where for r in self.reserved):
            return True
        return identity is not None and any(_identity(p) == identity for p in self.candidates())


def _regular_text(path: Path) -> str | None:
    """A plan file's text, when it is a regular file (never a FIFO or device, which could block)."""
    from plancheck.textfiles import regular_bytes

    data = regular_bytes(path, prefix=READ_LIMIT)
    return None if data is None else data.decode("utf-8", errors="replace")


def _resolved_name(path: Path) -> str:
    """Where a name would be created: its folder with every link resolved (``sl/../..`` is the
    folder it reaches, not the one it seems to name), and the name itself."""
    folder, name = os.path.split(os.fspath(path))  # not abspath: it would undo ".." before the link
    return os.path.join(os.path.realpath(folder or "."), name)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


@dataclass
class Writer:
    """Where one run's reports go: standard output, or files by ``write_report``'s rule. It
    builds ``Protected`` only when a file is written (it walks the plans folders): the plans and
    every plan in their folders, their sources (``known_sources``: those the run read), the
    rules, waivers, baseline and settings, of every project those plans sit in and of the one
    the report goes into (a report aimed at another copy of the repository protects it too)."""

    project: object
    """``project.Project``: the project the run works in."""
    plan_files: list[Path] = field(default_factory=list)
    plan_folders: list[Path] = field(default_factory=list)
    rules: Path | None = None
    files: list[Path | None] = field(default_factory=list)
    known_sources: dict[str, tuple[Path, ...]] = field(default_factory=dict)

    def emit(self, text: str | Iterable[str] | bytes, output: Path | None, append: bool = False,
             may_replace: Path | None = None) -> None:
        """Print ``text`` (a string, lines or bytes), or write it to ``output``. ``may_replace``: an
        input of the run the report may replace all the same (a baseline being refreshed)."""
        if output is None:
            print_report(text)
            return
        guard = self.protected()
        add_projects(guard, [Path(os.path.realpath(os.path.dirname(os.fspath(output)) or "."))])
        if may_replace is not None:
            guard.files = [f for f in guard.files if not same_file(f, may_replace)]
        write_report(output, text, guard, append=append)

    def protected(self) -> Protected:
        guard = Protected(plans=list(self.plan_files), files=[f for f in self.files if f is not None],
                          plan_folders=list(self.plan_folders),
                          folders=[self.rules] if self.rules is not None else [], known_sources=self.known_sources)
        add_projects(guard, [self.project.root, *self.plan_folders,  # type: ignore[attr-defined]
                             *(p.parent for p in self.plan_files)])
        return guard


def print_report(text: str | Iterable[str] | bytes) -> None:
    """A report (a string, lines produced as they are written, or bytes) on standard output."""
    if isinstance(text, bytes):
        _print_bytes(text)
    elif isinstance(text, str):
        sys.stdout.write(text)
    else:
        sys.stdout.writelines(text)


TERMINAL = "refusing to write a PDF to a terminal; name a file with -o report.pdf, or redirect the output"


def _print_bytes(data: bytes) -> None:
    """Bytes (a PDF) on standard output, after any text already written there; never onto a
    terminal, where they are noise that can leave the terminal in a strange state."""
    if sys.stdout.isatty():
        raise OutputError(TERMINAL)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        raise OutputError("standard output takes no bytes here; name a file with -o report.pdf")
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def add_projects(guard: Protected, places: list[Path]) -> None:
    """Protect the project each of ``places`` lies in: its plans and their sources, its rules,
    waivers and settings."""
    from plancheck.project import Project, find_root

    for place in places:
        root = find_root(place)
        if root is None:
            continue
        project = Project(root)
        reserved = [*project.settings_files, project.waivers]
        guard.files.extend(reserved)
        guard.reserved.extend(reserved)
        guard.plan_folders.append(project.plans)
        guard.folders.append(project.rules)


def distinct(**outputs: Path | None) -> None:
    """Two writers of one run naming one file (by name, link or inode) would lose one report."""
    from plancheck.failures import UsageError

    named = [(option, path) for option, path in outputs.items() if path is not None]
    for i, (first, a) in enumerate(named):
        for second, b in named[i + 1:]:
            if os.path.realpath(a) == os.path.realpath(b) or same_file(a, b):
                raise UsageError(f"--{first.replace('_', '-')} and --{second.replace('_', '-')} name the same file",
                                 f"--{second.replace('_', '-')}")


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def write_report(path: Path, text: str | Iterable[str] | bytes, protected: Protected | None = None,
                 append: bool = False) -> None:
    """Write ``text`` (a string, lines produced as they are written, or bytes) to ``path``."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except (OSError, ValueError) as exc:
        raise OutputError(f"{path}: {getattr(exc, 'strerror', None) or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{path}: is a folder")
    if protected is not None and protected.holds(path, (st.st_dev, st.st_ino) if st is not None else None):
        raise OutputError(f"{path}: refusing to write the report over an input file of this run "
                          "(a plan, a source text, a rules, waiver, baseline or settings file)")
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
                _write_into(path, text, append)
                return
            raise OutputError(f"{path}: not a regular file, a FIFO or a character device; refusing to write to it")
    parent = Path(os.path.realpath(os.path.dirname(os.fspath(path)) or "."))
    if not parent.is_dir():
        raise OutputError(f"{path}: the folder {parent} does not exist")
    if append:
        _append(path, text)
    else:
        _replace(path, text, st)


def _write_into(path: Path, text: str | Iterable[str] | bytes, append: bool) -> None:
    try:
        with _open(path, "a" if append else "w", text) as handle:
            if isinstance(text, bytes) and handle.isatty():
                raise OutputError(f"{path}: {TERMINAL}")
            _write(handle, text)
    except OSError as exc:
        raise OutputError(f"{path}: {exc.strerror or exc}") from None


def _append(path: Path, text: str | Iterable[str] | bytes) -> None:
    """All of ``text`` at the end of ``path``, or none of it: a write that fails half-way (a full
    disk, a file size limit) is cut back to the file's old length."""
    data = text if isinstance(text, bytes) else (
        (text if isinstance(text, str) else "".join(text)).encode("utf-8", errors="backslashreplace"))
    with _signals_held():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputError(f"{path}: {exc.strerror or exc}") from None
        try:
            size = os.fstat(fd).st_size
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except OSError as exc:
            try:
                os.ftruncate(fd, size)
            except OSError:
                pass
            raise OutputError(f"{path}: {exc.strerror or exc}; the file was left as it was") from None
        finally:
            os.close(fd)


def _replace(path: Path, text: str | Iterable[str] | bytes, st: os.stat_result | None) -> None:
    target = Path(os.path.realpath(path))  # replace what a symbolic link points at, not the link
    temp = None
    with _signals_raise():
        try:
            fd, temp = tempfile.mkstemp(prefix=".plancheck-", suffix=".tmp", dir=target.parent)
            with _open(fd, "w", text) as handle:
                _write(handle, text)
            os.chmod(temp, (st.st_mode & 0o777) if st is not None else (0o666 & ~_umask()))
            with _signals_held():
                os.replace(temp, target)
                temp = None
        except OSError as exc:
            raise OutputError(f"{path}: {exc.strerror or exc}") from None
        finally:
            # Still inside _signals_raise: a signal that arrived has blocked the others, so a
            # second SIGTERM cannot cut this short.
            if temp is not None:
                Path(temp).unlink(missing_ok=True)


def _open(file: Path | int, mode: str, text: str | Iterable[str] | bytes):  # -> an open file
    """A path or descriptor opened for ``text``: bytes as they are, text as UTF-8 with LF lines."""
    if isinstance(text, bytes):
        return open(file, mode + "b")
    return open(file, mode, encoding="utf-8", errors="backslashreplace", newline="\n")


def _write(handle, text: str | Iterable[str] | bytes) -> None:
    if isinstance(text, (str, bytes)):
        handle.write(text)
        return
    handle.writelines(text)


@contextmanager
def _signals_raise() -> Iterator[None]:
    """While a temporary file exists, SIGINT, SIGTERM and SIGHUP raise ``Interrupted`` instead
    of ending the process, so the code that removes the temporary file runs. The first such
    signal also holds the others until the process ends: a second SIGTERM a moment later (as
    service managers send) cannot interrupt the clean-up or end the process silently after it.
    Signal handlers can only be set from the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: object) -> None:
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        raise Interrupted(signum)

    previous = {}
    for signum in _SIGNALS:
        previous[signum] = signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP for a step that must finish once begun (a rename, an
    append); a signal that arrives meanwhile is delivered right after."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not on Linux
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
