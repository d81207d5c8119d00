"""Hostile and broken input: a clear one-line answer, bounded time and memory, nothing lost.

Each case runs the installed command line in a fresh process, as CI would, with an
address-space limit, so a regression to unbounded work fails here rather than on a user's
machine. The corpus and its expectations live in tests/corpus/.
"""

from __future__ import annotations

import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from helpers import REPO, in_english
from plancheck.pipeline import load_plan
from plancheck.loader import load_text

CORPUS = REPO / "tests" / "corpus"
CASES = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
MEMORY_LIMIT = 1024 * 1024 * 1024  # address space, bytes: far above the ~40 MB a run needs
SECONDS = 20


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def plancheck(*args: str, cwd: Path = CORPUS) -> subprocess.CompletedProcess:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "plancheck", *in_english(args)], cwd=cwd, capture_output=True,
                          text=True, timeout=SECONDS, preexec_fn=_limit_memory, check=False)
    done.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    return done


def line_holding(path: Path, needle: str) -> int:
    text = path.read_bytes().decode("utf-8", errors="replace")
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert hits, f"{needle!r} not in {path}"
    return hits[0]


@pytest.mark.parametrize("case", CASES, ids=[c["path"] for c in CASES])
def test_corpus_case(case):
    done = plancheck(case["command"], case["path"])
    output = done.stdout + done.stderr
    assert done.returncode == case["exit"], output
    assert case["message"] in output
    if case["code"] is None:
        return
    lines = [line for line in output.splitlines() if f" {case['code']} " in line]
    assert lines, output
    if "at" in case:
        target = CORPUS / case["path"]
        files = sorted(target.glob("*.yaml")) if target.is_dir() else [target]
        expected = {(f"{f.relative_to(CORPUS)}", line_holding(f, case["at"])) for f in files
                    if case["at"] in f.read_bytes().decode("utf-8", errors="replace")}
        located = set()
        for line in lines:
            file, line_no, column, _ = line.split(":", 3)
            assert int(column) >= 1
            located.add((file, int(line_no)))
        assert located & expected, (located, expected)


def test_python_tags_are_never_run(tmp_path):
    shutil.copy(CORPUS / "python-tag.yaml", tmp_path)
    plancheck("validate", "python-tag.yaml", cwd=tmp_path)
    assert not (tmp_path / "plancheck-was-here").exists()


# ---- generated cases: size, amplification, quadratic work

PLAN_HEAD = ("jurisdiction: {id: a, name: 某县, level: county, parent: null}\n"
             "documents: [{id: d, title: 某方案, status: published, source: source.txt}]\n")


