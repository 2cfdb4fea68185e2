"""Drafting a correspondence table with the coder, its review queue, and the review actions.

:func:`draft` codes a whole national list (CSV or xlsx ``code,label,description``, read by
:mod:`observatory.iccs.national_list`) into a new table version:
each offence is linked to the coder's best proposal with status ``proposed`` and its confidence, and
the top proposals with their evidence are kept with the link. :func:`review_queue` lists the proposed
links below a confidence threshold (and unmapped offences) for a reviewer to accept, correct or dispute
(:func:`observatory.iccs.correspondence.review`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from observatory.auth import Action, User, authorize, country_code
from observatory.catalog.iccs import load_iccs
from observatory.errors import Conflict, ErrorLocation, InvalidInput, NotFound
from observatory.iccs.correspondence import (
    ConfirmedExample,
    CorrespondenceInfo,
    LinkAction,
    NewLink,
    confirmed_examples,
    create,
    link_from_row,
    load,
    proposals_of,
    record_change,
    table_row,
    utc_now,
)
from observatory.iccs.national_list import read_national_list
from observatory.iccs.tree import normalise_code
from observatory.model.correspondence import Link, MappingStatus, NationalOffence
from observatory.store.db import Store
from observatory.store.tables import CorrespondenceLinkRow, NationalOffenceRow

DEFAULT_THRESHOLD = 0.6


class Learner(Protocol):
    """The part of the coding assistant that learns from confirmed mappings."""

    def learn(self, examples: Iterable[Any]) -> object: ...


class ProposalLike(Protocol):
    @property
    def iccs_code(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def evidence(self) -> Sequence[Any]: ...


class CoderLike(Protocol):
    """The coding assistant's interface (``observatory.iccs.coder.Coder``)."""

    def propose(self, label: str, description: str = "", lang: str = "en", top: int = 3) -> Sequence[Any]: ...

    def learn(self, examples: Iterable[Any]) -> object: ...


def coder_for(store: Store) -> CoderLike:
    """The coding assistant over the store's ICCS texts and index, taught every confirmed mapping."""
    from observatory.iccs.coder import Coder, Example

    coder = Coder.from_store(store)
    coder.learn(Example(e.label, e.iccs_code, e.description, e.lang) for e in confirmed_examples(store))
    return coder


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def proposal_dict(proposal: Any) -> dict[str, Any]:
    """A proposal as JSON-ready data (kept with the drafted link)."""
    return {
        "iccs_code": proposal.iccs_code,
        "title": proposal.title,
        "confidence": round(float(proposal.confidence), 4),
        "evidence": [
            {
                "kind": _plain(e.kind),
                "text": e.text,
                "code": getattr(e, "code", None),
                "weight": round(float(getattr(e, "weight", 0.0)), 4),
            }
            for e in proposal.evidence
        ],
    }


def read_list(path: Path, data: bytes | None = None, lang: str = "") -> list[NationalOffence]:
    """A national offence list, CSV or xlsx: ``code,label[,description,legal_reference,language,...]``."""
    return read_national_list(path, data, lang)


def draft(
    store: Store,
    user: User,
    coder: CoderLike,
    path: Path,
    *,
    country: str,
    name: str,
    version: str,
    lang: str = "en",
    top: int = 3,
    data: bytes | None = None,
) -> CorrespondenceInfo:
    """Code a national list with ``coder`` into a new draft table version (every link ``proposed``)."""
    authorize(user, Action.edit_correspondence, country_code(country))
    raw = path.read_bytes() if data is None else data
    offences = read_list(path, raw, lang)
    links: list[NewLink] = []
    for offence in offences:
        found = list(coder.propose(offence.label, offence.description, lang, top))
        if not found:
            continue
        best = found[0]
        link = Link(
            offence.code,
            best.iccs_code,
            1.0,
            MappingStatus.proposed,
            "",
            round(float(best.confidence), 4),
        )
        links.append(NewLink(link, [proposal_dict(p) for p in found]))
    with tempfile.TemporaryDirectory() as folder:
        kept = Path(folder) / path.name
        kept.write_bytes(raw)
        return create(
            store,
            user,
            country=country,
            name=name,
            version=version,
            offences=offences,
            links=links,
            action=LinkAction.drafted,
            original=kept,
            fmt="national-offence-list",
        )


@dataclass(frozen=True)
class QueueItem:
    """One national offence waiting for a reviewer."""

    national_code: str
    label: str
    description: str
    iccs_code: str | None
    confidence: float | None
    status: str
    proposals: list[dict[str, Any]] = field(default_factory=list)


