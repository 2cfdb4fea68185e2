"""The technical-assistance portfolio in the store: create and update projects, keeping every version;
import and export CSV or xlsx; list, filter and read them.

Every write is authorized (:data:`Action.manage_assistance`: admins and reviewers) and stores a full
revision of the project (``assistance_project_revisions``): an earlier version is never overwritten, and
an update identical to the current version stores nothing. An import reads and checks the whole file first
(:func:`observatory.assistance.table.read_portfolio`), then keeps the original file and saves every project
in one transaction: a file with any error stores nothing.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.assistance import checks
from observatory.assistance.checks import check_project
from observatory.assistance.codec import project_from_dict
from observatory.assistance.table import TableFormat, format_of, read_portfolio, write_portfolio
from observatory.auth import Action, User, authorize, emails
from observatory.errors import Conflict, ErrorLocation, InvalidInput, NotFound
from observatory.model.assistance import Project, Status, Theme, matches
from observatory.store.db import Store
from observatory.store.originals import keep_original
from observatory.store.tables import AssistanceCountryRow, AssistanceProjectRow, AssistanceRevisionRow


@dataclass(frozen=True)
class StoredProject:
    """A project's current version, with its revision number and when it was created and last changed."""

    project: Project
    revision: int
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.project.to_dict(),
            "revision": self.revision,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class Revision:
    revision: int
    at: datetime
    user: str | None
    comment: str
    file_sha256: str | None
    project: Project

    def to_dict(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "at": self.at.isoformat(),
            "user": self.user,
            "comment": self.comment,
            "file_sha256": self.file_sha256,
            "project": self.project.to_dict(),
        }


@dataclass(frozen=True)
class Saved:
    code: str
    revision: int
    outcome: str  # created, updated or unchanged


@dataclass(frozen=True)
class ImportResult:
    file: str
    file_sha256: str
    saved: tuple[Saved, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for s in self.saved if s.outcome == outcome)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "file_sha256": self.file_sha256,
            "projects": len(self.saved),
            "created": self.count("created"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "saved": [vars(s) for s in self.saved],
        }


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _json(project: Project) -> str:
    return json.dumps(project.to_dict(), ensure_ascii=False, sort_keys=True)


def _load(data: str) -> Project:
    return project_from_dict(json.loads(data))


def _row(session: Session, code: str) -> AssistanceProjectRow:
    row = session.scalar(select(AssistanceProjectRow).where(AssistanceProjectRow.code == code))
    if row is None:
        raise NotFound(f"no technical-assistance project {code!r}", code="unknown-project")
    return row


def _save(
    session: Session, user: User, project: Project, *, comment: str, file_sha256: str | None = None
) -> Saved:
    """Store ``project`` as a new revision (or as the first); nothing when it equals the current one."""
    data = _json(project)
    now = datetime.now(UTC)
    row = session.scalar(select(AssistanceProjectRow).where(AssistanceProjectRow.code == project.code))
    if row is not None and row.data == data:
        return Saved(project.code, row.revision, "unchanged")
    outcome = "updated" if row is not None else "created"
    if row is None:
        row = AssistanceProjectRow(code=project.code, revision=0, created_at=now)
        session.add(row)
    row.revision += 1
    row.title, row.status, row.region = project.title, project.status.value, project.region
    row.start_date, row.end_date = project.start, project.end
    row.currency, row.data, row.updated_at = project.budget.currency, data, now
    session.flush()
    session.add(
        AssistanceRevisionRow(
            project_id=row.id,
            revision=row.revision,
            data=data,
            at=now,
            user_id=user.id or None,
            comment=comment,
            file_sha256=file_sha256,
        )
    )
    old = set(
        session.scalars(select(AssistanceCountryRow.country).where(AssistanceCountryRow.project_id == row.id))
    )
    for country in old - set(project.countries):
        session.delete(session.get(AssistanceCountryRow, (row.id, country)))
    session.add_all(AssistanceCountryRow(project_id=row.id, country=c) for c in set(project.countries) - old)
    return Saved(project.code, row.revision, outcome)


def create_project(store: Store, user: User, data: dict[str, Any], *, comment: str = "") -> Saved:
    """A new project from its JSON shape; ``project-exists`` if the code is taken."""
    authorize(user, Action.manage_assistance)
    project = check_project(project_from_dict(data))
    with store.session() as session:
        if session.scalar(select(AssistanceProjectRow.id).where(AssistanceProjectRow.code == project.code)):
            raise Conflict(
                f"project {project.code!r} exists already; update it instead", code="project-exists"
            )
        return _save(session, user, project, comment=comment or "created")


def update_project(store: Store, user: User, code: str, data: dict[str, Any], *, comment: str = "") -> Saved:
    """A new version of project ``code`` (the whole project, as created); the old versions stay."""
    authorize(user, Action.manage_assistance)
    if data.get("code") not in (None, "", code):
        raise InvalidInput(
            f"the body is project {data['code']!r} but the address names {code!r}; a code cannot change",
            code="invalid-project-code",
            location=ErrorLocation(field="code"),
        )
    project = check_project(project_from_dict({**data, "code": code}))
    with store.session() as session:
        _row(session, code)
        return _save(session, user, project, comment=comment or "updated")


def save_project(store: Store, user: User, project: Project, *, comment: str = "") -> Saved:
    """Create or update from a :class:`Project` (the statistics filler and the tests use this)."""
    authorize(user, Action.manage_assistance)
    checked = check_project(project)
    with store.session() as session:
        return _save(session, user, checked, comment=comment)


def import_portfolio(
    store: Store, user: User, path: Path, *, data: bytes | None = None, comment: str = ""
) -> ImportResult:
    """Every project of a CSV or xlsx file, all or nothing; the original file is kept."""
    authorize(user, Action.manage_assistance)
    content = path.read_bytes() if data is None else data
    projects = read_portfolio(path.name, content)
    note = comment or f"imported from {path.name}"
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_bytes(content)
        with store.session() as session:
            source = keep_original(
                session, store.settings, copy, fmt=f"assistance-{format_of(path.name).value}"
            )
            saved = tuple(_save(session, user, p, comment=note, file_sha256=source.sha256) for p in projects)
    return ImportResult(path.name, source.sha256, saved)


def get_project(store: Store, code: str) -> StoredProject:
    with store.session() as session:
        row = _row(session, code)
        return StoredProject(_load(row.data), row.revision, _utc(row.created_at), _utc(row.updated_at))


def list_projects(
    store: Store,
    *,
    country: str | None = None,
    theme: Theme | None = None,
    status: Status | None = None,
    year: int | None = None,
    region: str | None = None,
) -> list[StoredProject]:
    """Current versions of the projects passing every filter given, by code.

    ``country`` and ``region`` may be codes or names as users type them; an unknown one is refused
    (``unknown-area``) rather than matching nothing.
    """
    country = checks.country(country) if country else None
    region = checks.region(region) if region else None
    query = select(AssistanceProjectRow).order_by(AssistanceProjectRow.code)
    if country:
        query = query.join(AssistanceCountryRow).where(AssistanceCountryRow.country == country)
    if status:
        query = query.where(AssistanceProjectRow.status == status.value)
    with store.session() as session:
        rows = session.scalars(query).all()
        found = [
            StoredProject(_load(r.data), r.revision, _utc(r.created_at), _utc(r.updated_at)) for r in rows
        ]
    return [s for s in found if matches(s.project, theme=theme, year=year, region=region)]


def history(store: Store, code: str) -> list[Revision]:
    """Every version of project ``code``, oldest first, with who stored it, when and why."""
    with store.session() as session:
        row = _row(session, code)
        revisions = session.scalars(
            select(AssistanceRevisionRow)
            .where(AssistanceRevisionRow.project_id == row.id)
            .order_by(AssistanceRevisionRow.revision)
        ).all()
        who = emails(session, {r.user_id for r in revisions if r.user_id is not None})
        return [
            Revision(
                r.revision,
                _utc(r.at),
                who.get(r.user_id) if r.user_id is not None else None,
                r.comment,
                r.file_sha256,
                _load(r.data),
            )
            for r in revisions
        ]


def export_portfolio(projects: Sequence[StoredProject], fmt: TableFormat) -> bytes:
    """The projects as CSV or xlsx, in the shape :func:`import_portfolio` reads (formulas neutralised)."""
    return write_portfolio([s.project for s in projects], fmt)
