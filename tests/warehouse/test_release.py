"""Publishing releases and querying them with backend-neutral ibis expressions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import ibis
import pyarrow.parquet as pq
import pytest
from sqlalchemy import make_url

from observatory.collect.importing import import_paths
from observatory.errors import NotFound
from observatory.store.db import Store
from observatory.warehouse.query import (
    ObservationFilter,
    area_series,
    observations_expr,
    query_observations,
    series_expr,
)
from observatory.warehouse.release import SCHEMA, list_releases, publish

SPECIMENS = Path(__file__).resolve().parents[1] / "data" / "collect"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "warehouse"
FILTER = ObservationFilter(
    area=("MEX",),
    variable=("persons-held",),
    sex=("_T",),
    status=("_T",),
    year_from=2010,
    year_to=2020,
)


@pytest.fixture
def published(store: Store) -> Store:
    import_paths(
        store,
        [SPECIMENS / "unodc_ok.csv", SPECIMENS / "implausible.csv", SPECIMENS / "duplicates.csv"],
    )
    publish(store)
    return store


def test_nothing_published_yet(store: Store) -> None:
    with pytest.raises(NotFound, match="nothing has been published") as caught:
        query_observations(store, ObservationFilter())
    assert caught.value.code == "no-release"


def test_release_holds_only_publishable_observations(published: Store) -> None:
    (release,) = list_releases(published)
    path = published.settings.resolved_data_dir / release.path
    table = pq.read_table(path).to_pylist()
    periods = {(r["area"], r["period"]) for r in table}
    assert ("MAR", "2015") in periods
    assert ("MAR", "1013") not in periods  # implausible year held back
    assert ("MAR", "2014") not in periods  # negative count held back
    assert not any(r["area"] == "PAN" and r["sex"] == "M" for r in table)  # conflicting duplicate
    assert any(r["area"] == "PAN" and r["sex"] == "F" for r in table)
    assert release.observations == len(table)


def test_release_is_immutable_and_not_duplicated(published: Store) -> None:
    (release,) = list_releases(published)
    path = published.settings.resolved_data_dir / release.path
    assert not os.stat(path).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    again, new = publish(published)
    assert (again.number, new) == (release.number, False)
    import_paths(published, [SPECIMENS / "latin1.csv"])
    newer, new = publish(published)
    assert (newer.number, new) == (2, True)
    assert path.exists() and len(list_releases(published)) == 2


def test_query_filters_and_pages(published: Store) -> None:
    page = query_observations(published, FILTER)
    assert page.count == 2
    assert [(r["period"], r["value"]) for r in page.data] == [
        ("2016", 217868.0),
        ("2017", 204617.0),
    ]
    assert page.data[0]["source"] == "CTS" and page.data[0]["row"] == 2
    second = query_observations(published, FILTER, limit=1, offset=1)
    assert (second.count, [r["period"] for r in second.data]) == (2, ["2017"])
    assert query_observations(published, ObservationFilter(area=("MEX",), year_to=2016)).count == 1


def test_area_series_summary(published: Store) -> None:
    series = {(s["variable"], s["status"], s["unit"]): s for s in area_series(published, "MEX")}
    total = series[("persons-held", "_T", "count")]
    assert (total["observations"], total["first_year"], total["last_year"]) == (2, 2016, 2017)
    assert ("persons-held", "unsentenced", "count") in series


def _golden(name: str, sql: str) -> None:
    target = GOLDEN / name
    if os.environ.get("OBSERVATORY_UPDATE_GOLDEN") == "1":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(sql + "\n")
    assert target.exists(), f"{target} is missing; run with OBSERVATORY_UPDATE_GOLDEN=1 to write it"
    assert sql + "\n" == target.read_text(), f"generated SQL differs from {target}"


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_generated_sql_is_pinned(dialect: str) -> None:
    table = ibis.table(ibis.schema(SCHEMA), name="observations")
    _golden(
        f"observations.{dialect}.sql",
        str(ibis.to_sql(observations_expr(table, FILTER), dialect=dialect)),
    )
    _golden(f"series.{dialect}.sql", str(ibis.to_sql(series_expr(table, "MEX"), dialect=dialect)))


@pytest.mark.postgres
def test_same_expression_runs_on_postgres(published: Store, postgres_url: str) -> None:
    (release,) = list_releases(published)
    arrow = pq.read_table(published.settings.resolved_data_dir / release.path)
    url = make_url(postgres_url)
    con = ibis.postgres.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        table = con.create_table("observations_release_test", arrow)
        on_postgres = observations_expr(table, FILTER).to_pyarrow().to_pylist()
        con.drop_table("observations_release_test")
    finally:
        con.disconnect()
    on_duckdb = query_observations(published, FILTER).data
    assert [(r["period"], r["value"]) for r in on_postgres] == [(r["period"], r["value"]) for r in on_duckdb]
