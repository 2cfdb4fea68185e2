"""Correspondence tables in the store: import, versions, export, review actions and their history.

A table is identified by its country and version; a new version is a new table, the old ones stay. Every
write is authorized (:data:`Action.edit_correspondence` for a focal point of the country, a reviewer or
an admin; :data:`Action.review_correspondence` to confirm, correct or dispute) and every change of a link
is recorded in ``correspondence_changes`` (who, when, the previous code, share and status, the comment).
Imports are all or nothing: the file is read and checked completely before anything is written.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from observatory.auth import Action, User, authorize, country_code, emails
from observatory.errors import Conflict, InvalidInput, NotFound
from observatory.iccs.correspondence_io import TableFormat, read_table, write_table
from observatory.model.correspondence import Correspondence, Link, MappingStatus, NationalOffence
from observatory.store.db import Store
from observatory.store.originals import keep_original
from observatory.store.tables import (
    CorrespondenceChangeRow,
    CorrespondenceLinkRow,
    CorrespondenceRow,
    NationalOffenceRow,
)


class LinkAction(StrEnum):
    """What can happen to a link; recorded in its history."""

    imported = "import"
    drafted = "draft"
    proposed = "propose"
    confirmed = "confirm"
    corrected = "correct"
    disputed = "dispute"


@dataclass(frozen=True)
class ConfirmedExample:
    """A confirmed mapping, in the shape of the coder's ``Example``."""

    label: str
    iccs_code: str
    description: str = ""
    lang: str = "en"


@dataclass(frozen=True)
class CorrespondenceInfo:
    id: int
    country: str
    name: str
    version: str
    created_at: datetime
    created_by: str | None
    offences: int
    links: int
    confirmed: int
    file_sha256: str | None = None


@dataclass(frozen=True)
class Change:
    national_code: str
    action: str
    previous_iccs_code: str | None
    iccs_code: str | None
    previous_share: float | None
    share: float | None
    previous_status: str | None
    status: str | None
    comment: str
    user: str | None
    at: datetime


@dataclass
class NewLink:
    """A link to store, with the coder's confidence and proposals when drafted."""

    link: Link
    proposals: list[dict[str, Any]] = field(default_factory=list)


def utc_now() -> datetime:
    return datetime.now(UTC)


def table_row(session: Session, country: str, version: str) -> CorrespondenceRow:
    code = country_code(country)
    row = session.scalar(
        select(CorrespondenceRow).where(
            CorrespondenceRow.country == code, CorrespondenceRow.version == version
        )
    )
    if row is None:
        known = session.scalars(
            select(CorrespondenceRow.version).where(CorrespondenceRow.country == code)
        ).all()
        hint = (
            f"; versions of {code}: {', '.join(known)}"
            if known
            else f"; {code} has no correspondence table yet"
        )
        raise NotFound(
            f"no correspondence table {code} version {version!r}{hint}", code="unknown-correspondence"
        )
    return row


