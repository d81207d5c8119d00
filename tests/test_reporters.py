"""Reporters: plan text stays text in every format (tiny inline plans); a report never
replaces an input, and the machine formats load no terminal or template library (the
committed plans as read-only input). Every format on the committed plans, checked by its real
consumer, and the golden files: acceptance/test_real_reports.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import HOSTILE, REPO, hostile_plans, invoke


# ---- hostile plan text: escaped in every format

@pytest.mark.parametrize("fmt", ["markdown", "html", "sarif", "junit", "github", "json", "text"])
def test_plan_text_is_escaped_in_every_format(fmt, tmp_path):
    plans = hostile_plans(tmp_path)
    out = tmp_path / f"report.{fmt}"
    result = invoke("compare", str(plans / "county.yaml"), str(plans / "prov.yaml"), "-f", fmt, "-o", str(out))
    assert result.exit_code == 1, result.output
    text = out.read_text(encoding="utf-8")
    if fmt == "markdown":
        assert "<script>" not in text and "&lt;script&gt;" in text
        assert "a\\|b" in text
        assert all(line.endswith("|") for line in text.splitlines() if line.startswith("|"))
    elif fmt == "html":
        assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    elif fmt in ("sarif", "json"):
        def strings(node):
            if isinstance(node, dict):
                return [x for v in node.values() for x in strings(v)]
            if isinstance(node, list):
                return [x for v in node for x in strings(v)]
            return [node] if isinstance(node, str) else []
        assert any(HOSTILE in x for x in strings(json.loads(text)))  # survives as data, escaped as JSON
    elif fmt == "junit":
        from junitparser import JUnitXml

        suites = list(JUnitXml.fromfile(str(out)))
        assert suites and "<script>" not in text  # XML-escaped: &lt;script&gt;
    elif fmt == "github":
        # One command per finding: plan text cannot start a new command on its own line.
        assert all(line.startswith("::") for line in text.splitlines())
        assert "%0Asecond line" in text
    if fmt != "json" and fmt != "sarif":  # JSON escapes control characters as \u001b itself
        assert "\x1b" not in text and "\x07" not in text


# ---- -o never destroys inputs

def test_output_is_never_written_over_an_input_file(tmp_path):
    plan = REPO / "plans" / "chaling.yaml"
    before = plan.read_bytes()
    result = invoke("compare", "chaling", "hunan", "-f", "markdown", "-o", "plans/chaling.yaml")
    assert result.exit_code == 2 and "input file" in result.output
    assert plan.read_bytes() == before


def test_machine_formats_do_not_import_rich_or_jinja2(tmp_path):
    code = ("import sys; from plancheck.cli import main; sys.argv=['plancheck','compare','chaling','hunan',"
            "'-f','sarif','-o',%r]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich','jinja2')))") % str(tmp_path / "x")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr
