"""Rate limiting per client (web/ratelimit.py): token buckets, 429 with Retry-After and RateLimit-*."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from observatory.auth import Role, add_user
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.web.ratelimit import TokenBuckets

from .small_site import TestClient, client_for, small_store

HEALTH = "/api/v1/health"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(limit=3, window=60, clock=clock)
    decisions = [buckets.take("a") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    refused = decisions[-1]
    assert refused.retry_after == 20  # one token every 60/3 s
    assert refused.headers()["Retry-After"] == "20"
    assert refused.headers()["RateLimit-Policy"] == "3;w=60"
    assert buckets.take("b").allowed  # another client has its own bucket
    clock.now += 19
    assert not buckets.take("a").allowed
    clock.now += 1.5
    assert buckets.take("a").allowed
    clock.now += 600
    assert buckets.take("a").remaining == 2  # full again, never above the limit


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    found = small_store(tmp_path, rate_limit_enabled=True, rate_limit_anonymous=3, rate_limit_authenticated=6)
    yield found
    found.dispose()


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with client_for(store) as test_client:
        yield test_client


def test_anonymous_calls_get_429_with_retry_after_after_the_limit(client: TestClient) -> None:
    answers = [client.get(HEALTH) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0"]
    assert answers[0].headers["ratelimit-limit"] == "3"
    refused = client.get("/api/v1/observations")
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["cache-control"] == "no-store"
    body = refused.json()
    assert body["status"] == 429 and body["errors"][0]["code"] == "rate-limited"
    assert "at most 3 per 60 s" in body["error"]
    assert client.get("/static/style.css").status_code == 200  # assets are not counted
    page = client.get("/")
    assert page.status_code == 429 and "text/html" in page.headers["content-type"]


def test_each_address_has_its_own_bucket(store: Store) -> None:
    with (
        client_for(store, client=("192.0.2.1", 4000)) as first,
        client_for(store, client=("192.0.2.2", 4000)) as second,
    ):
        assert [first.get(HEALTH).status_code for _ in range(4)] == [200, 200, 200, 429]
        assert second.get(HEALTH).status_code == 200


def test_a_valid_api_token_has_its_own_higher_limit(client: TestClient, store: Store) -> None:
    _, token = add_user(store, None, "admin@example.org", Role.admin)
    bearer = {"Authorization": f"Bearer {token}"}
    statuses = [client.get(HEALTH, headers=bearer).status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]
    assert client.get(HEALTH, headers=bearer).headers["ratelimit-limit"] == "6"
    assert client.get(HEALTH).status_code == 200  # the address's anonymous bucket is untouched


def test_an_unknown_token_counts_as_anonymous(client: TestClient) -> None:
    made_up = [{"Authorization": f"Bearer made-up-{i}"} for i in range(4)]
    assert [client.get(HEALTH, headers=h).status_code for h in made_up] == [200, 200, 200, 429]


def test_the_limit_is_off_when_disabled(tmp_path: Path) -> None:
    store = small_store(tmp_path, rate_limit_enabled=False, rate_limit_anonymous=1)
    with client_for(store) as client:
        answers = [client.get(HEALTH) for _ in range(5)]
    store.dispose()
    assert all(a.status_code == 200 for a in answers)
    assert "ratelimit-limit" not in answers[0].headers


def test_the_test_suite_runs_without_the_limit() -> None:
    assert Settings().rate_limit_enabled is False  # tests/conftest.py; the deployed default is on
    assert Settings.model_fields["rate_limit_enabled"].default is True
