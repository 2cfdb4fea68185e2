"""Writing observation rows as CSV, JSON, Excel, SDMX-CSV, SDMX-ML or SDMX-JSON.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are neutralised with a leading apostrophe in CSV, SDMX-CSV and Excel output (OWASP's advice
on CSV injection); :func:`restore` undoes it when such a file is imported again. Numbers are written as
numbers, so negative values stay negative. The SDMX writers live in :mod:`observatory.reports.sdmx` and
:mod:`observatory.reports.sdmx_json`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    sdmx_csv = "sdmx-csv"
    sdmx_ml = "sdmx-ml"
    sdmx_json = "sdmx-json"

    @property
    def media_type(self) -> str:
        return {
            ExportFormat.csv: "text/csv; charset=utf-8",
            ExportFormat.json: "application/json",
            ExportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ExportFormat.sdmx_csv: "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8",
            ExportFormat.sdmx_ml: "application/vnd.sdmx.structurespecificdata+xml; version=2.1",
            ExportFormat.sdmx_json: "application/vnd.sdmx.data+json; version=1.0.0; charset=utf-8",
        }[self]

    @property
    def suffix(self) -> str:
        return {
            ExportFormat.sdmx_csv: ".csv",
            ExportFormat.sdmx_ml: ".xml",
            ExportFormat.sdmx_json: ".json",
        }.get(self, f".{self.value}")


def neutralise(value: Any) -> Any:
    """Make a text cell inert in spreadsheets; leave numbers and None alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore(text: str) -> str:
    """Undo :func:`neutralise` on text read back from a file this module wrote."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _cell(value: Any) -> Any:
    """CSV text for a value: integral floats without ``.0`` (counts), formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return neutralise(value)


def _columns(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    cols = _columns(rows, columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in cols])
    return out.getvalue().encode("utf-8")


def to_json(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    cols = _columns(rows, columns)
    return json.dumps(
        [{c: row.get(c) for c in cols} for row in rows], ensure_ascii=False, indent=None
    ).encode("utf-8")


def to_xlsx(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str] | None = None,
    sheet: str = "observations",
) -> bytes:
    cols = _columns(rows, columns)
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
    bold = book.add_format({"bold": True})
    ws = book.add_worksheet(sheet)
    ws.write_row(0, 0, cols, bold)
    ws.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(cols):
            value = row.get(name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                ws.write_string(r, c, str(neutralise(value)))
            else:
                ws.write_number(r, c, value)
    if rows:
        ws.autofilter(0, 0, len(rows), len(cols) - 1)
    book.close()
    return buffer.getvalue()


def render(
    rows: Sequence[dict[str, Any]],
    fmt: ExportFormat,
    columns: Sequence[str] | None = None,
    *,
    prepared: datetime | None = None,
) -> bytes:
    """``rows`` in ``fmt``; ``prepared`` dates an SDMX-ML/JSON message (now by default; the API passes the
    release's time so that a release's message is the same bytes every time)."""
    from observatory.reports import sdmx, sdmx_json  # they import this module for ``neutralise``

    if fmt is ExportFormat.sdmx_ml:
        return sdmx.to_sdmx_ml(rows, columns, prepared=prepared)
    if fmt is ExportFormat.sdmx_json:
        return sdmx_json.to_sdmx_json(rows, columns, prepared=prepared)

    writers: dict[ExportFormat, Callable[[Sequence[dict[str, Any]], Sequence[str] | None], bytes]] = {
        ExportFormat.csv: to_csv,
        ExportFormat.json: to_json,
        ExportFormat.xlsx: to_xlsx,
        ExportFormat.sdmx_csv: sdmx.to_sdmx_csv,
    }
    return writers[fmt](rows, columns)
