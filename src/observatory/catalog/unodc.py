"""How the UNODC data-portal exports' Indicator/Dimension/Category map onto the platform's series keys.

The mapping is data (``data/unodc_indicators.csv`` and ``data/unodc_categories.csv``): where a category is an
ICCS category the ``offence`` column holds its ICCS v1.0 code. ``variants`` lists spellings seen in real
exports that differ from the canonical label by more than letter case (UNODC's typos such as "faune and
flora"); matching them works but is reported, so the source can be corrected.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from observatory.model.observation import TOTAL

DATA = Path(__file__).parent / "data"


def normalise_label(text: str) -> str:
    """Case- and spacing-insensitive form of a label."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def slug(text: str) -> str:
    """A stable code for a label no codelist knows: ``Deaths (other)`` -> ``deaths-other``."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or TOTAL


@dataclass(frozen=True)
class CategoryRule:
    dimension: str
    category: str
    offence: str = TOTAL
    status: str = TOTAL
    citizenship: str = TOTAL
    breakdown: str = TOTAL
    variable: str | None = None


@dataclass(frozen=True)
class CategoryMatch:
    rule: CategoryRule
    variant_of: str | None = None  # canonical label when the source used a known misspelling


@dataclass(frozen=True)
class IndicatorRule:
    indicator: str
    variable: str
    offence: str = TOTAL
    name: str = ""


class PortalCodelist:
    """Lookups from the portal's labels to series-key parts."""

    def __init__(
        self,
        indicators: list[IndicatorRule],
        categories: list[CategoryRule],
        variants: dict[tuple[str, str], str],
    ) -> None:
        self.indicators = {normalise_label(i.indicator): i for i in indicators}
        self.categories = {(normalise_label(c.dimension), normalise_label(c.category)): c for c in categories}
        self.variants = variants  # (dimension, variant) normalised -> canonical normalised

    def indicator(self, label: str) -> IndicatorRule | None:
        return self.indicators.get(normalise_label(label))

    def category(self, dimension: str, label: str) -> CategoryMatch | None:
        key = (normalise_label(dimension), normalise_label(label))
        rule = self.categories.get(key)
        if rule is not None:
            return CategoryMatch(rule)
        canonical = self.variants.get(key)
        if canonical is not None:
            rule = self.categories[(key[0], canonical)]
            return CategoryMatch(rule, variant_of=rule.category)
        return None

    def variables(self) -> dict[str, str]:
        """Variable code -> name, for every variable the portal mapping produces."""
        names = {i.variable: i.name for i in self.indicators.values()}
        names.update({c.variable: c.category for c in self.categories.values() if c.variable})
        return names


def _or_total(value: str) -> str:
    return value.strip() or TOTAL


@lru_cache(maxsize=1)
def load_portal_codelist() -> PortalCodelist:
    with (DATA / "unodc_indicators.csv").open(encoding="utf-8", newline="") as handle:
        indicators = [
            IndicatorRule(r["indicator"], r["variable"], _or_total(r["offence"]), r["name"])
            for r in csv.DictReader(handle)
        ]
    categories: list[CategoryRule] = []
    variants: dict[tuple[str, str], str] = {}
    with (DATA / "unodc_categories.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            rule = CategoryRule(
                dimension=r["dimension"],
                category=r["category"],
                offence=_or_total(r["offence"]),
                status=_or_total(r["status"]),
                citizenship=_or_total(r["citizenship"]),
                breakdown=_or_total(r["breakdown"]),
                variable=r["variable"] or None,
            )
            categories.append(rule)
            for variant in filter(None, (v.strip() for v in r["variants"].split("|"))):
                key = (normalise_label(r["dimension"]), normalise_label(variant))
                variants[key] = normalise_label(r["category"])
    return PortalCodelist(indicators, categories, variants)
