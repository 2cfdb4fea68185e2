"""``observatory iccs correspondence ...``: national offence lists mapped to ICCS, as versioned tables.

Changing commands act as ``--user`` (or ``OBSERVATORY_USER``) and are authorized like the API's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from observatory.catalog.iccs import load_iccs
from observatory.cli.options import JsonOpt, open_store, out, print_json
from observatory.cli.reference import _plain
from observatory.cli.users import UserOpt, acting_user
from observatory.iccs import correspondence as corr
from observatory.iccs.correspondence_io import TableFormat, read_counts
from observatory.iccs.correspondence_review import coder_for, draft, review
from observatory.iccs.coverage import coverage
from observatory.model.correspondence import Link, aggregate, apply
from observatory.reports.export import to_csv

correspondence_app = typer.Typer(
    help="Correspondence tables: national offences mapped to ICCS (import, review, apply).",
    no_args_is_help=True,
)
CountryOpt = Annotated[str, typer.Option("--country", "-c", help="ISO3 code of the country (MEX).")]
VersionOpt = Annotated[str, typer.Option("--version", help="Version of the table (2024-1).")]
NameOpt = Annotated[str, typer.Option("--name", help="Name of the table (Código Penal Federal).")]
CodeArg = Annotated[str, typer.Argument(help="National offence code.")]
CommentOpt = Annotated[str, typer.Option("--comment", "-m", help="Reviewer comment, kept in the history.")]
PreviousOpt = Annotated[
    str | None, typer.Option("--previous", help="The ICCS code of the link to act on (split offences).")
]


@correspondence_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="CSV or xlsx: national_code,label,...,iccs_code,share,status.")
    ],
    country: CountryOpt,
    name: NameOpt,
    version: VersionOpt,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a correspondence table as a new version (all or nothing)."""
    store = open_store()
    info = corr.import_table(
        store, acting_user(store, user), file, country=country, name=name, version=version
    )
    if as_json:
        print_json(_plain(info))
        return
    out.print(
        f"Imported {info.country} {info.version}: {info.offences} national offences, {info.links} links "
        f"({info.confirmed} confirmed)."
    )


@correspondence_app.command("export")
def export_command(
    country: CountryOpt,
    version: VersionOpt,
    fmt: Annotated[TableFormat, typer.Option("--format", help="csv or xlsx.")] = TableFormat.csv,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (stdout for CSV).")
    ] = None,
) -> None:
    """Export a table version (one row per link; formulas neutralised)."""
    data = corr.export_table(open_store(), country, version, fmt)
    if output is None:
        if fmt is TableFormat.xlsx:
            raise typer.BadParameter("xlsx needs --output FILE")
        typer.echo(data.decode("utf-8"), nl=False)
        return
    output.write_bytes(data)
    out.print(f"Wrote {output}")


