"""What the workspace pages show: a user's submissions or review queue, and one submission's values laid out
by sheet with the validation problems at their cell.

A value uploaded from a workbook keeps its sheet and cell; the page groups values by sheet, orders them by
row and column, and puts each problem next to the cell it names (anchor ``#sheet-cell``). Problems that
name no stored cell (a refused upload, a cross-row check) are listed apart with their location.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from observatory.auth import Action, Role, User, may
from observatory.catalog.areas import load_areas
from observatory.collect.rounds import Round, deadline_for, list_rounds, round_events
from observatory.collect.submissions import SubmissionState
from observatory.collect.values import StoredValue
from observatory.model.problem import Problem
from observatory.store.db import Store
from observatory.store.tables import QueryRow, SubmissionRow

_CELL = re.compile(r"^([A-Z]+)(\d+)$")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")
QUEUE_STATES = (SubmissionState.submitted, SubmissionState.under_review)


def anchor(sheet: str | None, cell: str | None) -> str:
    """The fragment of a cell on the page: ``J1-D7`` (other characters than letters, digits, _, - are _)."""
    return _UNSAFE_ID.sub("_", f"{sheet or 'values'}-{cell or ''}").strip("-")


def _cell_order(cell: str | None) -> tuple[int, int, str]:
    found = _CELL.match(cell or "")
    if found is None:
        return (1 << 30, 0, cell or "")
    letters, row = found.groups()
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return (int(row), column, "")


@dataclass
class CellView:
    """One value on the page with the problems found at it."""

    value: StoredValue
    anchor: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def worst(self) -> str | None:
        if any(p.severity.value == "error" for p in self.problems):
            return "error"
        return "warning" if self.problems else None


@dataclass
class SheetView:
    name: str
    cells: list[CellView] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for c in self.cells for p in c.problems if p.severity.value == "error")


@dataclass
class ProblemGrid:
    sheets: list[SheetView]
    unplaced: list[Problem]  # problems naming no cell shown on the page

    @property
    def errors(self) -> int:
        placed = sum(s.errors for s in self.sheets)
        return placed + sum(1 for p in self.unplaced if p.severity.value == "error")


def _problem_slot(problem: Problem) -> tuple[str, str] | None:
    """The (series key, period) a problem's ``key`` names (``AUT 2022 <series>`` or ``<series> 2022``)."""
    parts = (problem.key or "").split()
    keys = [p for p in parts if "." in p]
    periods = [p for p in parts if p[:4].isdigit() and "." not in p]
    return (keys[0], periods[0]) if keys and periods else None


def problem_grid(values: Sequence[StoredValue], problems: Iterable[Problem]) -> ProblemGrid:
    """Values by sheet in cell order, each with the problems at its cell (or naming its key and period)."""
    by_cell: dict[tuple[str | None, str | None], CellView] = {}
    by_slot: dict[tuple[str, str], CellView] = {}
    sheets: dict[str, SheetView] = {}
    for value in values:
        view = CellView(value, anchor(value.sheet, value.cell or f"{value.key}-{value.period}"))
        sheets.setdefault(value.sheet or value.section or "Values", SheetView(value.sheet or "Values"))
        sheets[value.sheet or value.section or "Values"].cells.append(view)
        if value.cell:
            by_cell[(value.sheet, value.cell)] = view
        by_slot[(value.key, value.period)] = view
    unplaced: list[Problem] = []
    for problem in problems:
        slot = _problem_slot(problem)
        target = by_cell.get((problem.sheet, problem.cell)) if problem.cell else None
        target = target or (by_slot.get(slot) if slot else None)
        if target is None:
            unplaced.append(problem)
        else:
            target.problems.append(problem)
    for sheet in sheets.values():
        sheet.cells.sort(key=lambda c: (_cell_order(c.value.cell), c.value.key, c.value.period))
    return ProblemGrid(sorted(sheets.values(), key=lambda s: s.name), unplaced)


