"""The interface in the six UN languages: Babel message catalogues, CLDR names and locale formats.

The language of a request is, in order: ``?lang=xx`` (which also sets the ``lang`` cookie), the cookie,
then the ``Accept-Language`` header negotiated among :data:`LANGUAGES` with Babel, then English. The
:class:`LocaleMiddleware` keeps it in a context variable for the request, so templates (Jinja2's
``i18n`` extension) and page models (:func:`gettext`) translate without passing it around, and answers
HTML with ``Content-Language`` and ``Vary: Accept-Language, Cookie``.

Catalogues are ``locale/<lang>/LC_MESSAGES/messages.po`` beside this module; they are compiled in memory
on first use (no ``.mo`` files in the repository). A message without a translation falls back to English.
``make translations`` re-extracts ``locale/messages.pot`` and updates the catalogues (see docs/reference.md).
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from gettext import NullTranslations
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from observatory.catalog.areas import load_areas
from observatory.model.area import Area, AreaKind

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ru": "Русский",
    "zh": "中文",
    "ar": "العربية",
}
"""The six UN languages, each in its own name (the language switcher's labels)."""


def N_(message: str) -> str:
    """Marks ``message`` for extraction without translating it (module constants; translate on use)."""
    return message


TRANSLATED = tuple(code for code in LANGUAGES if code != DEFAULT)
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
QUERY = "lang"
VARY = "Accept-Language, Cookie"
UNTRANSLATED_PATHS = ("/api/", "/static/", "/openapi.json")
OWN_LANG_PATHS = ("/iccs",)
"""Pages whose ``?lang=`` is their own (the ICCS texts in English or Spanish), not the interface's."""

AREA_KINDS = (
    N_("world"),
    N_("region"),
    N_("subregion"),
    N_("intermediate region"),
    N_("country"),
    N_("reporting unit"),
    N_("group"),
)
"""The kinds of area (``AreaKind`` values, hyphens as spaces), as an area page shows them."""
INPUT_ROLES = (N_("numerator"), N_("denominator"))
"""The roles of an indicator's inputs, as its explanation shows them."""
BREAKDOWNS = (N_("Sex"), N_("Age"), N_("Offence"), N_("Status"), N_("Citizenship"), N_("Category"))
"""Breakdown dimensions, capitalised as the explorer's fields and columns show them."""

_current: ContextVar[str] = ContextVar("observatory_language", default=DEFAULT)


def current_language() -> str:
    """The language of the request being answered (English outside a request)."""
    return _current.get()


def text_direction(lang: str) -> str:
    """``rtl`` for Arabic, ``ltr`` for the others (CLDR's character order)."""
    return "rtl" if Locale.parse(lang).character_order == "right-to-left" else "ltr"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (read and compiled in memory once per process)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if lang == DEFAULT or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def gettext(message: str) -> str:
    """``message`` in the request's language (English when the catalogue has no translation)."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


_ = gettext


def negotiate(accept_language: str | None) -> str | None:
    """The best of :data:`LANGUAGES` for an ``Accept-Language`` header (``fr-CA,fr;q=0.9`` → ``fr``)."""
    if not accept_language:
        return None
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, index, tag.replace("-", "_")))
    preferred = [tag for _q, _i, tag in sorted(weighted)]
    try:
        found = Locale.negotiate(preferred, list(LANGUAGES))
    except (ValueError, UnknownLocaleError):
        return None
    return found.language if found is not None else None


def choose_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """``?lang=``, else the cookie, else ``Accept-Language``, else English."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return negotiate(accept_language) or DEFAULT


class LocaleMiddleware:
    """Picks the request's language (see the module's docstring) and labels HTML answers with it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNTRANSLATED_PATHS):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        asked = None
        if not scope["path"].startswith(OWN_LANG_PATHS):
            asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(QUERY, [None])[-1]
        cookies = SimpleCookie(headers.get("cookie", ""))
        cookie = cookies[COOKIE].value if COOKIE in cookies else None
        lang = choose_language(asked, cookie, headers.get("accept-language"))
        token = _current.set(lang)

        async def send_labelled(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                if out.get("content-type", "").startswith("text/html"):
                    out["Content-Language"] = lang
                    out.add_vary_header(VARY)
                if asked in LANGUAGES and asked != cookie:
                    out.append("Set-Cookie", _cookie(asked))
            await send(message)

        try:
            await self.app(scope, receive, send_labelled)
        finally:
            _current.reset(token)


def _cookie(lang: str) -> str:
    return f"{COOKIE}={lang}; Max-Age={COOKIE_MAX_AGE}; Path=/; SameSite=Lax"


router = APIRouter(include_in_schema=False)


@router.get("/language/{lang}")
def switch_language(lang: str, next: str = "/") -> RedirectResponse:
    """The language switcher: remember ``lang`` in the cookie and go back to ``next`` (a local path)."""
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, path="/", samesite="lax")
    return response


# Area names from CLDR -------------------------------------------------------------------------------


def area_name(area: Area | str | None, fallback: str | None = None, lang: str | None = None) -> str:
    """An area's name in ``lang`` (the request's by default) from CLDR: its ISO alpha-2 code for
    countries and territories, its M49 code for regions CLDR names (``001``, ``150``, ``419``); otherwise
    the catalogue's English name. ``area`` may be an :class:`Area` or its code."""
    if isinstance(area, str) or area is None:
        catalog = load_areas()
        found = catalog.resolve(area) if area else None
        if found is None:
            return fallback or (area or "")
        area = found
    lang = lang or current_language()
    if lang == DEFAULT:
        return area.name
    key = area.iso2 if area.kind is AreaKind.country else area.m49 if area.is_aggregate else None
    name: str = Locale.parse(lang).territories.get(key, area.name) if key else area.name
    return name


