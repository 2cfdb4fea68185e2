"""Projects from and to their JSON shape (:meth:`Project.to_dict`), the one every stored revision keeps
and the API takes. Pure; errors are :class:`InvalidInput` naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.assistance import (
    Budget,
    Cluster,
    Measure,
    OutcomeIndicator,
    Partner,
    PartnerRole,
    Project,
    ResultPeriod,
    StatisticsSource,
    Status,
    Theme,
)


def _invalid(message: str, code: str, where: str) -> InvalidInput:
    return InvalidInput(message, code=code, location=ErrorLocation(field=where))


def _decimal(value: Any, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        found = Decimal(str(value).strip())
    except ArithmeticError:
        raise _invalid(f"{value!r} is not a number", "non-numeric-value", where) from None
    if not found.is_finite():
        raise _invalid(f"{value!r} is not a finite number", "non-numeric-value", where)
    return found


def _date(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _invalid(f"{value!r} is not a date; write it as 2024-01-31", "invalid-date", where) from None


def _choice(kind: type[StrEnum], value: Any, where: str) -> Any:
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        raise _invalid(f"{value!r} is not one of {choices}", "unknown-code", where) from None


def _year(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise _invalid(f"{value!r} is not a year", "invalid-period", where) from None
    if not 1900 <= year <= 2100:
        raise _invalid(f"year {year} is outside 1900-2100", "invalid-period", where)
    return year


def _source(data: Any) -> StatisticsSource | None:
    if not data:
        return None
    return StatisticsSource(
        str(data["indicator"]),
        str(data["area"]),
        int(data["year"]),
        int(data["release"]),
        str(data["release_sha256"]),
    )


def indicator_from_dict(data: dict[str, Any]) -> OutcomeIndicator:
    where = f"indicators[{data.get('ref', '')}]"
    periods = []
    for raw in data.get("periods") or ():
        year = _year(raw.get("year"), where + ".periods.year")
        if year is None:
            raise _invalid("a period needs its year", "missing-value", where + ".periods.year")
        periods.append(
            ResultPeriod(
                year,
                _decimal(raw.get("target"), where + ".target"),
                _decimal(raw.get("actual"), where + ".actual"),
                _source(raw.get("actual_source")),
            )
        )
    return OutcomeIndicator(
        ref=str(data.get("ref") or "").strip(),
        title=str(data.get("title") or "").strip(),
        indicator_id=(data.get("indicator_id") or None),
        assessment_item=(data.get("assessment_item") or None),
        area=(data.get("area") or None),
        measure=_choice(Measure, data.get("measure") or Measure.unit.value, where + ".measure"),
        baseline=_decimal(data.get("baseline"), where + ".baseline"),
        baseline_year=_year(data.get("baseline_year"), where + ".baseline_year"),
        periods=tuple(sorted(periods, key=lambda p: p.year)),
    )


def project_from_dict(data: dict[str, Any]) -> Project:
    """A project from its JSON shape (:meth:`Project.to_dict`); errors name the field."""
    budget = data.get("budget") or {}
    amount = _decimal(budget.get("amount"), "budget")
    if amount is None:
        raise _invalid("a project needs its pledged budget", "missing-value", "budget")
    partners = tuple(
        Partner(
            str(p["name"]).strip(), _choice(PartnerRole, p.get("role"), "partners"), str(p.get("ref") or "")
        )
        for p in data.get("partners") or ()
    )
    return Project(
        code=str(data.get("code") or "").strip(),
        title=str(data.get("title") or "").strip(),
        description=str(data.get("description") or ""),
        budget=Budget(
            amount,
            str(budget.get("currency") or "").strip().upper(),
            _date(budget.get("value_date"), "budget_date"),
        ),
        countries=tuple(str(c).strip() for c in data.get("countries") or ()),
        region=(str(data["region"]).strip() or None) if data.get("region") else None,
        themes=tuple(_choice(Theme, t, "themes") for t in data.get("themes") or ()),
        extra_clusters=tuple(_choice(Cluster, c, "clusters") for c in data.get("extra_clusters") or ()),
        partners=partners,
        start=_date(data.get("start"), "start"),
        end=_date(data.get("end"), "end"),
        status=_choice(Status, data.get("status") or Status.pipeline.value, "status"),
        indicators=tuple(indicator_from_dict(i) for i in data.get("indicators") or ()),
        gaps=tuple(str(g).strip() for g in data.get("gaps") or ()),
    )
