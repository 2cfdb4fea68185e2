"""Users, roles, passwords, sessions, API tokens, the audit log, and the one authorization check.

* ``roles``: the roles (admin, reviewer alias analyst, focal point, assessor, public), the actions,
  :class:`User`, :func:`may` and :func:`authorize`, which the service functions call (so the CLI and the
  API share it); it raises :class:`PermissionDenied` naming the role, the action and the country.
* ``accounts``: users, the countries focal points and assessors act for, API tokens (SHA-256 stored).
* ``passwords``: Argon2id hashes; ``sessions``: sign-in, server-side sessions with a CSRF token each;
  ``throttle``: refusing sign-in after too many failures; ``audit``: the log of every write.
"""

from __future__ import annotations

from observatory.auth.accounts import (
    TokenUser,
    add_user,
    country_code,
    emails,
    get_user,
    hash_token,
    issue_token,
    list_users,
    load_user,
    parse_role,
    set_active,
    set_countries,
    token_user,
    user_count,
    user_for_token,
)
from observatory.auth.roles import (
    ANONYMOUS,
    ASSESSOR_ACTIONS,
    FOCAL_POINT_ACTIONS,
    PUBLIC_ACTIONS,
    REVIEWER_ACTIONS,
    ROLE_ACTIONS,
    Action,
    Role,
    Unauthenticated,
    User,
    authorize,
    countries_of,
    may,
)

__all__ = [
    "ANONYMOUS",
    "ASSESSOR_ACTIONS",
    "FOCAL_POINT_ACTIONS",
    "PUBLIC_ACTIONS",
    "REVIEWER_ACTIONS",
    "ROLE_ACTIONS",
    "Action",
    "Role",
    "TokenUser",
    "Unauthenticated",
    "User",
    "add_user",
    "authorize",
    "countries_of",
    "country_code",
    "emails",
    "get_user",
    "hash_token",
    "issue_token",
    "list_users",
    "load_user",
    "may",
    "parse_role",
    "set_active",
    "set_countries",
    "token_user",
    "user_count",
    "user_for_token",
]
