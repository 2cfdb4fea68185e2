"""Submission values and their history: nothing a focal point sent is ever overwritten or lost.

Each cell of a submission (series key + period) has one current row in ``submission_values`` saying who
set it, when, how (upload, edit, answer to a query) and from which file, sheet, cell or row. When a value
changes, the row it replaces is copied to ``submission_value_history`` first, with who replaced it and when.
This module also turns stored values back into :class:`Observation`s (for validation and publishing) and
reads the country's latest published values (the history the validation compares against).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.auth import User
from observatory.errors import InvalidInput, NotFound
from observatory.model.observation import SERIES_DIMENSIONS, Flag, Observation, Provenance, SeriesKey
from observatory.model.questionnaire import Questionnaire
from observatory.store.db import Store
from observatory.store.observations import flags_text
from observatory.store.tables import SubmissionValueHistoryRow, SubmissionValueRow
from observatory.warehouse.query import ObservationFilter, query_observations

DATAFLOW = "UN_CTS"
HISTORY_DATAFLOWS = (DATAFLOW, "UNODC_CTS")  # our rounds first, then the UNODC portal's figures
_TRACKED = ("value", "flags", "note")
_LOCATION = ("file_sha256", "file_name", "sheet", "cell", "row")


class Change(StrEnum):
    """How a value came to be."""

    upload = "upload"
    edit = "edit"
    query_answer = "query-answer"


@dataclass
class StoreCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class StoredValue:
    """One current value of a submission, with where it came from."""

    id: int
    key: str
    period: str
    variable: str
    section: str | None
    value: float | None
    flags: str
    note: str | None
    file_name: str | None
    file_sha256: str | None
    sheet: str | None
    cell: str | None
    row: int | None
    change: Change
    comment: str | None
    set_by: str
    set_at: datetime

    def location(self) -> str:
        """``workbook.xlsx, sheet 'J1', cell D7`` or ``data.csv, row 12``, or the key and year."""
        return describe_location(self.file_name, self.sheet, self.cell, self.row, self.key, self.period)

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "change": self.change.value, "location": self.location()}


@dataclass(frozen=True)
class ValueChange:
    """A value as it was before it was replaced."""

    value_id: int
    key: str
    period: str
    value: float | None
    flags: str
    note: str | None
    file_name: str | None
    file_sha256: str | None
    sheet: str | None
    cell: str | None
    row: int | None
    change: Change
    comment: str | None
    set_by: str
    set_at: datetime
    superseded_by: str
    superseded_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "change": self.change.value}


@overload
def aware(moment: datetime) -> datetime: ...
@overload
def aware(moment: None) -> None: ...
def aware(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands back naive ones, stored as UTC)."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def describe_location(
    file: str | None, sheet: str | None, cell: str | None, row: int | None, key: str, period: str
) -> str:
    parts = [file, f"sheet {sheet!r}" if sheet else None, f"cell {cell}" if cell else None]
    if row is not None and not cell:
        parts.append(f"row {row}")
    where = ", ".join(p for p in parts if p)
    return f"{where} ({key} {period})" if where else f"{key} {period}"


def value_key(obs: Observation) -> tuple[str, str]:
    return str(obs.key), obs.period


def section_of(questionnaire: Questionnaire, variable: str) -> str | None:
    found = questionnaire.variables.get(variable)
    return found.section.value if found else None


def value_rows(session: Session, submission_id: int) -> list[SubmissionValueRow]:
    query = select(SubmissionValueRow).where(SubmissionValueRow.submission_id == submission_id)
    return list(session.scalars(query.order_by(SubmissionValueRow.key, SubmissionValueRow.period)))


def stored_value(row: SubmissionValueRow, who: dict[int, str]) -> StoredValue:
    return StoredValue(
        row.id,
        row.key,
        row.period,
        row.variable,
        row.section,
        row.value,
        row.flags,
        row.note,
        row.file_name,
        row.file_sha256,
        row.sheet,
        row.cell,
        row.row,
        Change(row.change),
        row.comment,
        who.get(row.set_by, ""),
        aware(row.set_at),
    )


def value_change(
    row: SubmissionValueHistoryRow, current: SubmissionValueRow, who: dict[int, str]
) -> ValueChange:
    return ValueChange(
        row.value_id,
        current.key,
        current.period,
        row.value,
        row.flags,
        row.note,
        row.file_name,
        row.file_sha256,
        row.sheet,
        row.cell,
        row.row,
        Change(row.change),
        row.comment,
        who.get(row.set_by, ""),
        aware(row.set_at),
        who.get(row.superseded_by, ""),
        aware(row.superseded_at),
    )


def _flags(text: str) -> frozenset[Flag]:
    return frozenset(Flag(f) for f in text.split(",") if f)


def as_observation(row: SubmissionValueRow, country: str, source: str | None = None) -> Observation:
    """A stored value as an observation of ``country``, located where it was typed."""
    return Observation(
        area=country,
        period=row.period,
        key=SeriesKey.parse(row.key),
        value=row.value,
        provenance=Provenance(
            DATAFLOW,
            source=source,
            file_sha256=row.file_sha256,
            file_name=row.file_name,
            row=row.row,
            sheet=row.sheet,
            cell=row.cell,
        ),
        flags=_flags(row.flags),
        note=row.note,
    )


def store_values(
    session: Session,
    submission_id: int,
    observations: Iterable[Observation],
    user: User,
    change: Change,
    *,
    questionnaire: Questionnaire,
    comment: str | None = None,
) -> StoreCounts:
    """Insert new values, replace changed ones (keeping the old in the history), skip identical ones."""
    counts = StoreCounts()
    existing = {(r.key, r.period): r for r in value_rows(session, submission_id)}
    now = datetime.now(UTC)
    for obs in observations:
        fields: dict[str, Any] = {
            "value": obs.value,
            "flags": flags_text(obs.flags),
            "note": obs.note,
            "file_sha256": obs.provenance.file_sha256,
            "file_name": obs.provenance.file_name,
            "sheet": obs.provenance.sheet,
            "cell": obs.provenance.cell,
            "row": obs.provenance.row,
            "change": change.value,
            "comment": comment,
            "set_by": user.id,
            "set_at": now,
        }
        row = existing.get(value_key(obs))
        if row is None:
            key, period = value_key(obs)
            variable = obs.key.variable
            section = section_of(questionnaire, variable)
            new = SubmissionValueRow(
                submission_id=submission_id,
                key=key,
                period=period,
                variable=variable,
                section=section,
                **fields,
            )
            session.add(new)
            existing[(key, period)] = new
            counts.inserted += 1
            continue
        if all(getattr(row, name) == fields[name] for name in _TRACKED):
            counts.unchanged += 1
            continue
        keep_history(session, row, user, now)
        for name, value in fields.items():
            setattr(row, name, value)
        counts.updated += 1
    session.flush()
    return counts


def keep_history(session: Session, row: SubmissionValueRow, user: User, now: datetime) -> None:
    """Copy the current state of ``row`` to the history before it changes."""
    session.add(
        SubmissionValueHistoryRow(
            value_id=row.id,
            **{
                name: getattr(row, name)
                for name in (*_TRACKED, *_LOCATION, "change", "comment", "set_by", "set_at")
            },
            superseded_by=user.id,
            superseded_at=now,
        )
    )


def history_rows(
    session: Session, submission_id: int
) -> list[tuple[SubmissionValueHistoryRow, SubmissionValueRow]]:
    query = (
        select(SubmissionValueHistoryRow, SubmissionValueRow)
        .join(SubmissionValueRow, SubmissionValueRow.id == SubmissionValueHistoryRow.value_id)
        .where(SubmissionValueRow.submission_id == submission_id)
        .order_by(SubmissionValueHistoryRow.superseded_at, SubmissionValueHistoryRow.id)
    )
    return [(h, v) for h, v in session.execute(query)]


def find_value(
    session: Session,
    submission_id: int,
    *,
    key: str | None = None,
    period: str | None = None,
    cell: str | None = None,
) -> SubmissionValueRow:
    """The value at ``key`` and ``period``, or at ``cell`` written ``SHEET!CELL``; NotFound naming it."""
    if not (cell or (key and period)):
        raise InvalidInput(
            "name the value by its key and year (--key KEY --year YEAR), or by its cell (--cell SHEET!CELL)",
            code="missing-value-reference",
        )
    query = select(SubmissionValueRow).where(SubmissionValueRow.submission_id == submission_id)
    if cell:
        sheet, _, ref = cell.rpartition("!")
        query = query.where(SubmissionValueRow.cell == ref.upper())
        if sheet:
            query = query.where(SubmissionValueRow.sheet == sheet.strip("'"))
    if key:
        query = query.where(SubmissionValueRow.key == key)
    if period:
        query = query.where(SubmissionValueRow.period == period)
    found = list(session.scalars(query.limit(2)))
    what = f"cell {cell}" if cell else f"key {key} and period {period}"
    if not found:
        raise NotFound(f"the submission has no value at {what}", code="unknown-value")
    if len(found) > 1:
        raise NotFound(f"{what} names several values; give --key and --year", code="ambiguous-value")
    return found[0]


def published_rows(store: Store, *countries: str) -> list[dict[str, Any]]:
    """The latest release's UN-CTS figures of ``countries``, one row per series and year: our rounds'
    where they exist, else the UNODC portal's (nothing if no release exists)."""
    try:
        page = query_observations(store, ObservationFilter(area=countries, dataflow=HISTORY_DATAFLOWS))
    except NotFound:  # nothing published yet
        return []
    chosen: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in page.data:
        slot = (str(row["area"]), str(row["period"]), *(str(row[d]) for d in SERIES_DIMENSIONS))
        if slot not in chosen or row["dataflow"] == DATAFLOW:
            chosen[slot] = row
    return list(chosen.values())


def published_history(store: Store, *countries: str) -> list[Observation]:
    """The latest published figure of each series and year of ``countries`` (our rounds win)."""
    return [release_observation(row) for row in published_rows(store, *countries)]


def release_observation(row: dict[str, Any]) -> Observation:
    key = SeriesKey(**{d: str(row[d]) for d in SERIES_DIMENSIONS})
    provenance = Provenance(
        str(row["dataflow"]), source=row.get("source"), file_sha256=row.get("file_sha256")
    )
    return Observation(
        area=str(row["area"]),
        period=str(row["period"]),
        key=key,
        value=row.get("value"),
        provenance=replace(provenance, row=row.get("row")),
        flags=_flags(str(row.get("flags") or "")),
        note=row.get("note"),
        label=row.get("label"),
    )
