"""``observatory assistance ...``: the technical-assistance portfolio (projects, summaries, IATI XML).

Changing commands (import, rate, fill) act as ``--user`` (or ``OBSERVATORY_USER``) and need an admin or a
reviewer, as the API does. ``--json`` prints the API's shape.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from observatory.assistance.iati import ReportingOrg, iati_xml
from observatory.assistance.portfolio import (
    export_portfolio,
    get_project,
    history,
    import_portfolio,
    list_projects,
)
from observatory.assistance.statistics import fill_from_statistics
from observatory.assistance.summary import (
    SummaryBy,
    add_rate,
    money,
    parse_rate,
    rates_for_summary,
    stored_rates,
    summarize,
)
from observatory.assistance.table import TableFormat
from observatory.cli.options import JsonOpt, open_store, out, print_json
from observatory.cli.users import UserOpt, acting_user
from observatory.model.assistance import ExchangeRate, Status, Theme

assistance_app = typer.Typer(
    help="The technical-assistance portfolio: projects, results, summaries, IATI export.",
    no_args_is_help=True,
)
CountryOpt = Annotated[str | None, typer.Option("--country", "-c", help="Only projects in this country.")]
ThemeOpt = Annotated[Theme | None, typer.Option("--theme", help="Only projects with this theme.")]
StatusOpt = Annotated[Status | None, typer.Option("--status", help="Only projects with this status.")]
YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="Only projects running in this year.")]
RegionOpt = Annotated[str | None, typer.Option("--region", help="Only projects of this M49 region.")]
CodeArg = Annotated[str, typer.Argument(help="Project code.")]


@assistance_app.command("list")
def list_command(
    country: CountryOpt = None,
    theme: ThemeOpt = None,
    status: StatusOpt = None,
    year: YearOpt = None,
    region: RegionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List projects (current versions), with filters."""
    found = list_projects(open_store(), country=country, theme=theme, status=status, year=year, region=region)
    if as_json:
        print_json({"data": [s.to_dict() for s in found], "count": len(found)})
        return
    table = Table(title=f"{len(found)} projects")
    for col in ("code", "title", "countries", "themes", "budget", "start", "end", "status", "rev"):
        table.add_column(col)
    for s in found:
        p = s.project
        table.add_row(
            p.code,
            p.title,
            ", ".join(p.countries) or (p.region or ""),
            ", ".join(t.value for t in p.themes),
            money(p.budget.amount, p.budget.currency),
            str(p.start or ""),
            str(p.end or ""),
            p.status.value,
            str(s.revision),
        )
    out.print(table)


@assistance_app.command("show")
def show_command(code: CodeArg, as_json: JsonOpt = False) -> None:
    """One project: partners, budget, results framework, gaps and its revision history."""
    store = open_store()
    stored = get_project(store, code)
    revisions = history(store, code)
    if as_json:
        print_json({**stored.to_dict(), "history": [r.to_dict() | {"project": None} for r in revisions]})
        return
    p = stored.project
    out.print(
        f"[bold]{p.code}[/bold] {p.title} ({p.status.value}, revision {stored.revision})", highlight=False
    )
    out.print(f"Countries: {', '.join(p.countries) or '-'}; region: {p.region or '-'}", highlight=False)
    out.print(
        f"Themes: {', '.join(t.label for t in p.themes)}; clusters: {', '.join(c.label for c in p.clusters)}"
    )
    out.print(f"Budget: {money(p.budget.amount, p.budget.currency)}; {p.start or '?'} to {p.end or '?'}")
    for partner in p.partners:
        out.print(f"{partner.role.value}: {partner.name}", highlight=False)
    grid = Table(title="Results framework")
    for col in ("ref", "indicator", "link", "baseline", "year", "target", "actual", "source"):
        grid.add_column(col)
    for item in p.indicators:
        base = f"{item.baseline} ({item.baseline_year})" if item.baseline is not None else ""
        for period in item.periods or (None,):
            grid.add_row(
                item.ref,
                item.title,
                item.link,
                base,
                str(period.year) if period else "",
                str(period.target if period and period.target is not None else ""),
                str(period.actual if period and period.actual is not None else ""),
                period.actual_source.describe() if period and period.actual_source else "",
            )
    out.print(grid)
    if p.gaps:
        out.print(f"Gaps addressed: {', '.join(p.gaps)}")
    for r in revisions:
        out.print(f"revision {r.revision}: {r.at:%Y-%m-%d %H:%M} {r.user or ''} {r.comment}", highlight=False)


