"""Reading an assessor's ratings (CSV or JSON) into findings, with every problem found before anything is
stored.

CSV columns: ``item, rating, comment, answer, evidence_kind, evidence_description, evidence_url,
evidence_file`` (one row per item, one piece of evidence per row). JSON: ``{"findings": [{"item", "rating",
"comment", "answer", "evidence": [{"kind", "description", "url", "file"}]}]}`` or the list alone; over the
API a file comes inline as ``{"filename", "content_base64"}``. A rating is a level of the checklist's scale
or ``n/a``. Evidence files must be PDF, Word, Excel, OpenDocument text, PNG, JPEG, plain text or CSV (the
content must match the extension) and at most :data:`EVIDENCE_MAX_BYTES`.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from observatory.errors import InvalidInput
from observatory.model.assessment import Checklist, Evidence, EvidenceKind, Finding, ItemKind
from observatory.model.problem import Problem, ValidationReport

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
NOT_APPLICABLE = {"n/a", "na", "not applicable", "not-applicable"}
ZIP = b"PK\x03\x04"
# extension -> (media type, magic bytes the content must start with; None: text)
EVIDENCE_TYPES: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}
CSV_COLUMNS = (
    "item",
    "rating",
    "comment",
    "answer",
    "evidence_kind",
    "evidence_description",
    "evidence_url",
    "evidence_file",
)


@dataclass
class EvidenceFile:
    name: str
    sha256: str
    content: bytes
    media_type: str


@dataclass
class ParsedFindings:
    findings: list[Finding] = field(default_factory=list)
    files: list[EvidenceFile] = field(default_factory=list)


def read_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of a ratings file (``.csv`` or ``.json``), each with its ``_row`` for messages."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{path} does not exist", code="file-not-found") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{name} is not UTF-8 text", code="binary-file") from None
    if path.suffix.lower() == ".json":
        return entries_from_json(text, name)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "item" not in reader.fieldnames or "rating" not in reader.fieldnames:
        raise InvalidInput(f"{name}: expected the columns {', '.join(CSV_COLUMNS)}", code="missing-column")
    entries = []
    for number, row in enumerate(reader, start=2):
        entry: dict[str, Any] = {k: (v or "").strip() for k, v in row.items() if k}
        entry["_row"] = number
        kind = entry.pop("evidence_kind", "")
        details = {k: entry.pop(f"evidence_{k}", "") for k in ("description", "url", "file")}
        entry["evidence"] = [{"kind": kind, **details}] if kind or any(details.values()) else []
        entries.append(entry)
    return entries


def entries_from_json(text: str, name: str = "input") -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{name} is not valid JSON: {exc}", code="invalid-json") from None
    return entries_from_data(data, name)


def entries_from_data(data: Any, name: str = "input") -> list[dict[str, Any]]:
    raw = data.get("findings") if isinstance(data, dict) else data
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise InvalidInput(
            f"{name}: expected a list of findings (objects with item and rating)", code="invalid-input"
        )
    return [{**e, "_row": n} for n, e in enumerate(raw, start=1)]


def _file_bytes(spec: dict[str, Any], base: Path | None) -> tuple[str, bytes] | str:
    """(name, content), or a message saying why it cannot be read."""
    if spec.get("content_base64") is not None:
        try:
            return str(spec.get("filename") or "evidence"), base64.b64decode(
                spec["content_base64"], validate=True
            )
        except (binascii.Error, ValueError):
            return "content_base64 is not valid base64"
    path = Path(str(spec["file"]))
    if not path.is_absolute() and base is not None:
        path = base / path
    if not path.is_file():
        return f"evidence file {spec['file']} does not exist"
    return path.name, path.read_bytes()


def check_evidence_file(
    name: str, content: bytes, max_bytes: int = EVIDENCE_MAX_BYTES
) -> tuple[str, str] | str:
    """(problem code, message) when the file is refused, else its media type."""
    suffix = Path(name).suffix.lower()
    allowed = ", ".join(EVIDENCE_TYPES)
    if suffix not in EVIDENCE_TYPES:
        return "forbidden-evidence-type", f"{name}: {suffix or 'no extension'} is not accepted; use {allowed}"
    if len(content) > max_bytes:
        return "evidence-too-large", f"{name} has {len(content):,} bytes; at most {max_bytes:,} are accepted"
    media_type, magic = EVIDENCE_TYPES[suffix]
    if magic is None:
        if b"\x00" in content:
            return "forbidden-evidence-type", f"{name} is not a text file"
    elif not content.startswith(magic):
        return "forbidden-evidence-type", f"{name}: the content is not {suffix[1:].upper()}"
    return media_type


class _Collector:
    def __init__(self, name: str, checklist: Checklist, base: Path | None, max_bytes: int) -> None:
        self.name, self.checklist, self.base, self.max_bytes = name, checklist, base, max_bytes
        self.report = ValidationReport()
        self.files: list[EvidenceFile] = []

    def problem(self, code: str, message: str, row: int, column: str, value: object = None) -> None:
        self.report.add(
            Problem(
                code,
                message,
                file=self.name,
                row=row,
                column=column,
                value=None if value is None else str(value),
            )
        )

    def rating(self, entry: dict[str, Any], row: int) -> tuple[int | None, bool]:
        item = self.checklist.item(str(entry["item"]))
        raw = entry.get("rating")
        text = "" if raw is None else str(raw).strip()
        scale = self.checklist.scale
        if text.lower() in NOT_APPLICABLE:
            if not scale.not_applicable:
                self.problem(
                    "not-applicable-refused",
                    f"item {item.id}: this checklist's scale has no 'not applicable' ({scale.describe()})",
                    row,
                    "rating",
                    text,
                )
            return None, True
        if text == "":
            if item.kind is ItemKind.rated and not entry.get("answer") and not item.indicator:
                self.problem(
                    "missing-rating", f"item {item.id} needs a rating ({scale.describe()})", row, "rating"
                )
            return None, False
        if item.kind is ItemKind.text:
            self.problem(
                "rating-out-of-scale", f"item {item.id} is answered in text, not rated", row, "rating", text
            )
            return None, False
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not value.is_integer() or int(value) not in scale.values:
            self.problem(
                "rating-out-of-scale",
                f"item {item.id}: rating {text!r} is not on the scale ({scale.describe()})",
                row,
                "rating",
                text,
            )
            return None, False
        return int(value), False

    def evidence(self, item_id: str, specs: Any, row: int) -> tuple[Evidence, ...]:
        found: list[Evidence] = []
        for spec in specs if isinstance(specs, list) else [specs]:
            if not isinstance(spec, dict):
                self.problem(
                    "invalid-evidence-kind", f"item {item_id}: evidence must be an object", row, "evidence"
                )
                continue
            try:
                kind = EvidenceKind(str(spec.get("kind", "")).strip() or "document")
            except ValueError:
                kinds = ", ".join(k.value for k in EvidenceKind)
                self.problem(
                    "invalid-evidence-kind",
                    f"item {item_id}: evidence kind {spec.get('kind')!r} is not one of {kinds}",
                    row,
                    "evidence_kind",
                    spec.get("kind"),
                )
                continue
            url = str(spec.get("url") or "") or None
            if url and not url.startswith(("https://", "http://")):
                self.problem(
                    "invalid-evidence",
                    f"item {item_id}: evidence URL must be http(s)",
                    row,
                    "evidence_url",
                    url,
                )
            name = sha = media = None
            size = None
            if spec.get("file") or spec.get("content_base64") is not None:
                got = _file_bytes(spec, self.base)
                if isinstance(got, str):
                    self.problem("invalid-evidence", f"item {item_id}: {got}", row, "evidence_file")
                    continue
                name, content = got
                checked = check_evidence_file(name, content, self.max_bytes)
                if isinstance(checked, tuple):
                    self.problem(checked[0], f"item {item_id}: {checked[1]}", row, "evidence_file", name)
                    continue
                media, size, sha = checked, len(content), hashlib.sha256(content).hexdigest()
                self.files.append(EvidenceFile(name, sha, content, media))
            found.append(Evidence(kind, str(spec.get("description") or ""), url, name, sha, media, size))
        return tuple(found)


def parse_findings(
    checklist: Checklist,
    entries: list[dict[str, Any]],
    *,
    name: str = "input",
    base: Path | None = None,
    max_bytes: int = EVIDENCE_MAX_BYTES,
) -> ParsedFindings:
    """Findings from entries; every problem is collected and, if any, raised together (nothing stored)."""
    collector = _Collector(name, checklist, base, max_bytes)
    items = {i.id for i in checklist.items}
    seen: set[str] = set()
    parsed = ParsedFindings()
    for entry in entries:
        row = int(entry.get("_row", 0))
        item_id = str(entry.get("item", "")).strip()
        if item_id not in items:
            collector.problem(
                "unknown-item",
                f"no item {item_id!r} in {checklist.id} {checklist.version}",
                row,
                "item",
                item_id,
            )
            continue
        if item_id in seen:
            collector.problem("duplicate-item", f"item {item_id} is answered twice", row, "item", item_id)
            continue
        seen.add(item_id)
        entry = {**entry, "item": item_id}
        rating, not_applicable = collector.rating(entry, row)
        evidence = collector.evidence(item_id, entry.get("evidence") or [], row)
        parsed.findings.append(
            Finding(
                item=item_id,
                rating=rating,
                not_applicable=not_applicable,
                answer=str(entry.get("answer") or ""),
                comment=str(entry.get("comment") or ""),
                evidence=evidence,
            )
        )
    report = collector.report
    if not report.valid:
        first = report.errors[0]
        more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        raise InvalidInput(
            f"{first.describe()}{more}; nothing was stored",
            code=first.code,
            details=[p.to_dict() for p in report.errors],
        )
    parsed.files = collector.files
    return parsed
