"""The response dashboard: status by country and section, timeliness, response rates by M49 region."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from collect.test_workflow_support import HELD, ROUND, Team, long_csv, make_team, open_round, real_values
from observatory.collect import rounds
from observatory.collect.dashboard import ResponseStatus, RoundDashboard, Timeliness, round_dashboard
from observatory.collect.submissions import SubmissionState, transition
from observatory.collect.uploads import upload
from observatory.settings import Settings
from observatory.store.db import Store

TODAY = date(2026, 11, 29)  # after the round's deadline of 2022-06-30
FAR = date(2099, 12, 31)
CONTACTS = {"FRA": "fr", "DEU": "de", "MEX": "mx", "CHL": "cl", "NGA": "ng", "JPN": "jp"}


@pytest.fixture(scope="module")
def board(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoundDashboard]:
    """France submitted within its extension, Germany after the deadline, Mexico started a draft,
    Chile and Nigeria sent nothing (Nigeria has until 2099), Japan was never sent the questionnaire."""
    tmp_path = tmp_path_factory.mktemp("dashboard")
    store = Store(Settings(data_dir=tmp_path / "var"))
    store.init()
    team: Team = make_team(store)
    open_round(store, team)
    for country, tld in CONTACTS.items():
        rounds.add_focal_point(
            store, team.admin, country=country, name="FP", agency="Ministry", email=f"fp@x.{tld}"
        )
    rounds.dispatch(store, team.reviewer, ROUND, ["FRA", "DEU", "MEX", "CHL", "NGA"])
    rounds.extend(store, team.reviewer, ROUND, "FRA", FAR)
    rounds.extend(store, team.reviewer, ROUND, "NGA", FAR)
    rounds.remind(store, team.reviewer, ROUND, "CHL")
    rounds.remind(store, team.reviewer, ROUND, "CHL", note="by phone")
    for country in ("FRA", "DEU", "MEX"):
        real = real_values(shared_data, tmp_path, country, [2021])
        upload(
            store,
            team.admin,
            ROUND,
            country,
            [long_csv(tmp_path / f"{country}.csv", country, {(HELD, 2021): real[(HELD, 2021)]})],
        )
    for country in ("FRA", "DEU"):
        transition(store, team.admin, ROUND, country, SubmissionState.submitted)
    transition(store, team.reviewer, ROUND, "DEU", SubmissionState.under_review)
    yield round_dashboard(store, ROUND, today=TODAY)
    store.dispose()


def test_status_by_country_and_section(board: RoundDashboard) -> None:
    by = {c.country: c for c in board.countries}
    assert board.sections == ["police", "prosecution", "courts", "prisons", "homicide", "personnel"]
    assert [c.name for c in board.countries] == sorted(c.name for c in board.countries)
    assert {k: v.status for k, v in by.items()} == {
        "FRA": ResponseStatus.submitted,
        "DEU": ResponseStatus.under_review,
        "MEX": ResponseStatus.partial,
        "CHL": ResponseStatus.not_started,
        "NGA": ResponseStatus.not_started,
        "JPN": ResponseStatus.not_started,
    }
    assert by["MEX"].sections["prisons"] is ResponseStatus.partial
    assert by["MEX"].sections["police"] is ResponseStatus.not_started
    assert by["FRA"].sections["prisons"] is ResponseStatus.submitted
    assert by["FRA"].sections["courts"] is ResponseStatus.not_started  # nothing given for that section
    assert by["MEX"].state is SubmissionState.draft and by["CHL"].state is None


def test_timeliness_against_the_extended_deadline(board: RoundDashboard) -> None:
    by = {c.country: c for c in board.countries}
    assert {k: v.timeliness for k, v in by.items()} == {
        "FRA": Timeliness.on_time,
        "DEU": Timeliness.late,
        "MEX": Timeliness.overdue,
        "CHL": Timeliness.overdue,
        "NGA": Timeliness.due,
        "JPN": Timeliness.overdue,
    }
    assert (by["FRA"].deadline, by["FRA"].extended) == (FAR, True)
    assert (by["DEU"].deadline, by["DEU"].extended) == (date(2022, 6, 30), False)
    assert by["CHL"].reminders == 2 and by["FRA"].reminders == 0
    assert not by["JPN"].invited and by["JPN"].dispatched_at is None and by["JPN"].focal_points == 1


def test_response_rates_by_region_and_subregion(board: RoundDashboard) -> None:
    rates = [(r.name, r.level, r.invited, r.responded, r.rate) for r in board.rates]
    assert rates == [
        ("World", "world", 5, 2, 40.0),
        ("Africa", "region", 1, 0, 0.0),
        ("Sub-Saharan Africa", "subregion", 1, 0, 0.0),
        ("Americas", "region", 2, 0, 0.0),
        ("Latin America and the Caribbean", "subregion", 2, 0, 0.0),
        ("Europe", "region", 2, 2, 100.0),
        ("Western Europe", "subregion", 2, 2, 100.0),
    ]  # Japan (Asia) was not invited: not counted
    body = board.to_dict()
    assert body["rates"][0] == {
        "code": "001",
        "name": "World",
        "level": "world",
        "invited": 5,
        "responded": 2,
        "rate": 40.0,
    }
    assert {c["country"]: c["responded"] for c in body["countries"]}["DEU"] is True


def test_an_empty_round(store: Store) -> None:
    team = make_team(store)
    open_round(store, team)
    empty = round_dashboard(store, ROUND, today=TODAY)
    assert empty.countries == [] and empty.rates == []
