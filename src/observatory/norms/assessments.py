"""Compliance assessments in the store: recording (all or nothing), reading, scores, agreement, deltas, gaps.

Recording needs ``Action.record_assessment`` for the country (an assessor for their own countries, or an
admin); reading individual assessments ``Action.view_assessment``; scores and gaps are published figures.
The checklist version an assessment used is kept in ``norm_checklist_versions`` the first time it is used,
so an assessment keeps its version when the shipped checklist changes; changing a checklist's content
without changing its version is refused (``checklist-changed``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from observatory.auth import Action, User, authorize
from observatory.auth.accounts import country_code
from observatory.errors import Conflict, InvalidInput, NotFound
from observatory.model.assessment import (
    Assessment,
    Checklist,
    Evidence,
    EvidenceKind,
    Finding,
    FindingSource,
    Provenance,
    checklist_from_dict,
)
from observatory.norms import autofill
from observatory.norms.checklists import get_checklist, load_checklists
from observatory.norms.entries import EVIDENCE_MAX_BYTES, EvidenceFile, parse_findings
from observatory.norms.scoring import KappaWeights, Ratings, agreement, consensus, delta, gaps, score
from observatory.store.db import Store
from observatory.store.originals import keep_original
from observatory.store.tables import (
    NormAssessmentRow,
    NormChecklistVersionRow,
    NormEvidenceRow,
    NormFindingRow,
)


def _definition(checklist: Checklist) -> tuple[str, str]:
    text = json.dumps(checklist.to_dict(), sort_keys=True, ensure_ascii=False)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _keep_version(session: Session, checklist: Checklist) -> None:
    text, sha = _definition(checklist)
    row = session.scalar(
        select(NormChecklistVersionRow).where(
            NormChecklistVersionRow.checklist_id == checklist.id,
            NormChecklistVersionRow.version == checklist.version,
        )
    )
    if row is None:
        session.add(
            NormChecklistVersionRow(
                checklist_id=checklist.id,
                version=checklist.version,
                sha256=sha,
                definition=text,
                first_used_at=datetime.now(UTC),
            )
        )
    elif row.sha256 != sha:
        raise Conflict(
            f"checklist {checklist.id} {checklist.version} differs from the version assessments already use; "
            "give the changed checklist a new version",
            code="checklist-changed",
        )


def checklist_version(store: Store, checklist_id: str, version: str) -> Checklist:
    """A checklist as one version of it was used (the shipped one if it is that version)."""
    shipped = load_checklists().get(checklist_id)
    if shipped is not None and shipped.version == version:
        return shipped
    with store.session() as session:
        row = session.scalar(
            select(NormChecklistVersionRow).where(
                NormChecklistVersionRow.checklist_id == checklist_id,
                NormChecklistVersionRow.version == version,
            )
        )
        if row is None:
            raise NotFound(f"no checklist {checklist_id} version {version}", code="unknown-checklist")
        return checklist_from_dict(json.loads(row.definition))


def record_assessment(
    store: Store,
    user: User,
    checklist_id: str,
    country: str,
    assessed_on: date,
    entries: list[dict[str, Any]],
    *,
    source: str = "input",
    base: Path | None = None,
    fill: bool = True,
    note: str = "",
    max_bytes: int = EVIDENCE_MAX_BYTES,
) -> tuple[Assessment, list[str]]:
    """Check the entries (every problem at once), fill indicator-backed items, store everything in one
    transaction; return the assessment and a note per indicator item that could not be filled."""
    code = country_code(country)
    authorize(user, Action.record_assessment, code)
    checklist = get_checklist(checklist_id)
    if assessed_on > date.today():
        raise InvalidInput(f"assessment date {assessed_on} is in the future", code="invalid-date")
    parsed = parse_findings(checklist, entries, name=source, base=base, max_bytes=max_bytes)
    findings, notes = (
        autofill.fill(store, checklist, code, parsed.findings) if fill else (parsed.findings, [])
    )
    with store.session() as session:
        _keep_version(session, checklist)
        row = NormAssessmentRow(
            checklist_id=checklist.id,
            checklist_version=checklist.version,
            country=code,
            assessor=user.email,
            assessor_id=user.id or None,
            assessed_on=assessed_on,
            recorded_at=datetime.now(UTC),
            note=note,
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise Conflict(
                f"{user.email} already recorded {checklist.id} {checklist.version} for {code} "
                f"on {assessed_on}",
                code="assessment-exists",
            ) from None
        _store_findings(session, store, row.id, findings, parsed.files)
        assessment_id = row.id
    return get_assessment(store, user, assessment_id, check=False), notes


def _store_findings(
    session: Session, store: Store, assessment_id: int, findings: list[Finding], files: list[EvidenceFile]
) -> None:
    by_sha = {f.sha256: f for f in files}
    for finding in findings:
        p = finding.provenance
        frow = NormFindingRow(
            assessment_id=assessment_id,
            item_id=finding.item,
            rating=finding.rating,
            not_applicable=finding.not_applicable,
            answer=finding.answer,
            comment=finding.comment,
            source=finding.source.value,
            indicator=p.indicator if p else None,
            indicator_value=p.value if p else None,
            indicator_year=p.year if p else None,
            indicator_unit=p.unit if p else None,
            release=p.release if p else None,
            explain=p.explain if p else None,
        )
        session.add(frow)
        session.flush()
        for ev in finding.evidence:
            if ev.file_sha256 is not None:
                _keep_file(session, store, by_sha[ev.file_sha256])
            session.add(
                NormEvidenceRow(
                    finding_id=frow.id,
                    kind=ev.kind.value,
                    description=ev.description,
                    url=ev.url,
                    file_sha256=ev.file_sha256,
                    file_name=ev.file_name,
                    media_type=ev.media_type,
                    size=ev.size,
                )
            )


def _keep_file(session: Session, store: Store, file: EvidenceFile) -> None:
    """Keep an evidence file with the originals (once per SHA-256)."""
    staging = store.settings.resolved_data_dir / "tmp"
    staging.mkdir(parents=True, exist_ok=True)
    path = staging / f"{file.sha256}-{Path(file.name).name}"
    path.write_bytes(file.content)
    try:
        keep_original(session, store.settings, path, fmt=f"evidence:{file.media_type}", sha256=file.sha256)
    finally:
        path.unlink(missing_ok=True)


def _assessment(session: Session, row: NormAssessmentRow) -> Assessment:
    frows = session.scalars(
        select(NormFindingRow).where(NormFindingRow.assessment_id == row.id).order_by(NormFindingRow.id)
    ).all()
    evidence: dict[int, list[Evidence]] = {}
    if frows:
        for e in session.scalars(
            select(NormEvidenceRow)
            .where(NormEvidenceRow.finding_id.in_([f.id for f in frows]))
            .order_by(NormEvidenceRow.id)
        ):
            evidence.setdefault(e.finding_id, []).append(
                Evidence(
                    EvidenceKind(e.kind),
                    e.description,
                    e.url,
                    e.file_name,
                    e.file_sha256,
                    e.media_type,
                    e.size,
                )
            )
    findings = tuple(
        Finding(
            item=f.item_id,
            rating=f.rating,
            not_applicable=f.not_applicable,
            answer=f.answer,
            comment=f.comment,
            evidence=tuple(evidence.get(f.id, [])),
            source=FindingSource(f.source),
            provenance=None
            if f.indicator is None or f.indicator_value is None
            else Provenance(
                f.indicator,
                f.indicator_value,
                int(f.indicator_year or 0),
                int(f.release or 0),
                f.explain or "",
                f.indicator_unit or "",
            ),
        )
        for f in frows
    )
    return Assessment(
        row.checklist_id,
        row.checklist_version,
        row.country,
        row.assessor,
        row.assessed_on,
        findings,
        id=row.id,
        recorded_at=row.recorded_at,
        note=row.note,
    )


def get_assessment(store: Store, user: User, assessment_id: int, *, check: bool = True) -> Assessment:
    with store.session() as session:
        row = session.get(NormAssessmentRow, assessment_id)
        if row is None:
            raise NotFound(f"no assessment {assessment_id}", code="unknown-assessment")
        if check:
            authorize(user, Action.view_assessment, row.country)
        return _assessment(session, row)


def list_assessments(
    store: Store, user: User, *, country: str | None = None, checklist: str | None = None
) -> list[Assessment]:
    code = country_code(country) if country else None
    authorize(user, Action.view_assessment, code)
    query = select(NormAssessmentRow).order_by(NormAssessmentRow.assessed_on, NormAssessmentRow.id)
    if code:
        query = query.where(NormAssessmentRow.country == code)
    if checklist:
        query = query.where(NormAssessmentRow.checklist_id == checklist)
    with store.session() as session:
        rows = session.scalars(query).all()
        allowed = [r for r in rows if code or _may_view(user, r.country)]
        return [_assessment(session, r) for r in allowed]


def _may_view(user: User, country: str) -> bool:
    from observatory.auth.roles import may

    return may(user, Action.view_assessment, country)


def _latest(store: Store, country: str, checklist: str | None) -> list[tuple[Checklist, list[Assessment]]]:
    """Per checklist, the assessments of its latest assessed date for the country (latest version first)."""
    query = select(NormAssessmentRow).where(NormAssessmentRow.country == country)
    if checklist:
        query = query.where(NormAssessmentRow.checklist_id == checklist)
    with store.session() as session:
        rows = session.scalars(query.order_by(NormAssessmentRow.assessed_on, NormAssessmentRow.id)).all()
        latest: dict[str, list[NormAssessmentRow]] = {}
        for row in rows:
            group = latest.setdefault(row.checklist_id, [])
            if group and (group[0].assessed_on, group[0].checklist_version) != (
                row.assessed_on,
                row.checklist_version,
            ):
                group.clear()
            group.append(row)
        loaded = {cid: [_assessment(session, r) for r in group] for cid, group in latest.items()}
    return [(checklist_version(store, cid, group[0].version), group) for cid, group in loaded.items()]


def country_scores(store: Store, country: str, checklist: str | None = None) -> dict[str, Any]:
    """Scores by checklist (overall, by section, by instrument) from each checklist's latest assessments."""
    code = country_code(country)
    found = []
    for chk, group in _latest(store, code, checklist):
        ratings = consensus([a.findings for a in group])
        found.append(
            {
                "checklist": chk.id,
                "version": chk.version,
                "title": chk.title,
                "assessed_on": group[0].assessed_on,
                "assessors": [a.assessor for a in group],
                "assessments": [a.id for a in group],
                **score(chk, ratings).to_dict(),
            }
        )
    return {"country": code, "count": len(found), "data": found}


