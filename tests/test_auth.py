"""Users, roles, API tokens and the authorization check."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from observatory.auth import (
    Action,
    Role,
    Unauthenticated,
    User,
    add_user,
    authorize,
    get_user,
    issue_token,
    list_users,
    may,
    user_for_token,
)
from observatory.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from observatory.store.db import Store
from observatory.store.tables import ApiTokenRow

ADMIN = User(1, "admin@unodc.org", Role.admin)
REVIEWER = User(2, "reviewer@unodc.org", Role.reviewer)
FRA = User(3, "fp@interieur.gouv.fr", Role.focal_point, ("FRA",))


def test_the_first_user_needs_no_user_and_must_be_an_admin(store: Store) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_user(store, None, "someone@unodc.org", Role.reviewer)
    assert refused.value.code == "bootstrap-admin"
    admin, token = add_user(store, None, "Admin@UNODC.org", Role.admin, name="First admin")
    assert admin.email == "admin@unodc.org" and admin.role is Role.admin and admin.country is None
    assert len(token) >= 40
    with pytest.raises(PermissionDenied) as later:
        add_user(store, None, "second@unodc.org", Role.admin)
    assert later.value.code == "unauthenticated"
    assert "--user" in str(later.value)


def test_only_the_token_hash_is_stored(store: Store) -> None:
    _, token = add_user(store, None, "admin@unodc.org", Role.admin)
    with store.session() as session:
        stored = session.scalars(select(ApiTokenRow.token_sha256)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored


def test_a_token_names_its_user_and_unknown_tokens_are_refused(store: Store) -> None:
    admin, _ = add_user(store, None, "admin@unodc.org", Role.admin)
    fp, token = add_user(store, admin, "fp@inegi.org.mx", Role.focal_point, country="mex")
    assert fp.country == "MEX"
    assert user_for_token(store, token) == fp
    second = issue_token(store, fp, fp.email)  # a user may give themself another token
    assert second != token and user_for_token(store, second) == fp
    with pytest.raises(Unauthenticated) as missing:
        user_for_token(store, None)
    assert missing.value.status == 401 and "Authorization: Bearer" in str(missing.value)
    with pytest.raises(Unauthenticated):
        user_for_token(store, token + "x")


def test_focal_points_need_a_country_and_others_must_not_have_one(store: Store) -> None:
    admin, _ = add_user(store, None, "admin@unodc.org", Role.admin)
    with pytest.raises(InvalidInput) as missing:
        add_user(store, admin, "fp@x.org", Role.focal_point)
    assert missing.value.code == "missing-country"
    with pytest.raises(InvalidInput) as unexpected:
        add_user(store, admin, "rev@unodc.org", Role.reviewer, country="FRA")
    assert unexpected.value.code == "unexpected-country"
    with pytest.raises(InvalidInput) as region:
        add_user(store, admin, "fp@x.org", Role.focal_point, country="Europe")
    assert region.value.code == "not-a-country"
    with pytest.raises(NotFound):
        add_user(store, admin, "fp@x.org", Role.focal_point, country="XYZ")
    with pytest.raises(InvalidInput):
        add_user(store, admin, "not an address", Role.reviewer)


def test_only_admins_manage_users(store: Store) -> None:
    admin, _ = add_user(store, None, "admin@unodc.org", Role.admin)
    reviewer, _ = add_user(store, admin, "reviewer@unodc.org", Role.reviewer)
    with pytest.raises(PermissionDenied) as refused:
        add_user(store, reviewer, "other@unodc.org", Role.reviewer)
    assert "reviewer reviewer@unodc.org may not manage users" in str(refused.value)
    with pytest.raises(Conflict):
        add_user(store, admin, "reviewer@unodc.org", Role.reviewer)
    with pytest.raises(PermissionDenied):
        issue_token(store, reviewer, admin.email)
    assert [u.email for u in list_users(store)] == ["admin@unodc.org", "reviewer@unodc.org"]
    with pytest.raises(NotFound) as unknown:
        get_user(store, "nobody@unodc.org")
    assert unknown.value.code == "unknown-user"


@pytest.mark.parametrize(
    ("user", "action", "country", "allowed"),
    [
        (ADMIN, Action.upload, "MEX", True),
        (ADMIN, Action.manage_users, None, True),
        (REVIEWER, Action.validate, "MEX", True),
        (REVIEWER, Action.publish, "FRA", True),
        (REVIEWER, Action.upload, "FRA", False),
        (REVIEWER, Action.answer_query, "FRA", False),
        (REVIEWER, Action.manage_users, None, False),
        (FRA, Action.upload, "FRA", True),
        (FRA, Action.answer_query, "FRA", True),
        (FRA, Action.upload, "MEX", False),
        (FRA, Action.view_submission, "MEX", False),
        (FRA, Action.validate, "FRA", False),
        (FRA, Action.publish, "FRA", False),
        (FRA, Action.open_round, None, False),
    ],
)
def test_permissions_by_role(user: User, action: Action, country: str | None, allowed: bool) -> None:
    assert may(user, action, country) is allowed


def test_refusals_name_the_role_the_action_and_the_country() -> None:
    with pytest.raises(PermissionDenied) as other_country:
        authorize(FRA, Action.upload, "MEX")
    message = str(other_country.value)
    assert message.startswith("focal-point fp@interieur.gouv.fr (FRA) may not upload files for MEX")
    assert "its own country (FRA)" in message
    assert other_country.value.status == 403 and other_country.value.code == "permission-denied"
    with pytest.raises(PermissionDenied) as role:
        authorize(REVIEWER, Action.upload, "FRA")
    assert "reviewer reviewer@unodc.org may not upload files for FRA" in str(role.value)
    assert "admin or focal-point (the focal point of FRA)" in str(role.value)
    with pytest.raises(PermissionDenied) as validate:
        authorize(FRA, Action.validate, "FRA")
    assert "may not validate for FRA: that needs the role admin or reviewer" in str(validate.value)
    inactive = User(9, "gone@unodc.org", Role.admin, active=False)
    with pytest.raises(PermissionDenied, match="deactivated"):
        authorize(inactive, Action.publish, "FRA")
