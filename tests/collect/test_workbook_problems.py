"""Workbooks that must be refused or flagged: one specimen per failure mode, located by sheet and cell.

Every refusal goes through ``import_paths`` and leaves the store as it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from observatory.collect.importing import import_paths
from observatory.collect.parsing import parse_file
from observatory.collect.readers.base import ReadContext
from observatory.collect.workbook import KEYS_SHEET, META_SHEET, sheet_name
from observatory.errors import InvalidInput
from observatory.model.observation import Flag
from observatory.store.db import Store

from .test_workbook_support import (
    MAX_BYTES,
    QUESTIONNAIRE,
    Entries,
    fill,
    flag,
    generate,
    note,
    places,
    snapshot,
    value,
)

J1 = sheet_name(QUESTIONNAIRE.table("J1"))
TOTAL_2022 = value("J1", 0, 0, 2022)


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("blank"))


@pytest.fixture(scope="module")
def earlier(blank: Path) -> Path:
    fill(blank, blank.with_name("earlier.xlsx"), {value("J1", 2, 0, 2023): 1000})
    return blank.with_name("earlier.xlsx")


@pytest.fixture
def seeded(store: Store, earlier: Path) -> Store:
    """A store that already holds one imported workbook, to show a refusal changes nothing."""
    import_paths(store, [earlier])
    return store


def refused(store: Store, *paths: Path) -> InvalidInput:
    before = snapshot(store)
    with pytest.raises(InvalidInput) as caught:
        import_paths(store, list(paths))
    assert snapshot(store) == before
    assert "\n" not in str(caught.value)
    return caught.value


def first_problem(error: InvalidInput) -> dict[str, Any]:
    return error.details[0]


def merge_total(book: Any) -> None:
    book[J1].merge_cells("B7:C7")  # Total and Male of 2022


def unprotect_and_write_below(book: Any) -> None:
    book[J1].protection.sheet = False
    book[J1]["C12"] = 4242  # in the input columns of 2022, below the table


def insert_row(book: Any) -> None:
    book[J1].protection.sheet = False
    book[J1].insert_rows(8)


def edit_keys(book: Any) -> None:
    book[KEYS_SHEET]["C2"] = "persons-held.F._T._T._T._T._T.count"


def rename_sheet(book: Any) -> None:
    book[J1].title = "J1 (police figures)"


def edit_version(book: Any) -> None:
    book[META_SHEET]["B2"] = "2024.1"


Edit = Callable[[Any], None] | None
CASES: list[tuple[str, Entries, Edit, str, str, str | None]] = [
    ("formula", {TOTAL_2022: "=SUM(C7:D7)"}, None, "formula-not-value", J1, "B7"),
    ("formula in a note", {note("J1", 0, 2022): "=A1"}, None, "formula-not-value", J1, "N7"),
    ("text in a number cell", {TOTAL_2022: "about 226,000"}, None, "non-numeric-value", J1, "B7"),
    ("merged input cells", {TOTAL_2022: 226116}, merge_total, "merged-cells", J1, "B7"),
    ("value below the table", {TOTAL_2022: 226116}, unprotect_and_write_below, "unknown-cell", J1, "C12"),
    ("row inserted", {TOTAL_2022: 226116}, insert_row, "wrong-template", J1, "A8"),
    ("_keys edited", {TOTAL_2022: 226116}, edit_keys, "wrong-template", KEYS_SHEET, "A1"),
    ("another version", {TOTAL_2022: 226116}, edit_version, "wrong-template", META_SHEET, "B2"),
    ("sheet renamed", {TOTAL_2022: 226116}, rename_sheet, "wrong-template", J1, None),
    ("unknown flag", {TOTAL_2022: 1, flag("J1", 0, 2022): "provisional"}, None, "unknown-code", J1, "O7"),
]


@pytest.mark.parametrize(
    ("entries", "edit", "code", "sheet", "cell"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_workbook_refused_with_sheet_and_cell(
    seeded: Store,
    blank: Path,
    tmp_path: Path,
    entries: Entries,
    edit: Edit,
    code: str,
    sheet: str,
    cell: str | None,
) -> None:
    bad = tmp_path / "bad.xlsx"
    fill(blank, bad, entries, edit=edit)
    error = refused(seeded, bad)
    assert error.code == code
    problem = first_problem(error)
    assert (problem["file"], problem["sheet"], problem["cell"]) == ("bad.xlsx", sheet, cell)
    assert "bad.xlsx" in str(error)


def test_workbook_made_from_another_edition_is_wrong_template(store: Store, tmp_path: Path) -> None:
    shorter = dataclasses.replace(
        QUESTIONNAIRE, tables=QUESTIONNAIRE.tables[:-1]
    )  # same version, fewer tables
    other = generate(tmp_path, "other-edition.xlsx", questionnaire=shorter)
    fill(other, tmp_path / "filled.xlsx", {TOTAL_2022: 5})
    error = refused(store, tmp_path / "filled.xlsx")
    assert error.code == "wrong-template"
    assert (first_problem(error)["sheet"], first_problem(error)["cell"]) == (META_SHEET, "B3")
    assert "fingerprint" in str(error)


def test_a_workbook_of_another_kind_is_wrong_template(store: Store, tmp_path: Path) -> None:
    from observatory.reports.export import to_xlsx

    path = tmp_path / "export.xlsx"
    path.write_bytes(to_xlsx([{"area": "MEX", "value": 1}]))
    error = refused(store, path)
    assert error.code == "wrong-template" and "_meta" in str(error)


@pytest.mark.parametrize(
    ("kwargs", "cell", "expected", "found"),
    [({"round_year": 2024}, "B5", "2024", "2025"), ({"country": "FRA"}, "B6", "FRA", "MEX")],
    ids=["other round", "other country"],
)
def test_workbook_for_another_round_or_country(
    blank: Path, tmp_path: Path, kwargs: dict[str, Any], cell: str, expected: str, found: str
) -> None:
    fill(blank, tmp_path / "filled.xlsx", {TOTAL_2022: 5})
    parsed = parse_file(tmp_path / "filled.xlsx", max_bytes=MAX_BYTES, **kwargs)
    assert parsed.observations == []
    [problem] = parsed.report.problems
    assert (problem.code, problem.sheet, problem.cell) == ("wrong-round", META_SHEET, cell)
    assert (problem.expected, problem.found) == (expected, found)


def test_empty_workbook_is_empty_file(store: Store, blank: Path) -> None:
    error = refused(store, blank)
    assert error.code == "empty-file"


def test_negative_count_is_imported_flagged(blank: Path, tmp_path: Path) -> None:
    fill(blank, tmp_path / "negative.xlsx", {TOTAL_2022: -3})
    parsed = parse_file(tmp_path / "negative.xlsx", max_bytes=MAX_BYTES)
    assert [(p.code, p.cell) for p in parsed.report.problems] == [("negative-count", "B7")]
    assert [o.flags for o in parsed.observations] == [frozenset({Flag.implausible})]


def test_break_in_series_flags_every_figure_of_the_row(blank: Path, tmp_path: Path) -> None:
    entries = {TOTAL_2022: 10, value("J1", 0, 1, 2022): 7, flag("J1", 0, 2022): "Break in series"}
    fill(blank, tmp_path / "break.xlsx", entries)
    parsed = parse_file(tmp_path / "break.xlsx", max_bytes=MAX_BYTES)
    assert [o.flags for o in parsed.observations] == [frozenset({Flag.break_in_series})] * 2


def test_not_available_keeps_typed_figures_and_marks_the_rest_missing(blank: Path, tmp_path: Path) -> None:
    entries = {TOTAL_2022: 10, flag("J1", 0, 2022): "not available"}
    fill(blank, tmp_path / "na.xlsx", entries)
    parsed = parse_file(tmp_path / "na.xlsx", max_bytes=MAX_BYTES)
    by_value = {o.value for o in parsed.observations}
    assert by_value == {10.0, None}
    assert len(parsed.observations) == 12  # the total, and 11 missing breakdowns
    missing = [o for o in parsed.observations if o.value is None]
    assert all(o.flags == {Flag.missing} and o.note == "not available" for o in missing)


# -- partial workbooks from several agencies ----------------------------------------------------------


def test_partial_workbooks_merge(store: Store, blank: Path, tmp_path: Path) -> None:
    police = tmp_path / "police.xlsx"
    prisons = tmp_path / "prisons.xlsx"
    fill(blank, police, {value("P1", 0, 0, 2023): 36000, TOTAL_2022: 226116})
    fill(blank, prisons, {TOTAL_2022: 226116, value("J1", 2, 0, 2022): 90000})  # J1 total given twice, same
    summary = import_paths(store, [police, prisons])
    assert summary.totals()["inserted"] == 3
    assert all(not f.problems for f in summary.files)


def test_a_key_given_twice_with_different_values_names_both_places(
    store: Store, blank: Path, tmp_path: Path
) -> None:
    police = tmp_path / "police.xlsx"
    prisons = tmp_path / "prisons.xlsx"
    fill(blank, police, {TOTAL_2022: 226116})
    fill(blank, prisons, {TOTAL_2022: 226000})
    error = refused(store, police, prisons)
    assert error.code == "duplicate-key"
    problem = first_problem(error)
    assert (problem["file"], problem["sheet"], problem["cell"]) == ("prisons.xlsx", J1, "B7")
    assert f"prisons.xlsx {J1}!B7" in problem["message"] and f"police.xlsx {J1}!B7" in problem["message"]
    assert problem["key"].endswith(" 2022")


def test_claims_are_shared_only_through_one_context(blank: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    fill(blank, one, {TOTAL_2022: 1})
    fill(blank, two, {TOTAL_2022: 2})
    assert parse_file(two, max_bytes=MAX_BYTES).report.valid  # alone, nothing to clash with
    ctx = ReadContext()
    parse_file(one, max_bytes=MAX_BYTES, ctx=ctx)
    assert [p.code for p in parse_file(two, max_bytes=MAX_BYTES, ctx=ctx).report.problems] == [
        "duplicate-key"
    ]


def test_keys_sheet_address_every_input_cell_once(blank: Path) -> None:
    where = places(blank)
    cells = [(p.sheet, p.cell) for (k, y, kind), p in where.items() if kind.value == "value"]
    assert len(cells) == len(set(cells))
