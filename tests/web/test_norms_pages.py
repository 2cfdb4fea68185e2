"""The assessor's pages through the app: signing in, starting a Bangkok Rules assessment for Mexico over the
real prison statistics, saving sections with evidence uploads, errors at their field with nothing stored,
the CSRF token on every form, another country's assessor refused, and the country's compliance profile."""

from __future__ import annotations

import html
import json
import re
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from observatory.norms import autofill
from observatory.norms.assessments import (
    country_gaps,
    country_scores,
    get_assessment,
    list_assessments,
    record_assessment,
)
from observatory.norms.checklists import get_checklist
from observatory.norms.drafts import FOLDER
from observatory.norms.scoring import agreement
from observatory.web import create_app

from .norms_seed import GAP_ITEM, PASSWORD, PROJECT, NormsSite, seed

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

TOKEN_FIELD = re.compile(r'name="form_token" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
CHECKLIST = "bangkok-implementation"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[NormsSite]:
    built = seed(tmp_path_factory.mktemp("norms-pages"), shared_data)
    yield built
    built.store.dispose()


@pytest.fixture
def client(site: NormsSite) -> Iterator[TestClient]:
    with TestClient(
        create_app(site.settings, store=site.store), base_url="https://testserver"
    ) as test_client:
        yield test_client


def sign_in(client: TestClient, email: str) -> str:
    """Sign in through /login; return the session's CSRF token."""
    token = TOKEN_FIELD.search(client.get("/login").text)
    assert token
    form = {"email": email, "password": PASSWORD, "form_token": token.group(1), "next": "/norms/assess"}
    signed = client.post("/login", data=form, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/norms/assess"
    csrf = CSRF_META.search(client.get("/norms/assess").text)
    assert csrf
    return csrf.group(1)


def start(client: TestClient, csrf: str, country: str = "MEX", on: str = "2024-06-30") -> str:
    form = {"csrf_token": csrf, "checklist": CHECKLIST, "country": country, "assessed_on": on}
    started = client.post("/norms/assess", data=form, follow_redirects=False)
    assert started.status_code == 303, started.text
    location = started.headers["location"]
    assert location.startswith("/norms/assess/")
    return location


def section_number(name: str) -> int:
    return get_checklist(CHECKLIST).sections.index(name) + 1


def draft_json(site: NormsSite, page: str) -> dict[str, Any]:
    path = site.settings.resolved_data_dir / FOLDER / page.rsplit("/", 1)[1] / "draft.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient) -> None:
    for path in ("/norms/assess", "/norms/assess/abcdefgh1234", "/norms/assessments/1"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"
    posted = client.post(
        "/norms/assess", data={"checklist": CHECKLIST, "country": "MEX", "assessed_on": "2024-01-01"}
    )
    assert posted.status_code == 401  # a form post without a session is refused, not redirected


def test_the_checklist_shows_items_filled_from_the_real_statistics(
    client: TestClient, site: NormsSite
) -> None:
    csrf = sign_in(client, site.mex.email)
    start_page = client.get("/norms/assess").text
    assert '<option value="MEX"' in start_page and '<option value="FRA"' not in start_page
    page = client.get(start(client, csrf)).text
    text = html.unescape(page)
    figure = autofill.latest_figure(site.store, "prison_occupancy", "MEX")
    assert not isinstance(figure, str)
    assert f"prison_occupancy = {figure.value:,.2f}" in text and f"in {figure.year}, release 1" in text
    assert f"/api/v1/indicators/prison_occupancy/explain?area=MEX&year={figure.year}" in text
    link = get_checklist(CHECKLIST).item("BR-04").indicator
    assert link is not None
    proposed = link.rate(figure.value)
    assert re.search(rf'name="rating:BR-04" value="{proposed}" checked', page)
    assert 'href="/norms/bangkok#rule-5"' in page  # the rule BR-04 tests
    assert (
        page.count("<form ") == page.count('name="csrf_token"') >= len(get_checklist(CHECKLIST).sections) + 2
    )
    assert page.count('enctype="multipart/form-data"') == len(get_checklist(CHECKLIST).sections)
    assert 'value="n/a"' in page and 'value="site-visit"' in page


def test_an_assessor_of_france_cannot_open_or_post_to_a_mexican_assessment(
    client: TestClient, site: NormsSite
) -> None:
    mex = sign_in(client, site.mex.email)
    page = start(client, mex, on="2024-05-01")
    before = draft_json(site, page)
    client.post("/logout", data={"csrf_token": mex})
    fra = sign_in(client, site.fra.email)
    assert client.get(page).status_code == 403
    form = {"csrf_token": fra, "rating:BR-01": "1"}
    assert client.post(f"{page}/sections/1", data=form, files={"x": ("", b"")}).status_code == 403
    assert client.post(f"{page}/complete", data={"csrf_token": fra}).status_code == 403
    refused = client.post(
        "/norms/assess",
        data={"csrf_token": fra, "checklist": CHECKLIST, "country": "MEX", "assessed_on": "2024-05-02"},
    )
    assert refused.status_code == 403 and "own country (FRA)" in html.unescape(refused.text)
    assert draft_json(site, page) == before


def test_every_form_needs_the_csrf_token(client: TestClient, site: NormsSite) -> None:
    csrf = sign_in(client, site.mex.email)
    no_token = {"checklist": CHECKLIST, "country": "MEX", "assessed_on": "2024-04-01"}
    assert client.post("/norms/assess", data=no_token).status_code == 403
    page = start(client, csrf, on="2024-04-02")
    before = draft_json(site, page)
    multipart = client.post(f"{page}/sections/1", data={"rating:BR-01": "2"}, files={"file:BR-01": ("", b"")})
    assert multipart.status_code == 403
    wrong = client.post(f"{page}/complete", data={"csrf_token": "not-the-token"})
    assert wrong.status_code == 403
    assert draft_json(site, page) == before
    assert client.get(page).status_code == 200  # still a draft: nothing was recorded


def test_problems_are_shown_at_their_field_and_nothing_is_stored(client: TestClient, site: NormsSite) -> None:
    csrf = sign_in(client, site.mex.email)
    page = start(client, csrf, on="2024-03-01")
    before = draft_json(site, page)
    hygiene = section_number("Accommodation and hygiene")
    form = {"csrf_token": csrf, "rating:BR-04": "0"}  # overrides the proposed rating without a reason
    files = {"file:BR-04": ("photos.exe", b"MZ\x90\x00binary", "application/octet-stream")}
    refused = client.post(f"{page}/sections/{hygiene}", data=form, files=files)
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert re.search(r'id="item-BR-04-reason-error"[^>]*>the statistics propose \d; give the reason', text)
    assert re.search(
        r'id="item-BR-04-file-error"[^>]*>photos.exe: .exe is not accepted.*forbidden-evidence-type', text
    )
    assert 'name="rating:BR-04" value="0" checked' in refused.text  # the posted value is shown again

    basic = {"csrf_token": csrf, "rating:BR-01": "7"}
    off_scale = client.post(f"{page}/sections/1", data=basic, files={"file:BR-01": ("", b"")})
    assert off_scale.status_code == 422
    assert re.search(
        r'id="item-BR-01-rating-error"[^>]*>item BR-01: rating \'7\' is not on the scale',
        html.unescape(off_scale.text),
    )
    assert draft_json(site, page) == before
    assert not (site.settings.resolved_data_dir / FOLDER / page.rsplit("/", 1)[1] / "files").exists()


def test_an_assessment_is_completed_and_appears_on_the_country_page(
    client: TestClient, site: NormsSite
) -> None:
    csrf = sign_in(client, site.mex.email)
    page = start(client, csrf, on="2024-06-30")
    saved = client.post(
        f"{page}/sections/1",
        data={"csrf_token": csrf, "rating:BR-01": "1", "comment:BR-01": "policy draft only",
              "kind:BR-01": "document", "evnote:BR-01": "prison service circular"},
        files={"file:BR-01": ("circular.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"].endswith("#section-1")
    hygiene = section_number("Accommodation and hygiene")
    overridden = client.post(
        f"{page}/sections/{hygiene}",
        data={"csrf_token": csrf, "rating:BR-04": "1", "reason:BR-04": "the women's wing is at 160%"},
        files={"file:BR-04": ("", b"")},
        follow_redirects=False,
    )
    assert overridden.status_code == 303
    shown = client.get(page).text
    assert "circular.pdf (" in shown and 'name="rating:BR-01" value="1" checked' in shown
    done = client.post(
        f"{page}/complete", data={"csrf_token": csrf, "note": "desk review"}, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    assessment_id = int(done.headers["location"].split("?")[0].rsplit("/", 1)[1])
    assert client.get(page).status_code == 404  # the draft is gone once recorded

    recorded = get_assessment(site.store, site.mex, assessment_id)
    br01, br04, br27 = (recorded.finding(i) for i in ("BR-01", "BR-04", GAP_ITEM))
    assert br01 is not None and br01.rating == 1 and br01.evidence[0].media_type == "application/pdf"
    assert br01.evidence[0].size == len(PDF) and br01.evidence[0].description == "prison service circular"
    assert br04 is not None and br04.rating == 1 and br04.source.value == "assessor"
    assert "Overrides the rating 2 from the statistics: the women's wing is at 160%" in br04.comment
    assert br27 is not None and br27.source.value == "indicator" and br27.provenance is not None
    view = client.get(done.headers["location"]).text
    assert "Assessment completed and recorded." in view and "circular.pdf" in view

    scores = country_scores(site.store, "MEX")["data"][0]
    gaps = {g["item"] for g in country_gaps(site.store, "MEX")["data"]}
    assert {"BR-01", "BR-04", GAP_ITEM} <= gaps
    profile = html.unescape(client.get("/norms/countries/MEX").text)
    score = f"{scores['overall']['score'] * 100:.0f}%"
    assert f'class="compliance-score">{score}<' in profile
    assert f'<a href="/assistance/{PROJECT}">{PROJECT}</a>' in profile
    assert re.search(rf"{GAP_ITEM}</span>.*?/assistance/{PROJECT}", profile, re.S)
    assert "Overall score over time" in profile and "2024-06-30" in profile


def test_the_country_page_shows_agreement_where_two_assessors_rated(
    client: TestClient, site: NormsSite
) -> None:
    ratings = {"BR-01": ("2", "2"), "BR-02": ("1", "2"), "BR-03": ("3", "3"), "BR-05": ("0", "0")}
    for n, who in enumerate((site.fra, site.admin)):
        entries = [
            {"item": item, "rating": pair[n], "_row": i} for i, (item, pair) in enumerate(ratings.items())
        ]
        record_assessment(site.store, who, CHECKLIST, "FRA", date(2023, 11, 15), entries, fill=False)
    expected = agreement(get_checklist(CHECKLIST), *[
        get_assessment(site.store, site.admin, a.id or 0).findings
        for a in list_assessments(site.store, site.admin, country="FRA")
    ])  # fmt: skip
    assert expected.kappa is not None and expected.items == 4 and expected.agreed == 3
    page = html.unescape(client.get("/norms/countries/FRA").text)
    row = re.search(r'id="compliance-agreement".*?</table>', page, re.S)
    assert row and f"{expected.kappa:.2f}" in row.group(0)
    assert f"{site.fra.email} · {site.admin.email}" in row.group(0)
    assert "by 2 assessors" in page
