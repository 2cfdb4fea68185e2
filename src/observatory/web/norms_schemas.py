"""Models of `/api/v1/norms`: ``XPublic`` for one, ``XsPublic(data, count)`` for lists, ``XCreate``."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field


class InstrumentPublic(BaseModel):
    id: str
    name: str
    short_name: str
    cluster: str
    adopted_by: str
    resolution: str = Field(description='"GA 65/229", "ECOSOC 2002/12", or "" when adopted by a Congress.')
    year: int
    item: str = Field(description="What the instrument's items are called: rule, principle, article, ...")
    rules: int = Field(description="Number of rules catalogued.")
    complete: bool = Field(description="False when not every item is catalogued yet (see note).")
    note: str


class InstrumentsPublic(BaseModel):
    data: list[InstrumentPublic]
    count: int


class RuleLinkPublic(BaseModel):
    direction: str = Field(description="outgoing: this rule supplements/complements/... the other; incoming.")
    kind: str
    ref: str
    instrument: str
    number: str
    title: str


class RulePublic(BaseModel):
    ref: str
    number: str
    title: str
    section: str
    part: str
    links: list[RuleLinkPublic]


class SectionPublic(BaseModel):
    part: str
    title: str
    rules: list[RulePublic]


class InstrumentDetailPublic(InstrumentPublic):
    sections: list[SectionPublic]


class RuleHitPublic(BaseModel):
    ref: str
    instrument: str
    instrument_name: str
    number: str
    title: str
    section: str
    score: int


class RuleHitsPublic(BaseModel):
    data: list[RuleHitPublic]
    count: int


class ChecklistSummaryPublic(BaseModel):
    id: str
    version: str
    title: str
    items: int
    scale: str


class ChecklistsPublic(BaseModel):
    data: list[ChecklistSummaryPublic]
    count: int


class ChecklistItemRulePublic(BaseModel):
    ref: str
    instrument: str
    number: str
    title: str


class ChecklistItemPublic(BaseModel):
    id: str
    section: str
    prompt: str
    tests: list[str]
    rules: list[ChecklistItemRulePublic]
    evidence: list[str]
    weight: float
    kind: str
    guidance: str
    indicator: dict[str, Any] | None


class ChecklistPublic(BaseModel):
    id: str
    version: str
    title: str
    description: str
    gap_below: int
    scale: dict[str, Any]
    sections: list[str]
    instruments: list[str]
    items: list[ChecklistItemPublic]


class EvidenceIn(BaseModel):
    kind: str = "document"
    description: str = ""
    url: str | None = None
    filename: str | None = Field(None, description="With content_base64: an uploaded file (PDF, docx, ...).")
    content_base64: str | None = None


class FindingIn(BaseModel):
    item: str
    rating: int | str | None = Field(None, description='A level of the scale, or "n/a".')
    comment: str = ""
    answer: str = Field("", description="The answer of a free-text item.")
    evidence: list[EvidenceIn] = Field(default_factory=list)


class AssessmentCreate(BaseModel):
    checklist: str
    country: str
    assessed_on: date
    note: str = ""
    fill: bool = Field(True, description="Fill indicator-backed items from the latest release.")
    findings: list[FindingIn]


class ScorePublic(BaseModel):
    score: float | None = Field(description="Weighted mean in [0, 1]; null without rated items.")
    rated: int
    not_applicable: int
    unanswered: int
    weight: float


class AssessmentPublic(BaseModel):
    id: int | None
    checklist: str
    version: str
    country: str
    assessor: str
    assessed_on: str
    recorded_at: str | None
    findings: list[dict[str, Any]]
    note: str
    overall: ScorePublic
    sections: dict[str, ScorePublic]
    instruments: dict[str, ScorePublic]
    not_filled: list[str] = Field(
        default_factory=list, description="Indicator items that could not be filled."
    )


class AssessmentSummaryPublic(BaseModel):
    id: int | None
    checklist: str
    version: str
    country: str
    assessor: str
    assessed_on: str
    recorded_at: str | None
    findings: int
    note: str


class AssessmentsPublic(BaseModel):
    data: list[AssessmentSummaryPublic]
    count: int


class CountryScorePublic(BaseModel):
    checklist: str
    version: str
    title: str
    assessed_on: date
    assessors: list[str]
    assessments: list[int | None]
    overall: ScorePublic
    sections: dict[str, ScorePublic]
    instruments: dict[str, ScorePublic]


class CountryScoresPublic(BaseModel):
    country: str
    data: list[CountryScorePublic]
    count: int


class GapPublic(BaseModel):
    key: str = Field(description="<country>:<checklist>:<item>, what assistance projects link to.")
    country: str
    checklist: str
    version: str
    item: str
    section: str
    prompt: str
    rating: float
    label: str
    rules: list[str]
    assessed_on: date


class GapsPublic(BaseModel):
    country: str
    data: list[GapPublic]
    count: int


class AgreementPublic(BaseModel):
    checklist: str
    version: str
    country: str
    a: AssessmentSummaryPublic
    b: AssessmentSummaryPublic
    kappa: float | None
    weights: str
    items: int
    agreed: int
    observed_agreement: float | None
    disagreements: list[dict[str, Any]]


class DeltaPublic(BaseModel):
    before: AssessmentSummaryPublic
    after: AssessmentSummaryPublic
    overall: dict[str, Any]
    sections: dict[str, dict[str, Any]]
    items: list[dict[str, Any]]
