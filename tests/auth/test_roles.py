"""Roles: analyst as a reviewer, focal points and assessors bound to several countries, the public."""

from __future__ import annotations

import pytest

from observatory.auth import (
    ANONYMOUS,
    Action,
    Role,
    Unauthenticated,
    User,
    add_user,
    authorize,
    get_user,
    list_users,
    may,
    parse_role,
    set_active,
    set_countries,
    user_for_token,
)
from observatory.errors import InvalidInput, PermissionDenied
from observatory.store.db import Store

FP = User(3, "fp@interieur.gouv.fr", Role.focal_point, ("FRA", "MEX"))
ASSESSOR = User(4, "assessor@unodc.org", Role.assessor, ("CHL",))
REVIEWER = User(2, "reviewer@unodc.org", Role.reviewer)


def test_analyst_is_another_name_for_reviewer_and_public_is_nobodys_account() -> None:
    assert parse_role("Analyst") is Role.reviewer and Role("analyst") is Role.reviewer
    assert parse_role("assessor") is Role.assessor
    for bad in ("public", "owner"):
        with pytest.raises(InvalidInput) as refused:
            parse_role(bad)
        assert refused.value.code == "unknown-role"


@pytest.mark.parametrize(
    ("user", "action", "country", "allowed"),
    [
        (FP, Action.upload, "FRA", True),
        (FP, Action.upload, "MEX", True),
        (FP, Action.upload, "CHL", False),
        (FP, Action.view_submission, "CHL", False),
        (FP, Action.record_assessment, "FRA", False),
        (ASSESSOR, Action.record_assessment, "CHL", True),
        (ASSESSOR, Action.view_assessment, "CHL", True),
        (ASSESSOR, Action.record_assessment, "FRA", False),
        (ASSESSOR, Action.view_submission, "CHL", False),
        (ASSESSOR, Action.upload, "CHL", False),
        (ASSESSOR, Action.read_published, None, True),
        (REVIEWER, Action.view_assessment, "CHL", True),
        (REVIEWER, Action.record_assessment, "CHL", False),
        (REVIEWER, Action.read_audit, None, False),
        (ANONYMOUS, Action.read_published, None, True),
        (ANONYMOUS, Action.view_submission, "FRA", False),
        (ANONYMOUS, Action.upload, "FRA", False),
    ],
)
def test_permissions_of_the_new_roles(user: User, action: Action, country: str | None, allowed: bool) -> None:
    assert may(user, action, country) is allowed


def test_refusals_name_the_countries_and_anonymous_is_unauthenticated() -> None:
    with pytest.raises(PermissionDenied) as other:
        authorize(FP, Action.submit, "CHL")
    assert str(other.value).startswith("focal-point fp@interieur.gouv.fr (FRA, MEX) may not submit for CHL")
    assert "its own countries (FRA, MEX)" in str(other.value)
    with pytest.raises(PermissionDenied) as assessing:
        authorize(ASSESSOR, Action.record_assessment, "FRA")
    assert "an assessor acts only for its own country (CHL)" in str(assessing.value)
    with pytest.raises(PermissionDenied) as role:
        authorize(REVIEWER, Action.record_assessment, "FRA")
    assert "that needs the role admin or assessor (the assessor of FRA)" in str(role.value)
    with pytest.raises(Unauthenticated) as anonymous:
        authorize(ANONYMOUS, Action.view_submission, "FRA")
    assert anonymous.value.status == 401 and "/login" in str(anonymous.value)


def test_users_are_bound_to_several_countries_and_can_be_deactivated(store: Store) -> None:
    admin, _ = add_user(store, None, "admin@unodc.org", Role.admin)
    fp, token = add_user(
        store, admin, "fp@interieur.gouv.fr", Role.focal_point, countries=["fra", "Mexico"], name="FP"
    )
    assert fp.countries == ("FRA", "MEX") and fp.country is None
    assessor, _ = add_user(store, admin, "a@unodc.org", Role.assessor, country="CHL")
    assert assessor.countries == ("CHL",) and assessor.country == "CHL"
    with pytest.raises(InvalidInput) as missing:
        add_user(store, admin, "b@unodc.org", Role.assessor)
    assert missing.value.code == "missing-country"
    with pytest.raises(InvalidInput) as public:
        add_user(store, admin, "c@unodc.org", Role.public)
    assert public.value.code == "unknown-role"

    changed = set_countries(store, admin, fp.email, add=["CHL"], remove=["FRA"])
    assert changed.countries == ("CHL", "MEX") and get_user(store, fp.email).countries == ("CHL", "MEX")
    with pytest.raises(InvalidInput) as none_left:
        set_countries(store, admin, fp.email, remove=["CHL", "MEX"])
    assert none_left.value.code == "missing-country"
    with pytest.raises(InvalidInput) as reviewer_country:
        reviewer, _ = add_user(store, admin, "r@unodc.org", Role.reviewer)
        set_countries(store, admin, reviewer.email, add=["FRA"])
    assert reviewer_country.value.code == "unexpected-country"
    with pytest.raises(PermissionDenied):
        set_countries(store, fp, fp.email, add=["FRA"])
    assert {u.email: u.countries for u in list_users(store)}["fp@interieur.gouv.fr"] == ("CHL", "MEX")

    assert user_for_token(store, token) == get_user(store, fp.email)
    set_active(store, admin, fp.email, False)
    with pytest.raises(Unauthenticated):
        user_for_token(store, token)
    with pytest.raises(InvalidInput) as itself:
        set_active(store, admin, admin.email, False)
    assert itself.value.code == "self-deactivation"
    assert set_active(store, admin, fp.email, True).active
    assert user_for_token(store, token).email == fp.email
