"""The same compiled indicator expressions on Apache Spark (local mode) as on DuckDB, row for row.

Skipped where PySpark or a Java runtime is missing, except under ``CI=true``: there it fails, since
``make test`` installs the ``spark`` extra and ``.ci/run`` a JRE. One Spark session per module (and so per
pytest-xdist worker): the JVM starts once.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from observatory.catalog.indicators import get_indicator, load_indicators
from observatory.cli.main import main
from observatory.indicators import spark
from observatory.indicators.compile import output_columns
from observatory.indicators.compute import compute, compute_table
from observatory.store.db import Store
from observatory.warehouse.release import COLUMNS, SCHEMA

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

if not spark.spark_available():
    _missing = f"PySpark or a Java runtime is missing ({spark.INSTALL_HINT}; Java 17+)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {_missing}: nothing skips in CI", pytrace=False)
    pytest.skip(_missing, allow_module_level=True)

pytestmark = [
    pytest.mark.spark,
    # PySpark 4.0 leaves its result sockets to the garbage collector ("closed when garbage-collected",
    # pyspark/util.py) and converts results through pandas with ``astype(copy=False)``, which pandas 3
    # deprecates: third-party warnings, ignored for this module only.
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:DeprecationWarning"),
]

FLOATS = ("value", "numerator", "denominator")
REL = 1e-9


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    started = spark.local_session(tmp_path_factory.mktemp("spark"), memory="1g")
    yield started
    started.stop()


def assert_same_rows(on_spark: list[dict[str, Any]], on_duckdb: list[dict[str, Any]]) -> None:
    """Same rows in the same order, same columns, same nulls; floats within ``REL`` relative."""
    assert len(on_spark) == len(on_duckdb)
    for left, right in zip(on_spark, on_duckdb, strict=True):
        assert list(left) == list(right)
        assert {k: v for k, v in left.items() if k not in FLOATS} == {
            k: v for k, v in right.items() if k not in FLOATS
        }
        for column in FLOATS:
            assert (left[column] is None) == (right[column] is None), (column, left, right)
            if left[column] is not None:
                assert left[column] == pytest.approx(right[column], rel=REL, abs=0), (column, left, right)


@pytest.mark.parametrize("indicator_id", sorted(load_indicators()))
def test_every_indicator_on_spark_equals_duckdb(
    real_store: Store, session: SparkSession, indicator_id: str
) -> None:
    on_duckdb = compute(real_store, indicator_id)
    on_spark = spark.compute(real_store, indicator_id, session=session)
    assert on_spark.release == on_duckdb.release
    assert_same_rows(on_spark.rows, on_duckdb.rows)


def test_the_real_release_gives_spark_real_work(real_store: Store, session: SparkSession) -> None:
    rows = spark.compute(real_store, "sdg_16_1_1", session=session).rows
    assert len(rows) > 1000
    assert {r["flags"] for r in rows} >= {"", "missing-denominator"}
    mexico = [r for r in rows if r["area"] == "MEX" and r["year"] == 2015]
    assert len(mexico) == 1 and 10 < mexico[0]["value"] < 30  # homicides per 100,000 (UNODC: 16.x)


def test_one_area_and_year_on_spark(real_store: Store, session: SparkSession) -> None:
    on_spark = spark.compute(real_store, "prison_occupancy", area="MEX", year=2018, session=session)
    on_duckdb = compute(real_store, "prison_occupancy", area="MEX", year=2018)
    assert [(r["area"], r["year"]) for r in on_spark.rows] == [("MEX", 2018)]
    assert_same_rows(on_spark.rows, on_duckdb.rows)


def _obs(
    area: str, year: int, variable: str, value: float, unit: str = "count", **dims: str
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "_T")
    row.update(
        dataflow="WB_WDI" if variable == "population" else "UNODC_CTS",
        area=area,
        period=str(year),
        variable=variable,
        unit=unit,
        value=value,
        flags="",
        note=None,
        label=None,
        source="test",
        file_sha256="0" * 64,
        row=1,
        import_id=1,
        year=year,
    )
    row.update(dims)
    return row


EDGES = [
    _obs("AAA", 2020, "persons-held", 500),
    _obs("AAA", 2020, "prison-capacity", 400),
    _obs("AAA", 2020, "population", 1_000_000, unit="persons"),
    _obs("BBB", 2020, "persons-held", 80),
    _obs("BBB", 2020, "prison-capacity", 0),  # zero denominator
    _obs("CCC", 2020, "persons-held", 70),  # no capacity, no population
    _obs("AAA", 2021, "persons-held", 520),  # population missing for 2021
    _obs("AAA", 2020, "VC_IHR_PSRCN", 30, sex="M"),
    _obs("AAA", 2020, "VC_IHR_PSRCN", 10, sex="F"),
    _obs("BBB", 2020, "VC_IHR_PSRCN", 9, sex="M"),  # female count missing: no total
    _obs("AAA", 2020, "persons-in-contact", 100, offence="0101"),
    _obs("AAA", 2020, "persons-prosecuted", 40, offence="0101"),
    _obs("AAA", 2020, "persons-prosecuted", 5, offence="0401"),  # no contact count for 0401
    _obs("AAA", 2020, "persons-convicted", 0, offence="0101"),
    {**_obs("CCC", 2020, "persons-held", 75), "dataflow": "UN_CTS"},  # preferred to the portal's 70
    {**_obs("AAA", 2020, "persons-held", 999), "dataflow": "UN_SDG"},  # set aside for the portal's 500
]
EDGE_INDICATORS = ("prison_occupancy", "sdg_16_1_1", "prosecuted_per_contact", "convicted_per_prosecuted")


def test_edge_cases_flag_the_same_on_spark(session: SparkSession, tmp_path: Path) -> None:
    path = tmp_path / "edges.parquet"
    pq.write_table(pa.Table.from_pylist(EDGES, schema=SCHEMA), path)
    on_spark_table = ibis.pyspark.connect(session).read_parquet(str(path), table_name="edges")
    on_duckdb_table = ibis.duckdb.connect().read_parquet(str(path), table_name="edges")
    computed = {}
    for indicator_id in EDGE_INDICATORS:
        indicator = get_indicator(indicator_id)
        on_spark = compute_table(indicator, on_spark_table)
        assert_same_rows(on_spark, compute_table(indicator, on_duckdb_table))
        assert all(list(r) == output_columns(indicator) for r in on_spark)
        computed[indicator.id] = {(r["area"], r["year"], r.get("offence")): r for r in on_spark}
    occupancy = computed["prison_occupancy"]
    assert occupancy[("AAA", 2020, None)]["value"] == pytest.approx(125.0)
    assert (occupancy[("BBB", 2020, None)]["value"], occupancy[("BBB", 2020, None)]["flags"]) == (
        None,
        "zero-denominator",
    )
    assert occupancy[("CCC", 2020, None)]["flags"] == "missing-denominator"
    assert occupancy[("CCC", 2020, None)]["numerator"] == 75  # one source per series, as on DuckDB
    assert computed["sdg_16_1_1"][("AAA", 2020, None)]["value"] == pytest.approx(4.0)
    assert ("BBB", 2020, None) not in computed["sdg_16_1_1"]
    prosecuted = computed["prosecuted_per_contact"]
    assert prosecuted[("AAA", 2020, "0101")]["value"] == pytest.approx(0.4)
    assert prosecuted[("AAA", 2020, "0401")]["flags"] == "missing-denominator"
    assert computed["convicted_per_prosecuted"][("AAA", 2020, "0101")]["value"] == 0.0


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_backend_spark_prints_what_duckdb_prints(
    real_store: Store,
    session: SparkSession,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(real_store.settings.resolved_data_dir))
    args = ("indicators", "compute", "sdg_16_3_2", "--year", "2016", "--format", "json")
    code, on_spark, err = _run(capsys, *args, "--backend", "spark")
    assert code == 0, err
    code, on_duckdb, err = _run(capsys, *args)
    assert code == 0, err
    spark_payload, duckdb_payload = json.loads(on_spark), json.loads(on_duckdb)
    assert spark_payload["count"] == duckdb_payload["count"] > 50
    assert_same_rows(spark_payload["data"], duckdb_payload["data"])
    assert session.range(3).count() == 3  # the CLI used the running session and left it running


def test_missing_pyspark_names_the_extra(
    real_store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    assert not spark.spark_available()
    with pytest.raises(spark.BackendUnavailable, match=r"pip install 'observatory\[spark\]'") as caught:
        spark.compute(real_store, "sdg_16_1_1")
    assert caught.value.code == "backend-unavailable"
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(real_store.settings.resolved_data_dir))
    code, out, err = _run(capsys, "indicators", "compute", "sdg_16_1_1", "--backend", "spark")
    assert code == 1 and out == ""
    assert "observatory[spark]" in err and "[backend-unavailable]" in err and "Traceback" not in err


def test_missing_java_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(spark.BackendUnavailable, match="Java 17"):
        spark.local_session(tmp_path)
