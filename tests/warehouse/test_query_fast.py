"""The serving path of releases: parameterised SQL on an in-memory snapshot, an LRU of answers per release."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from observatory.collect.importing import import_paths
from observatory.store.db import Store
from observatory.warehouse.lru import BoundedLRU
from observatory.warehouse.query import (
    ANSWERS,
    ObservationFilter,
    area_series,
    observations_expr,
    query_observations,
    release_snapshot,
    release_table,
    series_expr,
)
from observatory.warehouse.release import publish

SPECIMENS = Path(__file__).resolve().parents[1] / "data" / "collect"
FILTERS = [
    ObservationFilter(),
    ObservationFilter(area=("MEX",)),
    ObservationFilter(area=("MEX", "PAN"), year_from=2012),
    ObservationFilter(variable=("persons-held",), sex=("_T",), year_to=2016),
    ObservationFilter(
        area=("MAR",), variable=("persons-held", "nothing-like-this"), year_from=2014, year_to=2015
    ),
    ObservationFilter(area=("XXX",)),
]
ORDERS: list[list[tuple[str, bool]]] = [
    [],
    [("value", True)],
    [("period", True), ("area", False)],
    [("sex", False), ("value", False)],
]


@pytest.fixture
def published(store: Store) -> Store:
    import_paths(store, [SPECIMENS / "unodc_ok.csv", SPECIMENS / "duplicates.csv"])
    publish(store)
    return store


def _by_ibis(store: Store, flt: ObservationFilter, order: list[tuple[str, bool]]) -> list[dict[str, Any]]:
    table, _ = release_table(store)
    rows: list[dict[str, Any]] = observations_expr(table, flt, order).drop("year").to_pyarrow().to_pylist()
    return rows


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("flt", FILTERS)
def test_serving_path_answers_as_the_ibis_expression(
    published: Store, flt: ObservationFilter, order: list[tuple[str, bool]]
) -> None:
    expected = _by_ibis(published, flt, order)
    ANSWERS.clear()
    whole = query_observations(published, flt, order=order)
    assert whole.count == len(expected)
    assert whole.data == expected
    for limit, offset in ((1, 0), (2, 1), (3, len(expected)), (5, 3)):
        page = query_observations(published, flt, limit=limit, offset=offset, order=order)
        assert page.count == len(expected)
        assert page.data == expected[offset : offset + limit]
    again = query_observations(published, flt, order=order)  # from the cache: the same, in fresh dicts
    assert again.data == expected
    if expected:
        again.data[0]["value"] = -1.0
        assert query_observations(published, flt, order=order).data == expected


def test_area_series_as_the_ibis_expression(published: Store) -> None:
    table, _ = release_table(published)
    for area in ("MEX", "PAN", "MAR", "XXX"):
        assert area_series(published, area) == series_expr(table, area).to_pyarrow().to_pylist()


def test_a_new_release_is_never_answered_from_the_old_ones_cache(published: Store) -> None:
    flt = ObservationFilter()
    first = query_observations(published, flt)
    assert first.release == 1
    snapshot, _ = release_snapshot(published)
    import_paths(published, [SPECIMENS / "latin1.csv"])
    release, new = publish(published)
    assert new and release.number == 2
    second = query_observations(published, flt)
    assert second.release == 2
    table, _ = release_table(published)
    assert second.data == observations_expr(table, flt).drop("year").to_pyarrow().to_pylist()
    assert second.count > first.count
    assert release_snapshot(published)[0] is not snapshot
    assert ("observations", release.sha256, flt, None, 0, ()) in ANSWERS


def test_threads_each_get_their_own_cursor(published: Store) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    snapshot, _ = release_snapshot(published)
    together = threading.Barrier(4)

    def ask(_: int) -> tuple[int, int]:
        together.wait(timeout=30)  # four threads at once, each with its own cursor
        cursor = snapshot.cursor()
        assert snapshot.cursor() is cursor  # one per thread, kept
        return id(cursor), snapshot.arrow("SELECT count(*) FROM observations")[0][0].as_py()

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(ask, range(4)))
    assert len({cursor for cursor, _ in answers}) == 4
    assert len({count for _, count in answers}) == 1 and answers[0][1] > 0


def test_bounded_lru_evicts_the_least_recently_used() -> None:
    cache: BoundedLRU[pa.Table] = BoundedLRU(2, size=lambda t: t.num_rows, max_item=3)
    small = pa.table({"x": [1, 2]})
    cache.put("a", small)
    cache.put("b", small)
    assert cache.get("a") is small  # "a" is now the most recent
    cache.put("c", small)
    assert "b" not in cache and "a" in cache and "c" in cache
    cache.put("big", pa.table({"x": [1, 2, 3, 4]}))
    assert "big" not in cache and len(cache) == 2
    assert (cache.hits, cache.misses) == (1, 0)
    assert cache.get("b") is None and cache.misses == 1
