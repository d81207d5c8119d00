"""The result cache: what an earlier run found for the same bytes, kept on disk (docs/design.md,
"The result cache"; its figures in docs/performance.md).

An entry is what a plan file's own checks found (its header and findings) and what its
comparison with its ancestor found, stored under a key that is a SHA-256 over everything the
result depends on: the plan's bytes and name, the bytes of each source text it cites, the
rules folder (catalogue, registry, settings), the plan the comparison was made with and the
way up to it, and plancheck's version and code.
Nothing else can change a result, so a hit is the result; settings, waivers and baselines
are applied after, on every run.

Entries are written whole to a temporary file and renamed into place, so two runs sharing a
cache never see half an entry. Each is a pickle of plain values (strings, numbers, tuples,
lists, dicts: ``_PlainUnpickler`` refuses anything else, so a planted file cannot run code)
carrying the format and its own key; an entry that cannot be read, is of another format or
answers another key is ignored and rebuilt. Where the cache cannot be written (a read-only
checkout) the run goes on without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import shutil
from pathlib import Path
from typing import Any, BinaryIO

from plancheck import __version__
from plancheck.textfiles import regular_bytes

FORMAT = 2
"""Raised whenever what an entry holds changes shape; entries of another format are ignored."""

FOLDER = ".plancheck_cache"
ENV = "PLANCHECK_CACHE_DIR"
RUNS = "runs"
"""The folder of whole runs (``plancheck.replay``), beside the shards of plan and comparison entries."""
_MARK = "plancheck-cache"
_README = ("# Created by plancheck: results of earlier runs, keyed by content (docs/performance.md).\n"
           "# Safe to delete at any time, or with `plancheck cache clear`.\n")
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file marks a cache folder (bford.org/cachedir).\n"


def cache_dir(project_root: Path, has_root: bool) -> Path:
    """``$PLANCHECK_CACHE_DIR``; else ``.plancheck_cache/`` at the project root; outside a project,
    ``plancheck/`` in ``$XDG_CACHE_HOME`` (``~/.cache`` when unset)."""
    named = os.environ.get(ENV)
    if named:
        return Path(named)
    if has_root:
        return project_root / FOLDER
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "plancheck"


def digest(*parts: str | bytes) -> str:
    """A key over ``parts``, each length-prefixed so that no two lists of parts collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


def rules_digest(rules_dir: Path) -> str:
    """A digest of every file of the rules folder (catalogue, registry, settings), read as bytes:
    a run that finds its results in the cache never parses the catalogue."""
    parts: list[str | bytes] = []
    for path in sorted(p for p in rules_dir.rglob("*") if p.is_file()):
        parts += [str(path.relative_to(rules_dir)), path.read_bytes()]
    return digest(*parts)


def code_stamp() -> str:
    """A digest of plancheck's own modules (names, sizes, times): an entry made by other code,
    an edited checkout say, is another key, even under the same version number."""
    package = os.path.dirname(os.path.abspath(__file__))
    stamps = []
    for folder, _, names in os.walk(package):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                info = os.stat(path)
                stamps.append(f"{os.path.relpath(path, package)}:{info.st_size}:{info.st_mtime_ns}")
    return digest(*sorted(stamps))


def file_digest(path: str | Path) -> bytes | None:
    """The SHA-256 of a regular file's bytes (``textfiles.regular_bytes``), or None."""
    data = regular_bytes(path)
    return None if data is None else hashlib.sha256(data).digest()


def source_state(path: str) -> str:
    """What a source text is, for a key: where it leads and a digest of its bytes (or that it
    cannot be read as a file)."""
    found = file_digest(path)
    return os.path.realpath(path) + "\0" + ("unreadable" if found is None else found.hex())


