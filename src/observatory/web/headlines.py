"""The home page's headline figures: the World and the M49 regions for a few indicators, from the store.

For each headline indicator the year shown is the latest year whose World value meets the coverage rule
(reporting countries hold at least 60% of the population), else the latest year with a World value at all;
the regions are shown for the same year. Nothing is hard-coded: an empty release gives no headline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from observatory.catalog.areas import WORLD, AreaCatalog
from observatory.errors import InvalidInput, NotFound
from observatory.indicators.regional import regional_values
from observatory.model.aggregate import AggregateFlag, AggregateLevel, AggregateValue
from observatory.model.indicator import Indicator
from observatory.store.db import Store
from observatory.web.indicator_page import unit_label

HEADLINES = ("sdg_16_1_1", "prison_population_rate", "sdg_16_3_2")


@dataclass(frozen=True)
class RegionFigure:
    code: str
    name: str
    value: AggregateValue


@dataclass
class Headline:
    """One indicator's World figure of one year, with the regions of that year."""

    indicator: Indicator
    method: str
    release: int
    world: AggregateValue
    regions: list[RegionFigure] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return unit_label(self.indicator)

    @property
    def year(self) -> int:
        return self.world.year

    @property
    def flags(self) -> list[str]:
        return sorted(f.value for f in self.world.flags)

    @property
    def imputed(self) -> str:
        """``carry 3, subregional-rate 12``: imputed member-years by method."""
        return ", ".join(f"{m.value} {n}" for m, n in sorted(self.world.imputed.items()))

    @property
    def explore(self) -> str:
        """The explorer view of this indicator for the World and the regions."""
        areas = [WORLD, *(r.code for r in self.regions)]
        return "/explore?" + urlencode([("indicator", self.indicator.id), *(("area", a) for a in areas)])


def pick_year(values: list[AggregateValue]) -> AggregateValue | None:
    """The latest publishable World value, else the latest with a value."""
    with_value = [v for v in values if v.value is not None]
    publishable = [v for v in with_value if AggregateFlag.low_coverage not in v.flags]
    chosen = publishable or with_value
    return max(chosen, key=lambda v: v.year) if chosen else None


def headline(store: Store, catalog: AreaCatalog, indicator_id: str) -> Headline | None:
    """The headline of one indicator, or None when it has no World value (or no release)."""
    try:
        world = regional_values(store, indicator_id, level=AggregateLevel.world)
    except (InvalidInput, NotFound):
        return None
    chosen = pick_year([v for v in world.values if v.area == WORLD])
    if chosen is None:
        return None
    regions = regional_values(store, indicator_id, level=AggregateLevel.region)
    same_year = [v for v in regions.values if v.year == chosen.year and v.value is not None]
    figures = [RegionFigure(v.area, catalog.get(v.area).name, v) for v in same_year]
    return Headline(
        indicator=world.indicator,
        method=world.method,
        release=world.release.number,
        world=chosen,
        regions=sorted(figures, key=lambda r: r.name),
    )


def headlines(store: Store, catalog: AreaCatalog) -> list[Headline]:
    """The headlines that have a World value in the latest release, in :data:`HEADLINES` order."""
    return [h for i in HEADLINES if (h := headline(store, catalog, i)) is not None]
