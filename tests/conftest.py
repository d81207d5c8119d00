"""Shared fixtures: tiny inline plans written to a temporary folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from plancheck.catalog import Catalog, load_catalog

REPO = Path(__file__).resolve().parents[1]

SOURCE_TEXT = "到2025年，非化石能源消费比重达到22%以上。森林覆盖率稳定在59%以上。\n"

MINIMAL_PLAN = """\
jurisdiction: {id: testcounty, name: 测试县, level: county, parent: hunan}
documents:
  - id: doc
    title: 测试县碳达峰实施方案
    status: published
    source: source.txt
targets:
  - indicator: non_fossil_energy_share
    year: 2025
    value: 22
    comparator: at_least
    quote: 非化石能源消费比重达到22%以上
"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``needle``: tests derive positions, never guess them."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} occurs {len(hits)} times"
    return hits[occurrence - 1]


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
