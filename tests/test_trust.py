"""Trust on every path: what a new user and an attacker tried, each a regression test.

Every case runs the real command line in a fresh process (as a user, CI or the pre-commit
hook would) on a throw-away copy of the committed plans, and asserts the one thing that
broke: a crash, a silent miss, or a lost file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from helpers import REPO, in_english
from plancheck.failures import Interrupted
from plancheck.output import Protected, write_report

SECONDS = 60
LOCATED = re.compile(r"^\S.*:\d+:\d+: (error|warning|info) PC\d{3} ")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = SECONDS
        ) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "plancheck", *in_english(args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, check=False, env={**os.environ, **(env or {})},
                          errors="surrogateescape")
    for stream in (done.stdout, done.stderr):
        assert "Traceback" not in stream and "internal error" not in stream, stream[-3000:]
    return done


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("plans", "sources", "rules"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def one_located_line(done: subprocess.CompletedProcess, code: str, file: str) -> str:
    """The run's error: exit 2, one located line naming ``file`` with ``code``."""
    assert done.returncode == 2, done.stdout + done.stderr
    lines = [line for line in (done.stdout + done.stderr).splitlines() if f" {code} " in line]
    assert len(lines) == 1, done.stdout + done.stderr
    assert LOCATED.match(lines[0]) and lines[0].startswith(file + ":"), lines[0]
    return lines[0]


def break_plan(project: Path, name: str = "xiangtan") -> bytes:
    """Leave a plan as it is while someone edits it: a syntax error at the end."""
    path = project / "plans" / f"{name}.yaml"
    path.write_bytes(path.read_bytes() + b"  unfinished: [\n")
    return path.read_bytes()


# ---- red on a fresh machine: one code for "too deep", whoever notices first

