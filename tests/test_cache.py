"""The result cache and the serial run behind it: a run that reuses results gives the bytes a
run without the cache gives, whatever changed in between, and nothing in the cache folder can
change a report or run code (docs/performance.md, "The cache"; docs/security.md)."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from helpers import REPO, invoke

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402

RULES = str(REPO / "rules")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def corpus(tmp_path) -> Path:
    """About a hundred generated plans, with a repeated id, an unknown parent, a parent cycle
    and a schema error among them."""
    root = tmp_path / "corpus"
    generate(0.03, root)
    plans = root / "plans"
    shutil.copy(plans / "county0001.yaml", plans / "county9999.yaml")
    _edit(plans / "county0002.yaml", "parent: city002", "parent: nowhere")
    _edit(plans / "city000.yaml", "parent: prov00", "parent: city001")
    _edit(plans / "city001.yaml", "parent: prov00", "parent: city000")
    _edit(plans / "county0003.yaml", "level: ", "level: planet_")
    return root


def _check(root: Path, *args: str) -> tuple[int, str]:
    done = invoke("check", "plans", "--rules", RULES, *args, cwd=root)
    return done.exit_code, done.stdout


def _entries(folder: Path) -> list[Path]:
    """The plan and comparison entries (not the kept runs)."""
    return sorted(p for shard in folder.iterdir() if shard.is_dir() and shard.name != "runs" for p in shard.iterdir())


def _runs(folder: Path) -> list[Path]:
    return sorted((folder / "runs").iterdir()) if (folder / "runs").is_dir() else []


def test_a_cached_check_gives_the_bytes_of_an_uncached_one_cold_warm_and_after_edits(corpus, tmp_path, monkeypatch):
    """Cold, warm, serial and parallel, and after a county, a city (whose children's rows
    depend on it), a source text and the catalogue change: every run's report equals the
    report of a run without the cache on the same files."""
    cache = tmp_path / "the-cache"
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(cache))
    formats = ("json", "sarif", "text")

    def same_as_uncached(*extra: str) -> None:
        for fmt in formats:
            expected = _check(corpus, "-f", fmt, "-j", "1", "--no-cache", *extra)
            for jobs in ("1", "2", "1"):
                assert _check(corpus, "-f", fmt, "-j", jobs, *extra) == expected, (fmt, jobs, extra)
        validate = ("validate", "plans", "--rules", RULES, "-f", "json", *extra)
        assert invoke(*validate, cwd=corpus).stdout == invoke(*validate, "--no-cache", cwd=corpus).stdout

    same_as_uncached()
    assert _runs(cache) == []  # a plan that does not read (county0003) may fail on a source: never replayed
    stored = len(_entries(cache))
    assert stored > 150  # a plan entry and a comparison entry for most of the hundred files
    assert _check(corpus, "-f", "json", "--no-cache")[0] == 2
    assert len(_entries(cache)) == stored  # --no-cache stores nothing

    plans = corpus / "plans"
    _edit(plans / "county0004.yaml", "value: ", "value: 1")  # one county: its own rows change
    same_as_uncached()
    upper = next(p for p in sorted(plans.glob("city*.yaml")) if p.name not in ("city000.yaml", "city001.yaml"))
    _edit(upper, "value: ", "value: 9")  # a city: its children's rows change while they do not
    same_as_uncached()
    source = next((corpus / "sources").iterdir())
    source.write_text(source.read_text(encoding="utf-8")[::2], encoding="utf-8")  # quotes no longer found
    code, report = _check(corpus, "-f", "json")
    assert "PC3" in report or "PC0" in report
    same_as_uncached()
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    _edit(rules / "indicators.yaml", "tolerance: ", "tolerance: 1")
    same_as_uncached("--rules", str(rules))


def test_settings_and_waivers_apply_to_cached_results(corpus, tmp_path, monkeypatch):
    """The cache holds findings before the policy: a severity set afterwards, and a waiver,
    change a warm run's report as they change a cold one's."""
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(tmp_path / "c"))
    _check(corpus, "-f", "json")  # warm the cache
    (corpus / ".plancheck.yaml").write_text("severity:\n  PC201: info\n", encoding="utf-8")
    warm = json.loads(_check(corpus, "-f", "json")[1])["findings"]
    cold = json.loads(_check(corpus, "-f", "json", "--no-cache")[1])["findings"]
    assert warm == cold
    assert {f["severity"] for f in warm if f["code"] == "PC201"} == {"info"}


def test_corrupt_foreign_and_planted_entries_are_ignored_and_rebuilt(corpus, tmp_path, monkeypatch):
    """Every entry truncated, replaced by garbage, by another key's entry, or by a pickle that
    would run a command: the report is the uncached one, nothing runs, and the entries are
    rebuilt."""
    cache = tmp_path / "c"
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(cache))
    expected = _check(corpus, "-f", "json", "--no-cache")
    assert _check(corpus, "-f", "json", "-j", "1") == expected
    entries = _entries(cache)
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    planted = pickle.dumps(Planted())
    swapped = entries[1].read_bytes()
    for i, entry in enumerate(entries):
        entry.write_bytes([b"", b"\x80\x05garbage", planted, swapped, entry.read_bytes()[:20]][i % 5])
    assert _check(corpus, "-f", "json", "-j", "1") == expected
    assert not marker.exists()
    assert _check(corpus, "-f", "json", "-j", "1") == expected  # rebuilt entries read back


def test_two_runs_sharing_a_cache_at_once_both_report_right(corpus, tmp_path):
    """Entries are written whole and renamed into place: two processes filling one cache at the
    same time each give the uncached report, and so does a run reading what they left."""
    env = {**os.environ, "PLANCHECK_CACHE_DIR": str(tmp_path / "shared")}
    command = [sys.executable, "-m", "plancheck", "check", "plans", "--rules", RULES, "-f", "json", "-j", "1"]
    expected = subprocess.run([*command, "--no-cache"], cwd=corpus, env=env, capture_output=True, text=True).stdout
    runs = [subprocess.Popen(command, cwd=corpus, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert outputs == [expected, expected] and expected.count('"code"') > 1000
    assert subprocess.run(command, cwd=corpus, env=env, capture_output=True, text=True).stdout == expected
    assert not [p for p in (tmp_path / "shared").rglob(".tmp-*")]  # no half-written entry left


def test_an_unwritable_cache_is_let_be(corpus, tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(blocked / "cache"))  # under a file: cannot be made
    assert _check(corpus, "-f", "json") == _check(corpus, "-f", "json", "--no-cache")
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_the_cache_lives_at_the_project_root_and_is_never_committed(tmp_path, monkeypatch):
    monkeypatch.delenv("PLANCHECK_CACHE_DIR")
    shutil.copytree(REPO / "plans", tmp_path / "plans")
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    done = invoke("validate", "chaling.yaml", cwd=tmp_path / "plans")  # from inside the project
    assert done.exit_code == 0
    folder = tmp_path / ".plancheck_cache"
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    tag = (folder / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert len(_entries(folder)) == 1


def test_outside_a_project_the_cache_is_in_xdg_cache_home(tmp_path, monkeypatch):
    from helpers import draft_plan

    monkeypatch.delenv("PLANCHECK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    loose = tmp_path / "loose"  # no plans/ folder, no settings: not a project
    loose.mkdir()
    (loose / "p.yaml").write_text(draft_plan("x", "county", "hunan"), encoding="utf-8")
    assert invoke("validate", "p.yaml", cwd=loose).exit_code == 0
    assert len(_entries(tmp_path / "xdg" / "plancheck")) == 1
    assert not (loose / ".plancheck_cache").exists()


def test_cache_clear_removes_the_cache_and_refuses_a_folder_it_did_not_make(corpus, tmp_path, monkeypatch):
    cache = tmp_path / "c"
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(cache))
    _check(corpus, "-f", "json")
    stored = len(_entries(cache))
    done = invoke("cache", "clear", cwd=corpus)
    assert done.exit_code == 0 and not cache.exists() and f"({stored} entries)" in done.stderr
    again = invoke("cache", "clear", cwd=corpus)
    assert again.exit_code == 0 and "no cache at" in again.stderr
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("keep me", encoding="utf-8")
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(precious))
    refused = invoke("cache", "clear", cwd=corpus)
    assert refused.exit_code == 2 and "is not a plancheck cache" in refused.stderr
    assert (precious / "thesis.txt").read_text(encoding="utf-8") == "keep me"


def test_a_serial_check_holds_only_a_chain_of_ancestors(corpus, monkeypatch):
    """The run goes down the hierarchy and lets each plan go once the plans below it are
    compared: at no point are more plans alive than a county and its city, province and nation."""
    from plancheck import incremental

    alive: set[int] = set()
    most = [0]
    validate_file = incremental.validate_file

    def counted(path, *rest):
        plan, found = validate_file(path, *rest)
        if plan is not None:
            alive.add(id(plan))
            weakref.finalize(plan, alive.discard, id(plan))
            most[0] = max(most[0], len(alive))
        return plan, found

    monkeypatch.setattr(incremental, "validate_file", counted)
    assert _check(corpus, "-f", "json", "-j", "1", "--no-cache")[0] == 2
    names = [p.name for p in (corpus / "plans").glob("*.yaml")]
    assert sum(1 for n in names if n.startswith("county")) > 50 and sum(1 for n in names if n.startswith("city")) > 5
    assert most[0] <= 4


@pytest.mark.parametrize("misread", ["unread", "wrong parent"])
def test_a_header_read_wrongly_from_the_block_costs_work_never_a_wrong_report(corpus, monkeypatch, misread):
    """The run plans its work from each file's jurisdiction block; when that reading is missing
    or wrong, the comparisons made early are found not to match and are made again."""
    from plancheck import incremental

    expected = _check(corpus, "-f", "json", "-j", "1", "--no-cache")
    header_of = incremental._header_of

    def wrong(path):
        found = header_of(path)
        if misread == "unread" or found is None:
            return None
        return found.model_copy(update={"parent": "china" if found.parent != "china" else None})

    monkeypatch.setattr(incremental, "_header_of", wrong)
    assert _check(corpus, "-f", "json", "-j", "1", "--no-cache") == expected
    assert _check(corpus, "-f", "json", "-j", "1") == expected  # and with the cache, cold


def test_plain_packing_round_trips_every_field(catalog):
    """What the cache stores of a finding is plain values only, and reads back equal."""
    from plancheck.cache import _PlainUnpickler
    from plancheck.findings import Finding, Location, Row, Verdict
    from plancheck.packing import pack, unpack
    from plancheck.reason import Reason

    row = Row("pue", 2025, "新建", Verdict.WEAKER, Reason("weaker", "较宽松"), 3, 1, 0.1, True, (2,), (4,))
    original = [Finding("PC201", Reason("m", "中"), plan="p", file="f.yaml", line=1, column=2, path=("targets", 1),
                        indicator="pue", year=2025, verdict=Verdict.WEAKER, row=row,
                        upper=Location("u", "u.yaml", 3, 4)),
                Finding("PC012", "plain message", plan="p", file="f.yaml", line=5, column=6)]
    import io

    data = pickle.dumps(pack(original, plain=True))
    back = unpack(_PlainUnpickler(io.BytesIO(data)).load(), {}, plain=True)
    assert back == original
    assert back[0].message.zh == "中" and back[0].row.reason.zh == "较宽松" and back[0].row.verdict is Verdict.WEAKER
    assert not isinstance(back[1].message, Reason)


def test_a_file_that_changes_while_it_is_read_is_not_stored(tmp_path, monkeypatch):
    """The result of bytes other than those the key was made from is never stored under it."""
    from helpers import copy_plans

    from plancheck import incremental

    plans = copy_plans(tmp_path)
    cache = tmp_path / "c"
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(cache))
    target = plans / "chaling.yaml"
    original = target.read_bytes()
    validate_file = incremental.validate_file

    def changing(path, *rest):
        read = validate_file(path, *rest)
        target.write_bytes(original + b"\n# edited while the run read it\n")
        return read

    monkeypatch.setattr(incremental, "validate_file", changing)
    assert invoke("validate", "plans/chaling.yaml", cwd=tmp_path).exit_code == 0
    assert not cache.exists() or (_entries(cache) == [] and _runs(cache) == [])  # nor the run kept
    monkeypatch.setattr(incremental, "validate_file", validate_file)
    assert invoke("validate", "plans/chaling.yaml", cwd=tmp_path).exit_code == 0
    assert len(_entries(cache)) == 1 and len(_runs(cache)) == 1  # unchanged since: stored


def test_a_parallel_run_fills_the_cache_a_serial_run_reads(corpus, tmp_path, monkeypatch):
    """With many files to read and two processes the workers do the work and the parent stores
    what they found; the next serial run finds every result there and gives the same bytes."""
    from plancheck import incremental

    cache = tmp_path / "c"
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(cache))
    expected = _check(corpus, "-f", "json", "-j", "1", "--no-cache")
    assert _check(corpus, "-f", "json", "-j", "2") == expected  # cold: the workers
    assert len(_entries(cache)) > 150
    read = []
    validate_file = incremental.validate_file
    monkeypatch.setattr(incremental, "validate_file", lambda path, *a: read.append(path) or validate_file(path, *a))
    monkeypatch.setattr(incremental, "_header_of", lambda path: read.append(path))
    assert _check(corpus, "-f", "json", "-j", "1") == expected
    broken = {"county0003.yaml"}  # the schema error: a plan that failed is read again every run
    assert {p.name for p in read} == broken


# ---------------------------------------------------------------- whole runs replayed


@pytest.fixture
def clean(tmp_path, monkeypatch) -> Path:
    """A copy of the committed plans, every one of which reads, with its own cache."""
    from helpers import copy_plans

    copy_plans(tmp_path)
    monkeypatch.setenv("PLANCHECK_CACHE_DIR", str(tmp_path / "c"))
    return tmp_path


def _outcome(root: Path, *args: str) -> tuple[int, str, str]:
    done = invoke(*args, cwd=root)
    return done.exit_code, done.stdout, done.stderr


def _reading(monkeypatch) -> list[Path]:
    """The plan files the run reads (its own checks or its jurisdiction block)."""
    from plancheck import incremental

    read: list[Path] = []
    validate_file, header_of = incremental.validate_file, incremental._header_of
    monkeypatch.setattr(incremental, "validate_file", lambda path, *a: read.append(path) or validate_file(path, *a))
    monkeypatch.setattr(incremental, "_header_of", lambda path: read.append(path) or header_of(path))
    return read


RUNS = [("check", "-f", "json"), ("check", "-f", "sarif"), ("check", "-f", "junit"), ("check", "-f", "github"),
        ("check", "--lang", "en", "--show", "info"), ("check", "--quiet"), ("validate", "-f", "json"),
        ("validate", "plans/chaling.yaml")]


@pytest.mark.parametrize("args", RUNS, ids=" ".join)
def test_a_replayed_run_is_the_run_it_replays_and_reads_no_plan(clean, monkeypatch, args):
    """Report, summary and exit code of an unchanged run come back byte for byte, without a plan
    being read, and equal a run without the cache."""
    uncached = _outcome(clean, *args, "--no-cache")
    assert _outcome(clean, *args) == uncached  # cold: kept
    assert len(_runs(clean / "c")) == 1
    read = _reading(monkeypatch)
    assert _outcome(clean, *args, "-j", "2") == uncached  # the number of processes changes no report
    assert read == []
    assert uncached[0] in (0, 1) and uncached[1] + uncached[2]  # a run that says something


def test_a_replayed_report_is_written_where_it_is_asked_and_guarded_as_any(clean, monkeypatch):
    out = clean / "report.json"
    assert invoke("check", "-f", "json", "-o", str(out), cwd=clean).exit_code == 1
    expected = out.read_bytes()
    out.unlink()
    read = _reading(monkeypatch)
    assert invoke("check", "-f", "json", "-o", str(out), cwd=clean).exit_code == 1
    assert out.read_bytes() == expected and read == []
    plan = clean / "plans" / "chaling.yaml"
    before = plan.read_bytes()
    refused = invoke("check", "-f", "json", "-o", str(plan), cwd=clean)  # a plan is never replaced
    assert refused.exit_code == 2 and plan.read_bytes() == before
    assert not list((clean / "c").rglob(".tmp-*"))  # the copy of a report that was refused is let go


def _changes(root: Path) -> list[tuple[str, object]]:
    """Each thing a report is made from, changed in turn."""
    plans, rules = root / "plans", root / "rules"

    def plan() -> None:
        _edit(plans / "chaling.yaml", "end: 2030}", "end: 2025}")  # its 2030 targets now out of its horizon

    def source() -> None:
        text = next((root / "sources").glob("chaling*"))
        text.write_text(text.read_text(encoding="utf-8")[::2], encoding="utf-8")

    def catalogue() -> None:
        shutil.copytree(REPO / "rules", rules)
        _edit(rules / "indicators.yaml", "binding: aggregate", "binding: per_jurisdiction")  # forest cover binds

    def settings() -> None:
        (root / ".plancheck.yaml").write_text("severity:\n  PC202: error\n", encoding="utf-8")

    def waiver() -> None:
        (root / "waivers.yaml").write_text(
            "waivers:\n  - {plan: chaling, code: PC202, reason: not yet, expires: 2027-01-01}\n", encoding="utf-8")

    def date() -> None:
        os.environ["PLANCHECK_TODAY"] = "2027-06-01"  # the waiver has expired

    return [("plan", plan), ("catalogue", catalogue), ("settings", settings), ("waiver", waiver), ("date", date),
            ("source", source)]


def test_every_input_of_a_report_ends_its_replay(clean, monkeypatch):
    """A plan, a source text it cites, the catalogue, the settings, a waiver, the date the waivers
    expire against: after each change the report is the uncached one, then replayed again."""
    monkeypatch.setenv("PLANCHECK_TODAY", "2026-12-01")
    args = ("check", "-f", "json")
    for what, change in _changes(clean):
        before = _outcome(clean, *args)
        change()
        after = _outcome(clean, *args, "--no-cache")
        assert after != before, what  # the change shows in the report
        assert _outcome(clean, *args) == after, what
        assert _outcome(clean, *args) == after, what  # and is kept again
        assert len(_runs(clean / "c")) == 1  # one kept run per command: the cache does not grow


def test_a_corrupt_or_planted_kept_run_is_ignored(clean, tmp_path):
    expected = _outcome(clean, "check", "-f", "json", "--no-cache")
    _outcome(clean, "check", "-f", "json")
    [kept] = _runs(clean / "c")
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    whole = kept.read_bytes()
    planted = pickle.dumps(Planted())
    for broken in (b"", whole[:-3], whole[:100], b"x" * 20 + planted + len(planted).to_bytes(8, "big")):
        kept.write_bytes(broken)
        assert _outcome(clean, "check", "-f", "json") == expected
    assert not marker.exists()


def test_a_run_whose_plan_changed_while_it_ran_is_not_kept(clean, monkeypatch):
    from plancheck import incremental

    target = clean / "plans" / "chaling.yaml"
    original = target.read_bytes()
    validate_file = incremental.validate_file

    def changing(path, *rest):
        read = validate_file(path, *rest)
        if path.name == "chaling.yaml":
            target.write_bytes(original + b"\n# edited while the run read it\n")
        return read

    monkeypatch.setattr(incremental, "validate_file", changing)
    invoke("check", "-f", "json", cwd=clean)
    assert _runs(clean / "c") == []
