"""Security of the web app through its real endpoints: country scoping of drafts, no anonymous write,
CSRF on session-cookie writes, sign-in and its cookie, throttling, and the audit log."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import func, select

from collect.test_workflow_support import (
    FACILITIES,
    HELD_F,
    HELD_M,
    ROUND,
    Team,
    Values,
    long_csv,
    make_team,
    open_round,
    real_values,
    small_values,
)
from observatory.auth import Role, add_user
from observatory.auth.passwords import set_password
from observatory.collect import review
from observatory.collect.submissions import SubmissionState, transition
from observatory.collect.uploads import upload
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.store.tables import AuditRow, WebSessionRow
from observatory.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

API = "/api/v1"
PASSWORD = "correct horse battery staple"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Unsafe routes anyone may call: signing in, and computations over the request that store nothing
# (national counts converted to ICCS, coverage; checked below).
ANONYMOUS_OK = {
    "/login",
    "/api/v1/correspondences/{iso3}/{version}/coverage",
    "/api/v1/correspondences/{iso3}/{version}/apply",
    "/iccs/correspondences/{iso3}/{version}/apply",
}
PARAMS = {"year": str(ROUND), "iso3": "MEX", "key": FACILITIES, "period": "2021"}
TOKEN_FIELD = re.compile(r'name="form_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def sub(country: str) -> str:
    return f"/api/v1/rounds/{ROUND}/countries/{country}/submission"


@dataclass
class Site:
    app: FastAPI
    client: TestClient
    store: Store
    team: Team
    mex_query: int

    def bearer(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.team.tokens[who]}"}


def sign_in(client: TestClient, email: str, password: str = PASSWORD, next_: str = "/") -> Any:
    page = client.get("/login")
    token = TOKEN_FIELD.search(page.text)
    assert token, page.text
    form = {"email": email, "password": password, "form_token": token.group(1), "next": next_}
    return client.post("/login", data=form, follow_redirects=False)


def audit_count(store: Store, **where: Any) -> int:
    query = select(func.count(AuditRow.id))
    for name, value in where.items():
        query = query.where(getattr(AuditRow, name) == value)
    with store.session() as session:
        return int(session.scalar(query) or 0)


@pytest.fixture(scope="module")
def real(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Values]:
    folder = tmp_path_factory.mktemp("real")
    return {c: real_values(shared_data, folder, c) for c in ("FRA", "MEX")}


@pytest.fixture(scope="module")
def site(real: dict[str, Values], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """France's return is a draft; Mexico's is under review with a query open on one value."""
    folder = tmp_path_factory.mktemp("site")
    app = create_app(Settings(data_dir=folder / "var"))
    store: Store = app.state.store
    team = make_team(store)
    open_round(store, team)
    for who, country in ((team.fra, "FRA"), (team.mex, "MEX")):
        # Mexico's real counts by sex do not add up to its total in the export: left out.
        values = {k: v for k, v in small_values(real[country]).items() if k[0] not in (HELD_F, HELD_M)}
        upload(
            store,
            who,
            ROUND,
            country,
            [long_csv(folder / f"{country}.csv", country, values)],
        )
        set_password(store, team.admin, who.email, PASSWORD)
    transition(store, team.mex, ROUND, "MEX", SubmissionState.submitted, None)
    transition(store, team.reviewer, ROUND, "MEX", SubmissionState.under_review, None)
    query = review.raise_query(store, team.reviewer, ROUND, "MEX", text="why?", key=FACILITIES, period="2021")
    with TestClient(app, base_url="https://testserver") as client:
        yield Site(app, client, store, team, query.id)
    store.dispose()


def test_a_focal_point_can_neither_read_nor_write_another_countrys_return(site: Site, tmp_path: Path) -> None:
    fra, client = site.bearer("fra"), site.client
    assert client.get(sub("FRA"), headers=fra).status_code == 200  # its own draft
    assert client.get(sub("MEX"), headers=site.bearer("mex")).json()["submission"]["state"] == "under-review"
    before = client.get(sub("MEX"), headers=site.bearer("mex")).json()
    refused = {
        "read the draft": client.get(sub("MEX"), headers=fra),
        "download the workbook": client.get(f"/api/v1/rounds/{ROUND}/countries/MEX/workbook", headers=fra),
        "upload": client.post(
            f"{sub('MEX')}/files",
            headers=fra,
            files=[("files", ("mex.csv", b"dataflow,area\nUN_CTS,MEX\n", "text/csv"))],
        ),
        "edit a value": client.put(f"{sub('MEX')}/values/{FACILITIES}/2021", headers=fra, json={"value": 1}),
        "check": client.post(f"{sub('MEX')}/check", headers=fra),
        "submit": client.post(f"{sub('MEX')}/submit", headers=fra, json={}),
        "answer": client.post(
            f"{sub('MEX')}/queries/{site.mex_query}/answer", headers=fra, json={"text": "it is 1"}
        ),
    }
    for what, response in refused.items():
        assert response.status_code == 403, (what, response.text)
        assert "may not" in response.json()["error"] and "for MEX" in response.json()["error"], what
    # Through its own country's path the query of Mexico is not found either.
    sneaky = client.post(f"{sub('FRA')}/queries/{site.mex_query}/answer", headers=fra, json={"text": "x"})
    assert sneaky.status_code == 404
    after = client.get(sub("MEX"), headers=site.bearer("mex")).json()
    assert after["values"] == before["values"] and after["queries"] == before["queries"]
    # The same through a signed-in browser, and for a focal point of two countries.
    with TestClient(site.app, base_url="https://testserver") as browser:
        assert sign_in(browser, site.team.fra.email).status_code == 303
        assert browser.get(sub("MEX")).status_code == 403
        assert browser.get(sub("FRA")).status_code == 200
    both, _ = add_user(
        site.store, site.team.admin, "fp2@example.org", Role.focal_point, countries=["FRA", "CHL"]
    )
    set_password(site.store, site.team.admin, both.email, PASSWORD)
    with TestClient(site.app, base_url="https://testserver") as browser:
        sign_in(browser, both.email)
        assert browser.get(sub("FRA")).status_code == 200
        assert browser.get(sub("MEX")).status_code == 403
    _, token = add_user(site.store, site.team.admin, "as@example.org", Role.assessor, country="MEX")
    assert client.get(sub("MEX"), headers={"Authorization": f"Bearer {token}"}).status_code == 403
    assert client.get(sub("MEX")).status_code == 401  # the public


def _path(template: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PARAMS.get(m.group(1), "1"), template)


def unsafe_routes(app: FastAPI) -> list[tuple[str, str, str]]:
    """(method, path template, path) of every POST/PUT/PATCH/DELETE route of the app."""
    found = [
        (method, str(context.path), _path(str(context.path)))
        for context in iter_route_contexts(app.routes)  # routes of included routers, with their prefix
        if isinstance(context.original_route, APIRoute)
        for method in sorted((context.methods or set()) & UNSAFE)
    ]
    assert len(found) >= 25  # every write of rounds, focal points, submissions, correspondences, sign-in
    return found


def test_no_write_endpoint_accepts_an_anonymous_call(site: Site) -> None:
    before = audit_count(site.store, outcome="refused", user_id=None)
    checked = []
    for method, template, path in unsafe_routes(site.app):
        if template in ANONYMOUS_OK:
            continue
        response = site.client.request(method, path)
        assert response.status_code == 401, (method, path, response.text)
        if path.startswith("/api/"):
            assert response.json()["errors"][0]["code"] == "unauthenticated", path
        checked.append(template)
    assert "/logout" in checked and f"{API}/rounds/{{year}}/countries/{{iso3}}/submission/files" in checked
    # Every refusal is in the audit log, as a refused write of nobody.
    assert audit_count(site.store, outcome="refused", user_id=None) == before + len(checked)
    # The computations anyone may POST to answer without writing: no audit row of theirs says ok.
    ok_before = audit_count(site.store, outcome="ok")
    for template in sorted(ANONYMOUS_OK - {"/login"}):
        response = site.client.post(template.replace("{iso3}", "MEX").replace("{version}", "v1"), json={})
        assert response.status_code in (400, 404), response.text
    assert audit_count(site.store, outcome="ok") == ok_before


def test_writes_with_the_session_cookie_need_the_csrf_token(site: Site) -> None:
    with TestClient(site.app, base_url="https://testserver") as browser:
        sign_in(browser, site.team.mex.email)
        for method, template, path in unsafe_routes(site.app):
            if template in ANONYMOUS_OK:
                continue
            response = browser.request(method, path)
            assert response.status_code == 403, (method, path, response.text)
            if path.startswith("/api/"):
                assert response.json()["errors"][0]["code"] == "csrf-failed", path
        page = browser.get("/")
        csrf = CSRF_META.search(page.text)
        assert csrf and page.headers["cache-control"] == "private, no-store"
        assert "Sign out" in page.text and site.team.mex.email in page.text
        good = browser.put(
            f"{sub('MEX')}/values/{FACILITIES}/2021",
            headers={"X-CSRF-Token": csrf.group(1)},
            json={"value": 7},
        )
        assert good.status_code == 409  # past the CSRF check: Mexico's return is under review
        answered = browser.post(
            f"{sub('MEX')}/queries/{site.mex_query}/answer",
            headers={"X-CSRF-Token": csrf.group(1)},
            json={"text": "a recount"},
        )
        assert answered.status_code == 200 and answered.json()["state"] == "answered"
        wrong = browser.post(f"{sub('MEX')}/check", headers={"X-CSRF-Token": "not-it", "Authorization": ""})
        assert wrong.status_code == 403
        # A Bearer token needs no CSRF token, even next to the cookie.
        assert browser.post(f"{sub('MEX')}/check", headers=site.bearer("mex")).status_code == 200


def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session(site: Site) -> None:
    with TestClient(site.app, base_url="https://testserver") as browser:
        wrong = sign_in(browser, site.team.fra.email, "not the password at all")
        assert wrong.status_code == 401 and "e-mail address or the password is wrong" in wrong.text
        no_form_token = browser.post(
            "/login", data={"email": site.team.fra.email, "password": PASSWORD}, follow_redirects=False
        )
        assert no_form_token.status_code == 403 and "observatory_session" not in browser.cookies
        done = sign_in(browser, site.team.fra.email, next_="//evil.example/x")
        assert done.status_code == 303 and done.headers["location"] == "/"  # never another host
        cookie = next(h for h in done.headers.get_list("set-cookie") if h.startswith("observatory_session="))
        flags = {part.strip().lower() for part in cookie.split(";")}
        assert {"httponly", "secure", "samesite=lax", "path=/", "max-age=43200"} <= flags
        secret = cookie.split(";")[0].split("=", 1)[1]
        with site.store.session() as session:
            assert secret not in session.scalars(select(WebSessionRow.id_sha256)).all()
        home = browser.get("/")
        csrf = CSRF_META.search(home.text)
        assert csrf and "fp@interieur.gouv.fr · focal-point (FRA)" in home.text
        assert browser.post("/logout", follow_redirects=False).status_code == 403  # no CSRF token
        out = browser.post("/logout", data={"csrf_token": csrf.group(1)}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/"
        assert browser.get(sub("FRA")).status_code == 401
        assert "Sign in" in browser.get("/").text
    with TestClient(site.app, base_url="https://testserver") as stale:  # the old cookie is dead
        stale.cookies.set("observatory_session", secret, domain="testserver.local")
        assert stale.get(sub("FRA")).status_code == 401


def test_the_cookie_is_not_secure_only_on_plain_http_localhost(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    assert settings.secure_cookies("http", "localhost") is False
    assert settings.secure_cookies("http", "127.0.0.1") is False
    assert settings.secure_cookies("http", "observatory.example.org") is True
    assert settings.secure_cookies("https", "localhost") is True
    assert Settings(data_dir=tmp_path, cookie_secure=False).secure_cookies("https", "x.org") is False
    app = create_app(settings)
    admin, _ = add_user(app.state.store, None, "admin@unodc.org", Role.admin)
    set_password(app.state.store, admin, admin.email, PASSWORD)
    with TestClient(app, base_url="http://localhost") as client:
        done = sign_in(client, admin.email)
        cookie = next(h for h in done.headers.get_list("set-cookie") if h.startswith("observatory_session="))
        assert "secure" not in cookie.lower() and "httponly" in cookie.lower()
        assert client.get("/api/v1/audit").status_code == 200  # the admin, by the session cookie
    app.state.store.dispose()


def test_sign_in_is_throttled_with_retry_after(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", login_max_failures_account=3, login_window_seconds=600)
    app = create_app(settings)
    store: Store = app.state.store
    admin, _ = add_user(store, None, "admin@unodc.org", Role.admin)
    set_password(store, admin, admin.email, PASSWORD)
    with TestClient(app, base_url="https://testserver") as client:
        for _ in range(3):
            assert sign_in(client, admin.email, "a wrong password").status_code == 401
        locked = sign_in(client, admin.email)  # the right password, too late
        assert locked.status_code == 429 and "too many failed sign-ins" in locked.text
        assert 590 <= int(locked.headers["retry-after"]) <= 600
    assert audit_count(store, action="sign-in", outcome="refused") == 4
    assert audit_count(store, action="sign-in", outcome="refused", status=429) == 1
    store.dispose()


def test_writes_and_refused_writes_are_audited_and_admins_read_the_log(site: Site) -> None:
    client = site.client
    body = {"text": "please check"}
    raised = client.post(
        f"{sub('MEX')}/queries",
        headers=site.bearer("reviewer"),
        json={**body, "key": FACILITIES, "period": "2021"},
    )
    assert raised.status_code == 201
    assert client.post(f"{sub('MEX')}/validate", headers=site.bearer("fra")).status_code == 403
    log = client.get(
        "/api/v1/audit", headers=site.bearer("admin"), params={"country": "MEX", "limit": 1}
    ).json()
    assert log["count"] >= 2 and log["links"]["next"] and len(log["data"]) == 1
    following = client.get(log["links"]["next"], headers=site.bearer("admin")).json()
    refused, ok = log["data"][0], following["data"][0]
    assert refused["action"] == "submissions-validate" and refused["outcome"] == "refused"
    assert refused["email"] == "fp@interieur.gouv.fr" and refused["role"] == "focal-point"
    assert refused["status"] == 403 and "may not validate for MEX" in refused["detail"]
    assert refused["request"] == f"POST {sub('MEX')}/validate" and refused["token_id"]
    assert ok["action"] == "submissions-query" and ok["outcome"] == "ok" and ok["status"] == 201
    assert ok["country"] == "MEX" and ok["target"] == f"year={ROUND}" and ok["email"] == "reviewer@unodc.org"
    mine = client.get("/api/v1/audit", headers=site.bearer("admin"), params={"user": "reviewer@unodc.org"})
    assert {e["email"] for e in mine.json()["data"]} == {"reviewer@unodc.org"}
    since = client.get(
        "/api/v1/audit", headers=site.bearer("admin"), params={"since": "2999-01-01T00:00:00Z"}
    )
    assert since.json()["count"] == 0
    assert client.get("/api/v1/audit", headers=site.bearer("reviewer")).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