def test_a_huge_file_is_refused_before_parsing(tmp_path):
    (tmp_path / "huge.yaml").write_text(PLAN_HEAD + "targets: []\nnote: \"" + "x" * 17_000_000 + "\"\n",
                                        encoding="utf-8")
    done = plancheck("validate", "huge.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "huge.yaml:1:1: error PC006 file is" in done.stdout
    assert done.seconds < 5


def test_an_alias_bomb_inside_a_valid_plan_is_bounded_in_validation(tmp_path):
    """Many aliases of one target stay under the expansion limit but above the target limit."""
    (tmp_path / "source.txt").write_text("到2025年，非化石能源消费比重达到22%以上。", encoding="utf-8")
    target = '&t {indicator: non_fossil_energy_share, year: 2025, value: 21, quote: "这句话不在原文里"}'
    (tmp_path / "bomb.yaml").write_text(PLAN_HEAD + "targets: [" + target + ", " + ", ".join(["*t"] * 10_000)
                                        + "]\n", encoding="utf-8")
    done = plancheck("validate", "bomb.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "error PC006 targets: 10,001 entries; the limit is 2,000" in done.stdout
    assert done.seconds < 10


def test_many_copies_of_one_bad_target_give_a_bounded_report(tmp_path):
    target = '&t {indicator: bogus_indicator, year: "x", value: "y"}'
    (tmp_path / "source.txt").write_text("无", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(PLAN_HEAD + "targets: [" + target + ", " + ", ".join(["*t"] * 1_900)
                                       + "]\n", encoding="utf-8")
    done = plancheck("validate", "bad.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert len(done.stdout.splitlines()) <= 201 and "more schema errors not shown" in done.stdout


def test_two_plans_at_the_target_limit_compare_in_seconds(tmp_path):
    def plan(pid: str, level: str, parent: str, base: int) -> str:
        rows = [f"  - {{indicator: non_fossil_energy_share, year: {2021 + i % 10}, value: {base + i % 7}, "
                f"scope: \"s{i % 13}\"}}" for i in range(2000)]
        return (f"jurisdiction: {{id: {pid}, name: 某地, level: {level}, parent: {parent}}}\n"
                "documents: [{id: d, title: 某方案, status: draft}]\ntargets:\n" + "\n".join(rows) + "\n")
    (tmp_path / "up.yaml").write_text(plan("up", "province", "null", 20), encoding="utf-8")
    (tmp_path / "low.yaml").write_text(plan("low", "county", "up", 19), encoding="utf-8")
    done = plancheck("compare", "low.yaml", "up.yaml", "-f", "json", "-o", "out.json", cwd=tmp_path)
    assert done.returncode == 1 and done.seconds < 15


# ---- nothing lost

def test_reports_aimed_at_inputs_are_refused_and_the_files_stay_unchanged(tmp_path):
    for folder in ("plans", "sources", "rules"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    targets = ["plans/hunan.yaml", "sources/hunan_carbon_peak.txt", "rules/indicators.yaml"]
    before = {t: (tmp_path / t).read_bytes() for t in targets}
    for target in targets:
        for command in (["compare", "chaling", "hunan", "-f", "html"], ["check", "-f", "sarif"]):
            done = plancheck(*command, "-o", target, cwd=tmp_path)
            assert done.returncode == 2 and "refusing to write the report over an input file" in done.stderr
    assert {t: (tmp_path / t).read_bytes() for t in targets} == before


def test_output_into_a_missing_folder_is_a_usage_error(tmp_path):
    shutil.copytree(REPO / "plans", tmp_path / "plans")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    done = plancheck("compare", "chaling", "hunan", "-f", "markdown", "-o", "no/such/folder/report.md", cwd=tmp_path)
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert not (tmp_path / "no").exists()


def test_an_existing_report_is_replaced_whole(tmp_path):
    """The old report stays until the new one is complete: no half-written file in between."""
    shutil.copytree(REPO / "plans", tmp_path / "plans")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    report = tmp_path / "report.md"
    report.write_text("old report\n", encoding="utf-8")
    plancheck("compare", "chaling", "hunan", "-f", "markdown", "-o", "report.md", cwd=tmp_path)
    assert report.read_text(encoding="utf-8").startswith("# Gap report")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report.md.")] == []


# ---- properties and fuzzing of the loader

@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("abc:-[]{}&*!|>'\"#\n \t0123.") + ["jurisdiction", "targets", "value",
                                                                         "湖南", "\ufeff", "!!python/name:x "]),
                max_size=120).map("".join))
def test_the_loader_answers_any_text_with_data_or_located_problems(text):
    loaded = load_text(text, "fuzz.yaml")
    for problem in loaded.problems:
        assert problem.code.startswith("PC0") and problem.file == "fuzz.yaml"
        assert problem.line is None or problem.line >= 1


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.randrange(5)
        i = rng.randrange(len(data) + 1)
        if choice == 0 and data:  # flip a byte
            data[min(i, len(data) - 1)] = rng.randrange(256)
        elif choice == 1:  # delete a run
            del data[i:i + rng.randint(1, 40)]
        elif choice == 2:  # duplicate a run
            j = rng.randrange(len(data) + 1)
            data[i:i] = data[j:j + rng.randint(1, 80)]
        elif choice == 3:  # insert YAML punctuation
            data[i:i] = rng.choice([b"&a ", b"*a", b"!!python/name:os.system ", b"\t", b"- ", b": ", b"{", b"]",
                                    b"\xff", b"\n  ", b".nan", b"<<: *a\n"])
        else:  # swap two lines
            lines = bytes(data).split(b"\n")
            a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[a], lines[b] = lines[b], lines[a]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def test_fuzzing_the_loader_and_validation_finds_no_uncaught_exception(tmp_path, catalog):
    """Random bytes and mutated real plans, a fixed seed and a bounded number of cases."""
    rng = random.Random(20261121)
    seeds = [p.read_bytes() for p in sorted((REPO / "plans").glob("*.yaml"))]
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    (tmp_path / "plans").mkdir()
    path = tmp_path / "plans" / "fuzz.yaml"
    for case in range(600):
        data = bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))) if case % 5 == 0 \
            else mutate(rng.choice(seeds), rng)
        path.write_bytes(data)
        plan, problems = load_plan(path, catalog)  # must return, never raise
        assert plan is not None or problems, f"case {case}: no plan and no problem"
