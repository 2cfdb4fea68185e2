"""Type and range rules: negative and fractional counts, implausible rates and percentages, wrong units."""

from __future__ import annotations

from typing import Any

from observatory.collect.checks.rules import load_rules
from observatory.collect.validation import validate
from observatory.model.observation import Observation, Provenance, SeriesKey

SPEC = ["code", "key", "expected", "found"]
RULES = load_rules()


def obs(value: float, area: str = "AUT", period: str = "2022", **dims: Any) -> Observation:
    key = SeriesKey(**{"variable": "persons-held", **dims})
    return Observation(area, period, key, value, Provenance("UN-CTS", file_name="j1.csv", row=2))


def key(unit: str = "count", variable: str = "persons-held") -> str:
    return f"AUT 2022 {variable}._T._T._T._T._T._T.{unit}"


def check(rule: str, *observations: Observation) -> list[list[Any]]:
    return validate(list(observations), config=RULES.only(rule)).flatten(SPEC)


def test_a_negative_count() -> None:
    assert check("count-not-negative", obs(-3)) == [["negative-count", key(), ">= 0", "-3"]]
    assert check("count-not-negative", obs(0), obs(-5, unit="rate-per-100k")) == []


def test_a_fractional_count() -> None:
    assert check("count-whole", obs(12.5)) == [["non-integer-count", key(), "a whole number", "12.5"]]
    assert check("count-whole", obs(12.0), obs(12.5, unit="rate-per-100k")) == []


def test_a_rate_out_of_range() -> None:
    rates = [obs(6000, unit="rate-per-100k"), obs(-1, area="BEL", unit="rate-per-100k")]
    assert check("rate-range", *rates) == [
        ["rate-out-of-range", key("rate-per-100k"), "between 0 and 5000", "6000"],
        ["rate-out-of-range", key("rate-per-100k").replace("AUT", "BEL"), "between 0 and 5000", "-1"],
    ]
    assert check("rate-range", obs(5000, unit="rate-per-100k"), obs(6000)) == []


def test_a_percentage_out_of_range() -> None:
    share = obs(100.5, variable="persons-held-unsentenced", unit="percent")
    expected = [
        ["percent-out-of-range", key("percent", "persons-held-unsentenced"), "between 0 and 100", "100.5"]
    ]
    assert check("percent-range", share) == expected
    assert check("percent-range", obs(100, variable="persons-held-unsentenced", unit="percent")) == []


def test_a_unit_the_questionnaire_does_not_ask_for() -> None:
    assert check("unit", obs(10, unit="persons")) == [
        ["unit-mismatch", key("persons"), "count or rate-per-100k or percent", "persons"]
    ]
    derived = obs(10, unit="rate-per-100k")
    not_asked = obs(10, variable="population", unit="persons")  # left to unknown-cell
    assert check("unit", obs(10), derived, not_asked) == []


def test_a_problem_names_the_file_row() -> None:
    [problem] = validate([obs(-3)], config=RULES.only("count-not-negative")).problems
    assert (problem.file, problem.row, problem.sheet, problem.cell) == ("j1.csv", 2, None, None)
    assert problem.message == "count value -3 is not >= 0 [rule count-not-negative]"
