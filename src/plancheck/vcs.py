"""The plan files git sees as changed: for ``check --changed-only REF``."""

from __future__ import annotations

import subprocess
from pathlib import Path


class VcsError(Exception):
    """git is missing, the folder is not a repository, or the ref is unknown."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise VcsError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise VcsError((done.stderr.strip().splitlines() or ["git failed"])[-1])
    return done.stdout


def changed_files(ref: str, folder: Path) -> list[Path]:
    """Files under ``folder`` that differ from ``ref``: committed since, staged, unstaged or untracked."""
    folder = folder.resolve()
    if not folder.is_dir():
        raise VcsError(f"{folder} is not a folder")
    top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
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
