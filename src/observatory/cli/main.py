"""The ``observatory`` command."""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import click
import typer
from rich.markup import escape

from observatory.cli import data, reference
from observatory.cli.options import console, open_store, out, state
from observatory.errors import ObservatoryError
from observatory.settings import Settings

app = typer.Typer(
    name="observatory",
    help="Crime and criminal-justice statistics: import, publish, explore and serve.",
    no_args_is_help=False,
    add_completion=False,
)
app.add_typer(reference.iccs_app, name="iccs")
app.command("import")(data.import_command)
app.command("publish")(data.publish_command)
app.command("export")(data.export_command)
app.command("releases")(data.releases_command)
app.command("areas")(reference.areas_command)


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


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors, exit code 1, tracebacks only with --debug."""
    args = sys.argv[1:] if argv is None else argv
    command = typer.main.get_command(app)
    try:
        command.main(args=args, prog_name="observatory", standalone_mode=False)
    except ObservatoryError as exc:
        if state.debug or "--debug" in args:
            traceback.print_exc()
        console.print(
            f"[red]error:[/red] {escape(str(exc))} \\[{exc.code}]", highlight=False, soft_wrap=True
        )
        sys.exit(1)
    except click.exceptions.Abort:
        console.print("aborted")
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
