"""Repository functions for observations: upsert with revisions, and reading back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from observatory.model.observation import SERIES_DIMENSIONS, Flag, Observation
from observatory.store.tables import ObservationRevision, ObservationRow

KEY_COLUMNS = ("dataflow", "area", "period", *SERIES_DIMENSIONS)
_TRACKED = ("value", "flags", "note", "source", "label")


def flags_text(flags: Iterable[Flag]) -> str:
    return ",".join(sorted(f.value for f in flags))


def _row_of(obs: Observation, file_sha256: str, import_id: int) -> dict[str, Any]:
    return {
        "dataflow": obs.provenance.dataflow,
        "area": obs.area,
        "period": obs.period,
        **obs.key.as_dict(),
        "value": obs.value,
        "flags": flags_text(obs.flags),
        "note": obs.note,
        "label": obs.label,
        "source": obs.provenance.source,
        "file_sha256": file_sha256,
        "row": obs.provenance.row,
        "import_id": import_id,
    }


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert(
    session: Session, observations: Sequence[Observation], *, file_sha256: str, import_id: int
) -> UpsertCounts:
    """Insert new observations, revise changed ones (keeping the old value), skip identical ones."""
    counts = UpsertCounts()
    if not observations:
        return counts
    dataflows = {o.provenance.dataflow for o in observations}
    cols = [
        getattr(ObservationRow, c) for c in (*KEY_COLUMNS, "id", *_TRACKED, "file_sha256", "row", "import_id")
    ]
    existing: dict[tuple[str, ...], Any] = {}
    for rec in session.execute(select(*cols).where(ObservationRow.dataflow.in_(dataflows))):
        existing[tuple(rec[: len(KEY_COLUMNS)])] = rec
    new_rows: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    seen: set[tuple[str, ...]] = set()
    now = datetime.now(UTC)
    for obs in observations:
        row = _row_of(obs, file_sha256, import_id)
        key = tuple(row[c] for c in KEY_COLUMNS)
        old = existing.get(key)
        if old is None:
            if key not in seen:  # readers de-duplicate; this guards the unique constraint
                seen.add(key)
                new_rows.append(row)
            continue
        if all(getattr(old, c) == row[c] for c in _TRACKED):
            counts.unchanged += 1
            continue
        revisions.append(
            {
                "observation_id": old.id,
                "value": old.value,
                "flags": old.flags,
                "note": old.note,
                "source": old.source,
                "file_sha256": old.file_sha256,
                "row": old.row,
                "import_id": old.import_id,
                "superseded_by_import": import_id,
                "superseded_at": now,
            }
        )
        changes.append({"id": old.id, **{c: row[c] for c in (*_TRACKED, "file_sha256", "row", "import_id")}})
    if new_rows:
        session.execute(insert(ObservationRow), new_rows)
    if revisions:
        session.execute(insert(ObservationRevision), revisions)
        session.execute(update(ObservationRow), changes)
    counts.inserted = len(new_rows)
    counts.updated = len(changes)
    return counts