# -- the list pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    """A country's submission (or the lack of one) in a round, as a line of a workspace list."""

    round_year: int
    country: str
    name: str
    region: str | None
    state: SubmissionState | None
    deadline: date
    updated_at: datetime | None
    submitted_at: datetime | None
    open_queries: int
    values: int

    @property
    def href(self) -> str:
        return f"/workspace/{self.round_year}/{self.country}"


def _rows(store: Store, years: Sequence[int]) -> dict[tuple[int, str], tuple[SubmissionRow, int]]:
    with store.session() as session:
        rows = list(session.scalars(select(SubmissionRow).where(SubmissionRow.round_year.in_(years))))
        ids = [r.id for r in rows]
        counts = dict(
            session.execute(
                select(QueryRow.submission_id, func.count(QueryRow.id))
                .where(QueryRow.submission_id.in_(ids), QueryRow.state != "closed")
                .group_by(QueryRow.submission_id)
            ).all()
        )
        for row in rows:
            session.expunge(row)
        return {(r.round_year, r.country): (r, int(counts.get(r.id, 0))) for r in rows}


def _item(rnd: Round, store: Store, country: str, found: tuple[SubmissionRow, int] | None) -> WorkItem:
    catalog = load_areas()
    area = catalog.resolve(country)
    region = catalog.resolve(area.region) if area and area.region else None
    row, queries = found if found else (None, 0)
    return WorkItem(
        rnd.year,
        country,
        area.name if area else country,
        region.name if region else None,
        SubmissionState(row.state) if row else None,
        deadline_for(rnd, round_events(store, rnd.year, country), country),
        row.updated_at if row else None,
        row.submitted_at if row else None,
        queries,
        0,
    )


def focal_point_items(store: Store, user: User, *, today: date | None = None) -> list[WorkItem]:
    """The user's countries in every round whose deadline has not long passed (newest round first)."""
    rounds = list_rounds(store)
    found = _rows(store, [r.year for r in rounds])
    return [
        _item(rnd, store, country, found.get((rnd.year, country)))
        for rnd in sorted(rounds, key=lambda r: -r.year)
        for country in user.countries
    ]


def review_queue(
    store: Store,
    *,
    round_year: int | None = None,
    region: str | None = None,
    state: SubmissionState | None = None,
) -> list[WorkItem]:
    """Submissions waiting for a reviewer (submitted or under review), the longest waiting first."""
    rounds = {r.year: r for r in list_rounds(store)}
    years = [round_year] if round_year is not None else list(rounds)
    states = [state] if state is not None else list(QUEUE_STATES)
    items = [
        _item(rounds[year], store, country, (row, queries))
        for (year, country), (row, queries) in _rows(store, [y for y in years if y in rounds]).items()
        if SubmissionState(row.state) in states
    ]
    if region:
        items = [i for i in items if (i.region or "").lower() == region.lower()]
    return sorted(items, key=lambda i: (i.submitted_at or i.updated_at or datetime.max, i.country))


def regions(items: Iterable[WorkItem]) -> list[str]:
    return sorted({i.region for i in items if i.region})


@dataclass(frozen=True)
class Abilities:
    """What the signed-in user may do on a submission page (the services check again on every post)."""

    upload: bool
    edit: bool
    submit: bool
    answer: bool
    review: bool
    raise_query: bool
    close_query: bool
    request_changes: bool
    validate: bool


def abilities(user: User, country: str, state: SubmissionState | None) -> Abilities:
    editable = state in (None, SubmissionState.draft, SubmissionState.returned)
    return Abilities(
        upload=editable and may(user, Action.upload, country),
        edit=editable and state is not None and may(user, Action.edit_value, country),
        submit=editable and state is not None and may(user, Action.submit, country),
        answer=may(user, Action.answer_query, country),
        review=state is SubmissionState.submitted and may(user, Action.start_review, country),
        raise_query=state is SubmissionState.under_review and may(user, Action.raise_query, country),
        close_query=may(user, Action.close_query, country),
        request_changes=state is SubmissionState.under_review and may(user, Action.request_changes, country),
        validate=state is SubmissionState.under_review and may(user, Action.validate, country),
    )


def is_reviewer(user: User) -> bool:
    return user.role in (Role.reviewer, Role.admin)
