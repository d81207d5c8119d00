"""Waivers: a committed, reasoned decision to accept one finding.

A waiver names plan, indicator, year and code, and must give a reason; it may
expire. A waived finding stays in every report, marked as waived with its reason,
and no longer counts toward the fail level. A waiver that matches nothing, or
that has expired, is itself reported, so waivers cannot silently outlive the gap
they were written for.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plancheck.codes import CodeDoc, is_load_error
from plancheck.failures import ConfigError
from plancheck.findings import Finding, Severity, WaiverNote
from plancheck.loader import load_file
from plancheck.models import Id, Text, Year
from plancheck.positions import PositionMap
from plancheck.reason import Reason
from plancheck.schema_errors import findings_from_validation_error
from plancheck.textfiles import present

WAIVER_FILE = "waivers.yaml"
EXPIRED = "PC501"
UNUSED = "PC502"

CODES = (
    CodeDoc(EXPIRED, "expired-waiver", Severity.WARNING, "A waiver has expired.", """
The waiver's `expires` date has passed, so the finding it covered is reported as
before. Renew the waiver with a new reason and date, or fix the gap.""".strip()),
    CodeDoc(UNUSED, "unused-waiver", Severity.WARNING, "A waiver matches no finding.", """
No finding has the waiver's plan, indicator, year and code: the gap was fixed or the
waiver has a typo. Remove it, so it cannot hide a future finding by accident.""".strip()),
)


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    plan: Id
    code: str = Field(pattern=r"^PC\d{3}$")
    indicator: Id | None = None
    year: Year | None = None
    reason: Text
    expires: dt.date | None = None


class WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    waivers: list[Waiver] = Field(default_factory=list)


@dataclass(frozen=True)
class LoadedWaivers:
    waivers: list[Waiver]
    file: str
    positions: PositionMap


def today() -> dt.date:
    """``PLANCHECK_TODAY`` (YYYY-MM-DD) pins the date, so reports and tests are reproducible."""
    pinned = os.environ.get("PLANCHECK_TODAY")
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError:
        raise ConfigError([Finding("PC016", Reason(f"PLANCHECK_TODAY must be a date YYYY-MM-DD, not {pinned!r}",
                                                   f"PLANCHECK_TODAY 必须是 YYYY-MM-DD 格式的日期，不能是 {pinned!r}"),
                                   file="$PLANCHECK_TODAY", line=1, column=1)]) from None


def load_waivers(path: Path) -> LoadedWaivers | None:
    """The waivers, or None when nothing is at ``path`` (``textfiles.present``)."""
    if not present(path):
        return None
    loaded = load_file(path, str(path))
    if loaded.problems:
        raise ConfigError(loaded.problems)
    try:
        parsed = WaiverFile.model_validate(loaded.data if loaded.data is not None else {})
    except ValidationError as exc:
        raise ConfigError(findings_from_validation_error(exc, loaded.data, loaded.positions, str(path), WaiverFile,
                                                         code_override="PC016")) from None
    for i, waiver in enumerate(parsed.waivers):
        if is_load_error(waiver.code):  # a file that cannot be read is never accepted
            pos = loaded.positions.locate(("waivers", i, "code"))
            raise ConfigError([Finding("PC016", Reason(
                f"waivers[{i}].code: {waiver.code} is a load error; a file that cannot be read cannot be waived, "
                "only fixed", f"waivers[{i}].code：{waiver.code} 是读取错误；无法读取的文件不能豁免，只能修正"),
                file=str(path), line=pos.line, column=pos.column)])
    return LoadedWaivers(parsed.waivers, str(path), loaded.positions)


def _matches(w: Waiver, f: Finding) -> bool:
    return (w.plan == f.plan and w.code == f.code
            and (w.indicator is None or w.indicator == f.indicator)
            and (w.year is None or w.year == f.year))


def apply_waivers(findings: list[Finding], loaded: LoadedWaivers | None, on: dt.date,
                  judged: set[str] | None = None) -> tuple[list[Finding], list[Finding]]:
    """Mark waived findings, and report expired or unused waivers at their line in the waiver
    file: the findings (marked where waived) and the waivers' own findings, apart, so the
    policy grades only the new ones.

    ``judged`` names the plans this run checked in full; a waiver for any other plan is left
    alone, since a run that did not look at its plan cannot know whether it is still needed
    (``compare`` judges none: it sees one pair, and only ``check`` sees every finding). None
    means every plan."""
    if loaded is None:
        return findings, []
    used: set[int] = set()
    out: list[Finding] = []
    own: list[Finding] = []
    for f in findings:
        index = next((i for i, w in enumerate(loaded.waivers) if _matches(w, f)), None)
        if index is None:
            out.append(f)
            continue
        used.add(index)
        waiver = loaded.waivers[index]
        if waiver.expires is not None and waiver.expires < on:
            out.append(f)
        else:
            out.append(replace(f, waiver=WaiverNote(waiver.reason, waiver.expires.isoformat() if waiver.expires else None,
                                                    loaded.file)))
    for i, w in enumerate(loaded.waivers):
        if i not in used and judged is not None and w.plan not in judged:
            continue
        pos = loaded.positions.locate(("waivers", i))
        where = f"{w.plan} {w.code}" + (f" {w.indicator}" if w.indicator else "") + (f" {w.year}" if w.year else "")
        if w.expires is not None and w.expires < on:
            own.append(Finding(EXPIRED, Reason(f"waiver for {where} expired on {w.expires.isoformat()}",
                                               f"{where} 的豁免已于 {w.expires.isoformat()} 到期"),
                               plan=w.plan, file=loaded.file, line=pos.line, column=pos.column,
                               indicator=w.indicator, year=w.year))
        elif i not in used:
            own.append(Finding(UNUSED, Reason(f"waiver for {where} matches no finding",
                                              f"{where} 的豁免没有对应任何问题"),
                               plan=w.plan, file=loaded.file, line=pos.line, column=pos.column,
                               indicator=w.indicator, year=w.year))
    return out, own
