"""Area page models are computed once per release, store, area and language."""

from __future__ import annotations

from pathlib import Path

from observatory.collect.importing import import_paths
from observatory.store.db import Store
from observatory.warehouse.release import publish
from observatory.web.area_page import AREA_VIEWS, area_view, build_area_view
from observatory.web.deps import get_areas, get_scheme
from observatory.web.i18n import _current

SPECIMENS = Path(__file__).resolve().parents[1] / "data" / "collect"


def test_area_view_is_kept_per_release_and_language(store: Store) -> None:
    import_paths(store, [SPECIMENS / "unodc_ok.csv"])
    publish(store)
    catalog, scheme = get_areas(), get_scheme()
    mex = catalog.get("MEX")
    assert mex is not None
    AREA_VIEWS.clear()
    first = area_view(store, catalog, scheme, mex)
    assert first.release == 1 and first.series
    assert area_view(store, catalog, scheme, mex) is first  # the same release: kept
    fresh = build_area_view(store, catalog, scheme, mex)
    assert [s.latest_value for s in fresh.series] == [s.latest_value for s in first.series]

    token = _current.set("fr")
    try:
        in_french = area_view(store, catalog, scheme, mex)
    finally:
        _current.reset(token)
    assert in_french is not first  # another language: its own model
    assert area_view(store, catalog, scheme, mex) is first

    import_paths(store, [SPECIMENS / "latin1.csv"])
    release, new = publish(store)
    assert new
    second = area_view(store, catalog, scheme, mex)
    assert second is not first and second.release == release.number == 2
    assert area_view(store, catalog, scheme, mex) is second


def test_nothing_published_is_not_kept(store: Store) -> None:
    catalog, scheme = get_areas(), get_scheme()
    mex = catalog.get("MEX")
    assert mex is not None
    AREA_VIEWS.clear()
    view = area_view(store, catalog, scheme, mex)
    assert view.release is None and not view.series
    assert len(AREA_VIEWS) == 0
