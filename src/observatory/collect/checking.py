"""Running the validation engine on a submission and keeping what it finds.

The engine (:func:`observatory.collect.validation.validate`) sees the submission's values with the
questionnaire of the round, its reference years, and as history the country's latest published figures.
Each run is stored (who, when, why) with its problems, located by sheet and cell or row; the latest run is
what the reviewer sees and what blocks submitting and validating while it holds errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NoReturn

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observatory.auth import User
from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.rounds import reference_years_of
from observatory.collect.validation import validate
from observatory.collect.values import as_observation, aware, published_history, value_rows
from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.observation import Observation
from observatory.model.problem import Problem, ValidationReport
from observatory.store.db import Store
from observatory.store.tables import (
    QueryRow,
    RoundRow,
    SubmissionProblemRow,
    SubmissionRow,
    SubmissionValueRow,
    ValidationRunRow,
)

MAX_DETAILS = 500
_PROBLEM_FIELDS = ("file", "sheet", "cell", "row", "column", "key", "value", "expected", "found")


class Trigger(StrEnum):
    """Why the validation ran."""

    upload = "upload"
    edit = "edit"
    on_demand = "on-demand"
    submit = "submit"
    validate = "validate"
    query_answer = "query-answer"


class QueryState(StrEnum):
    open = "open"
    answered = "answered"
    closed = "closed"


@dataclass(frozen=True)
class PendingQuery:
    id: int
    key: str
    period: str
    state: QueryState


def validate_values(
    store: Store,
    observations: Sequence[Observation],
    *,
    version: str,
    reference_years: Sequence[int] | None,
    countries: Sequence[str],
) -> ValidationReport:
    """The validation engine's report on ``observations`` for one questionnaire version (and round)."""
    if not observations:  # nothing to check (and the engine needs at least one row)
        return ValidationReport()
    return validate(
        observations,
        questionnaire=load_questionnaire(version),
        history=published_history(store, *countries) if countries else [],
        reference_years=list(reference_years) if reference_years is not None else None,
    )


def run_validation(
    store: Store,
    session: Session,
    row: SubmissionRow,
    user: User,
    trigger: Trigger,
    *,
    extra: Iterable[Problem] = (),
) -> ValidationReport:
    """Validate the submission's current values and store the run with its problems (and ``extra``)."""
    rnd = session.get(RoundRow, row.round_year)
    assert rnd is not None  # a submission belongs to a round (foreign key)
    values = [as_observation(v, row.country) for v in value_rows(session, row.id)]
    checked = validate_values(
        store,
        values,
        version=rnd.questionnaire_version,
        reference_years=reference_years_of(rnd),
        countries=[row.country],
    )
    report = ValidationReport([*extra, *checked.problems], dict(checked.stats))
    save_run(session, row.id, user, trigger, report, values=len(values))
    return report


def save_run(
    session: Session,
    submission_id: int,
    user: User,
    trigger: Trigger,
    report: ValidationReport,
    *,
    values: int,
) -> None:
    """Keep a validation run and its problems with the submission."""
    run = ValidationRunRow(
        submission_id=submission_id,
        trigger=trigger.value,
        user_id=user.id,
        at=datetime.now(UTC),
        values=values,
        errors=len(report.errors),
        warnings=len(report.warnings),
    )
    session.add(run)
    session.flush()
    session.add_all(
        SubmissionProblemRow(
            run_id=run.id,
            code=p.code,
            severity=p.severity.value,
            message=p.message,
            **{name: getattr(p, name) for name in _PROBLEM_FIELDS},
        )
        for p in report.problems
    )


def current_report(
    store: Store, session: Session, row: SubmissionRow, user: User, trigger: Trigger
) -> ValidationReport:
    """The latest run's findings if no value changed since it ran, else a new run's."""
    run = latest_run(session, row.id)
    changed = session.scalar(
        select(func.max(SubmissionValueRow.set_at)).where(SubmissionValueRow.submission_id == row.id)
    )
    if run is not None and changed is not None and aware(run.at) >= aware(changed):
        return ValidationReport(run_problems(session, run.id))
    return run_validation(store, session, row, user, trigger)


def latest_run(session: Session, submission_id: int) -> ValidationRunRow | None:
    query = select(ValidationRunRow).where(ValidationRunRow.submission_id == submission_id)
    return session.scalar(query.order_by(ValidationRunRow.id.desc()).limit(1))


def run_problems(session: Session, run_id: int) -> list[Problem]:
    query = (
        select(SubmissionProblemRow)
        .where(SubmissionProblemRow.run_id == run_id)
        .order_by(SubmissionProblemRow.id)
    )
    return [
        Problem(r.code, r.message, **{name: getattr(r, name) for name in _PROBLEM_FIELDS})
        for r in session.scalars(query)
    ]


def open_queries(session: Session, submission_id: int) -> list[PendingQuery]:
    """Queries not closed yet (open, or answered and waiting for the reviewer)."""
    query = (
        select(QueryRow.id, SubmissionValueRow.key, SubmissionValueRow.period, QueryRow.state)
        .join(SubmissionValueRow, SubmissionValueRow.id == QueryRow.value_id)
        .where(QueryRow.submission_id == submission_id, QueryRow.state != QueryState.closed.value)
        .order_by(QueryRow.id)
    )
    return [PendingQuery(i, k, p, QueryState(s)) for i, k, p, s in session.execute(query)]


def refuse(report: ValidationReport, *, what: str, action: str) -> NoReturn:
    """Raise :class:`InvalidInput` locating the first error, with every problem in ``details``."""
    errors, warnings = report.errors, report.warnings
    first = errors[0]
    more = f" and {len(errors) - 1} more error(s)" if len(errors) > 1 else ""
    raise InvalidInput(
        f"{first.message} [{first.code}]{more}; {what} was refused and {action}. "
        "Fix the file(s) and upload again",
        code=first.code,
        location=ErrorLocation(  # a cell says where; its row would only repeat it
            file=first.file,
            row=None if first.cell else first.row,
            column=first.column,
            sheet=first.sheet,
            cell=first.cell,
        ),
        details=[p.to_dict() for p in [*errors, *warnings][:MAX_DETAILS]],
    )


def problem_dicts(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    return [p.to_dict() for p in problems]
