"""The web layer: a FastAPI app with the JSON API (``/api/v1``) and HTML pages with charts."""

from __future__ import annotations

from observatory.web.app import create_app

__all__ = ["create_app"]
