"""Series keys and observations: the key's text form, finite values, publishability, flags."""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observatory.model.observation import (
    SERIES_DIMENSIONS,
    TOTAL,
    UNPUBLISHABLE,
    Flag,
    Observation,
    Provenance,
    SeriesKey,
    Unit,
)

PROVENANCE = Provenance(dataflow="UNODC_CTS", source="CTS", file_name="unodc_ok.csv", row=2)


def observation(value: float | None = 204617.0, *flags: Flag, note: str | None = None) -> Observation:
    return Observation(
        area="MEX",
        period="2017",
        key=SeriesKey("persons-held"),
        value=value,
        provenance=PROVENANCE,
        flags=frozenset(flags),
        note=note,
    )


# -- SeriesKey ---------------------------------------------------------------------------------------


def test_key_defaults_to_totals() -> None:
    key = SeriesKey("persons-held", sex="F")
    assert str(key) == "persons-held.F._T._T._T._T._T.count"
    assert key.as_dict() == {
        "variable": "persons-held",
        "sex": "F",
        "age": TOTAL,
        "offence": TOTAL,
        "status": TOTAL,
        "citizenship": TOTAL,
        "category": TOTAL,
        "unit": Unit.number.value,
    }
    assert list(key.as_dict()) == list(SERIES_DIMENSIONS)


part = st.text(min_size=1).filter(lambda text: "." not in text)


@given(parts=st.lists(part, min_size=len(SERIES_DIMENSIONS), max_size=len(SERIES_DIMENSIONS)))
def test_key_parse_of_str_round_trips(parts: list[str]) -> None:
    key = SeriesKey(*parts)
    assert SeriesKey.parse(str(key)) == key
    assert str(SeriesKey.parse(str(key))) == ".".join(parts)


@pytest.mark.parametrize("text", ["persons-held", "persons-held.F", "a.b.c.d.e.f.g.h.i", "", "a..b"])
def test_key_with_a_wrong_number_of_parts(text: str) -> None:
    with pytest.raises(ValueError, match="expected 8 dot-separated parts") as info:
        SeriesKey.parse(text)
    assert ".".join(SERIES_DIMENSIONS) in str(info.value)
    assert repr(text) in str(info.value)


def test_keys_sort_and_hash() -> None:
    a, b = SeriesKey("offences"), SeriesKey("persons-held")
    assert sorted([b, a]) == [a, b]
    assert len({a, SeriesKey("offences"), b}) == 2


# -- Observation -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_observation_refuses_non_finite_values(value: float) -> None:
    with pytest.raises(ValueError, match="must be finite"):
        observation(value)


def test_observation_accepts_zero_negative_and_none() -> None:
    assert observation(0.0).value == 0.0
    assert observation(-12.0).value == -12.0
    assert observation(None).value is None


def test_observation_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        observation().value = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("flag", sorted(UNPUBLISHABLE))
def test_unpublishable_flags(flag: Flag) -> None:
    assert not observation(1.0, flag).publishable
    assert not observation(1.0, Flag.estimated, flag).publishable


def test_unpublishable_set() -> None:
    assert {Flag.implausible, Flag.conflict, Flag.confidential} <= UNPUBLISHABLE


@pytest.mark.parametrize("flags", [(), (Flag.estimated,), (Flag.break_in_series, Flag.computed)])
def test_publishable(flags: tuple[Flag, ...]) -> None:
    assert observation(1.0, *flags).publishable


def test_a_missing_value_is_not_publishable() -> None:
    assert not observation(None).publishable


def test_identity() -> None:
    assert observation().identity() == (
        "UNODC_CTS",
        "MEX",
        "2017",
        "persons-held._T._T._T._T._T._T.count",
    )


def test_with_flags_adds_flags_and_joins_notes() -> None:
    original = observation(1.0, Flag.estimated, note="source estimate")
    flagged = original.with_flags(Flag.implausible, note="year 1013 is outside 1900-2100")
    assert flagged.flags == {Flag.estimated, Flag.implausible}
    assert flagged.note == "source estimate; year 1013 is outside 1900-2100"
    assert not flagged.publishable
    assert original.flags == {Flag.estimated}  # a copy, the original unchanged
    assert original.note == "source estimate"


@pytest.mark.parametrize(
    ("before", "added", "after"),
    [(None, None, None), (None, "new", "new"), ("old", None, "old"), ("", "", None)],
)
def test_with_flags_notes(before: str | None, added: str | None, after: str | None) -> None:
    assert observation(1.0, note=before).with_flags(Flag.computed, note=added).note == after


def test_with_flags_twice_keeps_one_flag() -> None:
    twice = observation().with_flags(Flag.conflict).with_flags(Flag.conflict)
    assert twice.flags == {Flag.conflict}