class _PlainUnpickler(pickle.Unpickler):
    """Reads plain values only: every class or function a pickle names is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


class Cache:
    """One cache folder, for one context (the rules folder and the plancheck a run uses)."""

    def __init__(self, folder: Path, context: str) -> None:
        self.folder = folder
        self.context = digest(_MARK, str(FORMAT), __version__, context)
        self.writable = True
        self.shards: set[str] = set()  # the shard folders known to exist

    def key(self, *parts: str | bytes) -> str:
        return digest(self.context, *parts)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key[2:]

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or None (absent, unreadable, foreign or another format)."""
        try:
            with open(self._path(key), "rb") as handle:
                data = handle.read()
            mark, form, stored, value = _PlainUnpickler(io.BytesIO(data)).load()
        except Exception:  # noqa: BLE001 - any entry that cannot be read is rebuilt, whatever broke it
            return None
        if mark != _MARK or form != FORMAT or stored != key:
            return None
        return value

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``, atomically; a cache that cannot be written is let be."""
        if not self.writable:
            return
        path = self._path(key)
        temporary = f"{path.parent}{os.sep}.tmp-{os.getpid()}-{key}"  # one writer per name: this process
        try:
            self._prepare(path.parent)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump((_MARK, FORMAT, key, value), handle, protocol=5)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            self.writable = False

    # ------------------------------------------------------------ whole runs (plancheck.replay)

    def open_run(self, name: str, key: str) -> tuple[Any, BinaryIO, int] | None:
        """The run stored as ``name``, if it answers ``key``: its record, an open handle on its
        report and the report's length in bytes (the record trails the report)."""
        try:
            handle = open(self.folder / RUNS / name, "rb")
        except OSError:
            return None
        try:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(size - 8)
            length = int.from_bytes(handle.read(8), "big")
            handle.seek(size - 8 - length)
            mark, form, stored, record = _PlainUnpickler(io.BytesIO(handle.read(length))).load()
            handle.seek(0)
        except Exception:  # noqa: BLE001 - a stored run that cannot be read is made again
            handle.close()
            return None
        if mark != _MARK or form != FORMAT or stored != key:
            handle.close()
            return None
        return record, handle, size - 8 - length

    def run_writer(self, name: str) -> RunWriter | None:
        """Where a run's report is written as it is made, to be kept as ``name`` by ``keep``
        (one entry per name: a command and its options keep only their latest run)."""
        if not self.writable:
            return None
        folder = self.folder / RUNS
        temporary = folder / f".tmp-{os.getpid()}-{name}"
        try:
            self._prepare(folder)
            handle = open(temporary, "wb")
        except OSError:
            self.writable = False
            return None
        return RunWriter(handle, temporary, folder / name)

    def _prepare(self, shard: Path) -> None:
        if shard.name in self.shards:
            return
        if not self.folder.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
            # never committed, never backed up: as ruff's and pytest's caches
            (self.folder / ".gitignore").write_text("# Created by plancheck.\n*\n", encoding="utf-8")
            (self.folder / "CACHEDIR.TAG").write_text(_TAG, encoding="utf-8")
            (self.folder / "README").write_text(_README, encoding="utf-8")
        shard.mkdir(exist_ok=True)
        self.shards.add(shard.name)


class RunWriter:
    """A run's report on its way into the cache: ``write`` as it is made, then ``keep`` (renamed
    into place whole) or ``drop``."""

    def __init__(self, handle: BinaryIO, temporary: Path, path: Path) -> None:
        self.handle, self.temporary, self.path = handle, temporary, path

    def write(self, data: bytes) -> None:
        self.handle.write(data)

    def keep(self, key: str, record: Any) -> None:
        try:
            trailer = pickle.dumps((_MARK, FORMAT, key, record), protocol=5)
            self.handle.write(trailer + len(trailer).to_bytes(8, "big"))
            self.handle.close()
            os.replace(self.temporary, self.path)
        except OSError:
            self.drop()

    def drop(self) -> None:
        self.handle.close()
        with contextlib.suppress(OSError):
            os.unlink(self.temporary)


def clear(folder: Path) -> int:
    """Remove a cache folder; the number of entries it held. A folder that is not plancheck's
    (no ``CACHEDIR.TAG`` of ours) is refused, so a mistyped ``$PLANCHECK_CACHE_DIR`` deletes nothing."""
    if not folder.exists():
        return 0
    tag = folder / "CACHEDIR.TAG"
    readme = folder / "README"
    if not (tag.is_file() and readme.is_file() and readme.read_text(encoding="utf-8", errors="replace") == _README):
        raise NotACache(folder)
    entries = sum(1 for shard in folder.iterdir() if shard.is_dir() for _ in shard.iterdir())
    shutil.rmtree(folder)
    return entries


class NotACache(Exception):
    """A folder named as the cache that plancheck did not make."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"{folder} is not a plancheck cache (no CACHEDIR.TAG and README of plancheck's); "
                         "nothing was removed")
