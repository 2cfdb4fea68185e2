"""Checking a project against the catalogues: countries and region (areas), currency (ISO 4217),
Observatory indicators (``indicators.toml``) and assessment items (the norms engine, when it is there).

:func:`check_project` returns the project with every code in its canonical form (``fra`` -> ``FRA``,
``Africa`` -> ``002``) or raises :class:`InvalidInput` naming the field and the offending value.

Assessment references (``checklist:item``) are kept loose: their form is always checked; whether the item
exists is asked of ``observatory.norms.catalog.resolve_item(reference) -> bool`` if that module exists when
the code runs, else of the shipped checklists (``observatory.norms.checklists.load_checklists()``: checklist
id, then item id, ``bangkok-implementation:BR-02``) if they exist. Without either, any well-formed
reference is kept.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable

from observatory.catalog.areas import load_areas
from observatory.catalog.currencies import check_currency
from observatory.catalog.indicators import load_indicators
from observatory.errors import ErrorLocation, InvalidInput, NotFound
from observatory.model.assistance import OutcomeIndicator, Project

NORMS_MODULE = "observatory.norms.catalog"
CHECKLISTS_MODULE = "observatory.norms.checklists"


def _invalid(message: str, code: str, where: str) -> InvalidInput:
    return InvalidInput(message, code=code, location=ErrorLocation(field=where))


def country(text: str, where: str = "countries") -> str:
    """The catalogue code of a country or reporting unit; ``unknown-area`` otherwise."""
    area = load_areas().resolve(text.strip())
    if area is None:
        raise _invalid(
            f"unknown country {text!r}: give an ISO 3166 alpha-3 code (KEN), an M49 code (404) or a name",
            "unknown-area",
            where,
        )
    if area.is_aggregate:
        raise _invalid(
            f"{text!r} is the region {area.name} ({area.code}), not a country; put it in the region column",
            "unknown-area",
            where,
        )
    return area.code


def region(text: str) -> str:
    """The M49 code of a region, sub-region or the World (``Africa``, ``002``); ``unknown-area`` otherwise."""
    area = load_areas().resolve(text.strip())
    if area is None or not area.is_aggregate:
        what = "unknown region" if area is None else f"{area.name} is a country, not a region:"
        raise _invalid(
            f"{what} {text!r}; give an M49 region or sub-region (Africa, 002, Eastern Africa, 014)",
            "unknown-area",
            "region",
        )
    return area.code


def _checklist_resolver() -> Callable[[str], bool] | None:
    """Items of the shipped checklists (``observatory.norms.checklists``), when that module exists."""
    try:
        module = importlib.import_module(CHECKLISTS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name and CHECKLISTS_MODULE.startswith(exc.name):
            return None
        raise
    load = getattr(module, "load_checklists", None)
    if not callable(load):
        return None

    def resolve(reference: str) -> bool:
        checklist_id, _, item_id = reference.partition(":")
        checklist = load().get(checklist_id)
        return checklist is not None and any(getattr(i, "id", None) == item_id for i in checklist.items)

    return resolve


def norms_resolver() -> Callable[[str], bool] | None:
    """``resolve_item`` of the norms catalogue if that module exists now, else a lookup in the shipped
    checklists if they exist; None when neither does (references are then only checked for their form)."""
    try:
        module = importlib.import_module(NORMS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name and NORMS_MODULE.startswith(exc.name):
            return _checklist_resolver()
        raise
    found = getattr(module, "resolve_item", None)
    return found if callable(found) else _checklist_resolver()


def assessment_item(reference: str, where: str) -> str:
    resolve = norms_resolver()
    if resolve is not None and not resolve(reference):
        raise _invalid(
            f"no assessment item {reference!r} in the norms catalogue", "unknown-assessment-item", where
        )
    return reference


def indicator_id(text: str, where: str) -> str:
    registry = load_indicators()
    if text not in registry:
        raise _invalid(
            f"no Observatory indicator {text!r}; indicators: {', '.join(registry)}",
            "unknown-indicator",
            where,
        )
    return text


def _outcome(item: OutcomeIndicator, project_countries: tuple[str, ...]) -> OutcomeIndicator:
    where = f"indicators[{item.ref}]"
    area = country(item.area, where + ".area") if item.area else None
    if area and project_countries and area not in project_countries:
        raise _invalid(
            f"outcome indicator {item.ref!r} reads {area}, which is not a country of the project "
            f"({', '.join(project_countries)})",
            "unknown-area",
            where + ".area",
        )
    return dataclasses.replace(
        item,
        indicator_id=indicator_id(item.indicator_id, where) if item.indicator_id else None,
        assessment_item=assessment_item(item.assessment_item, where) if item.assessment_item else None,
        area=area,
    )


def check_project(project: Project) -> Project:
    """``project`` with canonical codes, every catalogue reference checked."""
    try:
        currency = check_currency(project.budget.currency)
    except InvalidInput as exc:
        raise _invalid(exc.message, exc.code, "currency") from None
    countries = tuple(dict.fromkeys(country(c) for c in project.countries))
    try:
        found_region = region(project.region) if project.region else None
    except NotFound as exc:  # pragma: no cover - resolve() returns None rather than raising
        raise _invalid(exc.message, "unknown-area", "region") from None
    return dataclasses.replace(
        project,
        countries=countries,
        region=found_region,
        budget=dataclasses.replace(project.budget, currency=currency),
        indicators=tuple(_outcome(i, countries) for i in project.indicators),
        gaps=tuple(assessment_item(g, "gaps") for g in project.gaps),
    )
