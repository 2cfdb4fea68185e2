"""``sort=field,-field`` on list endpoints (web/sorting.py): allow-lists, 400s, links keeping the sort."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from observatory.errors import InvalidInput
from observatory.store.db import Store
from observatory.web.sorting import SortKey, parse_sort, sort_rows

from .small_site import TestClient, client_for, small_store

HELD = "/api/v1/observations?variable=persons-held"


def test_parse_sort_reads_fields_and_directions() -> None:
    assert parse_sort("-value, area", ("area", "value")) == (SortKey("value", True), SortKey("area"))
    assert parse_sort(None, ("area",)) == ()
    with pytest.raises(InvalidInput) as caught:
        parse_sort("area,colour", ("area", "value"))
    assert caught.value.code == "invalid-sort"
    assert "'colour'" in caught.value.message and "area, value" in caught.value.message
    with pytest.raises(InvalidInput, match="twice"):
        parse_sort("area,-area", ("area",))


def test_sort_rows_is_stable_and_puts_missing_values_last() -> None:
    rows = [{"n": "b", "v": 2}, {"n": "a", "v": None}, {"n": "Ä", "v": 2}, {"n": "c", "v": 1}]
    assert [r["n"] for r in sort_rows(rows, [SortKey("v", True), SortKey("n")])] == ["Ä", "b", "c", "a"]
    assert [r["n"] for r in sort_rows(rows, [SortKey("v")])] == ["c", "b", "Ä", "a"]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store: Store = small_store(tmp_path)
    with client_for(store) as test_client:
        yield test_client
    store.dispose()


def test_observations_sort_by_value_and_period(client: TestClient) -> None:
    by_value = client.get(f"{HELD}&sort=-value").json()["data"]
    assert [r["value"] for r in by_value] == sorted((r["value"] for r in by_value), reverse=True)
    by_period = client.get(f"{HELD}&sort=-period,area").json()["data"]
    assert [(r["period"], r["area"]) for r in by_period[:3]] == [
        ("2020", "CHL"),
        ("2020", "FRA"),
        ("2020", "MEX"),
    ]
    default = client.get(HELD).json()["data"]
    assert [r["area"] for r in default] == ["CHL", "FRA", "FRA", "MEX", "MEX", "MEX"]


def test_pages_follow_the_sort_and_links_keep_it(client: TestClient) -> None:
    first = client.get(f"{HELD}&sort=-value&limit=4").json()
    assert "sort=-value" in first["links"]["next"]
    rest = client.get(first["links"]["next"]).json()
    values = [r["value"] for r in first["data"] + rest["data"]]
    assert values == sorted(values, reverse=True) and len(values) == 6
    as_csv = client.get(f"{HELD}&sort=-value&limit=4&format=csv")
    assert 'rel="next"' in as_csv.headers["link"] and "sort=-value" in as_csv.headers["link"]


def test_an_unknown_sort_field_is_a_400_naming_it_and_the_allowed_ones(client: TestClient) -> None:
    response = client.get(f"{HELD}&sort=colour")
    assert response.status_code == 400
    problem = response.json()["errors"][0]
    assert problem["code"] == "invalid-sort" and problem["location"] == {"field": "sort"}
    assert "'colour'" in problem["message"]
    assert problem["details"][0]["allowed"][:3] == ["area", "period", "value"]
    assert client.get("/api/v1/areas?sort=population").status_code == 400


def test_areas_sort_by_name_ignoring_accents(client: TestClient) -> None:
    names = [a["name"] for a in client.get("/api/v1/areas?kind=country&sort=-name&limit=1000").json()["data"]]
    assert names[0] == "Zimbabwe"
    assert names.index("Åland Islands") > names.index("Albania")  # Å sorts as A
    page = client.get("/api/v1/areas?sort=-name&limit=2").json()
    assert "sort=-name" in page["links"]["next"]