@pytest.mark.parametrize("depth", [100, 10_000])
def test_too_deep_is_pc006_whether_libyaml_or_plancheck_notices(tmp_path, depth):
    (tmp_path / "deep.yaml").write_text("a: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    line = one_located_line(run("validate", "deep.yaml", cwd=tmp_path), "PC006", "deep.yaml")
    assert "nesting deeper than 64 levels" in line


# ---- never lose or replace a user's file

def test_a_report_never_replaces_a_plan_that_does_not_load(project):
    before = break_plan(project)
    done = run("check", "-f", "json", "-o", "plans/xiangtan.yaml", cwd=project)
    assert done.returncode == 2 and "refusing to write the report over an input file" in done.stderr
    assert (project / "plans" / "xiangtan.yaml").read_bytes() == before
    assert not list((project / "plans").glob(".*.tmp"))


def test_a_report_never_replaces_the_source_of_a_plan_that_does_not_load(project):
    break_plan(project)
    source = project / "sources" / "xiangtan_carbon_peak.txt"
    before = source.read_bytes()
    done = run("check", "-f", "json", "-o", "sources/xiangtan_carbon_peak.txt", cwd=project)
    assert done.returncode == 2 and "refusing" in done.stderr
    assert source.read_bytes() == before


WRITERS = [
    ["check", "-f", "json", "-o"],
    ["check", "--summary"],
    ["check", "--baseline-create"],
    ["compare", "chaling", "hunan", "-f", "markdown", "-o"],
    ["compare", "chaling", "hunan", "--summary"],
    ["schema", "-o"],
    ["scaffold", "--from", "hunan", "--level", "county", "--force", "-o"],
]
VICTIMS = ["plans/chaling.yaml", "sources/hunan_carbon_peak.txt", "rules/indicators.yaml", "waivers.yaml",
           ".plancheck.yaml", "pyproject.toml", "linked.json"]
# Only check reads a baseline (--baseline); --baseline-create refreshing one is the next test.
PAIRS = [(w, v) for w in WRITERS for v in VICTIMS] + [(w, "base.json") for w in WRITERS[:2]]


@pytest.mark.parametrize(("writer", "victim"), PAIRS, ids=[f"{' '.join(w[:2])}-{v}" for w, v in PAIRS])
def test_no_writer_touches_what_the_run_reads(project, writer, victim):
    (project / "waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    (project / ".plancheck.yaml").write_text("fail-on: error\n", encoding="utf-8")
    (project / "pyproject.toml").write_text("[project]\nname = 'mine'\n", encoding="utf-8")
    (project / "base.json").write_text('{"schema_version": 1, "findings": []}\n', encoding="utf-8")
    os.link(project / "plans" / "hunan.yaml", project / "linked.json")  # a hard link is the plan itself
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    extra = ["--baseline", "base.json"] if writer[0] == "check" and "--baseline-create" not in writer else []
    done = run(*writer, victim, *extra, cwd=project)
    assert done.returncode == 2 and "refusing to write the report over an input file" in done.stderr, done.stderr
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert after == before


def test_baseline_create_refreshes_a_baseline_but_nothing_else(project):
    first = run("check", "--baseline-create", "base.json", cwd=project)
    assert first.returncode == 0 and json.loads((project / "base.json").read_text())["findings"]
    (project / "base.json").write_text('{"schema_version": 1, "findings": []}\n', encoding="utf-8")
    again = run("check", "--baseline-create", "base.json", cwd=project)
    assert again.returncode == 0 and json.loads((project / "base.json").read_text())["findings"]
    (project / "notes.json").write_text("my notes, not a baseline\n", encoding="utf-8")
    run("check", "--baseline-create", "notes.json", cwd=project)  # an ordinary file may be replaced
    assert json.loads((project / "notes.json").read_text())["schema_version"] == 1


def test_a_character_device_and_a_fifo_are_written_into_not_replaced(project):
    """The device is a pseudo-terminal this test owns (a character device, as /dev/null is):
    if the rule ever broke, the test must not replace the machine's /dev/null."""
    controller, device = os.openpty()
    try:
        name = os.ttyname(device)
        received = bytearray()

        def drain() -> None:
            while True:
                try:
                    chunk = os.read(controller, 65536)
                except OSError:  # the device side closed
                    return
                if not chunk:
                    return
                received.extend(chunk)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        done = run("check", "-f", "json", "-o", name, cwd=project)
        assert done.returncode == 1 and done.stdout == "", done.stderr
        assert stat.S_ISCHR(os.stat(name).st_mode)
        os.close(device)
        device = -1
        reader.join(timeout=SECONDS)
        assert b'"schema_version": 1' in bytes(received)
    finally:
        os.close(controller)
        if device >= 0:
            os.close(device)
    fifo = project / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    fifo_reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    fifo_reader.start()
    done = run("check", "-f", "json", "-o", str(fifo), cwd=project)
    fifo_reader.join(timeout=SECONDS)
    assert done.returncode == 1
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(got[0])["schema_version"] == 1


def test_a_socket_is_refused(project, tmp_path):
    import socket

    path = project / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        done = run("check", "-f", "json", "-o", str(path), cwd=project)
    finally:
        server.close()
    assert done.returncode == 2 and "not a regular file" in done.stderr
    assert stat.S_ISSOCK(os.stat(path).st_mode)


def _lines_then(action):
    yield "first line\n"
    action()
    yield "never written\n"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_a_write_leaves_the_old_report_and_no_temporary_file(tmp_path, signum):
    report = tmp_path / "report.txt"
    report.write_text("the old report\n", encoding="utf-8")
    handlers = {s: signal.getsignal(s) for s in HELD}
    try:
        with pytest.raises(Interrupted) as raised:
            write_report(report, _lines_then(lambda: os.kill(os.getpid(), signum)), Protected())
        # The first signal holds the others until the process ends, so a second one cannot cut
        # the clean-up short (the CLI then exits 128 + signum).
        assert raised.value.signum == signum and set(HELD) <= signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD)
    assert report.read_text(encoding="utf-8") == "the old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]
    assert {s: signal.getsignal(s) for s in HELD} == handlers  # handlers are put back


HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def test_an_exception_during_a_write_leaves_the_old_report_and_no_temporary_file(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("the old report\n", encoding="utf-8")

    def fail() -> None:
        raise ValueError("a reporter bug")

    with pytest.raises(ValueError):
        write_report(report, _lines_then(fail), Protected())
    assert report.read_text(encoding="utf-8") == "the old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_sigterm_to_a_real_run_writing_a_report_leaves_no_temporary_file(project):
    """The process as a user's CI would stop it: the report is whole or the old one stays."""
    report = project / "report.json"
    report.write_text("old\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "plancheck", "check", "-f", "json", "-o", str(report)],
                               cwd=project, stderr=subprocess.PIPE, text=True)
    try:
        process.wait(timeout=0.3)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
    process.wait(timeout=SECONDS)
    text = report.read_text(encoding="utf-8")
    assert text == "old\n" or json.loads(text)["schema_version"] == 1
    assert not [p for p in project.iterdir() if p.name.endswith(".tmp")]


# ---- sources stay inside the repository

@pytest.mark.parametrize("source", ["/etc/passwd", "../../../../../../../../etc/passwd", "/proc/self/environ",
                                    "../sources/link.txt", "../outside.fifo"])
def test_a_source_outside_the_repository_is_refused_before_it_is_read(project, source):
    (project / "sources" / "link.txt").symlink_to("/etc/passwd")
    outside = project.parent / "outside.fifo"
    if not outside.exists():
        os.mkfifo(outside)  # opened for reading, it would block: the run's timeout proves it is not
    plan = project / "plans" / "xiangtan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("../sources/xiangtan_carbon_peak.txt", source),
                    encoding="utf-8")
    if source == "../outside.fifo":
        plan = project / "plans" / "nested"
        plan.mkdir()
        moved = plan / "xiangtan.yaml"
        (project / "plans" / "xiangtan.yaml").rename(moved)
        moved.write_text(moved.read_text(encoding="utf-8").replace(source, "../../../outside.fifo"), encoding="utf-8")
        file = "plans/nested/xiangtan.yaml"
    else:
        file = "plans/xiangtan.yaml"
    done = run("check", "-f", "text", cwd=project, timeout=30)
    line = one_located_line(done, "PC018", file)
    assert "outside the plan repository" in line
    assert "root:" not in done.stdout + done.stderr  # nothing of /etc/passwd


# ---- no internal errors, anywhere

@pytest.mark.parametrize(("value", "message"), [
    ("!!bool maybe", "cannot read 'maybe' as !!bool"),
    ("!!int ''", "as !!int"),
    ("9" * 5000, "more than 100 digits"),
    ("!!int " + "1" * 5000, "more than 100 digits"),
    ("!!timestamp 2025-13-45", "as !!timestamp"),
])
def test_scalars_that_cannot_be_read_are_located(project, value, message):
    plan = project / "plans" / "chaling.yaml"
    text = plan.read_text(encoding="utf-8")
    at = text.index("value: ") + len("value: ")
    end = text.index("\n", at)
    plan.write_text(text[:at] + value + text[end:], encoding="utf-8")
    line_number = text[:at].count("\n") + 1
    line = one_located_line(run("validate", "plans/chaling.yaml", cwd=project), "PC012", "plans/chaling.yaml")
    assert line.startswith(f"plans/chaling.yaml:{line_number}:") and message in line


@pytest.mark.parametrize(("name", "content", "file", "message"), [
    ("pyproject.toml", "tool = 1\n", "pyproject.toml", "`tool` must be a table"),
    ("pyproject.toml", "[tool]\nplancheck = 'x'\n", "pyproject.toml", "`tool.plancheck` must be a table"),
    ("pyproject.toml", "[tool.plancheck\n", "pyproject.toml", "not valid TOML"),
    ("pyproject.toml", b"\xff\xfe[tool]", "pyproject.toml", "UTF-16"),
    ("rules/jurisdictions.yaml", "jurisdictions: 5\n", "rules/jurisdictions.yaml", "valid list"),
    ("rules/settings.yaml", "severity: 5\n", "rules/settings.yaml", "severity"),
    (".plancheck.yaml", "disable: [PC002]\n", ".plancheck.yaml", "PC002 is a load error"),
    (".plancheck.yaml", "severity: {PC001: info}\n", ".plancheck.yaml", "PC001 is a load error"),
    ("waivers.yaml", "waivers: {a: 1}\n", "waivers.yaml", "waivers"),
])
def test_configuration_files_that_cannot_be_used_are_located(project, name, content, file, message):
    path = project / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    done = run("check", cwd=project)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.startswith(file + ":")]
    assert lines and message in lines[0], done.stderr
    assert re.match(r"^\S+:\d+:\d+: error PC0\d\d ", lines[0]), lines[0]


