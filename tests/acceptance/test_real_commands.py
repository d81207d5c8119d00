"""``check`` and ``compare`` on the committed plans, through the command line: exit codes and
notes a user sees."""

from __future__ import annotations

import json

from helpers import invoke


def test_check_exit_codes_follow_the_fail_level():
    assert invoke("check", "plans").exit_code == 1  # weaker targets exist (PC201, error)
    result = invoke("check", "plans", "--format", "json", "--fail-on", "error")
    document = json.loads(result.stdout)
    fields = ["code", "severity", "plan", "file", "line", "column", "indicator", "year", "verdict", "message",
              "waiver", "baseline"]
    assert all(list(f) == fields for f in document["findings"])
    assert any(f["verdict"] == "weaker" and f["severity"] == "error" for f in document["findings"])
    # `--fail-on never` sits above every severity: the same report, exit 0.
    never = invoke("check", "plans", "--format", "json", "--fail-on", "never")
    assert never.exit_code == 0 and json.loads(never.stdout) == document


def test_compare_notes_when_the_upper_plan_is_not_above_the_lower_one():
    reversed_pair = invoke("compare", "hunan", "chaling")
    assert "chaling is not above hunan in the hierarchy" in reversed_pair.output
    assert "is not above" not in invoke("compare", "chaling", "hunan").output  # 株洲 is skipped, not a problem


def test_compare_across_the_province_names_it_and_the_absent_city():
    """湘潭 against 全国 skips 湖南 (present); 茶陵 against 全国 skips 株洲 (absent) and 湖南."""
    xiangtan = invoke("compare", "xiangtan", "china", "--lang", "en")
    assert "compared across levels, as asked, skipping: hunan (plan present)" in xiangtan.stdout
    assert "is not above" not in xiangtan.output
    chaling = json.loads(invoke("compare", "chaling", "china", "-f", "json").stdout)
    assert (chaling["skipped_links"], chaling["skipped_present"]) == (["zhuzhou", "hunan"], ["hunan"])
    direct = json.loads(invoke("compare", "hunan", "china", "-f", "json").stdout)
    assert (direct["skipped_links"], direct["skipped_present"]) == ([], [])


def test_a_profiler_gets_its_output(tmp_path):
    """python -m cProfile -o FILE -m plancheck …: the run ends the ordinary way under a profiler
    (not by os._exit), so the profile is written; the report is the run's own (cProfile's runner
    itself swallows the exit code, docs/performance.md)."""
    import pstats
    import subprocess
    import sys

    from helpers import REPO

    profile = tmp_path / "check.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "plancheck", "check", "plans",
                           "-q"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert "条达到或高于 error" in done.stderr and "Traceback" not in done.stderr, done.stderr  # the summary
    functions = {name for _, _, name in pstats.Stats(str(profile)).stats}
    assert {"check", "compare_plans"} <= functions
