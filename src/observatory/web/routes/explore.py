"""``/explore``: the data explorer page (a GET form; the query string is the view's permalink)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from observatory.catalog.indicators import load_indicators
from observatory.web.deps import AreasDep, StoreDep, TemplatesDep
from observatory.web.explorer import ExplorerView, explorer_view, parse_query
from observatory.web.i18n import N_

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

AREA_GROUPS = (N_("World and regions"), N_("Countries and reporting units"))


@router.get("/explore")
def explore(request: Request, store: StoreDep, catalog: AreasDep, templates: TemplatesDep) -> Response:
    """The form, and for a chosen indicator its table, chart and downloads; 400 with the fields' errors."""
    query, errors = parse_query(request.query_params.multi_items(), catalog)
    view = ExplorerView(query=query, errors=errors) if errors else explorer_view(store, catalog, query)
    aggregates = sorted(
        (a for a in catalog if a.is_aggregate), key=lambda a: (a.kind.value != "world", a.name)
    )
    places = sorted((a for a in catalog if not a.is_aggregate), key=lambda a: a.name)
    context = {
        "view": view,
        "indicators": list(load_indicators().values()),
        "area_groups": list(zip(AREA_GROUPS, (aggregates, places), strict=True)),
    }
    status = 400 if view.errors else 200
    return templates.TemplateResponse(request, "explore.html", context, status_code=status)