@assistance_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV or xlsx, one row per project, indicator and period.")],
    comment: Annotated[str, typer.Option("--comment", "-m", help="Why, kept with each revision.")] = "",
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import projects (all or nothing): new ones are created, changed ones get a new revision."""
    store = open_store()
    result = import_portfolio(store, acting_user(store, user), file, comment=comment)
    if as_json:
        print_json(result.to_dict())
        return
    out.print(
        f"Imported {file.name}: {len(result.saved)} projects ({result.count('created')} created, "
        f"{result.count('updated')} updated, {result.count('unchanged')} unchanged).",
        highlight=False,
    )


@assistance_app.command("export")
def export_command(
    fmt: Annotated[TableFormat, typer.Option("--format", help="csv or xlsx.")] = TableFormat.csv,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (stdout for CSV).")] = None,
    country: CountryOpt = None,
    theme: ThemeOpt = None,
    status: StatusOpt = None,
    year: YearOpt = None,
    region: RegionOpt = None,
) -> None:
    """Export projects in the import shape (formulas neutralised)."""
    data = export_portfolio(
        list_projects(open_store(), country=country, theme=theme, status=status, year=year, region=region),
        fmt,
    )
    if output is None:
        if fmt is TableFormat.xlsx:
            raise typer.BadParameter("xlsx needs --output FILE")
        typer.echo(data.decode("utf-8"), nl=False)
        return
    output.write_bytes(data)
    out.print(f"Wrote {output}")


@assistance_app.command("summary")
def summary_command(
    by: Annotated[
        SummaryBy | None, typer.Option("--by", help="Group by region, theme, country or year.")
    ] = None,
    rate: Annotated[
        list[str] | None,
        typer.Option("--rate", help="USD per unit, EUR=1.08 (repeatable); else stored rates."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Use stored rates dated up to this day.")
    ] = None,
    country: CountryOpt = None,
    theme: ThemeOpt = None,
    status: StatusOpt = None,
    year: YearOpt = None,
    region: RegionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """'N projects in M countries with a total pledged budget of $X', overall and by group."""
    store = open_store()
    given = [parse_rate(text) for text in rate or []]
    rates = rates_for_summary(store, given, as_of=date.fromisoformat(as_of) if as_of else None)
    projects = [
        s.project
        for s in list_projects(store, country=country, theme=theme, status=status, year=year, region=region)
    ]
    summary = summarize(projects, by, rates)
    if as_json:
        print_json(summary.to_dict())
        return
    out.print(summary.overall.sentence() + ".", highlight=False)
    for group in summary.groups:
        out.print(f"  {group.label}: {group.totals.sentence()}", highlight=False)


@assistance_app.command("iati")
def iati_command(
    org_ref: Annotated[str, typer.Option("--org-ref", help="The reporting organisation's IATI identifier.")],
    org_name: Annotated[str, typer.Option("--org-name", help="The reporting organisation's name.")],
    org_type: Annotated[
        str, typer.Option("--org-type", help="IATI organisation type (40 multilateral).")
    ] = "40",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (stdout by default).")] = None,
    country: CountryOpt = None,
    theme: ThemeOpt = None,
    status: StatusOpt = None,
    year: YearOpt = None,
    region: RegionOpt = None,
) -> None:
    """Write the projects as IATI activity XML (IATI Activity Standard 2.03)."""
    org = ReportingOrg(org_ref, org_name, org_type)
    found = list_projects(open_store(), country=country, theme=theme, status=status, year=year, region=region)
    data = iati_xml([(s.project, s.updated_at) for s in found], org)
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    output.write_bytes(data)
    out.print(f"Wrote {output} ({len(found)} activities)")


@assistance_app.command("rate")
def rate_command(
    currency: Annotated[str, typer.Argument(help="ISO 4217 code (EUR).")],
    usd_per_unit: Annotated[str, typer.Argument(help="US dollars per unit of the currency (1.08).")],
    on: Annotated[str, typer.Option("--date", help="The day the rate applies to (2024-06-28).")],
    source: Annotated[str, typer.Option("--source", help="Where the rate comes from.")],
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Store an exchange rate with its date and source, for summaries in US dollars."""
    store = open_store()
    rate = parse_rate(f"{currency}={usd_per_unit}", on=date.fromisoformat(on), source=source)
    add_rate(store, acting_user(store, user), rate)
    if as_json:
        print_json(_rate(rate))
        return
    out.print(f"Stored {rate.describe()}.", highlight=False)


def _rate(rate: ExchangeRate) -> dict[str, str | None]:
    return {
        "currency": rate.currency,
        "usd_per_unit": str(rate.usd_per_unit),
        "on": rate.on.isoformat() if rate.on else None,
        "source": rate.source,
    }


@assistance_app.command("rates")
def rates_command(as_json: JsonOpt = False) -> None:
    """List the stored exchange rates."""
    found = stored_rates(open_store())
    if as_json:
        print_json({"data": [_rate(r) for r in found], "count": len(found)})
        return
    for rate in found:
        out.print(rate.describe(), highlight=False)


@assistance_app.command("fill")
def fill_command(
    code: CodeArg,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace actuals the project reported.")
    ] = False,
    user: UserOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fill the actuals of indicator-linked outcomes from the latest release (with provenance)."""
    store = open_store()
    result = fill_from_statistics(store, acting_user(store, user), code, overwrite=overwrite)
    if as_json:
        print_json(result.to_dict())
        return
    for f in result.filled:
        out.print(
            f"outcome {f['ref']} {f['year']}: {f['actual']:g} ({f['indicator']} for {f['area']}, "
            f"release {f['release']})",
            highlight=False,
        )
    for s in result.skipped:
        out.print(f"skipped outcome {s['ref']} {s.get('year', '')}: {s['reason']}", highlight=False)
