"""Writing a report to ``-o FILE`` without ever leaving a half-written or lost file.

The report is written to a temporary file beside the target and moved over it in
one step, so an interrupted run leaves the previous report intact. A report is never
written over one of the run's own input files (a plan, a source text, a rules file):
that would destroy the data the report is about.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO


class OutputError(Exception):
    """The report cannot be written where asked; the message says why."""


def write_report(path: Path, text: str | Iterable[str], inputs: list[Path] = (), append: bool = False) -> None:
    target = path.resolve()
    for source in inputs:
        try:
            if source.resolve() == target:
                raise OutputError(f"{path}: refusing to write the report over an input file of this run")
        except OSError:
            continue
    if target.is_dir():
        raise OutputError(f"{path}: is a folder")
    if not target.parent.is_dir():
        raise OutputError(f"{path}: the folder {target.parent} does not exist")
    if append:
        try:
            with open(path, "a", encoding="utf-8", newline="\n") as handle:
                _write(handle, text)
        except OSError as exc:
            raise OutputError(f"{path}: {exc.strerror or exc}") from None
        return
    directory = target.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"{path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            _write(handle, text)
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"{path}: {exc.strerror or exc}") from None


def _write(handle: TextIO, text: str | Iterable[str]) -> None:
    if isinstance(text, str):
        handle.write(text)
        return
    handle.writelines(text)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
