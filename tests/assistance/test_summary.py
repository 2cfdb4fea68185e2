"""Summaries worked out by hand: counts, countries, totals per currency, USD only with real rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from collect.test_workflow_support import make_team
from observatory.assistance.summary import (
    SummaryBy,
    add_rate,
    money,
    parse_rate,
    rates_for_summary,
    stored_rates,
    summarize,
)
from observatory.errors import InvalidInput, PermissionDenied
from observatory.model.assistance import Budget, ExchangeRate, Project, Theme
from observatory.store.db import Store


def project(
    code: str,
    amount: str,
    currency: str,
    countries: tuple[str, ...],
    region: str,
    *themes: Theme,
    start: date | None = None,
    end: date | None = None,
) -> Project:
    return Project(
        code, code, Budget(Decimal(amount), currency), countries, region, themes, start=start, end=end
    )


PROJECTS = [
    project(
        "A",
        "1000000",
        "USD",
        ("KEN", "UGA"),
        "014",
        Theme.prison_reform,
        Theme.legal_aid,
        start=date(2022, 1, 1),
        end=date(2023, 6, 30),
    ),
    project(
        "B", "500000", "EUR", ("KEN",), "014", Theme.legal_aid, start=date(2023, 1, 1), end=date(2024, 12, 31)
    ),
    project("C", "250000.50", "USD", ("MEX",), "419", Theme.women_in_justice),
]
EUR = ExchangeRate("EUR", Decimal("1.10"), date(2024, 6, 28), "ECB euro reference rate")


def test_without_a_rate_totals_stay_per_currency() -> None:
    overall = summarize(PROJECTS).overall
    # 3 projects; countries KEN, UGA, MEX; USD 1,000,000 + 250,000.50; EUR 500,000
    assert (overall.projects, overall.countries) == (3, 3)
    assert overall.by_currency == {"USD": Decimal("1250000.50"), "EUR": Decimal(500000)}
    assert overall.usd is None and overall.missing_rates == ["EUR"]
    assert overall.sentence() == (
        "3 projects in 3 countries with a total pledged budget of EUR 500,000 and $1,250,000.50 "
        "(not converted to US dollars: no exchange rate for EUR)"
    )


def test_with_a_rate_the_total_is_in_dollars_and_names_the_rate() -> None:
    overall = summarize(PROJECTS, rates={"EUR": EUR}).overall
    # 1,250,000.50 + 500,000 x 1.10 = 1,800,000.50
    assert overall.usd == Decimal("1800000.50")
    assert overall.sentence() == (
        "3 projects in 3 countries with a total pledged budget of $1,800,000.50 "
        "(converted at 1 EUR = 1.10 USD on 2024-06-28 (ECB euro reference rate))"
    )


def test_groups_by_region_theme_country_and_year() -> None:
    by_region = summarize(PROJECTS, SummaryBy.region, {"EUR": EUR})
    assert [
        (g.key, g.label, g.totals.projects, g.totals.countries, g.totals.usd) for g in by_region.groups
    ] == [
        ("014", "Eastern Africa", 2, 2, Decimal("1550000.00")),
        ("419", "Latin America and the Caribbean", 1, 1, Decimal("250000.50")),
    ]
    by_theme = summarize(PROJECTS, SummaryBy.theme)
    assert {g.key: (g.totals.projects, g.totals.by_currency) for g in by_theme.groups} == {
        "legal-aid": (2, {"USD": Decimal(1000000), "EUR": Decimal(500000)}),  # A and B, overlapping
        "prison-reform": (1, {"USD": Decimal(1000000)}),
        "women-in-justice": (1, {"USD": Decimal("250000.50")}),
    }
    by_country = summarize(PROJECTS, SummaryBy.country)
    assert [(g.key, g.totals.projects) for g in by_country.groups] == [("KEN", 2), ("MEX", 1), ("UGA", 1)]
    by_year = summarize(PROJECTS, SummaryBy.year)
    assert [(g.key, g.label, g.totals.projects) for g in by_year.groups] == [
        ("2022", "2022", 1),
        ("2023", "2023", 2),
        ("2024", "2024", 1),
        ("", "no dates", 1),
    ]
    assert (
        by_year.groups[0].totals.sentence()
        == "1 project in 2 countries with a total pledged budget of $1,000,000"
    )


def test_money() -> None:
    assert money(Decimal("106000000"), "USD") == "$106,000,000"
    assert money(Decimal("1234.5"), "GBP") == "GBP 1,234.50"


def test_rates_given_or_stored_never_invented(store: Store) -> None:
    team = make_team(store)
    assert rates_for_summary(store) == {}
    with pytest.raises(PermissionDenied):
        add_rate(store, team.fra, EUR)
    add_rate(store, team.reviewer, ExchangeRate("EUR", Decimal("1.05"), date(2023, 12, 29), "ECB"))
    add_rate(store, team.reviewer, EUR)
    with pytest.raises(InvalidInput) as caught:
        add_rate(store, team.reviewer, EUR)
    assert caught.value.code == "duplicate-key"
    assert [r.usd_per_unit for r in stored_rates(store)] == [Decimal("1.05"), Decimal("1.10")]
    assert rates_for_summary(store)["EUR"] == EUR  # the newest
    assert rates_for_summary(store, as_of=date(2024, 1, 1))["EUR"].usd_per_unit == Decimal("1.05")
    given = parse_rate("eur=1.2")
    assert rates_for_summary(store, [given])["EUR"] == given and given.source == "given by the user"
    for bad, code in (
        ("EUR", "invalid-rate"),
        ("EUR=abc", "invalid-rate"),
        ("EUR=-1", "invalid-rate"),
        ("ZZZ=1", "unknown-currency"),
    ):
        with pytest.raises(InvalidInput) as caught:
            parse_rate(bad)
        assert caught.value.code == code
