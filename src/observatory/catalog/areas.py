"""The areas catalogue: countries, territories, UNODC reporting units and M49 regions.

The catalogue is data shipped with the package (``catalog/data``), regenerated from the UNSD M49
overview and the ISO 3166 list by ``scripts/build_area_catalogue.py``:

* ``areas.csv``: one row per :class:`~observatory.model.area.Area`;
* ``area_aliases.csv``: names and codes other sources use for an area (World Bank, OWID, SDG, ...);
* ``non_m49_aggregates.csv``: aggregates those sources publish that are not M49 areas (World Bank
  income groups, SDG groupings), so importers can tell "known aggregate" from "unknown area".

Text lookups ignore case, accents and punctuation (see :func:`normalise`).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from observatory.errors import (
    ConfigurationError,
    ErrorLocation,
    InvalidInput,
    NotFound,
)
from observatory.model.area import Aggregation, Area, AreaKind

DATA: Traversable = resources.files("observatory.catalog") / "data"
AREAS_FILE = "areas.csv"
ALIASES_FILE = "area_aliases.csv"
NON_AREAS_FILE = "non_m49_aggregates.csv"

FLAGS = ("ldc", "lldc", "sids")
# fmt: off
AREA_COLUMNS = (
    "code", "name", "kind", "m49", "iso2", "iso3", "parent", "region", "subregion",
    "intermediate_region", "aggregation", *FLAGS,  # Area.flags, one true/false column each
)
# fmt: on
ALIAS_COLUMNS = ("alias", "code", "source")
NON_AREA_COLUMNS = ("source", "code", "name")
WORLD = "001"

_WORD = re.compile(r"[^\W_]+")
_BOOLEANS = {"true": True, "false": False}


class Source(StrEnum):
    """Where an alias or a non-M49 aggregate was seen."""

    iso3166 = "iso3166"  # ISO 3166-1 short names (lukes/ISO-3166-Countries-with-Regional-Codes)
    unodc_cts = "unodc_cts"  # UNODC data portal exports (Iso3_code, Country)
    worldbank = "worldbank"  # World Bank WDI (Country Code, Country Name)
    sdg16 = "sdg16"  # UN SDG global database (geo_area_m49, geo_area_name)
    owid = "owid"  # Our World in Data grapher (Code, Entity)


@dataclass(frozen=True)
class Alias:
    """Another name or code for an area, as a source spells it."""

    alias: str
    code: str
    source: Source


@dataclass(frozen=True)
class NonArea:
    """An aggregate a source publishes that is not an area of the catalogue (an income group)."""

    source: Source
    code: str
    name: str


def _bad_data(message: str, location: ErrorLocation | None = None) -> ConfigurationError:
    """A catalogue file that cannot be used as it is."""
    return ConfigurationError(message, location=location)


def normalise(text: str) -> str:
    """Fold ``text`` for matching: no accents, no case, punctuation and spaces reduced to one space.

    >>> normalise("Côte d’Ivoire") == normalise("COTE D'IVOIRE") == "cote d ivoire"
    True
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(bare.casefold()))


def _numeric_key(text: str) -> str | None:
    """``"4"`` and ``"004"`` -> ``"004"``: the zero-padded form of a numeric (M49) code."""
    return text.zfill(3) if text.isascii() and text.isdigit() and len(text) <= 3 else None


