"""``/api/v1/correspondences``: national offence lists mapped to ICCS; and the review-queue page.

Uploads (import, draft) send the file as the request body with ``?filename=`` naming it (``.csv`` or
``.xlsx``). Writes need a Bearer token and are authorized like the CLI's. The coding assistant is built
once per app (``app.state.coder``) and taught every confirmation made through the API.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from observatory.auth import Action, authorize, country_code
from observatory.catalog.iccs import load_iccs
from observatory.errors import InvalidInput, PayloadTooLarge
from observatory.iccs import correspondence as corr
from observatory.iccs.correspondence_io import TableFormat
from observatory.iccs.correspondence_review import (
    DEFAULT_THRESHOLD,
    CoderLike,
    coder_for,
    draft,
    review,
    review_queue,
)
from observatory.iccs.coverage import coverage
from observatory.model.correspondence import aggregate, apply
from observatory.store.db import Store
from observatory.web.deps import CurrentUser, SettingsDep, StoreDep, TemplatesDep
from observatory.web.schemas import (
    ApplyPublic,
    ApplyRequest,
    CorrespondenceInfoPublic,
    CorrespondencePublic,
    CorrespondencesPublic,
    CoveragePublic,
    LinkChangesPublic,
    LinkReview,
    LinksPublic,
    QueuePublic,
)

router = APIRouter(prefix="/correspondences", tags=["correspondences"])
page_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
TABLE = "/{iso3}/{version}"
MEDIA = {
    TableFormat.csv: "text/csv; charset=utf-8",
    TableFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _dict(value: Any) -> dict[str, Any]:
    found: dict[str, Any] = dataclasses.asdict(value)
    return found


def get_coder(request: Request, store: Store) -> CoderLike:
    """The app's coding assistant, built on first use."""
    coder: CoderLike | None = getattr(request.app.state, "coder", None)
    if coder is None:
        coder = coder_for(store)
        request.app.state.coder = coder
    return coder


async def _body(request: Request, limit: int, filename: str) -> tuple[Path, bytes]:
    name = Path(filename).name
    if not name or Path(name).suffix.lower() not in (".csv", ".xlsx"):
        raise InvalidInput(f"filename {filename!r} must end .csv or .xlsx", code="unknown-format")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise PayloadTooLarge(f"the file is larger than {limit} bytes")
    return Path(name), bytes(data)


@router.get("", summary="List correspondence tables", response_model=CorrespondencesPublic)
def correspondences_list(
    store: StoreDep, country: Annotated[str | None, Query(description="Only this country.")] = None
) -> CorrespondencesPublic:
    found = corr.list_tables(store, country)
    return CorrespondencesPublic.model_validate({"data": [_dict(i) for i in found], "count": len(found)})


@router.post(
    TABLE, summary="Import a table version", status_code=201, response_model=CorrespondenceInfoPublic
)
async def correspondences_import(
    iso3: str,
    version: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
    name: Annotated[str, Query(description="Name of the table.")],
    filename: Annotated[str, Query(description="table.csv or table.xlsx")] = "table.csv",
) -> CorrespondenceInfoPublic:
    """Import the CSV or xlsx body as a new version, all or nothing (located error otherwise)."""
    authorize(user, Action.edit_correspondence, country_code(iso3))
    path, data = await _body(request, settings.max_upload_bytes, filename)
    info = await run_in_threadpool(
        lambda: corr.import_table(store, user, path, country=iso3, name=name, version=version, data=data)
    )
    return CorrespondenceInfoPublic.model_validate(_dict(info))


@router.post(
    TABLE + "/draft",
    summary="Draft a table with the coder",
    status_code=201,
    response_model=CorrespondenceInfoPublic,
)
async def correspondences_draft(
    iso3: str,
    version: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
    name: Annotated[str, Query(description="Name of the table.")],
    lang: Annotated[str, Query(description="Language of the labels.")] = "en",
    filename: Annotated[str, Query(description="list.csv (code,label,description)")] = "list.csv",
) -> CorrespondenceInfoPublic:
    """Code a national list (CSV body) into a draft version: every offence proposed by the coder."""
    authorize(user, Action.edit_correspondence, country_code(iso3))
    path, data = await _body(request, settings.max_upload_bytes, filename)
    coder = get_coder(request, store)
    info = await run_in_threadpool(
        lambda: draft(
            store, user, coder, path, country=iso3, name=name, version=version, lang=lang, data=data
        )
    )
    return CorrespondenceInfoPublic.model_validate(_dict(info))


