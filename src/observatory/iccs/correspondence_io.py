"""Reading and writing correspondence tables as CSV or xlsx, and national counts as CSV.

One row per link, with the columns of :data:`COLUMNS`; a national offence without a link (an empty
``iccs_code``) is an unmapped offence. Its own columns (label, description, legal reference,
language, validity) repeat on every row of its links and must agree. Reading checks everything
before returning and raises the first error as :class:`InvalidInput` naming the file, row and
column (sheet and cell for xlsx), with a problem code: ``unknown-iccs-code``,
``duplicate-national-code``, ``shares-do-not-sum-to-one``, ``empty-label``, ``missing-column``,
``missing-value``, ``non-numeric-value``, ``unknown-code``, ``invalid-date``, ``empty-file``.

Rows are numbered as a spreadsheet shows them: the header is row 1. Written text cells that a
spreadsheet would run as a formula are neutralised (a leading apostrophe), and undone on reading.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from observatory.catalog.iccs import load_iccs
from observatory.errors import ErrorLocation, InvalidInput, NotFound
from observatory.iccs.tree import normalise_code
from observatory.model.classification import Scheme
from observatory.model.correspondence import SHARE_TOLERANCE, Link, MappingStatus, NationalOffence
from observatory.reports.export import restore, to_csv, to_xlsx

COLUMNS = (
    "national_code",
    "label",
    "description",
    "legal_reference",
    "language",
    "valid_from",
    "valid_to",
    "iccs_code",
    "share",
    "status",
    "comment",
)
REQUIRED = ("national_code", "label")
OFFENCE_FIELDS = ("label", "description", "legal_reference", "language", "valid_from", "valid_to")
SHEET = "correspondence"


class TableFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@dataclass
class ParsedTable:
    """The offences and links of a file, in file order."""

    offences: list[NationalOffence] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    rows: int = 0


@dataclass
class _Cells:
    """One record: row number, values by column, and where each column is (for xlsx cells)."""

    row: int
    values: dict[str, Any]
    letters: dict[str, str]


def format_of(path: Path) -> TableFormat:
    return TableFormat.xlsx if path.suffix.lower() in (".xlsx", ".xlsm") else TableFormat.csv


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise InvalidInput("the file is empty", code="empty-file", location=ErrorLocation(file=path.name))
    if b"\x00" in data[:8192]:
        raise InvalidInput(
            "binary file; a CSV was expected", code="binary-file", location=ErrorLocation(file=path.name)
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(
        "cannot decode the file", code="binary-file", location=ErrorLocation(file=path.name)
    )  # pragma: no cover


def _csv_records(path: Path, data: bytes) -> tuple[list[str], list[_Cells], str | None]:
    table = list(csv.reader(io.StringIO(_decode(path, data), newline="")))
    header = [h.strip().lower() for h in table[0]] if table else []
    letters = {name: get_column_letter(i + 1) for i, name in enumerate(header)}
    records = [
        _Cells(n, {name: restore(cell.strip()) for name, cell in zip(header, cells, strict=False)}, letters)
        for n, cells in enumerate(table[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return header, records, None


def _xlsx_records(path: Path, data: bytes) -> tuple[list[str], list[_Cells], str | None]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken zip
        raise InvalidInput(
            f"not a readable .xlsx workbook ({type(exc).__name__})",
            code="corrupt-workbook",
            location=ErrorLocation(file=path.name),
        ) from None
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    header = [str(h).strip().lower() if h is not None else "" for h in (rows[0] if rows else [])]
    letters = {name: get_column_letter(i + 1) for i, name in enumerate(header)}
    records: list[_Cells] = []
    for n, cells in enumerate(rows[1:], start=2):
        values: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            if isinstance(cell, str):
                cell = restore(cell.strip())
            values[name] = "" if cell is None else cell
        if any(v != "" for v in values.values()):
            records.append(_Cells(n, values, letters))
    return header, records, sheet.title


class _Reader:
    def __init__(self, path: Path, sheet: str | None) -> None:
        self.path = path
        self.sheet = sheet

    def fail(
        self, message: str, code: str, rec: _Cells | None = None, column: str | None = None
    ) -> InvalidInput:
        cell = f"{rec.letters.get(column, '')}{rec.row}" if rec and column and self.sheet else None
        where = ErrorLocation(
            file=self.path.name, row=rec.row if rec else 1, column=column, sheet=self.sheet, cell=cell
        )
        return InvalidInput(message, code=code, location=where)

    def text(self, rec: _Cells, column: str) -> str:
        value = rec.values.get(column, "")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime):
            value = value.date()
        return value.isoformat() if isinstance(value, date) else str(value).strip()

    def day(self, rec: _Cells, column: str) -> date | None:
        value = rec.values.get(column, "")
        if isinstance(value, datetime):
            return value.date()
        text = self.text(rec, column)
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise self.fail(
                f"{text!r} is not a date; write it as 2020-01-31", "invalid-date", rec, column
            ) from None

    def share(self, rec: _Cells, column: str = "share") -> float:
        text = self.text(rec, column)
        if not text:
            return 1.0
        try:
            value = float(text)
        except ValueError:
            raise self.fail(f"share {text!r} is not a number", "non-numeric-value", rec, column) from None
        if not math.isfinite(value) or not 0 < value <= 1:
            raise self.fail(
                f"share {text} must be above 0 and at most 1", "shares-do-not-sum-to-one", rec, column
            )
        return value

    def iccs(self, rec: _Cells, scheme: Scheme) -> str:
        text = self.text(rec, "iccs_code")
        try:
            return normalise_code(text, scheme)
        except (InvalidInput, NotFound) as exc:
            raise self.fail(exc.message, "unknown-iccs-code", rec, "iccs_code") from None

    def status(self, rec: _Cells) -> MappingStatus:
        text = self.text(rec, "status").lower()
        try:
            return MappingStatus(text or MappingStatus.proposed.value)
        except ValueError:
            choices = ", ".join(s.value for s in MappingStatus)
            raise self.fail(
                f"status {text!r} is not one of {choices}", "unknown-code", rec, "status"
            ) from None


def _offence(reader: _Reader, rec: _Cells) -> NationalOffence:
    code = reader.text(rec, "national_code")
    if not code:
        raise reader.fail("the national code is empty", "missing-value", rec, "national_code")
    label = reader.text(rec, "label")
    if not label:
        raise reader.fail(f"national offence {code!r} has an empty label", "empty-label", rec, "label")
    return NationalOffence(
        code=code,
        label=label,
        description=reader.text(rec, "description"),
        legal_reference=reader.text(rec, "legal_reference"),
        language=reader.text(rec, "language"),
        valid_from=reader.day(rec, "valid_from"),
        valid_to=reader.day(rec, "valid_to"),
    )


def _same_offence(
    reader: _Reader, rec: _Cells, offence: NationalOffence, first: tuple[NationalOffence, _Cells]
) -> None:
    earlier, earlier_rec = first
    for name in OFFENCE_FIELDS:
        if getattr(earlier, name) != getattr(offence, name):
            raise reader.fail(
                f"national code {offence.code!r} appears again with another {name} "
                f"({getattr(offence, name)!r}; row {earlier_rec.row} has {getattr(earlier, name)!r})",
                "duplicate-national-code",
                rec,
                name,
            )


def read_table(path: Path, data: bytes | None = None, scheme: Scheme | None = None) -> ParsedTable:
    """The offences and links of a correspondence file; InvalidInput at the first problem."""
    scheme = scheme or load_iccs()
    data = path.read_bytes() if data is None else data
    reader_fn = _xlsx_records if format_of(path) is TableFormat.xlsx else _csv_records
    header, records, sheet = reader_fn(path, data)
    reader = _Reader(path, sheet)
    for column in REQUIRED:
        if column not in header:
            raise reader.fail(
                f"column {column!r} is missing; expected {','.join(COLUMNS)}", "missing-column", column=column
            )
    if not records:
        raise reader.fail("the file has no data rows", "empty-file")
    parsed = ParsedTable(rows=len(records))
    offences: dict[str, tuple[NationalOffence, _Cells]] = {}
    last_row: dict[str, _Cells] = {}
    unmapped: set[str] = set()
    for rec in records:
        offence = _offence(reader, rec)
        code = offence.code
        if code in offences:
            _same_offence(reader, rec, offence, offences[code])
        else:
            offences[code] = (offence, rec)
            parsed.offences.append(offence)
        if not reader.text(rec, "iccs_code"):
            unmapped.add(code)
        if code in unmapped and (
            code in last_row or reader.text(rec, "iccs_code") or reader.text(rec, "share")
        ):
            raise reader.fail(
                f"national code {code!r} has a row without an ICCS code beside rows with one",
                "unknown-iccs-code",
                rec,
                "iccs_code",
            )
        if code in unmapped:
            continue
        iccs = reader.iccs(rec, scheme)
        if any(link.national_code == code and link.iccs_code == iccs for link in parsed.links):
            raise reader.fail(
                f"national code {code!r} is mapped to {iccs} twice",
                "duplicate-national-code",
                rec,
                "iccs_code",
            )
        parsed.links.append(
            Link(code, iccs, reader.share(rec), reader.status(rec), reader.text(rec, "comment"))
        )
        last_row[code] = rec
    _check_shares(reader, parsed.links, last_row)
    return parsed


def _check_shares(reader: _Reader, links: list[Link], last_row: dict[str, _Cells]) -> None:
    totals: dict[str, list[float]] = {}
    for link in links:
        totals.setdefault(link.national_code, []).append(link.share)
    for code, shares in totals.items():
        total = math.fsum(shares)
        if total > 1 + SHARE_TOLERANCE or (len(shares) > 1 and abs(total - 1) > SHARE_TOLERANCE):
            raise reader.fail(
                f"the shares of national code {code!r} sum to {total:g}, not 1 "
                f"({' + '.join(f'{s:g}' for s in shares)})",
                "shares-do-not-sum-to-one",
                last_row[code],
                "share",
            )


def table_rows(offences: list[NationalOffence], links: list[Link]) -> list[dict[str, Any]]:
    """One dict per link (an offence without links gets one row with an empty ICCS code)."""
    rows: list[dict[str, Any]] = []
    for offence in offences:
        base = {
            "national_code": offence.code,
            "label": offence.label,
            "description": offence.description,
            "legal_reference": offence.legal_reference,
            "language": offence.language,
            "valid_from": offence.valid_from.isoformat() if offence.valid_from else "",
            "valid_to": offence.valid_to.isoformat() if offence.valid_to else "",
        }
        own = [link for link in links if link.national_code == offence.code]
        if not own:
            rows.append({**base, "iccs_code": "", "share": "", "status": "", "comment": ""})
        for link in own:
            rows.append(
                {
                    **base,
                    "iccs_code": link.iccs_code,
                    "share": link.share,
                    "status": link.status.value,
                    "comment": link.comment,
                }
            )
    return rows


def write_table(offences: list[NationalOffence], links: list[Link], fmt: TableFormat) -> bytes:
    rows = table_rows(offences, links)
    if fmt is TableFormat.xlsx:
        return to_xlsx(rows, COLUMNS, sheet=SHEET)
    return to_csv(rows, COLUMNS)


def read_counts(path: Path, data: bytes | None = None) -> dict[str, float]:
    """National counts from a CSV ``national_code,count`` (repeated codes are added up)."""
    data = path.read_bytes() if data is None else data
    header, records, _ = _csv_records(path, data)
    reader = _Reader(path, None)
    for column in ("national_code", "count"):
        if column not in header:
            raise reader.fail(
                f"column {column!r} is missing; expected national_code,count", "missing-column", column=column
            )
    counts: dict[str, float] = {}
    for rec in records:
        code = reader.text(rec, "national_code")
        if not code:
            raise reader.fail("the national code is empty", "missing-value", rec, "national_code")
        text = reader.text(rec, "count")
        try:
            value = float(text)
        except ValueError:
            raise reader.fail(f"count {text!r} is not a number", "non-numeric-value", rec, "count") from None
        if not math.isfinite(value):
            raise reader.fail(f"count {text!r} is not finite", "non-finite-value", rec, "count")
        counts[code] = counts.get(code, 0.0) + value
    return counts
