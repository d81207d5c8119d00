"""Plain ``file:line:column: CODE message`` lines, the format editors and CI logs parse."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from plancheck.findings import FailLevel, Finding, Severity, fail_level_name, reaches
from plancheck.reason import in_language
from plancheck.reporters.formats import Show

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
"""Control characters other than tab, LF and CR, and the bidirectional overrides and isolates:
never meaningful in plan text; some (ESC, BEL) act on terminals, and the others make a line
read other than it is. Every reporter drops them or shows them as ``\\xNN``."""
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""For one-line terminal output: also CR, C1 controls, Unicode line separators, and the
bidirectional overrides and isolates, which can make a line read other than it is."""


def show_control(text: str, pattern: re.Pattern[str] = CONTROL) -> str:
    """``pattern``'s characters written as ``\\xNN``, so they show instead of acting."""
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def sanitize(text: str) -> str:
    """Make plan-supplied text safe for a terminal: no escape sequences, one line."""
    text = text.replace("\r\n", "\n").replace("\n", "\\n").replace("\t", "\\t")
    return show_control(text, _TERMINAL_CONTROL)


def location(finding: Finding) -> str:
    parts = [finding.file or "<input>"]
    if finding.line is not None:
        parts.append(str(finding.line))
        if finding.column is not None:
            parts.append(str(finding.column))
    return ":".join(sanitize(p) for p in parts)


SEVERITY_WORDS = {"en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"},
                  "zh": {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}}


def render_finding(finding: Finding, lang: str = "en") -> str:
    """``file:line:column: severity CODE message``, the message in ``lang`` (its Chinese reading
    under ``zh``); the severity word says at a glance what must be fixed."""
    word = SEVERITY_WORDS[lang][finding.severity] if finding.severity is not None else ""
    message = sanitize(in_language(finding.message, lang))
    line = f"{location(finding)}: {word + ' ' if word else ''}{finding.code} {message}"
    if finding.waiver is not None:
        line += f" [{'已豁免' if lang == 'zh' else 'waived'}: {sanitize(finding.waiver.reason)}]"
    if finding.baseline == "existing":
        line += " [已有：基线中已记录]" if lang == "zh" else " [existing: in the baseline]"
    return line


def render_findings(findings: list[Finding], lang: str = "en") -> str:
    return "".join(iter_findings(findings, lang))


def listed(finding: Finding, show: Show) -> bool:
    """Whether ``--show`` lists a finding: by default errors and warnings that count against the
    run; ``info`` adds the rest of those; ``all`` adds waived and baselined findings too."""
    if show is Show.all:
        return True
    if not finding.counts_against:
        return False
    return finding.severity is not None and finding.severity.rank >= Severity(show.value).rank


def iter_findings(findings: list[Finding], lang: str = "en", show: Show = Show.all) -> Iterator[str]:
    """Errors first, then warnings, then the rest, each group in the files' own order: what
    must be fixed leads. A stream of lines, so a national run never holds its whole report."""
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO, None):
        for finding in findings:
            if finding.severity is severity and listed(finding, show):
                yield render_finding(finding, lang) + "\n"


def render_summary(files: int, findings: list[Finding], fail_level: FailLevel, lang: str = "en",
                   show: Show = Show.all) -> str:
    """The last line on stderr: how many findings of each severity, how many of them the listing
    left out (and the option that lists them), and how many fail the run."""
    zh = lang == "zh"
    counts = Counter(f.severity for f in findings if f.counts_against)
    waived = sum(1 for f in findings if f.waiver is not None)
    existing = sum(1 for f in findings if f.waiver is None and f.baseline == "existing")
    hidden = sum(1 for f in findings if not listed(f, show))
    plural = "s" if files != 1 else ""
    checked = f"plancheck：已检查 {files} 个文件" if zh else f"plancheck: {files} file{plural} checked"
    if not findings:
        return f"{checked}，没有发现问题\n" if zh else f"{checked}, no findings\n"
    words = SEVERITY_WORDS[lang]
    if zh:
        parts = [f"{words[s]} {counts[s]}" for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
        parts += [f"已豁免 {waived}"] * bool(waived) + [f"基线已有 {existing}"] * bool(existing)
    else:
        parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
                 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
        parts += [f"{waived} waived"] * bool(waived) + [f"{existing} existing (baseline)"] * bool(existing)
    sep = "，" if zh else ", "
    text = f"{checked}：{sep.join(parts)}" if zh else f"{checked}: {sep.join(parts)}"
    if hidden:
        more = "info" if all(listed(f, Show.info) for f in findings if not listed(f, show)) else "all"
        text += (f"（{hidden} 条未列出：--show {more} 列出）" if zh
                 else f" ({hidden} not listed: --show {more} lists them)")
    if fail_level is None:
        return text + ("；没有问题导致失败（--fail-on never）\n" if zh
                       else "; none fails the run (--fail-on never)\n")
    failing = sum(n for s, n in counts.items() if reaches(s, fail_level))
    level = fail_level_name(fail_level)
    return text + (f"；{failing} 条达到或高于 {level}（--fail-on）\n" if zh
                   else f"; {failing} at or above {level} (--fail-on)\n")


def render_audit_summary(findings: list[Finding], lang: str = "en") -> str:
    """The last line of ``audit`` on stderr: how many sentences hold unexplained numbers."""
    from plancheck.checks.audit import UNEXPLAINED_NUMBER

    unexplained = sum(1 for f in findings if f.code == UNEXPLAINED_NUMBER)
    if lang == "zh":
        return f"plancheck：{unexplained} 句含未解释的数字\n"
    return f"plancheck: {unexplained} unexplained sentence{'s' if unexplained != 1 else ''}\n"
