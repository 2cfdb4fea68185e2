"""What the latest release holds, for the pages: counts per area and dataflow, year span.

Releases are immutable Parquet files, so the summary is computed once per release (keyed by its
SHA-256) from the file's ``area``, ``dataflow`` and ``year`` columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq

from observatory.model.release import Release
from observatory.store.db import Store
from observatory.warehouse.release import latest_release


@dataclass(frozen=True)
class ReleaseSummary:
    release: Release
    observations: int
    areas: dict[str, int]  # area code -> observations
    dataflows: dict[str, int]  # dataflow id -> observations
    first_year: int | None
    last_year: int | None


def _counts(column: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in column:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


@lru_cache(maxsize=8)
def _summarise(path: str, release: Release) -> ReleaseSummary:
    table = pq.read_table(path, columns=["area", "dataflow", "year"])
    years: list[int] = table.column("year").to_pylist()
    return ReleaseSummary(
        release=release,
        observations=table.num_rows,
        areas=_counts(table.column("area").to_pylist()),
        dataflows=_counts(table.column("dataflow").to_pylist()),
        first_year=min(years) if years else None,
        last_year=max(years) if years else None,
    )


def release_summary(store: Store) -> ReleaseSummary | None:
    """The summary of the latest release, or None when nothing has been published."""
    release = latest_release(store)
    if release is None:
        return None
    return _summarise(str(Path(store.settings.resolved_data_dir) / release.path), release)
