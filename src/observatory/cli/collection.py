"""Data-collection commands: rounds, focal points, workbooks, ``validate`` and ``submit``.

Commands that change data act as the user named by ``--user`` (or ``OBSERVATORY_USER``) and are authorized
like the API's; reading commands need no user. Every reading command prints JSON with ``--json``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from observatory.catalog.questionnaires import LATEST
from observatory.cli.options import JsonOpt, console, open_store, out, print_json
from observatory.cli.users import UserOpt, acting_user
from observatory.collect import rounds
from observatory.collect.dashboard import RoundDashboard, round_dashboard
from observatory.collect.submissions import SubmissionState, transition
from observatory.collect.uploads import check_files, upload
from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.problem import ValidationReport, group

CountryOpt = Annotated[str, typer.Option("--country", "-c", help="ISO3 code of the country (FRA, GBR_E_W).")]
RoundOpt = Annotated[int, typer.Option("--round", "-r", help="Round year (2026).")]
CommentOpt = Annotated[str | None, typer.Option("--comment", "-m", help="Why; kept with the step.")]
PathsArg = Annotated[list[Path], typer.Argument(help="Workbooks, long CSV or SDMX files.", exists=True)]

round_app = typer.Typer(help="UN-CTS rounds: open, dispatch, remind, extend, status.", no_args_is_help=True)
focal_app = typer.Typer(help="National focal points per country.", no_args_is_help=True)
workbook_app = typer.Typer(help="Questionnaire workbooks.", no_args_is_help=True)


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{option} {text!r} is not a date; write it as 2026-06-30", code="invalid-date"
        ) from None


@round_app.command("open")
def open_command(
    year: Annotated[int, typer.Argument(help="Round year.")],
    reference_years: Annotated[str, typer.Option("--reference-years", help="Years asked for: 2023,2024.")],
    deadline: Annotated[str, typer.Option("--deadline", help="Return deadline, 2026-06-30.")],
    questionnaire: Annotated[str, typer.Option("--questionnaire", help="Questionnaire version.")] = LATEST,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open a round."""
    store = open_store()
    rnd = rounds.open_round(
        store,
        acting_user(store, user),
        year,
        rounds.parse_reference_years(reference_years),
        parse_date(deadline, "--deadline"),
        questionnaire,
    )
    if as_json:
        print_json({**vars(rnd), "reference_years": list(rnd.reference_years)})
        return
    years = ", ".join(map(str, rnd.reference_years))
    out.print(
        f"Opened round {rnd.year} (questionnaire {rnd.questionnaire_version}; {years}; due {rnd.deadline})."
    )


@round_app.command("list")
def list_command(as_json: JsonOpt = False) -> None:
    """List rounds."""
    found = rounds.list_rounds(open_store())
    if as_json:
        data = [{**vars(r), "reference_years": list(r.reference_years)} for r in found]
        print_json({"data": data, "count": len(data)})
        return
    table = Table(title="Rounds")
    for col in ("year", "questionnaire", "reference years", "deadline", "opened by"):
        table.add_column(col)
    for r in found:
        years = ", ".join(map(str, r.reference_years))
        table.add_row(str(r.year), r.questionnaire_version, years, str(r.deadline), r.opened_by)
    out.print(table)


@round_app.command("status")
def status_command(
    year: Annotated[int, typer.Argument(help="Round year.")], as_json: JsonOpt = False
) -> None:
    """Response dashboard: status by country and section, timeliness, response rates by region."""
    board = round_dashboard(open_store(), year)
    if as_json:
        print_json(board.to_dict())
        return
    _show_dashboard(board)


