"""Where a plan repository starts: its root, and the default places inside it.

``plancheck`` can be run from any folder of a plan repository, as git and ruff can: the root
is the nearest folder, walking up from where it starts, that holds ``.plancheck.yaml``, a
``pyproject.toml`` with a ``[tool.plancheck]`` table, or a ``plans/`` folder. The defaults
(``plans/``, ``rules/``, ``waivers.yaml``, the settings files) are looked up there. The same
walk, started at a plan file, gives the folder its source texts must stay inside
(docs/security.md, "Sources stay inside the repository").
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

PLANS_FOLDER = "plans"
PROJECT_FILE = ".plancheck.yaml"
PYPROJECT_FILE = "pyproject.toml"


def _has_tool_table(pyproject: Path) -> bool:
    """Whether a ``pyproject.toml`` opens ``[tool.plancheck]``. A line test, not a TOML parse:
    the walk must not fail on a broken file (reading the settings reports that, located)."""
    try:
        with open(pyproject, "rb") as handle:
            head = handle.read(1024 * 1024)
    except OSError:
        return False
    return any(line.strip().startswith((b"[tool.plancheck]", b"[tool.plancheck.")) for line in head.splitlines())


def is_root(folder: Path) -> bool:
    return ((folder / PROJECT_FILE).is_file() or (folder / PLANS_FOLDER).is_dir()
            or ((folder / PYPROJECT_FILE).is_file() and _has_tool_table(folder / PYPROJECT_FILE)))


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that is a project root, or None."""
    folder = Path(os.path.abspath(start))
    for candidate in (folder, *folder.parents):
        if is_root(candidate):
            return candidate
    return None


def source_root(plan_folder: str) -> str:
    """The folder every source text of a plan in ``plan_folder`` must resolve inside: the
    project root above the plan (symbolic links resolved), or the plan's own folder when
    none is found."""
    return _source_root(os.path.abspath(plan_folder))


@functools.cache
def _source_root(folder: str) -> str:
    """``source_root`` of an absolute folder, cached: a national run asks once per folder, not
    once per plan (a relative name would mean another folder after a ``chdir``)."""
    found = find_root(Path(folder))
    return os.path.realpath(found if found is not None else folder)


def inside(path: Path, root: str) -> bool:
    """Whether ``path``, every symbolic link followed, lies in ``root``."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


class Project:
    """The root a run works in, and the default paths in it, as the user would write them:
    relative to the working folder, so reports name ``plans/chaling.yaml`` at the root and
    ``chaling.yaml`` when run from ``plans/``."""

    def __init__(self, root: Path, found: bool = True) -> None:
        self.root = root
        self.found = found
        """Whether ``root`` is a project root, not just the folder the run started in."""

    @classmethod
    def discover(cls, cwd: Path | None = None) -> Project:
        here = Path.cwd() if cwd is None else cwd
        root = find_root(here)
        return cls(root, True) if root is not None else cls(Path(os.path.abspath(here)), False)

    def path(self, name: str) -> Path:
        return Path(os.path.relpath(self.root / name))

    @property
    def plans(self) -> Path:
        return self.path(PLANS_FOLDER)

    @property
    def rules(self) -> Path:
        return self.path("rules")

    @property
    def waivers(self) -> Path:
        return self.path("waivers.yaml")

    @property
    def settings_files(self) -> tuple[Path, Path]:
        return self.path(PROJECT_FILE), self.path(PYPROJECT_FILE)


PLAN_SUFFIXES = (".yaml", ".yml")
CATALOG_FILE = "indicators.yaml"


def resolve_plan(arg: str, plans_dir: Path) -> Path:
    """A plan argument is a path (it has a suffix or a slash) or a jurisdiction id in ``plans_dir``."""
    if arg.endswith(PLAN_SUFFIXES) or "/" in arg or "\\" in arg:
        return Path(arg)
    for suffix in PLAN_SUFFIXES:
        candidate = plans_dir / f"{arg}{suffix}"
        if candidate.is_file():
            return candidate
    return plans_dir / f"{arg}.yaml"


def default_rules_dir(local: Path = Path("rules")) -> Path:
    """The project's ``rules/`` (``local``: the run passes the one at the project root) if it
    has a catalogue, else the packaged copy.

    The packaged copy (``plancheck/_rules`` in a wheel) keeps an installed tool
    usable anywhere; a project's own ``rules/`` wins so analysts can extend it.
    """
    if (local / CATALOG_FILE).is_file():
        return local
    here = Path(__file__).resolve().parent  # the package: its _rules, or the checkout's rules/
    for candidate in (here / "_rules", here.parents[1] / "rules"):
        if (candidate / CATALOG_FILE).is_file():
            return candidate
    return local
