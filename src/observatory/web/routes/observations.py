"""``/api/v1/observations``: the published observations, filtered, paged or downloaded.

Every dimension of :class:`~observatory.warehouse.query.ObservationFilter` is a repeatable query
parameter (``?area=MEX&area=FRA&variable=persons-held``); values of one parameter are alternatives,
different parameters must all hold. Areas may be spelled any way the catalogue resolves (``mex``,
``484``, ``Mexico``); offences any way ICCS accepts (``101`` for ``0101``).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from observatory.errors import InvalidInput, NotFound
from observatory.iccs.tree import normalise_code
from observatory.model.classification import Scheme
from observatory.model.observation import TOTAL, Unit
from observatory.reports.export import ExportFormat, render
from observatory.warehouse.query import SORTABLE, ObservationFilter, query_observations
from observatory.warehouse.release import COLUMNS
from observatory.web.deps import AreasDep, Page, PageDep, SchemeDep, StoreDep
from observatory.web.links import page_links
from observatory.web.lookups import area_codes
from observatory.web.negotiation import (
    ALTERNATE_CONTENT,
    FormatQuery,
    ListFormat,
    link_header,
    negotiate,
    rows_response,
)
from observatory.web.page_cache import release_json
from observatory.web.schemas import ObservationPublic, ObservationsPublic
from observatory.web.sorting import SortKey, sort_param

router = APIRouter(prefix="/observations", tags=["observations"])

EXPORT_COLUMNS = COLUMNS  # the release columns, in the same order as `observatory export`
Values = Annotated[list[str] | None, Query()]
_ICCS_SPELLING = re.compile(r"[\d.]+")


def _offences(scheme: Scheme, values: list[str]) -> tuple[str, ...]:
    codes: list[str] = []
    for value in values:
        if value == TOTAL or not _ICCS_SPELLING.fullmatch(value.strip()):
            codes.append(value)
            continue
        try:
            codes.append(normalise_code(value, scheme))
        except NotFound as exc:
            raise InvalidInput(exc.message, code="unknown-iccs-code") from None
    return tuple(dict.fromkeys(codes))


def observation_filter(
    catalog: AreasDep,
    scheme: SchemeDep,
    area: Annotated[list[str] | None, Query(description="Area code or name; repeatable.")] = None,
    dataflow: Values = None,
    variable: Annotated[
        list[str] | None, Query(description="persons-held, VC_IHR_PSRC, ...; repeatable.")
    ] = None,
    sex: Values = None,
    age: Values = None,
    offence: Annotated[list[str] | None, Query(description="ICCS code or _T; repeatable.")] = None,
    status: Values = None,
    citizenship: Values = None,
    category: Values = None,
    unit: Annotated[list[Unit] | None, Query()] = None,
    year_from: Annotated[int | None, Query(ge=0, le=9999)] = None,
    year_to: Annotated[int | None, Query(ge=0, le=9999)] = None,
) -> ObservationFilter:
    """The filter the query string describes, with areas and offences in their official codes."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidInput(f"year_from {year_from} is after year_to {year_to}")
    return ObservationFilter(
        area=area_codes(catalog, area or []),
        dataflow=tuple(dataflow or ()),
        variable=tuple(variable or ()),
        sex=tuple(sex or ()),
        age=tuple(age or ()),
        offence=_offences(scheme, offence or []),
        status=tuple(status or ()),
        citizenship=tuple(citizenship or ()),
        category=tuple(category or ()),
        unit=tuple(u.value for u in unit or ()),
        year_from=year_from,
        year_to=year_to,
    )


FilterDep = Annotated[ObservationFilter, Depends(observation_filter)]
SortDep = Annotated[tuple[SortKey, ...], Depends(sort_param(SORTABLE))]


@router.get(
    "",
    summary="List observations",
    response_model=ObservationsPublic,
    responses=ALTERNATE_CONTENT,
)
def observations_list(
    request: Request, store: StoreDep, flt: FilterDep, page: PageDep, sort: SortDep, fmt: FormatQuery = None
) -> ObservationsPublic | Response:
    """Observations of the latest release, one page at a time, ordered by area, series and period unless
    ``sort`` says otherwise; as JSON, or the page as CSV or SDMX-JSON (``format``, or ``Accept``).

    Each row says where it came from: ``dataflow``, the source's ``source`` attribution, and the
    original file's ``file_sha256`` and ``row``.
    """
    chosen = negotiate(request, fmt)
    order = [(key.field, key.descending) for key in sort]
    if chosen is ListFormat.json:  # kept by ETag once serialised (web/page_cache.py)
        return release_json(request, store, lambda: _observations_json(request, store, flt, page, order))
    result = query_observations(store, flt, limit=page.limit, offset=page.offset, order=order)
    links = page_links(request, result.count, page.limit, page.offset)
    headers = {"X-Observatory-Release": str(result.release), "X-Total-Count": str(result.count)}
    if link := link_header(links):
        headers["Link"] = link
    return rows_response(
        result.data, chosen, columns=EXPORT_COLUMNS, prepared=result.released_at, headers=headers
    )


def _observations_json(
    request: Request, store: StoreDep, flt: ObservationFilter, page: Page, order: list[tuple[str, bool]]
) -> ObservationsPublic:
    result = query_observations(store, flt, limit=page.limit, offset=page.offset, order=order)
    return ObservationsPublic(
        data=[ObservationPublic(**row) for row in result.data],
        count=result.count,
        release=result.release,
        limit=page.limit,
        offset=page.offset,
        links=page_links(request, result.count, page.limit, page.offset),
        filters=result.filters,
    )


def _filename(flt: ObservationFilter, release: int | None, fmt: ExportFormat) -> str:
    parts = ["observatory", f"release-{release or 0:04d}", *flt.area[:3], *flt.variable[:2]]
    stem = "-".join(re.sub(r"[^A-Za-z0-9_-]+", "_", p) for p in parts)
    return stem + fmt.suffix


@router.get(
    ".{fmt}",
    summary="Download observations",
    response_class=Response,
    responses={200: {"content": {f.media_type.split(";")[0]: {} for f in ExportFormat}}},
)
def observations_download(fmt: ExportFormat, store: StoreDep, flt: FilterDep) -> Response:
    """Every observation matching the filters as a CSV, JSON or Excel file (no paging).

    Text cells a spreadsheet would run as a formula are neutralised with a leading apostrophe.
    """
    result = query_observations(store, flt)
    body = render(result.data, fmt, columns=EXPORT_COLUMNS, prepared=result.released_at)
    name = _filename(flt, result.release, fmt)
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Observatory-Release": str(result.release),
        "X-Total-Count": str(result.count),
    }
    return Response(content=body, media_type=fmt.media_type, headers=headers)
