"""``observatory report ...``: generated documents (country profile, portfolio report, statistical annex)
as HTML, PDF, DOCX or plain text, every figure computed from the store and footnoted with its provenance."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from observatory.cli.assistance import CountryOpt, RegionOpt, StatusOpt, ThemeOpt, YearOpt
from observatory.cli.options import open_store, out
from observatory.reports.annex import statistical_annex
from observatory.reports.document import Report
from observatory.reports.portfolio import PortfolioFilters, portfolio_report
from observatory.reports.profile import country_profile
from observatory.reports.writers import ReportFormat, render

report_app = typer.Typer(
    help="Generated reports: country profile, portfolio report, statistical annex (HTML, PDF, DOCX).",
    no_args_is_help=True,
)
FormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="html, pdf, docx or txt.")]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="File to write (default: the report's name in the folder).")
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="The date printed as the day the figures were computed.")
]
BaseUrlOpt = Annotated[
    str, typer.Option("--base-url", help="Prefix of the links to explanations (https://observatory.example).")
]


def _write(report: Report, fmt: ReportFormat, output: Path | None, base_url: str) -> None:
    data = render(report, fmt, base_url=base_url.rstrip("/"))
    target = output or Path(report.filename(fmt.value))
    target.write_bytes(data)
    out.print(
        f"Wrote {target} ({len(data):,} bytes, {len(report.footnotes())} sourced figures)", highlight=False
    )


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@report_app.command("profile")
def profile_command(
    area: Annotated[str, typer.Argument(help="Country: ISO 3166 alpha-3 (ETH), M49 number or name.")],
    fmt: FormatOpt = ReportFormat.html,
    output: OutOpt = None,
    as_of: AsOfOpt = None,
    base_url: BaseUrlOpt = "",
) -> None:
    """A country profile: latest statistics, compliance scores and gaps, assistance projects."""
    _write(country_profile(open_store(), area, as_of=_day(as_of)), fmt, output, base_url)


@report_app.command("portfolio")
def portfolio_command(
    fmt: FormatOpt = ReportFormat.html,
    output: OutOpt = None,
    country: CountryOpt = None,
    theme: ThemeOpt = None,
    status: StatusOpt = None,
    year: YearOpt = None,
    region: RegionOpt = None,
    as_of: AsOfOpt = None,
    base_url: BaseUrlOpt = "",
) -> None:
    """The technical-assistance portfolio: totals by region, theme and year, and the projects."""
    filters = PortfolioFilters(country=country, theme=theme, status=status, year=year, region=region)
    _write(portfolio_report(open_store(), filters, as_of=_day(as_of)), fmt, output, base_url)


@report_app.command("annex")
def annex_command(
    year: Annotated[int, typer.Option("--year", "-y", help="Year of the report to the Commission.")],
    since: Annotated[
        int | None, typer.Option("--since", help="First year counted for homicide data (default: year - 10).")
    ] = None,
    fmt: FormatOpt = ReportFormat.html,
    output: OutOpt = None,
    as_of: AsOfOpt = None,
    base_url: BaseUrlOpt = "",
) -> None:
    """The statistical annex of the annual report to the CCPCJ, every figure computed from the store."""
    _write(statistical_annex(open_store(), year, since=since, as_of=_day(as_of)), fmt, output, base_url)
