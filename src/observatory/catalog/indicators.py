"""Loading the indicator registry from ``catalog/data/indicators.toml``.

Every formula is checked when the registry loads: a variable that no source provides, a dimension that
does not exist, or a numerator and denominator in units that cannot be divided is a
:class:`~observatory.errors.ConfigurationError` naming the indicator.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from observatory.catalog.questionnaires import load_questionnaire
from observatory.catalog.unodc import load_portal_codelist
from observatory.errors import ConfigurationError, NotFound
from observatory.model.indicator import (
    COUNTABLE_UNITS,
    DIMENSIONS,
    POPULATION,
    Indicator,
    IndicatorUnit,
    SeriesSelector,
)
from observatory.model.observation import Unit
from observatory.model.survey import SurveyConcept

PATH = Path(__file__).parent / "data" / "indicators.toml"
YES_NO = Unit.yes_no.value
SDG_SERIES = re.compile(r"^[A-Z]{2}_[A-Z0-9_]+$")


def known_variables() -> frozenset[str]:
    """Variables some source provides: the questionnaire's, the UNODC portal's, population, SDG series, and
    the crime-survey concepts (``observatory survey indicators``)."""
    return frozenset(
        {
            *load_questionnaire().variables,
            *load_portal_codelist().variables(),
            POPULATION.variable,
            *(concept.value for concept in SurveyConcept),
        }
    )


def _selector(spec: Any, where: str) -> SeriesSelector:
    if spec == "population":
        return POPULATION
    if not isinstance(spec, dict) or "variable" not in spec:
        raise ConfigurationError(f'{where}: expected a table with `variable` or "population", got {spec!r}')
    fixed: list[tuple[str, tuple[str, ...]]] = []
    for dim, value in dict(spec.get("where", {})).items():
        if dim not in DIMENSIONS:
            raise ConfigurationError(
                f"{where}: unknown dimension {dim!r}; dimensions: {', '.join(DIMENSIONS)}",
                code="unknown-dimension",
            )
        values = (value,) if isinstance(value, str) else tuple(str(v) for v in value)
        fixed.append((dim, values))
    return SeriesSelector(
        variable=str(spec["variable"]),
        unit=spec.get("unit"),
        dataflow=spec.get("dataflow"),
        where=tuple(fixed),
    )


def _check(indicator: Indicator, known: frozenset[str]) -> None:
    selectors = [indicator.numerator, *([indicator.denominator] if indicator.denominator else [])]
    for selector in selectors:
        if selector.variable not in known and not SDG_SERIES.match(selector.variable):
            raise ConfigurationError(
                f"indicator {indicator.id!r}: formula refers to unknown variable {selector.variable!r}",
                code="unknown-variable",
            )
    for dim in indicator.disaggregations:
        if dim not in DIMENSIONS:
            raise ConfigurationError(
                f"indicator {indicator.id!r}: cannot break down by {dim!r}; "
                f"dimensions: {', '.join(DIMENSIONS)}",
                code="unknown-dimension",
            )
    den = indicator.denominator
    facts = indicator.unit is IndicatorUnit.YES_NO
    if facts != (indicator.numerator.unit == YES_NO) or (facts and den is not None):
        raise ConfigurationError(
            f"indicator {indicator.id!r}: a yes-no indicator passes one series in unit yes-no through, "
            "without a denominator, and only a yes-no indicator may read such a series",
            code="mixed-units",
        )
    if den is not None:
        units = {indicator.numerator.unit, den.unit}
        if not units <= COUNTABLE_UNITS:
            raise ConfigurationError(
                f"indicator {indicator.id!r}: mixed units: cannot divide "
                f"{indicator.numerator.unit or 'any unit'} by {den.unit or 'any unit'}",
                code="mixed-units",
            )


def parse(data: dict[str, Any], source: str = "<indicators>") -> dict[str, Indicator]:
    known = known_variables()
    found: dict[str, Indicator] = {}
    for i, spec in enumerate(data.get("indicators", [])):
        where = f"{source}: indicator {spec.get('id', i)!r}"
        try:
            unit = IndicatorUnit(spec["unit"])
            indicator = Indicator(
                id=str(spec["id"]),
                name=str(spec["name"]),
                definition=str(spec["definition"]),
                numerator=_selector(spec["numerator"], f"{where} numerator"),
                denominator=_selector(spec["denominator"], f"{where} denominator")
                if "denominator" in spec
                else None,
                unit=unit,
                multiplier=float(spec.get("multiplier", 1)),
                disaggregations=tuple(spec.get("disaggregations", ())),
                reference=spec.get("reference"),
                caveats=tuple(spec.get("caveats", ())),
            )
        except KeyError as exc:
            raise ConfigurationError(f"{where}: missing {exc.args[0]!r}") from None
        except ValueError as exc:
            raise ConfigurationError(f"{where}: {exc}") from None
        if indicator.id in found:
            raise ConfigurationError(f"{where}: defined twice", code="duplicate-indicator")
        _check(indicator, known)
        found[indicator.id] = indicator
    return found


@cache
def load_indicators(path: Path = PATH) -> dict[str, Indicator]:
    with path.open("rb") as handle:
        return parse(tomllib.load(handle), source=path.name)


def get_indicator(indicator_id: str) -> Indicator:
    registry = load_indicators()
    try:
        return registry[indicator_id]
    except KeyError:
        raise NotFound(
            f"no indicator {indicator_id!r}; indicators: {', '.join(registry)}", code="unknown-indicator"
        ) from None