@router.get(TABLE, summary="Get a table version", response_model=CorrespondencePublic)
def correspondences_get(iso3: str, version: str, store: StoreDep) -> CorrespondencePublic:
    table = corr.load(store, iso3, version)
    kinds = table.kinds()
    return CorrespondencePublic.model_validate(
        {
            "info": _dict(corr.info(store, iso3, version)),
            "offences": [{**_dict(o), "kind": kinds[o.code].value} for o in table.offences],
            "links": [_dict(link) for link in table.links],
        }
    )


@router.get(TABLE + "/export", summary="Export a table version")
def correspondences_export(
    iso3: str, version: str, store: StoreDep, format: TableFormat = TableFormat.csv
) -> Response:
    data = corr.export_table(store, iso3, version, format)
    filename = f"correspondence-{country_code(iso3)}-{version}.{format.value}"
    return Response(
        data, media_type=MEDIA[format], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@router.get(TABLE + "/history", summary="History of a table's links", response_model=LinkChangesPublic)
def correspondences_history(
    iso3: str, version: str, store: StoreDep, national_code: str | None = None
) -> LinkChangesPublic:
    changes = corr.history(store, iso3, version, national_code)
    return LinkChangesPublic.model_validate({"data": [_dict(c) for c in changes], "count": len(changes)})


@router.get(TABLE + "/coverage", summary="Coverage of a table", response_model=CoveragePublic)
def correspondences_coverage(iso3: str, version: str, store: StoreDep) -> CoveragePublic:
    report = coverage(corr.load(store, iso3, version), load_iccs())
    return CoveragePublic.model_validate(_dict(report))


@router.post(TABLE + "/coverage", summary="Coverage of a table and of counts", response_model=CoveragePublic)
def correspondences_coverage_counts(
    iso3: str, version: str, body: ApplyRequest, store: StoreDep
) -> CoveragePublic:
    report = coverage(corr.load(store, iso3, version), load_iccs(), body.counts)
    return CoveragePublic.model_validate(_dict(report))


@router.post(TABLE + "/apply", summary="Convert national counts to ICCS", response_model=ApplyPublic)
def correspondences_apply(iso3: str, version: str, body: ApplyRequest, store: StoreDep) -> ApplyPublic:
    """Splits applied, totals conserved (``total_in == total_mapped + sum(unmapped)``)."""
    result = apply(corr.load(store, iso3, version), body.counts)
    iccs = aggregate(load_iccs(), result.iccs_counts, body.level) if body.level else result.iccs_counts
    return ApplyPublic(
        iccs_counts=iccs,
        unmapped=result.unmapped,
        total_in=result.total_in,
        total_mapped=result.total_mapped,
        problems=[p.to_dict() for p in result.problems],
    )


@router.get(TABLE + "/queue", summary="The review queue", response_model=QueuePublic)
def correspondences_queue(
    iso3: str,
    version: str,
    store: StoreDep,
    threshold: Annotated[float, Query(ge=0, le=1)] = DEFAULT_THRESHOLD,
) -> QueuePublic:
    items = review_queue(store, iso3, version, threshold)
    return QueuePublic.model_validate(
        {"data": [_dict(i) for i in items], "count": len(items), "threshold": threshold}
    )


@router.post(
    TABLE + "/links/{national_code}/{action}",
    summary="Confirm, correct, dispute or propose",
    response_model=LinksPublic,
)
def correspondences_review(
    iso3: str,
    version: str,
    national_code: str,
    action: corr.LinkAction,
    body: LinkReview,
    request: Request,
    store: StoreDep,
    user: CurrentUser,
) -> LinksPublic:
    """One review action on a national offence's links, recorded in the history."""
    if action in (corr.LinkAction.imported, corr.LinkAction.drafted):
        raise InvalidInput(f"{action.value} is not a review action; use confirm, correct, dispute or propose")
    learner = getattr(request.app.state, "coder", None)
    links = review(
        store,
        user,
        country=iso3,
        version=version,
        national_code=national_code,
        action=action,
        iccs_code=body.iccs_code,
        previous=body.previous,
        comment=body.comment,
        learner=learner,
    )
    return LinksPublic.model_validate({"data": [_dict(link) for link in links]})


@page_router.get("/iccs/review")
def review_page(
    request: Request,
    store: StoreDep,
    templates: TemplatesDep,
    country: str | None = None,
    version: str | None = None,
    threshold: Annotated[float, Query(ge=0, le=1)] = DEFAULT_THRESHOLD,
) -> Response:
    """The review queue of one table version, or the list of tables to pick from."""
    context: dict[str, Any] = {"tables": corr.list_tables(store), "threshold": threshold, "items": None}
    if country and version:
        context |= {
            "info": corr.info(store, country, version),
            "items": review_queue(store, country, version, threshold),
        }
    return templates.TemplateResponse(request, "review_queue.html", context)
