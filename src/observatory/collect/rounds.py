"""UN-CTS rounds and the focal-point network: open a round, register contacts, track what was sent.

A round is identified by its year and names the questionnaire version and the reference years it asks
for, with a deadline. Per country, events record when the questionnaire was dispatched, when reminders
went out and to which date the deadline was extended (each with who and when). Every write is authorized
through :func:`observatory.auth.authorize`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.auth import Action, Role, User, authorize, country_code, emails
from observatory.catalog.areas import load_areas
from observatory.catalog.questionnaires import LATEST, load_questionnaire
from observatory.collect.values import aware, published_rows
from observatory.collect.workbook import generate_workbook
from observatory.errors import Conflict, InvalidInput, NotFound
from observatory.store.db import Store
from observatory.store.tables import FocalPointRow, RoundEventRow, RoundRow

EARLIEST_YEAR = 1900


class AppointmentStatus(StrEnum):
    appointed = "appointed"
    pending = "pending"
    withdrawn = "withdrawn"


class EventKind(StrEnum):
    dispatch = "dispatch"
    reminder = "reminder"
    extension = "extension"


@dataclass(frozen=True)
class Round:
    year: int
    questionnaire_version: str
    reference_years: tuple[int, ...]
    deadline: date
    opened_at: datetime
    opened_by: str


@dataclass(frozen=True)
class FocalPoint:
    id: int
    country: str
    name: str
    agency: str
    email: str
    status: AppointmentStatus
    fallback: bool
    created_at: datetime


@dataclass(frozen=True)
class RoundEvent:
    id: int
    round_year: int
    country: str
    kind: EventKind
    deadline: date | None
    note: str | None
    by: str
    at: datetime


def parse_reference_years(text: str) -> tuple[int, ...]:
    """``"2023,2024"`` -> ``(2023, 2024)``; InvalidInput naming the bad part otherwise."""
    years: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        if not part.isdigit():
            raise InvalidInput(
                f"reference years {text!r}: {part!r} is not a year; write them as 2023,2024",
                code="invalid-period",
            )
        years.append(int(part))
    return tuple(sorted(set(years)))


def _check_years(year: int, reference_years: Sequence[int]) -> tuple[int, ...]:
    years = tuple(sorted(set(reference_years)))
    if not years:
        raise InvalidInput("a round needs at least one reference year", code="invalid-period")
    bad = [y for y in years if not EARLIEST_YEAR <= y <= year]
    if bad:
        raise InvalidInput(
            f"reference year(s) {', '.join(map(str, bad))} are not between {EARLIEST_YEAR} and the round "
            f"year {year}; a round collects figures for past years",
            code="invalid-period",
        )
    return years


def reference_years_of(row: RoundRow) -> tuple[int, ...]:
    return tuple(int(y) for y in row.reference_years.split(",") if y)


def _round(row: RoundRow, who: dict[int, str]) -> Round:
    years = reference_years_of(row)
    return Round(
        row.year,
        row.questionnaire_version,
        years,
        row.deadline,
        aware(row.opened_at),
        who.get(row.opened_by, ""),
    )


def open_round(
    store: Store,
    user: User,
    year: int,
    reference_years: Sequence[int],
    deadline: date,
    questionnaire: str = LATEST,
) -> Round:
    """Open the round of ``year``; Conflict if it is open already."""
    authorize(user, Action.open_round)
    years = _check_years(year, reference_years)
    load_questionnaire(questionnaire)  # NotFound listing the versions
    if deadline.year < year:
        raise InvalidInput(
            f"the deadline {deadline} lies before the round year {year}", code="invalid-deadline"
        )
    with store.session() as session:
        if session.get(RoundRow, year) is not None:
            raise Conflict(f"the round {year} is open already; see `observatory round status {year}`")
        row = RoundRow(
            year=year,
            questionnaire_version=questionnaire,
            reference_years=",".join(map(str, years)),
            deadline=deadline,
            opened_at=datetime.now(UTC),
            opened_by=user.id,
        )
        session.add(row)
        return _round(row, {user.id: user.email})


def round_row(session: Session, year: int) -> RoundRow:
    row = session.get(RoundRow, year)
    if row is None:
        years = sorted(session.scalars(select(RoundRow.year)))
        known = f"open rounds: {', '.join(map(str, years))}" if years else "no round is open yet"
        raise NotFound(f"no round {year}; {known} (`observatory round open YEAR`)", code="unknown-round")
    return row


def get_round(store: Store, year: int) -> Round:
    with store.session() as session:
        row = round_row(session, year)
        return _round(row, emails(session, {row.opened_by}))


def list_rounds(store: Store) -> list[Round]:
    with store.session() as session:
        rows = list(session.scalars(select(RoundRow).order_by(RoundRow.year.desc())))
        who = emails(session, {r.opened_by for r in rows})
        return [_round(r, who) for r in rows]


# -- focal points ------------------------------------------------------------------------------------


def _focal_point(row: FocalPointRow) -> FocalPoint:
    return FocalPoint(
        row.id,
        row.country,
        row.name,
        row.agency,
        row.email,
        AppointmentStatus(row.status),
        row.fallback,
        aware(row.created_at),
    )


def add_focal_point(
    store: Store,
    user: User,
    *,
    country: str,
    name: str,
    agency: str,
    email: str,
    status: AppointmentStatus = AppointmentStatus.appointed,
    fallback: bool = False,
) -> FocalPoint:
    code = country_code(country)
    authorize(user, Action.manage_focal_points, code)
    address = email.strip().lower()
    if "@" not in address:
        raise InvalidInput(f"{email!r} is not an e-mail address", code="invalid-email")
    for label, text in (("name", name), ("agency", agency)):
        if not text.strip():
            raise InvalidInput(f"a focal point needs a {label}", code="missing-value")
    with store.session() as session:
        clash = session.scalar(
            select(FocalPointRow.id).where(FocalPointRow.country == code, FocalPointRow.email == address)
        )
        if clash is not None:
            raise Conflict(
                f"{address} is already a focal point of {code} (id {clash})", code="duplicate-focal-point"
            )
        row = FocalPointRow(
            country=code,
            name=name.strip(),
            agency=agency.strip(),
            email=address,
            status=status.value,
            fallback=fallback,
            created_at=datetime.now(UTC),
            created_by=user.id,
        )
        session.add(row)
        session.flush()
        return _focal_point(row)


def update_focal_point(
    store: Store,
    user: User,
    focal_point_id: int,
    *,
    status: AppointmentStatus | None = None,
    fallback: bool | None = None,
) -> FocalPoint:
    """Change a focal point's appointment status or fallback flag."""
    with store.session() as session:
        row = session.get(FocalPointRow, focal_point_id)
        if row is None:
            raise NotFound(f"no focal point {focal_point_id}; see `observatory focal-point list`")
        authorize(user, Action.manage_focal_points, row.country)
        if status is not None:
            row.status = status.value
        if fallback is not None:
            row.fallback = fallback
        row.updated_at = datetime.now(UTC)
        return _focal_point(row)


