"""The fast paths must not change answers: parallel runs, the loader's inline scalar path,
and quote normalisation give exactly what the straightforward code gives. (Speed itself is
measured by benchmarks/run.py, never asserted here.)"""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import REPO
from helpers import invoke

sys.path.insert(0, str(REPO / "benchmarks"))

from generate import generate  # noqa: E402


def test_check_with_two_processes_gives_byte_identical_output(tmp_path):
    root = tmp_path / "corpus"
    generate(0.03, root)  # about a hundred plans: above the parallel threshold
    assert len(list((root / "plans").glob("*.yaml"))) >= 64
    rules = str(REPO / "rules")
    serial = invoke("check", "plans", "--rules", rules, "-f", "json", "-j", "1", cwd=root)
    parallel = invoke("check", "plans", "--rules", rules, "-f", "json", "-j", "2", cwd=root)
    assert serial.exit_code == parallel.exit_code == 1
    assert serial.stdout == parallel.stdout and serial.stdout.count('"code"') > 1000
    three = invoke("check", "plans", "--rules", rules, "-f", "json", "-j", "3", cwd=root)  # uppers pass between workers
    assert three.exit_code == 1 and three.stdout == serial.stdout
    assert invoke("validate", "plans", "--rules", rules, "-j", "2", cwd=root).exit_code == 0


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_parallel_check_of_a_troubled_corpus_matches_the_serial_one(tmp_path, monkeypatch):
    """A repeated id, an unknown parent, a parent cycle and a schema error, spread over both
    workers' files: every report with two processes equals one process's, byte for byte,
    including Markdown, which needs the plans and pairs back from the workers. The worker
    sends its findings in slices of three comparisons, so many slices arrive while the parent
    is still comparing its own share."""
    import json
    import shutil

    from plancheck import workers

    monkeypatch.setattr(workers, "SLICE", 3)  # the forked worker inherits it
    root = tmp_path / "corpus"
    generate(0.03, root)
    plans = root / "plans"
    shutil.copy(plans / "county0001.yaml", plans / "county9999.yaml")  # the same id in a second file
    _edit(plans / "county0002.yaml", "parent: city002", "parent: nowhere")
    _edit(plans / "city000.yaml", "parent: prov00", "parent: city001")
    _edit(plans / "city001.yaml", "parent: prov00", "parent: city000")
    _edit(plans / "county0003.yaml", "level: ", "level: planet_")
    rules = str(REPO / "rules")
    reports = {}
    for fmt in ("json", "sarif", "junit", "markdown", "text"):
        serial = invoke("check", "plans", "--rules", rules, "-f", fmt, "-j", "1", cwd=root)
        parallel = invoke("check", "plans", "--rules", rules, "-f", fmt, "-j", "2", cwd=root)
        assert serial.exit_code == parallel.exit_code == 2, fmt  # the schema error is a load error
        assert serial.stdout == parallel.stdout, fmt
        reports[fmt] = serial.stdout
    codes = {f["code"] for f in json.loads(reports["json"])["findings"]}
    assert {"PC404", "PC402", "PC403", "PC201", "PC202"} <= codes
    assert any(c.startswith("PC0") for c in codes)  # the schema error
    assert "county0004" in reports["markdown"]  # a plan's comparison table came back from its worker
    serial = invoke("validate", "plans", "--rules", rules, "-f", "json", "-j", "1", cwd=root)
    parallel = invoke("validate", "plans", "--rules", rules, "-f", "json", "-j", "2", cwd=root)
    assert serial.exit_code == parallel.exit_code == 2 and serial.stdout == parallel.stdout
    focus = ("check", "--with-relatives", "plans/county0004.yaml", "--rules", rules, "-f", "json")  # pre-commit's call
    serial, parallel = invoke(*focus, "-j", "1", cwd=root), invoke(*focus, "-j", "2", cwd=root)
    assert serial.stdout == parallel.stdout and '"plan": "county0004"' in serial.stdout
    assert '"plan": "county0005"' not in serial.stdout  # not a relative: reported on only in full runs