@pytest.mark.parametrize(("content", "message"), [
    ("[" * 5000 + "]" * 5000, "nested 5,000 levels deep"),
    ('{"schema_version": 1, "findings": [1]}', "findings[0]"),
    ('{"schema_version": 1,', "Expecting property name"),
    ("[]", "schema_version"),
])
def test_baselines_that_cannot_be_used_are_located(project, content, message):
    (project / "base.json").write_text(content, encoding="utf-8")
    done = run("check", "--baseline", "base.json", cwd=project)
    line = one_located_line(done, "PC016", "base.json")
    assert message in line


@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_a_baseline_that_is_not_a_regular_file_is_refused_at_once(project, special):
    if special == "fifo":
        os.mkfifo(project / "fifo")
    done = run("check", "--baseline", special, cwd=project, timeout=30)
    assert done.returncode == 2 and f"{special}: error PC016 cannot read baseline: not a regular file" in done.stderr


def _git(project: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t"})


def test_a_plan_file_name_that_is_not_utf8(project):
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "plans")
    odd = os.fsencode(project / "plans") + b"/caf\xe9.yaml"
    shutil.copy(project / "plans" / "chaling.yaml", odd)
    os.remove(project / "plans" / "chaling.yaml")
    done = run("check", "--changed-only", "HEAD", "-f", "json", cwd=project)
    assert done.returncode in (0, 1)
    files = {f["file"] for f in json.loads(done.stdout)["findings"]}
    assert "plans/caf\\udce9.yaml" in done.stdout or any("caf" in f for f in files)
    report = os.fsencode(project) + b"/report-\xff.json"
    done = run("check", "-f", "json", "-o", os.fsdecode(report), cwd=project)
    assert done.returncode in (0, 1) and json.loads(Path(os.fsdecode(report)).read_bytes())["findings"]


