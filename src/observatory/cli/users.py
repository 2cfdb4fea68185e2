"""``observatory user ...``: users, API tokens, and who the CLI acts as (``--user``, ``OBSERVATORY_USER``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from observatory.auth import (
    Role,
    Unauthenticated,
    User,
    add_user,
    get_user,
    issue_token,
    list_users,
    user_count,
)
from observatory.cli.options import JsonOpt, console, open_store, out, print_json
from observatory.store.db import Store

UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user", "-u", envvar="OBSERVATORY_USER", help="Act as this user (e-mail); OBSERVATORY_USER."
    ),
]
user_app = typer.Typer(
    help="Users (admin, reviewer, focal-point) and their API tokens.", no_args_is_help=True
)


def acting_user(store: Store, email: str | None) -> User:
    """The user a changing command acts as; Unauthenticated if none is named."""
    if not email:
        raise Unauthenticated(
            "this command changes data: name the user you act as with --user EMAIL or OBSERVATORY_USER"
        )
    return get_user(store, email)


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "country": user.country,
        "name": user.name,
    }


@user_app.command("add")
def add_command(
    email: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    role: Annotated[Role, typer.Option("--role", help="admin, reviewer or focal-point.")],
    country: Annotated[
        str | None, typer.Option("--country", "-c", help="ISO3 of the country a focal point acts for.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Full name.")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a user and print its API token once (the first user, an admin, needs no --user)."""
    store = open_store()
    acting = acting_user(store, user) if user or user_count(store) else None
    created, token = add_user(store, acting, email, role, country=country, name=name)
    if as_json:
        print_json({**user_json(created), "token": token})
        return
    out.print(f"Added {created.describe()}.", highlight=False)
    out.print(f"API token (shown once, keep it safe): {token}", highlight=False, markup=False)


@user_app.command("list")
def list_command(as_json: JsonOpt = False) -> None:
    """List users."""
    users = list_users(open_store())
    if as_json:
        print_json({"data": [user_json(u) for u in users], "count": len(users)})
        return
    table = Table(title=f"{len(users)} users")
    for col in ("email", "role", "country", "name"):
        table.add_column(col)
    for u in users:
        table.add_row(u.email, u.role.value, u.country or "", u.name or "")
    out.print(table)


@user_app.command("token")
def token_command(
    email: Annotated[str, typer.Argument(help="Whose token: yourself, or anyone for an admin.")],
    user: UserOpt = None,
) -> None:
    """Issue a new API token (printed once); earlier tokens keep working."""
    store = open_store()
    token = issue_token(store, acting_user(store, user), email)
    console.print(f"New API token for {email} (shown once):", highlight=False)
    out.print(token, highlight=False, markup=False)