def test_a_failing_worker_is_an_error_not_a_hang(tmp_path, monkeypatch):
    """A worker that raises, while reading or while comparing, sends its traceback; the parent
    raises it rather than waiting, and no worker process is left behind. So too when the
    parent's own comparisons fail while the worker is still sending its findings."""
    import multiprocessing

    import pytest

    from plancheck import workers
    from plancheck.catalog import load_catalog
    from helpers import check_paths as check

    root = tmp_path / "corpus"
    generate(0.03, root)

    def in_forked_worker(path):  # files 8-15 (city008-city015) go to the forked worker
        return path.stem.startswith("city") and 8 <= int(path.stem[4:]) <= 15

    def in_parent(path):  # files 0-7 (city000-city007) stay with the parent
        return path.stem.startswith("city") and int(path.stem[4:]) <= 7

    def broken_reading(path, *rest):
        if in_forked_worker(path):
            raise ValueError("broken on purpose")
        return real_reading(path, *rest)

    def broken_comparing(where):
        def broken(tasks, plans, catalog):  # fails at its last task, after slices were sent
            failing = any(where(plans[task.plan].path) for task in tasks)
            for done, found in enumerate(real_comparing(tasks, plans, catalog), 1):
                if failing and done == len(tasks):
                    raise ValueError("broken on purpose")
                yield found
        return broken

    real_reading, real_comparing = workers.validate_file, workers.task_findings
    catalog = load_catalog(REPO / "rules")
    for phase, broken, error in (("validate_file", broken_reading, workers.WorkerFailure),
                                 ("task_findings", broken_comparing(in_forked_worker), workers.WorkerFailure),
                                 ("task_findings", broken_comparing(in_parent), ValueError)):
        with monkeypatch.context() as patch:
            patch.setattr(workers, phase, broken)  # the forked worker inherits it
            patch.setattr(workers, "SLICE", 2)
            with pytest.raises(error, match="broken on purpose"):
                check([root / "plans"], catalog, jobs=2)
        assert multiprocessing.active_children() == [], phase


def test_the_generated_corpus_is_deterministic(tmp_path):
    generate(0.01, tmp_path / "a")
    generate(0.01, tmp_path / "b")
    files = sorted(p.name for p in (tmp_path / "a" / "plans").glob("*.yaml"))
    assert files and all((tmp_path / "a" / "plans" / f).read_bytes() == (tmp_path / "b" / "plans" / f).read_bytes()
                         for f in files)


def test_inline_scalar_path_reads_what_pyyaml_reads():
    """Every plain, quoted, numeric and special scalar form the plans use, against PyYAML."""
    import yaml

    from plancheck.loader import load_text

    text = ("a: plain text\nb: '2025'\nc: \"引号\"\nd: 2025\ne: 22.5\nf: 0.5\ng: .nan\nh: null\ni: ~\nj: true\n"
            "k: no\nl: 010\nm: 1_000\nn: -3\no: +4\np: 2024-01-02\nq: 1e3\nr: ''\ns: 湖南\nt: [1, two, 3.0]\n"
            "u: 0\nv: 007\nw: 1.\nx: 01.5\ny: 62.92\nz: 1.2.3\naa: 2_025\nab: -1.5\nac: 1.5e3\nad: ０.５\nae: 08.50\n"
            "af: 1:20\nag: 0.0\nah: 12345678901234567890\n")
    ours = load_text(text, "t.yaml").data
    theirs = yaml.safe_load(text)
    theirs["p"] = theirs["p"].isoformat() if not isinstance(ours["p"], str) else theirs["p"]
    for key, value in theirs.items():
        if key == "g":
            assert ours[key] != ours[key]  # NaN
        elif key == "p":
            assert str(ours[key]).startswith("2024-01-02")
        else:
            assert ours[key] == value and type(ours[key]) is type(value), key


def _composed_positions(node, path=()):
    """(path, value position, key position or None) for every node, from PyYAML's own composer:
    an independent reading of where things are, to hold the loader's position map to."""
    import yaml

    yield path, (node.start_mark.line + 1, node.start_mark.column + 1), None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            for sub_path, value_pos, key_pos in _composed_positions(value, child):
                yield sub_path, value_pos, key_pos if sub_path != child else (key.start_mark.line + 1,
                                                                             key.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _composed_positions(item, (*path, i))


def test_positions_of_every_key_and_value_match_pyyaml_composer():
    """Every key and value of every committed plan and of a nested sample, located where PyYAML's
    composer puts it; unknown paths fall back to the nearest ancestor; pruning keeps the shallow ones."""
    import yaml

    from plancheck.loader import load_text

    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "plans").glob("*.yaml"))]
    texts.append("a: 1\nlist:\n  - x: 1\n    y: [2, 3]\n    z: {p: [q, {r: s}]}\n  - [[1], [2, 3]]\nb:\nc: ''\n")
    checked = 0
    for text in texts:
        loaded = load_text(text, "t.yaml")
        assert loaded.ok
        expected = list(_composed_positions(yaml.compose(text, Loader=yaml.CSafeLoader)))
        for path, value_pos, key_pos in expected:
            assert tuple(loaded.positions.locate(path)) == value_pos, path
            if key_pos is not None:
                assert tuple(loaded.positions.locate(path, at_key=True)) == key_pos, path
            checked += 1
        shallow = loaded.positions.pruned(2)
        for path, value_pos, _ in expected:
            if len(path) <= 2:
                assert tuple(shallow.locate(path)) == value_pos, path
            else:
                assert tuple(shallow.locate(path)) == dict((p, v) for p, v, _ in expected)[path[:2]], path
        deepest = max(expected, key=lambda e: len(e[0]))[0]
        assert tuple(loaded.positions.locate((*deepest, "no such key", 7))) == dict(
            (p, v) for p, v, _ in expected)[deepest]
    assert checked > 1500


