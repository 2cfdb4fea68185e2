"""ETags, Cache-Control, Vary and 304 on the API (web/caching.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from observatory.auth import Role, add_user
from observatory.collect.importing import import_paths
from observatory.store.db import Store
from observatory.warehouse.release import publish
from observatory.web.caching import CachePolicy, route_policy
from observatory.web.routes import audit, iccs, indicator_downloads, observations, rounds

from .small_site import TestClient, client_for, small_store, write_rows

OBSERVATIONS = "/api/v1/observations?area=MEX&variable=persons-held"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    found = small_store(tmp_path, cache_max_age=120)
    yield found
    found.dispose()


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with client_for(store) as test_client:
        yield test_client


def test_published_data_carries_a_strong_etag_and_public_cache_headers(client: TestClient) -> None:
    response = client.get(OBSERVATIONS)
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"] == "public, max-age=120"
    assert response.headers["vary"] == "Accept, Accept-Language"


def test_if_none_match_gives_304_without_a_body_and_the_same_headers(client: TestClient) -> None:
    first = client.get(OBSERVATIONS)
    again = client.get(OBSERVATIONS, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "public, max-age=120"
    weak = client.get(OBSERVATIONS, headers={"If-None-Match": f'"other", W/{first.headers["etag"]}'})
    assert weak.status_code == 304  # GET compares weakly, and a list of tags is searched
    assert client.get(OBSERVATIONS, headers={"If-None-Match": '"other"'}).status_code == 200


def test_the_etag_follows_the_query_and_the_representation_not_the_parameter_order(
    client: TestClient,
) -> None:
    base = client.get(OBSERVATIONS).headers["etag"]
    swapped = client.get("/api/v1/observations?variable=persons-held&area=MEX").headers["etag"]
    other = client.get("/api/v1/observations?area=FRA&variable=persons-held").headers["etag"]
    as_csv = client.get(OBSERVATIONS, headers={"Accept": "text/csv"})
    assert swapped == base
    assert other != base
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["etag"] != base


def test_a_new_release_changes_the_etag(client: TestClient, store: Store, tmp_path: Path) -> None:
    before = client.get(OBSERVATIONS)
    import_paths(store, [write_rows(tmp_path / "more.csv", (("MEX", 2021, "persons-held", 220_000),))])
    publish(store)
    after = client.get(OBSERVATIONS, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert after.json()["release"] == 2 and after.json()["count"] == 4


def test_reference_data_gets_an_etag_from_its_content(client: TestClient) -> None:
    first = client.get("/api/v1/dataflows")
    assert first.headers["etag"].startswith('"c-')
    assert first.headers["cache-control"] == "public, max-age=120"
    again = client.get("/api/v1/dataflows", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/api/v1/iccs?lang=es").headers["etag"] != client.get("/api/v1/iccs").headers["etag"]


def test_errors_on_published_routes_are_not_stored(client: TestClient) -> None:
    response = client.get("/api/v1/areas/NOWHERE")
    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


def test_answers_that_depend_on_the_user_are_private(client: TestClient, store: Store) -> None:
    anonymous = client.get("/api/v1/audit")
    assert anonymous.status_code == 401
    assert anonymous.headers["cache-control"] == "private, no-store"
    _, token = add_user(store, None, "admin@example.org", Role.admin)
    signed = client.get("/api/v1/audit", headers={"Authorization": f"Bearer {token}"})
    assert signed.status_code == 200
    assert signed.headers["cache-control"] == "private, no-store"
    assert "etag" not in signed.headers
    rounds = client.get("/api/v1/rounds", headers={"Authorization": f"Bearer {token}"})
    assert rounds.headers["cache-control"] == "private, no-store"  # credentials, no published policy
    assert client.get("/api/v1/rounds").headers["cache-control"] == "no-cache"


def test_policies_come_from_the_route_not_the_handler() -> None:
    modules = (observations, indicator_downloads, iccs, audit, rounds)
    routes = [r for m in modules for r in m.router.routes if isinstance(r, APIRoute)]
    policies = {r.name: route_policy(r) for r in routes}
    assert policies["observations_list"] is CachePolicy.release
    assert policies["indicators_values_download"] is CachePolicy.release
    assert policies["iccs_get"] is CachePolicy.content
    assert policies["list"] is CachePolicy.private  # the audit log needs a user
    assert policies["rounds_status"] is None
    route = APIRoute("/x", lambda: None, tags=["rounds"], openapi_extra={"x-cache": "release"})
    assert route_policy(route) is CachePolicy.release
