"""Reference data shipped as files, with their loaders (areas, ...)."""

from __future__ import annotations

from observatory.catalog.areas import AreaCatalog, load_areas

__all__ = ["AreaCatalog", "load_areas"]
