"""Whole runs replayed: when nothing a report is made from has changed, the report an earlier
run wrote is written again, byte for byte, and no plan is read (docs/design.md, "The result
cache"; figures in docs/performance.md).

A run is kept under a *name*, a digest of the command, its options and the folder it ran in,
so each way of running plancheck keeps one run, its latest, and the cache does not grow with
every commit. The run carries a *key*, a digest of everything its report is made from:

- the cache's context: the rules folder's bytes, plancheck's version and code;
- the rest of the policy as bytes: the project's settings files, the waiver file and the
  baseline, and the date when there are waivers (they expire);
- what the options resolve to outside themselves: the report's date;
- every plan file: its name, where it lies, its source root and its bytes.

The source texts the plans cite are known only once the plans are read, so a kept run lists
each with its state (``cache.source_state``), and is replayed only while every one is
unchanged. A run is kept only when every file read as a plan (one that failed may have failed
on a source it names, unknown here) and no plan file changed while it ran.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from plancheck.cache import Cache, RunWriter, digest, file_digest, source_state
from plancheck.project import source_root
from plancheck.textfiles import regular_bytes

if TYPE_CHECKING:
    from plancheck.results import ValidationResult

_CHUNK = 1 << 20
_BATCH = 4096


@dataclass
class Stored:
    """A kept run, as the command gives it out again."""

    exit_code: int
    summary: str
    """What the run wrote on standard error after its report."""
    known_sources: dict[str, tuple[Path, ...]]
    """Each plan's sources, by the plan's absolute path, for the writer's guard (``output.Writer``)."""
    report: Iterator[str] | None
    """The report, read as it is written; None when the run wrote none (``--quiet``)."""

    def give_out(self, emit: Callable[[Iterable[str]], None]) -> int:
        """The run again: its report through ``emit``, its summary on standard error; its exit code."""
        if self.report is not None:
            emit(self.report)
        sys.stderr.write(self.summary)
        return self.exit_code


@dataclass
class Replay:
    """One run's place among the kept runs, and what it is made from."""

    cache: Cache
    name: str
    key: str
    files: list[Path]
    digests: list[bytes]
    _writer: RunWriter | None = field(default=None, repr=False)
    _emitted: bool = False

    def stored(self) -> Stored | None:
        """The kept run under this name if it answers this key and its sources are unchanged."""
        found = self.cache.open_run(self.name, self.key)
        if found is None:
            return None
        record, handle, length = found
        try:
            exit_code, summary, emitted, known, sources = record
            if any(source_state(path) != state for path, state in sources):
                handle.close()
                return None
            known_sources = {plan: tuple(Path(s) for s in cited) for plan, cited in known.items()}
        except (ValueError, TypeError, AttributeError):  # a record of another shape
            handle.close()
            return None
        return Stored(exit_code, summary, known_sources, _read(handle, length) if emitted else None)

    def record(self, document: str | Iterable[str]) -> str | Iterable[str]:
        """``document``, unchanged, copied into the cache as it is written."""
        self._emitted = True
        self._writer = self.cache.run_writer(self.name)
        if self._writer is None:
            return document
        if isinstance(document, str):
            self._writer.write(document.encode("utf-8", "surrogatepass"))
            return document
        return self._copied(document, self._writer)

    @staticmethod
    def _copied(document: Iterable[str], writer: RunWriter) -> Iterator[str]:
        batch: list[str] = []  # a report of lines is copied a few thousand at a time, not line by line
        for chunk in document:
            batch.append(chunk)
            if len(batch) >= _BATCH:
                yield from batch
                writer.write("".join(batch).encode("utf-8", "surrogatepass"))
                batch.clear()
        yield from batch
        writer.write("".join(batch).encode("utf-8", "surrogatepass"))

    def keep(self, exit_code: int, summary: str, result: ValidationResult) -> None:
        """Keep the run that wrote its report through ``record``, when it may be replayed."""
        writer = self._writer if self._emitted else self.cache.run_writer(self.name)
        self._writer = None
        if writer is None:
            return
        if len(result.headers) != len(self.files) or _digests(self.files) != self.digests:
            writer.drop()
            return
        known = {os.path.abspath(h.path): [str(s) for s in h.sources] for h in result.headers}
        sources = sorted({s for cited in known.values() for s in cited})
        writer.keep(self.key, (exit_code, summary, self._emitted, known, [(s, source_state(s)) for s in sources]))

    def drop(self) -> None:
        """Let go of a report being copied that will not be kept (the run stopped)."""
        if self._writer is not None:
            self._writer.drop()
            self._writer = None


def replay_for(cache: Cache | None, command: str, options: NamedTuple, files: list[Path], problems: list,
               policy_files: list[Path | None], resolved: list[str]) -> Replay | None:
    """The place of this run among the kept runs; None without a cache, when a path given
    cannot be used (``problems``: reported afresh) or when a file cannot be read.

    ``options``: the command's options as parsed (its repr names every one; the number of
    processes changes nothing in a report); ``policy_files``: the files besides the rules
    folder that weigh the findings; ``resolved``: what the options mean outside themselves."""
    if cache is None or problems:
        return None
    digests = _digests(files)
    if digests is None:
        return None
    name = digest("run", command, os.getcwd(), repr(options._replace(jobs=0)))  # type: ignore[attr-defined]
    parts: list[str | bytes] = [name, *resolved]
    for path in policy_files:
        if path is not None and os.path.lexists(path):
            data = regular_bytes(path)
            if data is None:  # not a file, or not readable: the run reports it
                return None
            parts.append(data)
        else:
            parts.append("absent")
    for path, data in zip(files, digests):
        absolute = os.path.abspath(path)
        parts += [str(path), absolute, source_root(os.path.dirname(absolute)), data]
    return Replay(cache, name, cache.key("run", *parts), files, digests)


@contextlib.contextmanager
def copying(replay: Replay | None) -> Iterator[None]:
    """Around a run's writing: a report being copied is let go if the run stops before keeping it."""
    try:
        yield
    finally:
        if replay is not None:
            replay.drop()


def expiry(waivers: Path) -> str:
    """The date waivers expire against, for a key. Read even without waivers, as the run reads
    it (a wrong ``PLANCHECK_TODAY`` is always an error), but only waivers depend on it."""
    from plancheck.waivers import today

    date = today().isoformat()
    return date if waivers.exists() else ""


def _digests(files: list[Path]) -> list[bytes] | None:
    digests = [file_digest(path) for path in files]
    return None if None in digests else digests  # type: ignore[return-value]


def _read(handle, length: int) -> Iterator[str]:  # handle: BinaryIO
    decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
    with handle:
        while length > 0:
            data = handle.read(min(_CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield decoder.decode(data, final=length <= 0)
