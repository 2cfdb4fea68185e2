"""Data problems as values: the catalogue, a problem's description, the validation report."""

from __future__ import annotations

import re

import pytest

from observatory.model.problem import (
    PROBLEM_TYPES,
    Problem,
    Severity,
    ValidationReport,
    group,
)

KEBAB = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def non_numeric(row: int, value: str = "12O4") -> Problem:
    return Problem("non-numeric-value", f"{value!r} is not a number", "f.csv", row, "VALUE", value)


def implausible(row: int) -> Problem:
    return Problem("implausible-year", "year 1013 is outside 1900-2100", "f.csv", row, "Year")


@pytest.mark.parametrize("code", sorted(PROBLEM_TYPES))
def test_catalogue_entries(code: str) -> None:
    kind = PROBLEM_TYPES[code]
    assert kind.code == code
    assert KEBAB.fullmatch(code)
    assert kind.severity in set(Severity)
    assert kind.title
    assert kind.description.endswith(".")


def test_unknown_problem_code() -> None:
    with pytest.raises(KeyError, match="unknown problem code 'not-a-problem'"):
        Problem("not-a-problem", "whatever")


def test_problem_severity_describe_and_dict() -> None:
    problem = non_numeric(2)
    assert problem.severity is Severity.error
    assert implausible(2).severity is Severity.warning
    assert problem.describe() == ("f.csv, row 2, column 'VALUE': '12O4' is not a number [non-numeric-value]")
    assert Problem("empty-file", "no rows").describe() == "no rows [empty-file]"
    assert problem.to_dict() == {
        "code": "non-numeric-value",
        "severity": "error",
        "message": "'12O4' is not a number",
        "file": "f.csv",
        "row": 2,
        "column": "VALUE",
        "value": "12O4",
        "sheet": None,
        "cell": None,
        "key": None,
        "expected": None,
        "found": None,
    }


def test_problem_names_sheet_cell_and_expected_versus_found() -> None:
    problem = Problem(
        "sum-of-parts-mismatch",
        "male + female differs from the total",
        file="MEX-2025.xlsx",
        sheet="J1 Persons held",
        cell="D7",
        expected="1200",
        found="1150",
    )
    assert problem.describe() == (
        "MEX-2025.xlsx, sheet 'J1 Persons held', cell D7: male + female differs from the total "
        "(expected 1200, found 1150) [sum-of-parts-mismatch]"
    )


def test_empty_report_is_valid() -> None:
    report = ValidationReport()
    assert report.valid
    assert report.errors == report.warnings == report.problems == []
    assert report.counts() == {}
    assert report.flatten() == []


def test_warnings_alone_keep_a_report_valid() -> None:
    report = ValidationReport()
    report.add(implausible(2))
    assert report.valid
    assert report.warnings == [implausible(2)]
    assert report.errors == []


def test_report_with_errors_and_warnings() -> None:
    report = ValidationReport(stats={"rows": 4})
    report.add(non_numeric(2))
    report.extend([implausible(3), non_numeric(4, "x")])
    assert not report.valid
    assert [p.row for p in report.errors] == [2, 4]
    assert [p.row for p in report.warnings] == [3]
    assert report.counts() == {"non-numeric-value": 2, "implausible-year": 1}
    assert report.flatten() == [
        [2, "VALUE", "non-numeric-value"],
        [3, "Year", "implausible-year"],
        [4, "VALUE", "non-numeric-value"],
    ]
    assert report.flatten(["code", "value"]) == [
        ["non-numeric-value", "12O4"],
        ["implausible-year", None],
        ["non-numeric-value", "x"],
    ]
    assert report.stats == {"rows": 4}


def test_grouped_collapses_rows_with_the_same_message() -> None:
    report = ValidationReport([implausible(2), non_numeric(3), implausible(7), implausible(9)])
    assert [(p.row, p.code, n) for p, n in report.grouped()] == [
        (2, "implausible-year", 3),
        (3, "non-numeric-value", 1),
    ]


def test_group_keeps_different_messages_and_files_apart() -> None:
    problems = [
        non_numeric(2, "a"),
        non_numeric(3, "b"),
        non_numeric(4, "a"),
        Problem("non-numeric-value", "'a' is not a number", "g.csv", 2),
    ]
    assert [(p.file, p.row, n) for p, n in group(problems)] == [
        ("f.csv", 2, 2),
        ("f.csv", 3, 1),
        ("g.csv", 2, 1),
    ]
