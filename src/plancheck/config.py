"""Check settings: defaults in ``rules/settings.yaml``, a project's overrides, the command line.

Precedence, lowest to highest: the rules folder's defaults, then ``.plancheck.yaml``
in the working directory or, if absent, ``[tool.plancheck]`` in ``pyproject.toml``,
then command-line options. Load errors (PC0xx) can be neither disabled nor
downgraded: a file that cannot be read is never a pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plancheck.catalog import ConfigError
from plancheck.codes import all_codes, is_load_error_code
from plancheck.findings import FailLevel, Finding, Severity, parse_fail_level
from plancheck.loader import PositionMap, load_file
from plancheck.schema_errors import findings_from_validation_error

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
        return Settings(fail_on, {**self.severity, **other.severity},
                        self.disable | frozenset(c.upper() for c in other.disable))

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """Drop disabled codes and apply severity overrides; load errors stay as they are."""
        out = []
        for f in findings:
            if is_load_error_code(f.code):
                out.append(f)
            elif f.code not in self.disable:
                override = self.severity.get(f.code)
                out.append(f if override is None else replace(f, severity=override))
        return out


def _parse(data: Any, positions: PositionMap, display: str) -> SettingsFile:
    try:
        parsed = SettingsFile.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise ConfigError(findings_from_validation_error(exc, data, positions, display, SettingsFile,
                                                         code_override="PC016")) from None
    known = all_codes()
    unknown = [c for c in [*parsed.severity, *parsed.disable] if c.upper() not in known]
    if unknown:
        raise ConfigError([Finding("PC016", Severity.ERROR, f"unknown code(s) {', '.join(unknown)} in settings",
                                   file=display, line=1, column=1)])
    return parsed


def _from_yaml(path: Path) -> SettingsFile:
    loaded = load_file(path, str(path))
    if loaded.problems:
        raise ConfigError(loaded.problems)
    return _parse(loaded.data, loaded.positions, str(path))


def load_settings(rules_dir: Path, project_dir: Path = Path(".")) -> Settings:
    settings = Settings()
    if (rules_dir / SETTINGS_FILE).is_file():
        settings = settings.overlay(_from_yaml(rules_dir / SETTINGS_FILE))
    project = project_dir / PROJECT_FILE
    pyproject = project_dir / "pyproject.toml"
    if project.is_file():
        settings = settings.overlay(_from_yaml(project))
    elif pyproject.is_file():
        import tomllib  # only when a pyproject.toml is there to read

        try:
            table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("plancheck")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError([Finding("PC016", Severity.ERROR, f"cannot read pyproject.toml: {exc}",
                                       file=str(pyproject))]) from None
        if table is not None:
            settings = settings.overlay(_parse(table, PositionMap(), f"{pyproject} [tool.plancheck]"))
    return settings