def create(
    store: Store,
    user: User,
    *,
    country: str,
    name: str,
    version: str,
    offences: Sequence[NationalOffence],
    links: Sequence[NewLink],
    action: LinkAction,
    original: Path | None = None,
    fmt: str = "correspondence-csv",
) -> CorrespondenceInfo:
    """Store a new table version (Conflict if the country has that version already)."""
    code = country_code(country)
    authorize(user, Action.edit_correspondence, code)
    if not version.strip() or not name.strip():
        raise InvalidInput("a correspondence table needs a name and a version", code="missing-value")
    now = utc_now()
    with store.session() as session:
        exists = session.scalar(
            select(CorrespondenceRow.id).where(
                CorrespondenceRow.country == code, CorrespondenceRow.version == version
            )
        )
        if exists is not None:
            raise Conflict(
                f"{code} has a correspondence table version {version!r} already; give a new --version",
                code="duplicate-version",
            )
        sha = keep_original(session, store.settings, original, fmt=fmt).sha256 if original else None
        table = CorrespondenceRow(
            country=code,
            name=name.strip(),
            version=version,
            created_at=now,
            created_by=user.id,
            file_sha256=sha,
        )
        session.add(table)
        session.flush()
        for seq, offence in enumerate(offences):
            session.add(
                NationalOffenceRow(
                    correspondence_id=table.id,
                    seq=seq,
                    code=offence.code,
                    label=offence.label,
                    description=offence.description,
                    legal_reference=offence.legal_reference,
                    language=offence.language,
                    valid_from=offence.valid_from,
                    valid_to=offence.valid_to,
                )
            )
        for new in links:
            link = new.link
            session.add(
                CorrespondenceLinkRow(
                    correspondence_id=table.id,
                    national_code=link.national_code,
                    iccs_code=link.iccs_code,
                    share=link.share,
                    status=link.status.value,
                    comment=link.comment,
                    confidence=link.confidence,
                    proposals=json.dumps(new.proposals, ensure_ascii=False) if new.proposals else None,
                    updated_at=now,
                    updated_by=user.id,
                )
            )
            record_change(session, table.id, user, action, link.national_code, None, link, link.comment, now)
        session.flush()
        return _info(session, table)


def record_change(
    session: Session,
    table_id: int,
    user: User,
    action: LinkAction,
    national_code: str,
    before: Link | None,
    after: Link | None,
    comment: str,
    at: datetime,
) -> None:
    session.add(
        CorrespondenceChangeRow(
            correspondence_id=table_id,
            national_code=national_code,
            action=action.value,
            previous_iccs_code=before.iccs_code if before else None,
            iccs_code=after.iccs_code if after else None,
            previous_share=before.share if before else None,
            share=after.share if after else None,
            previous_status=before.status.value if before else None,
            status=after.status.value if after else None,
            comment=comment,
            user_id=user.id,
            at=at,
        )
    )


def import_table(
    store: Store,
    user: User,
    path: Path,
    *,
    country: str,
    name: str,
    version: str,
    data: bytes | None = None,
) -> CorrespondenceInfo:
    """Read and check a CSV or xlsx table completely, then store it as a new version (all or nothing)."""
    authorize(user, Action.edit_correspondence, country_code(country))
    raw = path.read_bytes() if data is None else data
    parsed = read_table(path, raw)
    with tempfile.TemporaryDirectory() as folder:
        kept = Path(folder) / path.name
        kept.write_bytes(raw)
        return create(
            store,
            user,
            country=country,
            name=name,
            version=version,
            offences=parsed.offences,
            links=[NewLink(link) for link in parsed.links],
            action=LinkAction.imported,
            original=kept,
            fmt=f"correspondence-{path.suffix.lstrip('.').lower() or 'csv'}",
        )


def _info(session: Session, row: CorrespondenceRow) -> CorrespondenceInfo:
    def count(*where: Any) -> int:
        query = select(func.count(CorrespondenceLinkRow.id)).where(
            CorrespondenceLinkRow.correspondence_id == row.id, *where
        )
        return int(session.scalar(query) or 0)

    offences = session.scalar(
        select(func.count(NationalOffenceRow.id)).where(NationalOffenceRow.correspondence_id == row.id)
    )
    who = emails(session, {row.created_by}) if row.created_by else {}
    return CorrespondenceInfo(
        id=row.id,
        country=row.country,
        name=row.name,
        version=row.version,
        created_at=row.created_at,
        created_by=who.get(row.created_by) if row.created_by else None,
        offences=int(offences or 0),
        links=count(),
        confirmed=count(CorrespondenceLinkRow.status == MappingStatus.confirmed.value),
        file_sha256=row.file_sha256,
    )


def list_tables(store: Store, country: str | None = None) -> list[CorrespondenceInfo]:
    query = select(CorrespondenceRow).order_by(CorrespondenceRow.country, CorrespondenceRow.id)
    if country:
        query = query.where(CorrespondenceRow.country == country_code(country))
    with store.session() as session:
        return [_info(session, row) for row in session.scalars(query)]


