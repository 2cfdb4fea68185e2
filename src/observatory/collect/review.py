"""Reviewer queries: a question on one value, answered by the focal point, closed by the reviewer.

A query attaches to one value of a submission under review (its sheet and cell, or row, and its series
key and year). The thread keeps every message. An answer may carry a corrected value: it replaces the
value (the previous one goes to the value's history) and the validation runs again. A submission cannot be
validated while any of its queries is not closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.auth import Action, User, authorize, country_code, emails
from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.checking import QueryState, Trigger, run_validation
from observatory.collect.rounds import round_row
from observatory.collect.submissions import SubmissionState, submission_row
from observatory.collect.values import (
    Change,
    as_observation,
    aware,
    describe_location,
    find_value,
    store_values,
)
from observatory.errors import Conflict, InvalidInput, NotFound
from observatory.model.observation import Provenance
from observatory.store.db import Store
from observatory.store.tables import QueryMessageRow, QueryRow, SubmissionRow, SubmissionValueRow

REVIEWABLE = frozenset({SubmissionState.under_review})


class MessageKind(StrEnum):
    question = "question"
    answer = "answer"
    close = "close"


@dataclass(frozen=True)
class QueryMessage:
    kind: MessageKind
    text: str
    corrected_value: float | None
    by: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "kind": self.kind.value}


@dataclass(frozen=True)
class Query:
    id: int
    submission_id: int
    value_id: int
    key: str
    period: str
    location: str
    state: QueryState
    created_by: str
    created_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    messages: list[QueryMessage] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        body = {**vars(self), "state": self.state.value}
        body["messages"] = [m.to_dict() for m in self.messages]
        return body


def load_queries(session: Session, submission_id: int, query_id: int | None = None) -> list[Query]:
    rows = session.execute(
        select(QueryRow, SubmissionValueRow)
        .join(SubmissionValueRow, SubmissionValueRow.id == QueryRow.value_id)
        .where(QueryRow.submission_id == submission_id, *([QueryRow.id == query_id] if query_id else []))
        .order_by(QueryRow.id)
    )
    pairs = [(q, v) for q, v in rows]
    ids = [q.id for q, _ in pairs]
    messages = list(
        session.scalars(
            select(QueryMessageRow).where(QueryMessageRow.query_id.in_(ids)).order_by(QueryMessageRow.id)
        )
    )
    who = emails(
        session,
        {m.user_id for m in messages}
        | {q.created_by for q, _ in pairs}
        | {q.closed_by for q, _ in pairs if q.closed_by},
    )
    thread: dict[int, list[QueryMessage]] = {}
    for m in messages:
        thread.setdefault(m.query_id, []).append(
            QueryMessage(MessageKind(m.kind), m.text, m.corrected_value, who.get(m.user_id, ""), aware(m.at))
        )
    return [
        Query(
            q.id,
            q.submission_id,
            v.id,
            v.key,
            v.period,
            describe_location(v.file_name, v.sheet, v.cell, v.row, v.key, v.period),
            QueryState(q.state),
            who.get(q.created_by, ""),
            aware(q.created_at),
            who.get(q.closed_by) if q.closed_by else None,
            aware(q.closed_at),
            thread.get(q.id, []),
        )
        for q, v in pairs
    ]


def _text(text: str, what: str) -> str:
    if not text or not text.strip():
        raise InvalidInput(f"{what} needs a text", code="missing-comment")
    return text.strip()


def _message(
    session: Session, query_id: int, user: User, kind: MessageKind, text: str, value: float | None = None
) -> None:
    session.add(
        QueryMessageRow(
            query_id=query_id,
            kind=kind.value,
            text=text,
            corrected_value=value,
            user_id=user.id,
            at=datetime.now(UTC),
        )
    )


def _require_review(row: SubmissionRow) -> None:
    if SubmissionState(row.state) not in REVIEWABLE:
        raise Conflict(
            f"the submission of {row.country} for {row.round_year} is {row.state}; queries are raised and "
            "answered while it is under-review",
            code="invalid-transition",
        )


def raise_query(
    store: Store,
    user: User,
    year: int,
    country: str,
    *,
    text: str,
    key: str | None = None,
    period: str | None = None,
    cell: str | None = None,
) -> Query:
    """Ask the focal point about one value, named by key and year or by ``SHEET!CELL``."""
    code = country_code(country)
    authorize(user, Action.raise_query, code)
    question = _text(text, "a query")
    with store.session() as session:
        row = submission_row(session, year, code)
        _require_review(row)
        value = find_value(session, row.id, key=key, period=period, cell=cell)
        query = QueryRow(
            submission_id=row.id,
            value_id=value.id,
            state=QueryState.open.value,
            created_by=user.id,
            created_at=datetime.now(UTC),
        )
        session.add(query)
        session.flush()
        _message(session, query.id, user, MessageKind.question, question)
        session.flush()
        return load_queries(session, row.id, query.id)[0]


def _query(session: Session, query_id: int) -> tuple[QueryRow, SubmissionRow]:
    query = session.get(QueryRow, query_id)
    if query is None:
        raise NotFound(f"no query {query_id}; see `observatory submission show`", code="unknown-query")
    submission = session.get(SubmissionRow, query.submission_id)
    assert submission is not None  # foreign key
    return query, submission


def query_place(store: Store, query_id: int) -> tuple[int, str]:
    """The round year and country of the submission a query belongs to."""
    with store.session() as session:
        _, row = _query(session, query_id)
        return row.round_year, row.country


def answer_query(
    store: Store, user: User, query_id: int, *, text: str, corrected_value: float | None = None
) -> Query:
    """The focal point's answer; a corrected value replaces the queried one (the old one is kept)."""
    answer = _text(text, "an answer")
    with store.session() as session:
        query, row = _query(session, query_id)
        authorize(user, Action.answer_query, row.country)
        _require_review(row)
        if QueryState(query.state) is QueryState.closed:
            raise Conflict(
                f"query {query_id} is closed; ask the reviewer to raise a new one", code="query-closed"
            )
        _message(session, query.id, user, MessageKind.answer, answer, corrected_value)
        query.state = QueryState.answered.value
        if corrected_value is not None:
            _correct(store, session, row, query, user, corrected_value, answer)
        session.flush()
        return load_queries(session, row.id, query.id)[0]


