"""The interface in the six UN languages: language choice, catalogues, CLDR area names, locale formats.

Every test makes its own client (its own cookie jar), so a language cookie never leaks into other tests.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi import FastAPI

from observatory.web import i18n

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "src" / "observatory" / "web"
LOCALE = WEB / "locale"
RATE = "prison_population_rate"
PAGES = ("/", "/areas/FRA", f"/indicators/{RATE}")
AREAS_NAV = {"en": "Areas", "fr": "Zones", "es": "Zonas", "ru": "Территории", "zh": "地区", "ar": "المناطق"}
MIN_TRANSLATED = 0.95


@pytest.fixture
def fresh(app: FastAPI) -> Iterator[TestClient]:
    """A client with an empty cookie jar on the seeded app."""
    with TestClient(app) as test_client:
        yield test_client


def html_tag(text: str) -> str:
    found = re.search(r"<html[^>]*>", text)
    assert found is not None
    return found.group(0)


def h1(text: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
    assert found is not None
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("path", PAGES)
def test_every_language_renders_the_public_pages(fresh: TestClient, lang: str, path: str) -> None:
    response = fresh.get(path, params={"lang": lang})
    assert response.status_code == 200
    direction = "rtl" if lang == "ar" else "ltr"
    assert html_tag(response.text) == f'<html lang="{lang}" dir="{direction}">'
    assert response.headers["content-language"] == lang
    assert "Accept-Language" in response.headers["vary"] and "Cookie" in response.headers["vary"]
    # The header's navigation carries the translated "Areas" and the switcher lists all six languages.
    assert re.search(rf'<a href="/areas"[^>]*>{AREAS_NAV[lang]}</a>', response.text)
    for code, name in i18n.LANGUAGES.items():
        assert f'hreflang="{code}" lang="{code}"' in response.text
        assert f">{name}</a>" in response.text


def test_the_language_is_remembered_in_a_cookie(fresh: TestClient) -> None:
    first = fresh.get("/", params={"lang": "es"})
    assert "lang=es" in first.headers["set-cookie"]
    again = fresh.get("/areas")
    assert html_tag(again.text).startswith('<html lang="es"')
    assert "<h1>Zonas</h1>" in again.text
    assert "set-cookie" not in again.headers  # already remembered


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CA,fr;q=0.9,en;q=0.5", "fr"),
        ("de-DE,de;q=0.9,ru;q=0.8", "ru"),
        ("zh-CN,zh;q=0.9", "zh"),
        ("ar-EG", "ar"),
        ("en;q=0.2,es;q=0.9", "es"),
        ("de-DE", "en"),
        ("", "en"),
    ],
)
def test_accept_language_is_negotiated(fresh: TestClient, header: str, expected: str) -> None:
    response = fresh.get("/", headers={"Accept-Language": header})
    assert response.headers["content-language"] == expected
    assert i18n.negotiate(header) == (None if expected == "en" and "en" not in header else expected)


def test_query_beats_cookie_beats_header() -> None:
    assert i18n.choose_language("ar", "fr", "ru") == "ar"
    assert i18n.choose_language(None, "fr", "ru") == "fr"
    assert i18n.choose_language("xx", "yy", "ru-RU") == "ru"
    assert i18n.choose_language(None, None, None) == "en"


def test_the_switcher_sets_the_cookie_and_goes_back(fresh: TestClient) -> None:
    page = fresh.get("/areas?data=true")
    assert 'href="/language/ar?next=/areas%3Fdata%3Dtrue"' in page.text
    moved = fresh.get("/language/ar", params={"next": "/areas?data=true"}, follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == "/areas?data=true"
    assert "lang=ar" in moved.headers["set-cookie"]
    assert 'dir="rtl"' in fresh.get("/areas").text
    elsewhere = fresh.get("/language/fr", params={"next": "//example.org/"}, follow_redirects=False)
    assert elsewhere.headers["location"] == "/"


def test_iccs_keeps_its_own_lang_parameter(fresh: TestClient) -> None:
    """``/iccs?lang=es`` picks the classification's texts; it does not switch the interface."""
    response = fresh.get("/iccs", params={"lang": "es"})
    assert "set-cookie" not in response.headers
    assert html_tag(response.text) == '<html lang="en" dir="ltr">'
    assert 'lang="es">Clasificación Internacional de Delitos' in response.text
    assert fresh.get("/iccs", params={"lang": "fr"}).status_code == 400


def test_the_api_is_not_translated(fresh: TestClient) -> None:
    response = fresh.get("/api/v1/health", headers={"Accept-Language": "fr"})
    assert "content-language" not in response.headers


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Mexique"),
        ("ar", "المكسيك"),
        ("ru", "Мексика"),
        ("zh", "墨西哥"),
        ("es", "México"),
        ("en", "Mexico"),
    ],
)
def test_area_names_come_from_cldr(fresh: TestClient, lang: str, expected: str) -> None:
    assert Locale.parse(lang).territories["MX"] == expected or lang == "en"
    assert h1(fresh.get("/areas/MEX", params={"lang": lang}).text) == expected


def test_region_names_come_from_cldr_numeric_codes(fresh: TestClient) -> None:
    assert h1(fresh.get("/areas/013", params={"lang": "fr"}).text) == Locale.parse("fr").territories["013"]
    assert h1(fresh.get("/areas/001", params={"lang": "ar"}).text) == "العالم"
    # CLDR's name for M49 419 is shorter than M49's ("Latin America"), for the same countries.
    assert i18n.area_name("419", lang="es") == Locale.parse("es").territories["419"] == "Latinoamérica"
    # A reporting unit CLDR does not know keeps the catalogue's English name.
    assert i18n.area_name("GBR_E_W", lang="fr") == i18n.area_name("GBR_E_W", lang="en")


