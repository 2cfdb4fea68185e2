"""Generating the UN-CTS questionnaire workbook a focal point fills in (xlsxwriter).

Sheets: a cover (country, round, deadline, how to fill in and how to split the work across agencies),
``Definitions`` (every variable), then one protected sheet per table. A table sheet has the row labels in
column A, the published values of earlier years in locked grey blocks for reference, and for each reference
year a block of unlocked input cells (numeric validation, 0 or more) followed by a free-text *note* and a
*flag* drop-down per row. The hidden ``_keys`` sheet lists every input cell (sheet, cell, series key, year,
kind) and the hidden ``_meta`` sheet names the questionnaire, its fingerprint, the round and the country, so
that :mod:`observatory.collect.readers.workbook` never has to trust cell positions alone.

The workbook's structure is locked (no sheet renamed, moved, deleted or unhidden) and every sheet is
protected except its input cells; neither has a password, so neither is a security boundary: the reader
checks everything again. The same inputs (with ``generated_at`` given) give the same bytes. Every text
written is neutralised against formula injection.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.area import Area
from observatory.model.observation import SERIES_DIMENSIONS, TOTAL, Flag, SeriesKey, Unit
from observatory.model.period import Period
from observatory.model.questionnaire import Line, Questionnaire, Table
from observatory.reports.export import neutralise

KEYS_SHEET = "_keys"
META_SHEET = "_meta"
KEYS_HEADER = ("sheet", "cell", "key", "year", "kind")
DATAFLOW = "UN_CTS"
COVER_SHEET = "Cover"
DEFINITIONS_SHEET = "Definitions"
# Table sheet layout (0-based rows): title, instructions, context; year headers; column labels; data.
TITLE_ROW, INSTRUCTIONS_ROW, CONTEXT_ROW, YEAR_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2, 4, 5, 6
LABEL_COLUMN = 0
PREVIOUS_YEARS = 3  # published years shown for reference, the latest before the first reference year
SHEET_NAME_MAX = 31


class CellKind(StrEnum):
    """What an input cell holds."""

    value = "value"
    note = "note"
    flag = "flag"


class FlagChoice(StrEnum):
    """The flag drop-down. ``not available`` marks the row's empty cells as missing (with the note)."""

    estimated = "estimated"
    break_in_series = "break in series"
    not_available = "not available"
    confidential = "confidential"

    @property
    def flag(self) -> Flag:
        return {
            FlagChoice.estimated: Flag.estimated,
            FlagChoice.break_in_series: Flag.break_in_series,
            FlagChoice.not_available: Flag.missing,
            FlagChoice.confidential: Flag.confidential,
        }[self]


@dataclass(frozen=True)
class InputCell:
    """One row of ``_keys``: an input cell and what it stands for."""

    sheet: str
    cell: str
    key: str  # a series key; for notes and flags, the row's series keys separated by spaces
    year: int
    kind: CellKind

    def as_row(self) -> tuple[str, str, str, int, str]:
        return (self.sheet, self.cell, self.key, self.year, self.kind.value)


def fingerprint(questionnaire: Questionnaire) -> str:
    """SHA-256 of the questionnaire's cells (table, row, column, series key): what a workbook is built on."""
    lines = (f"{c.table}\t{c.row}\t{c.column}\t{c.key}\n" for c in questionnaire.cells())
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def keys_digest(rows: Iterable[tuple[str, str, str, int, str]]) -> str:
    """SHA-256 of the ``_keys`` rows, recorded in ``_meta`` so that an edited ``_keys`` is noticed."""
    text = "".join("\t".join(str(v) for v in row) + "\n" for row in rows)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sheet_name(table: Table) -> str:
    """Table id and short title, at most 31 characters, without the characters Excel forbids."""
    title = re.sub(r"[\[\]:*?/\\']", "", table.title)
    return f"{table.id} {title}"[:SHEET_NAME_MAX].rstrip()


@dataclass(frozen=True)
class Block:
    """A year's columns on a table sheet: the values, then a note (and a flag for input blocks)."""

    year: int
    first: int  # first column
    width: int  # number of value columns
    editable: bool

    @property
    def note(self) -> int:
        return self.first + self.width

    @property
    def flag(self) -> int:
        return self.first + self.width + 1

    @property
    def last(self) -> int:
        return self.flag if self.editable else self.note


