"""Publishing a validated submission: its values become observations and a new release serves them.

The values go into the ``observations`` table as dataflow ``UN_CTS`` through
:func:`observatory.store.observations.upsert`, grouped by the file they came from, so every published
figure points at its original file (SHA-256) and row, and its source names the sheet and cell. A figure
already published (an earlier round, or the portal's) is revised and its old value kept as a revision.
Values typed in rather than uploaded (edits, answers to queries) point at a JSON manifest of the
publication, kept as an original like any file, whose entries say who set them, when and why.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from observatory.auth import Action, User, authorize, country_code, emails
from observatory.collect.submissions import SubmissionState, record_step, require_state, submission_row
from observatory.collect.values import DATAFLOW, as_observation, value_rows
from observatory.model.observation import Observation
from observatory.model.release import Release
from observatory.store import observations as repo
from observatory.store.db import Store
from observatory.store.observations import UpsertCounts
from observatory.store.originals import keep_original, sha256_of
from observatory.store.tables import ImportRun, SubmissionRow, SubmissionValueRow
from observatory.warehouse.release import publish

MANIFEST_FORMAT = "uncts-publication-manifest"


@dataclass(frozen=True)
class PublishResult:
    country: str
    round_year: int
    release: Release
    new_release: bool
    inserted: int
    updated: int
    unchanged: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "round_year": self.round_year,
            "release": self.release.number,
            "new_release": self.new_release,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


def _source(year: int, value: SubmissionValueRow) -> str:
    where = f" {value.sheet}!{value.cell}" if value.sheet and value.cell else ""
    return f"UN-CTS {year}{where}"


def _manifest(store: Store, session: Session, row: SubmissionRow, typed: list[SubmissionValueRow]) -> str:
    """Keep a JSON record of the values that came from no file; return its SHA-256."""
    who = emails(session, {v.set_by for v in typed})
    entries = [
        {
            "entry": number,
            "key": v.key,
            "period": v.period,
            "value": v.value,
            "change": v.change,
            "comment": v.comment,
            "set_by": who.get(v.set_by, ""),
            "set_at": v.set_at.isoformat(),
            "sheet": v.sheet,
            "cell": v.cell,
        }
        for number, v in enumerate(typed, start=1)
    ]
    body = {"round": row.round_year, "country": row.country, "submission": row.id, "values": entries}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"uncts-{row.round_year}-{row.country}-typed-values.json"
        path.write_text(json.dumps(body, indent=2, ensure_ascii=False), encoding="utf-8")
        digest = sha256_of(path)
        keep_original(session, store.settings, path, fmt=MANIFEST_FORMAT, encoding="utf-8", sha256=digest)
    return digest


def _observations(year: int, row: SubmissionRow, values: list[SubmissionValueRow]) -> list[Observation]:
    return [as_observation(v, row.country, source=_source(year, v)) for v in values]


def _upsert_group(session: Session, sha: str, observations: list[Observation]) -> UpsertCounts:
    run = ImportRun(file_sha256=sha, dataflow=DATAFLOW, started_at=datetime.now(UTC), rows=len(observations))
    session.add(run)
    session.flush()
    counts = repo.upsert(session, observations, file_sha256=sha, import_id=run.id)
    run.inserted, run.updated, run.unchanged = counts.inserted, counts.updated, counts.unchanged
    run.finished_at = datetime.now(UTC)
    return counts


def publish_submission(
    store: Store, user: User, year: int, country: str, comment: str | None = None
) -> PublishResult:
    """Write a validated submission's values to the observations and publish a release."""
    code = country_code(country)
    authorize(user, Action.publish, code)
    total = UpsertCounts()
    with store.session() as session:
        row = submission_row(session, year, code)
        require_state(row, SubmissionState.published)
        values = value_rows(session, row.id)
        typed = [v for v in values if v.file_sha256 is None]
        batches: list[tuple[str, list[Observation]]] = []
        if typed:  # row = the manifest entry
            manifest = _manifest(store, session, row, typed)
            entries = enumerate(_observations(year, row, typed), start=1)
            batches.append((manifest, [_at_entry(o, n) for n, o in entries]))
        by_file: dict[str, list[SubmissionValueRow]] = defaultdict(list)
        for v in values:
            if v.file_sha256 is not None:
                by_file[v.file_sha256].append(v)
        batches += [(sha, _observations(year, row, members)) for sha, members in by_file.items()]
        for sha, observations in batches:
            counts = _upsert_group(session, sha, observations)
            total.inserted += counts.inserted
            total.updated += counts.updated
            total.unchanged += counts.unchanged
        record_step(session, row, user, SubmissionState.published, comment)
    release, new = publish(store, note=f"UN-CTS {year}: {code} published by {user.email}")
    with store.session() as session:
        submission_row(session, year, code).release_number = release.number
    return PublishResult(code, year, release, new, total.inserted, total.updated, total.unchanged)


def _at_entry(obs: Observation, entry: int) -> Observation:
    return replace(obs, provenance=replace(obs.provenance, row=entry))