def list_focal_points(
    store: Store, country: str | None = None, *, user: User | None = None
) -> list[FocalPoint]:
    """Focal points, by country; a focal-point user sees only its own countries'."""
    code = country_code(country) if country else None
    query = select(FocalPointRow).order_by(FocalPointRow.country, FocalPointRow.fallback, FocalPointRow.name)
    if user is not None:
        authorize(user, Action.view_focal_points, code)
        if user.role is Role.focal_point and code is None:
            query = query.where(FocalPointRow.country.in_(user.countries))
    if code is not None:
        query = query.where(FocalPointRow.country == code)
    with store.session() as session:
        return [_focal_point(r) for r in session.scalars(query)]


# -- dispatch, reminders, extensions ---------------------------------------------------------------


def _event(row: RoundEventRow, who: dict[int, str]) -> RoundEvent:
    return RoundEvent(
        row.id,
        row.round_year,
        row.country,
        EventKind(row.kind),
        row.deadline,
        row.note,
        who.get(row.user_id, ""),
        aware(row.at),
    )


def _record(
    session: Session,
    user: User,
    year: int,
    country: str,
    kind: EventKind,
    *,
    deadline: date | None = None,
    note: str | None = None,
) -> RoundEvent:
    row = RoundEventRow(
        round_year=year,
        country=country,
        kind=kind.value,
        deadline=deadline,
        note=note,
        user_id=user.id,
        at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return _event(row, {user.id: user.email})


def dispatch(
    store: Store, user: User, year: int, countries: Sequence[str] = (), *, note: str | None = None
) -> list[RoundEvent]:
    """Record that the questionnaire went out: to ``countries``, or to every country with an active
    (appointed or pending) focal point that has not been sent it yet."""
    authorize(user, Action.track_round)
    codes = [country_code(c) for c in countries]
    with store.session() as session:
        round_row(session, year)
        if not codes:
            sent = set(
                session.scalars(
                    select(RoundEventRow.country).where(
                        RoundEventRow.round_year == year, RoundEventRow.kind == EventKind.dispatch.value
                    )
                )
            )
            active = session.scalars(
                select(FocalPointRow.country).where(FocalPointRow.status != AppointmentStatus.withdrawn.value)
            )
            codes = sorted(set(active) - sent)
            if not codes and not sent:
                raise InvalidInput(
                    f"no country to dispatch the round {year} to: register focal points first "
                    "(`observatory focal-point add`) or name countries with --country",
                    code="no-focal-points",
                )
        return [_record(session, user, year, code, EventKind.dispatch, note=note) for code in codes]


def remind(store: Store, user: User, year: int, country: str, *, note: str | None = None) -> RoundEvent:
    code = country_code(country)
    authorize(user, Action.track_round, code)
    with store.session() as session:
        round_row(session, year)
        return _record(session, user, year, code, EventKind.reminder, note=note)


def extend(
    store: Store, user: User, year: int, country: str, deadline: date, *, note: str | None = None
) -> RoundEvent:
    """Move one country's deadline; the latest extension counts."""
    code = country_code(country)
    authorize(user, Action.track_round, code)
    with store.session() as session:
        row = round_row(session, year)
        if deadline <= row.deadline:
            raise InvalidInput(
                f"an extension must move the deadline past the round's {row.deadline}; {deadline} does not",
                code="invalid-deadline",
            )
        return _record(session, user, year, code, EventKind.extension, deadline=deadline, note=note)


def round_events(store: Store, year: int, country: str | None = None) -> list[RoundEvent]:
    query = (
        select(RoundEventRow)
        .where(RoundEventRow.round_year == year)
        .order_by(RoundEventRow.at, RoundEventRow.id)
    )
    if country:
        query = query.where(RoundEventRow.country == country_code(country))
    with store.session() as session:
        round_row(session, year)
        rows = list(session.scalars(query))
        who = emails(session, {r.user_id for r in rows})
        return [_event(r, who) for r in rows]


def deadline_for(rnd: Round, events: Sequence[RoundEvent], country: str) -> date:
    """The deadline that applies to ``country``: the latest extension, else the round's."""
    extensions = [e for e in events if e.country == country and e.kind is EventKind.extension and e.deadline]
    return extensions[-1].deadline if extensions and extensions[-1].deadline else rnd.deadline


def workbook_for(store: Store, year: int, country: str, *, user: User | None = None) -> tuple[str, bytes]:
    """The questionnaire workbook of the round for ``country`` (file name, bytes), with the country's
    latest published figures pre-filled for reference."""
    code = country_code(country)
    if user is not None:
        authorize(user, Action.download_workbook, code)
    rnd = get_round(store, year)
    data = generate_workbook(
        load_questionnaire(rnd.questionnaire_version),
        country=load_areas().get(code),
        round_year=year,
        reference_years=rnd.reference_years,
        previous=published_rows(store, code),
    )
    return f"UN-CTS_{year}_{code}.xlsx", data
