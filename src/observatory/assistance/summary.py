"""Portfolio summaries: "N projects in M countries with a total pledged budget of $X", overall and by
region, theme, country or year; and the exchange rates they may use.

Budgets are added per currency. A total in US dollars is given only when every currency other than USD has
an exchange rate, either given by the user for this summary or stored (``observatory assistance rate``)
with its date and source; the platform never makes a rate up. Without one, the totals stay per currency
and the sentence says which rate is missing. Groups may overlap: a project with two themes (or countries)
counts in both, with its whole budget, so group totals can add up to more than the portfolio's. By year,
a project counts in each year it runs (start to end; one without dates in none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from observatory.auth import Action, User, authorize
from observatory.catalog.areas import load_areas
from observatory.catalog.currencies import check_currency
from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.assistance import ExchangeRate, Project, Theme, number
from observatory.store.db import Store
from observatory.store.tables import ExchangeRateRow

USD = "USD"


class SummaryBy(StrEnum):
    region = "region"
    theme = "theme"
    country = "country"
    year = "year"


def money(amount: Decimal, currency: str) -> str:
    """``$1,250,000`` for US dollars, ``EUR 1,250,000.50`` otherwise (cents only when there are some)."""
    rounded = amount.quantize(Decimal("0.01"))
    text = f"{rounded:,.0f}" if rounded == rounded.to_integral_value() else f"{rounded:,.2f}"
    return f"${text}" if currency == USD else f"{currency} {text}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass
class Totals:
    """How many projects and countries, and the pledged budgets per currency (and in USD when possible)."""

    projects: int
    countries: int
    by_currency: dict[str, Decimal]
    usd: Decimal | None
    rates: list[ExchangeRate] = field(default_factory=list)  # the rates used for the USD total
    missing_rates: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        projects = _plural(self.projects, "project", "projects")
        head = f"{projects} in {_plural(self.countries, 'country', 'countries')}"
        if not self.by_currency:
            return head
        if self.usd is not None:
            text = f"{head} with a total pledged budget of {money(self.usd, USD)}"
            if self.rates:
                text += f" (converted at {'; '.join(r.describe() for r in self.rates)})"
            return text
        parts = [money(v, c) for c, v in sorted(self.by_currency.items())]
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        return (
            f"{head} with a total pledged budget of {listed} (not converted to US dollars: no exchange rate "
            f"for {', '.join(self.missing_rates)})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "projects": self.projects,
            "countries": self.countries,
            "by_currency": {c: number(v) for c, v in sorted(self.by_currency.items())},
            "usd": number(self.usd),
            "rates": [_rate_dict(r) for r in self.rates],
            "missing_rates": self.missing_rates,
            "sentence": self.sentence(),
        }


def _rate_dict(rate: ExchangeRate) -> dict[str, Any]:
    return {
        "currency": rate.currency,
        "usd_per_unit": str(rate.usd_per_unit),
        "on": rate.on.isoformat() if rate.on else None,
        "source": rate.source,
    }


@dataclass
class Group:
    key: str
    label: str
    totals: Totals

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, **self.totals.to_dict()}


@dataclass
class Summary:
    overall: Totals
    by: SummaryBy | None = None
    groups: list[Group] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by.value if self.by else None,
            "overall": self.overall.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
        }


def totals(projects: Sequence[Project], rates: Mapping[str, ExchangeRate]) -> Totals:
    """The totals of ``projects``, in USD if every other currency has a rate in ``rates``."""
    by_currency: dict[str, Decimal] = {}
    for p in projects:
        by_currency[p.budget.currency] = by_currency.get(p.budget.currency, Decimal(0)) + p.budget.amount
    others = sorted(c for c in by_currency if c != USD)
    missing = [c for c in others if c not in rates]
    used = [rates[c] for c in others if c in rates]
    usd = None
    if not missing:
        usd = by_currency.get(USD, Decimal(0)) + sum(
            (by_currency[r.currency] * r.usd_per_unit for r in used), Decimal(0)
        )
    countries = len({c for p in projects for c in p.countries})
    return Totals(len(projects), countries, by_currency, usd, used, missing)


def _keys(by: SummaryBy) -> Callable[[Project], Iterable[str]]:
    if by is SummaryBy.region:
        return lambda p: [p.region or ""]
    if by is SummaryBy.theme:
        return lambda p: [t.value for t in p.themes] or [""]
    if by is SummaryBy.country:
        return lambda p: list(p.countries) or [""]

    def years(p: Project) -> list[str]:
        if p.start is None and p.end is None:
            return [""]
        first = (p.start or p.end or date.min).year
        last = (p.end or p.start or date.min).year
        return [str(y) for y in range(first, last + 1)]

    return years


def _label(by: SummaryBy, key: str) -> str:
    if not key:
        return {SummaryBy.region: "no region", SummaryBy.theme: "no theme", SummaryBy.year: "no dates"}.get(
            by, "no country"
        )
    if by is SummaryBy.theme:
        return Theme(key).label
    if by in (SummaryBy.region, SummaryBy.country):
        catalog = load_areas()
        return catalog.get(key).name if key in catalog else key
    return key


def summarize(
    projects: Sequence[Project], by: SummaryBy | None = None, rates: Mapping[str, ExchangeRate] | None = None
) -> Summary:
    """Overall totals and, with ``by``, one group per region, theme, country or year (sorted by key)."""
    rates = rates or {}
    summary = Summary(totals(projects, rates), by)
    if by is None:
        return summary
    members: dict[str, list[Project]] = {}
    key_of = _keys(by)
    for p in projects:
        for key in key_of(p):
            members.setdefault(key, []).append(p)
    for key in sorted(members, key=lambda k: (k == "", k)):
        summary.groups.append(Group(key, _label(by, key), totals(members[key], rates)))
    return summary


def parse_rate(text: str, *, on: date | None = None, source: str = "given by the user") -> ExchangeRate:
    """``EUR=1.08`` (US dollars per euro) as an :class:`ExchangeRate` given by the user."""
    currency, sep, value = text.partition("=")
    where = ErrorLocation(field="rate")
    if not sep:
        raise InvalidInput(
            f"rate {text!r} is not CURRENCY=USD_PER_UNIT (EUR=1.08)", code="invalid-rate", location=where
        )
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise InvalidInput(
            f"rate {text!r}: {value!r} is not a number", code="invalid-rate", location=where
        ) from None
    return ExchangeRate(check_currency(currency), amount, on, source)


def add_rate(store: Store, user: User, rate: ExchangeRate) -> ExchangeRate:
    """Store a rate with its date and source (admins and reviewers)."""
    authorize(user, Action.manage_assistance)
    if rate.on is None:
        raise InvalidInput("a stored exchange rate needs its date (--date)", code="missing-value")
    with store.session() as session:
        exists = session.scalar(
            select(ExchangeRateRow.id).where(
                ExchangeRateRow.currency == rate.currency,
                ExchangeRateRow.rate_date == rate.on,
                ExchangeRateRow.source == rate.source,
            )
        )
        if exists:
            raise InvalidInput(
                f"a rate for {rate.currency} on {rate.on} from {rate.source!r} is stored already",
                code="duplicate-key",
            )
        session.add(
            ExchangeRateRow(
                currency=rate.currency,
                usd_per_unit=str(rate.usd_per_unit),
                rate_date=rate.on,
                source=rate.source,
                recorded_at=datetime.now(UTC),
                recorded_by=user.id or None,
            )
        )
    return rate


def stored_rates(store: Store, *, as_of: date | None = None) -> list[ExchangeRate]:
    """Every stored rate (dated ``as_of`` or earlier), oldest first."""
    query = select(ExchangeRateRow).order_by(ExchangeRateRow.rate_date, ExchangeRateRow.id)
    if as_of is not None:
        query = query.where(ExchangeRateRow.rate_date <= as_of)
    with store.session() as session:
        rows = session.scalars(query).all()
        return [ExchangeRate(r.currency, Decimal(r.usd_per_unit), r.rate_date, r.source) for r in rows]


def rates_for_summary(
    store: Store, given: Sequence[ExchangeRate] = (), *, as_of: date | None = None
) -> dict[str, ExchangeRate]:
    """The newest stored rate per currency (dated ``as_of`` or earlier), overridden by ``given``."""
    found = {r.currency: r for r in stored_rates(store, as_of=as_of)}  # oldest first: the newest wins
    found.update({r.currency: r for r in given})
    return found
