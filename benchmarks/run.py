"""Measure plancheck against its baselines, side by side in one run.

Whole-process wall time and peak memory (max RSS of the measured process), several runs
each, medians; every ratio compares two commands measured in the same run, alternating,
on the same files:

1. ``plancheck check --no-cache`` on the national corpus vs parsing the same files with PyYAML's
   CSafeLoader and nothing else (one process, and with ``--jobs 2``);
2. ``plancheck validate --no-cache`` vs ``check-jsonschema`` with ``plancheck schema`` on the same files;
3. cold start: ``plancheck validate plans/chaling.yaml`` (uncached, and with its result cached) vs
   ``yamllint`` on the same file and ``python -c "import typer, pydantic, yaml"``, and against two
   floors: ``typer_floor.py`` (a typer command with the same parameters that does nothing) and
   ``pydantic_floor.py`` (the same imports and one one-field pydantic model);
4. scaling: ``check --no-cache`` on the corpus at 10 % and at 100 %;
5. the cache: a second ``check`` of the unchanged corpus (its kept run replayed, and with the
   kept run removed so that the entries serve), and one with one county changed before each
   run, vs the parse; the first ``check`` (filling an empty cache) vs ``--no-cache``;
6. the pre-commit path: ``check --with-relatives`` of one county vs a full uncached check;
7. ``--only tenfold``: peak memory of an uncached ``check -j1`` on ten times the corpus
   (generated once into benchmarks/corpus-1000, 570 MB; not in the default run).

    python benchmarks/run.py            # generates benchmarks/corpus-{10,100} if missing
    python benchmarks/run.py --runs 5
    python benchmarks/run.py --only cold    # the cold-start rows alone: about 40 s once the corpora exist
    python benchmarks/run.py --only cache --only hook

Run it from the repository root with the environment plancheck is installed in (the test
extra brings check-jsonschema). It prints a Markdown table; docs/performance.md holds the
figures of the last recorded run and the machine they came from.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "seconds = time.perf_counter() - start\n"
    "print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
)


def measure(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """(seconds, peak MB, exit code) of one run of ``command`` in a fresh process."""
    out = subprocess.run([sys.executable, "-c", WRAPPER, str(cwd), *command], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def compare(label: str, a: tuple[str, list[str], Path], b: tuple[str, list[str], Path], runs: int,
            before: Callable[[], None] | None = None) -> dict:
    """Run two commands alternately ``runs`` times; medians and the ratio a / b. ``before``:
    what to do before each run of ``a`` (empty the cache, change a county), not timed."""
    times: dict[str, list[float]] = {a[0]: [], b[0]: []}
    memory: dict[str, list[float]] = {a[0]: [], b[0]: []}
    codes: dict[str, int] = {}
    for _ in range(runs):
        for name, command, cwd in (a, b):
            if before is not None and name == a[0]:
                before()
            seconds, peak, code = measure(command, cwd)
            times[name].append(seconds)
            memory[name].append(peak)
            codes[name] = code
    med = {name: statistics.median(values) for name, values in times.items()}
    mem = {name: max(values) for name, values in memory.items()}
    return {"label": label, "a": a[0], "b": b[0], "a_s": med[a[0]], "b_s": med[b[0]],
            "a_mb": mem[a[0]], "b_mb": mem[b[0]], "ratio": med[a[0]] / med[b[0]], "codes": codes}


def parse_only_of(corpus_path: Path) -> list[str]:
    """Parsing every plan file of a corpus with CSafeLoader and nothing else."""
    files = sorted(str(p.relative_to(corpus_path)) for p in (corpus_path / "plans").glob("*.yaml"))
    return [sys.executable, "-c", ("import sys, yaml\nfor f in sys.argv[1:]:\n"
                                   "    with open(f, 'rb') as h:\n        yaml.load(h, Loader=yaml.CSafeLoader)\n"),
            *files]


def corpus(scale: float, name: str) -> Path:
    path = HERE / name
    if not (path / "plans").is_dir():
        print(f"generating {path} ...", file=sys.stderr)
        generate(scale, path)
    return path


GROUPS = ("check", "validate", "cold", "scaling", "cache", "hook", "tenfold")
DEFAULT = GROUPS[:-1]


def edit_county(corpus_path: Path) -> Callable[[], None]:
    """A change to one county before each run: a comment appended, new bytes every time."""
    county = corpus_path / "plans" / "county0007.yaml"
    original = county.read_bytes()
    count = [0]

    def change() -> None:
        count[0] += 1
        county.write_bytes(original + f"# edit {count[0]}\n".encode())
    return change


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=GROUPS, action="append",
                        help="measure only these rows (repeatable); all of them by default")
    args = parser.parse_args()
    groups = set(args.only or DEFAULT)
    full, tenth = corpus(1.0, "corpus-100"), corpus(0.1, "corpus-10")
    plancheck = [sys.executable, "-m", "plancheck"]
    rules = ["--rules", str(REPO / "rules")]
    schema = full / "plan.schema.json"
    schema.write_text(subprocess.run([*plancheck, "schema", *rules], capture_output=True, text=True,
                                     check=True).stdout, encoding="utf-8")
    files = sorted(str(p.relative_to(full)) for p in (full / "plans").glob("*.yaml"))
    parse_only = parse_only_of(full)
    cached_check = [*plancheck, "check", "plans", *rules, "--format", "json"]
    check = [*cached_check, "--no-cache"]
    validate_chaling = ("validate chaling", [*plancheck, "validate", "plans/chaling.yaml", "--no-cache"], REPO)
    cached_chaling = ("validate chaling, cached", [*plancheck, "validate", "plans/chaling.yaml"], REPO)
    subprocess.run(cached_chaling[1], cwd=REPO, capture_output=True, check=True)  # its result cached
    yamllint = ("yamllint", [sys.executable, "-m", "yamllint", "-d", "relaxed", "plans/chaling.yaml"], REPO)
    cache_folder = full / ".plancheck_cache"

    def empty_cache() -> None:
        shutil.rmtree(cache_folder, ignore_errors=True)

    def forget_run() -> None:  # the plan and comparison entries stay; the kept whole run goes
        shutil.rmtree(cache_folder / "runs", ignore_errors=True)

    def warm() -> None:
        subprocess.run([*cached_check, "-j", "1"], cwd=full, capture_output=True)
    baseline = ("import typer, pydantic, yaml", [sys.executable, "-c", "import typer, pydantic, yaml"], REPO)
    typer_floor = ("empty typer command", [sys.executable, str(HERE / "typer_floor.py"), "validate",
                                           "plans/chaling.yaml"], REPO)
    pydantic_floor = ("one pydantic model", [sys.executable, str(HERE / "pydantic_floor.py")], REPO)
    cold_runs = max(args.runs, 10)
    rows = [
        ("check", lambda: compare("check vs CSafeLoader parse (1 process)", ("check -j1", [*check, "-j", "1"], full),
                                  ("CSafeLoader", parse_only, full), args.runs)),
        ("check", lambda: compare("check vs CSafeLoader parse (2 processes)", ("check -j2", [*check, "-j", "2"], full),
                                  ("CSafeLoader", parse_only, full), args.runs)),
        ("validate", lambda: compare("validate vs check-jsonschema",
                                     ("validate -j1", [*plancheck, "validate", "plans", *rules, "-j", "1",
                                                       "--no-cache"], full),
                                     ("check-jsonschema", [sys.executable, "-m", "check_jsonschema", "--schemafile",
                                                           str(schema), *files], full), args.runs)),
        ("cold", lambda: compare("cold start", validate_chaling, baseline, cold_runs)),
        *([("cold", lambda: compare("cold start, cached, vs yamllint", cached_chaling, yamllint, cold_runs)),
           ("cold", lambda: compare("cold start, uncached, vs yamllint", validate_chaling, yamllint, cold_runs)),
           ("cold", lambda: compare("cold start: yamllint above the typer floor", yamllint, typer_floor, cold_runs))]
          if importlib.util.find_spec("yamllint") else []),  # pip install yamllint for these rows
        ("cold", lambda: compare("cold start: typer's own floor", typer_floor, baseline, cold_runs)),
        ("cold", lambda: compare("cold start: pydantic's own floor", pydantic_floor, baseline, cold_runs)),
        ("cold", lambda: compare("cold start: plancheck above the typer floor", validate_chaling, typer_floor,
                                 cold_runs)),
        ("cold", lambda: compare("cold start: plancheck above the pydantic floor", validate_chaling,
                                 pydantic_floor, cold_runs)),
        ("scaling", lambda: compare("scaling: check at 100 % vs 10 %", ("check 100 %", [*check, "-j", "1"], full),
                                    ("check 10 %", [*check, "-j", "1"], tenth), args.runs)),
        ("cache", lambda: compare("first check, filling an empty cache, vs --no-cache",
                                  ("check -j1, empty cache", [*cached_check, "-j", "1"], full),
                                  ("check -j1 --no-cache", [*check, "-j", "1"], full), args.runs, before=empty_cache)),
        ("cache", lambda: compare("first check -j2, filling an empty cache, vs --no-cache",
                                  ("check -j2, empty cache", [*cached_check, "-j", "2"], full),
                                  ("check -j2 --no-cache", [*check, "-j", "2"], full), args.runs, before=empty_cache)),
        ("cache", lambda: (warm(), compare("second check, unchanged, vs CSafeLoader parse",
                                           ("check, cached", [*cached_check, "-j", "1"], full),
                                           ("CSafeLoader", parse_only, full), args.runs))[1]),
        ("cache", lambda: (warm(), compare("second check, unchanged, kept run removed (entries only), vs parse",
                                           ("check, cached entries", [*cached_check, "-j", "1"], full),
                                           ("CSafeLoader", parse_only, full), args.runs, before=forget_run))[1]),
        ("cache", lambda: (warm(), compare("check with one county changed vs CSafeLoader parse",
                                           ("check, one county changed", [*cached_check, "-j", "1"], full),
                                           ("CSafeLoader", parse_only, full), args.runs, before=edit_county(full)))[1]),
        ("hook", lambda: compare("check --with-relatives COUNTY vs a full uncached check",
                                 ("check --with-relatives county", [*check, "-j", "1", "--with-relatives",
                                                                    "plans/county0007.yaml"], full),
                                 ("check -j1 --no-cache", [*check, "-j", "1"], full), args.runs)),
        ("tenfold", lambda: compare("ten times the corpus: check -j1 --no-cache vs CSafeLoader parse",
                                    ("check -j1 ×10", [*check, "-j", "1"], corpus(10.0, "corpus-1000")),
                                    ("CSafeLoader ×10", parse_only_of(corpus(10.0, "corpus-1000")),
                                     corpus(10.0, "corpus-1000")), 1)),
    ]
    county = full / "plans" / "county0007.yaml"
    original = county.read_bytes()
    try:
        results = [measure_row() for group, measure_row in rows if group in groups]
    finally:
        county.write_bytes(original)
    plans_full = len(list((full / "plans").glob("*.yaml")))
    plans_tenth = len(list((tenth / "plans").glob("*.yaml")))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    print(f"corpus: {plans_full} plans (100 %), {plans_tenth} plans (10 %); runs: {args.runs}, medians\n")
    print("| comparison | A | A s | A peak MB | B | B s | B peak MB | A / B |")
    print("|---|---|---:|---:|---|---:|---:|---:|")
    for r in results:
        print(f"| {r['label']} | {r['a']} | {r['a_s']:.2f} | {r['a_mb']:.0f} | {r['b']} | {r['b_s']:.2f} | "
              f"{r['b_mb']:.0f} | {r['ratio']:.2f} |")
    print("\n" + json.dumps({r["label"]: r["codes"] for r in results}))


if __name__ == "__main__":
    main()