@correspondence_app.command("list")
def list_command(
    country: Annotated[str | None, typer.Option("--country", "-c", help="Only this country.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List correspondence tables and their versions."""
    found = corr.list_tables(open_store(), country)
    if as_json:
        print_json({"data": [_plain(i) for i in found], "count": len(found)})
        return
    table = Table(title=f"{len(found)} correspondence tables")
    for col in ("country", "version", "name", "offences", "links", "confirmed", "created"):
        table.add_column(col)
    for i in found:
        table.add_row(
            i.country,
            i.version,
            i.name,
            str(i.offences),
            str(i.links),
            str(i.confirmed),
            f"{i.created_at:%Y-%m-%d}",
        )
    out.print(table)


@correspondence_app.command("show")
def show_command(country: CountryOpt, version: VersionOpt, as_json: JsonOpt = False) -> None:
    """Show a table version: each national offence, its kind of mapping and its links."""
    store = open_store()
    table = corr.load(store, country, version)
    kinds = table.kinds()
    if as_json:
        print_json(
            {
                "info": _plain(corr.info(store, country, version)),
                "offences": [{**_plain(o), "kind": kinds[o.code].value} for o in table.offences],
                "links": [_plain(link) for link in table.links],
                "history": [_plain(c) for c in corr.history(store, country, version)],
            }
        )
        return
    grid = Table(title=f"{table.country} {table.version}: {table.name}")
    for col in ("national code", "label", "kind", "ICCS", "share", "status", "comment"):
        grid.add_column(col)
    for offence in table.offences:
        links: list[Link | None] = list(table.links_of(offence.code)) or [None]
        for link in links:
            grid.add_row(
                offence.code,
                offence.label,
                kinds[offence.code].value,
                link.iccs_code if link else "",
                f"{link.share:g}" if link else "",
                link.status.value if link else "",
                link.comment if link else "",
            )
    out.print(grid)


@correspondence_app.command("coverage")
def coverage_command(
    country: CountryOpt,
    version: VersionOpt,
    counts: Annotated[Path | None, typer.Option("--counts", help="CSV national_code,count.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Share of national offences (and of counts) mapped, overall and per ICCS section."""
    table = corr.load(open_store(), country, version)
    report = coverage(table, load_iccs(), read_counts(counts) if counts else None)
    if as_json:
        print_json(_plain(report))
        return
    out.print(
        f"{report.mapped}/{report.offences} national offences mapped ({report.share_mapped:.1%}), "
        f"{report.confirmed} confirmed ({report.share_confirmed:.1%})"
    )
    if report.share_counts_mapped is not None:
        out.print(
            f"counts mapped: {report.share_counts_mapped:.1%} "
            f"(confirmed {report.share_counts_confirmed or 0:.1%})"
        )
    grid = Table(title="by ICCS section")
    for col in ("section", "title", "offences", "confirmed", "counts"):
        grid.add_column(col)
    for s in report.sections:
        grid.add_row(
            s.code,
            s.title,
            str(s.offences),
            str(s.offences_confirmed),
            "" if s.counts is None else f"{s.counts:g}",
        )
    out.print(grid)


@correspondence_app.command("apply")
def apply_command(
    country: CountryOpt,
    version: VersionOpt,
    counts: Annotated[Path, typer.Option("--counts", help="CSV national_code,count.")],
    level: Annotated[
        int | None, typer.Option("--level", min=1, max=3, help="Aggregate to ICCS level 1-3.")
    ] = None,
    as_json: JsonOpt = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write iccs_code,count CSV.")] = None,
) -> None:
    """Convert national counts to ICCS counts (splits applied, totals conserved, unmapped reported)."""
    table = corr.load(open_store(), country, version)
    result = apply(table, read_counts(counts))
    iccs = (
        aggregate(load_iccs(), result.iccs_counts, level)
        if level
        else dict(sorted(result.iccs_counts.items()))
    )
    rows: list[dict[str, Any]] = [{"iccs_code": code, "count": value} for code, value in iccs.items()]
    if output is not None:
        output.write_bytes(to_csv(rows, ["iccs_code", "count"]))
    if as_json:
        print_json(
            {
                "iccs_counts": iccs,
                "unmapped": result.unmapped,
                "total_in": result.total_in,
                "total_mapped": result.total_mapped,
                "problems": [p.to_dict() for p in result.problems],
            }
        )
        return
    grid = Table(title=f"ICCS counts ({result.total_mapped:g} of {result.total_in:g} mapped)")
    grid.add_column("ICCS")
    grid.add_column("count", justify="right")
    for row in rows:
        grid.add_row(str(row["iccs_code"]), f"{row['count']:g}")
    out.print(grid)
    for code, value in result.unmapped.items():
        out.print(f"  unmapped: {code} {value:g}", highlight=False, markup=False)


@correspondence_app.command("draft")
def draft_command(
    file: Annotated[Path, typer.Argument(help="CSV code,label,description: the national offence list.")],
    country: CountryOpt,
    name: NameOpt,
    version: VersionOpt,
    lang: Annotated[str, typer.Option("--lang", help="Language of the labels (en, es, fr).")] = "en",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Code a whole national list with the coding assistant into a draft table (status proposed)."""
    store = open_store()
    acting = acting_user(store, user)
    info = draft(
        store, acting, coder_for(store), file, country=country, name=name, version=version, lang=lang
    )
    if as_json:
        print_json(_plain(info))
        return
    out.print(f"Drafted {info.country} {info.version}: {info.links} of {info.offences} offences proposed.")


def _review(action: corr.LinkAction, **kwargs: Any) -> None:
    store = open_store()
    user = kwargs.pop("user")
    as_json = kwargs.pop("as_json")
    # No learner here: the coder is built per command and learns every confirmed mapping from the store.
    links = review(store, acting_user(store, user), action=action, **kwargs)
    if as_json:
        print_json({"data": [_plain(link) for link in links]})
        return
    for link in links:
        out.print(f"{link.national_code} -> {link.iccs_code} ({link.share:g}): {link.status.value}")


@correspondence_app.command("confirm")
def confirm_command(
    national_code: CodeArg,
    country: CountryOpt,
    version: VersionOpt,
    previous: PreviousOpt = None,
    comment: CommentOpt = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Confirm the mapping of one national offence (a reviewer or admin)."""
    _review(corr.LinkAction.confirmed, **locals())


@correspondence_app.command("correct")
def correct_command(
    national_code: CodeArg,
    country: CountryOpt,
    version: VersionOpt,
    iccs_code: Annotated[str, typer.Option("--iccs-code", help="The right ICCS code.")],
    previous: PreviousOpt = None,
    comment: CommentOpt = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Map one national offence to another ICCS code, confirmed."""
    _review(corr.LinkAction.corrected, **locals())


@correspondence_app.command("dispute")
def dispute_command(
    national_code: CodeArg,
    country: CountryOpt,
    version: VersionOpt,
    comment: CommentOpt,
    previous: PreviousOpt = None,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Dispute the mapping of one national offence, saying why."""
    _review(corr.LinkAction.disputed, **locals())
