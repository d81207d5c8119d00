"""The loader: every problem names the line and column a person must fix."""

from __future__ import annotations

import time

import pytest

from plancheck.loader import MAX_DEPTH, load_text
from plancheck.loader import decode

from helpers import line_of


def codes(result) -> list[str]:
    return [p.code for p in result.problems]


def test_positions_of_keys_values_and_items():
    text = "a: 1\nlist:\n  - x: 1\n    y: [2, 3]\n"
    r = load_text(text, "f.yaml")
    assert r.ok and r.data == {"a": 1, "list": [{"x": 1, "y": [2, 3]}]}
    assert tuple(r.positions.locate(("list", 0, "y"), at_key=True)) == (4, 5)
    assert tuple(r.positions.locate(("list", 0, "y", 1))) == (4, 12)
    # An unknown path falls back to its nearest known ancestor.
    assert r.positions.locate(("list", 0, "missing")).line == 3


def test_duplicate_key_is_refused_with_both_lines():
    text = "targets:\n  - indicator: x\n    value: 20\n    value: 30\n"
    r = load_text(text, "plan.yaml")
    assert codes(r) == ["PC003"]
    problem = r.problems[0]
    assert problem.line == line_of(text, "value: 30")
    assert problem.column == 5
    assert f"line {line_of(text, 'value: 20')}" in problem.message
    # The first value is kept, not silently replaced.
    assert r.data["targets"][0]["value"] == 20


def test_every_duplicate_is_reported_not_only_the_first():
    r = load_text("a: 1\na: 2\nb: {c: 1, c: 2}\n", "f")
    assert [(p.code, p.line) for p in r.problems] == [("PC003", 2), ("PC003", 3)]


def test_yaml_syntax_error_names_its_line():
    text = "jurisdiction:\n  id: x\n  name: [unclosed\n  level: county\n"
    r = load_text(text, "f.yaml")
    assert codes(r) == ["PC002"]
    assert r.problems[0].line >= line_of(text, "unclosed")
    assert "line 3" in r.problems[0].message or r.problems[0].line == 3


def test_tab_indentation_is_explained():
    r = load_text("a:\n\tb: 1\n", "f.yaml")
    assert codes(r) == ["PC002"] and r.problems[0].line == 2
    assert "tabs" in r.problems[0].message


@pytest.mark.parametrize("text", [
    "a: !!python/object/apply:os.system ['echo pwned']\n",
    "a: !!python/name:os.system\n",
    "a: !custom 1\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x: null}\n",
])
def test_non_standard_tags_are_refused_and_never_constructed(text):
    r = load_text(text, "f.yaml")
    assert "PC004" in codes(r)
    assert r.problems[0].line == 1


def test_standard_tags_are_accepted():
    r = load_text("a: !!str 2025\nb: !!int '7'\nc: !!float 1\n", "f")
    assert r.ok and r.data == {"a": "2025", "b": 7, "c": 1.0}


def test_merge_keys_and_complex_keys_are_refused():
    assert codes(load_text("base: &b {x: 1}\nother:\n  <<: *b\n", "f")) == ["PC004"]
    assert codes(load_text("? [a, b]\n: 1\n", "f")) == ["PC004"]


def test_alias_bomb_is_bounded_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    started = time.perf_counter()
    r = load_text("\n".join(lines) + "\n", "bomb.yaml")
    assert codes(r) == ["PC006"]
    assert time.perf_counter() - started < 5  # generous: the real cost is milliseconds


def test_small_aliases_are_fine():
    r = load_text("a: &x {k: 1}\nb: *x\n", "f")
    assert r.ok and r.data["b"] == {"k": 1}


def test_deep_nesting_is_refused_without_recursion_error():
    r = load_text("[" * 10_000 + "]" * 10_000, "deep.yaml")
    assert codes(r) == ["PC006"]
    assert str(MAX_DEPTH) in r.problems[0].message


def test_several_documents_are_refused():
    r = load_text("a: 1\n---\nb: 2\n", "f")
    assert codes(r) == ["PC005"] and "more than one YAML document" in r.problems[0].message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "~\n"])
def test_an_empty_file_is_empty_and_the_reader_decides(text):
    """The loader reads every kind of file: an empty plan is an error, an empty settings or
    waiver file is not, so the loader only says that the file is empty."""
    r = load_text(text, "f")
    assert r.empty and r.problems == [] and r.data is None


def test_byte_order_mark_is_accepted_and_invalid_utf8_located():
    text, problems = decode("\ufeffa: 1\n".encode("utf-8"), "f")
    assert problems == [] and text == "a: 1\n"
    text, problems = decode(b"a: 1\nb: caf\xe9\n", "f")
    assert text is None and [(p.code, p.line, p.column) for p in problems] == [("PC001", 2, 7)]


def test_control_characters_are_a_located_syntax_error():
    r = load_text("a: ok\nb: x\x01y\n", "f")
    assert codes(r) == ["PC002"] and (r.problems[0].line, r.problems[0].column) == (2, 5)


def test_dates_and_yaml_1_1_scalars_are_constructed_like_pyyaml():
    import datetime as dt

    r = load_text("d: 2022-10-28\np: 2024-01\nn: null\nf: 1.5\nb: true\n", "f")
    assert r.data == {"d": dt.date(2022, 10, 28), "p": "2024-01", "n": None, "f": 1.5, "b": True}
