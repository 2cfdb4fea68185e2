"""Arithmetic rules: sums of parts, subsets within totals, ICCS categories within the category above."""

from __future__ import annotations

from typing import Any

from observatory.collect.checks.rules import load_rules
from observatory.collect.validation import validate
from observatory.model.observation import Observation, Provenance, SeriesKey

SPEC = ["code", "key", "expected", "found"]
RULES = load_rules()
SECTIONS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"]


def obs(value: float, **dims: Any) -> Observation:
    key = SeriesKey(**{"variable": "persons-held", **dims})
    return Observation("AUT", "2022", key, value, Provenance("UN-CTS", file_name="round.xlsx"))


def key(variable: str = "persons-held", **dims: str) -> str:
    return f"AUT 2022 {SeriesKey(variable, **dims)}"


def check(rule: str, *observations: Observation) -> list[list[Any]]:
    return validate(list(observations), config=RULES.only(rule)).flatten(SPEC)


def by_sex(total: float, **parts: float) -> list[Observation]:
    return [obs(total), *(obs(v, sex=s) for s, v in parts.items())]


def test_parts_that_add_up_to_the_total_pass() -> None:
    assert check("sex-parts", *by_sex(100, M=60, F=30, _U=10)) == []
    assert check("sex-parts", *by_sex(100, M=70, F=30)) == []  # a blank "sex unknown" counts as zero


def test_parts_that_do_not_add_up_to_the_total() -> None:
    assert check("sex-parts", *by_sex(90, M=60, F=30, _U=10)) == [
        ["sum-of-parts-mismatch", key(), "90", "100"]
    ]
    assert check("sex-parts", *by_sex(100, M=60, F=30)) == [["sum-of-parts-mismatch", key(), "100", "90"]]


def test_some_parts_may_not_exceed_the_total() -> None:
    assert check("sex-parts", *by_sex(100, M=120, _U=1)) == [["parts-exceed-total", key(), "<= 100", "121"]]
    assert check("sex-parts", *by_sex(100, M=60)) == []
    assert check("age-parts", obs(100), obs(101, age="juvenile")) == [
        ["parts-exceed-total", key(), "<= 100", "101"]
    ]


def test_parts_are_compared_within_the_same_breakdown() -> None:
    adults = [obs(90, age="adult"), obs(72, sex="M", age="adult"), obs(18, sex="F", age="adult")]
    assert check("sex-parts", *adults) == []
    adults[0] = obs(80, age="adult")
    assert check("sex-parts", *adults) == [["sum-of-parts-mismatch", key(age="adult"), "80", "90"]]


def test_citizenship_parts_need_not_add_up_but_may_not_exceed() -> None:
    held = [obs(100), obs(60, citizenship="national"), obs(30, citizenship="foreign")]
    assert check("citizenship-parts", *held) == []
    held[1] = obs(80, citizenship="national")
    assert check("citizenship-parts", *held) == [["parts-exceed-total", key(), "<= 100", "110"]]


def test_causes_of_death_add_up() -> None:
    deaths = [obs(v, variable="deaths-in-prison", category=c) for c, v in [("_T", 29), ("death-natural", 22)]]
    deaths.append(obs(1, variable="deaths-in-prison", category="death-external"))
    assert check("death-cause-parts", *deaths) == [
        ["sum-of-parts-mismatch", key("deaths-in-prison"), "29", "23"]
    ]
    deaths[0] = obs(23, variable="deaths-in-prison")
    assert check("death-cause-parts", *deaths) == []


def test_a_subset_above_its_total() -> None:
    round_ = [obs(100), obs(120, variable="persons-held-unsentenced")]
    assert check("unsentenced-within-held", *round_) == [
        ["subset-exceeds-total", key("persons-held-unsentenced"), "<= 100", "120"]
    ]
    assert check("unsentenced-within-held", obs(100), obs(100, variable="persons-held-unsentenced")) == []


def test_held_less_than_6_months_within_less_than_12_months() -> None:
    def detained(value: float, category: str) -> Observation:
        return obs(value, variable="persons-held-unsentenced", category=category)

    bad = [detained(7, "detained-lt-6m"), detained(6, "detained-lt-12m")]
    assert check("detained-6m-within-12m", *bad) == [
        ["subset-exceeds-total", key("persons-held-unsentenced", category="detained-lt-6m"), "<= 6", "7"]
    ]
    [problem] = validate(bad, config=RULES.only("detained-6m-within-12m")).problems
    assert problem.message == "7 is more than the 6 of category=detained-lt-12m [rule detained-6m-within-12m]"
    assert (
        check("detained-6m-within-12m", detained(6, "detained-lt-6m"), detained(6, "detained-lt-12m")) == []
    )


def test_iccs_children_above_their_parent() -> None:
    assert check("iccs-hierarchy", obs(100, offence="01"), obs(120, offence="0101")) == [
        ["iccs-children-exceed-parent", key(offence="01"), "<= 100", "120"]
    ]
    assert check("iccs-hierarchy", obs(100, offence="01"), obs(100, offence="0101")) == []


def test_iccs_categories_are_compared_with_the_nearest_category_present() -> None:
    # rape (03011) is under 0301, which is absent: it is compared with section 03, then with the total
    held = [obs(40, offence="03"), obs(41, offence="03011"), obs(500, offence="0101"), obs(520)]
    assert check("iccs-hierarchy", *held) == [
        ["iccs-children-exceed-parent", key(offence="03"), "<= 40", "41"],
        ["iccs-children-exceed-parent", key(), "<= 520", "540"],
    ]


def test_all_sections_must_add_up_to_the_total() -> None:
    sections = [obs(10, offence=code) for code in SECTIONS]
    assert check("iccs-hierarchy", obs(110), *sections) == []
    assert check("iccs-hierarchy", obs(120), *sections) == [["sum-of-parts-mismatch", key(), "120", "110"]]
    assert check("iccs-hierarchy", obs(120), *sections[:-1]) == []  # one section missing: at most the total