# ---- commands that do what users expect

def _waivers(project: Path, body: str) -> None:
    (project / "waivers.yaml").write_text("waivers:\n" + body, encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html", "sarif", "junit", "github"])
def test_compare_with_waivers_for_other_pairs_and_an_expired_one(project, fmt):
    _waivers(project, "  - plan: xiangtan\n    code: PC201\n    reason: another pair's waiver\n"
                      "  - plan: chaling\n    code: PC201\n    reason: agreed, for a while\n    expires: 2020-01-01\n")
    done = run("compare", "chaling", "hunan", "-f", fmt, cwd=project, env={"PLANCHECK_TODAY": "2026-01-01"})
    assert done.returncode == 1, done.stderr
    if fmt == "sarif":  # the rules list names every code; results are what was found
        found = {r["ruleId"] for r in json.loads(done.stdout)["runs"][0]["results"]}
        assert "PC501" in found and "PC502" not in found
    else:
        assert "PC501" in done.stdout and "PC502" not in done.stdout
    if fmt == "json":
        document = json.loads(done.stdout)
        assert [n["code"] for n in document["notes"]] == ["PC501"] and document["rows"]


def test_compare_waiver_that_matches_waives_and_judges_no_other(project):
    _waivers(project, "  - plan: chaling\n    code: PC201\n    reason: agreed with the province\n"
                      "  - plan: chaling\n    code: PC101\n    reason: a provenance waiver compare cannot judge\n")
    done = run("compare", "chaling", "hunan", "-f", "json", cwd=project)
    document = json.loads(done.stdout)
    weaker = [r for r in document["rows"] if r["code"] == "PC201"]
    assert weaker and all(r["waiver"]["reason"] == "agreed with the province" for r in weaker)
    assert document["notes"] == [] and done.returncode == 0


def test_check_of_one_file_compares_it_with_its_ancestor(project):
    done = run("check", "plans/chaling.yaml", "-f", "json", cwd=project)
    findings = json.loads(done.stdout)["findings"]
    assert done.returncode == 1
    assert any(f["code"] == "PC201" and f["plan"] == "chaling" for f in findings)
    assert {f["plan"] for f in findings} <= {"chaling", "hunan"}
    # and a change to the province shows in its children
    done = run("check", "plans/hunan.yaml", "-f", "json", cwd=project)
    assert {"chaling", "xiangtan"} <= {f["plan"] for f in json.loads(done.stdout)["findings"]}


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github"])
def test_compare_machine_formats_carry_load_errors(project, fmt):
    break_plan(project, "chaling")
    done = run("compare", "chaling", "hunan", "-f", fmt, cwd=project)
    assert done.returncode == 2 and "PC002" in done.stdout and "PC002" in done.stderr
    if fmt == "json":
        document = json.loads(done.stdout)
        assert document["rows"] == [] and document["notes"][0]["code"] == "PC002"
        assert document["notes"][0]["file"] == "plans/chaling.yaml"


def test_audit_fails_only_at_the_fail_level(project):
    source = project / "sources" / "chaling_carbon_peak.txt"
    source.write_text(source.read_text(encoding="utf-8") + "到2025年，某项新指标达到99%。\n", encoding="utf-8")
    done = run("audit", "chaling", "-f", "json", cwd=project)
    findings = json.loads(done.stdout)["findings"]
    assert findings and {f["severity"] for f in findings} == {"warning"}
    assert done.returncode == 0
    assert run("audit", "chaling", "--fail-on", "warning", cwd=project).returncode == 1


def test_explain_without_a_code_lists_every_code(project):
    done = run("explain", cwd=project)
    codes = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert done.returncode == 0 and "PC001" in codes and "PC018" in codes and "PC502" in codes
    assert codes == sorted(codes)


def test_run_from_a_subfolder_finds_the_project_root(project):
    from_root = run("check", "-f", "json", cwd=project)
    from_plans = run("check", "-f", "json", cwd=project / "plans")
    assert from_plans.returncode == from_root.returncode == 1
    root_findings = json.loads(from_root.stdout)["findings"]
    plans_findings = json.loads(from_plans.stdout)["findings"]
    assert [f["file"] for f in plans_findings] == [f["file"].removeprefix("plans/") for f in root_findings]
    compared = run("compare", "chaling", "hunan", "-f", "json", cwd=project / "sources")
    assert compared.returncode == 1 and json.loads(compared.stdout)["rows"]


def test_a_pyproject_table_marks_the_root(tmp_path, project):
    (project / "pyproject.toml").write_text("[tool.plancheck]\nfail-on = 'never'\n", encoding="utf-8")
    (project / "docs").mkdir()
    done = run("check", cwd=project / "docs")
    assert done.returncode == 0 and "none fails the run" in done.stderr


ESC = "\x1b["


@pytest.mark.parametrize(("args", "env", "coloured"), [
    ([], {}, False),
    (["--color", "always"], {}, True),
    (["--color", "never"], {"FORCE_COLOR": "1"}, False),
    ([], {"FORCE_COLOR": "1"}, True),
    ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    (["--color", "always"], {"NO_COLOR": "1"}, True),
])
def test_colour_follows_the_flag_then_no_color_and_force_color(project, args, env, coloured):
    clean = {k: "" for k in ("NO_COLOR", "FORCE_COLOR")}
    done = run("compare", "chaling", "hunan", *args, cwd=project, env={**clean, **env})
    assert (ESC in done.stdout) is coloured


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bad_plan_among_many_is_located_with_or_without_workers(project, jobs):
    """Workers read plans through the same reader: the same located line either way."""
    chaling = (project / "plans" / "chaling.yaml").read_text(encoding="utf-8")
    for i in range(70):  # more than executor.PARALLEL_MIN_FILES, so -j2 starts a worker
        (project / "plans" / f"county{i:02}.yaml").write_text(
            chaling.replace("  id: chaling\n", f"  id: county{i:02}\n"), encoding="utf-8")
    bad = project / "plans" / "county69.yaml"
    text = bad.read_text(encoding="utf-8")
    at = text.index("value: ") + len("value: ")
    bad.write_text(text[:at] + "!!bool maybe" + text[text.index("\n", at):], encoding="utf-8")
    done = run("check", "-j", jobs, "-f", "json", cwd=project, timeout=120)
    assert done.returncode == 2
    located = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "PC012"]
    assert [(f["file"], f["line"]) for f in located] == [("plans/county69.yaml", text[:at].count("\n") + 1)]


