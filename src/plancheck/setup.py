"""Everything a run reads before its first plan: settings, catalogue, registry, waivers, baseline.

Loaded in one place, first, so that a configuration file that cannot be used stops the run
with its located problems (``failures.ConfigError``, exit 2) before any plan is read, and so
that the pipeline below never reads a configuration file itself.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from plancheck.failures import UsageError
from plancheck.policy import Policy
from plancheck.project import Project, default_rules_dir

if TYPE_CHECKING:
    from plancheck.catalog import Catalog
    from plancheck.hierarchy import Registry


@dataclass
class Setup:
    """A run's configuration, loaded."""

    rules_dir: Path
    policy: Policy
    registry: Registry = field(default_factory=dict)
    waivers_file: Path | None = None
    """The waiver file this run applies (whether or not it exists), for the writer to protect."""

    @functools.cached_property
    def catalog(self) -> Catalog:
        """The catalogue of ``rules_dir``. Loaded by ``load_setup`` before any plan is read, unless
        the run asked for it later (a ``validate`` that may find every result in the cache and
        then never needs it: its key holds the catalogue's bytes, so it changes with them)."""
        from plancheck.catalog import load_catalog

        return load_catalog(self.rules_dir)


def load_setup(project: Project, rules: Path | None, fail_on: str | None, *, settings: bool = True,
               waivers: bool = False, waivers_file: Path | None = None, registry: bool = False,
               baseline: Path | None = None, catalog_when_needed: bool = False) -> Setup:
    """What the command needs, in a fixed order: settings (and ``--fail-on`` over them), the
    catalogue, the registry, the waivers, the baseline.

    ``rules``: ``--rules``, else the project's ``rules/`` when it has a catalogue, else the
    bundled one. ``waivers``: whether the command applies waivers (``waivers_file``, else the
    project's ``waivers.yaml``, used when it exists)."""
    from plancheck.config import Settings, load_settings

    rules_dir = rules if rules is not None else default_rules_dir(project.rules)
    loaded_settings = load_settings(rules_dir, project.path(".")) if settings else Settings()
    fail_level = _fail_level(fail_on, loaded_settings.fail_on)
    catalog = None
    if not catalog_when_needed:  # loaded now: an unusable catalogue stops the run first
        from plancheck.catalog import load_catalog

        catalog = load_catalog(rules_dir)
    parents: Registry = {}
    if registry:
        from plancheck.hierarchy import load_registry

        parents = load_registry(rules_dir)
    waiver_path = None
    loaded_waivers = today = None
    if waivers:
        from plancheck.waivers import load_waivers
        from plancheck.waivers import today as today_

        waiver_path = waivers_file if waivers_file is not None else project.waivers
        loaded_waivers = load_waivers(waiver_path)
        today = today_()  # read even without waivers: a wrong PLANCHECK_TODAY is always an error
    entries = None
    if baseline is not None:
        from plancheck.baseline import load_baseline

        entries = load_baseline(baseline)
    policy = Policy(loaded_settings, fail_level, loaded_waivers, today, entries)
    setup = Setup(rules_dir, policy, parents, waiver_path)
    if catalog is not None:
        setup.__dict__["catalog"] = catalog  # what the cached property would load
    return setup


def _fail_level(text: str | None, configured):  # -> FailLevel; the command line wins over settings
    from plancheck.findings import parse_fail_level

    if text is None:
        return configured
    try:
        return parse_fail_level(text)
    except ValueError as exc:
        raise UsageError(str(exc), "--fail-on") from None