# Numbers and dates ----------------------------------------------------------------------------------


def number(value: float | int | None, digits: int = 1, lang: str | None = None, fixed: bool = False) -> str:
    """Whole numbers with the locale's grouping (``230,000``, ``230 000``), others (all with ``fixed``)
    with ``digits`` decimals (``12 345,6`` in French); ``–`` for no value."""
    if value is None:
        return "–"
    whole = float(value).is_integer() and not fixed
    pattern = "#,##0" if whole or digits == 0 else "#,##0." + "0" * digits
    return format_decimal(value, format=pattern, locale=lang or current_language())


def percent(value: float | None, digits: int = 0, lang: str | None = None) -> str:
    """A share (0.42) as a percentage in the locale's format (``42 %`` in French)."""
    if value is None:
        return "–"
    locale = Locale.parse(lang or current_language())
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return format_percent(value, format=pattern, locale=locale)


def long_date(value: date | datetime | None, lang: str | None = None) -> str:
    """``29 November 2026`` / ``29 novembre 2026`` / ``2026年11月29日``."""
    if value is None:
        return "–"
    return format_date(value, format="long", locale=lang or current_language())


def date_time(value: datetime | None, lang: str | None = None) -> str:
    """A date and time (UTC) in the locale's medium format."""
    if value is None:
        return "–"
    return format_datetime(value, format="medium", tzinfo=None, locale=lang or current_language()) + " UTC"


# Templates ------------------------------------------------------------------------------------------


@pass_context
def _switch_links(context: Context) -> list[dict[str, Any]]:
    request = context.get("request")
    here = "/"
    if request is not None:
        url = request.url
        if not url.path.startswith(OWN_LANG_PATHS):
            url = url.remove_query_params(QUERY)  # else ``?lang=`` would switch straight back
        here = url.path + (f"?{url.query}" if url.query else "")
    current = current_language()
    return [
        {
            "code": code,
            "name": name,
            "href": f"/language/{code}?next={_quote(here)}",
            "current": code == current,
        }
        for code, name in LANGUAGES.items()
    ]


def _quote(path: str) -> str:
    return quote(path, safe="/")


def _ui() -> dict[str, Any]:
    lang = current_language()
    return {"lang": lang, "dir": text_direction(lang), "name": LANGUAGES[lang]}


def install(templates: Jinja2Templates) -> None:
    """Jinja2's ``i18n`` extension with the request's catalogue, and the locale filters and globals."""
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["number"] = number
    env.filters["percent"] = percent
    env.filters["long_date"] = long_date
    env.filters["date_time"] = date_time
    env.filters["area_name"] = area_name
    env.globals["ui"] = _ui
    env.globals["language_links"] = _switch_links
