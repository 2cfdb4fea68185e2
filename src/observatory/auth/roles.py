"""Roles, actions, the user as the rest of the code sees it, and the one authorization check.

Five roles: an **admin** may do everything; a **reviewer** (UNODC analyst; ``analyst`` is accepted as
another name) runs rounds, reviews, validates and publishes for every country; a **focal point** and an
**assessor** are bound to one or more countries and act for those only (a focal point uploads, edits,
submits and answers queries; an assessor records standards-and-norms compliance assessments); the
**public** is whoever is not signed in and reads published data only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from observatory.errors import PermissionDenied


class Role(StrEnum):
    admin = "admin"
    reviewer = "reviewer"
    focal_point = "focal-point"
    assessor = "assessor"
    public = "public"

    @classmethod
    def _missing_(cls, value: object) -> Role | None:
        """``analyst`` is the issue's name for a reviewer."""
        return cls.reviewer if isinstance(value, str) and value.strip().lower() == "analyst" else None

    @property
    def scoped(self) -> bool:
        """Whether users of this role act only for the countries they are bound to."""
        return self in (Role.focal_point, Role.assessor)


class Action(StrEnum):
    """Everything that needs a permission, named as the messages show it."""

    read_published = "read published data"
    manage_users = "manage users"
    read_audit = "read the audit log"
    open_round = "open a round"
    manage_focal_points = "register focal points"
    view_focal_points = "see focal points"
    track_round = "record dispatch, reminders and extensions"
    download_workbook = "download the workbook"
    view_submission = "see the submission"
    upload = "upload files"
    edit_value = "edit values"
    submit = "submit"
    check = "run the validation"
    answer_query = "answer queries"
    start_review = "start the review"
    raise_query = "raise queries"
    close_query = "close queries"
    request_changes = "request changes"
    validate = "validate"
    publish = "publish"
    edit_correspondence = "propose or edit a correspondence table"
    review_correspondence = "confirm, correct or dispute correspondence links"
    view_assessment = "see standards-and-norms assessments"
    record_assessment = "record standards-and-norms assessments"
    manage_assistance = "manage the technical-assistance portfolio"


PUBLIC_ACTIONS = frozenset({Action.read_published})
# What a focal point may do, for its own countries only.
FOCAL_POINT_ACTIONS = PUBLIC_ACTIONS | {
    Action.view_focal_points,
    Action.download_workbook,
    Action.view_submission,
    Action.upload,
    Action.edit_value,
    Action.submit,
    Action.check,
    Action.answer_query,
    Action.edit_correspondence,
}
# What an assessor may do, for its own countries only.
ASSESSOR_ACTIONS = PUBLIC_ACTIONS | {Action.view_assessment, Action.record_assessment}
# What a reviewer may do, for every country.
REVIEWER_ACTIONS = PUBLIC_ACTIONS | {
    Action.open_round,
    Action.manage_focal_points,
    Action.view_focal_points,
    Action.track_round,
    Action.download_workbook,
    Action.view_submission,
    Action.check,
    Action.start_review,
    Action.raise_query,
    Action.close_query,
    Action.request_changes,
    Action.validate,
    Action.publish,
    Action.edit_correspondence,
    Action.review_correspondence,
    Action.view_assessment,
    Action.manage_assistance,
}
ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.admin: frozenset(Action),
    Role.reviewer: REVIEWER_ACTIONS,
    Role.focal_point: FOCAL_POINT_ACTIONS,
    Role.assessor: ASSESSOR_ACTIONS,
    Role.public: PUBLIC_ACTIONS,
}


class Unauthenticated(PermissionDenied):
    """No credentials, or credentials that do not name an active user."""

    code = "unauthenticated"
    status = 401


@dataclass(frozen=True)
class User:
    id: int
    email: str
    role: Role
    countries: tuple[str, ...] = ()
    name: str | None = None
    active: bool = True

    @property
    def country(self) -> str | None:
        """The country of a user bound to exactly one, else None."""
        return self.countries[0] if len(self.countries) == 1 else None

    @property
    def anonymous(self) -> bool:
        return self.role is Role.public

    def describe(self) -> str:
        """``focal-point ana@example.org (FRA, MEX)``: the role first, as permission messages name it."""
        if self.anonymous:
            return "an anonymous visitor"
        scope = f" ({', '.join(self.countries)})" if self.countries else ""
        return f"{self.role.value} {self.email}{scope}"


ANONYMOUS = User(0, "", Role.public)


def may(user: User, action: Action, country: str | None = None) -> bool:
    """Whether ``user`` may take ``action`` (for ``country``, when the action concerns one)."""
    if not user.active or action not in ROLE_ACTIONS[user.role]:
        return False
    if user.role.scoped and action not in PUBLIC_ACTIONS:
        return country is None or country in user.countries
    return True


def authorize(user: User, action: Action, country: str | None = None) -> None:
    """Return if ``user`` may take ``action`` for ``country``; raise :class:`PermissionDenied` if not.

    An anonymous user is refused with :class:`Unauthenticated` (401): signing in may help.
    """
    if may(user, action, country):
        return
    target = f" for {country}" if country else ""
    if user.anonymous:
        raise Unauthenticated(
            f"sign in to {action.value}{target}: send `Authorization: Bearer <token>` or sign in at /login"
        )
    if not user.active:
        reason = "the account is deactivated"
    elif user.role.scoped and action in ROLE_ACTIONS[user.role]:
        noun = "a focal point" if user.role is Role.focal_point else "an assessor"
        own = "country" if len(user.countries) == 1 else "countries"
        reason = f"{noun} acts only for its own {own} ({', '.join(user.countries)})"
    else:
        allowed = [r.value for r in Role if action in ROLE_ACTIONS[r] and r is not Role.public]
        reason = f"that needs the role {' or '.join(allowed)}"
        scoped = [r for r in (Role.focal_point, Role.assessor) if r.value in allowed]
        if scoped and country:
            reason += f" (the {scoped[0].value.replace('-', ' ')} of {country})"
    raise PermissionDenied(f"{user.describe()} may not {action.value}{target}: {reason}")


def countries_of(user: User) -> tuple[str, ...] | None:
    """The countries a user's reading is limited to (None: every country)."""
    return user.countries if user.role.scoped else None
