"""The correspondence pages: ``/iccs/correspondences`` (every table version, and the form that uploads a
national list to draft a new one) and ``/iccs/correspondences/{iso3}/{version}`` (one table: offences,
links, coverage, history, exports, and the form that applies it to national counts).

Server-rendered; the upload form is enhanced by ``static/correspondence.js``, which sends the file to the
draft API (``POST /api/v1/correspondences/{iso3}/{version}/draft``) with the token kept in the tab's
sessionStorage, as the review queue does. Applying counts needs no token and no script: the form posts
here and the page comes back with the ICCS counts at levels 1 to 3.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from observatory.auth import country_code
from observatory.catalog.areas import AreaCatalog
from observatory.catalog.iccs import Language
from observatory.errors import ObservatoryError, PayloadTooLarge
from observatory.iccs import correspondence as corr
from observatory.iccs.correspondence_io import TableFormat, read_counts, write_table
from observatory.iccs.correspondence_review import DEFAULT_THRESHOLD
from observatory.iccs.national_list import LIST_COLUMNS
from observatory.model.correspondence import MappingStatus
from observatory.store.db import Store
from observatory.web.correspondence_page import apply_view, counts_from_text, table_summaries, table_view
from observatory.web.deps import AreasDep, SchemeDep, SettingsDep, StoreDep, TemplatesDep
from observatory.web.routes.correspondence import MEDIA

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
BASE = "/iccs/correspondences"
TABLE = BASE + "/{iso3}/{version}"
LANGUAGES = (("es", "Spanish"), ("en", "English"), ("fr", "French"))


def _countries(catalog: AreaCatalog) -> list[tuple[str, str]]:
    return sorted(
        ((a.code, a.name) for a in catalog if not a.is_aggregate and len(a.code) == 3), key=lambda c: c[1]
    )


@router.get(BASE)
def correspondences_page(
    request: Request, store: StoreDep, scheme: SchemeDep, catalog: AreasDep, templates: TemplatesDep
) -> Response:
    """Every correspondence table version by country, and the upload form that drafts a new one."""
    context: dict[str, Any] = {
        "countries": table_summaries(store, scheme),
        "choices": _countries(catalog),
        "languages": LANGUAGES,
        "columns": LIST_COLUMNS,
        "threshold": DEFAULT_THRESHOLD,
    }
    return templates.TemplateResponse(request, "correspondences.html", context)


def _render_table(
    request: Request,
    templates: TemplatesDep,
    store: Store,
    scheme: SchemeDep,
    iso3: str,
    version: str,
    lang: Language,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    view = table_view(store, scheme, iso3, version, lang.value)
    context: dict[str, Any] = {
        "view": view,
        "lang": lang.value,
        "threshold": DEFAULT_THRESHOLD,
        "result": None,
        "counts_text": "",
        "counts_error": None,
        "confirmed_only": False,
        **(extra or {}),
    }
    return templates.TemplateResponse(request, "correspondence.html", context, status_code=status_code)


@router.get(TABLE)
def correspondence_page(
    request: Request,
    iso3: str,
    version: str,
    store: StoreDep,
    scheme: SchemeDep,
    templates: TemplatesDep,
    lang: Annotated[Language, Query()] = Language.en,
) -> Response:
    """One table version: offences, links with shares and status, coverage per section, the apply form."""
    return _render_table(request, templates, store, scheme, iso3, version, lang)


def _checked(value: object) -> bool:
    return value in ("1", "on", "true")


async def _counts(upload: object, text: str, limit: int) -> dict[str, float]:
    """The counts of the apply form: the chosen CSV file, else the pasted lines."""
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(f"the file is larger than {limit} bytes")
        return read_counts(Path(Path(upload.filename).name), data)
    return counts_from_text(text)


@router.post(TABLE + "/apply")
async def correspondence_apply_page(
    request: Request,
    iso3: str,
    version: str,
    store: StoreDep,
    settings: SettingsDep,
    scheme: SchemeDep,
    templates: TemplatesDep,
    lang: Annotated[Language, Query()] = Language.en,
) -> Response:
    """National counts (a ``national_code,count`` CSV file or pasted lines) converted to ICCS counts.

    Bad counts come back as the page with the error beside the form (status 400), the input kept.
    """
    corr.info(store, iso3, version)  # an unknown table is a 404 before the form is read
    async with request.form(max_files=1, max_fields=10) as form:
        text = str(form.get("counts") or "")
        extra: dict[str, Any] = {"counts_text": text, "confirmed_only": _checked(form.get("confirmed"))}
        try:
            counts = await _counts(form.get("file"), text, settings.max_upload_bytes)
        except ObservatoryError as exc:
            extra["counts_error"] = exc.to_dict()
            return _render_table(request, templates, store, scheme, iso3, version, lang, extra, exc.status)
    extra["result"] = apply_view(
        store, scheme, iso3, version, counts, confirmed_only=extra["confirmed_only"], lang=lang.value
    )
    return _render_table(request, templates, store, scheme, iso3, version, lang, extra)


@router.get(TABLE + "/export")
def correspondence_export_page(
    iso3: str,
    version: str,
    store: StoreDep,
    format: TableFormat = TableFormat.csv,
    confirmed: Annotated[bool, Query(description="Confirmed links only.")] = False,
) -> Response:
    """The table as a file; with ``confirmed=true`` only its confirmed links (the rest left unmapped)."""
    table = corr.load(store, iso3, version)
    links = [link for link in table.links if not confirmed or link.status is MappingStatus.confirmed]
    data = write_table(table.offences, links, format)
    suffix = "-confirmed" if confirmed else ""
    safe = re.sub(r"[^\w.-]", "_", table.version)
    filename = f"correspondence-{country_code(iso3)}-{safe}{suffix}.{format.value}"
    return Response(
        data,
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
