"""The indicator catalogue: what each indicator id means and how it binds.

The catalogue is data the user edits (``rules/indicators.yaml``), not code:
adding an indicator must not need a release. Each indicator says which way is
stricter and how a parent's value binds a child (docs/design.md, "Indicators").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plancheck.failures import ConfigError
from plancheck.findings import Finding
from plancheck.loader import load_file
from plancheck.models import Condition, Id, Text
from plancheck.project import CATALOG_FILE, default_rules_dir
from plancheck.reason import Reason
from plancheck.schema_errors import findings_from_validation_error

Direction = Literal["higher", "lower"]
Binding = Literal["per_jurisdiction", "aggregate", "extensive"]


class StatedAs(BaseModel):
    """Another indicator and scope under which a plan may state this indicator's requirement in its
    own terms: the province's retrofit threshold (PUE above 1.5 must be retrofitted) is a county's
    既有数据中心 PUE 不高于1.5."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    indicator: Id
    scope: Text | None = None
    value: float | None = Field(None, description=(
        "Only a lower target with this value states the requirement: a 100% new-energy bus fleet means "
        "every new bus is one, a 90% fleet says nothing about new buses."))


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
    qualifying: dict[str, list[str]] = Field(default_factory=dict, description=(
        "Qualifying-set inclusions: each set of what counts maps to the wider sets that contain it, e.g. "
        "非化石能源动力: [新能源、清洁能源动力]. Counting more things (gas vehicles) makes a share easier to reach, "
        "so a wider qualifying set is a weaker target and a narrower one a stricter one."))
    counts: Text | None = Field(None, description=(
        "What counts towards the indicator when a target does not say (its name's set, e.g. 新能源及清洁能源): "
        "the qualifying set a target without ``qualifying`` is compared with."))
    stated_as: list[StatedAs] = Field(default_factory=list, description=(
        "The same requirement in other words: a lower target on another indicator and scope that states it. "
        "Pairing compares such a target with this indicator's instead of reporting it missing."))
    related: list[Id] = Field(default_factory=list, description=(
        "Indicators that measure something close but not the same (a bus fleet's share against the share "
        "among new buses). Never compared; a missing row names what the lower plan sets on them."))
    keywords: list[Text] = Field(default_factory=list, description=(
        "The words a plan uses for the indicator, for ``plancheck extract`` to place a number: each is "
        "a span the sentence holds before the number, with … where other words may stand between "
        "(单位…生产总值…能耗…下降 matches 单位国内生产总值能源消耗比2020年下降). The longest nearest match wins."))
    applies_when: Condition | None = Field(None, description=(
        "Which jurisdictions the indicator binds at all, e.g. only those with a civil transport airport "
        "(fact civil_transport_airport: true). A lower plan silent on it is then missing it only where the "
        "condition holds; where the fact is not recorded the verdict is condition_unknown."))


class CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    indicators: list[Indicator]
    terms: dict[str, str] = Field(default_factory=dict, description=(
        "English renderings of the Chinese words plans use for scopes, hedges, qualifying sets and "
        "conditions, so an English report carries them beside the Chinese."))


@dataclass(frozen=True)
class Catalog:
    indicators: dict[str, Indicator]
    file: str
    terms: dict[str, str] = field(default_factory=dict)
    """English renderings of scopes, hedges and conditions (``CatalogFile.terms``)."""
    fingerprint: str = ""
    """12 hex digits of SHA-256 over the catalogue's content (not its layout or comments): a
    report names the catalogue its verdicts rest on, and a changed catalogue a new one."""

    def __contains__(self, indicator_id: str) -> bool:
        return indicator_id in self.indicators

    def get(self, indicator_id: str) -> Indicator | None:
        return self.indicators.get(indicator_id)


def load_catalog(rules_dir: Path | None = None) -> Catalog:
    rules_dir = rules_dir if rules_dir is not None else default_rules_dir()
    path = rules_dir / CATALOG_FILE
    display = str(path)
    loaded = load_file(path, display)
    problems = [f for f in loaded.problems]
    if loaded.data is None:
        raise ConfigError(problems or [Finding("PC016", Reason("empty catalogue", "指标目录为空"), file=display)])
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
            raise ConfigError([Finding("PC016", Reason(f"indicator {ind.id!r} is defined twice",
                                                       f"指标 {ind.id!r} 定义了两次"),
                                       file=display, line=pos.line, column=pos.column)])
        indicators[ind.id] = ind
    for i, ind in enumerate(parsed.indicators):
        for j, other in enumerate(ind.related):
            if other not in indicators:
                pos = loaded.positions.locate(("indicators", i, "related", j))
                raise ConfigError([Finding("PC016", Reason(
                    f"indicator {ind.id!r}: related indicator {other!r} is not in the catalogue",
                    f"指标 {ind.id!r}：相关指标（related）{other!r} 不在指标目录中"),
                    file=display, line=pos.line, column=pos.column)])
        for j, other in enumerate(ind.stated_as):
            if other.indicator not in indicators:
                pos = loaded.positions.locate(("indicators", i, "stated_as", j, "indicator"))
                raise ConfigError([Finding("PC016", Reason(
                    f"indicator {ind.id!r}: stated_as names {other.indicator!r}, which is not in the catalogue",
                    f"指标 {ind.id!r}：stated_as 所列的 {other.indicator!r} 不在指标目录中"),
                    file=display, line=pos.line, column=pos.column)])
    return Catalog(indicators, display, parsed.terms, content_fingerprint(loaded.data))


def content_fingerprint(data: object) -> str:
    import hashlib
    import json

    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:12]
