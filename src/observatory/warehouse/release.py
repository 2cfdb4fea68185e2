"""Publishing: write the publishable observations to a new immutable, numbered Parquet release."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import func, select

from observatory.model.observation import SERIES_DIMENSIONS, UNPUBLISHABLE
from observatory.model.release import Release
from observatory.store.db import Store
from observatory.store.originals import sha256_of
from observatory.store.tables import ObservationRow, ReleaseRow

COLUMNS = (
    "dataflow",
    "area",
    "period",
    *SERIES_DIMENSIONS,
    "value",
    "flags",
    "note",
    "label",
    "source",
    "file_sha256",
    "row",
    "import_id",
)
SCHEMA = pa.schema(
    [(c, pa.string()) for c in COLUMNS[: 3 + len(SERIES_DIMENSIONS)]]
    + [
        ("value", pa.float64()),
        ("flags", pa.string()),
        ("note", pa.string()),
        ("label", pa.string()),
        ("source", pa.string()),
        ("file_sha256", pa.string()),
        ("row", pa.int64()),
        ("import_id", pa.int64()),
        ("year", pa.int64()),
    ]
)


def _publishable(flags: str) -> bool:
    return not ({f for f in flags.split(",") if f} & {f.value for f in UNPUBLISHABLE})


def _to_release(row: ReleaseRow) -> Release:
    return Release(
        number=row.number,
        created_at=row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC),  # SQLite
        observations=row.observations,
        sha256=row.sha256,
        path=row.path,
        note=row.note,
    )


def latest_release(store: Store) -> Release | None:
    with store.session() as session:
        row = session.scalars(select(ReleaseRow).order_by(ReleaseRow.number.desc())).first()
        return _to_release(row) if row else None


def list_releases(store: Store) -> list[Release]:
    with store.session() as session:
        return [
            _to_release(r) for r in session.scalars(select(ReleaseRow).order_by(ReleaseRow.number.desc()))
        ]


def publish(store: Store, note: str | None = None) -> tuple[Release, bool]:
    """Write a release of every publishable observation; return it and whether it is new.

    Observations flagged confidential, implausible, conflicting or missing stay in the store and are
    left out. If the content equals the latest release, no new release is made.
    """
    cols = [getattr(ObservationRow, c) for c in COLUMNS]
    with store.session() as session:
        rows = session.execute(select(*cols).order_by(*cols[: 3 + len(SERIES_DIMENSIONS)])).all()
        number = (session.scalar(select(func.max(ReleaseRow.number))) or 0) + 1
    kept = [r for r in rows if _publishable(r.flags)]
    data: dict[str, list[object]] = {c: [r[i] for r in kept] for i, c in enumerate(COLUMNS)}
    data["year"] = [int(r.period[:4]) for r in kept]
    table = pa.table(data, schema=SCHEMA)
    folder = store.settings.releases_dir
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".release-{number:04d}.parquet.part"
    pq.write_table(table, tmp, compression="zstd")
    digest = sha256_of(tmp)
    latest = latest_release(store)
    if latest is not None and latest.sha256 == digest:
        tmp.unlink()
        return latest, False
    target = folder / f"release-{number:04d}.parquet"
    tmp.replace(target)
    os.chmod(target, 0o444)  # releases are immutable
    row = ReleaseRow(
        number=number,
        created_at=datetime.now(UTC),
        observations=table.num_rows,
        sha256=digest,
        path=str(target.relative_to(store.settings.resolved_data_dir)),
        note=note,
    )
    with store.session() as session:
        session.add(row)
    return _to_release(row), True
