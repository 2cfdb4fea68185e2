"""API models of the technical-assistance portfolio (``/api/v1/assistance``): what a client sends to create
or update a project. The service checks everything the catalogues know (currency, countries, region,
indicators, assessment items) and answers with located ``400`` errors (``unknown-currency``, ...)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from observatory.model.assistance import Cluster, Measure, PartnerRole, Status, Theme


class PartnerIn(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    role: PartnerRole
    ref: str = Field("", description="IATI organisation identifier, when known.")


class BudgetIn(BaseModel):
    amount: Decimal = Field(description="Pledged budget (zero or more).")
    currency: str = Field(description="ISO 4217 alphabetic code (USD, EUR).", examples=["USD"])
    value_date: date | None = Field(None, description="The day the amount's value refers to.")


class PeriodIn(BaseModel):
    year: int = Field(ge=1900, le=2100)
    target: Decimal | None = None
    actual: Decimal | None = None


class OutcomeIndicatorIn(BaseModel):
    ref: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1)
    indicator_id: str | None = Field(None, description="An Observatory indicator id (sdg_16_3_2).")
    assessment_item: str | None = Field(None, description="An assessment item, checklist:item.")
    area: str | None = Field(None, description="Where the indicator is read (default: the only country).")
    measure: Measure = Measure.unit
    baseline: Decimal | None = None
    baseline_year: int | None = Field(None, ge=1900, le=2100)
    periods: list[PeriodIn] = Field(default_factory=list)


class ProjectBase(BaseModel):
    title: str = Field(min_length=1)
    description: str = ""
    countries: list[str] = Field(default_factory=list, description="ISO3, M49 codes or names.")
    region: str | None = Field(None, description="M49 region or sub-region (code or name).")
    themes: list[Theme] = Field(default_factory=list)
    extra_clusters: list[Cluster] = Field(default_factory=list, description="Clusters no theme implies.")
    partners: list[PartnerIn] = Field(default_factory=list)
    budget: BudgetIn
    start: date | None = None
    end: date | None = None
    status: Status = Status.pipeline
    indicators: list[OutcomeIndicatorIn] = Field(default_factory=list)
    gaps: list[str] = Field(default_factory=list, description="Assessment gaps addressed, checklist:item.")
    comment: str = Field("", description="Why: kept with the revision.")

    def project_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.model_dump(mode="json", exclude={"comment"})
        return data


class ProjectCreate(ProjectBase):
    code: str = Field(min_length=1, max_length=40, description="The project's code, its identifier.")


class ProjectUpdate(ProjectBase):
    """The whole project as it should now be; the previous version is kept as a revision."""
