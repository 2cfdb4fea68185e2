"""Homicide firearm share and situational-context shares (SDG 16.1.1), on data submitted as a long CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.catalog.indicators import load_indicators
from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.importing import import_paths
from observatory.collect.parsing import parse_file
from observatory.indicators.compute import compute
from observatory.indicators.explain import explain
from observatory.store.db import Store
from observatory.warehouse.release import publish

CONTEXTS = {
    "homicide_partner_family_share": "relationship-partner-family",
    "homicide_organized_crime_share": "context-organized-crime",
    "homicide_other_context_share": "context-other",
    "homicide_unknown_context_share": "context-unknown",
}
SHARES = ("homicide_firearm_share", *CONTEXTS)
# area, sex, category, victims: MEX reports everything (by sex for the total and firearms), CHL only the
# firearm split, ARG firearms without a total.
VICTIMS = [
    ("MEX", "_T", "_T", 1000),
    ("MEX", "M", "_T", 880),
    ("MEX", "F", "_T", 120),
    ("MEX", "_T", "mechanism-firearm", 700),
    ("MEX", "M", "mechanism-firearm", 640),
    ("MEX", "F", "mechanism-firearm", 60),
    ("MEX", "_T", "mechanism-sharp-object", 150),
    ("MEX", "_T", "mechanism-other", 100),
    ("MEX", "_T", "mechanism-unknown", 50),
    ("MEX", "_T", "relationship-partner-family", 80),
    ("MEX", "_T", "context-organized-crime", 400),
    ("MEX", "_T", "context-other", 300),
    ("MEX", "_T", "context-unknown", 220),
    ("CHL", "_T", "_T", 500),
    ("CHL", "_T", "mechanism-firearm", 250),
    ("ARG", "_T", "mechanism-firearm", 90),
]


@pytest.fixture
def submitted(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "homicide_h1.csv"
    lines = ["area,period,variable,sex,offence,category,unit,value"]
    lines += [f"{a},2022,homicide-victims,{s},0101,{c},count,{v}" for a, s, c, v in VICTIMS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_paths(store, [path])
    publish(store)
    return store


def test_the_questionnaire_asks_for_every_series_the_shares_read(tmp_path: Path) -> None:
    asked = load_questionnaire().cell_index()
    registry = load_indicators()
    for indicator_id in SHARES:
        indicator = registry[indicator_id]
        assert indicator.reference == "SDG 16.1.1"
        assert indicator.caveats[0].startswith("Where data exist")
    path = tmp_path / "h1.csv"
    path.write_text(
        "area,period,variable,sex,offence,category,value\n"
        + "".join(f"{a},2022,homicide-victims,{s},0101,{c},{v}\n" for a, s, c, v in VICTIMS),
        encoding="utf-8",
    )
    parsed = parse_file(path, max_bytes=10**6)
    assert parsed.report.problems == []
    keys = {str(o.key) for o in parsed.observations}
    assert keys <= set(asked)
    assert {asked[k].table for k in keys} == {"H1"}


def test_firearm_share_by_sex(submitted: Store) -> None:
    rows = {(r["area"], r["sex"]): r for r in compute(submitted, "homicide_firearm_share").rows}
    assert rows[("MEX", "_T")]["value"] == pytest.approx(70.0)
    assert rows[("MEX", "M")]["value"] == pytest.approx(640 / 880 * 100)
    assert rows[("MEX", "F")]["value"] == pytest.approx(50.0)
    assert rows[("CHL", "_T")]["value"] == pytest.approx(50.0)
    missing = rows[("ARG", "_T")]
    assert (missing["value"], missing["numerator"], missing["flags"]) == (None, 90, "missing-denominator")
    assert len(rows) == 5


def test_situational_context_shares_add_up_to_the_whole(submitted: Store) -> None:
    shares = {}
    for indicator_id, category in CONTEXTS.items():
        rows = compute(submitted, indicator_id, year=2022).rows
        assert [r["area"] for r in rows] == ["MEX"], indicator_id  # CHL and ARG have no context: no row
        (row,) = rows
        assert row["denominator"] == 1000 and row["flags"] == ""
        shares[category] = row["value"]
    assert shares == {
        "relationship-partner-family": pytest.approx(8.0),
        "context-organized-crime": pytest.approx(40.0),
        "context-other": pytest.approx(30.0),
        "context-unknown": pytest.approx(22.0),
    }
    assert sum(shares.values()) == pytest.approx(100.0)


def test_a_share_explains_itself_down_to_the_file_row(submitted: Store) -> None:
    story = explain(submitted, "homicide_organized_crime_share", area="MEX", year=2022)
    (numerator,) = story["inputs"]["numerator"]
    denominators = {r["sex"]: (r["category"], r["value"], r["row"]) for r in story["inputs"]["denominator"]}
    assert (numerator["category"], numerator["value"], numerator["row"]) == (
        "context-organized-crime",
        400,
        12,
    )
    assert denominators == {"_T": ("_T", 1000, 2), "M": ("_T", 880, 3), "F": ("_T", 120, 4)}
    assert [(v["sex"], v["value"]) for v in story["values"]] == [("_T", pytest.approx(40.0))]
