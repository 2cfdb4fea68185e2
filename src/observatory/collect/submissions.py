"""The submission workflow: upload, validate, submit, review, validate, publish; every step authorized.

One submission per round and country moves through ``draft -> submitted -> under-review -> validated ->
published``; a reviewer may send it back (``under-review -> returned-to-draft``). Each step is recorded with
who, when and a comment. Uploads are all or nothing: a file that does not parse, or values that break an
error-severity validation rule, refuse the whole upload with the located problems and store nothing.
Accepted uploads keep every original file and every earlier value (see :mod:`observatory.collect.values`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observatory.auth import Action, User, authorize, country_code
from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.checking import Trigger, current_report, open_queries, run_validation
from observatory.collect.rounds import reference_years_of, round_row
from observatory.collect.values import (
    DATAFLOW,
    Change,
    as_observation,
    aware,
    store_values,
    value_rows,
)
from observatory.errors import Conflict, InvalidInput, NotFound
from observatory.model.observation import Observation, Provenance, SeriesKey
from observatory.model.problem import ValidationReport
from observatory.store.db import Store
from observatory.store.tables import (
    SubmissionRow,
    SubmissionTransitionRow,
    SubmissionValueRow,
)


class SubmissionState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    under_review = "under-review"
    returned = "returned-to-draft"
    validated = "validated"
    published = "published"


EDITABLE = frozenset({SubmissionState.draft, SubmissionState.returned})
# The step into each state: the states it may start from and the permission it needs.
STEPS: dict[SubmissionState, tuple[frozenset[SubmissionState], Action]] = {
    SubmissionState.submitted: (EDITABLE, Action.submit),
    SubmissionState.under_review: (frozenset({SubmissionState.submitted}), Action.start_review),
    SubmissionState.returned: (frozenset({SubmissionState.under_review}), Action.request_changes),
    SubmissionState.validated: (frozenset({SubmissionState.under_review}), Action.validate),
    SubmissionState.published: (frozenset({SubmissionState.validated}), Action.publish),
}
FLOW = "draft -> submitted -> under-review -> validated -> published"


@dataclass(frozen=True)
class SubmissionSummary:
    id: int
    round_year: int
    country: str
    state: SubmissionState
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    release_number: int | None
    values: int

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "state": self.state.value}


def summary(session: Session, row: SubmissionRow) -> SubmissionSummary:
    count = session.scalar(
        select(func.count(SubmissionValueRow.id)).where(SubmissionValueRow.submission_id == row.id)
    )
    return SubmissionSummary(
        row.id,
        row.round_year,
        row.country,
        SubmissionState(row.state),
        aware(row.created_at),
        aware(row.updated_at),
        aware(row.submitted_at),
        row.release_number,
        int(count or 0),
    )


def find_submission(session: Session, year: int, country: str) -> SubmissionRow | None:
    query = select(SubmissionRow).where(SubmissionRow.round_year == year, SubmissionRow.country == country)
    return session.scalar(query)


def submission_row(session: Session, year: int, country: str) -> SubmissionRow:
    row = find_submission(session, year, country)
    if row is None:
        round_row(session, year)
        raise NotFound(
            f"{country} has no submission for the round {year} yet; the focal point uploads files first",
            code="unknown-submission",
        )
    return row


def require_editable(row: SubmissionRow) -> None:
    if SubmissionState(row.state) not in EDITABLE:
        raise Conflict(
            f"the submission of {row.country} for {row.round_year} is {row.state}; values change only in "
            "draft or returned-to-draft (a reviewer can return it, or raise a query on a value)",
            code="submission-locked",
        )


def record_step(
    session: Session, row: SubmissionRow, user: User, to: SubmissionState, comment: str | None = None
) -> None:
    now = datetime.now(UTC)
    session.add(
        SubmissionTransitionRow(
            submission_id=row.id,
            from_state=row.state,
            to_state=to.value,
            user_id=user.id,
            at=now,
            comment=comment,
        )
    )
    row.state = to.value
    row.updated_at = now
    if to is SubmissionState.submitted and row.submitted_at is None:
        row.submitted_at = now


def create_submission(session: Session, year: int, country: str, user: User) -> SubmissionRow:
    now = datetime.now(UTC)
    row = SubmissionRow(
        round_year=year,
        country=country,
        state=SubmissionState.draft.value,
        created_at=now,
        created_by=user.id,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    session.add(
        SubmissionTransitionRow(
            submission_id=row.id,
            from_state=None,
            to_state=row.state,
            user_id=user.id,
            at=now,
            comment="first upload",
        )
    )
    return row


# -- editing and checking -----------------------------------------------------------------------------


def edit_value(
    store: Store,
    user: User,
    year: int,
    country: str,
    *,
    key: str,
    period: str,
    value: float | None,
    note: str | None = None,
    comment: str | None = None,
) -> ValidationReport:
    """Set one value while the submission is a draft; the previous value goes to the history."""
    code = country_code(country)
    authorize(user, Action.edit_value, code)
    try:
        series = SeriesKey.parse(key)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid-key") from None
    with store.session() as session:
        row = submission_row(session, year, code)
        require_editable(row)
        rnd = round_row(session, year)
        if int(period[:4]) not in reference_years_of(rnd):
            raise InvalidInput(f"{period} is not a reference year of the round {year}", code="wrong-round")
        questionnaire = load_questionnaire(rnd.questionnaire_version)
        if str(series) not in questionnaire.cell_index():
            raise InvalidInput(
                f"the questionnaire {questionnaire.name} does not ask for {series}", code="unknown-cell"
            )
        old = {(r.key, r.period): r for r in value_rows(session, row.id)}.get((str(series), period))
        base = as_observation(old, code) if old else None
        obs = Observation(
            code, period, series, value, base.provenance if base else Provenance(DATAFLOW), note=note
        )
        obs = replace(obs, provenance=replace(obs.provenance, file_sha256=None, file_name=None))
        store_values(session, row.id, [obs], user, Change.edit, questionnaire=questionnaire, comment=comment)
        row.updated_at = datetime.now(UTC)
        return run_validation(store, session, row, user, Trigger.edit)


def check(store: Store, user: User, year: int, country: str) -> ValidationReport:
    """Run the validation on the submission's current values and store what it finds."""
    code = country_code(country)
    authorize(user, Action.check, code)
    with store.session() as session:
        row = submission_row(session, year, code)
        return run_validation(store, session, row, user, Trigger.on_demand)


