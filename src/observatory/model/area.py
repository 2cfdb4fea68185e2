"""Areas: countries and territories (UN M49 / ISO 3166), sub-national reporting units and regions."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AreaKind(StrEnum):
    """What an area is, which decides how its figures aggregate."""

    world = "world"
    region = "region"
    subregion = "subregion"
    intermediate_region = "intermediate-region"
    country = "country"
    reporting_unit = "reporting-unit"  # a part of a country that reports on its own (GBR_E_W)
    group = "group"  # a non-geographic aggregate (income group, LDC)


class Aggregation(StrEnum):
    """How a reporting unit's figures relate to its parent's."""

    is_part = "is-part"  # add up with its siblings to the parent (England and Wales + Scotland + NI)
    replaces_parent = "replaces-parent"  # stands for the parent when the parent did not report
    separate = "separate"  # never summed into another area (Kosovo under UNSCR 1244)
    none = "none"  # aggregates themselves, regions


@dataclass(frozen=True)
class Area:
    """A country, territory, sub-national reporting unit or region.

    ``code`` is the platform's identifier: ISO 3166 alpha-3 for countries and territories, UNODC's code for
    reporting units (``GBR_E_W``), and the three-digit M49 code for regions (``001`` is the World).
    """

    code: str
    name: str
    kind: AreaKind
    m49: str | None = None
    iso2: str | None = None
    iso3: str | None = None
    parent: str | None = None
    region: str | None = None
    subregion: str | None = None
    intermediate_region: str | None = None
    aggregation: Aggregation = Aggregation.none
    flags: frozenset[str] = field(default_factory=frozenset)  # ldc, lldc, sids

    @property
    def is_country(self) -> bool:
        return self.kind is AreaKind.country

    @property
    def is_aggregate(self) -> bool:
        return self.kind in {
            AreaKind.world,
            AreaKind.region,
            AreaKind.subregion,
            AreaKind.intermediate_region,
            AreaKind.group,
        }

    def ancestors(self) -> tuple[str, ...]:
        """M49 codes of the regions this area belongs to, broadest first (World excluded)."""
        return tuple(c for c in (self.region, self.subregion, self.intermediate_region) if c)
