"""Lookups shared by the API and the pages: areas by any spelling, an area's published series."""

from __future__ import annotations

from typing import Any

from observatory.catalog.areas import AreaCatalog
from observatory.errors import InvalidInput, NotFound
from observatory.model.area import Area
from observatory.store.db import Store
from observatory.warehouse.query import area_series
from observatory.warehouse.release import latest_release
from observatory.web.schemas import AreaPublic, AreaRef

NO_RELEASE = "no-release"
UNKNOWN_AREA = "unknown-area"


def find_area(catalog: AreaCatalog, text: str) -> Area:
    """The area ``text`` stands for (code, ISO2/3, M49, name or alias); NotFound naming it."""
    return catalog.resolve(text) or catalog.get(text)


def area_codes(catalog: AreaCatalog, values: list[str]) -> tuple[str, ...]:
    """Platform codes for query-string spellings (``mex``, ``484``, ``Mexico``); 400 if unknown."""
    codes: list[str] = []
    for value in values:
        try:
            codes.append(find_area(catalog, value).code)
        except NotFound as exc:
            raise InvalidInput(exc.message, code=UNKNOWN_AREA) from None
    return tuple(dict.fromkeys(codes))


def below(catalog: AreaCatalog, code: str) -> set[str]:
    """Codes of every area under ``code`` at any depth (not including it)."""
    found: set[str] = set()
    pending = [code]
    while pending:
        for child in catalog.children(pending.pop()):
            if child.code not in found:
                found.add(child.code)
                pending.append(child.code)
    return found


def area_ref(area: Area) -> AreaRef:
    return AreaRef(code=area.code, name=area.name, kind=area.kind.value)


def area_public(area: Area) -> AreaPublic:
    return AreaPublic(
        code=area.code,
        name=area.name,
        kind=area.kind.value,
        m49=area.m49,
        iso2=area.iso2,
        iso3=area.iso3,
        parent=area.parent,
        region=area.region,
        subregion=area.subregion,
        intermediate_region=area.intermediate_region,
        aggregation=area.aggregation.value,
        flags=sorted(area.flags),
    )


def published_series(store: Store, code: str) -> tuple[int | None, list[dict[str, Any]]]:
    """The latest release number and the series ``code`` has in it; ``(None, [])`` if none."""
    release = latest_release(store)
    if release is None:
        return None, []
    try:
        return release.number, area_series(store, code)
    except NotFound as exc:
        if getattr(exc, "code", None) == NO_RELEASE:
            return None, []
        raise