# -- transitions ---------------------------------------------------------------------------------------


def transition(
    store: Store, user: User, year: int, country: str, to: SubmissionState, comment: str | None = None
) -> SubmissionSummary:
    """Take the submission to ``to`` if its state, the user's role and the data allow it."""
    if to is SubmissionState.published:
        raise InvalidInput("publishing goes through observatory.collect.publishing.publish_submission")
    code = country_code(country)
    authorize(user, STEPS[to][1], code)
    with store.session() as session:
        row = submission_row(session, year, code)
        require_state(row, to)
        if to is SubmissionState.returned and not (comment and comment.strip()):
            raise InvalidInput("say which changes are needed: give a comment", code="missing-comment")
        blocked: Conflict | None = None
        if to in (SubmissionState.submitted, SubmissionState.validated):
            blocked = _blockers(store, session, row, user, to)
        if blocked is None:
            record_step(session, row, user, to, comment)
        result = summary(session, row)
    if blocked is not None:  # raised after the commit: the validation run that found the problems is kept
        raise blocked
    return result


def require_state(row: SubmissionRow, to: SubmissionState) -> None:
    starts, action = STEPS[to]
    state = SubmissionState(row.state)
    if state not in starts:
        need = " or ".join(sorted(s.value for s in starts))
        raise Conflict(
            f"the submission of {row.country} for {row.round_year} is {state.value}; to {action.value} it "
            f"must be {need} ({FLOW}; a reviewer may return an under-review submission to draft)",
            code="invalid-transition",
        )


def _blockers(
    store: Store, session: Session, row: SubmissionRow, user: User, to: SubmissionState
) -> Conflict | None:
    """Why the submission cannot move to ``to`` (errors; open queries before validation), or None."""
    count = session.scalar(
        select(func.count(SubmissionValueRow.id)).where(SubmissionValueRow.submission_id == row.id)
    )
    if not count:
        raise Conflict(
            f"the submission of {row.country} has no values; upload a file first", code="empty-submission"
        )
    trigger = Trigger.submit if to is SubmissionState.submitted else Trigger.validate
    report = current_report(store, session, row, user, trigger)
    pending = open_queries(session, row.id) if to is SubmissionState.validated else []
    reasons: list[str] = []
    if report.errors:
        shown = "; ".join(p.describe() for p in report.errors[:3])
        more = f" and {len(report.errors) - 3} more" if len(report.errors) > 3 else ""
        reasons.append(f"{len(report.errors)} error(s) remain: {shown}{more}")
    if pending:
        names = ", ".join(f"#{q.id} on {q.key} {q.period}" for q in pending[:5])
        reasons.append(f"{len(pending)} quer{'y is' if len(pending) == 1 else 'ies are'} not closed: {names}")
    if not reasons:
        return None
    verb = "submit" if to is SubmissionState.submitted else "validate"
    return Conflict(
        f"cannot {verb} the submission of {row.country} for {row.round_year}: " + "; ".join(reasons),
        code="open-queries" if pending else "unresolved-errors",
    )