def info(store: Store, country: str, version: str) -> CorrespondenceInfo:
    with store.session() as session:
        return _info(session, table_row(session, country, version))


def link_from_row(row: CorrespondenceLinkRow) -> Link:
    return Link(
        row.national_code, row.iccs_code, row.share, MappingStatus(row.status), row.comment, row.confidence
    )


def load(store: Store, country: str, version: str) -> Correspondence:
    """One table version as the pure :class:`Correspondence`."""
    with store.session() as session:
        table = table_row(session, country, version)
        offences = session.scalars(
            select(NationalOffenceRow)
            .where(NationalOffenceRow.correspondence_id == table.id)
            .order_by(NationalOffenceRow.seq)
        ).all()
        links = session.scalars(
            select(CorrespondenceLinkRow)
            .where(CorrespondenceLinkRow.correspondence_id == table.id)
            .order_by(CorrespondenceLinkRow.id)
        ).all()
        return Correspondence(
            country=table.country,
            name=table.name,
            version=table.version,
            offences=[
                NationalOffence(
                    o.code, o.label, o.description, o.legal_reference, o.language, o.valid_from, o.valid_to
                )
                for o in offences
            ],
            links=[link_from_row(link) for link in links],
            id=table.id,
        )


def proposals_of(store: Store, country: str, version: str) -> dict[str, list[dict[str, Any]]]:
    """The coder's stored proposals by national code (drafted tables only)."""
    with store.session() as session:
        table = table_row(session, country, version)
        rows = session.execute(
            select(CorrespondenceLinkRow.national_code, CorrespondenceLinkRow.proposals).where(
                CorrespondenceLinkRow.correspondence_id == table.id,
                CorrespondenceLinkRow.proposals.is_not(None),
            )
        ).all()
    return {code: json.loads(text) for code, text in rows if text}


def export_table(store: Store, country: str, version: str, fmt: TableFormat) -> bytes:
    table = load(store, country, version)
    return write_table(table.offences, table.links, fmt)


def history(store: Store, country: str, version: str, national_code: str | None = None) -> list[Change]:
    with store.session() as session:
        table = table_row(session, country, version)
        query = (
            select(CorrespondenceChangeRow)
            .where(CorrespondenceChangeRow.correspondence_id == table.id)
            .order_by(CorrespondenceChangeRow.id)
        )
        if national_code is not None:
            query = query.where(CorrespondenceChangeRow.national_code == national_code)
        rows = session.scalars(query).all()
        who = emails(session, {r.user_id for r in rows if r.user_id is not None})
        return [
            Change(
                r.national_code,
                r.action,
                r.previous_iccs_code,
                r.iccs_code,
                r.previous_share,
                r.share,
                r.previous_status,
                r.status,
                r.comment,
                who.get(r.user_id) if r.user_id is not None else None,
                r.at,
            )
            for r in rows
        ]


def confirmed_examples(store: Store, country: str | None = None) -> list[ConfirmedExample]:
    """Every confirmed mapping in the store (the newest version of each table first): the coder's memory."""
    query = (
        select(NationalOffenceRow, CorrespondenceLinkRow.iccs_code)
        .join(
            CorrespondenceLinkRow,
            (CorrespondenceLinkRow.correspondence_id == NationalOffenceRow.correspondence_id)
            & (CorrespondenceLinkRow.national_code == NationalOffenceRow.code),
        )
        .join(CorrespondenceRow, CorrespondenceRow.id == NationalOffenceRow.correspondence_id)
        .where(CorrespondenceLinkRow.status == MappingStatus.confirmed.value)
        .order_by(CorrespondenceRow.id.desc(), NationalOffenceRow.seq)
    )
    if country:
        query = query.where(CorrespondenceRow.country == country_code(country))
    with store.session() as session:
        return [
            ConfirmedExample(o.label, iccs, o.description, o.language or "en")
            for o, iccs in session.execute(query)
        ]
