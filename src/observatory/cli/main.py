"""The ``observatory`` command."""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer
from rich.markup import escape

from observatory.cli import audit, coding, collection, correspondence, data, reference, review, users
from observatory.cli.assistance import assistance_app
from observatory.cli.indicators import indicators_app
from observatory.cli.norms import norms_app
from observatory.cli.options import console, open_store, out, print_json, state
from observatory.cli.report import report_app
from observatory.cli.survey import survey_app
from observatory.errors import ErrorEnvelope, ObservatoryError
from observatory.settings import Settings

app = typer.Typer(
    name="observatory",
    help="Crime and criminal-justice statistics: import, publish, explore and serve.",
    no_args_is_help=False,
    add_completion=False,
)
reference.iccs_app.add_typer(correspondence.correspondence_app, name="correspondence")
coding.register(reference.iccs_app)
app.add_typer(reference.iccs_app, name="iccs")
app.command("import")(data.import_command)
app.command("publish")(data.publish_command)
app.command("export")(data.export_command)
app.command("releases")(data.releases_command)
app.command("areas")(reference.areas_command)
app.add_typer(users.user_app, name="user")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(collection.round_app, name="round")
app.add_typer(collection.focal_app, name="focal-point")
app.add_typer(collection.workbook_app, name="workbook")
app.command("validate")(collection.validate_command)
app.command("submit")(collection.submit_command)
app.add_typer(review.submission_app, name="submission")
app.add_typer(review.review_app, name="review")
app.add_typer(indicators_app, name="indicators")
app.add_typer(survey_app, name="survey")
app.add_typer(norms_app, name="norms")
app.add_typer(assistance_app, name="assistance")
app.add_typer(report_app, name="report")


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Run a command; with none, serve the web app (like ``observatory serve``)."""
    state.debug = debug
    if ctx.invoked_subcommand is None:
        serve()


@app.command()
def init() -> None:
    """Create the embedded store (SQLite + Parquet releases) and bring its schema up to date."""
    store = open_store()
    out.print(f"Store ready: {store.settings.sqlalchemy_url.split('@')[-1]}")
    out.print(f"Originals and releases under {store.settings.resolved_data_dir}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the web app and the API (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from observatory.web.app import create_app

    settings = Settings()
    open_store().dispose()
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port)


def _report(exc: ObservatoryError, args: list[str]) -> None:
    """The one-line message on stderr (with the JSON envelope on stdout under ``--json``)."""
    if state.debug or "--debug" in args:
        traceback.print_exc()
    if "--json" in args:
        print_json(ErrorEnvelope.from_error(exc).to_dict())
    message = str(exc)
    if f"[{exc.code}]" not in message:  # import errors already name the problem code
        message += f" [{exc.code}]"
    console.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors, exit code 1, tracebacks only with --debug."""
    args = sys.argv[1:] if argv is None else argv
    audit.forget()  # nothing noted by an earlier command (in-process runs) is written for this one
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="observatory", standalone_mode=False)
    except ObservatoryError as exc:
        audit.record_command(args, exc)
        _report(exc, args)
        sys.exit(1)
    except typer.Abort:
        console.print("aborted")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors (Typer >= 0.26 vendors Click)
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            console.print(f"error: {escape(exc.format_message())}", highlight=False)
        sys.exit(exc.exit_code)
    audit.record_command(args, None)  # the audit row of a command that changed data
    # Outside standalone mode Typer returns the code of a ``typer.Exit`` (130 on Ctrl-C).
    if isinstance(result, int) and not isinstance(result, bool) and result:
        sys.exit(result)
