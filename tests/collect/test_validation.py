"""The validation engine: input shapes, rules as data, order, severity, agreement with hand-written SQL."""

from __future__ import annotations

import importlib.util
import random
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.collect.checks import CHECKS, RuleType
from observatory.collect.checks.base import RuleProblem
from observatory.collect.checks.rules import load_rules, parse_rules
from observatory.collect.validation import counts_by_rule, observations_table, validate
from observatory.errors import ConfigurationError, InvalidInput
from observatory.model.observation import Flag, Observation, Provenance, SeriesKey
from observatory.model.problem import PROBLEM_TYPES, Severity

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "validation.py"
SPEC = ["code", "key", "expected", "found"]


def held(area: str, period: str, value: float | None, **dims: Any) -> Observation:
    cell = dims.pop("cell", None)
    note = dims.pop("note", None)
    flags = frozenset(dims.pop("flags", ()))
    key = SeriesKey(**{"variable": "persons-held", **dims})
    provenance = Provenance("UN-CTS", file_name="round.xlsx", sheet="J1" if cell else None, cell=cell, row=7)
    return Observation(area, period, key, value, provenance, flags=flags, note=note)


def status_round(total: float, sentenced: float, unsentenced: float, area: str = "AUT") -> list[Observation]:
    return [
        held(area, "2022", total, cell="C5"),
        held(area, "2022", sentenced, status="sentenced", cell="C6"),
        held(area, "2022", unsentenced, status="unsentenced", cell="C7"),
    ]


STATUS = load_rules().only("status-parts")


def test_the_shipped_rules_load_and_use_known_codes() -> None:
    rules = load_rules()
    assert len(rules) >= 20
    assert {c.rule.type for c in rules} == set(CHECKS)  # every family is used
    assert all(c.rule.code in PROBLEM_TYPES for c in rules)
    assert len(set(rules.ids())) == len(rules)


def test_a_problem_names_sheet_cell_rule_expected_and_found() -> None:
    report = validate(status_round(100, 70, 40), config=STATUS)
    [problem] = report.problems
    assert isinstance(problem, RuleProblem)
    assert (problem.sheet, problem.cell, problem.rule) == ("J1", "C5", "status-parts")
    assert problem.describe() == (
        "round.xlsx, sheet 'J1', cell C5, row 7, key AUT 2022 persons-held._T._T._T._T._T._T.count: "
        "status sentenced + unsentenced add up to 110; the total (_T) is 100 [rule status-parts] "
        "(expected 100, found 110) [sum-of-parts-mismatch]"
    )
    assert problem.to_dict()["rule"] == "status-parts"
    assert not report.valid
    assert report.stats == {"observations": 3, "history": 0, "rules": 1, "problems": 1}


def test_an_arrow_table_is_accepted_and_gives_the_same_report() -> None:
    observations = status_round(100, 70, 40)
    table = observations_table(observations).drop_columns(["note", "file", "sheet", "cell", "row"])
    by_table = validate(table, config=STATUS)
    assert by_table.flatten(SPEC) == validate(observations, config=STATUS).flatten(SPEC)
    assert by_table.problems[0].cell is None


def test_an_arrow_table_without_a_required_column_is_refused() -> None:
    table = observations_table(status_round(100, 70, 30)).drop_columns(["unit"])
    with pytest.raises(InvalidInput, match="lacks the column"):
        validate(table, config=STATUS)


def test_nothing_to_check_is_an_empty_report() -> None:
    report = validate([], config=load_rules())
    assert report.problems == [] and report.valid


def test_reports_are_deterministic_whatever_the_input_order() -> None:
    observations = [
        *status_round(100, 70, 40, "BEL"),
        *status_round(50, 40, 20, "AUT"),
        *status_round(9, 5, 4, "CHE"),
    ]
    shuffled = observations[:]
    random.Random(3).shuffle(shuffled)
    first = validate(observations, config=load_rules()).flatten(["rule", "code", "key", "message"])
    assert validate(shuffled, config=load_rules()).flatten(["rule", "code", "key", "message"]) == first
    status = [key for rule, _, key, _ in first if rule == "status-parts"]
    assert status == [
        "AUT 2022 persons-held._T._T._T._T._T._T.count",
        "BEL 2022 persons-held._T._T._T._T._T._T.count",
    ]


def test_a_severity_override_turns_an_error_into_a_warning() -> None:
    rule = {"id": "status", "type": "sum-of-parts", "dimension": "status", "severity": "warning"}
    rules = parse_rules({"rules": [{**rule, "parts": ["sentenced", "unsentenced"]}]})
    report = validate(status_round(100, 70, 40), config=rules)
    assert [p.severity for p in report.problems] == [Severity.warning]
    assert report.valid


