"""Reading national offence lists (CSV or xlsx) for drafting: optional columns, located errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from observatory.errors import InvalidInput
from observatory.iccs.national_list import read_national_list


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "lista"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_csv_with_every_column_and_header_spelling(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(
        "Code,Label,Description,Legal Reference,Language,Valid-From,valid_to\n"
        "H1,Homicidio doloso,Privar de la vida,CPF art. 302,,2000-01-01,\n"
        "\n"
        "R1,Robo,,CPF art. 367,es-MX,,2023-12-31\n",
        encoding="cp1252",
    )
    offences = read_national_list(path, lang="es")
    assert [(o.code, o.label, o.legal_reference, o.language) for o in offences] == [
        ("H1", "Homicidio doloso", "CPF art. 302", "es"),
        ("R1", "Robo", "CPF art. 367", "es-MX"),
    ]
    assert (offences[0].valid_from, offences[1].valid_to) == (date(2000, 1, 1), date(2023, 12, 31))


def test_xlsx_list_with_national_code_column(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "lista.xlsx",
        [["national_code", "label", "description"], ["A1", "Fraude", "engaño"], [7, "Extorsión", None]],
    )
    offences = read_national_list(path, lang="es")
    assert [(o.code, o.label, o.description, o.language) for o in offences] == [
        ("A1", "Fraude", "engaño", "es"),
        ("7", "Extorsión", "", "es"),
    ]


@pytest.mark.parametrize(
    ("rows", "code", "where"),
    [
        ([["code", "label"], ["A", "Robo"], ["A", "Hurto"]], "duplicate-national-code", (3, "code", "A3")),
        ([["code", "label"], ["A", None]], "empty-label", (2, "label", "B2")),
        ([["code", "name"], ["A", "Robo"]], "missing-column", (1, "label", None)),
        (
            [["code", "label", "valid_from"], ["A", "Robo", "31/12/2020"]],
            "invalid-date",
            (2, "valid_from", "C2"),
        ),
        (
            [["code", "label", "valid_from", "valid_to"], ["A", "Robo", "2021-01-01", "2020-01-01"]],
            "invalid-date",
            (2, "valid_to", "D2"),
        ),
        ([["code", "label"]], "empty-file", (1, None, None)),
    ],
)
def test_xlsx_errors_name_sheet_row_column_and_cell(
    tmp_path: Path, rows: list[list[object]], code: str, where: tuple[int, str | None, str | None]
) -> None:
    path = _xlsx(tmp_path / "lista.xlsx", rows)
    with pytest.raises(InvalidInput) as caught:
        read_national_list(path)
    assert caught.value.code == code
    location = caught.value.location
    assert location is not None and location.file == "lista.xlsx" and location.sheet == "lista"
    assert (location.row, location.column, location.cell) == where


def test_csv_errors_are_located_and_a_broken_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text("code,label\nA,Robo\n,Hurto\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_national_list(path)
    assert caught.value.code == "missing-value"
    assert caught.value.location is not None and (
        caught.value.location.row,
        caught.value.location.column,
    ) == (
        3,
        "code",
    )
    broken = tmp_path / "lista.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InvalidInput) as refused:
        read_national_list(broken)
    assert refused.value.code == "corrupt-workbook"
