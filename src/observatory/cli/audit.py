"""``observatory audit list``, and the audit row of every CLI command that changes data.

A changing command names the user it acts as (``--user``); :func:`note_actor` remembers them when the
command resolves that user, and :func:`record_command` (called by the CLI boundary in ``cli/main.py``
once the command has ended) writes one audit row: the command path as the action, ``--country`` as the
country, the whole command line as the request, and the outcome (ok, refused, invalid or error).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from observatory.auth import User
from observatory.auth.audit import Outcome, list_entries, outcome_of, record
from observatory.cli.options import JsonOpt, open_store, out, print_json
from observatory.errors import InvalidInput, ObservatoryError
from observatory.store.db import Store

audit_app = typer.Typer(help="The audit log of every write (admins only).", no_args_is_help=True)
COUNTRY_OPTIONS = ("--country", "-c")


@dataclass
class _Pending:
    store: Store | None = None
    user: User | None = None
    actors: list[User | None] = field(default_factory=list)


_pending = _Pending()


def note_actor(store: Store, user: User | None) -> None:
    """This command changes data, acting as ``user`` (None: the bootstrap of the first admin)."""
    _pending.store, _pending.user = store, user
    _pending.actors.append(user)


def forget() -> None:
    """Drop whatever an earlier command noted (a command that ended without being recorded)."""
    _pending.store, _pending.user, _pending.actors = None, None, []


def _command_path(args: list[str]) -> tuple[str, list[str]]:
    """``review publish`` and the rest of the arguments, from ``review publish --country FRA``."""
    from observatory.cli.main import app  # the command tree, imported late (main imports this module)

    group = typer.main.get_command(app)
    words: list[str] = []
    rest = [a for a in args if a != "--debug"]
    while rest and getattr(group, "commands", None) and rest[0] in group.commands:  # type: ignore[attr-defined]
        words.append(rest[0])
        group = group.commands[rest.pop(0)]  # type: ignore[attr-defined]
    return " ".join(words), rest


def _country(args: list[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg in COUNTRY_OPTIONS and i + 1 < len(args):
            return args[i + 1].upper()
        if arg.startswith("--country="):
            return arg.split("=", 1)[1].upper()
    return None


def record_command(args: list[str], error: ObservatoryError | None) -> None:
    """Write the audit row of the command that just ended, if it changed (or tried to change) data."""
    store = _pending.store
    if store is None or not _pending.actors:
        return
    action, rest = _command_path(args)
    status = 200 if error is None else error.status
    try:
        record(
            store,
            user=_pending.user,
            via="cli",
            action=action,
            request="observatory " + shlex.join(args),
            outcome=Outcome.ok if error is None else outcome_of(status),
            country=_country(rest),
            status=status,
            detail=str(error) if error is not None else None,
        )
    finally:
        forget()


def _when(text: str | None, option: str) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{option} {text!r} is not a date or time; expected 2026-05-01 or 2026-05-01T12:00:00+00:00",
            code="invalid-date",
        ) from None


@audit_app.command("list")
def list_command(
    user: Annotated[
        str | None,
        typer.Option("--user", "-u", envvar="OBSERVATORY_USER", help="Act as this admin (e-mail)."),
    ] = None,
    who: Annotated[str | None, typer.Option("--who", help="Only this user's rows (e-mail).")] = None,
    country: Annotated[str | None, typer.Option("--country", "-c", help="Only this country.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date or time (ISO 8601).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before this date or time.")] = None,
    outcome: Annotated[
        Outcome | None, typer.Option("--outcome", help="ok, refused, invalid or error.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="Rows to show.")] = 50,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Rows to skip.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Show the audit log, newest first."""
    from observatory.cli.users import acting_user

    store = open_store()
    entries, count = list_entries(
        store,
        acting_user(store, user, changes=False),
        user=who,
        country=country,
        since=_when(since, "--since"),
        until=_when(until, "--until"),
        outcome=outcome.value if outcome else None,
        limit=limit,
        offset=offset,
    )
    if as_json:
        print_json({"data": [e.to_dict() for e in entries], "count": count, "limit": limit, "offset": offset})
        return
    table = Table(title=f"{len(entries)} of {count} audit rows")
    for col in ("at", "who", "via", "action", "country", "target", "outcome", "request"):
        table.add_column(col)
    for e in entries:
        who_text = f"{e.email or '-'} ({e.role})" if e.role else (e.email or "-")
        table.add_row(
            e.at.isoformat(timespec="seconds"),
            who_text,
            e.via,
            e.action,
            e.country or "",
            e.target or "",
            f"{e.outcome} {e.status or ''}".strip(),
            e.request,
        )
    out.print(table)