def review_queue(
    store: Store, country: str, version: str, threshold: float = DEFAULT_THRESHOLD
) -> list[QueueItem]:
    """Proposed links below ``threshold`` (or without a confidence), disputed links and unmapped offences."""
    table = load(store, country, version)
    stored = proposals_of(store, country, version)
    items: list[QueueItem] = []
    for offence in table.offences:
        links = table.links_of(offence.code)
        waiting = [
            link
            for link in links
            if link.status is MappingStatus.disputed
            or (
                link.status is MappingStatus.proposed
                and (link.confidence is None or link.confidence < threshold)
            )
        ]
        if links and not waiting:
            continue
        first = waiting[0] if waiting else None
        items.append(
            QueueItem(
                national_code=offence.code,
                label=offence.label,
                description=offence.description,
                iccs_code=first.iccs_code if first else None,
                confidence=first.confidence if first else None,
                status=first.status.value if first else "unmapped",
                proposals=stored.get(offence.code, []),
            )
        )
    return items


def _rows_to_change(
    session: Session, table_id: int, national_code: str, old: str | None, target: str | None, now: datetime
) -> tuple[list[CorrespondenceLinkRow], list[Link | None]]:
    """The link rows a review action changes (a new one for an unmapped offence), and their state before."""
    every = list(
        session.scalars(
            select(CorrespondenceLinkRow).where(
                CorrespondenceLinkRow.correspondence_id == table_id,
                CorrespondenceLinkRow.national_code == national_code,
            )
        )
    )
    rows = [r for r in every if r.iccs_code == old] if old is not None else every
    if old is not None and not rows:
        raise NotFound(f"{national_code!r} is not mapped to {old}", code="unknown-link")
    if target is None:
        if not rows:
            raise InvalidInput(
                f"{national_code!r} has no mapping; correct it with --iccs-code", code="unknown-link"
            )
        return rows, [link_from_row(r) for r in rows]
    if len(rows) > 1:
        raise InvalidInput(
            f"{national_code!r} is split over {', '.join(r.iccs_code for r in rows)}; "
            "name the link to change with --previous CODE",
            code="ambiguous-link",
        )
    if any(r.iccs_code == target for r in every if r not in rows):
        raise Conflict(f"{national_code!r} is mapped to {target} already", code="duplicate-link")
    if rows:
        before: list[Link | None] = [link_from_row(rows[0])]
        rows[0].iccs_code = target
        return rows, before
    row = CorrespondenceLinkRow(
        correspondence_id=table_id,
        national_code=national_code,
        iccs_code=target,
        share=1.0,
        status=MappingStatus.proposed.value,
        comment="",
        updated_at=now,
    )
    session.add(row)
    return [row], [None]


def review(
    store: Store,
    user: User,
    *,
    country: str,
    version: str,
    national_code: str,
    action: LinkAction,
    iccs_code: str | None = None,
    previous: str | None = None,
    comment: str = "",
    learner: Learner | None = None,
) -> list[Link]:
    """Confirm, correct, dispute or propose the links of one national offence; return its links after.

    ``confirm`` and ``dispute`` act on every link of the offence (or the one to ``previous``); ``correct``
    (confirmed) and ``propose`` (by a focal point) move the link to ``previous`` (or the only link; an
    unmapped offence gets one with share 1) to ``iccs_code``. A dispute needs a comment. Confirmed codes
    are taught to ``learner`` (the coding assistant) when given.
    """
    code = country_code(country)
    needed = Action.edit_correspondence if action is LinkAction.proposed else Action.review_correspondence
    authorize(user, needed, code)
    if action is LinkAction.disputed and not comment.strip():
        raise InvalidInput(
            "say why the mapping is disputed (--comment)",
            code="missing-value",
            location=ErrorLocation(field="comment"),
        )
    target = normalise_code(iccs_code, load_iccs()) if iccs_code else None
    if action in (LinkAction.corrected, LinkAction.proposed) and target is None:
        raise InvalidInput(
            f"{action.value} needs the ICCS code to map to (--iccs-code)", code="missing-value"
        )
    old = normalise_code(previous, load_iccs()) if previous else None
    now = utc_now()
    with store.session() as session:
        table = table_row(session, code, version)
        offence = session.scalar(
            select(NationalOffenceRow).where(
                NationalOffenceRow.correspondence_id == table.id, NationalOffenceRow.code == national_code
            )
        )
        if offence is None:
            raise NotFound(
                f"{code} {version} has no national offence {national_code!r}", code="unknown-national-code"
            )
        rows, before = _rows_to_change(session, table.id, national_code, old, target, now)
        status = {
            LinkAction.confirmed: MappingStatus.confirmed,
            LinkAction.corrected: MappingStatus.confirmed,
            LinkAction.disputed: MappingStatus.disputed,
        }.get(action, MappingStatus.proposed)
        for row, was in zip(rows, before, strict=True):
            row.status = status.value
            if comment:
                row.comment = comment
            row.updated_at, row.updated_by = now, user.id
            record_change(
                session, table.id, user, action, national_code, was, link_from_row(row), comment, now
            )
        session.flush()
        after = [link_from_row(r) for r in rows]
        lang = offence.language or "en"
        examples = [
            ConfirmedExample(offence.label, link.iccs_code, offence.description, lang)
            for link in after
            if link.status is MappingStatus.confirmed
        ]
    if learner is not None and examples:
        learner.learn(examples)
    return after
