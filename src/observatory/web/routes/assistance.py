"""``/api/v1/assistance``: the technical-assistance portfolio; and the pages ``/assistance`` (summary and
table, with filters) and ``/assistance/{code}`` (one project: results framework, linked indicators and
gaps, revisions).

Reading is public. Creating, updating and importing need a Bearer token (or the session with its CSRF
token) of an admin or a reviewer, authorized by the service like the CLI (401 anonymous, 403 others).
Imports send the CSV or xlsx file as the request body with ``?filename=``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from observatory.assistance.iati import ReportingOrg, iati_xml
from observatory.assistance.portfolio import (
    create_project,
    export_portfolio,
    get_project,
    history,
    import_portfolio,
    list_projects,
    update_project,
)
from observatory.assistance.summary import SummaryBy, parse_rate, rates_for_summary, summarize
from observatory.assistance.table import TableFormat
from observatory.auth import Action, authorize
from observatory.catalog.areas import load_areas
from observatory.catalog.indicators import load_indicators
from observatory.errors import InvalidInput, PayloadTooLarge
from observatory.model.assistance import Status, Theme
from observatory.web.assistance_schemas import ProjectCreate, ProjectUpdate
from observatory.web.deps import CurrentUser, SettingsDep, StoreDep, TemplatesDep

router = APIRouter(prefix="/assistance", tags=["assistance"])
page_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

CountryQuery = Annotated[str | None, Query(description="Only projects in this country (ISO3, M49, name).")]
ThemeQuery = Annotated[Theme | None, Query(description="Only projects with this theme.")]
StatusQuery = Annotated[Status | None, Query(description="Only projects with this status.")]
YearQuery = Annotated[int | None, Query(description="Only projects running in this year.", ge=1900, le=2100)]
RegionQuery = Annotated[str | None, Query(description="Only projects of this M49 region (code or name).")]


@router.get("/projects", summary="List projects")
def assistance_list(
    store: StoreDep,
    country: CountryQuery = None,
    theme: ThemeQuery = None,
    status: StatusQuery = None,
    year: YearQuery = None,
    region: RegionQuery = None,
) -> dict[str, Any]:
    """Current versions of the projects, with filters."""
    found = list_projects(store, country=country, theme=theme, status=status, year=year, region=region)
    return {"data": [s.to_dict() for s in found], "count": len(found)}


@router.post("/projects", summary="Create a project", status_code=201)
def assistance_create(body: ProjectCreate, store: StoreDep, user: CurrentUser) -> dict[str, Any]:
    """A new project (admins and reviewers); ``unknown-currency``, ``end-before-start``, ... otherwise."""
    saved = create_project(store, user, body.project_dict(), comment=body.comment)
    return {**get_project(store, saved.code).to_dict(), "outcome": saved.outcome}


@router.put("/projects/{code}", summary="Update a project")
def assistance_update(code: str, body: ProjectUpdate, store: StoreDep, user: CurrentUser) -> dict[str, Any]:
    """The whole project as it should now be; the previous version stays in its history."""
    saved = update_project(store, user, code, body.project_dict(), comment=body.comment)
    return {**get_project(store, code).to_dict(), "outcome": saved.outcome}


@router.post("/projects/import", summary="Import projects", status_code=201)
async def assistance_import(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
    filename: Annotated[str, Query(description="portfolio.csv or portfolio.xlsx")] = "portfolio.csv",
) -> dict[str, Any]:
    """The CSV or xlsx body, all or nothing; errors name the file, row and column."""
    authorize(user, Action.manage_assistance)
    name = Path(filename).name
    if Path(name).suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInput(f"filename {filename!r} must end .csv or .xlsx", code="unknown-format")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > settings.max_upload_bytes:
            raise PayloadTooLarge(f"the file is larger than {settings.max_upload_bytes} bytes")
    result = await run_in_threadpool(lambda: import_portfolio(store, user, Path(name), data=bytes(data)))
    return result.to_dict()


@router.get("/projects/export", summary="Export projects")
def assistance_export(
    store: StoreDep,
    format: Annotated[TableFormat, Query(description="csv or xlsx")] = TableFormat.csv,
    country: CountryQuery = None,
    theme: ThemeQuery = None,
    status: StatusQuery = None,
    year: YearQuery = None,
    region: RegionQuery = None,
) -> Response:
    """The projects in the import shape (formulas neutralised)."""
    data = export_portfolio(
        list_projects(store, country=country, theme=theme, status=status, year=year, region=region), format
    )
    headers = {"Content-Disposition": f'attachment; filename="assistance-portfolio.{format.value}"'}
    return Response(data, media_type=format.media_type, headers=headers)


@router.get("/projects/{code}", summary="Get a project")
def assistance_get(code: str, store: StoreDep) -> dict[str, Any]:
    """One project's current version."""
    return get_project(store, code).to_dict()