def test_a_break_in_series_flag_explains_a_change() -> None:
    rules = load_rules().only("year-on-year")
    jump = [held("AUT", "2021", 100), held("AUT", "2022", 300, flags=[Flag.break_in_series])]
    assert validate(jump, config=rules).problems == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"id": "x", "type": "no-such-type"}, "validation rule 'x' has unknown type 'no-such-type'"),
        ({"id": "x", "type": "sum-of-parts", "parts": ["M"]}, "rule 'x': parameter 'dimension' is required"),
        (
            {"id": "x", "type": "sum-of-parts", "dimension": "colour", "parts": ["M"]},
            "'colour'; choose one of",
        ),
        ({"id": "x", "type": "range", "min": 0, "maxi": 5}, "rule 'x': unknown parameter(s) maxi"),
        ({"id": "x", "type": "range", "min": "zero"}, "parameter 'min' must be a finite number"),
        ({"id": "x", "type": "range", "min": 9, "max": 1}, "parameter 'min' (9) is above max (1)"),
        ({"id": "x", "type": "range", "min": 0, "code": "nope"}, "'nope', which is not a problem code"),
        ({"id": "x", "type": "range", "min": 0, "severity": "fatal"}, "choose one of error, warning"),
        ({"id": "x", "type": "range", "min": 0, "where": {"colour": "red"}}, "names 'colour'"),
        ({"id": "x", "type": "year-on-year", "threshold": -1}, "must be at least 0"),
        ({"id": "x", "type": "outlier-subregion", "scale": "cubic"}, "choose one of linear, log"),
        ({"id": "x", "type": "completeness", "detail": "row"}, "choose one of table, cell"),
        ({"id": "x", "type": "iccs-hierarchy", "exhaustive_levels": [7]}, "whole numbers from 1 to 4"),
        ({"type": "range", "min": 0}, "rule number 1"),
    ],
)
def test_bad_rules_raise_a_configuration_error_naming_the_rule(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_rules({"rules": [rule]}, "my-rules.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("my-rules.toml: ")


def test_a_rule_id_used_twice_is_refused() -> None:
    rule = {"id": "x", "type": "range", "min": 0}
    with pytest.raises(ConfigurationError, match="'x' is used twice"):
        parse_rules({"rules": [rule, rule]})


def test_a_rules_file_can_be_given_as_a_path(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[[rules]]\nid = "neg"\ntype = "range"\nmin = 0\n', encoding="utf-8")
    report = validate([held("AUT", "2022", -3)], config=path)
    assert report.flatten(SPEC) == [
        ["negative-count", "AUT 2022 persons-held._T._T._T._T._T._T.count", ">= 0", "-3"]
    ]
    assert tomllib.loads(path.read_text(encoding="utf-8"))["rules"][0]["id"] == "neg"
    with pytest.raises(ConfigurationError, match="no rule"):
        load_rules().only("no-such-rule")


# ---------------------------------------------------------------- property: sums of parts
PARTS = parse_rules(
    {
        "rules": [
            {"id": "parts", "type": "sum-of-parts", "dimension": "category", "parts": ["a", "b", "c", "d"]}
        ]
    }
)


def with_parts(area: str, total: float, parts: list[float]) -> list[Observation]:
    categories = zip("abcd", parts, strict=False)
    return [held(area, "2022", total), *(held(area, "2022", v, category=c) for c, v in categories)]


@settings(max_examples=30, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=0, max_value=10**9) | st.floats(0, 1e6).map(lambda x: round(x, 1)),
                   min_size=1, max_size=4),
    shortfall=st.integers(min_value=1, max_value=10**9),
)  # fmt: skip
def test_a_total_equal_to_the_sum_of_its_parts_passes_and_any_smaller_total_fails(
    parts: list[float], shortfall: int
) -> None:
    total = sum(parts)
    below = total - min(shortfall, total) if total >= 1 else None
    observations = with_parts("AUT", total, parts)
    if below is not None:
        observations += with_parts("BEL", below, parts)
    report = validate(observations, config=PARTS)
    code = "sum-of-parts-mismatch" if len(parts) == 4 else "parts-exceed-total"  # all parts, or some
    assert [(p.code, p.key and p.key[:3]) for p in report.problems] == (
        [] if below is None else [(code, "BEL")]
    )


# ---------------------------------------------------------------- the benchmark, small
def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("validation_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_engine_and_the_hand_written_sql_find_the_same_problems() -> None:
    result = _benchmark().run(20_000, isolate=False)
    assert 15_000 < result["observations"] < 25_000
    assert result["agree"], result["per_rule"]
    found = {rule for rule, n in result["per_rule"].items() if n["engine"]}
    assert {"count-not-negative", "count-whole", "rate-range", "percent-range", "unit", "sex-parts"} <= found
    assert {"iccs-hierarchy", "stage-order", "year-on-year", "completeness", "unknown-cell"} <= found


def test_counts_by_rule() -> None:
    report = validate([*status_round(100, 70, 40), held("AUT", "2022", -1, sex="M")], config=load_rules())
    counts = counts_by_rule(report)
    assert counts["status-parts"] == 1 and counts["count-not-negative"] == 1
    assert pa.types.is_string(observations_table([]).schema.field("area").type)
    assert RuleType("sum-of-parts") in CHECKS
