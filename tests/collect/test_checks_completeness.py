"""Completeness rules: questionnaire cells left without a value, and values for cells not asked for."""

from __future__ import annotations

from typing import Any

from observatory.collect.checks.rules import load_rules, parse_rules
from observatory.collect.validation import validate
from observatory.model.observation import Observation, Provenance, SeriesKey

SPEC = ["code", "key", "expected", "found"]
SUPERVISION = {"variable": "persons-under-other-supervision"}  # table J7: Total, Male, Female, Sex unknown


def obs(
    value: float | None, area: str = "AUT", period: str = "2022", note: str | None = None, **dims: Any
) -> Observation:
    key = SeriesKey(**{**SUPERVISION, **dims})
    return Observation(area, period, key, value, Provenance("UN-CTS", file_name="round.xlsx"), note=note)


def rules(detail: str = "table") -> Any:
    return parse_rules(
        {"rules": [{"id": "j7", "type": "completeness", "detail": detail, "where": SUPERVISION}]}
    )


def test_a_table_with_cells_left_empty() -> None:
    report = validate([obs(10), obs(8, sex="M")], config=rules())
    assert report.flatten(SPEC) == [
        ["missing-from-questionnaire", "AUT 2022 table J7", "4 cells", "2 answered"]
    ]
    assert report.problems[0].message == "table J7: 2 of its 4 cells have no value [rule j7]"


def test_each_missing_cell_in_detail() -> None:
    report = validate([obs(10), obs(8, sex="M")], config=rules("cell"))
    head = "AUT 2022 persons-under-other-supervision"
    assert report.flatten(["key", "message", "expected"]) == [
        [f"{head}.F._T._T._T._T._T.count", "no value for J7 Total / Female [rule j7]", "a value"],
        [f"{head}._U._T._T._T._T._T.count", "no value for J7 Total / Sex unknown [rule j7]", "a value"],
    ]


def test_a_complete_table_or_an_explained_blank_passes() -> None:
    answered = [obs(10), obs(8, sex="M"), obs(2, sex="F"), obs(None, sex="_U", note="not recorded")]
    assert validate(answered, config=rules()).problems == []


def test_reference_years_without_any_value() -> None:
    complete = [obs(10), obs(8, sex="M"), obs(2, sex="F"), obs(0, sex="_U")]
    report = validate(complete, config=rules(), reference_years=[2021, 2022])
    assert report.flatten(SPEC) == [
        ["missing-from-questionnaire", "AUT 2021 table J7", "4 cells", "0 answered"]
    ]


def test_regions_answer_no_questionnaire() -> None:
    assert validate([obs(10, area="150")], config=rules()).problems == []  # Europe


def test_a_value_for_a_cell_the_questionnaire_does_not_ask_for() -> None:
    odd = [obs(10, category="bogus"), obs(10, category="bogus", unit="rate-per-100k"), obs(10)]
    report = validate(odd, config=load_rules().only("unknown-cell"))
    assert report.flatten(SPEC) == [
        ["unknown-cell", "AUT 2022 persons-under-other-supervision._T._T._T._T._T.bogus.count",
         "a questionnaire cell", "persons-under-other-supervision"],
    ]  # fmt: skip
    assert not report.valid