# ---- a second round: what an adversarial tester found once the first round was fixed

HEX = "0x" + "f" * 3700


@pytest.mark.parametrize(("name", "find", "replace"), [
    ("plans/chaling.yaml", "  level: county\n", "  level: county\n  year_of_note: " + HEX + "\n"),
    ("rules/jurisdictions.yaml", "parent: null}", "parent: " + HEX + "}"),
    ("rules/settings.yaml", "fail-on: error", "fail-on: " + HEX),
])
def test_integers_in_any_base_are_bounded(project, name, find, replace):
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert find in text
    path.write_text(text.replace(find, replace, 1), encoding="utf-8")
    done = run("check", cwd=project)
    assert done.returncode == 2
    assert any(line.startswith(name + ":") and "more than 100 digits" in line
               for line in (done.stdout + done.stderr).splitlines()), done.stdout + done.stderr


@pytest.mark.parametrize(("name", "content", "message"), [
    ("base.json", '{"schema_version": 1, "findings": [], "n": ' + "1" * 5000 + "}", "cannot read baseline"),
    ("base.json", '{"schema_version": 1, "findings": [], "findings": []}', "repeated key 'findings'"),
])
def test_baselines_with_huge_numbers_or_repeated_keys(project, name, content, message):
    (project / name).write_text(content, encoding="utf-8")
    line = one_located_line(run("check", "--baseline", name, cwd=project), "PC016", name)
    assert message in line


def test_pyproject_with_a_huge_integer_and_errors_at_their_line(project):
    (project / "pyproject.toml").write_text("[tool.plancheck]\nfail-on = 'error'\n[project]\nx = " + "1" * 5000 + "\n",
                                            encoding="utf-8")
    assert one_located_line(run("check", cwd=project), "PC016", "pyproject.toml")
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.plancheck]\nfail-on = 'error'\n"
                                            "severity = {PC201 = 'fatal'}\n", encoding="utf-8")
    line = one_located_line(run("check", cwd=project), "PC016", "pyproject.toml")
    assert line.startswith("pyproject.toml:6:1:"), line


@pytest.mark.parametrize(("source", "why"), [
    ("../sources/chaling\\0_carbon_peak.txt", "NUL"),
    ("../sources/" + "a" * 5000 + ".txt", "too long"),
])
def test_source_names_that_cannot_name_a_file(project, source, why):
    plan = project / "plans" / "chaling.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("source: ../sources/chaling_carbon_peak.txt",
                                                             f'source: "{source}"'), encoding="utf-8")
    line = one_located_line(run("check", cwd=project), "PC013", "plans/chaling.yaml")
    assert "cannot be a file name" in line and why.lower() in line.lower()


