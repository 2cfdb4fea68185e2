"""The workspace pages: a focal point's questionnaires and submission page, the reviewer's queue and actions,
authorization (another country's page is 403), sign-in redirects and the CSRF token of every form."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from collect.test_workflow_support import (
    HELD,
    HELD_F,
    ROUND,
    Team,
    Values,
    fill_workbook,
    make_team,
    open_round,
    real_values,
    small_values,
)
from observatory.auth.passwords import set_password
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.web import create_app
from observatory.web.workspace_page import anchor

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
TOKEN_FIELD = re.compile(r'name="form_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
FRA_PAGE = f"/workspace/{ROUND}/FRA"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Site:
    client: TestClient
    store: Store
    team: Team
    folder: Path

    def sign_in(self, who: str) -> str:
        """Sign ``who`` in through /login; return the session's CSRF token."""
        email = getattr(self.team, who).email
        token = TOKEN_FIELD.search(self.client.get("/login").text)
        assert token
        form = {"email": email, "password": PASSWORD, "form_token": token.group(1), "next": "/workspace"}
        signed = self.client.post("/login", data=form, follow_redirects=False)
        assert signed.status_code == 303 and signed.headers["location"] == "/workspace"
        csrf = CSRF_META.search(self.client.get("/workspace").text)
        assert csrf
        return csrf.group(1)

    def workbook(
        self, values: dict[tuple[str, int], float | str], name: str = "fra.xlsx"
    ) -> tuple[Path, dict[Any, Any]]:
        """The platform's workbook for France, filled with ``values``; and where each value went."""
        blank = self.folder / "blank.xlsx"
        got = self.client.get(
            f"/api/v1/rounds/{ROUND}/countries/FRA/workbook",
            headers={"Authorization": f"Bearer {self.team.tokens['fra']}"},
        )
        assert got.status_code == 200
        blank.write_bytes(got.content)
        target = self.folder / name
        return target, fill_workbook(blank, target, values)

    def upload(self, csrf: str, path: Path, country: str = "FRA") -> Any:
        return self.client.post(
            f"/workspace/{ROUND}/{country}/upload",
            data={"csrf_token": csrf},
            files=[("files", (path.name, path.read_bytes(), XLSX))],
            follow_redirects=False,
        )


