"""The operational store on both backends: schema from migrations, upserts with revisions, imports."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from observatory.collect.importing import import_paths
from observatory.model.observation import Flag, Observation, Provenance, SeriesKey
from observatory.store import observations as repo
from observatory.store.db import Store, is_initialised, migrate
from observatory.store.originals import keep_original
from observatory.store.tables import (
    Base,
    ImportRun,
    ObservationRevision,
    ObservationRow,
    SourceFile,
)

SPECIMENS = Path(__file__).resolve().parents[1] / "data" / "collect"


def test_migrations_match_the_tables(any_store: Store) -> None:
    assert is_initialised(any_store.engine)
    with any_store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    assert set(Base.metadata.tables) <= set(inspect(any_store.engine).get_table_names())


def test_migrate_is_idempotent(any_store: Store) -> None:
    migrate(any_store.engine)
    migrate(any_store.engine)
    assert is_initialised(any_store.engine)


def _obs(value: float, *, row: int, flags: frozenset[Flag] = frozenset()) -> Observation:
    return Observation(
        area="MEX",
        period="2019",
        key=SeriesKey("persons-held"),
        value=value,
        provenance=Provenance("UNODC_CTS", "CTS", row=row),
        flags=flags,
    )


def _run(store: Store, path: Path) -> tuple[str, int]:
    from datetime import UTC, datetime

    with store.session() as session:
        source = keep_original(session, store.settings, path, fmt="test")
        run = ImportRun(file_sha256=source.sha256, dataflow="UNODC_CTS", started_at=datetime.now(UTC))
        session.add(run)
        session.flush()
        return source.sha256, run.id


def test_upsert_inserts_keeps_and_revises(any_store: Store) -> None:
    sha, first = _run(any_store, SPECIMENS / "unodc_ok.csv")
    with any_store.session() as session:
        counts = repo.upsert(session, [_obs(200.0, row=2)], file_sha256=sha, import_id=first)
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 0, 0)
    with any_store.session() as session:
        counts = repo.upsert(session, [_obs(200.0, row=2)], file_sha256=sha, import_id=first)
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 1)
    sha2, second = _run(any_store, SPECIMENS / "latin1.csv")
    with any_store.session() as session:
        counts = repo.upsert(
            session,
            [_obs(210.0, row=7, flags=frozenset({Flag.estimated}))],
            file_sha256=sha2,
            import_id=second,
        )
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 0)
    with any_store.session() as session:
        current = session.scalars(select(ObservationRow)).one()
        revision = session.scalars(select(ObservationRevision)).one()
    assert (current.value, current.flags, current.row, current.file_sha256) == (
        210.0,
        "estimated",
        7,
        sha2,
    )
    assert (revision.value, revision.flags, revision.row, revision.file_sha256) == (
        200.0,
        "",
        2,
        sha,
    )
    assert revision.superseded_by_import == second


def test_import_on_each_backend(any_store: Store) -> None:
    first = import_paths(any_store, [SPECIMENS / "unodc_ok.csv", SPECIMENS / "sdg_small.csv"])
    assert first.totals()["inserted"] == 7
    again = import_paths(any_store, [SPECIMENS / "unodc_ok.csv", SPECIMENS / "sdg_small.csv"])
    assert again.totals() == {**first.totals(), "inserted": 0, "unchanged": 7}
    with any_store.session() as session:
        assert session.scalar(select(func.count()).select_from(ObservationRow)) == 7
        assert session.scalar(select(func.count()).select_from(SourceFile)) == 2
        assert session.scalar(select(func.count()).select_from(ImportRun)) == 2
