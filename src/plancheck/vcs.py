"""The plan files git sees as changed: for ``check --changed-only REF``; and which files a
check reports on."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from plancheck.failures import Refused, UsageError


class VcsError(Exception):
    """git is missing, the folder is not a repository, or the ref is unknown."""


def _git(args: list[str], cwd: Path) -> str:
    """git's output as the file system spells names: bytes that are not UTF-8 (a file name in
    another encoding) survive as surrogate escapes, as ``os.listdir`` gives them."""
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, capture_output=True,
                              check=False)
    except OSError as exc:
        raise VcsError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", errors="replace").strip().splitlines() or ["git failed"]
        raise VcsError(message[-1])
    return os.fsdecode(done.stdout)


def changed_files(ref: str, folder: Path) -> list[Path]:
    """Files under ``folder`` that differ from ``ref``: committed since, staged, unstaged or untracked."""
    folder = Path(os.path.realpath(folder))
    if not folder.is_dir():
        raise VcsError(f"{folder} is not a folder")
    top = Path(_git(["rev-parse", "--show-toplevel"], folder).rstrip("\n"))  # a folder name may end in a space
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], folder)
    except VcsError:
        raise VcsError(f"unknown git revision {ref!r}") from None
    names = _git(["diff", "--name-only", "-z", ref, "--", str(folder)], folder).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "--full-name", "-z", "--", str(folder)], folder).split("\0")
    found = []
    for name in sorted({n for n in names if n}):
        path = (top / name) if not Path(name).is_absolute() else Path(name)
        if path.exists():
            found.append(path)
    return found


def focus_files(paths: list[Path], with_relatives: bool, changed_only: str | None, plans_dir: Path) -> list[Path] | None:
    """The plan files a run reports on (with their family), or None for every plan under PATHS."""
    if changed_only is not None:
        try:
            changed = changed_files(changed_only, plans_dir)
        except VcsError as exc:
            raise Refused(f"--changed-only {changed_only}: {exc}") from None
        named = [p for p in paths if not p.is_dir()]  # files named beside --changed-only are reported on too
        return [p for p in changed if p.suffix in (".yaml", ".yml")] + named
    files = [p for p in paths if not p.is_dir()]
    if with_relatives and not files:
        raise UsageError("name the plan files to report on", "--with-relatives")
    return files or None
