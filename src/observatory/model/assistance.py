"""The technical-assistance portfolio: projects, their partners, budget and results framework.

A :class:`Project` has a code (its identifier), a title, the countries it works in (catalogue codes) and a
region (an M49 aggregate code), themes from the report (:class:`Theme`) and through them links to the four
clusters of the standards and norms (:class:`Cluster`), donors and implementing partners, a pledged budget
in an ISO 4217 currency, dates and a :class:`Status`. Its results framework is a list of outcome indicators
(:class:`OutcomeIndicator`): a baseline, and a target and an actual per period (year), each linked to an
Observatory indicator (``indicators.toml``) or to an assessment item (``checklist:item``, resolved by the
norms engine). ``gaps`` names the assessment gaps the project addresses, in the same ``checklist:item`` form.

Pure: the catalogues (areas, currencies, indicators) are checked by the service (``assistance``); this
module checks what needs nothing else (an end before the start, a negative budget, a malformed reference)
and raises :class:`InvalidInput` naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from observatory.errors import ErrorLocation, InvalidInput

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
# ``checklist:item``: a checklist id and an item id of the norms engine (``bangkok:5.1``).
ITEM_REFERENCE = re.compile(r"^[a-z0-9][a-z0-9._-]*:[A-Za-z0-9][A-Za-z0-9._()-]*$")


class Theme(StrEnum):
    """The themes of the technical-assistance portfolio, as the report names them."""

    crime_prevention = "crime-prevention"
    police_reform = "police-reform"
    prosecution = "prosecution"
    judiciary = "judiciary"
    legal_aid = "legal-aid"
    prison_reform = "prison-reform"
    alternatives_to_imprisonment = "alternatives-to-imprisonment"
    juvenile_justice = "juvenile-justice"
    victims = "victims"
    women_in_justice = "women-in-justice"

    @property
    def label(self) -> str:
        return (
            "Women in the justice system"
            if self is Theme.women_in_justice
            else (self.value.replace("-", " ").capitalize())
        )


class Cluster(StrEnum):
    """The four clusters of the UN standards and norms in crime prevention and criminal justice."""

    custody_and_juvenile_justice = "custody-noncustodial-juvenile-restorative"
    international_cooperation = "international-cooperation"
    crime_prevention_and_victims = "crime-prevention-victims"
    governance_and_integrity = "governance-judicial-independence-integrity"

    @property
    def label(self) -> str:
        return {
            Cluster.custody_and_juvenile_justice: (
                "Persons in custody, non-custodial sanctions, juvenile and restorative justice"
            ),
            Cluster.international_cooperation: "International cooperation",
            Cluster.crime_prevention_and_victims: "Crime prevention and victims",
            Cluster.governance_and_integrity: "Good governance, judicial independence and integrity",
        }[self]


# The clusters whose instruments a theme applies (a project may name more, international cooperation
# for instance, which no theme implies).
THEME_CLUSTERS: dict[Theme, tuple[Cluster, ...]] = {
    Theme.crime_prevention: (Cluster.crime_prevention_and_victims,),
    Theme.police_reform: (Cluster.governance_and_integrity,),
    Theme.prosecution: (Cluster.governance_and_integrity,),
    Theme.judiciary: (Cluster.governance_and_integrity,),
    Theme.legal_aid: (Cluster.custody_and_juvenile_justice, Cluster.governance_and_integrity),
    Theme.prison_reform: (Cluster.custody_and_juvenile_justice,),
    Theme.alternatives_to_imprisonment: (Cluster.custody_and_juvenile_justice,),
    Theme.juvenile_justice: (Cluster.custody_and_juvenile_justice,),
    Theme.victims: (Cluster.crime_prevention_and_victims,),
    Theme.women_in_justice: (Cluster.custody_and_juvenile_justice,),
}


class Status(StrEnum):
    pipeline = "pipeline"
    ongoing = "ongoing"
    completed = "completed"
    cancelled = "cancelled"


class PartnerRole(StrEnum):
    donor = "donor"
    implementing = "implementing"


class Measure(StrEnum):
    """How an outcome indicator is measured (IATI IndicatorMeasure 1 and 2)."""

    unit = "unit"
    percentage = "percentage"


def _invalid(message: str, code: str, where: str) -> InvalidInput:
    return InvalidInput(message, code=code, location=ErrorLocation(field=where))


def check_reference(text: str, where: str) -> str:
    """A ``checklist:item`` reference, trimmed; :class:`InvalidInput` if malformed."""
    ref = text.strip()
    if not ITEM_REFERENCE.match(ref):
        raise _invalid(
            f"{text!r} is not an assessment reference; write checklist:item (for example bangkok:5.1)",
            "invalid-reference",
            where,
        )
    return ref


@dataclass(frozen=True)
class Partner:
    name: str
    role: PartnerRole
    ref: str = ""  # an IATI organisation identifier, when known

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.value, "ref": self.ref}


@dataclass(frozen=True)
class Budget:
    """The pledged budget: an amount in an ISO 4217 currency, and the date its value refers to."""

    amount: Decimal
    currency: str
    value_date: date | None = None

    def __post_init__(self) -> None:
        if not self.amount.is_finite():
            raise _invalid(f"budget {self.amount} is not a number", "non-numeric-value", "budget")
        if self.amount < 0:
            raise _invalid(
                f"budget {self.amount} is negative; a pledged budget is zero or more",
                "negative-budget",
                "budget",
            )
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise _invalid(
                f"unknown currency {self.currency!r}: write an ISO 4217 alphabetic code such as USD or EUR",
                "unknown-currency",
                "currency",
            )


@dataclass(frozen=True)
class StatisticsSource:
    """Where an actual value filled from the statistics comes from: the indicator, area, year and release."""

    indicator: str
    area: str
    year: int
    release: int
    release_sha256: str

    def describe(self) -> str:
        return f"{self.indicator} for {self.area} in {self.year}, release {self.release}"


@dataclass(frozen=True)
class ResultPeriod:
    """The target and the actual value of an outcome indicator for one year."""

    year: int
    target: Decimal | None = None
    actual: Decimal | None = None
    actual_source: StatisticsSource | None = None  # None: reported by the project


@dataclass(frozen=True)
class OutcomeIndicator:
    """An outcome indicator of the results framework, linked to an Observatory indicator or an item."""

    ref: str
    title: str
    indicator_id: str | None = None
    assessment_item: str | None = None
    area: str | None = None  # where the statistics are read (default: the project's only country)
    measure: Measure = Measure.unit
    baseline: Decimal | None = None
    baseline_year: int | None = None
    periods: tuple[ResultPeriod, ...] = ()

    def __post_init__(self) -> None:
        where = f"indicators[{self.ref}]"
        if not self.ref.strip() or not self.title.strip():
            raise _invalid("an outcome indicator needs a ref and a title", "missing-value", where)
        if self.indicator_id and self.assessment_item:
            raise _invalid(
                f"outcome indicator {self.ref!r} links both to indicator {self.indicator_id!r} and to "
                f"assessment item {self.assessment_item!r}; keep one",
                "invalid-reference",
                where,
            )
        if self.assessment_item:
            check_reference(self.assessment_item, where)
        years = [p.year for p in self.periods]
        if len(years) != len(set(years)):
            raise _invalid(f"outcome indicator {self.ref!r} repeats a period", "duplicate-key", where)

    @property
    def link(self) -> str:
        """``indicator:ID``, ``assessment:checklist:item`` or ``""``."""
        if self.indicator_id:
            return f"indicator:{self.indicator_id}"
        return f"assessment:{self.assessment_item}" if self.assessment_item else ""


@dataclass(frozen=True)
class Project:
    code: str
    title: str
    budget: Budget
    countries: tuple[str, ...] = ()
    region: str | None = None
    themes: tuple[Theme, ...] = ()
    extra_clusters: tuple[Cluster, ...] = ()
    partners: tuple[Partner, ...] = ()
    start: date | None = None
    end: date | None = None
    status: Status = Status.pipeline
    description: str = ""
    indicators: tuple[OutcomeIndicator, ...] = ()
    gaps: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not CODE.match(self.code):
            raise _invalid(
                f"project code {self.code!r} must be 1-40 letters, digits, '.', '_' or '-'",
                "invalid-project-code",
                "code",
            )
        if not self.title.strip():
            raise _invalid("a project needs a title", "missing-value", "title")
        if not self.countries and not self.region:
            raise _invalid("a project needs at least one country or a region", "missing-value", "countries")
        if self.start and self.end and self.end < self.start:
            raise _invalid(
                f"the project ends ({self.end}) before it starts ({self.start})", "end-before-start", "end"
            )
        refs = [i.ref for i in self.indicators]
        if len(refs) != len(set(refs)):
            raise _invalid("two outcome indicators share a ref", "duplicate-key", "indicators")
        for gap in self.gaps:
            check_reference(gap, "gaps")

    @property
    def clusters(self) -> tuple[Cluster, ...]:
        """The clusters the themes imply, then any named explicitly, in the order of :class:`Cluster`."""
        found = {c for t in self.themes for c in THEME_CLUSTERS[t]} | set(self.extra_clusters)
        return tuple(c for c in Cluster if c in found)

    def partners_as(self, role: PartnerRole) -> list[Partner]:
        return [p for p in self.partners if p.role is role]

    def active_in(self, year: int) -> bool:
        """Whether the project runs during ``year`` (a project without dates runs in no known year)."""
        if self.start is None and self.end is None:
            return False
        first = self.start.year if self.start else year
        last = self.end.year if self.end else year
        return first <= year <= last

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a project (the API's, and what each stored revision keeps)."""
        return {
            "code": self.code,
            "title": self.title,
            "description": self.description,
            "countries": list(self.countries),
            "region": self.region,
            "themes": [t.value for t in self.themes],
            "clusters": [c.value for c in self.clusters],
            "extra_clusters": [c.value for c in self.extra_clusters],
            "partners": [p.to_dict() for p in self.partners],
            "budget": {
                "amount": number(self.budget.amount),
                "currency": self.budget.currency,
                "value_date": iso(self.budget.value_date),
            },
            "start": iso(self.start),
            "end": iso(self.end),
            "status": self.status.value,
            "indicators": [_indicator_dict(i) for i in self.indicators],
            "gaps": list(self.gaps),
        }


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def number(value: Decimal | None) -> int | float | None:
    """A decimal as a JSON number: whole values as integers."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _indicator_dict(indicator: OutcomeIndicator) -> dict[str, Any]:
    return {
        "ref": indicator.ref,
        "title": indicator.title,
        "indicator_id": indicator.indicator_id,
        "assessment_item": indicator.assessment_item,
        "area": indicator.area,
        "measure": indicator.measure.value,
        "baseline": number(indicator.baseline),
        "baseline_year": indicator.baseline_year,
        "periods": [
            {
                "year": p.year,
                "target": number(p.target),
                "actual": number(p.actual),
                "actual_source": vars(p.actual_source) if p.actual_source else None,
            }
            for p in indicator.periods
        ],
    }


@dataclass(frozen=True)
class ExchangeRate:
    """US dollars per unit of ``currency`` on a date, from a named source (never made up by the platform)."""

    currency: str
    usd_per_unit: Decimal
    on: date | None
    source: str

    def __post_init__(self) -> None:
        if not self.usd_per_unit.is_finite() or self.usd_per_unit <= 0:
            raise _invalid(
                f"exchange rate {self.usd_per_unit} for {self.currency} must be a positive number",
                "invalid-rate",
                "rate",
            )
        if not self.source.strip():
            raise _invalid(f"exchange rate for {self.currency} needs its source", "missing-value", "source")

    def describe(self) -> str:
        when = f" on {self.on}" if self.on else ""
        return f"1 {self.currency} = {self.usd_per_unit} USD{when} ({self.source})"


def matches(
    project: Project,
    country: str | None = None,
    theme: Theme | None = None,
    status: Status | None = None,
    year: int | None = None,
    region: str | None = None,
) -> bool:
    """Whether ``project`` passes every filter given (a year: the project runs that year)."""
    return (
        (country is None or country in project.countries)
        and (theme is None or theme in project.themes)
        and (status is None or project.status is status)
        and (year is None or project.active_in(year))
        and (region is None or project.region == region)
    )
