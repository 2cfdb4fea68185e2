"""Who may do what in the workflow: focal points for their own country, reviewers review, nobody
validates while a query is open."""

from __future__ import annotations

from pathlib import Path

import pytest

from collect.test_workflow_support import (
    FACILITIES,
    HELD,
    ROUND,
    Team,
    Values,
    long_csv,
    make_team,
    open_round,
    real_values,
    small_values,
)
from observatory.collect import review
from observatory.collect.detail import submission_detail
from observatory.collect.publishing import publish_submission
from observatory.collect.submissions import SubmissionState, transition
from observatory.collect.uploads import upload
from observatory.errors import Conflict, PermissionDenied
from observatory.store.db import Store


@pytest.fixture(scope="module")
def real(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Values:
    return real_values(shared_data, tmp_path_factory.mktemp("real"), "FRA")


@pytest.fixture
def under_review(store: Store, real: Values, tmp_path: Path) -> Team:
    """France's return, uploaded and submitted by its focal point, under review."""
    team = make_team(store)
    open_round(store, team)
    upload(store, team.fra, ROUND, "FRA", [long_csv(tmp_path / "fra.csv", "FRA", small_values(real))])
    transition(store, team.fra, ROUND, "FRA", SubmissionState.submitted)
    transition(store, team.reviewer, ROUND, "FRA", SubmissionState.under_review)
    return team


def test_a_focal_point_acts_only_for_its_own_country(store: Store, real: Values, tmp_path: Path) -> None:
    team = make_team(store)
    open_round(store, team)
    mexico = long_csv(tmp_path / "mex.csv", "MEX", {(HELD, 2021): 220866})
    with pytest.raises(PermissionDenied) as refused:
        upload(store, team.fra, ROUND, "MEX", [mexico])
    assert "focal-point fp@interieur.gouv.fr (FRA) may not upload files for MEX" in str(refused.value)
    with pytest.raises(PermissionDenied):  # nor see another country's submission
        submission_detail(store, ROUND, "FRA", user=team.mex)
    upload(store, team.mex, ROUND, "MEX", [mexico])  # Mexico's own focal point may
    with pytest.raises(PermissionDenied):
        transition(store, team.fra, ROUND, "MEX", SubmissionState.submitted)


def test_reviewers_cannot_upload(store: Store, real: Values, tmp_path: Path) -> None:
    team = make_team(store)
    open_round(store, team)
    with pytest.raises(PermissionDenied) as refused:
        upload(
            store, team.reviewer, ROUND, "FRA", [long_csv(tmp_path / "fra.csv", "FRA", small_values(real))]
        )
    assert refused.value.message.startswith("reviewer reviewer@unodc.org may not upload files for FRA")


def test_focal_points_cannot_review_validate_or_publish(store: Store, under_review: Team) -> None:
    team = under_review
    for step in (SubmissionState.validated, SubmissionState.returned):
        with pytest.raises(PermissionDenied, match=r"may not (validate|request changes) for FRA"):
            transition(store, team.fra, ROUND, "FRA", step, "please")
    with pytest.raises(PermissionDenied):
        publish_submission(store, team.fra, ROUND, "FRA")
    with pytest.raises(PermissionDenied):
        review.raise_query(store, team.fra, ROUND, "FRA", text="?", key=HELD, period="2021")


def test_only_the_countrys_focal_point_answers_and_only_reviewers_close(
    store: Store, under_review: Team
) -> None:
    team = under_review
    query = review.raise_query(
        store, team.reviewer, ROUND, "FRA", text="Source?", key=FACILITIES, period="2021"
    )
    for other in (team.mex, team.reviewer):
        with pytest.raises(PermissionDenied):
            review.answer_query(store, other, query.id, text="n/a")
    with pytest.raises(PermissionDenied):
        review.close_query(store, team.fra, query.id)
    answered = review.answer_query(store, team.fra, query.id, text="Prison administration, 31 December")
    assert answered.state.value == "answered"
    assert [m.kind.value for m in answered.messages] == ["question", "answer"]


def test_nobody_validates_while_a_query_is_open(store: Store, under_review: Team) -> None:
    team = under_review
    query = review.raise_query(store, team.reviewer, ROUND, "FRA", text="Check", key=HELD, period="2021")
    for user in (team.reviewer, team.admin):
        with pytest.raises(Conflict) as blocked:
            transition(store, user, ROUND, "FRA", SubmissionState.validated)
        assert blocked.value.code == "open-queries"
        assert f"#{query.id} on {HELD} 2021" in str(blocked.value)
    review.close_query(store, team.reviewer, query.id, text="withdrawn")
    with pytest.raises(Conflict):
        review.answer_query(store, team.fra, query.id, text="late answer")
    assert (
        transition(store, team.admin, ROUND, "FRA", SubmissionState.validated).state
        is SubmissionState.validated
    )
    with pytest.raises(Conflict):  # queries belong to the review
        review.raise_query(store, team.reviewer, ROUND, "FRA", text="more?", key=HELD, period="2021")
