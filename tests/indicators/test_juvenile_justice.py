"""Quantitative juvenile-justice indicators 2, 3, 6 and 9 on UN-CTS-style data and an imported child
population (long CSV, age ``lt18y``); no child population means a flagged missing value, never a zero."""

from __future__ import annotations

from pathlib import Path

import ibis
import pytest
from sqlalchemy import make_url

from observatory.catalog.indicators import get_indicator, load_indicators
from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.importing import import_paths
from observatory.indicators.compute import compute, compute_table
from observatory.store.db import Store
from observatory.warehouse.query import release_table
from observatory.warehouse.release import publish

INDICATORS = {
    "children_in_detention_per_100k_children": "indicator 2",
    "jj_3_children_in_pre_sentence_detention_per_100k_children": "indicator 3",
    "jj_6_child_deaths_in_detention_per_1000_detained": "indicator 6",
    "jj_9_custodial_sentencing_share": "indicator 9",
}
UNCTS = """area,period,variable,age,status,category,value
MEX,2022,persons-held,juvenile,_T,_T,4000
MEX,2022,persons-held,juvenile,unsentenced,_T,1500
MEX,2021,persons-held,juvenile,_T,_T,4200
MEX,2021,persons-held,juvenile,unsentenced,_T,1800
CHL,2022,persons-held,juvenile,_T,_T,700
MEX,2022,deaths-in-prison,juvenile,_T,_T,6
MEX,2022,persons-convicted,juvenile,_T,sentence-custodial,300
MEX,2022,persons-convicted,juvenile,_T,sentence-non-custodial,1200
MEX,2021,persons-convicted,juvenile,_T,sentence-custodial,350
"""
# The child population as a user imports it (here from UN WPP), and a total population that must not be
# mistaken for it.
POPULATION = """area,period,dataflow,variable,age,unit,value,source
MEX,2022,UN_WPP,population,lt18y,persons,38000000,UN World Population Prospects
MEX,2021,WB_WDI,population,_T,persons,126705138,World Bank
"""


@pytest.fixture
def submitted(store: Store, tmp_path: Path) -> Store:
    (tmp_path / "uncts.csv").write_text(UNCTS, encoding="utf-8")
    (tmp_path / "child_population.csv").write_text(POPULATION, encoding="utf-8")
    import_paths(store, [tmp_path / "uncts.csv", tmp_path / "child_population.csv"])
    publish(store)
    return store


def _rows(store: Store, indicator: str) -> dict[tuple[str, int], dict[str, object]]:
    return {(str(r["area"]), int(r["year"])): r for r in compute(store, indicator).rows}


def test_each_refers_to_the_manual_and_reads_questionnaire_series() -> None:
    registry = load_indicators()
    asked = {(c.key.variable, c.key.age, c.key.status, c.key.category) for c in load_questionnaire().cells()}
    for indicator_id, number in INDICATORS.items():
        indicator = registry[indicator_id]
        assert indicator.reference and indicator.reference.endswith(number)
        for selector in (indicator.numerator, indicator.denominator):
            assert selector is not None
            if selector.variable == "population":
                assert selector.fixed() == {"age": ("lt18y",)} and selector.dataflow is None
                continue
            fixed = selector.fixed()
            for category in fixed.get("category", ("_T",)):
                wanted = (selector.variable, *(fixed.get(d, ("_T",))[0] for d in ("age", "status")), category)
                assert wanted in asked, (indicator_id, wanted)


def test_children_in_detention_and_pre_sentence_detention(submitted: Store) -> None:
    detention = _rows(submitted, "children_in_detention_per_100k_children")
    assert detention[("MEX", 2022)]["value"] == pytest.approx(4000 / 38_000_000 * 100_000)
    pre_sentence = _rows(submitted, "jj_3_children_in_pre_sentence_detention_per_100k_children")
    assert pre_sentence[("MEX", 2022)]["value"] == pytest.approx(3.947, abs=1e-3)
    # MEX 2021 has only the total population and CHL none: missing and flagged, never zero
    missing = [detention[("MEX", 2021)], detention[("CHL", 2022)], pre_sentence[("MEX", 2021)]]
    assert [(r["value"], r["flags"], r["numerator"]) for r in missing] == [
        (None, "missing-denominator", 4200),
        (None, "missing-denominator", 700),
        (None, "missing-denominator", 1800),
    ]


def test_child_deaths_in_detention_per_1000(submitted: Store) -> None:
    deaths = _rows(submitted, "jj_6_child_deaths_in_detention_per_1000_detained")
    assert list(deaths) == [("MEX", 2022)]
    assert deaths[("MEX", 2022)]["value"] == pytest.approx(1.5)
    assert load_indicators()["jj_6_child_deaths_in_detention_per_1000_detained"].unit.value == "rate-per-1000"


def test_custodial_sentencing_share_needs_both_kinds_of_sentence(submitted: Store) -> None:
    share = _rows(submitted, "jj_9_custodial_sentencing_share")
    assert share[("MEX", 2022)]["value"] == pytest.approx(20.0)
    assert share[("MEX", 2022)]["denominator"] == 1500
    partial = share[("MEX", 2021)]  # custodial only: the denominator is unknown, not 350
    assert (partial["value"], partial["flags"]) == (None, "missing-denominator")


@pytest.mark.postgres
def test_the_same_expressions_give_the_same_values_on_postgres(submitted: Store, postgres_url: str) -> None:
    local, _ = release_table(submitted)
    data = local.to_pyarrow()
    url = make_url(postgres_url)
    con = ibis.postgres.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database=url.database
    )
    try:
        remote = con.create_table("observations_jj", data, overwrite=True)
        for indicator_id in INDICATORS:
            indicator = get_indicator(indicator_id)
            on_postgres = compute_table(indicator, remote)
            on_duckdb = compute_table(indicator, local)
            assert [(r["area"], r["year"], r["flags"]) for r in on_postgres] == [
                (r["area"], r["year"], r["flags"]) for r in on_duckdb
            ]
            for pg, duck in zip(on_postgres, on_duckdb, strict=True):
                assert pg["value"] == (None if duck["value"] is None else pytest.approx(duck["value"]))
        con.drop_table("observations_jj")
    finally:
        con.disconnect()
