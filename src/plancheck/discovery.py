"""Which plan files a run reads: the paths given, folders expanded, every problem located.

Kept apart from the pipeline so that a run can list its files without importing what reads
them (a ``validate`` whose results are all cached never builds the plan models).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from plancheck import load_messages as words
from plancheck.findings import Finding
from plancheck.project import PLAN_SUFFIXES, inside, source_root

if TYPE_CHECKING:
    from plancheck.reason import Reason


def discover(paths: list[Path]) -> tuple[list[Path], list[Finding]]:
    """Expand folders into their plan files (recursively, sorted); missing paths become PC001."""
    files: list[Path] = []
    problems: list[Finding] = []
    for p in paths:
        unusable = unusable_path(p)
        if unusable is not None:
            problems.append(Finding("PC001", words.cannot_be_read(unusable), file=str(p)))
            continue
        if p.is_dir():
            try:
                found = sorted(q for q in p.rglob("*") if q.suffix in PLAN_SUFFIXES and q.is_file())
            except OSError as exc:
                problems.append(Finding("PC001", words.cannot_list_folder(exc), file=str(p)))
                continue
            if not found:
                problems.append(Finding("PC001", words.NO_PLAN_FILES, file=str(p)))
            root = source_root(str(p))
            for q in found:
                if inside(q, root):
                    files.append(q)
                else:  # a link out of the repository: reading it would echo another file's text
                    problems.append(Finding("PC018", words.plan_file_outside(root), file=str(q), line=1, column=1))
        elif p.exists():
            files.append(p)
        else:
            problems.append(Finding("PC001", words.NO_SUCH_PATH, file=str(p)))
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


def unusable_path(path: Path) -> Reason | None:
    """Why ``path`` cannot name a file at all (a NUL byte, a name too long, a loop of links),
    or None: the file system's refusal, said once, instead of an error from deep inside."""
    if "\0" in str(path):
        return words.NUL_IN_NAME
    try:
        os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ENAMETOOLONG, errno.ELOOP):
            return words.os_error(exc)
    return None
