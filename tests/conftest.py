"""Shared fixtures: tiny inline plans written to a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from plancheck.catalog import Catalog, load_catalog

from helpers import REPO, SOURCE_TEXT

@pytest.fixture(autouse=True)
def _own_result_cache(tmp_path_factory, monkeypatch):
    """Every test starts with an empty result cache of its own (docs/performance.md, "The cache"):
    runs inside one test reuse what that test's earlier runs stored, as a user's runs do, and no
    test sees another's, or the repository's."""
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(tmp_path_factory.mktemp("cache") / "plancheck"))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(REPO / "rules")


@pytest.fixture
def write_plan(tmp_path: Path):
    """Write a plan (dedented) and its source text; return the plan's path."""

    def _write(text: str, name: str = "plan.yaml", source: str = SOURCE_TEXT) -> Path:
        (tmp_path / "source.txt").write_text(source, encoding="utf-8")
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write
