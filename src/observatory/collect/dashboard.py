"""The response dashboard of a round: where each country stands, per section, and response rates.

Per country and questionnaire section the status is *not started* (no value), *partial* (values in a
draft), *submitted*, *under review*, *validated* or *published*. Timeliness compares the first submission
with the deadline that applies to the country (the latest extension, else the round's): *on time* or
*late*; a country that has not submitted is *due* until its deadline and *overdue* after. Response rates
count, per UN M49 region and sub-region, the invited countries (questionnaire dispatched, or a submission
started) and those that responded (submitted, whatever happened next).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select

from observatory.catalog.areas import load_areas
from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.rounds import (
    AppointmentStatus,
    EventKind,
    Round,
    deadline_for,
    get_round,
    round_events,
)
from observatory.collect.submissions import SubmissionState
from observatory.collect.values import aware
from observatory.store.db import Store
from observatory.store.tables import FocalPointRow, SubmissionRow, SubmissionValueRow

WORLD = "001"


class ResponseStatus(StrEnum):
    not_started = "not-started"
    partial = "partial"
    submitted = "submitted"
    under_review = "under-review"
    validated = "validated"
    published = "published"


class Timeliness(StrEnum):
    on_time = "on-time"
    late = "late"
    due = "due"
    overdue = "overdue"


STATUS_OF_STATE = {
    SubmissionState.draft: ResponseStatus.partial,
    SubmissionState.returned: ResponseStatus.partial,
    SubmissionState.submitted: ResponseStatus.submitted,
    SubmissionState.under_review: ResponseStatus.under_review,
    SubmissionState.validated: ResponseStatus.validated,
    SubmissionState.published: ResponseStatus.published,
}
RESPONDED = frozenset(
    {
        ResponseStatus.submitted,
        ResponseStatus.under_review,
        ResponseStatus.validated,
        ResponseStatus.published,
    }
)


@dataclass(frozen=True)
class CountryStatus:
    country: str
    name: str
    region: str | None
    subregion: str | None
    invited: bool
    dispatched_at: datetime | None
    reminders: int
    deadline: date
    extended: bool
    state: SubmissionState | None
    status: ResponseStatus
    sections: dict[str, ResponseStatus]
    submitted_at: datetime | None
    timeliness: Timeliness
    focal_points: int

    @property
    def responded(self) -> bool:
        return self.status in RESPONDED

    def to_dict(self) -> dict[str, Any]:
        body = {**vars(self), "responded": self.responded}
        body["state"] = self.state.value if self.state else None
        body["status"] = self.status.value
        body["timeliness"] = self.timeliness.value
        body["sections"] = {k: v.value for k, v in self.sections.items()}
        return body


@dataclass(frozen=True)
class ResponseRate:
    code: str
    name: str
    level: str  # world, region, subregion
    invited: int
    responded: int

    @property
    def rate(self) -> float | None:
        """Percent of the invited countries that responded; None when none was invited."""
        return round(100 * self.responded / self.invited, 1) if self.invited else None

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "rate": self.rate}


@dataclass
class RoundDashboard:
    round: Round
    as_of: date
    sections: list[str]
    countries: list[CountryStatus] = field(default_factory=list)
    rates: list[ResponseRate] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        rnd = self.round
        return {
            "round": {**vars(rnd), "reference_years": list(rnd.reference_years)},
            "as_of": self.as_of,
            "sections": self.sections,
            "countries": [c.to_dict() for c in self.countries],
            "rates": [r.to_dict() for r in self.rates],
        }


def _section_status(state: SubmissionState | None, values: int) -> ResponseStatus:
    if state is None or not values:
        return ResponseStatus.not_started
    return STATUS_OF_STATE[state]


def _timeliness(submitted_at: datetime | None, deadline: date, today: date) -> Timeliness:
    if submitted_at is not None:
        return Timeliness.on_time if submitted_at.date() <= deadline else Timeliness.late
    return Timeliness.due if today <= deadline else Timeliness.overdue


def round_dashboard(store: Store, year: int, *, today: date | None = None) -> RoundDashboard:
    """Status by country and section, timeliness, and response rates by region and sub-region."""
    rnd = get_round(store, year)
    events = round_events(store, year)
    sections = [s.value for s in load_questionnaire(rnd.questionnaire_version).sections()]
    with store.session() as session:
        submissions = {
            r.country: r
            for r in session.scalars(select(SubmissionRow).where(SubmissionRow.round_year == year))
        }
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        query = (
            select(SubmissionRow.country, SubmissionValueRow.section, func.count(SubmissionValueRow.id))
            .join(SubmissionValueRow, SubmissionValueRow.submission_id == SubmissionRow.id)
            .where(SubmissionRow.round_year == year)
            .group_by(SubmissionRow.country, SubmissionValueRow.section)
        )
        for country, section, count in session.execute(query):
            counts[country][section or ""] = count
        contacts = dict(
            session.execute(
                select(FocalPointRow.country, func.count(FocalPointRow.id))
                .where(FocalPointRow.status != AppointmentStatus.withdrawn.value)
                .group_by(FocalPointRow.country)
            ).all()
        )
    dispatched: dict[str, datetime] = {}
    for e in events:
        if e.kind is EventKind.dispatch:
            dispatched.setdefault(e.country, e.at)
    catalog = load_areas()
    day = today or datetime.now(UTC).date()
    rows: list[CountryStatus] = []
    for code in sorted(set(dispatched) | set(submissions) | set(contacts)):
        area = catalog.get(code)
        sub = submissions.get(code)
        state = SubmissionState(sub.state) if sub else None
        per_section = {s: _section_status(state, counts[code].get(s, 0)) for s in sections}
        deadline = deadline_for(rnd, events, code)
        rows.append(
            CountryStatus(
                country=code,
                name=area.name,
                region=area.region,
                subregion=area.subregion,
                invited=code in dispatched or sub is not None,
                dispatched_at=dispatched.get(code),
                reminders=sum(1 for e in events if e.country == code and e.kind is EventKind.reminder),
                deadline=deadline,
                extended=deadline != rnd.deadline,
                state=state,
                status=_section_status(state, sum(counts[code].values())),
                sections=per_section,
                submitted_at=aware(sub.submitted_at) if sub else None,
                timeliness=_timeliness(sub.submitted_at if sub else None, deadline, day),
                focal_points=int(contacts.get(code, 0)),
            )
        )
    return RoundDashboard(rnd, day, sections, sorted(rows, key=lambda c: c.name), response_rates(rows))


def response_rates(countries: list[CountryStatus]) -> list[ResponseRate]:
    """Invited and responded countries for the world, each M49 region and each sub-region."""
    catalog = load_areas()
    invited: dict[str, int] = defaultdict(int)
    responded: dict[str, int] = defaultdict(int)
    for c in countries:
        if not c.invited:
            continue
        for code in {WORLD, c.region, c.subregion} - {None}:
            assert code is not None
            invited[code] += 1
            responded[code] += c.responded
    rates: list[tuple[tuple[str, ...], ResponseRate]] = []
    for code in invited:
        area = catalog.get(code)
        level = "world" if code == WORLD else area.kind.value
        # the World first, then each region followed by its sub-regions
        region = catalog.get(area.region).name if area.region else area.name
        order = ("",) if code == WORLD else (region, "" if area.region is None else area.name)
        rates.append((order, ResponseRate(code, area.name, level, invited[code], responded[code])))
    return [rate for _, rate in sorted(rates, key=lambda pair: pair[0])]
