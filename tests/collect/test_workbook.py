"""The UN-CTS workbook: generated for a country and round, filled in with openpyxl, read back exactly."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from observatory.catalog.areas import load_areas
from observatory.collect.importing import import_paths
from observatory.collect.parsing import parse_file
from observatory.collect.workbook import (
    COVER_SHEET,
    DEFINITIONS_SHEET,
    KEYS_SHEET,
    META_SHEET,
    CellKind,
    fingerprint,
    generate_workbook,
    sheet_name,
)
from observatory.errors import InvalidInput
from observatory.model.observation import SERIES_DIMENSIONS, Flag, Observation, Provenance, SeriesKey
from observatory.model.questionnaire import Line
from observatory.store.db import Store

from .test_workbook_support import (
    GENERATED_AT,
    MAX_BYTES,
    QUESTIONNAIRE,
    ROUND,
    YEARS,
    fill,
    flag,
    generate,
    key,
    note,
    places,
    snapshot,
    value,
)

PRISONS = "unodc_cts/unodc_cts_prisons_and_prisoners_2023-05-11.csv"


def load(path: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def mex_published(shared_data: Path) -> list[dict[str, Any]]:
    """MEX's published figures from the real UNODC prisons export, shaped like the API's observation rows."""
    parsed = parse_file(shared_data / PRISONS, max_bytes=MAX_BYTES)
    return [
        {"area": o.area, "period": o.period, **o.key.as_dict(), "value": o.value, "note": o.note}
        for o in parsed.observations
        if o.area == "MEX"
    ]


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory, mex_published: list[dict[str, Any]]) -> Path:
    return generate(tmp_path_factory.mktemp("generated"), previous=mex_published)


# -- generation ---------------------------------------------------------------------------------------


def test_sheets_in_order_with_hidden_keys_and_meta(blank: Path) -> None:
    book = load(blank)
    tables = [sheet_name(t) for t in QUESTIONNAIRE.tables]
    assert book.sheetnames == [COVER_SHEET, DEFINITIONS_SHEET, *tables, KEYS_SHEET, META_SHEET]
    assert all(len(name) <= 31 for name in tables)
    assert [name.split()[0] for name in tables] == [t.id for t in QUESTIONNAIRE.tables]
    assert book[KEYS_SHEET].sheet_state == book[META_SHEET].sheet_state == "hidden"
    assert all(book[name].sheet_state == "visible" for name in [COVER_SHEET, DEFINITIONS_SHEET, *tables])
    assert all(book[name].protection.sheet for name in book.sheetnames)
    assert book.security.lockStructure


def test_cover_and_definitions(blank: Path) -> None:
    book = load(blank)
    cover = " ".join(str(c) for row in book[COVER_SHEET].iter_rows(values_only=True) for c in row if c)
    for text in ("Mexico (MEX)", "2025", "2022, 2023, 2024", "deadline", "How to fill in", "agencies"):
        assert text in cover
    rows = list(book[DEFINITIONS_SHEET].iter_rows(min_row=2, values_only=True))
    assert {r[0]: r[4] for r in rows} == {v.code: v.definition for v in QUESTIONNAIRE.variables.values()}


def test_meta_names_questionnaire_round_and_country(blank: Path) -> None:
    meta = {r[0]: r[1] for r in load(blank)[META_SHEET].iter_rows(values_only=True)}
    assert meta["questionnaire"] == "UN-CTS" and meta["version"] == "2025.1"
    assert meta["fingerprint"] == fingerprint(QUESTIONNAIRE)
    assert (meta["round_year"], meta["country"], meta["reference_years"]) == ("2025", "MEX", "2022 2023 2024")
    assert meta["generated_at"] == GENERATED_AT.isoformat()


def test_keys_list_every_input_cell_and_only_those_are_unlocked(blank: Path) -> None:
    book = load(blank)
    where = places(blank)
    cells = list(QUESTIONNAIRE.cells())
    values = {(k, y) for k, y, kind in where if kind is CellKind.value}
    assert values == {(str(c.key), y) for c in cells for y in YEARS}
    j1 = book[sheet_name(QUESTIONNAIRE.table("J1"))]
    unlocked = {c.coordinate for row in j1.iter_rows() for c in row if not c.protection.locked}
    listed = {p.cell for p in where.values() if p.sheet == j1.title}
    assert unlocked == listed
    assert len(listed) == len(YEARS) * 3 * (12 + 2)  # J1: 3 rows, 12 columns, note and flag per row


def test_input_cells_have_validation_and_input_messages(blank: Path) -> None:
    sheet = load(blank)[sheet_name(QUESTIONNAIRE.table("J1"))]
    rules = sheet.data_validations.dataValidation
    numeric = [r for r in rules if r.type == "decimal"]
    lists = [r for r in rules if r.type == "list"]
    assert len(numeric) == len(lists) == len(YEARS)
    assert all(r.operator == "greaterThanOrEqual" and r.formula1 == "0" and r.prompt for r in numeric)
    assert all(r.formula1 == '"estimated,break in series,not available,confidential"' for r in lists)
    first = places(blank)[value("J1", 0, 0, 2022)].cell
    assert any(first in r.sqref for r in numeric)


def test_previous_years_prefilled_grey_and_locked(blank: Path, mex_published: list[dict[str, Any]]) -> None:
    real = {
        (r["period"], str(SeriesKey(**{d: r[d] for d in SERIES_DIMENSIONS}))): r["value"]
        for r in mex_published
    }
    sheet = load(blank)[sheet_name(QUESTIONNAIRE.table("J1"))]
    assert sheet["B5"].value == "2019 (published, for reference)"
    total_2021 = real[("2021", key("J1", 0, 0))]
    assert total_2021 == 220419.0  # the real figure
    block_2021 = 2 + 2 * 13  # column of 2021's Total: after the label, 2019 and 2020 (12 values + notes each)
    cell = sheet.cell(row=7, column=block_2021)
    assert cell.value == total_2021 and cell.protection.locked
    assert cell.fill.fgColor.rgb.endswith("E7E6E6")


def test_same_inputs_same_bytes_and_text_neutralised(tmp_path: Path) -> None:
    table = QUESTIONNAIRE.table("J7")
    tricky = dataclasses.replace(table, rows=(Line("=1+1"),))
    questionnaire = dataclasses.replace(
        QUESTIONNAIRE, tables=tuple(tricky if t is table else t for t in QUESTIONNAIRE.tables)
    )
    hyperlink = '=HYPERLINK("http://x")'
    supervised = {"area": "MEX", "period": "2021", "variable": "persons-under-other-supervision", "value": 5}
    previous = [{**supervised, "note": hyperlink}]
    args: dict[str, Any] = {"country": load_areas().get("MEX"), "round_year": ROUND, "reference_years": YEARS}
    first = generate_workbook(questionnaire, **args, previous=previous, generated_at=GENERATED_AT)
    assert first == generate_workbook(questionnaire, **args, previous=previous, generated_at=GENERATED_AT)
    path = tmp_path / "tricky.xlsx"
    path.write_bytes(first)
    sheet = load(path)[sheet_name(tricky)]
    assert sheet["A7"].value == "'=1+1" and sheet["A7"].data_type == "s"
    assert sheet["B7"].value == 5  # 2021 is the one earlier year shown: values B:E, notes F
    assert sheet["F7"].value == "'" + hyperlink and sheet["F7"].data_type == "s"


def test_reference_years_must_be_distinct() -> None:
    mex = load_areas().get("MEX")
    for years in ([], [2022, 2022]):
        with pytest.raises(InvalidInput, match="reference years"):
            generate_workbook(QUESTIONNAIRE, country=mex, round_year=ROUND, reference_years=years)


# -- the happy path: fill in, read back --------------------------------------------------------------


def test_filled_workbook_reads_back_exactly(blank: Path, tmp_path: Path) -> None:
    filled = tmp_path / "MEX filled.xlsx"
    entries = {
        value("J1", 0, 0, 2022): 226116,  # persons held, total
        value("J1", 1, 0, 2022): 140001.5,  # sentenced (a fraction is read as typed)
        note("J1", 0, 2022): "Census of 31 December 2022",
        flag("J1", 0, 2022): "estimated",
        value("H1", 0, 2, 2023): 3500,  # female victims of intentional homicide
        flag("H1", 0, 2023): "confidential",
        value("S1", 0, 0, 2024): 0,  # a true zero is a value
        note("S1", 1, 2024): "Prosecutors are counted by the judiciary",
        flag("S1", 1, 2024): "not available",
    }
    used = fill(blank, filled, entries)
    parsed = parse_file(filled, max_bytes=MAX_BYTES, round_year=ROUND, country="Mexico")
    assert parsed.report.problems == []
    assert parsed.reader.name == "uncts-workbook"

    def obs(
        ident: tuple[str, int, CellKind], number: float | None, flags: set[Flag], text: str | None
    ) -> Observation:
        place = used.get(ident) or places(blank)[ident]
        provenance = Provenance(
            "UN_CTS", "UN-CTS round 2025", None, filled.name, place.row, place.sheet, place.cell
        )
        return Observation(
            "MEX", str(ident[1]), SeriesKey.parse(ident[0]), number, provenance, frozenset(flags), text
        )

    census = "Census of 31 December 2022"
    prosecutors = [value("S1", 1, c, 2024) for c in range(4)]
    expected = [
        obs(value("J1", 0, 0, 2022), 226116.0, {Flag.estimated}, census),
        obs(value("J1", 1, 0, 2022), 140001.5, set(), None),
        obs(value("H1", 0, 2, 2023), 3500.0, {Flag.confidential}, None),
        obs(value("S1", 0, 0, 2024), 0.0, set(), None),
        *(obs(i, None, {Flag.missing}, "Prosecutors are counted by the judiciary") for i in prosecutors),
    ]
    assert sorted(parsed.observations, key=str) == sorted(expected, key=str)
    assert parsed.rows == len(expected)


def test_filled_workbook_imports_into_the_store(blank: Path, tmp_path: Path, store: Store) -> None:
    filled = tmp_path / "filled.xlsx"
    fill(blank, filled, {value("J1", 0, 0, 2022): 226116, value("J1", 0, 1, 2022): 212000})
    summary = import_paths(store, [filled])
    assert summary.totals()["inserted"] == 2
    assert summary.files[0].format == "uncts-workbook"
    assert snapshot(store) == (2, 1, 1)
    again = import_paths(store, [filled])
    assert not again.changed and snapshot(store) == (2, 1, 1)


def test_values_outside_input_cells_are_ignored(blank: Path, tmp_path: Path) -> None:
    filled = tmp_path / "scribbles.xlsx"

    def scribble(book: Any) -> None:
        sheet = book[sheet_name(QUESTIONNAIRE.table("J1"))]
        sheet["B7"] = 1  # in the grey block of 2019
        sheet["A20"] = "checked by M. Pérez"  # below the labels

    fill(blank, filled, {value("J1", 0, 0, 2022): 226116}, edit=scribble)
    parsed = parse_file(filled, max_bytes=MAX_BYTES)
    assert [o.value for o in parsed.observations] == [226116.0]
    assert parsed.report.problems == []