def test_paths_the_file_system_refuses(project):
    (project / "plans" / "loop.yaml").symlink_to("loop.yaml")
    for args in (["check", "plans/loop.yaml"], ["check", "x" * 300 + ".yaml"], ["compare", "y" * 300, "hunan"]):
        done = run(*args, cwd=project)
        assert done.returncode == 2 and done.stderr.count("\n") <= 2, (args, done.stderr)
    os.remove(project / "plans" / "loop.yaml")


def test_sarif_with_a_file_name_that_is_not_utf8(project):
    shutil.copy(project / "plans" / "chaling.yaml", os.fsencode(project / "plans") + b"/ch\xffaling.yaml")
    os.remove(project / "plans" / "chaling.yaml")
    done = run("check", "-f", "sarif", cwd=project)
    assert done.returncode == 1
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(done.stdout)["runs"][0]["results"]}
    assert "plans/ch%FFaling.yaml" in uris


def test_a_bad_pinned_date_and_a_removed_working_folder(project):
    done = run("check", cwd=project, env={"PLANCHECK_TODAY": "2025-02-30"})
    assert done.returncode == 2 and "$PLANCHECK_TODAY:1:1: error PC016 PLANCHECK_TODAY must be a date" in done.stderr
    gone = project / "gone"
    gone.mkdir()
    script = f"import os, runpy, sys; os.chdir({str(gone)!r}); os.rmdir({str(gone)!r}); " \
             "sys.argv = ['plancheck', 'check']; runpy.run_module('plancheck', run_name='__main__')"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=SECONDS)
    assert done.returncode == 2 and "the working folder cannot be used" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_fifo_in_the_plans_folder_does_not_block_the_output_guard(project):
    os.mkfifo(project / "plans" / "pipe.yaml")
    (project / "r.json").write_text("old\n", encoding="utf-8")
    done = run("check", "-f", "json", "-o", "r.json", cwd=project, timeout=30)  # a FIFO is no plan: not read
    assert done.returncode == 1 and json.loads((project / "r.json").read_text())["findings"]


@pytest.mark.parametrize("kind", ["folder", "fifo", "loop"])
@pytest.mark.parametrize("name", [".plancheck.yaml", "waivers.yaml", "rules/settings.yaml",
                                  "rules/jurisdictions.yaml"])
def test_a_settings_file_that_is_not_a_file_is_refused_not_ignored(project, name, kind):
    path = project / name
    if path.exists():
        path.unlink()
    {"folder": path.mkdir, "fifo": lambda: os.mkfifo(path), "loop": lambda: path.symlink_to(path.name)}[kind]()
    done = run("check", cwd=project, timeout=30)
    assert done.returncode == 2 and any(line.startswith(name + ":") for line in done.stderr.splitlines()), \
        done.stderr


def test_a_registry_that_lists_a_jurisdiction_twice(project):
    registry = project / "rules" / "jurisdictions.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") +
                        "  - {id: zhuzhou, name: 株洲市, level: city, parent: xiangtan}\n", encoding="utf-8")
    line = one_located_line(run("check", cwd=project), "PC016", "rules/jurisdictions.yaml")
    assert "listed twice" in line


@pytest.mark.parametrize("spelling", [
    "source: &src ../sources/chaling_carbon_peak.txt",
    "source:\n      ../sources/chaling_carbon_peak.txt",
    'source: "../sources/chaling_carbon_peak\\x2etxt"',
])
@pytest.mark.parametrize("loads", [True, False])
def test_every_spelling_of_a_source_is_protected(project, spelling, loads):
    plan = project / "plans" / "chaling.yaml"
    text = plan.read_text(encoding="utf-8").replace("source: ../sources/chaling_carbon_peak.txt", spelling)
    if not loads:
        text += "  unfinished: [\n"
    plan.write_text(text, encoding="utf-8")
    source = project / "sources" / "chaling_carbon_peak.txt"
    before = source.read_bytes()
    done = run("compare", "xiangtan", "hunan", "-f", "json", "-o", "sources/chaling_carbon_peak.txt", cwd=project)
    assert done.returncode == 2 and "refusing" in done.stderr
    assert source.read_bytes() == before


def test_a_source_folder_is_protected_as_a_whole_and_by_identity(project):
    (project / "sources" / "notes.txt").write_text("an analyst's notes\n", encoding="utf-8")
    os.link(project / "rules" / "settings.yaml", project / "hl.md")
    for args in (["check", "-f", "json", "-o", "sources/notes.txt"], ["check", "--summary", "hl.md"]):
        done = run(*args, cwd=project)
        assert done.returncode == 2 and "refusing" in done.stderr, args
    assert (project / "sources" / "notes.txt").read_text(encoding="utf-8") == "an analyst's notes\n"
    assert (project / "rules" / "settings.yaml").read_bytes() == (REPO / "rules" / "settings.yaml").read_bytes()


