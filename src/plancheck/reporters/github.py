"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``.

GitHub turns at most 10 errors, 10 warnings and 10 notices of a step (50 of a job) into
annotations, in the order they are printed, so only the levels that matter are printed
(errors and warnings by default), errors first, up to a cap; a last ``::notice`` says how
many were printed and how many were left out, and points to ``--summary``, which writes
the whole Markdown report beside them (point it at ``$GITHUB_STEP_SUMMARY``). Values are
escaped as the runner expects: ``%``, CR and LF everywhere, plus ``:`` and ``,`` in
properties, so plan text cannot end a command early or inject another.
"""

from __future__ import annotations

from collections import Counter

from plancheck.findings import Finding, Severity
from plancheck.reporters.plain import show_control

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
TIERS = ("error", "warning", "info", "all")
"""What ``annotate`` names, most important first: each tier prints the ones before it too; ``all``
adds the findings that do not count against the run (waived, or in the baseline), as notices."""
PER_STEP = 10
"""Annotations of one level GitHub shows per step."""
LEFT_OUT = ("error", "warning", "info", "waived", "in the baseline")
"""What the findings left out are, as the summary counts them."""


def tier(finding: Finding) -> str:
    """The tier of ``TIERS`` a finding is printed from: its severity, or ``all`` when it does not count."""
    if finding.waiver is not None or finding.baseline == "existing":
        return "all"
    return finding.severity.value


def parse_tier(text: str) -> str:
    """``annotate``: error, warning, info or all (``notice``, GitHub's word, is info)."""
    name = "info" if text.lower() == "notice" else text.lower()
    if name not in TIERS:
        raise ValueError(f"unknown annotation level {text!r} (expected one of: {', '.join(TIERS)})")
    return name


def _kind(finding: Finding) -> str:
    """What a finding left out is, for the summary."""
    if finding.waiver is not None:
        return "waived"
    if finding.baseline == "existing":
        return "in the baseline"
    return finding.severity.value


def _data(text: str) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return show_control(text)  # no terminal escapes in the log


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _command(finding: Finding, command: str) -> str:
    props = []
    if finding.file:
        props.append(f"file={_property(finding.file)}")
        if finding.line is not None:
            props.append(f"line={finding.line}")
            if finding.column is not None:
                props.append(f"col={finding.column}")
    title = f"{finding.code} {finding.verdict.value}" if finding.verdict is not None else finding.code
    props.append(f"title={_property(title)}")
    message = finding.message
    if finding.waiver is not None:
        message = f"[waived: {finding.waiver.reason}] {message}"
    if finding.baseline == "existing":
        message = f"[existing: in the baseline] {message}"
    return f"::{command} {','.join(props)}::{_data(message)}\n"


def _count(counts: Counter[str], names: tuple[str, ...]) -> str:
    """``5 errors, 1 warning``; the other kinds (info, waived, in the baseline) are not nouns."""
    nouns = ("error", "warning", "notice")
    return ", ".join(f"{counts[n]} {n}{'s' if n in nouns and counts[n] != 1 else ''}" for n in names if counts[n])


def _summary(total: int, shown: Counter[str], below: Counter[str], over: Counter[str], lowest: str,
             cap: int) -> str:
    if total == 0:
        text = "no findings."
    else:
        text = f"{sum(shown.values())} of {total} finding{'' if total == 1 else 's'} annotated"
        if shown:
            text += f" ({_count(shown, ('error', 'warning', 'notice'))})"
        left = []
        if below:
            left.append(f"{sum(below.values())} below --show {lowest} ({_count(below, LEFT_OUT)})")
        if over:
            left.append(f"{sum(over.values())} over the cap of {cap} ({_count(over, LEFT_OUT)})")
        if left:
            text += "; left out: " + ", ".join(left)
        text += "."
        if any(n > PER_STEP for n in shown.values()):
            text += f" GitHub shows the first {PER_STEP} annotations of each level of a step."
    text += ' Every finding is in the Markdown report that --summary "$GITHUB_STEP_SUMMARY" writes to the job summary.'
    return f"::notice title=plancheck::{_data(text)}\n"


def render_github(findings: list[Finding], *, annotate: str = "warning", max_annotations: int = 50) -> str:
    """``annotate``: the lowest tier printed (``TIERS``); ``max_annotations``: how many are
    printed at most, the most important first (0: none, only the summary)."""
    lowest = TIERS.index(parse_tier(annotate))
    if max_annotations < 0:
        raise ValueError(f"max_annotations must be 0 or more, not {max_annotations}")
    chosen: dict[str, list[Finding]] = {name: [] for name in TIERS}
    below: Counter[str] = Counter()
    for f in findings:
        name = tier(f)
        if TIERS.index(name) <= lowest:
            chosen[name].append(f)
        else:
            below[_kind(f)] += 1
    lines = []
    shown: Counter[str] = Counter()
    over: Counter[str] = Counter()
    for name in TIERS:
        for f in chosen[name]:
            command = "notice" if name == "all" else COMMANDS[f.severity]
            if len(lines) < max_annotations:
                lines.append(_command(f, command))
                shown[command] += 1
            else:
                over[_kind(f)] += 1
    lines.append(_summary(len(findings), shown, below, over, TIERS[lowest], max_annotations))
    return "".join(lines)
