"""Submissions: all-or-nothing uploads, merged partial files, value history, steps, publishing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from collect.test_workflow_support import (
    FACILITIES,
    HELD,
    HELD_F,
    HELD_M,
    ROUND,
    Team,
    Values,
    fill_workbook,
    long_csv,
    make_team,
    open_round,
    real_values,
    small_values,
)
from observatory.collect import rounds
from observatory.collect.checking import Trigger
from observatory.collect.detail import submission_detail
from observatory.collect.publishing import publish_submission
from observatory.collect.submissions import SubmissionState, check, edit_value, transition
from observatory.collect.uploads import upload
from observatory.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from observatory.store.db import Store
from observatory.store.originals import sha256_of
from observatory.store.tables import ObservationRevision, SourceFile, SubmissionValueRow
from observatory.warehouse.query import ObservationFilter, query_observations


@pytest.fixture
def team(store: Store) -> Team:
    team = make_team(store)
    open_round(store, team)
    return team


@pytest.fixture(scope="module")
def real(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Values:
    return real_values(shared_data, tmp_path_factory.mktemp("real"), "FRA")


def _count(store: Store, column: object) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count(column))) or 0)  # type: ignore[arg-type]


def test_upload_keeps_the_file_and_every_earlier_value(
    store: Store, team: Team, real: Values, tmp_path: Path
) -> None:
    first = long_csv(tmp_path / "fra_prisons.csv", "FRA", small_values(real))
    result = upload(store, team.fra, ROUND, "FRA", [first])
    assert (result.counts.inserted, result.counts.updated) == (5, 0)
    assert result.submission.state is SubmissionState.draft and result.submission.values == 5
    assert result.files[0]["sha256"] == sha256_of(first)
    stored = (store.settings.originals_dir / sha256_of(first)[:2] / sha256_of(first)).read_bytes()
    assert stored == first.read_bytes()

    revised = dict(small_values(real))
    revised[(FACILITIES, 2021)] = 266
    second = long_csv(tmp_path / "fra_prisons_revised.csv", "FRA", revised)
    again = upload(store, team.fra, ROUND, "FRA", [second])
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 1, 4)

    detail = submission_detail(store, ROUND, "FRA")
    [old] = detail.history
    assert (old.key, old.period, old.value) == (FACILITIES, "2021", real[(FACILITIES, 2021)])
    assert (old.file_name, old.file_sha256, old.set_by) == (first.name, sha256_of(first), team.fra.email)
    assert old.row is not None and old.superseded_by == team.fra.email
    now = next(v for v in detail.values if v.key == FACILITIES)
    assert (now.value, now.file_name, now.change.value) == (266, second.name, "upload")
    assert [f.file for f in detail.files] == [first.name, second.name]
    assert detail.validation is not None and detail.validation.trigger == "upload"
    assert [s.to_state for s in detail.steps] == ["draft"]


def test_an_upload_with_one_bad_file_stores_nothing(
    store: Store, team: Team, real: Values, tmp_path: Path
) -> None:
    good = long_csv(tmp_path / "good.csv", "FRA", small_values(real))
    bad = long_csv(tmp_path / "bad.csv", "FRA", {(HELD, 2020): "n/a", (HELD_M, 2020): 60000})
    with pytest.raises(InvalidInput) as refused:
        upload(store, team.fra, ROUND, "FRA", [good, bad])
    assert refused.value.code == "non-numeric-value"
    assert refused.value.location is not None
    assert (refused.value.location.file, refused.value.location.row) == ("bad.csv", 2)
    assert _count(store, SourceFile.sha256) == 0
    assert _count(store, SubmissionValueRow.id) == 0
    with pytest.raises(NotFound):
        submission_detail(store, ROUND, "FRA")


def test_values_of_another_country_or_year_are_refused(store: Store, team: Team, tmp_path: Path) -> None:
    other = long_csv(tmp_path / "mixed.csv", "MEX", {(HELD, 2021): 220000})
    old = long_csv(tmp_path / "old.csv", "FRA", {(HELD, 2015): 60000})
    with pytest.raises(InvalidInput) as refused:
        upload(store, team.fra, ROUND, "FRA", [other, old])
    messages = [d["message"] for d in refused.value.details if d["code"] == "wrong-round"]
    assert any("MEX" in m and "FRA's" in m for m in messages)
    assert any("2015 is not a reference year of this round (2020, 2021)" in m for m in messages)


def test_partial_workbooks_from_two_agencies_merge(
    store: Store, team: Team, real: Values, tmp_path: Path
) -> None:
    name, data = rounds.workbook_for(store, ROUND, "FRA")
    blank = tmp_path / name
    blank.write_bytes(data)
    prisons = fill_workbook(blank, tmp_path / "prison_administration.xlsx", small_values(real))
    police_values = {k: v for k, v in real.items() if k[0].startswith("offences.") and k[1] == 2021}
    police = fill_workbook(blank, tmp_path / "police.xlsx", police_values)
    result = upload(
        store, team.fra, ROUND, "FRA", [tmp_path / "prison_administration.xlsx", tmp_path / "police.xlsx"]
    )
    assert result.counts.inserted == len(prisons) + len(police)
    values = {(v.key, v.period): v for v in submission_detail(store, ROUND, "FRA").values}
    sheet, cell = prisons[(HELD, 2021)]
    assert (values[(HELD, "2021")].file_name, values[(HELD, "2021")].sheet, values[(HELD, "2021")].cell) == (
        "prison_administration.xlsx",
        sheet,
        cell,
    )
    assert values[next(iter(police))[0], "2021"].file_name == "police.xlsx"

    # two partial workbooks that disagree on a figure: refused, naming both places
    clash = dict(small_values(real))
    clash[(HELD, 2021)] = real[(HELD, 2021)] + 1
    fill_workbook(blank, tmp_path / "statistics_office.xlsx", clash)
    before = _count(store, SubmissionValueRow.id)
    with pytest.raises(InvalidInput) as refused:
        upload(
            store,
            team.fra,
            ROUND,
            "FRA",
            [tmp_path / "prison_administration.xlsx", tmp_path / "statistics_office.xlsx"],
        )
    assert refused.value.code == "duplicate-key"
    assert "prison_administration.xlsx" in str(refused.value) and refused.value.location is not None
    assert refused.value.location.cell == cell
    assert _count(store, SubmissionValueRow.id) == before


def test_steps_edits_and_their_guards(store: Store, team: Team, real: Values, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        transition(store, team.fra, ROUND, "FRA", SubmissionState.submitted)
    upload(store, team.fra, ROUND, "FRA", [long_csv(tmp_path / "fra.csv", "FRA", small_values(real))])
    # an edit that breaks the arithmetic is kept, but the submission cannot be submitted
    report = edit_value(
        store, team.fra, ROUND, "FRA", key=HELD_F, period="2021", value=real[(HELD, 2021)] * 2, comment="typo"
    )
    assert report.errors
    with pytest.raises(Conflict) as blocked:
        transition(store, team.fra, ROUND, "FRA", SubmissionState.submitted)
    assert blocked.value.code == "unresolved-errors" and "sum-of-parts-mismatch" in str(blocked.value)
    edit_value(
        store, team.fra, ROUND, "FRA", key=HELD_F, period="2021", value=real[(HELD_F, 2021)], comment="fixed"
    )
    with pytest.raises(InvalidInput):
        edit_value(store, team.fra, ROUND, "FRA", key="persons-held.X", period="2021", value=1)
    with pytest.raises(InvalidInput) as unknown:
        edit_value(
            store, team.fra, ROUND, "FRA", key="persons-held.Q._T._T._T._T._T.count", period="2021", value=1
        )
    assert unknown.value.code == "unknown-cell"

    assert transition(store, team.fra, ROUND, "FRA", SubmissionState.submitted).submitted_at is not None
    with pytest.raises(Conflict) as locked:
        edit_value(store, team.fra, ROUND, "FRA", key=HELD, period="2021", value=1)
    assert locked.value.code == "submission-locked"
    with pytest.raises(Conflict) as early:
        transition(store, team.reviewer, ROUND, "FRA", SubmissionState.validated)
    assert early.value.code == "invalid-transition" and "must be under-review" in str(early.value)
    transition(store, team.reviewer, ROUND, "FRA", SubmissionState.under_review)
    with pytest.raises(InvalidInput):  # returning needs a reason
        transition(store, team.reviewer, ROUND, "FRA", SubmissionState.returned)
    transition(store, team.reviewer, ROUND, "FRA", SubmissionState.returned, "Add the 2020 figures")
    upload(
        store, team.fra, ROUND, "FRA", [long_csv(tmp_path / "fra2020.csv", "FRA", small_values(real, 2020))]
    )
    transition(store, team.fra, ROUND, "FRA", SubmissionState.submitted, "2020 added")

    detail = submission_detail(store, ROUND, "FRA")
    assert [(s.to_state, s.comment) for s in detail.steps][-3:] == [
        ("under-review", None),
        ("returned-to-draft", "Add the 2020 figures"),
        ("submitted", "2020 added"),
    ]
    edits = [h for h in detail.history if h.key == HELD_F]
    assert [h.change.value for h in edits] == ["upload", "edit"]
    assert edits[1].comment == "typo" and edits[1].value == real[(HELD, 2021)] * 2
    assert check(store, team.reviewer, ROUND, "FRA").valid
    assert submission_detail(store, ROUND, "FRA").validation.trigger == Trigger.on_demand.value  # type: ignore[union-attr]


def test_publishing_again_revises_and_keeps_the_earlier_value(
    store: Store, team: Team, real: Values, tmp_path: Path
) -> None:
    def through(year: int, values: Values, name: str) -> None:
        upload(store, team.fra, year, "FRA", [long_csv(tmp_path / name, "FRA", values)])
        transition(store, team.fra, year, "FRA", SubmissionState.submitted)
        transition(store, team.reviewer, year, "FRA", SubmissionState.under_review)
        transition(store, team.reviewer, year, "FRA", SubmissionState.validated)

    through(ROUND, small_values(real), "round2022.csv")
    with pytest.raises(PermissionDenied):
        publish_submission(store, team.fra, ROUND, "FRA")
    first = publish_submission(store, team.admin, ROUND, "FRA")
    assert (first.inserted, first.updated, first.new_release) == (5, 0, True)

    rounds.open_round(store, team.reviewer, ROUND + 1, [2021, 2022], date(2023, 6, 30))
    revised = {(FACILITIES, 2021): 270.0}
    through(ROUND + 1, revised, "round2023.csv")
    second = publish_submission(store, team.reviewer, ROUND + 1, "FRA")
    assert (second.inserted, second.updated) == (0, 1)
    assert second.release.number == first.release.number + 1
    assert _count(store, ObservationRevision.id) == 1
    with store.session() as session:
        earlier = session.scalar(select(ObservationRevision.value))
    assert earlier == real[(FACILITIES, 2021)]
    page = query_observations(store, ObservationFilter(area=("FRA",), variable=("prison-facilities",)))
    assert [(r["period"], r["value"], r["dataflow"]) for r in page.data] == [("2021", 270.0, "UN_CTS")]
    with pytest.raises(Conflict) as done:
        publish_submission(store, team.reviewer, ROUND, "FRA")
    assert done.value.code == "invalid-transition"
