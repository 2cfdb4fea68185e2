"""One source per figure: the same series from the UNODC data portal and from a UN-CTS round submission is
used once, by the source precedence of ``catalog/data/source_precedence.toml``, never added up."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from ibis.expr.types import Table

from observatory.catalog.indicators import get_indicator
from observatory.catalog.precedence import PATH, parse, source_precedence
from observatory.cli.main import main
from observatory.collect.importing import import_paths
from observatory.errors import ConfigurationError
from observatory.indicators.compile import selector_candidates, selector_filter
from observatory.indicators.compute import compute, compute_table
from observatory.indicators.explain import explain
from observatory.model.indicator import Indicator, IndicatorUnit, SeriesSelector
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.query import release_table
from observatory.warehouse.release import COLUMNS, SCHEMA, publish
from observatory.web import create_app

with warnings.catch_warnings():
    # starlette 1.x asks for httpx2 when it finds httpx; the client works the same (as tests/web/conftest.py).
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

PORTAL = "unodc_cts/unodc_cts_prisons_and_prisoners_2023-05-11.csv"
# The portal's figures for Mexico, 2018 (persons held and official capacity, counts, totals).
PORTAL_HELD, PORTAL_CAPACITY = 196322.0, 227344.0
ROUND_HELD = 197000.0  # the country's own validated submission: a different figure for the same series
ROUND_CSV = f"""dataflow,area,period,variable,unit,value,source
UN_CTS,MEX,2018,persons-held,count,{ROUND_HELD:.0f},UN-CTS round 2025 (validated)
"""


def _portal_extract(shared_data: Path, target: Path) -> Path:
    """The real portal export, Mexico's rows only (written to a temporary folder, never the repository)."""
    lines = (shared_data / PORTAL).read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join([lines[0], *(line for line in lines[1:] if line.startswith("MEX,"))]))
    return target


def _store(path: Path) -> Store:
    store = Store(Settings(data_dir=path / "var"))
    store.init()
    return store


@pytest.fixture
def portal_only(tmp_path: Path, shared_data: Path) -> Iterator[Store]:
    store = _store(tmp_path)
    import_paths(store, [_portal_extract(shared_data, tmp_path / "portal_mex.csv")])
    publish(store)
    yield store
    store.dispose()


@pytest.fixture
def both_sources(tmp_path: Path, shared_data: Path) -> Iterator[Store]:
    store = _store(tmp_path)
    import_paths(store, [_portal_extract(shared_data, tmp_path / "portal_mex.csv")])
    (tmp_path / "round_mex.csv").write_text(ROUND_CSV)
    import_paths(store, [tmp_path / "round_mex.csv"])
    publish(store)
    yield store
    store.dispose()


def _release(store: Store) -> Table:
    return release_table(store)[0]


def test_the_release_holds_the_series_twice_and_the_figure_uses_one(both_sources: Store) -> None:
    held = SeriesSelector(variable="persons-held", unit="count")
    table = _release(both_sources).filter(lambda t: (t.area == "MEX") & (t.year == 2018))
    found = selector_candidates(table, held, ()).to_pyarrow().to_pylist()
    assert sorted((r["dataflow"], r["value"], r["used"]) for r in found) == [
        ("UNODC_CTS", PORTAL_HELD, False),
        ("UN_CTS", ROUND_HELD, True),
    ]
    # Summing every dataflow (what the compiled formula did before) double counts the persons held.
    assert sum(r["value"] for r in found) == PORTAL_HELD + ROUND_HELD
    occupancy = compute(both_sources, "prison_occupancy", area="MEX", year=2018).rows
    assert [(r["numerator"], r["denominator"]) for r in occupancy] == [(ROUND_HELD, PORTAL_CAPACITY)]
    assert occupancy[0]["value"] == pytest.approx(ROUND_HELD / PORTAL_CAPACITY * 100)


def test_the_portal_alone_gives_its_own_figure(portal_only: Store) -> None:
    occupancy = compute(portal_only, "prison_occupancy", area="MEX", year=2018).rows
    assert [(r["numerator"], r["denominator"]) for r in occupancy] == [(PORTAL_HELD, PORTAL_CAPACITY)]


def test_a_selector_naming_a_dataflow_reads_that_dataflow_only(both_sources: Store) -> None:
    table = _release(both_sources)
    for dataflow, expected in (("UNODC_CTS", PORTAL_HELD), ("UN_CTS", ROUND_HELD)):
        pinned = Indicator(
            id=f"held_{dataflow.lower()}",
            name="Persons held",
            definition=f"Persons held as {dataflow} gives them.",
            numerator=SeriesSelector(variable="persons-held", unit="count", dataflow=dataflow),
            unit=IndicatorUnit.COUNT,
        )
        rows = {(r["area"], r["year"]): r["value"] for r in compute_table(pinned, table)}
        assert rows[("MEX", 2018)] == expected