def test_a_known_string_is_translated_in_each_language(fresh: TestClient) -> None:
    titles = {
        "en": "Victims of intentional homicide (SDG 16.1.1)",
        "fr": "Victimes d’homicide volontaire (ODD 16.1.1)",
        "es": "Víctimas de homicidio intencional (ODS 16.1.1)",
        "ru": "Жертвы умышленных убийств (ЦУР 16.1.1)",
        "zh": "故意杀人受害者（可持续发展目标 16.1.1）",
        "ar": "ضحايا القتل العمد (هدف التنمية المستدامة 16.1.1)",
    }
    for lang, title in titles.items():
        page = fresh.get("/areas/MEX", params={"lang": lang}).text
        assert f"<h2>{title}" in page, lang


def _specs(page: str) -> dict[str, dict[str, Any]]:
    """The Vega-Lite specs of a page by chart id."""
    found = re.findall(
        r'<figure class="chart-card[^"]*" id="chart-([^"]+)">.*?data-vega-spec="([^"]+)"', page, re.S
    )
    return {chart: json.loads(html.unescape(spec)) for chart, spec in found}


@pytest.mark.parametrize(
    ("lang", "year", "axis", "description"),
    [
        (
            "fr",
            "Année",
            "Taux pour 100 000 habitants",
            "Personnes détenues dans les prisons pour 100 000 habitants.",
        ),
        ("ar", "السنة", "المعدل لكل 100 000 نسمة", "عدد المحتجزين في السجون لكل 100 000 نسمة."),
        ("en", "Year", "Rate per 100,000 population", "Persons held in prisons per 100,000 population."),
    ],
)
def test_chart_titles_and_axes_follow_the_language(
    fresh: TestClient, lang: str, year: str, axis: str, description: str
) -> None:
    spec = _specs(fresh.get("/areas/MEX", params={"lang": lang}).text)["prison-rate"]
    assert spec["encoding"]["x"]["title"] == year
    assert spec["encoding"]["y"]["title"] == axis
    assert spec["description"] == description
    assert spec["encoding"]["tooltip"][0]["title"] == year


def test_numbers_and_dates_follow_the_locale() -> None:
    assert i18n.number(12345.6, lang="en") == "12,345.6"
    assert i18n.number(12345.6, lang="fr") == "12\u202f345,6"
    assert i18n.number(12345.6, lang="es") == "12.345,6"
    assert i18n.number(12345.6, lang="ru") == "12\xa0345,6"
    assert i18n.number(230000, lang="zh") == "230,000"
    # CLDR's default numbering system for "ar" is Latin digits; Babel formats with them.
    assert i18n.number(12345.6, lang="ar") == "12,345.6"
    assert i18n.number(None) == "–"
    assert i18n.number(3.0, 2, lang="en", fixed=True) == "3.00"
    assert i18n.percent(0.42, lang="fr") == "42\xa0%"  # CLDR: a no-break space before the sign
    assert i18n.percent(0.425, 1, lang="en") == "42.5%"
    assert i18n.long_date(date(2026, 11, 29), lang="fr") == "29 novembre 2026"
    assert i18n.long_date(date(2026, 11, 29), lang="zh") == "2026年11月29日"
    assert i18n.long_date(date(2026, 11, 29), lang="ru") == "29 ноября 2026\u202fг."


def test_pages_format_numbers_per_locale(fresh: TestClient) -> None:
    english = fresh.get("/", params={"lang": "en"}).text
    grouped = re.findall(r"<dt>Observations</dt><dd>([\d,]+)</dd>", english)
    assert grouped and "," in grouped[0]
    count = int(grouped[0].replace(",", ""))
    french = fresh.get("/", params={"lang": "fr"}).text
    assert f"<dt>Observations</dt><dd>{i18n.number(count, lang='fr')}</dd>" in french
    assert "\u202f" in i18n.number(count, lang="fr")


def _catalogue(lang: str) -> list[tuple[object, object]]:
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    return [(m.id, m.string) for m in catalog if m.id]


def _translated(string: object) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def test_missing_translations_are_counted(capsys: pytest.CaptureFixture[str]) -> None:
    """The fallback counter: untranslated messages per language (they show in English)."""
    counts: dict[str, tuple[int, int]] = {}
    for lang in i18n.TRANSLATED:
        entries = _catalogue(lang)
        missing = sum(1 for _msgid, string in entries if not _translated(string))
        counts[lang] = (missing, len(entries))
    with capsys.disabled():
        print("\nuntranslated messages (fall back to English):")
        for lang, (missing, total) in counts.items():
            print(f"  {lang}: {missing} of {total} ({100 * (total - missing) / total:.1f}% translated)")
    for lang, (missing, total) in counts.items():
        assert total > 200, lang
        assert (total - missing) / total >= MIN_TRANSLATED, (lang, missing, total)


def test_an_untranslated_message_falls_back_to_english() -> None:
    message = "A sentence no catalogue has"
    for lang in i18n.LANGUAGES:
        assert i18n.translations(lang).gettext(message) == message
    assert i18n.translations("fr").gettext("Areas") == "Zones"


def test_the_catalogues_are_up_to_date() -> None:
    """Every marked string of the templates and modules is in messages.pot and in each catalogue."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
    marked = {
        msgid if isinstance(msgid, str) else tuple(msgid)
        for _file, _line, msgid, _comments, _context in extract_from_dir(str(WEB), method_map, options)
    }
    with (LOCALE / "messages.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    assert marked - template == set(), "run `make translations`"
    assert template - marked == set(), "run `make translations` (stale messages)"
    for lang in i18n.TRANSLATED:
        assert {msgid for msgid, _ in _catalogue(lang)} == template, lang