def _show_dashboard(board: RoundDashboard) -> None:
    table = Table(title=f"Round {board.round.year}: {len(board.countries)} countries (as of {board.as_of})")
    for col in ("country", "status", *board.sections, "deadline", "timeliness", "reminders"):
        table.add_column(col)
    for c in board.countries:
        deadline = f"{c.deadline}{' (extended)' if c.extended else ''}"
        status = c.status.value if c.invited else f"{c.status.value} (not dispatched)"
        sections = [c.sections[s].value for s in board.sections]
        table.add_row(
            f"{c.name} ({c.country})", status, *sections, deadline, c.timeliness.value, str(c.reminders)
        )
    out.print(table)
    rates = Table(title="Response rates")
    for col in ("area", "invited", "responded", "rate"):
        rates.add_column(col, justify="left" if col == "area" else "right")
    for r in board.rates:
        indent = "" if r.level in {"world", "region"} else "  "
        rate = "–" if r.rate is None else f"{r.rate:.1f}%"
        rates.add_row(f"{indent}{r.name}", str(r.invited), str(r.responded), rate)
    out.print(rates)


@round_app.command("dispatch")
def dispatch_command(
    year: Annotated[int, typer.Argument(help="Round year.")],
    country: Annotated[
        list[str] | None, typer.Option("--country", "-c", help="Only these countries; repeatable.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="How it was sent.")] = None,
    user: UserOpt = None,
) -> None:
    """Record that the questionnaire went out (to every country with a focal point, by default)."""
    store = open_store()
    events = rounds.dispatch(store, acting_user(store, user), year, country or [], note=note)
    names = ", ".join(e.country for e in events) or "nobody new (every country has it already)"
    out.print(f"Round {year} dispatched to {names}.", highlight=False)


@round_app.command("remind")
def remind_command(
    year: Annotated[int, typer.Argument(help="Round year.")],
    country: CountryOpt,
    note: Annotated[str | None, typer.Option("--note", help="What was sent.")] = None,
    user: UserOpt = None,
) -> None:
    """Record a reminder sent to a country."""
    store = open_store()
    event = rounds.remind(store, acting_user(store, user), year, country, note=note)
    out.print(f"Reminder to {event.country} for round {year} recorded.")


@round_app.command("extend")
def extend_command(
    year: Annotated[int, typer.Argument(help="Round year.")],
    country: CountryOpt,
    deadline: Annotated[str, typer.Option("--deadline", help="New deadline, 2026-07-31.")],
    note: Annotated[str | None, typer.Option("--note", help="Why.")] = None,
    user: UserOpt = None,
) -> None:
    """Extend one country's deadline."""
    store = open_store()
    when = parse_date(deadline, "--deadline")
    event = rounds.extend(store, acting_user(store, user), year, country, when, note=note)
    out.print(f"Deadline of {event.country} for round {year} extended to {event.deadline}.")


# -- focal points --------------------------------------------------------------------------------------


@focal_app.command("add")
def focal_add_command(
    country: CountryOpt,
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    agency: Annotated[str, typer.Option("--agency", help="Ministry, police, statistical office, ...")],
    email: Annotated[str, typer.Option("--email", help="E-mail address.")],
    fallback: Annotated[
        bool, typer.Option("--fallback", help="A fallback contact, not the main one.")
    ] = False,
    status: Annotated[
        rounds.AppointmentStatus, typer.Option("--status", help="Appointment status.")
    ] = rounds.AppointmentStatus.appointed,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Register a focal point of a country."""
    store = open_store()
    fp = rounds.add_focal_point(
        store,
        acting_user(store, user),
        country=country,
        name=name,
        agency=agency,
        email=email,
        status=status,
        fallback=fallback,
    )
    if as_json:
        print_json(vars(fp))
        return
    out.print(f"Focal point {fp.id}: {fp.name} ({fp.agency}) for {fp.country}, {fp.status.value}.")


@focal_app.command("list")
def focal_list_command(
    country: Annotated[str | None, typer.Option("--country", "-c", help="Only this country.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List focal points."""
    found = rounds.list_focal_points(open_store(), country)
    if as_json:
        print_json({"data": [vars(f) for f in found], "count": len(found)})
        return
    table = Table(title=f"{len(found)} focal points")
    for col in ("id", "country", "name", "agency", "email", "status", "fallback"):
        table.add_column(col)
    for f in found:
        flag = "yes" if f.fallback else ""
        table.add_row(str(f.id), f.country, f.name, f.agency, f.email, f.status.value, flag)
    out.print(table)


@focal_app.command("update")
def focal_update_command(
    focal_point: Annotated[int, typer.Argument(help="Focal point id (see focal-point list).")],
    status: Annotated[rounds.AppointmentStatus | None, typer.Option("--status", help="New status.")] = None,
    fallback: Annotated[
        bool | None, typer.Option("--fallback/--main", help="Fallback contact, or the main one.")
    ] = None,
    user: UserOpt = None,
) -> None:
    """Change a focal point's appointment status or fallback flag."""
    store = open_store()
    fp = rounds.update_focal_point(
        store, acting_user(store, user), focal_point, status=status, fallback=fallback
    )
    out.print(f"Focal point {fp.id} ({fp.country}): {fp.status.value}{', fallback' if fp.fallback else ''}.")


# -- workbooks, validate, submit ---------------------------------------------------------------------


@workbook_app.command("generate")
def workbook_command(
    country: CountryOpt,
    round_year: RoundOpt,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (.xlsx).")] = None,
) -> None:
    """Write a country's questionnaire workbook, with its published figures pre-filled for reference."""
    name, data = rounds.workbook_for(open_store(), round_year, country)
    target = output or Path(name)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(
            f"cannot write the workbook: {exc.strerror or exc}; give --output a writable path",
            code="cannot-write-output",
            location=ErrorLocation(file=str(target)),
        ) from None
    console.print(f"Workbook for {country.upper()}, round {round_year}, written to {target}", highlight=False)


def show_problems(report: ValidationReport, limit: int = 40) -> None:
    """Problems located by file, sheet and cell (or row); repeated ones folded."""
    for p, count in group(report.problems)[:limit]:
        times = f" (x{count})" if count > 1 else ""
        out.print(f"{p.severity.value:7} {p.describe()}{times}", highlight=False, markup=False)
    if len(group(report.problems)) > limit:
        out.print(f"... and more (use --json for all {len(report.problems)} problems)", highlight=False)


def validate_command(
    paths: PathsArg,
    country: Annotated[
        str | None, typer.Option("--country", "-c", help="The files are this country's.")
    ] = None,
    round_year: Annotated[int | None, typer.Option("--round", "-r", help="The round they answer.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Parse and validate files without storing anything; exit 1 when there are errors."""
    report = check_files(open_store(), paths, country=country, round_year=round_year)
    if as_json:
        print_json(
            {
                "valid": report.valid,
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "counts": report.counts(),
                "stats": report.stats,
                "problems": [p.to_dict() for p in report.problems],
            }
        )
    else:
        show_problems(report)
        verdict = "valid" if report.valid else "NOT valid"
        out.print(
            f"{verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s).", highlight=False
        )
    if not report.valid:
        raise typer.Exit(1)


def submit_command(
    country: CountryOpt,
    round_year: RoundOpt,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to upload first (workbooks, long CSV, SDMX).", exists=True),
    ] = None,
    comment: CommentOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Upload files (all or nothing) and submit the country's return for review."""
    store = open_store()
    acting = acting_user(store, user)
    uploaded = upload(store, acting, round_year, country, paths) if paths else None
    if uploaded is not None and not as_json:
        c = uploaded.counts
        out.print(
            f"Uploaded {len(uploaded.files)} file(s): {c.inserted} new, {c.updated} changed, "
            f"{c.unchanged} unchanged values."
        )
        show_problems(uploaded.report)
    result = transition(store, acting, round_year, country, SubmissionState.submitted, comment)
    if as_json:
        print_json({"upload": uploaded.to_dict() if uploaded else None, "submission": result.to_dict()})
        return
    out.print(f"Submitted: {result.country}, round {result.round_year}, {result.values} values.")
