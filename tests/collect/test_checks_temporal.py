"""Time rules: a large change from the year before without a note."""

from __future__ import annotations

from typing import Any

from observatory.collect.checks.rules import load_rules
from observatory.collect.validation import validate
from observatory.model.observation import Observation, Provenance, SeriesKey

SPEC = ["code", "key", "expected", "found"]
RULES = load_rules().only("year-on-year")
KEY = "AUT {} persons-held._T._T._T._T._T._T.count"


def obs(period: str, value: float, note: str | None = None, **dims: Any) -> Observation:
    key = SeriesKey(**{"variable": "persons-held", **dims})
    return Observation("AUT", period, key, value, Provenance("UN-CTS"), note=note)


def check(*observations: Observation, history: list[Observation] | None = None) -> list[list[Any]]:
    return validate(list(observations), history=history, config=RULES).flatten(SPEC)


def test_an_unexplained_break() -> None:
    assert check(obs("2021", 100), obs("2022", 160)) == [
        ["unexplained-break", KEY.format(2022), "within 50% of 100", "160 (+60%)"]
    ]
    assert check(obs("2021", 100), obs("2022", 40)) == [
        ["unexplained-break", KEY.format(2022), "within 50% of 100", "40 (-60%)"]
    ]


def test_a_note_explains_a_break() -> None:
    assert check(obs("2021", 100), obs("2022", 160, note="new counting rules from 2022")) == []


def test_changes_within_the_threshold_or_between_small_numbers_pass() -> None:
    assert check(obs("2021", 100), obs("2022", 150)) == []
    assert check(obs("2021", 10), obs("2022", 19)) == []  # neither reaches min_base 20
    assert check(obs("2020", 100), obs("2022", 300)) == []  # not consecutive years


def test_the_year_before_may_come_from_history() -> None:
    assert check(obs("2022", 25), history=[obs("2021", 0)]) == [
        ["unexplained-break", KEY.format(2022), "within 50% of 0", "25 (from zero)"]
    ]
    # only the round is judged: a break inside the history is not reported
    assert check(obs("2022", 100), history=[obs("2020", 10), obs("2021", 100)]) == []


def test_the_round_replaces_a_revised_history_value() -> None:
    assert check(obs("2021", 100), obs("2022", 110), history=[obs("2021", 10)]) == []
