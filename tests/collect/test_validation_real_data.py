"""The validation engine on the three real UNODC data-portal exports: findings checked by hand in the CSVs.

Each finding asserted here was looked up in the CSV files of ``../shared/data/unodc_cts`` (the file row is the
line number, the header being line 1):

* Albania 2004, persons held: total 2,944 (line 5443) but male 2,262 + female 59 = 2,321, and adults 2,299 +
  juveniles 22 = 2,321 (sentenced 2,321 + unsentenced 623 = 2,944 does add up);
* Andorra 2010, persons held: total 44 but sentenced 38 + unsentenced 26 = 64;
* Canada 2013: 112,462 held unsentenced for less than 6 months, of 12,033 held unsentenced in all;
* Saudi Arabia 2019: 3,127 cyber-related acts intended to induce fear (ICCS 0208), of 2,395 in all;
* United Arab Emirates 2014: rape 78 + sexual assault 311 = 389, above the 382 cases of sexual violence;
* Argentina 2018, persons held: the 11 ICCS sections add up to 110,756, the total is 95,927;
* Armenia 2016, deaths in prison: 29 in all, natural 22 + external 1 = 23; suicides (8) exceed external (1);
* Angola 2003: 4,556.3 persons held unsentenced, a fractional count;
* Netherlands 2003: 5,321.3 thefts per 100,000 population, above the plausible 5,000.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.collect.parsing import parse_file
from observatory.collect.validation import counts_by_rule, validate
from observatory.model.observation import Observation
from observatory.model.problem import Problem, ValidationReport

FILES = (
    "unodc_cts_corruption_and_economic_crime_2024-05-16.csv",
    "unodc_cts_prisons_and_prisoners_2023-05-11.csv",
    "unodc_cts_violent_and_sexual_crime_2024-05-16.csv",
)
PRISONS = FILES[1]


@pytest.fixture(scope="module")
def observations(shared_data: Path) -> list[Observation]:
    found: list[Observation] = []
    for name in FILES:
        found += parse_file(shared_data / "unodc_cts" / name, max_bytes=50 * 1024 * 1024).observations
    return found


@pytest.fixture(scope="module")
def report(observations: list[Observation]) -> ValidationReport:
    return validate(observations)


def find(report: ValidationReport, rule: str, key: str) -> Problem:
    matches = [p for p in report.problems if getattr(p, "rule", None) == rule and p.key == key]
    assert len(matches) == 1, f"{rule} {key}: {matches}"
    return matches[0]


def test_every_rule_family_that_applies_finds_something(report: ValidationReport) -> None:
    counts = counts_by_rule(report)
    for rule in (
        "count-whole", "rate-range", "sex-parts", "age-parts", "status-parts", "citizenship-parts",
        "detention-length-parts", "death-cause-parts", "death-external-parts", "detained-6m-within-12m",
        "detained-6m-within-total", "cyber-within-total", "iccs-hierarchy", "prison-flow", "year-on-year",
        "outlier-own-history", "outlier-subregion", "completeness",
    ):  # fmt: skip
        assert counts.get(rule, 0) > 0, rule
    # every count series of the exports is a questionnaire cell, in the questionnaire's unit
    assert "unknown-cell" not in counts and "unit" not in counts and "count-not-negative" not in counts
    assert report.stats["observations"] == 114_653


def test_male_plus_female_differ_from_the_total(report: ValidationReport) -> None:
    problem = find(report, "sex-parts", "ALB 2004 persons-held._T._T._T._T._T._T.count")
    assert (problem.code, problem.expected, problem.found) == ("sum-of-parts-mismatch", "2944", "2321")
    assert (problem.file, problem.row) == (PRISONS, 5443)
    age = find(report, "age-parts", "ALB 2004 persons-held._T._T._T._T._T._T.count")
    assert (age.expected, age.found) == ("2944", "2321")
    assert not [p for p in report.problems if p.key and p.key.startswith("ALB 2004 persons-held") and
                getattr(p, "rule", None) == "status-parts"]  # fmt: skip


def test_sentenced_plus_unsentenced_exceed_the_total(report: ValidationReport) -> None:
    problem = find(report, "status-parts", "AND 2010 persons-held._T._T._T._T._T._T.count")
    assert (problem.code, problem.expected, problem.found) == ("sum-of-parts-mismatch", "44", "64")


def test_held_less_than_6_months_exceed_all_held_unsentenced(report: ValidationReport) -> None:
    key = "CAN 2013 persons-held-unsentenced._T._T._T._T._T.detained-lt-6m.count"
    problem = find(report, "detained-6m-within-total", key)
    assert (problem.code, problem.expected, problem.found) == ("subset-exceeds-total", "<= 12033", "112462")
    total = find(
        report, "detention-length-parts", "CAN 2013 persons-held-unsentenced._T._T._T._T._T._T.count"
    )
    assert (total.expected, total.found) == ("12033", "117234")  # 115,488 + 1,746


def test_cyber_related_offences_exceed_all_offences(report: ValidationReport) -> None:
    problem = find(report, "cyber-within-total", "SAU 2019 offences._T._T.0208._T._T.cyber-related.count")
    assert (problem.code, problem.expected, problem.found) == ("subset-exceeds-total", "<= 2395", "3127")


def test_iccs_categories_exceed_their_parent(report: ValidationReport) -> None:
    problem = find(report, "iccs-hierarchy", "ARE 2014 offences._T._T.0301._T._T._T.count")
    assert (problem.code, problem.expected, problem.found) == ("iccs-children-exceed-parent", "<= 382", "389")
    sections = find(report, "iccs-hierarchy", "ARG 2018 persons-held._T._T._T._T._T._T.count")
    assert (sections.code, sections.expected, sections.found) == ("sum-of-parts-mismatch", "95927", "110756")


def test_deaths_in_prison_by_cause(report: ValidationReport) -> None:
    problem = find(report, "death-cause-parts", "ARM 2016 deaths-in-prison._T._T._T._T._T._T.count")
    assert (problem.expected, problem.found) == ("29", "23")
    external = find(
        report, "death-external-parts", "ARM 2016 deaths-in-prison._T._T._T._T._T.death-external.count"
    )
    assert (external.code, external.expected, external.found) == ("parts-exceed-total", "<= 1", "9")


def test_type_and_range(report: ValidationReport) -> None:
    fraction = find(report, "count-whole", "AGO 2003 persons-held._T._T._T.unsentenced._T._T.count")
    assert fraction.found == "4556.3"
    rate = find(report, "rate-range", "NLD 2003 offences._T._T.0502._T._T._T.rate-per-100k")
    assert (rate.expected, rate.found) == ("between 0 and 5000", "5321.319462")
    assert counts_by_rule(report)["rate-range"] == 1


def test_the_report_is_deterministic(observations: list[Observation], report: ValidationReport) -> None:
    again = validate(list(reversed(observations)))
    assert again.flatten(["rule", "key", "expected", "found"]) == report.flatten(
        ["rule", "key", "expected", "found"]
    )