@pytest.fixture(scope="module")
def real(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Values:
    return real_values(shared_data, tmp_path_factory.mktemp("real"), "FRA")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    app = create_app(Settings(data_dir=tmp_path / "var"))
    store: Store = app.state.store
    team = make_team(store)
    open_round(store, team)
    for who in (team.fra, team.mex, team.reviewer, team.admin):
        set_password(store, team.admin, who.email, PASSWORD)
    with TestClient(app, base_url="https://testserver") as client:
        yield Site(client, store, team, tmp_path)
    store.dispose()


def test_anonymous_visitors_are_sent_to_sign_in(site: Site) -> None:
    for path in ("/workspace", FRA_PAGE, "/workspace?round=2022"):
        response = site.client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=/workspace")
    assert (
        site.client.get("/workspace?round=2022", follow_redirects=False)
        .headers["location"]
        .endswith("round%3D2022")
    )
    posted = site.client.post(f"{FRA_PAGE}/check", data={"csrf_token": "x"})
    assert posted.status_code == 401


def test_a_focal_point_sees_only_its_own_country(site: Site) -> None:
    csrf = site.sign_in("fra")
    home = site.client.get("/workspace")
    assert home.status_code == 200 and f'href="{FRA_PAGE}"' in home.text
    assert "not started" in home.text and "2022-06-30" in home.text
    assert "/workspace/2022/MEX" not in home.text and "Review queue" not in home.text
    page = site.client.get(FRA_PAGE)
    assert page.status_code == 200 and 'id="upload-form"' in page.text and 'id="no-submission"' in page.text
    assert site.client.get(f"/workspace/{ROUND}/MEX").status_code == 403
    # hidden buttons are not the protection: the posts themselves are refused
    assert site.client.post(f"/workspace/{ROUND}/MEX/check", data={"csrf_token": csrf}).status_code == 403
    path, _ = site.workbook({})
    assert site.upload(csrf, path, country="MEX").status_code == 403


def test_every_form_needs_the_csrf_token(site: Site, real: Values) -> None:
    csrf = site.sign_in("fra")
    path, _ = site.workbook(dict(small_values(real)))
    assert site.upload("not-the-token", path).status_code == 403
    assert site.client.get(FRA_PAGE).text.count('id="no-submission"') == 1  # nothing was stored
    assert site.upload(csrf, path).status_code == 303
    for action in ("check", "step/submit"):
        assert site.client.post(f"{FRA_PAGE}/{action}", data={}).status_code == 403
    form = {"key": HELD, "period": "2021", "value": "1"}
    assert site.client.post(f"{FRA_PAGE}/values", data=form).status_code == 403
    page = site.client.get(FRA_PAGE).text
    assert page.count('name="csrf_token"') >= 4  # upload, re-check, submit, every value, sign-out


def test_an_error_is_shown_at_its_cell_corrected_on_the_page_and_submitted(site: Site, real: Values) -> None:
    csrf = site.sign_in("fra")
    values: dict[tuple[str, int], float | str] = dict(small_values(real))
    values[(HELD_F, 2021)] = real[(HELD_F, 2021)] + 0.5  # half a woman: a count must be whole
    path, cells = site.workbook(values)
    sheet, cell = cells[(HELD_F, 2021)]
    refused = site.upload(csrf, path)
    assert refused.status_code == 400 and "nothing was stored" in refused.text
    assert f'id="refused-{anchor(sheet, cell)}"' in refused.text
    assert "sum-of-parts-mismatch" in refused.text or "parts-exceed-total" in refused.text
    assert f'name="fix:{sheet}!{cell}"' in refused.text  # the cell can be corrected in the page
    form = {"csrf_token": csrf, f"fix:{sheet}!{cell}": str(real[(HELD_F, 2021)])}
    corrected = site.client.post(f"{FRA_PAGE}/correct", data=form, follow_redirects=False)
    assert corrected.status_code == 303, corrected.text
    page = site.client.get(corrected.headers["location"])
    assert "Corrected, checked and uploaded." in page.text and "draft" in page.text
    assert "warning(s) not tied to one cell" in page.text  # the blank tables: warnings, folded away
    assert f'id="{anchor(sheet, cell)}"' in page.text and 'class="cell-error"' not in page.text
    # an edit that breaks the sum: the error appears at that cell, and submitting is refused
    edit = {"csrf_token": csrf, "key": HELD_F, "period": "2021", "value": str(real[(HELD, 2021)] + 10)}
    saved = site.client.post(f"{FRA_PAGE}/values", data=edit, follow_redirects=False)
    assert saved.status_code == 303 and "?done=Saved.%201%20error" in saved.headers["location"]
    page = site.client.get(FRA_PAGE).text
    total = anchor(*cells[(HELD, 2021)])  # the rule names the total's cell
    row = re.search(rf'<tr id="{re.escape(total)}" class="cell-error">(.*?)</tr>', page, re.S)
    assert row and "sum-of-parts-mismatch" in row.group(1) and "error" in row.group(1)
    blocked = site.client.post(f"{FRA_PAGE}/step/submit", data={"csrf_token": csrf})
    assert blocked.status_code == 409 and "cannot submit the submission of FRA" in blocked.text
    edit["value"] = f"{real[(HELD_F, 2021)]:,.0f}"  # thousands separators are accepted
    assert site.client.post(f"{FRA_PAGE}/values", data=edit, follow_redirects=False).status_code == 303
    checked = site.client.post(f"{FRA_PAGE}/check", data={"csrf_token": csrf})
    assert "Checked: 0 error(s)" in checked.text
    submitted = site.client.post(f"{FRA_PAGE}/step/submit", data={"csrf_token": csrf})
    assert submitted.status_code == 200 and 'class="status status-submitted">submitted<' in submitted.text
    assert 'id="submit-button"' not in submitted.text and 'class="inline edit-value"' not in submitted.text


def test_a_reviewer_works_the_queue_raises_a_query_and_validates(site: Site, real: Values) -> None:
    csrf = site.sign_in("fra")
    path, _ = site.workbook(dict(small_values(real)))
    assert site.upload(csrf, path).status_code == 303
    site.client.post(f"{FRA_PAGE}/step/submit", data={"csrf_token": csrf})
    reviewer = site.sign_in("reviewer")
    queue = site.client.get("/workspace").text
    assert 'id="review-queue"' in queue and f'href="{FRA_PAGE}"' in queue and "Europe" in queue
    assert f'href="{FRA_PAGE}"' not in site.client.get("/workspace?status=under-review").text
    assert site.client.get("/workspace?status=bogus").status_code == 400
    assert site.client.post(f"{FRA_PAGE}/step/review", data={"csrf_token": reviewer}).status_code == 200
    asked = site.client.post(
        f"{FRA_PAGE}/queries",
        data={"csrf_token": reviewer, "key": HELD, "period": "2021", "text": "Does this include remand?"},
        follow_redirects=False,
    )
    assert asked.status_code == 303 and "#query-" in asked.headers["location"]
    query_id = int(asked.headers["location"].rsplit("query-", 1)[1])
    early = site.client.post(f"{FRA_PAGE}/step/validate", data={"csrf_token": reviewer})
    assert early.status_code == 409 and "not closed" in early.text
    csrf = site.sign_in("fra")
    page = site.client.get(FRA_PAGE).text
    assert "Does this include remand?" in page and f'id="answer-{query_id}"' in page
    answer = {"csrf_token": csrf, "text": "Yes, remand included"}
    assert site.client.post(f"{FRA_PAGE}/queries/{query_id}/answer", data=answer).status_code == 200
    assert (
        site.client.post(f"{FRA_PAGE}/queries/{query_id}/close", data={"csrf_token": csrf}).status_code == 403
    )
    reviewer = site.sign_in("reviewer")
    closed = site.client.post(f"{FRA_PAGE}/queries/{query_id}/close", data={"csrf_token": reviewer})
    assert closed.status_code == 200 and "Query closed." in closed.text
    done = site.client.post(f"{FRA_PAGE}/step/validate", data={"csrf_token": reviewer})
    assert done.status_code == 200 and ">validated<" in done.text


def test_the_admin_sees_the_queue_and_the_administration_links(site: Site) -> None:
    site.sign_in("admin")
    page = site.client.get("/workspace").text
    assert "Review queue" in page and "Nothing is waiting for review." in page and "Administration" in page


def test_the_admin_manages_users_through_the_forms(site: Site) -> None:
    assert site.client.get("/admin/users", follow_redirects=False).headers["location"] == (
        "/login?next=/admin/users"
    )
    csrf = site.sign_in("fra")
    assert site.client.get("/admin/users").status_code == 403
    assert site.client.get("/admin/rounds").status_code == 403
    csrf = site.sign_in("admin")
    page = site.client.get("/admin/users").text
    assert site.team.mex.email in page and "focal-point" in page
    new = {
        "email": "fp@inegi.org.mx.example",
        "role": "focal-point",
        "countries": "MEX",
        "password": PASSWORD,
    }
    assert site.client.post("/admin/users", data=new).status_code == 403  # no CSRF token
    added = site.client.post("/admin/users", data={**new, "csrf_token": csrf})
    assert (
        added.status_code == 201 and 'id="new-token"' in added.text and "focal-point fp@inegi" in added.text
    )
    again = site.client.post("/admin/users", data={**new, "csrf_token": csrf})
    assert again.status_code == 409 and "exists already" in again.text
    nobody = site.client.post(
        "/admin/users", data={**new, "email": "x@y.org", "countries": "", "csrf_token": csrf}
    )
    assert nobody.status_code == 400 and "acts for one or more countries" in nobody.text
    off = site.client.post(f"/admin/users/{new['email']}/deactivate", data={"csrf_token": csrf})
    assert off.status_code == 200 and "is deactivated" in off.text
    token = TOKEN_FIELD.search(site.client.get("/login").text)
    assert token
    form = {"email": new["email"], "password": PASSWORD, "form_token": token.group(1), "next": "/workspace"}
    assert site.client.post("/login", data=form, follow_redirects=False).status_code == 401
    site.sign_in("admin")


def test_rounds_are_opened_and_dispatched_through_the_forms(site: Site) -> None:
    csrf = site.sign_in("reviewer")
    assert "Rounds and dispatch" in site.client.get("/workspace").text
    form = {"csrf_token": csrf, "year": "2024", "reference_years": "2022,2023", "deadline": "2024-06-30"}
    opened = site.client.post("/admin/rounds", data=form)
    assert opened.status_code == 200 and "Round 2024 opened." in opened.text and "2022, 2023" in opened.text
    bad = site.client.post("/admin/rounds", data={**form, "year": "2025", "reference_years": "2023,x"})
    assert bad.status_code == 400 and "is not a year" in bad.text
    sent = site.client.post("/admin/rounds/2024/dispatch", data={"csrf_token": csrf, "countries": "FRA, MEX"})
    assert sent.status_code == 200 and "Round 2024 dispatched to FRA, MEX." in sent.text
    assert site.client.post("/admin/rounds/2024/dispatch", data={"countries": "FRA"}).status_code == 403
