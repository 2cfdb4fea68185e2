"""Coherence rules: later stages of the justice chain smaller than earlier ones, prison stocks and flows."""

from __future__ import annotations

from typing import Any

from observatory.collect.checks.rules import load_rules, parse_rules
from observatory.collect.validation import validate
from observatory.model.observation import Observation, Provenance, SeriesKey

SPEC = ["code", "key", "expected", "found"]
RULES = load_rules()


def obs(variable: str, value: float, period: str = "2022", **dims: Any) -> Observation:
    return Observation("AUT", period, SeriesKey(variable, **dims), value, Provenance("UN-CTS"))


def key(variable: str, period: str = "2022", **dims: str) -> str:
    return f"AUT {period} {SeriesKey(variable, **dims)}"


def check(rule: str, *observations: Observation, history: list[Observation] | None = None) -> list[list[Any]]:
    return validate(list(observations), history=history, config=RULES.only(rule)).flatten(SPEC)


def test_more_persons_convicted_than_prosecuted() -> None:
    chain = [
        obs("persons-in-contact", 40, offence="0401"),
        obs("persons-prosecuted", 50, offence="0401"),
        obs("persons-convicted", 60, offence="0401"),
        obs("persons-convicted", 60, offence="0501"),  # nothing to compare with
    ]
    assert check("stage-order", *chain) == [
        ["downstream-exceeds-upstream", key("persons-convicted", offence="0401"), "<= 50", "60"],
        ["downstream-exceeds-upstream", key("persons-prosecuted", offence="0401"), "<= 40", "50"],
    ]
    [first, _] = validate(chain, config=RULES.only("stage-order")).problems
    assert first.message == (
        "60 persons-convicted exceed the 50 persons-prosecuted (same offence and year) [rule stage-order]"
    )
    assert first.severity.value == "warning"


def test_a_decreasing_chain_passes() -> None:
    chain = [obs("persons-in-contact", 90, sex="F"), obs("persons-prosecuted", 50, sex="F")]
    assert check("stage-order", *chain, obs("persons-convicted", 50, sex="F")) == []


def test_stages_default_to_the_questionnaire_order() -> None:
    rules = parse_rules({"rules": [{"id": "chain", "type": "stage-order"}]})
    report = validate([obs("persons-in-contact", 10), obs("persons-prosecuted", 11)], config=rules)
    assert report.flatten(SPEC) == [["downstream-exceeds-upstream", key("persons-prosecuted"), "<= 10", "11"]]


def test_more_persons_held_than_held_before_plus_entries() -> None:
    history = [obs("persons-held", 100, "2021")]
    round_ = [obs("persons-held", 140), obs("persons-entering-prison", 30)]
    assert check("prison-flow", *round_, history=history) == [
        ["prison-flow-inconsistent", key("persons-held"), "<= 130", "140"]
    ]
    [problem] = validate(round_, history=history, config=RULES.only("prison-flow")).problems
    assert problem.message == (
        "140 persons-held at the end of 2022, more than the 100 held a year before "
        "plus the 30 persons-entering-prison [rule prison-flow]"
    )


def test_a_stock_that_follows_its_flows_passes() -> None:
    round_ = [obs("persons-held", 100, "2021"), obs("persons-held", 130), obs("persons-entering-prison", 30)]
    assert check("prison-flow", *round_) == []
    # by status the flow does not hold (persons are sentenced without entering again): not checked
    by_status = [obs(v, n, p, status="sentenced") for v, n, p in [("persons-held", 10, "2021"),
                 ("persons-held", 90, "2022"), ("persons-entering-prison", 1, "2022")]]  # fmt: skip
    assert check("prison-flow", *by_status) == []
