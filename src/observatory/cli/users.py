"""``observatory user ...``: users, their countries, passwords and API tokens, and who the CLI acts as
(``--user``, ``OBSERVATORY_USER``)."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from observatory.auth import (
    Unauthenticated,
    User,
    add_user,
    get_user,
    issue_token,
    list_users,
    parse_role,
    set_active,
    set_countries,
    user_count,
)
from observatory.auth.passwords import set_password
from observatory.cli.audit import note_actor
from observatory.cli.options import JsonOpt, console, open_store, out, print_json
from observatory.errors import InvalidInput
from observatory.store.db import Store

UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user", "-u", envvar="OBSERVATORY_USER", help="Act as this user (e-mail); OBSERVATORY_USER."
    ),
]
CountriesOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--country", "-c", help="ISO3 of a country the focal point or assessor acts for; repeatable."
    ),
]
user_app = typer.Typer(
    help="Users (admin, reviewer, focal-point, assessor), their countries, passwords and API tokens.",
    no_args_is_help=True,
)


def acting_user(store: Store, email: str | None, *, changes: bool = True) -> User:
    """The user a command acts as; Unauthenticated if none is named. A changing command is audited."""
    if not email:
        what = "changes data" if changes else "needs a user"
        raise Unauthenticated(
            f"this command {what}: name the user you act as with --user EMAIL or OBSERVATORY_USER"
        )
    user = get_user(store, email)
    if changes:
        note_actor(store, user)
    return user


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role.value,
        "country": user.country,
        "countries": list(user.countries),
        "name": user.name,
        "active": user.active,
    }


@user_app.command("add")
def add_command(
    email: Annotated[str, typer.Argument(help="The user's e-mail address.")],
    role: Annotated[
        str, typer.Option("--role", help="admin, reviewer (or analyst), focal-point or assessor.")
    ],
    country: CountriesOpt = None,
    name: Annotated[str | None, typer.Option("--name", help="Full name.")] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a user and print its API token once (the first user, an admin, needs no --user)."""
    store = open_store()
    if user or user_count(store):
        acting: User | None = acting_user(store, user)
    else:
        acting = None
        note_actor(store, None)  # the bootstrap of the first admin is audited too
    created, token = add_user(store, acting, email, parse_role(role), countries=country or [], name=name)
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
    for col in ("email", "role", "countries", "name", "active"):
        table.add_column(col)
    for u in users:
        table.add_row(
            u.email, u.role.value, ", ".join(u.countries), u.name or "", "yes" if u.active else "no"
        )
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


@user_app.command("countries")
def countries_command(
    email: Annotated[str, typer.Argument(help="A focal point or an assessor.")],
    add: Annotated[
        list[str] | None, typer.Option("--add", "-a", help="A country to act for as well; repeatable.")
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", "-r", help="A country to act for no more; repeatable.")
    ] = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the countries a focal point or assessor acts for; with --add/--remove change them (admins)."""
    store = open_store()
    if add or remove:
        target = set_countries(store, acting_user(store, user), email, add=add or [], remove=remove or [])
    else:
        target = get_user(store, email)
    if as_json:
        print_json(user_json(target))
        return
    shown = ", ".join(target.countries) or f"every country (a {target.role.value})"
    out.print(f"{target.email} acts for: {shown}", highlight=False)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InvalidInput(
                "--password-stdin: nothing was read from standard input", code="missing-password"
            )
        return line.rstrip("\r\n")
    password: str = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("password")
def password_command(
    email: Annotated[str, typer.Argument(help="Whose password: yourself, or anyone for an admin.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    user: UserOpt = None,
) -> None:
    """Set a password for signing in to the web pages (asked twice, or read from stdin); only its
    Argon2 hash is stored."""
    store = open_store()
    acting = acting_user(store, user)
    target = set_password(store, acting, email, _read_password(password_stdin))
    out.print(f"Password set for {target.email}; sign in at /login.", highlight=False)


@user_app.command("deactivate")
def deactivate_command(
    email: Annotated[str, typer.Argument(help="The user to deactivate.")],
    user: UserOpt = None,
) -> None:
    """Deactivate an account (admins): its tokens, password and sessions stop working at once."""
    store = open_store()
    target = set_active(store, acting_user(store, user), email, False)
    out.print(f"Deactivated {target.describe()}.", highlight=False)


@user_app.command("activate")
def activate_command(
    email: Annotated[str, typer.Argument(help="The user to reactivate.")],
    user: UserOpt = None,
) -> None:
    """Reactivate a deactivated account (admins)."""
    store = open_store()
    target = set_active(store, acting_user(store, user), email, True)
    out.print(f"Reactivated {target.describe()}.", highlight=False)
