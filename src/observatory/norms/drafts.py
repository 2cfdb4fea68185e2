"""Assessments in progress: an assessor fills a checklist section by section, then completes it.

A draft is started for one checklist version, country and date (``record_assessment`` for the country);
its indicator-backed items are filled from the statistics at once, with the figure's provenance, so the
assessor sees the proposed rating and may accept it or override it with a reason. Each section is saved on
its own: every problem of the section is found before anything is kept (a rating off the scale, evidence of
a forbidden type or size, an override without a reason), and reported per item and field. Evidence files
are checked with the engine's rules and kept with the draft until completion. Completing hands everything
to :func:`observatory.norms.assessments.record_assessment` (all or nothing; the indicator items accepted
are filled again there with their provenance) and removes the draft.

Drafts live as JSON under the data directory (``assessment-drafts/<id>/``), like the workspace's kept
workbooks; only their assessor (or an admin acting for the country) may open them.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from observatory.auth import Action, Role, User, authorize
from observatory.auth.accounts import country_code
from observatory.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from observatory.model.assessment import Assessment, Checklist, EvidenceKind, ItemKind
from observatory.norms import autofill
from observatory.norms.assessments import checklist_version, record_assessment
from observatory.norms.checklists import get_checklist
from observatory.norms.entries import EVIDENCE_MAX_BYTES, NOT_APPLICABLE, check_evidence_file, parse_findings
from observatory.store.db import Store

FOLDER = "assessment-drafts"
_ID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass
class Filled:
    """The figure an indicator-backed item was filled with, and the rating it proposes (``None``: context)."""

    indicator: str
    value: float
    year: int
    release: int
    unit: str
    explain: str
    rating: int | None
    note: str = ""

    def describe(self) -> str:
        return f"{self.indicator} = {self.value:.4g} ({self.unit}) in {self.year}, release {self.release}"


@dataclass
class ItemEntry:
    """What the assessor entered for one item; ``rating`` is a scale value, ``n/a`` or empty."""

    rating: str = ""
    answer: str = ""
    comment: str = ""
    reason: str = ""  # why a proposed (filled) rating was overridden
    evidence: list[dict[str, Any]] = field(default_factory=list)  # kind, description, file, media_type, size

    @property
    def empty(self) -> bool:
        return not (self.rating or self.answer or self.comment or self.evidence)


@dataclass
class Draft:
    id: str
    checklist: str
    version: str
    country: str
    assessor: str
    assessed_on: date
    started_at: datetime
    entries: dict[str, ItemEntry] = field(default_factory=dict)
    filled: dict[str, Filled] = field(default_factory=dict)
    not_filled: list[str] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)  # sections saved at least once

    def to_json(self) -> str:
        data = asdict(self)
        data["assessed_on"] = self.assessed_on.isoformat()
        data["started_at"] = self.started_at.isoformat()
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Draft:
        data = json.loads(text)
        return cls(
            id=data["id"],
            checklist=data["checklist"],
            version=data["version"],
            country=data["country"],
            assessor=data["assessor"],
            assessed_on=date.fromisoformat(data["assessed_on"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            entries={k: ItemEntry(**v) for k, v in data["entries"].items()},
            filled={k: Filled(**v) for k, v in data["filled"].items()},
            not_filled=list(data["not_filled"]),
            saved=list(data["saved"]),
        )

    def entry(self, item_id: str) -> ItemEntry:
        return self.entries.get(item_id) or ItemEntry()


@dataclass
class ItemInput:
    """One item of a posted section: the fields, and an evidence file's name and bytes if one was sent."""

    rating: str = ""
    answer: str = ""
    comment: str = ""
    reason: str = ""
    kind: str = ""
    note: str = ""
    file_name: str = ""
    content: bytes | None = None


class SectionRefused(InvalidInput):
    """A section with problems: ``errors`` maps item id -> field -> message; nothing was kept."""

    code = "invalid-section"

    def __init__(self, message: str, errors: dict[str, dict[str, str]]) -> None:
        details = [{"item": i, "field": f, "message": m} for i, fs in errors.items() for f, m in fs.items()]
        super().__init__(message, details=details)
        self.errors = errors


def _folder(store: Store, draft_id: str) -> Path:
    if not _ID.match(draft_id):
        raise NotFound(f"no assessment draft {draft_id!r}", code="unknown-draft")
    return store.settings.resolved_data_dir / FOLDER / draft_id


