"""The HTML pages: home, areas, one area with its charts, indicators, the ICCS tree, the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from observatory.catalog.areas import AreaCatalog
from observatory.catalog.dataflows import DATAFLOWS
from observatory.catalog.iccs import Language
from observatory.catalog.indicators import get_indicator, load_indicators
from observatory.iccs.texts import index_terms_for, texts_for
from observatory.iccs.tree import category_detail, normalise_code, search
from observatory.model.area import Area
from observatory.web.area_page import area_view
from observatory.web.deps import AreasDep, SchemeDep, StoreDep, TemplatesDep
from observatory.web.headlines import headlines
from observatory.web.i18n import N_, area_name, gettext
from observatory.web.indicator_map import SORT_PATTERN, map_view
from observatory.web.indicator_page import indicator_view, safe_compute, unit_label
from observatory.web.lookups import find_area
from observatory.web.summary import release_summary

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

OTHER = N_("Other areas")
TOP_AREAS = 12


@dataclass
class RegionGroup:
    """Areas of one M49 region, by sub-region."""

    name: str
    code: str | None
    subregions: dict[str, list[Area]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(areas) for areas in self.subregions.values())


def _name(catalog: AreaCatalog, code: str | None, fallback: str) -> str:
    found = catalog.resolve(code) if code else None
    return area_name(found) if found else fallback


def group_by_region(catalog: AreaCatalog, areas: list[Area]) -> list[RegionGroup]:
    """Countries and reporting units under their region and sub-region, alphabetically (names in the
    request's language)."""
    groups: dict[str, RegionGroup] = {}
    for area in sorted(areas, key=area_name):
        key = area.region or ""
        group = groups.setdefault(key, RegionGroup(_name(catalog, area.region, gettext(OTHER)), area.region))
        sub = _name(catalog, area.subregion, group.name) if area.subregion else group.name
        group.subregions.setdefault(sub, []).append(area)
    for group in groups.values():
        group.subregions = dict(sorted(group.subregions.items()))
    return sorted(groups.values(), key=lambda g: (g.code is None, g.name))


@router.get("/")
def home(request: Request, store: StoreDep, catalog: AreasDep, templates: TemplatesDep) -> Response:
    summary = release_summary(store)
    top: list[tuple[Area, int]] = []
    if summary is not None:
        ranked = sorted(summary.areas.items(), key=lambda kv: (-kv[1], kv[0]))
        top = [(catalog.get(code), n) for code, n in ranked if code in catalog][:TOP_AREAS]
    context = {
        "summary": summary,
        "top": top,
        "dataflows": DATAFLOWS,
        "headlines": headlines(store, catalog) if summary is not None else [],
    }
    return templates.TemplateResponse(request, "home.html", context)


@router.get("/areas")
def areas_index(
    request: Request,
    store: StoreDep,
    catalog: AreasDep,
    templates: TemplatesDep,
    q: Annotated[str | None, Query()] = None,
    data: Annotated[bool, Query(description="Only areas with published data.")] = False,
) -> Response:
    summary = release_summary(store)
    counts = summary.areas if summary else {}
    units = catalog.search(q, limit=len(catalog)) if q else list(catalog)
    places = [a for a in units if not a.is_aggregate and (not data or a.code in counts)]
    regions = [a for a in units if a.is_aggregate and (not data or a.code in counts)]
    context: dict[str, Any] = {
        "groups": group_by_region(catalog, places),
        "regions": sorted(regions, key=lambda a: (a.kind.value != "world", area_name(a))),
        "counts": counts,
        "q": q or "",
        "data": data,
        "total": len(places),
        "with_data": sum(1 for a in places if a.code in counts),
    }
    return templates.TemplateResponse(request, "areas.html", context)


@router.get("/areas/{code}")
def area_page(
    request: Request,
    code: str,
    store: StoreDep,
    catalog: AreasDep,
    scheme: SchemeDep,
    templates: TemplatesDep,
) -> Response:
    area = find_area(catalog, code)
    if area.code != code:
        return RedirectResponse(f"/areas/{area.code}", status_code=307)
    view = area_view(store, catalog, scheme, area)
    context = {"view": view, "dataflows": DATAFLOWS}
    return templates.TemplateResponse(request, "area.html", context)


@router.get("/indicators")
def indicators_index(request: Request, templates: TemplatesDep) -> Response:
    """The indicator registry: definitions, formulas, units, references and caveats."""
    registry = list(load_indicators().values())
    context = {"indicators": registry, "units": {i.id: unit_label(i) for i in registry}}
    return templates.TemplateResponse(request, "indicators.html", context)


@router.get("/indicators/{indicator_id}")
def indicator_page(
    request: Request,
    indicator_id: str,
    store: StoreDep,
    catalog: AreasDep,
    templates: TemplatesDep,
    area: Annotated[str | None, Query()] = None,
    sort: Annotated[str, Query(pattern=SORT_PATTERN)] = "value",
    year: Annotated[int | None, Query(ge=0, le=9999)] = None,
) -> Response:
    """One indicator: its definition, a world map and ranking of ``?year=`` (default: a recent year), the
    latest value per area, and with ``?area=`` that area's series with the explanation of its figure."""
    indicator = get_indicator(indicator_id)
    code = find_area(catalog, area).code if area else None
    computed = safe_compute(store, indicator.id)
    view = indicator_view(store, catalog, indicator, area=code, sort=sort, year=year, computed=computed)
    world = map_view(indicator, computed[0], catalog, year=year, sort=sort)
    context = {"view": view, "sort": sort, "map": world}
    return templates.TemplateResponse(request, "indicator.html", context)


@router.get("/iccs")
def iccs_index(
    request: Request,
    scheme: SchemeDep,
    templates: TemplatesDep,
    lang: Annotated[Language, Query()] = Language.en,
    q: Annotated[str | None, Query()] = None,
) -> Response:
    hits = search(scheme, q, lang=lang, limit=50) if q and q.strip() else []
    context = {"scheme": scheme, "lang": lang.value, "q": q or "", "hits": hits}
    return templates.TemplateResponse(request, "iccs.html", context)


@router.get("/iccs/{code}")
def iccs_page(
    request: Request,
    code: str,
    store: StoreDep,
    scheme: SchemeDep,
    templates: TemplatesDep,
    lang: Annotated[Language, Query()] = Language.en,
) -> Response:
    official = normalise_code(code, scheme)
    if official != code:
        return RedirectResponse(f"/iccs/{official}?lang={lang.value}", status_code=307)
    detail = category_detail(
        scheme,
        official,
        lang=lang,
        texts=texts_for(store, official, lang),
        index_terms=index_terms_for(store, official),
    )
    context = {"detail": detail, "lang": lang.value, "scheme": scheme}
    return templates.TemplateResponse(request, "iccs_category.html", context)


def _endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": op.get("operationId", ""),
                    "tag": (op.get("tags") or ["other"])[0],
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                }
            )
    return found


@router.get("/docs")
def api_docs(request: Request, templates: TemplatesDep) -> Response:
    """The API reference, built from the OpenAPI schema, with no external scripts."""
    context = {"endpoints": _endpoints(request.app.openapi())}
    return templates.TemplateResponse(request, "api.html", context)
