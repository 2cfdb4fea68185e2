"""The pure portfolio model: validation naming the field, clusters from themes, years a project runs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from observatory.assistance.codec import project_from_dict
from observatory.errors import InvalidInput
from observatory.model.assistance import (
    Budget,
    Cluster,
    ExchangeRate,
    OutcomeIndicator,
    Project,
    ResultPeriod,
    Status,
    Theme,
    matches,
)


def make(**kw: object) -> Project:
    base: dict[str, object] = {
        "code": "P1",
        "title": "A project",
        "budget": Budget(Decimal(1000), "USD"),
        "countries": ("KEN",),
        "themes": (Theme.prison_reform,),
    }
    return Project(**(base | kw))  # type: ignore[arg-type]


def test_end_before_start_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        make(start=date(2024, 1, 1), end=date(2023, 12, 31))
    assert caught.value.code == "end-before-start"
    assert caught.value.location is not None and caught.value.location.field == "end"
    assert "2023-12-31" in caught.value.message and "2024-01-01" in caught.value.message


def test_negative_budget_and_malformed_currency() -> None:
    with pytest.raises(InvalidInput) as caught:
        Budget(Decimal("-5"), "USD")
    assert caught.value.code == "negative-budget"
    with pytest.raises(InvalidInput) as caught:
        Budget(Decimal(5), "dollars")
    assert caught.value.code == "unknown-currency" and "'dollars'" in caught.value.message
    assert Budget(Decimal(0), "EUR").amount == 0  # a zero pledge is allowed


def test_a_project_needs_a_place_a_title_and_a_valid_code() -> None:
    with pytest.raises(InvalidInput, match="country or a region"):
        make(countries=())
    assert make(countries=(), region="014").region == "014"
    with pytest.raises(InvalidInput) as caught:
        make(code="bad code!")
    assert caught.value.code == "invalid-project-code"
    with pytest.raises(InvalidInput, match="title"):
        make(title="  ")


def test_clusters_come_from_themes_plus_the_named_ones() -> None:
    project = make(
        themes=(Theme.legal_aid, Theme.victims), extra_clusters=(Cluster.international_cooperation,)
    )
    assert project.clusters == (
        Cluster.custody_and_juvenile_justice,
        Cluster.international_cooperation,
        Cluster.crime_prevention_and_victims,
        Cluster.governance_and_integrity,
    )
    assert make(themes=(Theme.prison_reform,)).clusters == (Cluster.custody_and_juvenile_justice,)


def test_years_a_project_runs_and_filters() -> None:
    project = make(start=date(2022, 7, 1), end=date(2024, 6, 30), status=Status.ongoing)
    assert [y for y in range(2020, 2027) if project.active_in(y)] == [2022, 2023, 2024]
    assert not make().active_in(2023)  # no dates: no known year
    assert matches(project, country="KEN", theme=Theme.prison_reform, status=Status.ongoing, year=2023)
    assert not matches(project, country="UGA")
    assert not matches(project, theme=Theme.judiciary)


def test_outcome_indicator_links() -> None:
    with pytest.raises(InvalidInput) as caught:
        OutcomeIndicator("1", "x", indicator_id="sdg_16_3_2", assessment_item="bangkok:5")
    assert caught.value.code == "invalid-reference"
    with pytest.raises(InvalidInput) as caught:
        OutcomeIndicator("1", "x", assessment_item="rule five")
    assert caught.value.code == "invalid-reference" and "checklist:item" in caught.value.message
    with pytest.raises(InvalidInput, match="repeats a period"):
        OutcomeIndicator("1", "x", periods=(ResultPeriod(2023), ResultPeriod(2023)))
    assert OutcomeIndicator("1", "x", assessment_item="bangkok:5").link == "assessment:bangkok:5"
    with pytest.raises(InvalidInput) as caught:
        make(gaps=("not a reference",))
    assert caught.value.location is not None and caught.value.location.field == "gaps"


def test_json_round_trip_keeps_every_value() -> None:
    project = make(
        start=date(2022, 1, 1),
        end=date(2023, 12, 31),
        budget=Budget(Decimal("1250000.50"), "EUR", date(2022, 1, 1)),
        indicators=(
            OutcomeIndicator(
                "1",
                "Unsentenced share",
                indicator_id="sdg_16_3_2",
                baseline=Decimal("45.5"),
                baseline_year=2021,
                periods=(ResultPeriod(2022, Decimal(40), Decimal("41.2")),),
            ),
        ),
        gaps=("bangkok:2",),
    )
    assert project_from_dict(project.to_dict()) == project


def test_exchange_rates_need_a_positive_value_and_a_source() -> None:
    with pytest.raises(InvalidInput) as caught:
        ExchangeRate("EUR", Decimal(0), date(2024, 1, 1), "ECB")
    assert caught.value.code == "invalid-rate"
    with pytest.raises(InvalidInput, match="source"):
        ExchangeRate("EUR", Decimal("1.1"), date(2024, 1, 1), " ")
    assert ExchangeRate("EUR", Decimal("1.1"), date(2024, 1, 1), "ECB").describe() == (
        "1 EUR = 1.1 USD on 2024-01-01 (ECB)"
    )