def test_ending_without_teardown_keeps_reports_whole_and_exit_codes(tmp_path):
    """validate and check end the process with os._exit after flushing: the report must still be
    complete (parsed back in full), written files closed, and the exit code the one docs/design.md fixes ("Exit codes")."""
    import json
    import subprocess

    run = [sys.executable, "-m", "plancheck"]
    piped = subprocess.run([*run, "check", "plans", "--format", "json"], cwd=REPO, capture_output=True, text=True)
    assert piped.returncode == 1 and "Traceback" not in piped.stderr
    findings = json.loads(piped.stdout)["findings"]
    assert len(findings) > 100 and piped.stdout.endswith("]}\n")
    clean = subprocess.run([*run, "check", "plans", "--fail-on", "never", "--format", "json"], cwd=REPO,
                           capture_output=True, text=True)
    assert clean.returncode == 0 and clean.stdout == piped.stdout
    text = subprocess.run([*run, "validate", "--lang", "en", "plans"], cwd=REPO, capture_output=True, text=True)
    assert text.returncode == 0 and "no findings" in text.stderr + text.stdout
    sarif = tmp_path / "report.sarif"
    written = subprocess.run([*run, "check", "plans", "--format", "sarif", "-o", str(sarif)], cwd=REPO,
                             capture_output=True, text=True)
    problems = [f for f in findings if f["severity"] in ("error", "warning")]  # SARIF carries problems only
    assert written.returncode == 1 and len(json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]) == \
        len(problems) > 40


def test_json_lines_are_what_the_standard_encoder_writes():
    """The field-by-field JSON line equals ``json.dumps`` of the finding's dict, for every field
    empty and full, text that needs escaping, bilingual reasons, and waiver and baseline notes."""
    import itertools
    import json

    from plancheck.findings import Finding, Severity, Verdict, WaiverNote
    from plancheck.reason import Reason
    from plancheck.reporters.json import _line_writer, finding_to_dict

    texts = [None, "chaling", 'quote " and \\ back', "tab\tnew\nline \x01 \u2028 湖南 ≥22%"]
    extras = [{}, {"row": object()}, {"waiver": WaiverNote("见\"说明\"", None, "waivers.yaml")},
              {"baseline": "existing"}, {"baseline": "new"}]
    line = _line_writer()
    cases = 0
    for severity, verdict, text, number, extra in itertools.product(
            Severity, [None, *Verdict], texts, [None, 0, 7, 12345], extras):
        message = Reason(f"m {text}", f"中 {text}") if number == 7 else f"message {text}"
        finding = Finding("PC2\"01" if number == 0 else "PC201", message, plan=text, file=text, line=number,
                          column=number, indicator=text, year=number, verdict=verdict, severity=severity, **extra)
        assert line(finding) == json.dumps(finding_to_dict(finding), ensure_ascii=False)
        cases += 1
    assert cases == 3 * 12 * 4 * 4 * 5


def test_workers_give_the_same_findings_where_processes_cannot_fork(tmp_path, monkeypatch):
    """On Windows (and wherever ``fork`` is missing) the worker is spawned: it starts a fresh
    interpreter and receives its files and the catalogue pickled. The findings are the same."""
    import multiprocessing

    from helpers import check_paths as check
    from plancheck.catalog import load_catalog
    from plancheck.reporters.json import render_findings

    root = tmp_path / "corpus"
    generate(0.03, root)
    catalog = load_catalog(REPO / "rules")
    serial = render_findings(check([root / "plans"], catalog, jobs=1).findings)
    asked = []
    real_context = multiprocessing.get_context

    def context(method=None):
        asked.append(method)
        return real_context(method)

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(multiprocessing, "get_context", context)
    spawned = check([root / "plans"], catalog, jobs=2, keep_plans=False)
    assert asked == ["spawn"]
    assert render_findings(spawned.findings) == serial and serial.count('"code"') > 1000


