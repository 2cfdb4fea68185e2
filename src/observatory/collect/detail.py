"""Everything about one submission in one view: values, problems, queries, value history and steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from observatory.auth import Action, User, authorize, country_code, emails
from observatory.collect.checking import latest_run, run_problems
from observatory.collect.review import Query, load_queries
from observatory.collect.submissions import SubmissionSummary, submission_row, summary
from observatory.collect.values import (
    StoredValue,
    ValueChange,
    aware,
    history_rows,
    stored_value,
    value_change,
    value_rows,
)
from observatory.model.problem import Problem
from observatory.store.db import Store
from observatory.store.tables import SubmissionFileRow, SubmissionTransitionRow, ValidationRunRow


@dataclass(frozen=True)
class Step:
    from_state: str | None
    to_state: str
    by: str
    at: datetime
    comment: str | None


@dataclass(frozen=True)
class UploadedFile:
    file: str
    sha256: str
    format: str
    values: int
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True)
class Run:
    id: int
    trigger: str
    by: str
    at: datetime
    values: int
    errors: int
    warnings: int


@dataclass
class SubmissionDetail:
    submission: SubmissionSummary
    files: list[UploadedFile] = field(default_factory=list)
    values: list[StoredValue] = field(default_factory=list)
    validation: Run | None = None
    problems: list[Problem] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    history: list[ValueChange] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission.to_dict(),
            "files": [vars(f) for f in self.files],
            "values": [v.to_dict() for v in self.values],
            "validation": vars(self.validation) if self.validation else None,
            "problems": [p.to_dict() for p in self.problems],
            "queries": [q.to_dict() for q in self.queries],
            "history": [h.to_dict() for h in self.history],
            "steps": [vars(s) for s in self.steps],
        }


def _step(row: SubmissionTransitionRow, who: dict[int, str]) -> Step:
    return Step(row.from_state, row.to_state, who.get(row.user_id, ""), aware(row.at), row.comment)


def _run(row: ValidationRunRow, who: dict[int, str]) -> Run:
    return Run(
        row.id, row.trigger, who.get(row.user_id, ""), aware(row.at), row.values, row.errors, row.warnings
    )


def submission_detail(store: Store, year: int, country: str, *, user: User | None = None) -> SubmissionDetail:
    """The submission of ``country`` for the round ``year``; a ``user`` must be allowed to see it."""
    code = country_code(country)
    if user is not None:
        authorize(user, Action.view_submission, code)
    with store.session() as session:
        row = submission_row(session, year, code)
        values = value_rows(session, row.id)
        history = history_rows(session, row.id)
        files = list(
            session.scalars(
                select(SubmissionFileRow)
                .where(SubmissionFileRow.submission_id == row.id)
                .order_by(SubmissionFileRow.id)
            )
        )
        steps = list(
            session.scalars(
                select(SubmissionTransitionRow)
                .where(SubmissionTransitionRow.submission_id == row.id)
                .order_by(SubmissionTransitionRow.id)
            )
        )
        run = latest_run(session, row.id)
        ids = {v.set_by for v in values} | {f.uploaded_by for f in files} | {s.user_id for s in steps}
        ids |= {h.set_by for h, _ in history} | {h.superseded_by for h, _ in history}
        ids |= {run.user_id} if run else set()
        who = emails(session, ids)
        return SubmissionDetail(
            submission=summary(session, row),
            files=[
                UploadedFile(
                    f.original_name,
                    f.file_sha256,
                    f.format,
                    f.values,
                    who.get(f.uploaded_by, ""),
                    f.uploaded_at,
                )
                for f in files
            ],
            values=[stored_value(v, who) for v in values],
            validation=_run(run, who) if run else None,
            problems=run_problems(session, run.id) if run else [],
            queries=load_queries(session, row.id),
            history=[value_change(h, v, who) for h, v in history],
            steps=[
                Step(s.from_state, s.to_state, who.get(s.user_id, ""), aware(s.at), s.comment) for s in steps
            ],
        )