class AreaCatalog:
    """All areas, indexed by code, ISO codes, M49 code, name and alias."""

    def __init__(
        self,
        areas: Iterable[Area],
        aliases: Iterable[Alias] = (),
        non_areas: Iterable[NonArea] = (),
    ) -> None:
        self._areas: dict[str, Area] = {}
        self._children: dict[str, list[Area]] = {}
        self._by_m49: dict[str, str] = {}
        self._by_iso2: dict[str, str] = {}
        self._by_text: dict[str, str] = {}
        self._non_areas: dict[str, NonArea] = {}
        for area in areas:
            self._add(area)
        self._link_parents()
        for alias in aliases:
            self._add_text(alias.alias, alias.code, f"alias {alias.alias!r} ({alias.source})")
        for non_area in non_areas:
            self._non_areas.setdefault(self._non_area_key(non_area.code), non_area)
            self._non_areas.setdefault(normalise(non_area.name), non_area)

    # -- building -------------------------------------------------------------------------------

    def _add(self, area: Area) -> None:
        if area.code in self._areas:
            raise _bad_data(f"area code {area.code!r} is listed twice")
        self._areas[area.code] = area
        if area.m49:
            self._by_m49[area.m49] = area.code
        if area.iso2:
            self._by_iso2[area.iso2] = area.code
        self._add_text(area.name, area.code, f"the name of {area.code}")

    def _add_text(self, text: str, code: str, what: str) -> None:
        if code not in self._areas:
            raise _bad_data(f"{what} points to {code!r}, which is not an area code")
        key = normalise(text)
        known = self._by_text.setdefault(key, code)
        if known != code:
            raise _bad_data(f"{what} reads as {key!r}, which already names {known}")

    def _link_parents(self) -> None:
        for area in self._areas.values():
            if area.parent is None:
                if area.kind is not AreaKind.world:
                    raise _bad_data(f"area {area.code} has no parent; only the World may")
                continue
            if area.parent not in self._areas:
                raise _bad_data(f"area {area.code}'s parent {area.parent!r} is not an area code")
            self._children.setdefault(area.parent, []).append(area)

    @staticmethod
    def _non_area_key(code: str) -> str:
        return _numeric_key(code) or code.upper()

    # -- lookups ----------------------------------------------------------------------------------

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._areas

    def __iter__(self) -> Iterator[Area]:
        return iter(self._areas.values())

    def __len__(self) -> int:
        return len(self._areas)

    def get(self, code: str) -> Area:
        """The area with platform code ``code`` (``FRA``, ``150``, ``GBR_E_W``), in any case."""
        area = self._areas.get(code.strip().upper())
        if area is None:
            raise NotFound(self._unknown(code), code="unknown-area")
        return area

    def _unknown(self, code: str) -> str:
        found = self.resolve(code)
        if found is not None:
            guesses = [found.code]
        else:
            guesses = difflib.get_close_matches(code.strip().upper(), list(self._areas), n=3)
            names = difflib.get_close_matches(normalise(code), list(self._by_text), n=3)
            guesses += [self._by_text[name] for name in names]
        hint = ", ".join(f"{c} ({self._areas[c].name})" for c in dict.fromkeys(guesses))
        return (
            f"unknown area code {code!r}"
            + (f"; did you mean {hint}?" if hint else ".")
            + " Area codes are ISO 3166 alpha-3 (FRA), M49 region codes (150, 001 for the World)"
            " or UNODC reporting-unit codes (GBR_E_W)."
        )

    def resolve(self, text: str) -> Area | None:
        """The area ``text`` stands for, or None.

        Accepts the platform code, ISO alpha-2 or alpha-3, the M49 code (``"4"`` or ``"004"``), the
        official name or any alias (case, accents and punctuation ignored).
        """
        raw = text.strip()
        if not raw:
            return None
        upper = raw.upper()
        numeric = _numeric_key(raw)
        code = (
            (upper if upper in self._areas else None)
            or (self._by_m49.get(numeric) if numeric else None)
            or self._by_iso2.get(upper)
            or self._by_text.get(normalise(raw))
        )
        return self._areas[code] if code else None

    def non_area(self, text: str) -> str | None:
        """The name of the known non-M49 aggregate ``text`` (a code or name) stands for, else None.

        Anything :meth:`resolve` recognises is an area, not a non-area: ``"Sub-Saharan Africa"`` is
        M49 202 even though the World Bank also uses that name for its own aggregate ``SSF``.
        """
        raw = text.strip()
        if not raw or self.resolve(raw) is not None:
            return None
        found = self._non_areas.get(self._non_area_key(raw)) or self._non_areas.get(normalise(raw))
        return found.name if found else None

    # -- structure ------------------------------------------------------------------------------

    def countries(self) -> list[Area]:
        """Countries and territories (ISO 3166 / M49), by code."""
        return [a for a in self if a.kind is AreaKind.country]

    def reporting_units(self) -> list[Area]:
        """UNODC reporting units that are not ISO countries (GBR_E_W, IRQ_KRI, XKX, ...)."""
        return [a for a in self if a.kind is AreaKind.reporting_unit]

    def regions(self) -> list[Area]:
        """Every aggregate: the World, regions, sub-regions and intermediate regions."""
        return [a for a in self if a.is_aggregate]

    def children(self, code: str) -> list[Area]:
        """The areas whose parent is ``code``."""
        return list(self._children.get(self.get(code).code, []))

    def members(self, code: str) -> list[Area]:
        """The countries and reporting units whose figures make up area ``code``, each counted once.

        For a region, every country and reporting unit in it, at any depth; a reporting unit that is
        a part of a country (``is-part``, GBR_E_W) is not a member in its own right, its country is.
        For a country or a reporting unit, the area itself.
        """
        root = self.get(code)
        if not root.is_aggregate:
            return [root]
        found: list[Area] = []
        pending = [root]
        while pending:
            for child in self._children.get(pending.pop().code, []):
                if child.is_aggregate:
                    pending.append(child)
                elif child.aggregation is not Aggregation.is_part:
                    found.append(child)
        return sorted(found, key=lambda a: a.code)

    def ancestors(self, code: str) -> list[Area]:
        """The areas above ``code`` along parent links, broadest (the World) first."""
        chain: list[Area] = []
        parent = self.get(code).parent
        while parent is not None:
            area = self._areas[parent]
            chain.append(area)
            parent = area.parent
        return chain[::-1]

    def search(self, text: str, limit: int = 20) -> list[Area]:
        """Areas whose name or alias starts with, then contains, ``text``; an exact code first."""
        if limit < 1:
            raise InvalidInput(f"search limit must be a positive number, got {limit}")
        key = normalise(text)
        if not key:
            return []
        exact = self.resolve(text)
        starts = {c for name, c in self._by_text.items() if name.startswith(key)}
        within = {c for name, c in self._by_text.items() if key in name} - starts
        ordered = [exact.code] if exact else []
        for group in (starts, within):
            ordered += sorted(group, key=lambda c: normalise(self._areas[c].name))
        return [self._areas[c] for c in dict.fromkeys(ordered)][:limit]