def layout(table: Table, previous_years: Sequence[int], reference_years: Sequence[int]) -> list[Block]:
    """Blocks left to right: earlier years (read-only), then the reference years (input)."""
    blocks: list[Block] = []
    column = LABEL_COLUMN + 1
    for year, editable in [(y, False) for y in previous_years] + [(y, True) for y in reference_years]:
        block = Block(year, column, len(table.columns), editable)
        blocks.append(block)
        column = block.last + 1
    return blocks


def _previous(previous: Sequence[Mapping[str, Any]], area: str) -> dict[tuple[str, int], Mapping[str, Any]]:
    """Published rows of ``area`` by (series key, year); other areas and sub-annual periods are left out."""
    found: dict[tuple[str, int], Mapping[str, Any]] = {}
    for row in previous:
        if row.get("area") != area or row.get("value") is None:
            continue
        try:
            period = Period.parse(str(row.get("period", "")))
        except ValueError:
            continue
        if period.sub is not None:
            continue
        dims = {d: str(row.get(d) or TOTAL) for d in SERIES_DIMENSIONS}
        dims["unit"] = str(row.get("unit") or Unit.number.value)
        found[(str(SeriesKey(**dims)), period.year)] = row
    return found


class _Formats:
    def __init__(self, book: Any) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
        self.year = book.add_format({"bold": True, "align": "center", "border": 1, "bg_color": "#DDEBF7"})
        self.label = book.add_format({"border": 1})
        self.input = book.add_format({"locked": False, "bg_color": "#FFF9E0", "border": 1})
        self.note = book.add_format({"locked": False, "bg_color": "#FFF9E0", "border": 1, "text_wrap": True})
        self.grey = book.add_format({"bg_color": "#E7E6E6", "font_color": "#595959", "border": 1})


def generate_workbook(
    questionnaire: Questionnaire,
    *,
    country: Area,
    round_year: int,
    reference_years: Sequence[int],
    previous: Sequence[Mapping[str, Any]] = (),
    generated_at: datetime | None = None,
) -> bytes:
    """The questionnaire workbook for one country and round, as ``.xlsx`` bytes."""
    years = sorted(set(reference_years))
    if not years or len(years) != len(reference_years):
        raise InvalidInput(
            f"reference years {list(reference_years)} must be distinct and at least one, such as 2022, 2023",
            code="invalid-period",
            location=ErrorLocation(field="reference_years"),
        )
    when = (generated_at or datetime.now(UTC)).replace(microsecond=0)
    published = _previous(previous, country.code)
    shown = sorted({y for _, y in published if y < years[0]})[-PREVIOUS_YEARS:]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"title": neutralise(questionnaire.title), "created": when, "author": "Observatory"})
    fmt = _Formats(book)
    _cover(book, fmt, questionnaire, country, round_year, years)
    _definitions(book, fmt, questionnaire)
    inputs: list[InputCell] = []
    for table in questionnaire.tables:
        inputs += _table_sheet(book, fmt, table, layout(table, shown, years), published, country)
    rows = [c.as_row() for c in inputs]
    keys = book.add_worksheet(KEYS_SHEET)
    keys.write_row(0, 0, KEYS_HEADER, fmt.bold)
    for r, row in enumerate(rows, start=1):
        keys.write_row(r, 0, row)
    meta = {
        "questionnaire": questionnaire.id,
        "version": questionnaire.version,
        "fingerprint": fingerprint(questionnaire),
        "keys_sha256": keys_digest(rows),
        "round_year": str(round_year),
        "country": country.code,
        "reference_years": " ".join(str(y) for y in years),
        "generated_at": when.isoformat(),
    }
    meta_sheet = book.add_worksheet(META_SHEET)
    for r, (name, value) in enumerate(meta.items()):
        meta_sheet.write_string(r, 0, name)
        meta_sheet.write_string(r, 1, value)
    for sheet in (keys, meta_sheet):
        sheet.protect()
        sheet.hide()
    book.close()
    return lock_structure(buffer.getvalue())


