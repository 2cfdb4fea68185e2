"""Rounds and the focal-point network: opening rounds, contacts, dispatch, reminders, extensions."""

from __future__ import annotations

from datetime import date

import pytest

from collect.test_workflow_support import DEADLINE, ROUND, Team, make_team, open_round
from observatory.collect import rounds
from observatory.collect.rounds import AppointmentStatus, EventKind
from observatory.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from observatory.store.db import Store


@pytest.fixture
def team(store: Store) -> Team:
    return make_team(store)


def test_open_a_round(store: Store, team: Team) -> None:
    rnd = rounds.open_round(store, team.reviewer, 2026, [2024, 2023, 2024], date(2026, 6, 30))
    assert rnd.reference_years == (2023, 2024)
    assert rnd.questionnaire_version == "2025.1" and rnd.opened_by == team.reviewer.email
    assert rounds.get_round(store, 2026) == rnd
    assert [r.year for r in rounds.list_rounds(store)] == [2026]
    with pytest.raises(Conflict):
        rounds.open_round(store, team.admin, 2026, [2024], date(2026, 6, 30))


@pytest.mark.parametrize(
    ("years", "deadline", "version", "code"),
    [
        ([], date(2026, 6, 30), "2025.1", "invalid-period"),
        ([2027], date(2026, 6, 30), "2025.1", "invalid-period"),
        ([1850], date(2026, 6, 30), "2025.1", "invalid-period"),
        ([2024], date(2025, 12, 31), "2025.1", "invalid-deadline"),
        ([2024], date(2026, 6, 30), "1999.9", "not-found"),
    ],
)
def test_a_round_must_make_sense(
    store: Store, team: Team, years: list[int], deadline: date, version: str, code: str
) -> None:
    with pytest.raises((InvalidInput, NotFound)) as refused:
        rounds.open_round(store, team.reviewer, 2026, years, deadline, version)
    assert refused.value.code == code  # type: ignore[union-attr]
    assert rounds.list_rounds(store) == []


def test_reference_years_are_parsed_from_text() -> None:
    assert rounds.parse_reference_years("2024, 2023") == (2023, 2024)
    with pytest.raises(InvalidInput, match="'23-24' is not a year"):
        rounds.parse_reference_years("2022,23-24")


def test_focal_points_cannot_open_rounds_and_unknown_rounds_are_named(store: Store, team: Team) -> None:
    with pytest.raises(
        PermissionDenied, match=r"focal-point fp@interieur\.gouv\.fr \(FRA\) may not open a round"
    ):
        rounds.open_round(store, team.fra, 2026, [2024], date(2026, 6, 30))
    with pytest.raises(NotFound, match="no round 2030; no round is open yet"):
        rounds.get_round(store, 2030)


def test_register_and_update_focal_points(store: Store, team: Team) -> None:
    main = rounds.add_focal_point(
        store,
        team.reviewer,
        country="france",
        name="Anne Martin",
        agency="Ministère de l'Intérieur",
        email="Anne.Martin@interieur.gouv.fr",
    )
    assert (main.country, main.email, main.status, main.fallback) == (
        "FRA",
        "anne.martin@interieur.gouv.fr",
        AppointmentStatus.appointed,
        False,
    )
    backup = rounds.add_focal_point(
        store,
        team.admin,
        country="FRA",
        name="Paul Durand",
        agency="INSEE",
        email="paul@insee.fr",
        status=AppointmentStatus.pending,
        fallback=True,
    )
    rounds.add_focal_point(
        store, team.admin, country="MEX", name="Ana López", agency="INEGI", email="ana@inegi.org.mx"
    )
    with pytest.raises(Conflict):
        rounds.add_focal_point(store, team.admin, country="FRA", name="A", agency="B", email="paul@insee.fr")
    with pytest.raises(PermissionDenied):
        rounds.add_focal_point(store, team.fra, country="FRA", name="A", agency="B", email="a@b.fr")
    assert [f.email for f in rounds.list_focal_points(store, "FRA")] == [main.email, backup.email]
    assert len(rounds.list_focal_points(store)) == 3
    # a focal point sees its own country's contacts only
    assert {f.country for f in rounds.list_focal_points(store, user=team.fra)} == {"FRA"}
    with pytest.raises(PermissionDenied):
        rounds.list_focal_points(store, "MEX", user=team.fra)
    updated = rounds.update_focal_point(store, team.reviewer, backup.id, status=AppointmentStatus.appointed)
    assert updated.status is AppointmentStatus.appointed and updated.fallback
    with pytest.raises(NotFound):
        rounds.update_focal_point(store, team.reviewer, 999, fallback=False)


def test_dispatch_reminders_and_extensions(store: Store, team: Team) -> None:
    rnd = open_round(store, team)
    for country, email, status in (
        ("FRA", "a@interieur.gouv.fr", AppointmentStatus.appointed),
        ("MEX", "b@inegi.org.mx", AppointmentStatus.pending),
        ("CHL", "c@ine.gob.cl", AppointmentStatus.withdrawn),
    ):
        rounds.add_focal_point(
            store, team.admin, country=country, name="X", agency="Y", email=email, status=status
        )
    sent = rounds.dispatch(store, team.reviewer, ROUND, note="e-mail")
    assert [e.country for e in sent] == ["FRA", "MEX"]  # not to a withdrawn contact
    assert rounds.dispatch(store, team.reviewer, ROUND) == []  # nobody new
    assert [e.country for e in rounds.dispatch(store, team.reviewer, ROUND, ["CHL"])] == ["CHL"]
    reminder = rounds.remind(store, team.reviewer, ROUND, "MEX", note="second reminder")
    assert (reminder.kind, reminder.by, reminder.note) == (
        EventKind.reminder,
        team.reviewer.email,
        "second reminder",
    )
    with pytest.raises(InvalidInput, match="past the round's 2022-06-30"):
        rounds.extend(store, team.reviewer, ROUND, "MEX", date(2022, 6, 1))
    rounds.extend(store, team.reviewer, ROUND, "MEX", date(2022, 7, 31))
    rounds.extend(store, team.reviewer, ROUND, "MEX", date(2022, 8, 15), note="new minister")
    events = rounds.round_events(store, ROUND)
    assert [e.kind.value for e in events] == ["dispatch"] * 3 + ["reminder", "extension", "extension"]
    assert rounds.deadline_for(rnd, events, "MEX") == date(2022, 8, 15)
    assert rounds.deadline_for(rnd, events, "FRA") == DEADLINE
    assert [e.kind for e in rounds.round_events(store, ROUND, "fra")] == [EventKind.dispatch]
    with pytest.raises(PermissionDenied):
        rounds.remind(store, team.fra, ROUND, "FRA")
    with pytest.raises(NotFound):
        rounds.dispatch(store, team.reviewer, 1999)


def test_dispatch_needs_someone_to_send_to(store: Store, team: Team) -> None:
    open_round(store, team)
    with pytest.raises(InvalidInput) as nobody:
        rounds.dispatch(store, team.reviewer, ROUND)
    assert nobody.value.code == "no-focal-points"
