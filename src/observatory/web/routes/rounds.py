"""``/api/v1/rounds`` and ``/api/v1/focal-points``: rounds, their dashboard, focal points, workbooks.

Reading a round and its dashboard is open to anyone; everything else needs an API token
(``Authorization: Bearer <token>``) and the role the action asks for. ``/rounds/{year}`` (without the
API prefix) is the dashboard as an HTML page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from observatory.auth import Action, authorize
from observatory.collect import rounds
from observatory.collect.dashboard import round_dashboard
from observatory.web.deps import CurrentUser, StoreDep, TemplatesDep
from observatory.web.schemas import (
    DispatchCreate,
    ExtensionCreate,
    FocalPointCreate,
    FocalPointPublic,
    FocalPointsPublic,
    FocalPointUpdate,
    ReminderCreate,
    RoundCreate,
    RoundEventPublic,
    RoundEventsPublic,
    RoundPublic,
    RoundsPublic,
    RoundStatusPublic,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter(prefix="/rounds", tags=["rounds"])
focal_router = APIRouter(prefix="/focal-points", tags=["focal-points"])
page_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def round_public(rnd: rounds.Round) -> RoundPublic:
    return RoundPublic(**{**vars(rnd), "reference_years": list(rnd.reference_years)})


def event_public(event: rounds.RoundEvent) -> RoundEventPublic:
    return RoundEventPublic(**{**vars(event), "kind": event.kind.value})


def focal_point_public(fp: rounds.FocalPoint) -> FocalPointPublic:
    return FocalPointPublic(**vars(fp))


@router.get("", summary="List rounds", response_model=RoundsPublic)
def rounds_list(store: StoreDep) -> RoundsPublic:
    found = rounds.list_rounds(store)
    return RoundsPublic(data=[round_public(r) for r in found], count=len(found))


@router.post("", summary="Open a round", status_code=201, response_model=RoundPublic)
def rounds_open(body: RoundCreate, store: StoreDep, user: CurrentUser) -> RoundPublic:
    """Open the round of ``year`` (admin or reviewer)."""
    rnd = rounds.open_round(
        store, user, body.year, body.reference_years, body.deadline, body.questionnaire_version
    )
    return round_public(rnd)


@router.get("/{year}", summary="Round status", response_model=RoundStatusPublic)
def rounds_status(year: int, store: StoreDep) -> dict[str, Any]:
    """Status by country and section, timeliness against the (extended) deadline, response rates by
    M49 region and sub-region."""
    return round_dashboard(store, year).to_dict()


@router.get("/{year}/events", summary="Dispatch, reminders, extensions", response_model=RoundEventsPublic)
def rounds_events(
    year: int,
    store: StoreDep,
    user: CurrentUser,
    country: Annotated[str | None, Query(description="Only this country.")] = None,
) -> RoundEventsPublic:
    authorize(user, Action.track_round)
    found = rounds.round_events(store, year, country)
    return RoundEventsPublic(data=[event_public(e) for e in found], count=len(found))


@router.post("/{year}/dispatch", summary="Record dispatch", status_code=201, response_model=RoundEventsPublic)
def rounds_dispatch(year: int, body: DispatchCreate, store: StoreDep, user: CurrentUser) -> RoundEventsPublic:
    """Record that the questionnaire went out to ``countries`` (every country with a focal point if empty)."""
    found = rounds.dispatch(store, user, year, body.countries, note=body.note)
    return RoundEventsPublic(data=[event_public(e) for e in found], count=len(found))


@router.post(
    "/{year}/countries/{iso3}/reminders",
    summary="Record a reminder",
    status_code=201,
    response_model=RoundEventPublic,
)
def rounds_remind(
    year: int, iso3: str, body: ReminderCreate, store: StoreDep, user: CurrentUser
) -> RoundEventPublic:
    return event_public(rounds.remind(store, user, year, iso3, note=body.note))


@router.post(
    "/{year}/countries/{iso3}/extensions",
    summary="Extend a country's deadline",
    status_code=201,
    response_model=RoundEventPublic,
)
def rounds_extend(
    year: int, iso3: str, body: ExtensionCreate, store: StoreDep, user: CurrentUser
) -> RoundEventPublic:
    return event_public(rounds.extend(store, user, year, iso3, body.deadline, note=body.note))


@router.get(
    "/{year}/countries/{iso3}/workbook",
    summary="Download the questionnaire workbook",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def rounds_workbook(year: int, iso3: str, store: StoreDep, user: CurrentUser) -> Response:
    """The country's workbook for the round, with its published figures pre-filled for reference."""
    name, data = rounds.workbook_for(store, year, iso3, user=user)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content=data, media_type=XLSX, headers=headers)


# -- focal points -------------------------------------------------------------------------------------


@focal_router.get("", name="list", summary="List focal points", response_model=FocalPointsPublic)
def focal_points_list(
    store: StoreDep,
    user: CurrentUser,
    country: Annotated[str | None, Query(description="Only this country.")] = None,
) -> FocalPointsPublic:
    """Focal points (a focal point sees only its own country's)."""
    found = rounds.list_focal_points(store, country, user=user)
    return FocalPointsPublic(data=[focal_point_public(f) for f in found], count=len(found))


@focal_router.post(
    "", name="create", summary="Register a focal point", status_code=201, response_model=FocalPointPublic
)
def focal_points_create(body: FocalPointCreate, store: StoreDep, user: CurrentUser) -> FocalPointPublic:
    fp = rounds.add_focal_point(
        store,
        user,
        country=body.country,
        name=body.name,
        agency=body.agency,
        email=body.email,
        status=body.status,
        fallback=body.fallback,
    )
    return focal_point_public(fp)


@focal_router.patch(
    "/{focal_point_id}", name="update", summary="Update a focal point", response_model=FocalPointPublic
)
def focal_points_update(
    focal_point_id: int, body: FocalPointUpdate, store: StoreDep, user: CurrentUser
) -> FocalPointPublic:
    fp = rounds.update_focal_point(store, user, focal_point_id, status=body.status, fallback=body.fallback)
    return focal_point_public(fp)


# -- page -------------------------------------------------------------------------------------------


@page_router.get("/rounds/{year}")
def round_page(request: Request, year: int, store: StoreDep, templates: TemplatesDep) -> Response:
    """The round's response dashboard."""
    board = round_dashboard(store, year)
    names = {r.code: r.name for r in board.rates}
    context = {"board": board, "names": names, "section": "rounds"}
    return templates.TemplateResponse(request, "round.html", context)