def test_packed_findings_keep_both_readings_of_their_reasons():
    """Rows share one packed entry per distinct reason; two reasons that read the same in English
    but not in Chinese stay apart, and a pickled slice gives back equal findings."""
    import pickle

    from plancheck.findings import Finding, Row, Severity, Verdict
    from plancheck.reason import Reason
    from plancheck import packing
    from plancheck.packing import pack as _pack
    from plancheck.packing import unpack as _unpack

    def finding(reason):
        row = Row("pue", 2025, None, Verdict.WEAKER, reason, 3, 1, 0.1)
        return Finding("PC201", "m", plan="p", file="f.yaml", line=1, column=1, indicator="pue", year=2025,
                       verdict=Verdict.WEAKER, severity=Severity.WARNING, row=row)

    original = [finding(Reason("weaker", "较宽松")), finding(Reason("weaker", "较弱")), finding(Reason("weaker", "较宽松"))]
    packed = _pack(original)
    row_at, reason_at = packing._ROW_AT, packing._REASON_AT
    readings, _, _, rows = packed
    assert rows[0][row_at][reason_at] == rows[2][row_at][reason_at] != rows[1][row_at][reason_at]
    assert readings == [("weaker", "较宽松"), ("weaker", "较弱")]  # the repeated reason written once
    back = _unpack(pickle.loads(pickle.dumps(packed)), {})
    assert [f.row.reason.zh for f in back] == ["较宽松", "较弱", "较宽松"]
    assert back == original and [f.row for f in back] == [f.row for f in original]


def test_a_check_of_one_file_reads_its_family_and_reports_what_a_full_check_does_on_it(tmp_path, monkeypatch):
    """check FILE reads the family only (the nation, its province, its city, itself, and any
    file whose header it cannot read), and its report is the full check's findings on that
    family: the plan and those below it, and the problems as plans of those above (docs/design.md,
    "Checking one file"). The family is found here from the files, independently of the code."""
    import json

    import yaml

    root = tmp_path / "corpus"
    generate(0.03, root)
    broken = root / "plans" / "zz_broken.yaml"
    broken.write_text("jurisdiction: [unclosed\n", encoding="utf-8")  # a header no one can read
    rules = str(REPO / "rules")
    full = json.loads(invoke("check", "plans", "--rules", rules, "-f", "json", cwd=root).stdout)["findings"]
    parents = {}
    for path in (root / "plans").glob("*.yaml"):
        if path != broken:
            j = yaml.safe_load(path.read_text(encoding="utf-8"))["jurisdiction"]
            parents[j["id"]] = j["parent"]
    county = "county0007"
    above, up = [], parents[county]
    while up is not None:
        above.append(up)
        up = parents.get(up)
    expected = [f for f in full if f["plan"] == county or (f["plan"] in above and f["verdict"] is None)]
    family = invoke("check", f"plans/{county}.yaml", "--rules", rules, "-f", "json", cwd=root)
    assert json.loads(family.stdout)["findings"] == expected and len(expected) > 10
    assert len(above) == 3 and above[0].startswith("city") and above[-1] == "china"  # city, province, nation
    city = above[0]  # a plan with plans below it: they are its family too
    below = {plan for plan in parents if city in _chain(plan, parents)}
    expected = [f for f in full if f["plan"] == city or f["plan"] in below
                or (f["plan"] in above[1:] and f["verdict"] is None)]
    family = invoke("check", f"plans/{city}.yaml", "--rules", rules, "-f", "json", cwd=root)
    assert json.loads(family.stdout)["findings"] == expected and below and county in below
    from plancheck import incremental

    read, validate_file = [], incremental.validate_file
    monkeypatch.setattr(incremental, "validate_file",
                        lambda path, *a: read.append(path.name) or validate_file(path, *a))
    invoke("check", f"plans/{county}.yaml", "--rules", rules, "-q", "-j", "1", "--no-cache", cwd=root)
    assert sorted(read) == sorted([f"{county}.yaml", *(f"{a}.yaml" for a in above), "zz_broken.yaml"])


def _chain(plan: str, parents: dict) -> list[str]:
    """Every id above ``plan``, nearest first."""
    chain, up = [], parents.get(plan)
    while up is not None and up not in chain:
        chain.append(up)
        up = parents.get(up)
    return chain

