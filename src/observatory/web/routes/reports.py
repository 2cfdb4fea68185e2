"""``/api/v1/reports``: generated documents as files (HTML, PDF, DOCX, plain text).

* ``/reports/profile/{iso3}.{fmt}``: a country profile (latest statistics, compliance scores and gaps,
  assistance projects);
* ``/reports/portfolio.{fmt}``: the technical-assistance portfolio, with the filters of ``/assistance``;
* ``/reports/annex/{year}.{fmt}``: the statistical annex of the annual report to the CCPCJ.

They are public, as the figures in them are: published statistics, the published compliance scores and
gaps, and the portfolio (whose reading is public). Links to the explanations of figures point at this
server.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from observatory.model.assistance import Status, Theme
from observatory.reports.annex import statistical_annex
from observatory.reports.document import Report
from observatory.reports.portfolio import PortfolioFilters, portfolio_report
from observatory.reports.profile import country_profile
from observatory.reports.writers import ReportFormat, render
from observatory.web.deps import StoreDep

router = APIRouter(prefix="/reports", tags=["reports"])
RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {f.media_type.split(";")[0]: {} for f in ReportFormat}}
}


def _file(report: Report, fmt: ReportFormat, request: Request) -> Response:
    body = render(report, fmt, base_url=str(request.base_url).rstrip("/"))
    headers = {
        "Content-Disposition": f'attachment; filename="{report.filename(fmt.value)}"',
        "X-Total-Count": str(len(report.footnotes())),
    }
    return Response(content=body, media_type=fmt.media_type, headers=headers)


@router.get("/profile/{iso3}.{fmt}", summary="Country profile", response_class=Response, responses=RESPONSES)
def reports_profile(iso3: str, fmt: ReportFormat, request: Request, store: StoreDep) -> Response:
    """Latest statistics, compliance scores and gaps, and assistance projects of one country."""
    return _file(country_profile(store, iso3), fmt, request)


@router.get("/portfolio.{fmt}", summary="Portfolio report", response_class=Response, responses=RESPONSES)
def reports_portfolio(
    fmt: ReportFormat,
    request: Request,
    store: StoreDep,
    country: Annotated[str | None, Query(description="Only projects in this country.")] = None,
    theme: Annotated[Theme | None, Query(description="Only projects with this theme.")] = None,
    status: Annotated[Status | None, Query(description="Only projects with this status.")] = None,
    year: Annotated[
        int | None, Query(description="Only projects running in this year.", ge=1900, le=2100)
    ] = None,
    region: Annotated[str | None, Query(description="Only projects of this M49 region.")] = None,
) -> Response:
    """The portfolio's totals by region, theme and year, and its projects."""
    filters = PortfolioFilters(country=country, theme=theme, status=status, year=year, region=region)
    return _file(portfolio_report(store, filters), fmt, request)


@router.get("/annex/{year}.{fmt}", summary="Statistical annex", response_class=Response, responses=RESPONSES)
def reports_annex(
    year: Annotated[int, Path(description="Year of the report to the Commission.", ge=1900, le=2100)],
    fmt: ReportFormat,
    request: Request,
    store: StoreDep,
    since: Annotated[
        int | None, Query(description="First year counted for homicide data.", ge=1900, le=2100)
    ] = None,
) -> Response:
    """The statistical annex of the report of ``year`` to the CCPCJ, every figure computed from the store."""
    return _file(statistical_annex(store, year, since=since), fmt, request)