# -- files ----------------------------------------------------------------------------------------


def _rows(folder: Traversable | Path, name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO((folder / name).read_text(encoding="utf-8"), newline=""))
    if tuple(reader.fieldnames or ()) != columns:
        raise _bad_data(
            f"{name} has columns {reader.fieldnames}, expected {', '.join(columns)}",
            ErrorLocation(file=name, row=1),
        )
    return list(reader)


def _flag(value: str, column: str) -> bool:
    try:
        return _BOOLEANS[value]
    except KeyError:
        raise InvalidInput(f"{column} is {value!r}; expected true or false") from None


def area_from_row(row: dict[str, str]) -> Area:
    """An :class:`Area` from one ``areas.csv`` row (empty cells are None)."""

    def cell(column: str) -> str | None:
        return row[column] or None

    try:
        return Area(
            code=row["code"],
            name=row["name"],
            kind=AreaKind(row["kind"]),
            m49=cell("m49"),
            iso2=cell("iso2"),
            iso3=cell("iso3"),
            parent=cell("parent"),
            region=cell("region"),
            subregion=cell("subregion"),
            intermediate_region=cell("intermediate_region"),
            aggregation=Aggregation(row["aggregation"]),
            flags=frozenset(f for f in FLAGS if _flag(row[f], f)),
        )
    except ValueError as exc:
        kinds = ", ".join(AreaKind) + "; aggregations: " + ", ".join(Aggregation)
        raise InvalidInput(f"{exc} (kinds: {kinds})") from None


def area_to_row(area: Area) -> dict[str, str]:
    """The ``areas.csv`` row for ``area`` (the inverse of :func:`area_from_row`)."""
    row = {c: getattr(area, c) or "" for c in AREA_COLUMNS if c not in FLAGS}
    row.update(kind=area.kind.value, aggregation=area.aggregation.value)
    row.update({f: "true" if f in area.flags else "false" for f in FLAGS})
    return {c: row[c] for c in AREA_COLUMNS}


def _read_areas(folder: Traversable | Path) -> list[Area]:
    areas: list[Area] = []
    for number, row in enumerate(_rows(folder, AREAS_FILE, AREA_COLUMNS), start=2):
        try:
            areas.append(area_from_row(row))
        except InvalidInput as exc:
            raise _bad_data(exc.message, ErrorLocation(file=AREAS_FILE, row=number)) from None
    return areas


def _source(value: str, name: str, number: int) -> Source:
    try:
        return Source(value)
    except ValueError:
        raise _bad_data(
            f"unknown source {value!r}; expected one of {', '.join(Source)}",
            ErrorLocation(file=name, row=number, column="source"),
        ) from None


def read_catalog(folder: Traversable | Path = DATA) -> AreaCatalog:
    """Build a catalogue from the three CSV files in ``folder`` (the packaged data by default)."""
    aliases = [
        Alias(row["alias"], row["code"], _source(row["source"], ALIASES_FILE, number))
        for number, row in enumerate(_rows(folder, ALIASES_FILE, ALIAS_COLUMNS), start=2)
    ]
    non_areas = [
        NonArea(_source(row["source"], NON_AREAS_FILE, number), row["code"], row["name"])
        for number, row in enumerate(_rows(folder, NON_AREAS_FILE, NON_AREA_COLUMNS), start=2)
    ]
    return AreaCatalog(_read_areas(folder), aliases, non_areas)


@cache
def load_areas() -> AreaCatalog:
    """The packaged areas catalogue, read once and shared."""
    return read_catalog()
