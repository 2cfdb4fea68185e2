"""Reading and writing the portfolio as CSV or xlsx: one row per project, outcome indicator and period.

The columns are :data:`COLUMNS`. The project's own columns (``code`` to ``gaps``) are given on its first
row; later rows of the same ``code`` may leave them empty or must repeat them unchanged. Lists
(``countries``, ``themes``, ``clusters``, ``donors``, ``implementers``, ``gaps``) are separated by ``;``;
a partner may carry its IATI organisation identifier in brackets (``Ministry of Justice [XM-EX-1]``). The
indicator columns (``indicator`` is its ref, then ``indicator_title``, ``indicator_id`` *or*
``assessment_item``, ``area``, ``measure``, ``baseline``, ``baseline_year``) repeat on each of its periods
(``year``, ``target``, ``actual``).

Reading checks the whole file and collects every problem with its row and column (the header is row 1, as
a spreadsheet shows it); :func:`read_portfolio` raises the first error as :class:`InvalidInput` with all of
them in ``details``, so nothing is stored from a file with an error. Text cells a spreadsheet would run as
a formula are neutralised on writing (as ``reports.export`` does) and restored on reading.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from observatory.assistance.checks import check_project
from observatory.assistance.codec import project_from_dict
from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.assistance import PartnerRole, Project, number
from observatory.model.problem import Problem, ValidationReport
from observatory.reports.export import restore, to_csv, to_xlsx

# fmt: off
PROJECT_COLUMNS = (
    "code", "title", "description", "countries", "region", "themes", "clusters", "donors", "implementers",
    "budget", "currency", "budget_date", "start", "end", "status", "gaps",
)
INDICATOR_COLUMNS = (
    "indicator", "indicator_title", "indicator_id", "assessment_item", "area", "measure", "baseline",
    "baseline_year",
)
# fmt: on
PERIOD_COLUMNS = ("year", "target", "actual")
COLUMNS = (*PROJECT_COLUMNS, *INDICATOR_COLUMNS, *PERIOD_COLUMNS)
REQUIRED = ("code", "title", "budget", "currency")
SHEET = "portfolio"
PARTNER = re.compile(r"^(?P<name>.*?)\s*\[(?P<ref>[^\]]+)\]$")
# Where a field named by the model or the checks is, among the columns.
FIELD_COLUMNS = {"partners": "donors", "indicators": "indicator", "clusters": "clusters"}


class TableFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"

    @property
    def media_type(self) -> str:
        if self is TableFormat.csv:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def format_of(name: str) -> TableFormat:
    return TableFormat.xlsx if Path(name).suffix.lower() in (".xlsx", ".xlsm") else TableFormat.csv


@dataclass
class Record:
    row: int
    values: dict[str, str]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return restore(str(value).strip()) if isinstance(value, str) else str(value)


def _records(name: str, data: bytes) -> tuple[list[str], list[Record]]:
    where = ErrorLocation(file=name)
    if not data.strip():
        raise InvalidInput("the file is empty", code="empty-file", location=where)
    if format_of(name) is TableFormat.xlsx:
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken zip
            raise InvalidInput(
                f"not a readable .xlsx workbook ({type(exc).__name__})",
                code="corrupt-workbook",
                location=where,
            ) from None
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows: list[list[str]] = [[_text(c) for c in r] for r in sheet.iter_rows(values_only=True)]
        book.close()
    else:
        if b"\x00" in data[:8192]:
            raise InvalidInput("binary file; a CSV was expected", code="binary-file", location=where)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        rows = [[_text(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""))]
    header = [h.strip().lower() for h in rows[0]] if rows else []
    records = [
        Record(n, {h: v.strip() for h, v in zip(header, cells, strict=False) if h})
        for n, cells in enumerate(rows[1:], start=2)
        if any(c.strip() for c in cells)
    ]
    return header, records


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _partners(text: str, role: PartnerRole) -> list[dict[str, str]]:
    found = []
    for part in _split(text):
        match = PARTNER.match(part)
        name, ref = (match["name"], match["ref"].strip()) if match else (part, "")
        found.append({"name": name, "role": role.value, "ref": ref})
    return found


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.report = ValidationReport()

    def problem(
        self, code: str, message: str, row: int, column: str | None, value: str | None = None
    ) -> None:
        self.report.add(Problem(code, message, file=self.name, row=row, column=column, value=value))

    def project_rows(self, records: list[Record]) -> Iterator[list[Record]]:
        """The records of each project, in file order; checks that repeated project cells agree."""
        groups: dict[str, list[Record]] = {}
        for rec in records:
            code = rec.values.get("code", "")
            if not code:
                self.problem("missing-value", "the row has no project code", rec.row, "code")
                continue
            first = groups.setdefault(code, [rec])[0]
            if first is rec:
                continue
            groups[code].append(rec)
            for column in PROJECT_COLUMNS:
                value = rec.values.get(column, "")
                if value and value != first.values.get(column, ""):
                    self.problem(
                        "inconsistent-project-rows",
                        f"project {code} has {first.values.get(column, '')!r} in row {first.row} but "
                        f"{value!r} here; leave the cell empty or repeat it",
                        rec.row,
                        column,
                        value,
                    )
        yield from groups.values()

    def as_dict(self, records: list[Record]) -> dict[str, Any]:
        first = records[0].values
        indicators: dict[str, dict[str, Any]] = {}
        for rec in records:
            ref = rec.values.get("indicator", "")
            if not ref:
                continue
            item = indicators.setdefault(
                ref,
                {
                    "ref": ref,
                    "title": rec.values.get("indicator_title", ""),
                    "indicator_id": rec.values.get("indicator_id") or None,
                    "assessment_item": rec.values.get("assessment_item") or None,
                    "area": rec.values.get("area") or None,
                    "measure": rec.values.get("measure") or "unit",
                    "baseline": rec.values.get("baseline") or None,
                    "baseline_year": rec.values.get("baseline_year") or None,
                    "periods": [],
                    "_row": rec.row,
                },
            )
            if rec.values.get("year"):
                item["periods"].append(
                    {k: rec.values.get(k) or None for k in PERIOD_COLUMNS} | {"_row": rec.row}
                )
        return {
            "code": first.get("code", ""),
            "title": first.get("title", ""),
            "description": first.get("description", ""),
            "countries": _split(first.get("countries", "")),
            "region": first.get("region") or None,
            "themes": _split(first.get("themes", "")),
            "extra_clusters": _split(first.get("clusters", "")),
            "partners": _partners(first.get("donors", ""), PartnerRole.donor)
            + _partners(first.get("implementers", ""), PartnerRole.implementing),
            "budget": {
                "amount": first.get("budget") or None,
                "currency": first.get("currency", ""),
                "value_date": first.get("budget_date") or None,
            },
            "start": first.get("start") or None,
            "end": first.get("end") or None,
            "status": first.get("status") or "pipeline",
            "gaps": _split(first.get("gaps", "")),
            "indicators": list(indicators.values()),
        }

    def build(self, records: list[Record]) -> Project | None:
        data = self.as_dict(records)
        try:
            return check_project(project_from_dict(data))
        except InvalidInput as exc:
            row, column = self.locate(exc, records, data)
            self.problem(exc.code, exc.message, row, column)
            return None

    def locate(self, exc: InvalidInput, records: list[Record], data: dict[str, Any]) -> tuple[int, str]:
        """The row and column of a field the model or the checks named (``indicators[2].area``)."""
        field = exc.location.field if exc.location and exc.location.field else "code"
        match = re.match(r"indicators\[(?P<ref>[^\]]*)\](?:\.(?:periods\.)?(?P<attr>\w+))?", field)
        if match is None:
            return records[0].row, FIELD_COLUMNS.get(field, field)
        item = next((i for i in data["indicators"] if i["ref"] == match["ref"]), None)
        row = int(item["_row"]) if item else records[0].row
        attr = match["attr"] or "indicator"
        if attr in PERIOD_COLUMNS and item:
            wrong = next((p for p in item["periods"] if p.get(attr) and _not_number(p[attr])), None)
            row = int(wrong["_row"]) if wrong else row
        return row, {"title": "indicator_title", "ref": "indicator"}.get(attr, attr)


def _not_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


def read_portfolio(name: str, data: bytes) -> list[Project]:
    """Every project of a CSV or xlsx file, checked; :class:`InvalidInput` with every problem otherwise."""
    header, records = _records(name, data)
    reader = _Reader(name)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        reader.problem("missing-column", f"the columns {', '.join(missing)} are missing", 1, missing[0])
    elif not records:
        reader.problem("empty-file", "the file has a header but no project", 1, None)
    projects: list[Project] = []
    if reader.report.valid:
        for group in reader.project_rows(records):
            project = reader.build(group)
            if project is not None:
                projects.append(project)
    if not reader.report.valid:
        errors = reader.report.errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise InvalidInput(
            first.message + more,
            code=first.code,
            location=ErrorLocation(file=name, row=first.row, column=first.column),
            details=[p.to_dict() for p in errors],
        )
    return projects


def _partner_cell(project: Project, role: PartnerRole) -> str:
    return "; ".join(f"{p.name} [{p.ref}]" if p.ref else p.name for p in project.partners_as(role))


def _project_cells(project: Project) -> dict[str, Any]:
    return {
        "code": project.code,
        "title": project.title,
        "description": project.description,
        "countries": "; ".join(project.countries),
        "region": project.region or "",
        "themes": "; ".join(t.value for t in project.themes),
        "clusters": "; ".join(c.value for c in project.extra_clusters),
        "donors": _partner_cell(project, PartnerRole.donor),
        "implementers": _partner_cell(project, PartnerRole.implementing),
        "budget": number(project.budget.amount),
        "currency": project.budget.currency,
        "budget_date": project.budget.value_date.isoformat() if project.budget.value_date else "",
        "start": project.start.isoformat() if project.start else "",
        "end": project.end.isoformat() if project.end else "",
        "status": project.status.value,
        "gaps": "; ".join(project.gaps),
    }


def portfolio_rows(projects: Sequence[Project]) -> list[dict[str, Any]]:
    """One row per project, outcome indicator and period (the shape :func:`read_portfolio` reads)."""
    rows: list[dict[str, Any]] = []
    for project in projects:
        cells = _project_cells(project)
        if not project.indicators:
            rows.append(cells)
        for item in project.indicators:
            indicator = {
                "indicator": item.ref,
                "indicator_title": item.title,
                "indicator_id": item.indicator_id or "",
                "assessment_item": item.assessment_item or "",
                "area": item.area or "",
                "measure": item.measure.value,
                "baseline": number(item.baseline),
                "baseline_year": item.baseline_year,
            }
            for period in item.periods or (None,):
                values = (
                    {"year": period.year, "target": number(period.target), "actual": number(period.actual)}
                    if period
                    else {}
                )
                rows.append(cells | indicator | values)
    return rows


def write_portfolio(projects: Sequence[Project], fmt: TableFormat) -> bytes:
    rows = portfolio_rows(projects)
    if fmt is TableFormat.xlsx:
        return to_xlsx(rows, COLUMNS, sheet=SHEET)
    return to_csv(rows, COLUMNS)