def _correct(
    store: Store, session: Session, row: SubmissionRow, query: QueryRow, user: User, value: float, answer: str
) -> None:
    current = session.get(SubmissionValueRow, query.value_id)
    assert current is not None  # foreign key
    obs = as_observation(current, row.country)
    provenance = Provenance(obs.provenance.dataflow, sheet=current.sheet, cell=current.cell, row=current.row)
    corrected = type(obs)(obs.area, obs.period, obs.key, value, provenance, obs.flags, obs.note, obs.label)
    questionnaire = load_questionnaire(round_row(session, row.round_year).questionnaire_version)
    comment = f"query #{query.id}: {answer}"
    store_values(
        session, row.id, [corrected], user, Change.query_answer, questionnaire=questionnaire, comment=comment
    )
    row.updated_at = datetime.now(UTC)
    run_validation(store, session, row, user, Trigger.query_answer)


def close_query(store: Store, user: User, query_id: int, *, text: str | None = None) -> Query:
    """The reviewer is satisfied: the query no longer blocks validation."""
    with store.session() as session:
        query, row = _query(session, query_id)
        authorize(user, Action.close_query, row.country)
        if QueryState(query.state) is QueryState.closed:
            raise Conflict(f"query {query_id} is closed already", code="query-closed")
        _message(session, query.id, user, MessageKind.close, (text or "").strip() or "closed")
        query.state = QueryState.closed.value
        query.closed_by = user.id
        query.closed_at = datetime.now(UTC)
        session.flush()
        return load_queries(session, row.id, query.id)[0]