def test_a_plan_not_named_yaml_protects_its_source(project):
    (project / "drafts").mkdir()
    draft = project / "drafts" / "draft.txt"
    draft.write_text((project / "plans" / "chaling.yaml").read_text(encoding="utf-8").replace(
        "../sources/chaling_carbon_peak.txt", "draft_source.txt").replace("  id: chaling\n", "  id: draft\n"),
        encoding="utf-8")
    (project / "drafts" / "draft_source.txt").write_text("草稿\n", encoding="utf-8")
    done = run("check", "drafts/draft.txt", "-f", "json", "-o", "drafts/draft_source.txt", cwd=project)
    assert done.returncode == 2 and (project / "drafts" / "draft_source.txt").read_text(encoding="utf-8") == "草稿\n"
    draft.write_text('{"schema_version": 1, "findings": []}\n', encoding="utf-8")
    done = run("check", "drafts/draft.txt", "--baseline-create", "drafts/draft.txt", cwd=project)
    assert done.returncode == 2 and draft.read_text(encoding="utf-8") == '{"schema_version": 1, "findings": []}\n'


def test_the_repository_is_protected_when_a_run_points_elsewhere(project):
    (project / "other").mkdir()
    shutil.copy(project / "plans" / "chaling.yaml", project / "other" / "chaling.yaml")
    shutil.copy(project / "plans" / "hunan.yaml", project / "other" / "hunan.yaml")
    (project / "waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    for args in (["compare", "chaling", "hunan", "--plans", "other", "-o", "plans/chaling.yaml"],
                 ["check", "--waivers", "other/none.yaml", "-o", "waivers.yaml"],
                 ["check", "--rules", str(REPO / "rules"), "-o", "rules/settings.yaml"],
                 ["check", "--baseline-create", ".plancheck.yaml"],
                 ["check", "-o", "pyproject.toml"]):
        done = run(*args, cwd=project)
        assert done.returncode == 2 and "refusing" in done.stderr, (args, done.stderr)
    outside = run("check", str(project / "plans"), "-o", str(project / ".plancheck.yaml"), cwd=project.parent)
    assert outside.returncode == 2 and "refusing" in outside.stderr
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
    assert not (project / ".plancheck.yaml").exists() and not (project / "pyproject.toml").exists()


def test_a_summary_is_appended_whole_or_not_at_all(project):
    import resource

    summary = project / "summary.md"
    summary.write_text("OLD\n", encoding="utf-8")

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    done = subprocess.run([sys.executable, "-m", "plancheck", "check", "-f", "json", "--summary", str(summary)],
                          cwd=project, capture_output=True, text=True, timeout=SECONDS, preexec_fn=small_files)
    assert done.returncode == 2 and "left as it was" in done.stderr, done.stderr[-500:]
    assert summary.read_text(encoding="utf-8") == "OLD\n"


def test_one_file_for_report_and_summary_is_refused(project):
    done = run("check", "-o", "r.md", "--summary", "r.md", cwd=project)
    assert done.returncode == 2 and "same file" in done.stderr and not (project / "r.md").exists()


def test_colour_asked_for_wins_over_term_dumb(project):
    done = run("compare", "chaling", "hunan", "--color", "always", cwd=project, env={"TERM": "dumb"})
    assert ESC in done.stdout


def test_a_plan_linked_out_of_the_repository_is_not_read(project, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.yaml"
    secret.write_text("jurisdiction: {id: SECRET_TOKEN_abc123}\n", encoding="utf-8")
    (project / "plans" / "leak.yaml").symlink_to(secret)
    done = run("check", cwd=project)
    line = one_located_line(done, "PC018", "plans/leak.yaml")
    assert "SECRET_TOKEN" not in done.stdout + done.stderr and "outside the plan repository" in line


def test_bidirectional_overrides_do_not_reach_the_terminal():
    from plancheck.reporters.plain import sanitize

    assert sanitize("abc\u202edef\u2066") == "abc\\x202edef\\x2066"


def test_changed_only_in_a_folder_whose_name_ends_in_a_space(tmp_path):
    root = tmp_path / "repo "
    for name in ("plans", "sources", "rules"):
        shutil.copytree(REPO / name, root / name)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "plans")
    plan = root / "plans" / "chaling.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    done = run("check", "--changed-only", "HEAD", "-f", "json", cwd=root)
    assert "chaling" in {f["plan"] for f in json.loads(done.stdout)["findings"]}


# ---- a third round: the second adversarial pass