def country_gaps(
    store: Store, country: str, checklist: str | None = None, threshold: float | None = None
) -> dict[str, Any]:
    """Items rated below the threshold in each checklist's latest assessments, with the rules they test."""
    code = country_code(country)
    found: list[dict[str, Any]] = []
    for chk, group in _latest(store, code, checklist):
        ratings: Ratings = consensus([a.findings for a in group])
        found += [
            {**g.to_dict(), "assessed_on": group[0].assessed_on} for g in gaps(chk, ratings, code, threshold)
        ]
    return {"country": code, "count": len(found), "data": found}


def _pair(store: Store, user: User, first: int, second: int) -> tuple[Assessment, Assessment]:
    a, b = get_assessment(store, user, first), get_assessment(store, user, second)
    if a.checklist != b.checklist:
        raise InvalidInput(
            f"assessments {first} and {second} use different checklists ({a.checklist}, {b.checklist})",
            code="different-checklists",
        )
    return a, b


def assessment_agreement(
    store: Store, user: User, first: int, second: int, weights: KappaWeights = KappaWeights.none
) -> dict[str, Any]:
    """Cohen's kappa between two assessors of the same checklist version and country."""
    a, b = _pair(store, user, first, second)
    if (a.version, a.country) != (b.version, b.country):
        raise InvalidInput(
            "agreement compares two assessors of the same checklist version and country; "
            f"got {a.version}/{a.country} and {b.version}/{b.country}",
            code="different-checklists",
        )
    chk = checklist_version(store, a.checklist, a.version)
    result = agreement(chk, a.findings, b.findings, weights)
    return {
        "checklist": chk.id,
        "version": chk.version,
        "country": a.country,
        "a": a.summary(),
        "b": b.summary(),
        **result.to_dict(),
    }


def assessment_delta(store: Store, user: User, first: int, second: int) -> dict[str, Any]:
    """What changed from one assessment to another (same checklist; versions may differ)."""
    a, b = _pair(store, user, first, second)
    before = (checklist_version(store, a.checklist, a.version), consensus([a.findings]))
    after = (checklist_version(store, b.checklist, b.version), consensus([b.findings]))
    return {"before": a.summary(), "after": b.summary(), **delta(before, after)}


def assessment_view(store: Store, assessment: Assessment) -> dict[str, Any]:
    """An assessment with its findings, the item prompts and rules, and its scores."""
    chk = checklist_version(store, assessment.checklist, assessment.version)
    findings = []
    for f in assessment.findings:
        item = chk.item(f.item)
        findings.append(
            {
                **f.to_dict(),
                "label": chk.scale.label(f.rating) if f.rated or f.not_applicable else None,
                "section": item.section,
                "rules": [str(r) for r in item.tests],
            }
        )
    return {
        **assessment.summary(),
        "findings": findings,
        **score(chk, consensus([assessment.findings])).to_dict(),
    }