@router.get("/projects/{code}/revisions", summary="A project's revisions")
def assistance_revisions(code: str, store: StoreDep) -> dict[str, Any]:
    """Every stored version, oldest first, with who, when and why."""
    found = history(store, code)
    return {"data": [r.to_dict() for r in found], "count": len(found)}


@router.get("/summary", summary="Portfolio summary")
def assistance_summary(
    store: StoreDep,
    by: Annotated[SummaryBy | None, Query(description="region, theme, country or year")] = None,
    rate: Annotated[list[str] | None, Query(description="USD per unit, EUR=1.08 (repeatable).")] = None,
    as_of: Annotated[date | None, Query(description="Stored rates dated up to this day.")] = None,
    country: CountryQuery = None,
    theme: ThemeQuery = None,
    status: StatusQuery = None,
    year: YearQuery = None,
    region: RegionQuery = None,
) -> dict[str, Any]:
    """Totals overall and by group, in USD only with given or stored rates; the sentence says which."""
    rates = rates_for_summary(store, [parse_rate(r) for r in rate or []], as_of=as_of)
    projects = [
        s.project
        for s in list_projects(store, country=country, theme=theme, status=status, year=year, region=region)
    ]
    return summarize(projects, by, rates).to_dict()


@router.get("/iati.xml", summary="IATI activity XML")
def assistance_iati(
    store: StoreDep,
    org_ref: Annotated[str, Query(description="The reporting organisation's IATI identifier.")],
    org_name: Annotated[str, Query(description="The reporting organisation's name.")],
    org_type: Annotated[str, Query(description="IATI organisation type (40 multilateral).")] = "40",
    country: CountryQuery = None,
    theme: ThemeQuery = None,
    status: StatusQuery = None,
    year: YearQuery = None,
    region: RegionQuery = None,
) -> Response:
    """The projects as IATI Activity Standard 2.03 XML."""
    found = list_projects(store, country=country, theme=theme, status=status, year=year, region=region)
    data = iati_xml([(s.project, s.updated_at) for s in found], ReportingOrg(org_ref, org_name, org_type))
    return Response(data, media_type="application/xml")


@page_router.get("/assistance")
def assistance_page(
    request: Request,
    store: StoreDep,
    templates: TemplatesDep,
    country: str | None = None,
    theme: str | None = None,
    status: str | None = None,
    year: str | None = None,
    by: str | None = None,
) -> Response:
    """The portfolio: the summary sentence, totals by region and theme, and the filtered table."""
    try:
        chosen_theme = Theme(theme) if theme else None
        chosen_status = Status(status) if status else None
        chosen_year = int(year) if year else None
        grouping = SummaryBy(by) if by else SummaryBy.region
    except ValueError as exc:
        raise InvalidInput(f"invalid filter: {exc}", code="invalid-parameter") from None
    found = list_projects(
        store,
        country=country or None,
        theme=chosen_theme,
        status=chosen_status,
        year=chosen_year,
        region=None,
    )
    projects = [s.project for s in found]
    rates = rates_for_summary(store)
    context = {
        "stored": found,
        "summary": summarize(projects, grouping, rates),
        "by_theme": summarize(projects, SummaryBy.theme, rates) if grouping is not SummaryBy.theme else None,
        "filters": {
            "country": country or None,
            "theme": chosen_theme.value if chosen_theme else None,
            "status": chosen_status.value if chosen_status else None,
            "year": chosen_year,
        },
        "grouping": grouping.value,
        "themes": list(Theme),
        "statuses": list(Status),
        "groupings": list(SummaryBy),
        "names": {a.code: a.name for a in load_areas()},
    }
    return templates.TemplateResponse(request, "assistance.html", context)


@page_router.get("/assistance/{code}")
def assistance_project_page(
    code: str, request: Request, store: StoreDep, templates: TemplatesDep
) -> Response:
    """One project: partners, budget, results framework with its linked indicators and gaps, revisions."""
    context = {
        "stored": get_project(store, code),
        "revisions": history(store, code),
        "indicators": load_indicators(),
        "names": {a.code: a.name for a in load_areas()},
    }
    return templates.TemplateResponse(request, "assistance_project.html", context)
