"""Check settings: defaults in ``rules/settings.yaml``, a project's overrides, the command line.

Precedence, lowest to highest: the rules folder's defaults, then ``.plancheck.yaml``
in the working directory or, if absent, ``[tool.plancheck]`` in ``pyproject.toml``,
then command-line options. Load errors (PC0xx) can be neither disabled nor
downgraded: a file that cannot be read is never a pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plancheck.code_registry import all_codes
from plancheck.codes import is_load_error
from plancheck.failures import ConfigError
from plancheck.findings import FailLevel, Finding, Severity, parse_fail_level
from plancheck.loader import load_file
from plancheck.positions import PositionMap
from plancheck.reason import Reason
from plancheck.schema_errors import findings_from_validation_error
from plancheck.textfiles import present, read_text

SETTINGS_FILE = "settings.yaml"
PROJECT_FILE = ".plancheck.yaml"

class SettingsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    fail_on: Literal["info", "warning", "error", "never"] | None = Field(None, alias="fail-on")
    severity: dict[str, Severity] = Field(default_factory=dict)
    disable: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    fail_on: FailLevel = Severity.ERROR
    severity: dict[str, Severity] = field(default_factory=dict)
    disable: frozenset[str] = frozenset()

    def overlay(self, other: SettingsFile) -> Settings:
        fail_on = self.fail_on if other.fail_on is None else parse_fail_level(other.fail_on)
        return Settings(fail_on, {**self.severity, **other.severity}, self.disable | frozenset(other.disable))


def _parse(data: Any, positions: PositionMap, display: str) -> SettingsFile:
    try:
        parsed = SettingsFile.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise ConfigError(findings_from_validation_error(exc, data, positions, display, SettingsFile,
                                                         code_override="PC016")) from None
    known = all_codes() if parsed.severity or parsed.disable else {}
    problems = []
    for section, codes in (("severity", list(parsed.severity)), ("disable", parsed.disable)):
        for i, code in enumerate(codes):
            pos = positions.locate((section, code if section == "severity" else i), at_key=section == "severity")
            if code.upper() not in known:
                why = Reason(f"unknown code {code!r} (plancheck explain lists the codes)",
                             f"未知的代码 {code!r}（plancheck explain 列出所有代码）")
            elif is_load_error(code.upper()):
                disabled = section == "disable"
                why = Reason(f"{code} is a load error: a file that cannot be read is never a pass, so it can be "
                             f"neither {'disabled' if disabled else 'given another severity'}",
                             f"{code} 是读取错误：无法读取的文件绝不算通过，因此不能"
                             f"{'停用' if disabled else '改变其严重程度'}")
            else:
                continue
            problems.append(Finding("PC016", Reason(f"{section}: ", f"{section}：") + why, file=display,
                                    line=pos.line, column=pos.column))
    spelled = [c.upper() for c in parsed.severity]
    for code in sorted({c for c in spelled if spelled.count(c) > 1}):
        pos = positions.locate(("severity",), at_key=True)
        problems.append(Finding("PC016", Reason(f"severity: {code} is given twice (in another case); one would "
                                                "silently replace the other",
                                                f"severity：{code} 出现了两次（大小写不同）；一个会悄然覆盖另一个"),
                                file=display, line=pos.line, column=pos.column))
    if problems:
        raise ConfigError(problems)
    # Codes are matched as written in the catalogue (upper case); settings may spell them either way.
    return parsed.model_copy(update={"severity": {c.upper(): v for c, v in parsed.severity.items()},
                                     "disable": [c.upper() for c in parsed.disable]})


def _from_yaml(path: Path) -> SettingsFile:
    loaded = load_file(path, str(path))
    if loaded.problems:
        raise ConfigError(loaded.problems)
    return _parse(loaded.data, loaded.positions, str(path))


def pyproject_table(pyproject: Path) -> tuple[dict[str, Any] | None, str]:
    """``[tool.plancheck]`` of a ``pyproject.toml`` (None when it has none), and the file's text.

    Read through the same size-capped reader as every other input; a file that is not TOML, or
    whose ``tool`` is not a table, is a located configuration error, never a crash."""
    import tomllib  # only when a pyproject.toml is there to read

    display = str(pyproject)
    text, problems = read_text(pyproject, display)
    if text is None:
        raise ConfigError([replace(f, code="PC016") for f in problems])
    try:
        data = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError, or an integer too long to convert
        if not isinstance(exc, tomllib.TOMLDecodeError):
            detail = str(exc).split(";")[0]
            raise ConfigError([Finding("PC016", Reason(f"not usable TOML: {detail}", f"无法使用的 TOML：{detail}"),
                                       file=display, line=1, column=1)]) from None
        at = re.search(r" \(at line (\d+), column (\d+)\)", str(exc))  # tomllib's only record of where
        message = str(exc)[:at.start()] if at else str(exc)
        raise ConfigError([Finding("PC016", Reason(f"not valid TOML: {message}", f"不是有效的 TOML：{message}"),
                                   file=display, line=int(at[1]) if at else 1,
                                   column=int(at[2]) if at else 1)]) from None
    tool = data.get("tool")
    if tool is None:
        return None, text
    if not isinstance(tool, dict):
        raise ConfigError([Finding("PC016", _not_a_table("tool", tool), file=display, line=_toml_line(text, "tool"),
                                   column=1)])
    table = tool.get("plancheck")
    if table is not None and not isinstance(table, dict):
        raise ConfigError([Finding("PC016", _not_a_table("tool.plancheck", table), file=display,
                                   line=_toml_line(text, "plancheck"), column=1)])
    return table, text


def _not_a_table(key: str, value: object) -> Reason:
    kind = type(value).__name__
    return Reason(f"`{key}` must be a table, not {kind}", f"`{key}` 必须是表（table），不能是 {kind}")


def _toml_line(text: str, key: str, after: int = 0) -> int:
    """The first line (after line ``after``) that assigns or opens ``key``: tomllib keeps no
    positions; ``after`` when nothing matches."""
    for number, line in enumerate(text.splitlines(), 1):
        if number <= after:
            continue
        stripped = line.strip()
        if stripped.startswith((f"{key} ", f"{key}=", f"{key}.", f"[{key}", f"[tool.{key}")) \
                or stripped.startswith(f"tool.{key}"):
            return number
    return after or 1


def load_settings(rules_dir: Path, project_dir: Path = Path(".")) -> Settings:
    settings = Settings()
    if present(rules_dir / SETTINGS_FILE):
        settings = settings.overlay(_from_yaml(rules_dir / SETTINGS_FILE))
    project = project_dir / PROJECT_FILE
    pyproject = project_dir / "pyproject.toml"
    if present(project):
        settings = settings.overlay(_from_yaml(project))
    elif present(pyproject):
        table, text = pyproject_table(pyproject)
        if table is not None:
            try:
                parsed = _parse(table, PositionMap(), str(pyproject))
            except ConfigError as exc:  # tomllib keeps no positions: point at the key's line in the table
                header = _toml_line(text, "plancheck")
                raise ConfigError([replace(f, line=_toml_line(text, str(f.path[0]), after=header) if f.path
                                           else header, column=1) for f in exc.findings]) from None
            settings = settings.overlay(parsed)
    return settings

