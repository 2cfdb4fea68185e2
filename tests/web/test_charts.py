"""Vega-Lite spec builders: pure functions from observation rows to chart specifications."""

from __future__ import annotations

import json
from typing import Any

import pytest

from observatory.model.observation import SERIES_DIMENSIONS, TOTAL
from observatory.web import charts

SHA = "c7ed901318c310228c47debad3e553ec6f696a206eef5e253c82a151cc0d5a54"


def obs(period: str, value: float | None, **key: str) -> dict[str, Any]:
    """An observation row as the warehouse returns it (totals unless given)."""
    row: dict[str, Any] = {d: TOTAL for d in SERIES_DIMENSIONS}
    row.update(variable="persons-held", unit="count", dataflow="UNODC_CTS", area="MEX")
    row.update(key)
    row.update(
        period=period,
        value=value,
        flags="",
        source="CTS",
        file_sha256=SHA,
        row=7,
        note=None,
        label=None,
        import_id=1,
    )
    return row


ROWS = [
    obs("2018", 196322.0),
    obs("2019", 198805.0),
    obs("2020", 211154.0),
    obs("2018", 69535.0, status="unsentenced"),
    obs("2019", 71025.0, status="unsentenced"),
    obs("2021", 92856.0, status="unsentenced"),  # no total count that year
    obs("2018", 156.0, unit="rate-per-100k"),
    obs("2018", 40.0, unit="rate-per-100k", sex="M"),  # a breakdown, not the total
    obs("2018", 29.1, variable="VC_IHR_PSRC", unit="rate-per-100k", dataflow="UN_SDG"),
    obs("2018", 5.2, variable="VC_IHR_PSRC", unit="rate-per-100k", dataflow="UN_SDG", sex="F"),
]


def test_provenance_names_the_file_prefix_and_row() -> None:
    assert charts.provenance({"file_sha256": SHA, "row": 1044}) == "file c7ed901318c3 row 1044"
    assert charts.provenance({"file_sha256": None, "row": None}) == ""


def test_select_series_keeps_totals_unless_asked() -> None:
    rates = charts.select_series(ROWS, "persons-held", "rate-per-100k")
    assert [r["value"] for r in rates] == [156.0]
    by_sex = charts.select_series(ROWS, "persons-held", "rate-per-100k", sex=("_T", "M"))
    assert sorted(r["value"] for r in by_sex) == [40.0, 156.0]
    unsentenced = charts.select_series(ROWS, "persons-held", "count", status="unsentenced")
    assert [r["period"] for r in unsentenced] == ["2018", "2019", "2021"]


def test_unsentenced_share_is_computed_from_both_counts() -> None:
    share = charts.unsentenced_share(ROWS)
    assert [p["year"] for p in share] == ["2018", "2019"]  # 2021 has no total count
    assert share[0]["value"] == pytest.approx(100 * 69535 / 196322)
    assert share[0]["flags"] == "computed"
    assert share[0]["unsentenced"] == 69535.0 and share[0]["persons_held"] == 196322.0
    assert "69,535 unsentenced" in share[0]["source"]
    assert share[0]["provenance"] == "unsentenced file c7ed901318c3 row 7; total file c7ed901318c3 row 7"


def test_unsentenced_share_skips_a_zero_total() -> None:
    assert charts.unsentenced_share([obs("2018", 0.0), obs("2018", 5.0, status="unsentenced")]) == []


def test_line_spec_is_self_contained_vega_lite() -> None:
    values = [charts.point(r) for r in charts.select_series(ROWS, "persons-held", "count")]
    spec = charts.line_spec(values, title="Persons held", y_title="Count", value_format=",.0f")
    assert spec["$schema"].endswith("/vega-lite/v6.json")
    assert spec["data"]["values"] == values
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["x"] == {
        "field": "date",
        "type": "temporal",
        "timeUnit": "utcyear",
        "title": "Year",
    }
    tooltip = [t["field"] for t in spec["encoding"]["tooltip"]]
    assert {"year", "value", "source", "dataflow", "flags", "provenance"} <= set(tooltip)
    assert "color" not in spec["encoding"]  # one series, one colour
    assert json.loads(json.dumps(spec)) == spec  # plain JSON, nothing else


def test_point_carries_its_origin() -> None:
    point = charts.point(obs("2019", 198805.0))
    assert point == {
        "date": "2019-01-01",
        "year": "2019",
        "value": 198805.0,
        "series": "Total",
        "unit": "Count",
        "dataflow": "UNODC_CTS",
        "source": "CTS",
        "flags": "none",
        "provenance": "file c7ed901318c3 row 7",
    }


def test_several_series_get_a_colour_each() -> None:
    chart = charts.homicide_chart(ROWS)
    assert chart is not None
    assert {p["series"] for p in chart.spec["data"]["values"]} == {"Total", "Female"}
    assert chart.spec["encoding"]["color"]["field"] == "series"
    assert chart.sources[0].startswith("UN SDG Global Database")


def test_area_charts_in_order_and_only_with_data() -> None:
    built = charts.area_charts(ROWS)
    assert [c.id for c in built] == ["prison-rate", "unsentenced", "unsentenced-share", "homicide"]
    assert [c.computed for c in built] == [False, False, True, False]
    assert built[0].points == 1
    assert "attributed to CTS" in built[0].sources[0]
    assert charts.area_charts([obs("2018", 1.0, variable="offences")]) == []


def test_missing_values_are_not_plotted() -> None:
    chart = charts.prison_rate_chart(
        [obs("2018", None, unit="rate-per-100k"), obs("2019", 150.0, unit="rate-per-100k")]
    )
    assert chart is not None
    assert [p["year"] for p in chart.spec["data"]["values"]] == ["2019"]
