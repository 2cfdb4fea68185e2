"""Reference periods: the spellings accepted, the messages for the rest, plausibility."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observatory.model.period import (
    EARLIEST_PLAUSIBLE_YEAR,
    LATEST_PLAUSIBLE_YEAR,
    Frequency,
    Period,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", Period(2019)),
        (2019, Period(2019)),
        ("2019.0", Period(2019)),
        (" 2019 ", Period(2019)),
        ("2019-Q3", Period(2019, "Q3")),
        ("2019-07", Period(2019, "07")),
        ("2019-12", Period(2019, "12")),
        ("1013", Period(1013)),
    ],
)
def test_parse_accepts(text: str | int, expected: Period) -> None:
    assert Period.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("twenty", "expected a year such as 2019 (or 2019-Q3, 2019-07)"),
        ("", "expected a year such as 2019"),
        ("19", "expected a year such as 2019"),
        ("2019-Q5", "expected a year such as 2019"),
        ("2019.5", "expected a year such as 2019"),
        ("2019-7", "expected a year such as 2019"),
        ("2019-13", "months run from 01 to 12"),
        ("2019-00", "months run from 01 to 12"),
    ],
)
def test_parse_refuses_with_what_is_accepted(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        Period.parse(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    ("text", "frequency"),
    [("2019", Frequency.annual), ("2019-Q1", Frequency.quarterly), ("2019-01", Frequency.monthly)],
)
def test_frequency(text: str, frequency: Frequency) -> None:
    assert Period.parse(text).frequency is frequency


@pytest.mark.parametrize(
    ("year", "plausible"),
    [
        (1013, False),
        (EARLIEST_PLAUSIBLE_YEAR - 1, False),
        (EARLIEST_PLAUSIBLE_YEAR, True),
        (2019, True),
        (LATEST_PLAUSIBLE_YEAR, True),
        (LATEST_PLAUSIBLE_YEAR + 1, False),
    ],
)
def test_plausible(year: int, plausible: bool) -> None:
    assert Period(year).plausible is plausible


def test_str_and_order() -> None:
    assert str(Period.parse("2019")) == "2019"
    assert str(Period.parse("2019-Q3")) == "2019-Q3"
    assert Period(2018) < Period(2019) < Period(2020)
    assert Period(2019, "Q1") < Period(2019, "Q4") < Period(2020, "Q1")
    assert sorted([Period(2020, "01"), Period(2019, "11"), Period(2019, "02")]) == [
        Period(2019, "02"),
        Period(2019, "11"),
        Period(2020, "01"),
    ]


def test_a_year_sorts_before_its_quarters() -> None:
    assert sorted([Period(2019, "Q1"), Period(2019)]) == [Period(2019), Period(2019, "Q1")]


subs = st.one_of(
    st.none(),
    st.sampled_from(["Q1", "Q2", "Q3", "Q4"]),
    st.integers(1, 12).map(lambda m: f"{m:02d}"),
)


@given(year=st.integers(1000, 9999), sub=subs)
def test_parse_of_str_round_trips(year: int, sub: str | None) -> None:
    period = Period(year, sub)
    assert Period.parse(str(period)) == period