def test_explain_names_the_source_used_and_the_one_set_aside(both_sources: Store) -> None:
    story = explain(both_sources, "prison_occupancy", area="MEX", year=2018)
    assert [(r["dataflow"], r["value"]) for r in story["inputs"]["numerator"]] == [("UN_CTS", ROUND_HELD)]
    assert [(r["dataflow"], r["value"], r["preferred"]) for r in story["set_aside"]["numerator"]] == [
        ("UNODC_CTS", PORTAL_HELD, "UN_CTS")
    ]
    assert story["set_aside"]["numerator"][0]["file_sha256"]  # traceable to the portal file's row
    assert story["sources"] == {
        "numerator": {"used": ["UN_CTS"], "set_aside": ["UNODC_CTS"]},
        "denominator": {"used": ["UNODC_CTS"], "set_aside": []},
    }
    assert story["precedence"][:3] == ["UN_CTS", "UNODC_CTS", "UN_SDG"]


def test_the_precedence_is_data_in_the_catalogue() -> None:
    assert PATH.name == "source_precedence.toml"
    order = source_precedence()
    assert order.index("UN_CTS") < order.index("UNODC_CTS") < order.index("UN_SDG")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "non-empty list"),
        ({"order": []}, "non-empty list"),
        ({"order": ["UN_CTS", "UN_CTS"]}, "listed twice"),
        ({"order": ["UN CTS"]}, "not a dataflow id"),
    ],
)
def test_a_broken_precedence_list_is_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        parse(data, "precedence.toml")


def _obs(
    dataflow: str, value: float, *, period: str = "2020", import_id: int = 1, **dims: str
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "_T")
    row.update(
        dataflow=dataflow,
        area="AAA",
        period=period,
        variable="persons-held",
        unit="count",
        value=value,
        flags="",
        note=None,
        label=None,
        source="test",
        file_sha256="0" * 64,
        row=1,
        import_id=import_id,
        year=int(period[:4]),
    )
    row.update(dims)
    return row


def _values(rows: list[dict[str, Any]], selector: SeriesSelector, by: tuple[str, ...] = ()) -> list[float]:
    table = ibis.duckdb.connect().create_table("obs", pa.Table.from_pylist(rows, schema=SCHEMA))
    return sorted(selector_filter(table, selector, by).to_pyarrow().column("value").to_pylist())


def test_unlisted_dataflows_come_last_by_name_and_the_latest_import_wins_within_one() -> None:
    held = SeriesSelector(variable="persons-held", unit="count")
    assert _values([_obs("ZZ_OTHER", 1), _obs("AA_OTHER", 2), _obs("UN_SDG", 3)], held) == [3]
    assert _values([_obs("ZZ_OTHER", 1), _obs("AA_OTHER", 2)], held) == [2]
    later = [
        _obs("UNODC_CTS", 5, period="2020", import_id=1),
        _obs("UNODC_CTS", 6, period="2020-12", import_id=2),
    ]
    assert _values(later, held) == [6]


def test_precedence_is_per_series_key_so_breakdowns_are_not_mixed_up() -> None:
    """Each sex is its own series: the round's male count and the portal's female count are both used; the
    total is the round's, never the portal's added to it."""
    rows = [
        _obs("UN_CTS", 100, sex="M"),
        _obs("UNODC_CTS", 90, sex="M"),
        _obs("UNODC_CTS", 10, sex="F"),
    ]
    assert _values(rows, SeriesSelector(variable="persons-held", unit="count"), ("sex",)) == [10, 100]
    rows += [_obs("UN_CTS", 110), _obs("UNODC_CTS", 100)]
    table = ibis.duckdb.connect().create_table("obs", pa.Table.from_pylist(rows, schema=SCHEMA))
    (computed,) = compute_table(get_indicator("women_share"), table)
    assert (computed["numerator"], computed["denominator"]) == (10, 110)
    assert computed["value"] == pytest.approx(10 / 110 * 100)


def test_the_cli_and_the_page_say_which_source_was_set_aside(
    both_sources: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(both_sources.settings.resolved_data_dir))
    try:
        main(["indicators", "explain", "prison_occupancy", "--area", "MEX", "--year", "2018"])
    except SystemExit as exc:
        assert not exc.code
    out = " ".join(capsys.readouterr().out.split())
    assert "set aside (numerator): UNODC_CTS persons-held 2018 = 196322.0" in out
    assert "UN_CTS takes precedence" in out
    with TestClient(create_app(both_sources.settings, store=both_sources)) as client:
        page = client.get("/indicators/prison_occupancy", params={"area": "MEX", "year": 2018})
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "Set aside: UNODC_CTS <code>persons-held</code> 2018" in text
    assert "UN_CTS takes precedence" in text