def _write(store: Store, draft: Draft) -> None:
    folder = _folder(store, draft.id)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / "draft.json.tmp"
    temporary.write_text(draft.to_json(), encoding="utf-8")
    temporary.replace(folder / "draft.json")


def _allowed(user: User, draft: Draft) -> None:
    authorize(user, Action.record_assessment, draft.country)
    if draft.assessor != user.email and user.role is not Role.admin:
        raise PermissionDenied(f"this assessment draft belongs to {draft.assessor}", code="forbidden")


def start_draft(store: Store, user: User, checklist_id: str, country: str, assessed_on: date) -> Draft:
    """A new draft with the indicator-backed items filled from the latest release."""
    code = country_code(country)
    authorize(user, Action.record_assessment, code)
    checklist = get_checklist(checklist_id)
    if assessed_on > date.today():
        raise InvalidInput(f"assessment date {assessed_on} is in the future", code="invalid-date")
    findings, notes = autofill.fill(store, checklist, code, [])
    draft = Draft(
        secrets.token_urlsafe(12), checklist.id, checklist.version, code, user.email, assessed_on,
        datetime.now(UTC), not_filled=notes,
    )  # fmt: skip
    for f in findings:
        if f.provenance is None:
            continue
        p = f.provenance
        link = checklist.item(f.item).indicator
        draft.filled[f.item] = Filled(
            p.indicator, p.value, p.year, p.release, p.unit, p.explain, f.rating, link.note if link else ""
        )
        draft.entries[f.item] = ItemEntry(rating="" if f.rating is None else str(f.rating))
    _write(store, draft)
    return draft


def get_draft(store: Store, user: User, draft_id: str) -> tuple[Draft, Checklist]:
    path = _folder(store, draft_id) / "draft.json"
    if not path.is_file():
        raise NotFound(f"no assessment draft {draft_id!r}", code="unknown-draft")
    draft = Draft.from_json(path.read_text(encoding="utf-8"))
    _allowed(user, draft)
    return draft, checklist_version(store, draft.checklist, draft.version)


def list_drafts(store: Store, user: User) -> list[Draft]:
    """The user's drafts still open, newest first."""
    root = store.settings.resolved_data_dir / FOLDER
    found = []
    for path in sorted(root.glob("*/draft.json")) if root.is_dir() else []:
        draft = Draft.from_json(path.read_text(encoding="utf-8"))
        if draft.assessor == user.email:
            found.append(draft)
    return sorted(found, key=lambda d: d.started_at, reverse=True)


def _safe(name: str) -> str:
    cleaned = _UNSAFE.sub("_", Path(name).name).strip(" .")
    return cleaned[:120] or "evidence"


def _check(
    checklist: Checklist, draft: Draft, inputs: dict[str, ItemInput], max_bytes: int
) -> dict[str, dict[str, str]]:
    """Every problem of a posted section, by item and field."""
    errors: dict[str, dict[str, str]] = {}
    entries, order = [], list(inputs)
    for n, (item_id, got) in enumerate(inputs.items()):
        if got.rating or got.answer or got.comment:
            entries.append({"item": item_id, "rating": got.rating, "answer": got.answer,
                            "comment": got.comment, "_row": n})  # fmt: skip
    try:
        parse_findings(checklist, entries, name="form")
    except InvalidInput as exc:
        for p in exc.details or []:
            errors.setdefault(order[int(p.get("row") or 0)], {})["rating"] = str(p.get("message"))
    for item_id, got in inputs.items():
        for name, message in _item_problems(draft, item_id, got, max_bytes):
            errors.setdefault(item_id, {})[name] = message
    return errors


def _item_problems(draft: Draft, item_id: str, got: ItemInput, max_bytes: int) -> list[tuple[str, str]]:
    """An override without its reason; evidence of an unknown kind, or a file refused by the engine."""
    problems = []
    filled = draft.filled.get(item_id)
    proposed = "" if filled is None or filled.rating is None else str(filled.rating)
    chosen = "n/a" if got.rating.lower() in NOT_APPLICABLE else got.rating
    if proposed and chosen and chosen != proposed and not got.reason.strip():
        problems.append(
            ("reason", f"the statistics propose {proposed}; give the reason for overriding it with {chosen}")
        )
    kinds = [k.value for k in EvidenceKind]
    if (got.content is not None or got.note.strip()) and got.kind not in kinds:
        problems.append(("kind", f"evidence kind {got.kind!r} is not one of {', '.join(kinds)}"))
    if got.content is not None:
        checked = check_evidence_file(got.file_name, got.content, max_bytes)
        if isinstance(checked, tuple):
            problems.append(("file", f"{checked[1]} [{checked[0]}]"))
    return problems


