"""The issue's acceptance path, end to end, on SQLite and PostgreSQL.

Open a round, register the focal point, generate France's workbook, fill it with France's real figures
from the UNODC exports plus planted errors, upload: the errors are reported at their cells and nothing is
stored. Fix, upload, submit, review with a query on one value, answer it with a corrected value (the old
one stays in the history), validate, publish: the release serves the values through the API, each traced
to its file and cell.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from collect.test_workflow_support import (
    CONVICTED,
    FACILITIES,
    HELD,
    HELD_F,
    HELD_M,
    PROSECUTED,
    ROUND,
    clean,
    fill_workbook,
    make_team,
    open_round,
    real_values,
    seed_history,
)
from observatory.collect import review, rounds
from observatory.collect.detail import submission_detail
from observatory.collect.publishing import publish_submission
from observatory.collect.submissions import SubmissionState, find_submission, transition
from observatory.collect.uploads import upload
from observatory.errors import Conflict, InvalidInput
from observatory.store.db import Store
from observatory.store.originals import sha256_of
from observatory.store.tables import SourceFile, SubmissionValueRow
from observatory.web import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient


def _count(store: Store, column: object) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count(column))) or 0)  # type: ignore[arg-type]


def test_round_from_workbook_to_published_release(
    any_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    store = any_store
    seed_history(store, shared_data, tmp_path, ["FRA"])
    team = make_team(store)
    open_round(store, team)
    rounds.add_focal_point(
        store,
        team.reviewer,
        country="FRA",
        name="Anne Martin",
        agency="Ministère de l'Intérieur",
        email="fp@interieur.gouv.fr",
    )
    assert [e.country for e in rounds.dispatch(store, team.reviewer, ROUND)] == ["FRA"]

    # The workbook: France's published 2019 figure is there for reference.
    name, data = rounds.workbook_for(store, ROUND, "FRA", user=team.fra)
    blank = tmp_path / name
    blank.write_bytes(data)
    real = real_values(shared_data, tmp_path, "FRA")
    book = openpyxl.load_workbook(blank, read_only=True)
    assert "J1 Persons held in prisons, by" in book.sheetnames
    book.close()

    # Real figures plus planted errors: female above the total, convicted above prosecuted, text.
    values: dict[tuple[str, int], float | str] = {k: v for k, v in real.items() if clean(k[0])}
    planted = dict(values)
    planted[(HELD_F, 2021)] = real[(HELD, 2021)] + 5000
    planted[(PROSECUTED, 2021)], planted[(CONVICTED, 2021)] = 1000, 1500
    planted[(HELD_M, 2020)] = "about 60000"
    bad = tmp_path / "FRA_police_and_prisons.xlsx"
    cells = fill_workbook(blank, bad, planted)
    files_before = _count(store, SourceFile.sha256)
    with pytest.raises(InvalidInput) as refused:
        upload(store, team.fra, ROUND, "FRA", [bad])
    found = {(d["code"], d["sheet"], d["cell"]) for d in refused.value.details}
    j1 = "J1 Persons held in prisons, by"
    assert ("non-numeric-value", *cells[(HELD_M, 2020)]) in found
    assert ("sum-of-parts-mismatch", *cells[(HELD, 2021)]) in found  # M + F + unknown != total
    assert ("sum-of-parts-mismatch", *cells[(HELD_F, 2021)]) in found  # adult + juvenile women != women
    assert ("downstream-exceeds-upstream", *cells[(CONVICTED, 2021)]) in found
    assert cells[(HELD, 2021)][0] == j1
    assert refused.value.location is not None and refused.value.location.cell == cells[(HELD_M, 2020)][1]
    assert "nothing was stored" in str(refused.value)
    with store.session() as session:
        assert find_submission(session, ROUND, "FRA") is None
    assert _count(store, SourceFile.sha256) == files_before
    assert _count(store, SubmissionValueRow.id) == 0

    # Fixed: the real figures, and convicted below prosecuted.
    fixed = dict(values)
    fixed[(PROSECUTED, 2021)], fixed[(CONVICTED, 2021)] = 1000, 800
    good = tmp_path / "FRA_police_and_prisons_v2.xlsx"
    typed = fill_workbook(blank, good, fixed)
    result = upload(store, team.fra, ROUND, "FRA", [good])
    assert result.counts.inserted == len(typed) > 100
    assert not result.report.errors
    assert _count(store, SourceFile.sha256) == files_before + 1

    assert (
        transition(store, team.fra, ROUND, "FRA", SubmissionState.submitted).state
        is SubmissionState.submitted
    )
    transition(store, team.reviewer, ROUND, "FRA", SubmissionState.under_review, "first look")

    # A query on one value, by its cell; validation waits for it.
    sheet, cell = typed[(FACILITIES, 2021)]
    query = review.raise_query(
        store,
        team.reviewer,
        ROUND,
        "FRA",
        text="264 prisons? The ministry reports 266.",
        cell=f"{sheet}!{cell}",
    )
    assert (query.key, query.period) == (FACILITIES, "2021")
    with pytest.raises(Conflict) as blocked:
        transition(store, team.reviewer, ROUND, "FRA", SubmissionState.validated)
    assert blocked.value.code == "open-queries" and f"#{query.id}" in str(blocked.value)
    review.answer_query(
        store, team.fra, query.id, text="Two new facilities opened in 2021.", corrected_value=266
    )
    with pytest.raises(Conflict):  # answered, not closed yet
        transition(store, team.reviewer, ROUND, "FRA", SubmissionState.validated)
    review.close_query(store, team.reviewer, query.id, text="Thanks")
    assert (
        transition(store, team.reviewer, ROUND, "FRA", SubmissionState.validated).state
        is SubmissionState.validated
    )

    detail = submission_detail(store, ROUND, "FRA", user=team.reviewer)
    [old] = [h for h in detail.history if h.key == FACILITIES and h.period == "2021"]
    assert old.value == real[(FACILITIES, 2021)] == 264
    assert (old.file_name, old.sheet, old.cell, old.set_by) == (good.name, sheet, cell, team.fra.email)
    assert old.superseded_by == team.fra.email
    now = next(v for v in detail.values if v.key == FACILITIES and v.period == "2021")
    assert (now.value, now.change.value, now.set_by) == (266, "query-answer", team.fra.email)
    assert [s.to_state for s in detail.steps] == ["draft", "submitted", "under-review", "validated"]

    published = publish_submission(store, team.reviewer, ROUND, "FRA")
    assert published.new_release and published.inserted == len(typed)

    # The release serves the values, each traced to its file and cell.
    with TestClient(create_app(store.settings, store=store)) as client:
        params = {
            "area": "France",
            "dataflow": "UN_CTS",
            "variable": "persons-held",
            "sex": "_T",
            "age": "_T",
            "status": "_T",
            "citizenship": "_T",
            "offence": "_T",
        }
        body = client.get("/api/v1/observations", params=params).json()
        assert body["release"] == published.release.number
        rows = {r["period"]: r for r in body["data"]}
        assert rows["2021"]["value"] == real[(HELD, 2021)]
        assert rows["2021"]["file_sha256"] == sha256_of(good)
        assert rows["2021"]["source"] == f"UN-CTS {ROUND} {j1}!{cells[(HELD, 2021)][1]}"
        facility = client.get(
            "/api/v1/observations",
            params={"area": "FRA", "dataflow": "UN_CTS", "variable": "prison-facilities"},
        ).json()["data"]
        corrected = next(r for r in facility if r["period"] == "2021")
        assert corrected["value"] == 266
        assert corrected["file_sha256"] not in {None, sha256_of(good)}  # the manifest of typed values
        assert client.get(f"/api/v1/rounds/{ROUND}").json()["countries"][0]["status"] == "published"
