"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``.

GitHub shows only the first annotations of a step, so ``--summary FILE`` writes the
Markdown report beside them (point it at ``$GITHUB_STEP_SUMMARY``). Values are
escaped as the runner expects: ``%``, CR and LF everywhere, plus ``:`` and ``,`` in
properties, so plan text cannot end a command early or inject another.
"""

from __future__ import annotations

from plancheck.findings import Finding, Severity
from plancheck.reporters.plain import show_control

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return show_control(text)  # no terminal escapes in the log


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        waiver = f.waiver
        existing = f.baseline == "existing"
        command = "notice" if waiver is not None or existing else COMMANDS[f.severity]
        props = []
        if f.file:
            props.append(f"file={_property(f.file)}")
            if f.line is not None:
                props.append(f"line={f.line}")
                if f.column is not None:
                    props.append(f"col={f.column}")
        title = f"{f.code} {f.verdict.value}" if f.verdict is not None else f.code
        props.append(f"title={_property(title)}")
        message = f.message if waiver is None else f"[waived: {waiver.get('reason', '')}] {f.message}"
        if existing:
            message = f"[existing: in the baseline] {message}"
        lines.append(f"::{command} {','.join(props)}::{_data(message)}\n")
    return "".join(lines)
