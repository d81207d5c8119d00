"""The indicator catalogue: what each indicator id means and how it binds.

The catalogue is data the user edits (``rules/indicators.yaml``), not code:
adding an indicator must not need a release. Each indicator says which way is
stricter and how a parent's value binds a child (docs/design.md, "Indicators").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plancheck.failures import ConfigError
from plancheck.findings import Finding
from plancheck.loader import load_file
from plancheck.models import Condition, Id, Text
from plancheck.schema_errors import findings_from_validation_error

CATALOG_FILE = "indicators.yaml"

Direction = Literal["higher", "lower"]
Binding = Literal["per_jurisdiction", "aggregate", "extensive"]


class Indicator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    id: Id
    name_zh: Text
    name_en: Text
    unit: str = Field(max_length=32, description="The unit values are given in, e.g. % or 万吨; empty for a pure ratio such as PUE.")
    direction: Direction = Field(description="higher: a higher value is stricter; lower: a lower value is.")
    binding: Binding = Field(description=(
        "per_jurisdiction: the child must match or beat the parent; aggregate: a regional "
        "average, a child below it is not weaker; extensive: a total, not comparable one to one."))
    tolerance: float = Field(0.0, ge=0, description="How far an approximate (左右) value may differ and still be equal, in the unit.")
    description: Text | None = None
    scopes: dict[str, list[str]] = Field(default_factory=dict, description=(
        "Scope inclusions: each scope maps to the wider scopes that contain it, e.g. "
        "新建大型、超大型数据中心: [新建数据中心]. Used to tell a wider lower-level target from a narrower one."))
    related: list[Id] = Field(default_factory=list, description=(
        "Indicators that measure something close but not the same (a bus fleet's share against the share "
        "among new buses). Never compared; a missing row names what the lower plan sets on them."))
    applies_when: Condition | None = Field(None, description=(
        "Which jurisdictions the indicator binds at all, e.g. only those with a civil transport airport "
        "(fact civil_transport_airport: true). A lower plan silent on it is then missing it only where the "
        "condition holds; where the fact is not recorded the verdict is condition_unknown."))


class CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    indicators: list[Indicator]


@dataclass(frozen=True)
class Catalog:
    indicators: dict[str, Indicator]
    file: str

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self.indicators

    def get(self, indicator_id: str) -> Indicator | None:
        return self.indicators.get(indicator_id)


def default_rules_dir(local: Path = Path("rules")) -> Path:
    """The project's ``rules/`` (``local``: the run passes the one at the project root) if it
    has a catalogue, else the packaged copy.

    The packaged copy (``plancheck/_rules`` in a wheel) keeps an installed tool
    usable anywhere; a project's own ``rules/`` wins so analysts can extend it.
    """
    if (local / CATALOG_FILE).is_file():
        return local
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parents[1] / "rules"):
        if (candidate / CATALOG_FILE).is_file():
            return candidate
    return local


def load_catalog(rules_dir: Path | None = None) -> Catalog:
    rules_dir = rules_dir if rules_dir is not None else default_rules_dir()
    path = rules_dir / CATALOG_FILE
    display = str(path)
    loaded = load_file(path, display)
    problems = [f for f in loaded.problems]
    if loaded.data is None:
        raise ConfigError(problems or [Finding("PC016", "empty catalogue", file=display)])
    try:
        parsed = CatalogFile.model_validate(loaded.data)
    except ValidationError as exc:
        problems += findings_from_validation_error(exc, loaded.data, loaded.positions, display, CatalogFile,
                                                   code_override="PC016")
        raise ConfigError(problems) from None
    if problems:
        raise ConfigError(problems)
    indicators: dict[str, Indicator] = {}
    for i, ind in enumerate(parsed.indicators):
        if ind.id in indicators:
            pos = loaded.positions.locate(("indicators", i, "id"))
            raise ConfigError([Finding("PC016", f"indicator {ind.id!r} is defined twice",
                                       file=display, line=pos.line, column=pos.column)])
        indicators[ind.id] = ind
    for i, ind in enumerate(parsed.indicators):
        for j, other in enumerate(ind.related):
            if other not in indicators:
                pos = loaded.positions.locate(("indicators", i, "related", j))
                raise ConfigError([Finding("PC016",
                                           f"indicator {ind.id!r}: related indicator {other!r} is not in the catalogue",
                                           file=display, line=pos.line, column=pos.column)])
    return Catalog(indicators, display)