def test_a_report_aimed_at_another_copy_of_the_repository_is_refused_there(project, tmp_path_factory):
    other = tmp_path_factory.mktemp("copy")
    for name in ("plans", "sources", "rules"):
        shutil.copytree(REPO / name, other / name)
    before = {p: p.read_bytes() for p in other.rglob("*") if p.is_file()}
    for args in (["schema", "-o", str(other / "plans" / "chaling.yaml")],
                 ["scaffold", "--from", "hunan", "--level", "city", "--force", "-o", str(other / "plans" / "x.yaml")],
                 ["compare", "chaling", "hunan", "-o", str(other / "sources" / "hunan_carbon_peak.txt")],
                 ["check", "plans/chaling.yaml", "-o", str(other / "rules" / "indicators.yaml")],
                 ["check", "-o", str(other / ".plancheck.yaml")]):
        (other / "plans" / "x.yaml").write_text("jurisdiction: [unfinished\n", encoding="utf-8")
        before[other / "plans" / "x.yaml"] = (other / "plans" / "x.yaml").read_bytes()
        done = run(*args, cwd=project)
        assert done.returncode == 2 and "refusing" in done.stderr, (args, done.stderr)
    assert {p: p.read_bytes() for p in other.rglob("*") if p.is_file()} == before


def test_reserved_names_reached_through_a_link_are_refused(project):
    (project / "deep" / "inner").mkdir(parents=True)
    (project / "sl").symlink_to("deep/inner")
    for option in ("-o", "--summary", "--baseline-create"):
        done = run("check", option, "sl/../../.plancheck.yaml", cwd=project)
        assert done.returncode == 2 and "refusing" in done.stderr, (option, done.stderr)
    assert not (project / ".plancheck.yaml").exists()


@pytest.mark.parametrize(("option", "value"), [
    ("--id", "YouXian"), ("--id", ""), ("--id", "../x"), ("--id", "a b"), ("--parent", "x: y"),
    ("--parent", "hunan\ndocuments: []"), ("--name", ""), ("--name", "攸县\ntargets: []"),
])
def test_scaffold_refuses_what_would_make_a_broken_draft(project, option, value):
    done = run("scaffold", "--from", "hunan", "--level", "county", "-o", "draft.yaml", option, value, cwd=project)
    assert done.returncode == 2 and option in done.stderr and not (project / "draft.yaml").exists()


def test_a_full_check_reports_a_waiver_for_a_plan_that_is_gone(project):
    _waivers(project, "  - plan: zzz\n    code: PC201\n    reason: the plan was renamed\n")
    findings = json.loads(run("check", "-f", "json", cwd=project).stdout)["findings"]
    assert [(f["code"], f["line"]) for f in findings if f["file"] == "waivers.yaml"] == [("PC502", 2)]
    family = json.loads(run("check", "plans/chaling.yaml", "-f", "json", cwd=project).stdout)["findings"]
    assert not [f for f in family if f["code"] == "PC502"]  # a family check judges its own waivers only


def test_a_load_error_cannot_be_waived(project):
    _waivers(project, "  - plan: chaling\n    code: PC012\n    reason: x\n")
    line = one_located_line(run("check", cwd=project), "PC016", "waivers.yaml")
    assert line.startswith("waivers.yaml:3:11:") and "cannot be waived" in line


def test_two_writers_of_one_run_may_not_name_one_file(project):
    (project / "r.md").write_text("", encoding="utf-8")
    (project / "rl.md").symlink_to("r.md")
    os.link(project / "r.md", project / "rh.md")
    for args in (["-o", "r.md", "--summary", "rl.md"], ["-o", "r.md", "--summary", "rh.md"],
                 ["--baseline-create", "b.json", "--summary", "b.json"], ["-o", "b.json", "--baseline-create", "b.json"]):
        done = run("check", *args, cwd=project)
        assert done.returncode == 2 and "name the same file" in done.stderr, (args, done.stderr)


def test_a_code_given_twice_in_another_case_is_refused(project):
    (project / ".plancheck.yaml").write_text("severity: {pc201: info, PC201: error}\n", encoding="utf-8")
    line = one_located_line(run("check", cwd=project), "PC016", ".plancheck.yaml")
    assert "given twice" in line


def test_bidirectional_overrides_are_dropped_from_markdown_and_html(project):
    catalogue = project / "rules" / "indicators.yaml"
    text = catalogue.read_text(encoding="utf-8")
    name = "name_en: Non-fossil share of energy consumption"
    assert name in text
    catalogue.write_text(text.replace(name, name + " \u202eevil"), encoding="utf-8")
    for fmt in ("markdown", "html"):
        done = run("compare", "chaling", "hunan", "-f", fmt, "--lang", "en", cwd=project)
        assert "evil" in done.stdout and "\u202e" not in done.stdout, fmt
