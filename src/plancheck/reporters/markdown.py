"""Markdown gap reports for GitHub, pull requests and ``$GITHUB_STEP_SUMMARY``.

Plan text is data, never markup: every string that comes from a plan or the
catalogue goes through ``inline`` (or ``cell`` inside tables), which escapes
Markdown punctuation and HTML, and keeps a table cell on one line.
"""

from __future__ import annotations

import re
from typing import Any

from plancheck.reporters.plain import CONTROL
from plancheck.reporters.report import LABELS

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]#|~$])")
_BLOCK_START = re.compile(r"^(\s*)([-+*]|\d+[.)])(?=\s|$)")


def _escape(text: str) -> list[str]:
    text = CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text).split("\n")


def inline(text: str) -> str:
    """Plan text as literal Markdown on one line: HTML and Markdown syntax escaped, and a list
    marker at the start (``- ``, ``1. ``) escaped so a quoted sentence cannot become a list."""
    text = " ".join(_escape(text))
    return _BLOCK_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)


def cell(text: str) -> str:
    """A table cell: escaped like ``inline``; line breaks become <br> so the row stays one line."""
    return "<br>".join(_escape(text))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _documents(plan: dict[str, Any], t: dict[str, str]) -> list[str]:
    lines = []
    for d in plan["documents"]:
        facts = [inline(x) for x in (d["issuer"], d["number"], d["date"]) if x]
        lines.append(f"- {inline(d['title'])}" + (f"（{'，'.join(facts)}）" if facts else ""))
    return lines


def _comparison(view: dict[str, Any], lang: str, level: int) -> list[str]:
    t = LABELS[lang]
    h = "#" * level
    out = [f"{h} {inline(view['title'])}", ""]
    for key in ("upper", "lower"):
        plan = view[key]
        out += [f"**{t[key]}：{inline(plan['name'])}（{inline(plan['id'])}）**" if lang == "zh"
                else f"**{t[key]}: {inline(plan['name'])} ({inline(plan['id'])})**", ""]
        out += _documents(plan, t) + [""]
    if view["skipped"]:
        out += [inline(view["skipped"]), ""]

    out += [f"{h}# {t['summary']}", ""]
    out += _table([t["verdict"], t["count"]], [[cell(s["label"]), str(s["count"])] for s in view["summary"]])
    out += [""]

    out += [f"{h}# {t['table']}", ""]
    for group in view["groups"]:  # what fails leads, what passes ends
        out += [f"**{inline(group['label'])}（{len(group['rows'])}）**" if lang == "zh"
                else f"**{inline(group['label'])} ({len(group['rows'])})**", ""]
        out += _table(
            [t["indicator"], t["year"], f"{t['upper']} {inline(view['upper']['id'])}",
             f"{t['lower']} {inline(view['lower']['id'])}", t["verdict"], t["gap"], t["reason"]],
            [[cell(r["name"]), cell(r["year"]), cell(r["upper"]["text"]) if r["upper"] else "—",
              cell(r["lower"]["text"]) if r["lower"] else "—",
              cell(r["verdict_label"]) + (f" ({cell(t['waived'])})" if r["waiver"] else ""), cell(r["gap"]),
              cell(r["reason"])] for r in group["rows"]])
        out += [""]

    out += [f"{h}# {t['gaps']}", ""]
    if not view["gaps"]:
        out += [t["no_gaps"], ""]
    for r in view["gaps"]:
        out += [f"{h}## {inline(r['name'])} {inline(r['year'])}: {inline(r['verdict_label'])}", "",
                f"{inline(r['reason'])}", ""]
        for key in ("upper", "lower"):
            side = r[key]
            who = f"{t[key]} {inline(view[key]['id'])}"
            if side is None:
                out += [f"- {who}: {t['no_target']}"]
                continue
            where = "，".join(inline(x) for x in (side["document"], side["section"], side["where"]) if x)
            out += [f"- {who}（{where}）：" if lang == "zh" else f"- {who} ({where}):",
                    f"  > {inline(side['quote']) or inline(side['text'])}"]
        if r["waiver"]:
            out += [f"- {t['waiver_reason']}: {inline(r['waiver']['reason'])}"]
        out += [""]

    if view["waived"]:
        out += [f"{h}# {t['waived']}", ""]
        out += _table([t["indicator"], t["year"], t["verdict"], t["waiver_reason"], t["expires"]],
                      [[cell(r["name"]), cell(r["year"]), cell(r["verdict_label"]), cell(r["waiver"]["reason"]),
                        cell(r["waiver"]["expires"]) or "—"] for r in view["waived"]])
        out += [""]

    if view["set_aside"]:
        out += [f"{h}# {t['set_aside']}", ""]
        out += _table([t["indicator"], t["year"], t["verdict"], t["reason"]],
                      [[cell(r["name"]), cell(r["year"]), cell(r["verdict_label"]), cell(r["reason"])]
                       for r in view["set_aside"]])
        out += [""]
    return out


def _header(header: dict[str, Any], heading: str, t: dict[str, str]) -> list[str]:
    """The reader's title (or the report's), then what a citation needs: version, catalogue, date."""
    lines = [f"# {inline(header['title'] or heading)}", ""]
    if header["title"]:
        lines += [f"*{heading}*", ""]
    meta = f"{t['version']} {header['version']} · {t['catalog']} `{header['catalog']}`"
    if header["date"]:
        meta += f" · {t['report_date']} {header['date']}"
    return lines + [meta, ""]


def render_comparison_markdown(view: dict[str, Any], lang: str) -> str:
    t = LABELS[lang]
    lines = _header(view["header"], t["title"], t) + _comparison(view, lang, 2) + _plan_findings(view["notes"], t)
    return "\n".join(lines + [f"*{t['generated']}*", ""])


def _plan_findings(findings: list[dict[str, str]], t: dict[str, str]) -> list[str]:
    """Findings that belong to no row: problems inside a plan, waivers that expired or match nothing."""
    if not findings:
        return []
    return [f"## {t['plan_findings']}", ""] + _table(
        [t["location"], t["code"], t["severity"], t["message"]],
        [[cell(f["where"]), f["code"], f["severity_label"], cell(f["message"])
          + (f" ({cell(t['waived'])}: {cell(f['waiver'])})" if f["waiver"] else "")] for f in findings]) + [""]


def render_check_markdown(view: dict[str, Any], lang: str) -> str:
    t = LABELS[lang]
    lines = _header(view["header"], t["check_title"], t)
    counts = view["severity_counts"]
    lines += [f"{t['error']} {counts['error']} · {t['warning']} {counts['warning']} · {t['info']} {counts['info']}", ""]
    if view["matrix"]:
        lines += [f"## {t['matrix']}", ""]
        lines += _table([t["lower"], t["upper"]] + [cell(c["name"]) for c in view["columns"]],
                        [[inline(m["plan"]), inline(m["upper"])] + [cell(c["label"]) for c in m["cells"]]
                         for m in view["matrix"]])
        lines += [""]
    lines += _plan_findings(view["plan_findings"], t)
    for comparison in view["comparisons"]:
        lines += _comparison(comparison, lang, 2)
    lines += [f"*{t['generated']}*", ""]
    return "\n".join(lines)
