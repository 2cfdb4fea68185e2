"""Reading a national offence list (the input of drafting) from CSV or xlsx.

Columns: ``code`` (or ``national_code``) and ``label``, optionally ``description``, ``legal_reference``,
``language``, ``valid_from`` and ``valid_to`` (headers are matched case-insensitively, spaces read as
underscores: ``Legal reference`` is ``legal_reference``). An empty ``language`` cell takes the language
the list was uploaded in. Every problem is an ``observatory.errors.InvalidInput`` naming the file, row
and column (and sheet and cell for xlsx), raised before anything is returned.
"""

from __future__ import annotations

from pathlib import Path

from observatory.iccs.correspondence_io import (
    TableFormat,
    _Cells,
    _csv_records,
    _Reader,
    _xlsx_records,
    format_of,
)
from observatory.model.correspondence import NationalOffence

LIST_COLUMNS = ("code", "label", "description", "legal_reference", "language", "valid_from", "valid_to")


def _column(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def _renamed(header: list[str], records: list[_Cells]) -> tuple[list[str], list[_Cells]]:
    names = {old: _column(old) for old in header}
    out = [
        _Cells(
            rec.row,
            {names.get(k, k): v for k, v in rec.values.items()},
            {names.get(k, k): v for k, v in rec.letters.items()},
        )
        for rec in records
    ]
    return [names[h] for h in header], out


def read_national_list(path: Path, data: bytes | None = None, lang: str = "") -> list[NationalOffence]:
    """The offences of a national list in file order; InvalidInput at the first problem."""
    raw = path.read_bytes() if data is None else data
    xlsx = format_of(path) is TableFormat.xlsx
    header, records, sheet = (_xlsx_records if xlsx else _csv_records)(path, raw)
    header, records = _renamed(header, records)
    reader = _Reader(path, sheet)
    key = "code" if "code" in header else "national_code"
    for column in (key, "label"):
        if column not in header:
            raise reader.fail(
                f"column {column!r} is missing; expected {','.join(LIST_COLUMNS)}",
                "missing-column",
                column=column,
            )
    offences: list[NationalOffence] = []
    seen: dict[str, int] = {}
    for rec in records:
        code = reader.text(rec, key)
        if not code:
            raise reader.fail("the national code is empty", "missing-value", rec, key)
        label = reader.text(rec, "label")
        if not label:
            raise reader.fail(f"national offence {code!r} has an empty label", "empty-label", rec, "label")
        if code in seen:
            raise reader.fail(
                f"national code {code!r} appears twice (row {seen[code]} and row {rec.row})",
                "duplicate-national-code",
                rec,
                key,
            )
        seen[code] = rec.row
        valid_from, valid_to = reader.day(rec, "valid_from"), reader.day(rec, "valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            raise reader.fail(
                f"national offence {code!r} is valid to {valid_to} before it is valid from {valid_from}",
                "invalid-date",
                rec,
                "valid_to",
            )
        offences.append(
            NationalOffence(
                code=code,
                label=label,
                description=reader.text(rec, "description"),
                legal_reference=reader.text(rec, "legal_reference"),
                language=reader.text(rec, "language") or lang,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    if not offences:
        raise reader.fail("the list has no offences", "empty-file")
    return offences


__all__ = ["LIST_COLUMNS", "read_national_list"]
