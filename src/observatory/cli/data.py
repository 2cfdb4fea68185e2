"""Data commands: import, publish, export, releases."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from observatory.catalog.areas import load_areas
from observatory.cli.options import (
    AreaOpt,
    IndicatorOpt,
    JsonOpt,
    YearOpt,
    console,
    open_store,
    out,
    parse_years,
    print_json,
)
from observatory.collect.importing import ImportSummary, import_paths
from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.problem import group
from observatory.model.release import Release
from observatory.reports.export import ExportFormat, render
from observatory.warehouse.query import ObservationFilter, query_observations
from observatory.warehouse.release import COLUMNS, list_releases, publish


def area_code(text: str) -> str:
    """The platform code for any spelling of an area; ``NotFound`` with suggestions otherwise."""
    catalog = load_areas()
    found = catalog.resolve(text)
    return found.code if found is not None else catalog.get(text).code


def import_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to import.")],
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Import the valid rows; write rejected rows to a report."),
    ] = False,
    no_publish: Annotated[
        bool, typer.Option("--no-publish", help="Store only; do not publish a new release.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import UNODC data-portal exports, SDG database extracts or World Bank population files."""
    store = open_store()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,
    ) as bar:
        task = bar.add_task("reading", total=None)

        def progress(name: str, done: int, total: int) -> None:
            bar.update(
                task,
                description=f"reading {name}" if name else "stored",
                completed=done,
                total=total,
            )

        summary = import_paths(store, paths, skip_invalid=skip_invalid, progress=progress)
    release = None
    if summary.changed and not no_publish:
        release, _ = publish(store, note=f"after import of {len(summary.files)} file(s)")
    if as_json:
        print_json({**summary.to_dict(), "release": release.number if release else None})
        return
    _show_summary(summary)
    if release is not None:
        out.print(f"Published release {release.number} ({release.observations:,} observations).")
    elif not summary.changed:
        out.print("Nothing changed: every observation was already stored with the same value.")


def _show_summary(summary: ImportSummary) -> None:
    table = Table(title="Import")
    for col in ("file", "format", "rows", "new", "revised", "unchanged", "rejected", "warnings"):
        table.add_column(col, justify="left" if col in {"file", "format"} else "right")
    for f in summary.files:
        warnings = sum(1 for p in f.problems if p.severity == "warning")
        table.add_row(
            Path(f.file).name,
            f.format,
            f"{f.rows:,}",
            f"{f.inserted:,}",
            f"{f.updated:,}",
            f"{f.unchanged:,}",
            f"{f.rejected:,}",
            f"{warnings:,}",
        )
    out.print(table)
    for f in summary.files:
        grouped = group([p for p in f.problems if p.severity == "warning"])
        for p, count in grouped[:8]:
            times = f" (x{count:,}, first at row {p.row})" if count > 1 else ""
            out.print(f"  warning: {p.describe()}{times}", highlight=False, markup=False)
        if len(grouped) > 8:
            out.print(
                f"  ... and {len(grouped) - 8:,} more kinds of warning in "
                f"{Path(f.file).name} (use --json for all)",
                highlight=False,
            )
        if f.rejected_report:
            out.print(f"  rejected rows written to {f.rejected_report}", highlight=False)


def publish_command(note: Annotated[str | None, typer.Option(help="Release note.")] = None) -> None:
    """Publish the publishable observations as a new immutable release."""
    release, new = publish(open_store(), note=note)
    verb = "Published" if new else "Unchanged since"
    out.print(
        f"{verb} release {release.number}: {release.observations:,} observations, "
        f"sha256 {release.sha256[:12]}"
    )


def _release_json(release: Release) -> dict[str, Any]:
    """A release as the API's ``/api/v1/releases`` shows it."""
    return {
        "number": release.number,
        "name": release.name,
        "created_at": release.created_at.isoformat(),
        "observations": release.observations,
        "sha256": release.sha256,
        "note": release.note,
    }


def releases_command(as_json: JsonOpt = False) -> None:
    """List published releases."""
    releases = list_releases(open_store())
    if as_json:
        print_json({"data": [_release_json(r) for r in releases], "count": len(releases)})
        return
    table = Table(title="Releases")
    for col in ("number", "created", "observations", "sha256"):
        table.add_column(col)
    for r in releases:
        table.add_row(
            str(r.number),
            r.created_at.isoformat(timespec="seconds"),
            f"{r.observations:,}",
            r.sha256[:12],
        )
    out.print(table)


def export_command(
    area: AreaOpt = None,
    year: YearOpt = None,
    indicator: IndicatorOpt = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")] = (ExportFormat.csv),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write.")] = None,
) -> None:
    """Export published observations (CSV, JSON, Excel, SDMX-CSV or SDMX-ML 2.1) to stdout or a file."""
    if output is None and fmt is ExportFormat.xlsx and sys.stdout.isatty():
        raise InvalidInput("an Excel workbook is binary; give --output FILE.xlsx", code="missing-output")
    codes = tuple(area_code(a) for a in area or [])
    start, end = parse_years(year)
    flt = ObservationFilter(area=codes, variable=tuple(indicator or ()), year_from=start, year_to=end)
    page = query_observations(open_store(), flt)
    payload = render(page.data, fmt, COLUMNS)  # the header even when nothing matches
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(payload)
    except OSError as exc:
        raise InvalidInput(
            f"cannot write the export: {exc.strerror or exc}; give --output a path in an "
            "existing, writable folder",
            code="cannot-write-output",
            location=ErrorLocation(file=str(output)),
        ) from None
    console.print(f"{page.count:,} observations written to {output}")