def save_section(
    store: Store,
    user: User,
    draft_id: str,
    section: str,
    inputs: dict[str, ItemInput],
    *,
    max_bytes: int = EVIDENCE_MAX_BYTES,
) -> Draft:
    """Keep the entries of one section (and any evidence file sent), or refuse all of them."""
    draft, checklist = get_draft(store, user, draft_id)
    items = {i.id for i in checklist.items if i.section == section}
    if not items:
        raise NotFound(f"checklist {checklist.id} has no section {section!r}", code="unknown-section")
    unknown = sorted(set(inputs) - items)
    if unknown:
        raise InvalidInput(f"items {', '.join(unknown)} are not in section {section!r}", code="unknown-item")
    errors = _check(checklist, draft, inputs, max_bytes)
    if errors:
        count = sum(len(v) for v in errors.values())
        raise SectionRefused(
            f"{count} problem{'s' if count != 1 else ''} in section {section!r}; nothing was saved", errors
        )
    folder = _folder(store, draft.id) / "files"
    for item_id, got in inputs.items():
        entry = draft.entry(item_id)
        rating = "n/a" if got.rating.lower() in NOT_APPLICABLE else got.rating
        evidence = list(entry.evidence)
        if got.content is not None or got.note.strip():
            kept: dict[str, Any] = {"kind": got.kind, "description": got.note.strip()}
            if got.content is not None:
                name = _safe(got.file_name)
                target = folder / secrets.token_hex(6) / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(got.content)
                kept.update(file=str(target.relative_to(folder)), file_name=name, size=len(got.content))
            evidence.append(kept)
        draft.entries[item_id] = ItemEntry(rating, got.answer.strip(), got.comment.strip(),
                                           got.reason.strip(), evidence)  # fmt: skip
    if section not in draft.saved:
        draft.saved.append(section)
    _write(store, draft)
    return draft


def _entries(checklist: Checklist, draft: Draft) -> list[dict[str, Any]]:
    """The draft as entries of the engine: accepted figures are left to be filled again with provenance."""
    entries = []
    for item in checklist.items:
        entry, filled = draft.entries.get(item.id), draft.filled.get(item.id)
        if entry is None or (entry.empty and filled is None):
            continue
        evidence = [{k: e[k] for k in ("kind", "description", "file") if e.get(k)} for e in entry.evidence]
        rating, comment = entry.rating, entry.comment
        proposed = None if filled is None or filled.rating is None else str(filled.rating)
        if filled is not None and rating and rating != proposed:  # overridden, or rated a context figure
            if entry.reason:
                comment = f"Overrides the rating {proposed} from the statistics: {entry.reason}" + (
                    f" {comment}" if comment else ""
                )
            evidence.append({"kind": "statistic", "description": f"{filled.describe()}; {filled.explain}"})
        elif filled is not None:
            rating = ""  # accepted: record_assessment fills it from the statistics
            if not (comment or evidence):
                continue
        if item.kind is ItemKind.text:
            rating = ""
        entries.append({"item": item.id, "rating": rating, "answer": entry.answer, "comment": comment,
                        "evidence": evidence})  # fmt: skip
    return entries


def complete(
    store: Store, user: User, draft_id: str, *, note: str = "", max_bytes: int = EVIDENCE_MAX_BYTES
) -> tuple[Assessment, list[str]]:
    """Record the draft as an assessment (all or nothing) and remove it."""
    draft, checklist = get_draft(store, user, draft_id)
    current = get_checklist(draft.checklist).version
    if current != draft.version:
        raise Conflict(
            f"checklist {draft.checklist} is now version {current}; this draft used {draft.version}: "
            "start a new assessment",
            code="checklist-changed",
        )
    folder = _folder(store, draft.id)
    assessment, notes = record_assessment(
        store, user, checklist.id, draft.country, draft.assessed_on, _entries(checklist, draft),
        source="form", base=folder / "files", note=note, max_bytes=max_bytes,
    )  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
    return assessment, notes


def discard(store: Store, user: User, draft_id: str) -> None:
    get_draft(store, user, draft_id)
    shutil.rmtree(_folder(store, draft_id), ignore_errors=True)