def lock_structure(data: bytes) -> bytes:
    """Add workbook protection (structure locked: no sheet renamed, moved, deleted or unhidden).

    xlsxwriter protects sheets but not the workbook, so ``xl/workbook.xml`` is rewritten; every other part
    is copied as it is, with its timestamp, so the output stays deterministic.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/workbook.xml":
                part = part.replace(b"<bookViews>", b'<workbookProtection lockStructure="1"/><bookViews>', 1)
            target.writestr(info, part)
    return out.getvalue()


def _text(sheet: Any, row: int, col: int, text: str, cell_format: Any = None) -> None:
    sheet.write_string(row, col, str(neutralise(text)), cell_format)


HOW_TO_FILL_IN = (
    "1. Each table has its own sheet. Type figures only in the light yellow cells, one block per year.",
    "2. Leave a cell empty when the figure is not available; write 0 only for a true zero.",
    "3. Type numbers, not formulas or text; do not merge, insert or delete cells, rows or columns.",
    "4. Use the note cell of a row for sources, definitions that differ, or breaks in series.",
    "5. Use the flag of a row for estimates, breaks in series, figures not available or confidential.",
    "6. Grey blocks show figures already published for earlier years, for reference; they are not read.",
)
HOW_TO_SPLIT = (
    "Police, prosecution, courts and prison administrations may each fill in their own tables in a copy",
    "of this workbook. Send all the copies: they are merged, and a figure given twice must be the same.",
)


def _cover(
    book: Any, fmt: _Formats, q: Questionnaire, country: Area, round_year: int, years: list[int]
) -> None:
    sheet = book.add_worksheet(COVER_SHEET)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 100)
    _text(sheet, 0, 0, q.title, fmt.title)
    facts = (
        ("Country", f"{country.name} ({country.code})"),
        ("Round", str(round_year)),
        ("Reference years", ", ".join(str(y) for y in years)),
        ("Questionnaire", q.name),
        ("Deadline", "[deadline: set by UNODC when the round is sent; see the covering letter]"),
    )
    for r, (name, value) in enumerate(facts, start=2):
        _text(sheet, r, 0, name, fmt.bold)
        _text(sheet, r, 1, value)
    row = len(facts) + 3
    for heading, lines in (("How to fill in", HOW_TO_FILL_IN), ("Several agencies", HOW_TO_SPLIT)):
        _text(sheet, row, 0, heading, fmt.bold)
        for line in lines:
            _text(sheet, row, 1, line)
            row += 1
        row += 1
    _text(sheet, row, 0, "Tables", fmt.bold)
    for table in q.tables:
        row += 1
        _text(sheet, row, 0, sheet_name(table))
        _text(sheet, row, 1, table.title)
    sheet.protect()


def _definitions(book: Any, fmt: _Formats, q: Questionnaire) -> None:
    sheet = book.add_worksheet(DEFINITIONS_SHEET)
    header = ("Variable", "Name", "Section", "Counting", "Definition")
    for c, (name, width) in enumerate(zip(header, (30, 45, 14, 12, 110), strict=True)):
        sheet.set_column(c, c, width)
        _text(sheet, 0, c, name, fmt.header)
    for r, v in enumerate(q.variables.values(), start=1):
        for c, text in enumerate((v.code, v.name, v.section.value, v.counting.value, v.definition)):
            _text(sheet, r, c, text, fmt.wrap)
    sheet.freeze_panes(1, 0)
    sheet.protect()


def _table_sheet(
    book: Any,
    fmt: _Formats,
    table: Table,
    blocks: list[Block],
    published: dict[tuple[str, int], Mapping[str, Any]],
    country: Area,
) -> list[InputCell]:
    name = sheet_name(table)
    sheet = book.add_worksheet(name)
    sheet.set_column(LABEL_COLUMN, LABEL_COLUMN, 55)
    _text(sheet, TITLE_ROW, 0, f"{table.id}. {table.title}", fmt.title)
    _text(sheet, INSTRUCTIONS_ROW, 0, table.instructions or "Type the figures in the light yellow cells.")
    _text(sheet, CONTEXT_ROW, 0, f"{country.name} ({country.code}); unit: {table.unit.value}")
    _text(sheet, HEADER_ROW, LABEL_COLUMN, "", fmt.header)
    for r, line in enumerate(table.rows):
        _text(sheet, FIRST_DATA_ROW + r, LABEL_COLUMN, line.label, fmt.label)
    inputs: list[InputCell] = []
    for block in blocks:
        _block_header(sheet, fmt, table, block)
        if block.editable:
            inputs += _input_block(sheet, fmt, table, block, name)
        else:
            _published_block(sheet, fmt, table, block, published)
    sheet.freeze_panes(FIRST_DATA_ROW, LABEL_COLUMN + 1)
    sheet.protect("", {"format_columns": True, "format_rows": True})
    return inputs


def _block_header(sheet: Any, fmt: _Formats, table: Table, block: Block) -> None:
    title = f"{block.year}" if block.editable else f"{block.year} (published, for reference)"
    sheet.merge_range(YEAR_ROW, block.first, YEAR_ROW, block.last, title, fmt.year)
    sheet.set_column(block.first, block.first + block.width - 1, 14)
    sheet.set_column(block.note, block.note, 30)
    for c, line in enumerate(table.columns):
        _text(sheet, HEADER_ROW, block.first + c, line.label, fmt.header)
    _text(sheet, HEADER_ROW, block.note, "Note" if block.editable else "Published notes", fmt.header)
    if block.editable:
        sheet.set_column(block.flag, block.flag, 16)
        _text(sheet, HEADER_ROW, block.flag, "Flag", fmt.header)


def _input_block(sheet: Any, fmt: _Formats, table: Table, block: Block, name: str) -> list[InputCell]:
    inputs: list[InputCell] = []
    last_row = FIRST_DATA_ROW + len(table.rows) - 1
    for r, row in enumerate(table.rows):
        excel_row = FIRST_DATA_ROW + r
        keys = [str(table.key(row, column)) for column in table.columns]
        for c, key in enumerate(keys):
            sheet.write_blank(excel_row, block.first + c, None, fmt.input)
            address = xl_rowcol_to_cell(excel_row, block.first + c)
            inputs.append(InputCell(name, address, key, block.year, CellKind.value))
        for col, kind in ((block.note, CellKind.note), (block.flag, CellKind.flag)):
            sheet.write_blank(excel_row, col, None, fmt.note)
            inputs.append(
                InputCell(name, xl_rowcol_to_cell(excel_row, col), " ".join(keys), block.year, kind)
            )
    sheet.data_validation(
        FIRST_DATA_ROW,
        block.first,
        last_row,
        block.note - 1,
        {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "input_title": f"Figure for {block.year}",
            "input_message": "A number, 0 or more. Leave the cell empty if the figure is not available; "
            "write 0 only for a true zero.",
            "error_title": "Not a figure",
            "error_message": "Type a number, 0 or more (no text, no formula).",
        },
    )
    sheet.data_validation(
        FIRST_DATA_ROW,
        block.flag,
        last_row,
        block.flag,
        {
            "validate": "list",
            "source": [c.value for c in FlagChoice],
            "input_title": "Flag for this row",
            "input_message": "Optional: estimated, break in series, not available or confidential.",
        },
    )
    return inputs


def _published_block(
    sheet: Any,
    fmt: _Formats,
    table: Table,
    block: Block,
    published: dict[tuple[str, int], Mapping[str, Any]],
) -> None:
    for r, row in enumerate(table.rows):
        excel_row = FIRST_DATA_ROW + r
        notes: list[str] = []
        for c, column in enumerate(table.columns):
            found = published.get((str(table.key(row, column)), block.year))
            col = block.first + c
            if found is None:
                sheet.write_blank(excel_row, col, None, fmt.grey)
                continue
            try:
                sheet.write_number(excel_row, col, float(found["value"]), fmt.grey)
            except (TypeError, ValueError):
                sheet.write_blank(excel_row, col, None, fmt.grey)
                continue
            note = found.get("note")
            if note and str(note) not in notes:
                notes.append(str(note))
        _text(sheet, excel_row, block.note, "; ".join(notes), fmt.grey)


def row_label(line: Line) -> str:
    """A row or column label as written in the workbook (the reader compares against this)."""
    return str(neutralise(line.label))
