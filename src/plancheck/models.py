"""Typed models of a plan file: jurisdiction, documents, targets.

The models hold the *structured reading* of each target next to the words it
came from (``quote``, ``hedge``), so a person can audit every reading. The
semantics of each field follow docs/design.md ("What a plan means") and docs/transcribing.md.

Validation is strict: unknown keys are errors (a typo must not silently drop a
number), numbers must be numbers (no ``"2025"`` strings), and NaN or infinity
are refused. Cross-references between parts of a plan (a target's document,
quotes required for published documents) are checked in
``checks/structure.py`` so each problem can point at its own line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from plancheck.reason import Reason

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64,
                          description="Lower-case ASCII identifier: letters, digits, underscores.")]
Year = Annotated[int, Field(ge=1949, le=2100, description="A calendar year.")]
Text = Annotated[str, Field(min_length=1, max_length=10_000)]

Level = Literal["national", "province", "city", "county", "district", "new_area"]
"""Administrative levels, from the State Council down. ``new_area`` is a state-level new area
such as 湖南湘江新区, which sits inside a city and is treated like a county-level unit."""

Comparator = Literal["at_least", "above", "at_most", "below", "reach"]
Commitment = Literal["aspirational", "gradual", "in_principle", "largely", "firm", "binding"]
Status = Literal["published", "draft"]

PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _date_to_text(value: object) -> object:
    """YAML reads 2022-10-28 as a date and 2024 as a number; keep all dates as ISO text
    so that partial ones (2024-01, when the day is blank) fit the same field."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


PartialDate = Annotated[str, BeforeValidator(_date_to_text),
                        Field(pattern=PARTIAL_DATE.pattern,
                              description="YYYY, YYYY-MM or YYYY-MM-DD: as much of the date as the text states.")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Fact(_Model):
    """A recorded fact about a jurisdiction, used to decide applicability conditions."""

    name: Id = Field(description="What the fact measures, e.g. urban_resident_population.")
    value: float | bool | Text = Field(description="The fact's value.")
    unit: Text | None = None
    year: Year | None = None
    source: Text = Field(description="Where the fact comes from: a statistical yearbook, census, or document.")
    quote: Text | None = Field(None, description="Verbatim sentence, when the source is one of the plan's documents.")
    document: Id | None = Field(None, description="The plan document the quote is from.")


class Jurisdiction(_Model):
    id: Id
    name: Text = Field(description="Official Chinese name, e.g. 茶陵县.")
    level: Level
    parent: Id | None = Field(description="The id of the jurisdiction directly above, even when its plan is absent.")
    facts: list[Fact] = Field(default_factory=list)


class YearRange(_Model):
    """A span of years: a document's horizon, or a stated period such as “十四五”期间 (2021-2025).

    Targets beyond a document's horizon are out of its horizon, not missing."""

    start: Year
    end: Year

    @model_validator(mode="after")
    def _ordered(self) -> YearRange:
        if self.end < self.start:
            raise ValueError(Reason(f"the range ends ({self.end}) before it starts ({self.start})",
                                    f"结束年份（{self.end}）早于开始年份（{self.start}）"))
        return self


class Document(_Model):
    id: Id = Field(description="Short id that targets use to name this document.")
    title: Text
    issuer: Text | None = None
    number: Text | None = Field(None, description="Document number, e.g. 湘政发〔2022〕19号.")
    level: Level | None = Field(None, description="Administrative level of the issuer.")
    date: PartialDate | None = None
    status: Status
    source: Text | None = Field(None, description="Path of the source text, relative to the plan file.")
    horizon: YearRange | None = Field(None, description="The years the document plans for.")
    note: Text | None = None


class Condition(_Model):
    """An applicability condition, e.g. 城区常住人口100万以上城市."""

    text: Text = Field(description="The condition as the document words it.")
    fact: Id | None = Field(None, description="The jurisdiction fact the condition tests.")
    comparator: Comparator | None = None
    value: float | None = None
    unit: Text | None = Field(None, description="Unit of the condition's value, e.g. 万人.")
    levels: list[Level] | None = Field(None, description="Levels the target binds, when the condition names them.")


class Target(_Model):
    indicator: Id = Field(description="An indicator id from the catalogue in rules/.")
    year: Year | None = Field(description="Target year; null when the text gives none.")
    value: float | None = Field(description="The number; null when unquantified or deferred.")
    unit: Text | None = None
    comparator: Comparator = Field("reach", description=(
        "at_least: 不低于/以上/达到…以上; above: 超过; at_most: 不高于/以下/以内/控制在…以内; below: 低于; "
        "reach: 达到 X or a plain X, read in the indicator's direction."))
    approximate: bool = Field(False, description="左右: a point value compared with a tolerance.")
    commitment: Commitment = Field("firm", description=(
        "aspirational: 力争/争取/努力; gradual: 逐步 (reached step by step, not by a date); in_principle: 原则上; "
        "largely: 基本 (基本实现: largely, not wholly); firm: a plain statement; binding: 确保/必须."))
    hedge: Text | None = Field(None, description="The hedging words as written, e.g. 力争, 左右, 以上.")
    base_year: Year | None = Field(None, description="For reductions such as 比2020年下降16%.")
    period: YearRange | None = Field(None, description="A stated period, e.g. “十四五”期间 → 2021-2025.")
    scope: Text | None = Field(None, description="What the target covers when narrower than the indicator, e.g. 新建大型、超大型数据中心.")
    qualifying: Text | None = Field(None, description=(
        "What counts towards the indicator when the text says so and it differs between plans, e.g. "
        "新能源、清洁能源动力 (gas vehicles count) against 非化石能源动力; a broader set is a weaker target."))
    condition: Condition | None = None
    deferred: bool = Field(False, description="完成省(市)下达目标: no own number, deferred to the level above.")
    quote: Text | None = Field(None, description="The shortest verbatim span of the source that carries the number and meaning.")
    section: Text | None = Field(None, description="Section reference, e.g. 三(四)3.")
    document: Id | None = Field(None, description="The id of the document this target is from; may be omitted when the plan has one document.")
    note: Text | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Target:
        if self.deferred and self.value is not None:
            raise ValueError(Reason("a deferred target (完成上级下达目标) has no value of its own; set value: null",
                                    "承接上级的目标（完成上级下达目标）没有自己的数值；请写 value: null"))
        if self.period is not None and self.year is not None and self.period.end != self.year:
            raise ValueError(Reason(f"year {self.year} differs from the end of the period ({self.period.end})",
                                    f"年份 {self.year} 与时期的结束年份（{self.period.end}）不一致"))
        return self


class Skipped(_Model):
    """A target-like number deliberately not transcribed, so ``plancheck audit`` can tell
    "considered and set aside" from "overlooked"."""

    quote: Text = Field(description="Verbatim span holding the number(s) set aside.")
    reason: Text = Field(description="Why it is not a target: background fact, document number, date, ...")
    document: Id | None = None
    section: Text | None = None


class Plan(_Model):
    jurisdiction: Jurisdiction
    documents: list[Document] = Field(min_length=1)
    targets: list[Target]
    skipped: list[Skipped] = Field(default_factory=list, description=(
        "Target-like numbers in the sources that are deliberately not targets, each with its reason."))

    def document_of(self, document_id: str | None) -> Document | None:
        """The document a target or entry names; naming none means the plan's only document
        (with several, ``validate`` requires the name: PC013)."""
        if document_id is None:
            return self.documents[0] if len(self.documents) == 1 else None
        return next((d for d in self.documents if d.id == document_id), None)
