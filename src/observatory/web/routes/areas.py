"""``/api/v1/areas``: the areas catalogue, and what the latest release holds for one area."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from observatory.model.area import AreaKind
from observatory.web.deps import AreasDep, PageDep, StoreDep
from observatory.web.links import page_links, series_links
from observatory.web.lookups import (
    area_public,
    area_ref,
    below,
    find_area,
    published_series,
)
from observatory.web.schemas import AreaDetailPublic, AreasPublic, SeriesPublic
from observatory.web.sorting import SortKey, sort_param, sort_rows

router = APIRouter(prefix="/areas", tags=["areas"])
AREA_SORT = ("code", "name", "kind", "m49", "iso3", "region", "subregion")


@router.get("", summary="List areas", response_model=AreasPublic)
def areas_list(
    request: Request,
    catalog: AreasDep,
    page: PageDep,
    kind: Annotated[AreaKind | None, Query(description="Only areas of this kind.")] = None,
    region: Annotated[
        str | None, Query(description="Only areas inside this region (M49 code or name).")
    ] = None,
    q: Annotated[str | None, Query(description="Name, alias or code to search for.", min_length=1)] = None,
    sort: Annotated[tuple[SortKey, ...], Depends(sort_param(AREA_SORT))] = (),
) -> AreasPublic:
    """Areas of the catalogue (countries, reporting units, M49 regions), filtered, sorted and paged
    (catalogue order, or best match first with ``q``, unless ``sort`` says otherwise)."""
    areas = catalog.search(q, limit=len(catalog)) if q else list(catalog)
    if kind is not None:
        areas = [a for a in areas if a.kind is kind]
    if region is not None:
        inside = below(catalog, find_area(catalog, region).code)
        areas = [a for a in areas if a.code in inside]
    if sort:
        by_code = {a.code: a for a in areas}
        rows = sort_rows((area_public(a).model_dump() for a in areas), sort)
        areas = [by_code[str(r["code"])] for r in rows]
    chunk = areas[page.offset : page.offset + page.limit]
    return AreasPublic(
        data=[area_public(a) for a in chunk],
        count=len(areas),
        limit=page.limit,
        offset=page.offset,
        links=page_links(request, len(areas), page.limit, page.offset),
    )


@router.get("/{code}", summary="Get one area", response_model=AreaDetailPublic)
def areas_get(code: str, catalog: AreasDep, store: StoreDep) -> AreaDetailPublic:
    """One area by code, ISO alpha-2/3, M49 code or name, with its place and published series."""
    area = find_area(catalog, code)
    release, series = published_series(store, area.code)
    parent = catalog.get(area.parent) if area.parent else None
    return AreaDetailPublic(
        **area_public(area).model_dump(),
        parent_area=area_ref(parent) if parent else None,
        ancestors=[area_ref(a) for a in catalog.ancestors(area.code)],
        children=[area_ref(a) for a in catalog.children(area.code)],
        members_count=len(catalog.members(area.code)),
        release=release,
        series=[SeriesPublic(**s, links=series_links(area.code, s)) for s in series],
    )
