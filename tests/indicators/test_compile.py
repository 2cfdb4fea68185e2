"""Compiling indicators to ibis: flags instead of infinities, mixed units refused, the SQL pinned for
DuckDB and PostgreSQL, and the same expression run on a real PostgreSQL server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from ibis.expr.types import Table
from sqlalchemy import make_url

from observatory.catalog.indicators import get_indicator
from observatory.errors import InvalidInput
from observatory.indicators.compile import compile_indicator, output_columns
from observatory.indicators.compute import clear_compiled, compiled_sql, compute_table, run_indicator
from observatory.model.indicator import POPULATION, Indicator, IndicatorUnit, SeriesSelector
from observatory.warehouse.release import COLUMNS, SCHEMA

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "indicators"
PINNED = ("sdg_16_1_1", "prison_occupancy", "prosecuted_per_contact", "sdg_16_5_1")


def obs(
    area: str, year: int, variable: str, value: float, unit: str = "count", **dims: str
) -> dict[str, Any]:
    row: dict[str, Any] = {c: "_T" for c in COLUMNS}
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


ROWS = [
    obs("AAA", 2020, "persons-held", 500),
    obs("AAA", 2020, "prison-capacity", 400),
    obs("AAA", 2020, "population", 1_000_000, unit="persons"),
    obs("BBB", 2020, "persons-held", 80),
    obs("BBB", 2020, "prison-capacity", 0),  # zero denominator
    obs("CCC", 2020, "persons-held", 70),  # no capacity, no population
    obs("AAA", 2021, "persons-held", 520),  # population missing for 2021
    obs("AAA", 2020, "VC_IHR_PSRCN", 30, sex="M"),
    obs("AAA", 2020, "VC_IHR_PSRCN", 10, sex="F"),
    obs("BBB", 2020, "VC_IHR_PSRCN", 9, sex="M"),  # female count missing: no total
    obs("BBB", 2020, "population", 500_000, unit="persons"),
    obs("AAA", 2020, "persons-held", 184.3, unit="rate-per-100k"),
    # The same series from other dataflows: by the source precedence the UN-CTS round's 75 replaces the
    # portal's 70 for CCC, and the SDG database's 999 is set aside for the portal's 500 for AAA.
    {**obs("CCC", 2020, "persons-held", 75), "dataflow": "UN_CTS"},
    {**obs("AAA", 2020, "persons-held", 999), "dataflow": "UN_SDG"},
]


def table(rows: list[dict[str, Any]] = ROWS) -> Table:
    arrow = pa.Table.from_pylist(rows, schema=SCHEMA)
    return ibis.duckdb.connect().create_table("observations", arrow)


def by_key(rows: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r["area"], r["year"]): r for r in rows}


def test_ratio_with_missing_and_zero_denominators_is_flagged_never_inf() -> None:
    rows = by_key(compute_table(get_indicator("prison_occupancy"), table()))
    assert rows[("AAA", 2020)]["value"] == pytest.approx(125.0)
    assert rows[("AAA", 2020)]["flags"] == ""
    assert (rows[("BBB", 2020)]["value"], rows[("BBB", 2020)]["flags"]) == (None, "zero-denominator")
    assert (rows[("CCC", 2020)]["value"], rows[("CCC", 2020)]["flags"]) == (None, "missing-denominator")
    assert rows[("CCC", 2020)]["numerator"] == 75  # one source per series: never 70 + 75


def test_population_missing_for_a_year_is_flagged() -> None:
    rows = by_key(compute_table(get_indicator("prison_population_rate"), table()))
    assert rows[("AAA", 2020)]["value"] == pytest.approx(50.0)
    assert (rows[("AAA", 2021)]["value"], rows[("AAA", 2021)]["flags"]) == (None, "missing-denominator")


def test_sum_over_parts_needs_every_part() -> None:
    rows = by_key(compute_table(get_indicator("sdg_16_1_1"), table()))
    assert rows[("AAA", 2020)]["numerator"] == 40
    assert rows[("AAA", 2020)]["value"] == pytest.approx(4.0)
    assert ("BBB", 2020) not in rows  # male only: no total is made up


def test_mixed_units_name_the_indicator_and_units() -> None:
    loose = Indicator(
        id="loose_rate",
        name="Loose",
        definition="No unit on the numerator.",
        numerator=SeriesSelector(variable="persons-held"),
        denominator=POPULATION,
        multiplier=100_000,
        unit=IndicatorUnit.RATE_PER_100K,
    )
    with pytest.raises(InvalidInput, match=r"'loose_rate'.*mixed units \(count, rate-per-100k\)") as caught:
        compute_table(loose, table())
    assert caught.value.code == "mixed-units"


def test_output_columns_carry_the_disaggregations() -> None:
    indicator = get_indicator("prosecuted_per_contact")
    assert output_columns(indicator) == [
        "indicator",
        "area",
        "year",
        "offence",
        "value",
        "numerator",
        "denominator",
        "flags",
    ]
    rows = [
        obs("AAA", 2020, "persons-in-contact", 100, offence="0101"),
        obs("AAA", 2020, "persons-prosecuted", 40, offence="0101"),
        obs("AAA", 2020, "persons-prosecuted", 5, offence="0401"),
    ]
    found = {r["offence"]: r for r in compute_table(indicator, table(rows))}
    assert found["0101"]["value"] == pytest.approx(0.4)
    assert (found["0401"]["value"], found["0401"]["flags"]) == (None, "missing-denominator")


def _golden(name: str, sql: str) -> None:
    target = GOLDEN / name
    if os.environ.get("OBSERVATORY_UPDATE_GOLDEN") == "1":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(sql + "\n")
    assert target.exists(), f"{target} is missing; run with OBSERVATORY_UPDATE_GOLDEN=1 to write it"
    assert sql + "\n" == target.read_text(), f"generated SQL differs from {target}"


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
@pytest.mark.parametrize("indicator_id", PINNED)
def test_generated_sql_is_pinned(indicator_id: str, dialect: str) -> None:
    unbound = ibis.table(ibis.schema(SCHEMA), name="observations")
    expr = compile_indicator(get_indicator(indicator_id), unbound)
    _golden(f"{indicator_id}.{dialect}.sql", str(ibis.to_sql(expr, dialect=dialect)))


@pytest.mark.postgres
@pytest.mark.parametrize("indicator_id", ["prison_occupancy", "sdg_16_1_1", "prison_population_rate"])
def test_same_expression_runs_on_postgres(postgres_url: str, indicator_id: str) -> None:
    url = make_url(postgres_url)
    con = ibis.postgres.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database=url.database
    )
    name = f"observations_{indicator_id}"
    try:
        remote = con.create_table(name, pa.Table.from_pylist(ROWS, schema=SCHEMA), overwrite=True)
        on_postgres = compute_table(get_indicator(indicator_id), remote)
        con.drop_table(name)
    finally:
        con.disconnect()
    on_duckdb = compute_table(get_indicator(indicator_id), table())
    assert _same(on_postgres, on_duckdb)


def _same(left: list[dict[str, Any]], right: list[dict[str, Any]]) -> bool:
    assert len(left) == len(right)
    for a, b in zip(left, right, strict=True):
        assert {k: v for k, v in a.items() if k != "value"} == {k: v for k, v in b.items() if k != "value"}
        assert (a["value"] is None) == (b["value"] is None)
        if a["value"] is not None:
            assert a["value"] == pytest.approx(b["value"])
    return True


def test_compiled_sql_is_shared_across_data_but_units_are_checked_per_data() -> None:
    clear_compiled()
    occupancy = get_indicator("prison_occupancy")
    first, second = table(), table(ROWS[:3])
    computed = run_indicator(occupancy, first, data="release-1")
    assert computed.column_names == output_columns(occupancy)
    assert computed.to_pylist() == compute_table(occupancy, first)  # the ibis path, same values
    again = run_indicator(occupancy, second, data="release-2", area="AAA")
    assert compiled_sql(occupancy, first) is compiled_sql(occupancy, second)  # compiled once
    assert [(r["area"], r["year"], r["value"]) for r in again.to_pylist()] == [("AAA", 2020, 125.0)]
    loose = Indicator(
        id="loose_count",
        name="Loose",
        definition="No unit on the numerator.",
        numerator=SeriesSelector(variable="persons-held"),
        unit=IndicatorUnit.COUNT,
    )
    assert run_indicator(loose, table(ROWS[:1]), data="one-unit").column("value").to_pylist() == [500]
    with pytest.raises(InvalidInput, match="mixed units") as caught:  # the SQL is cached, the check is not
        run_indicator(loose, table(), data="two-units")
    assert caught.value.code == "mixed-units"
