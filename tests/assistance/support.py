"""Shared helpers of the portfolio tests: the example file, users and small CSV files."""

from __future__ import annotations

from pathlib import Path

from observatory.assistance.table import COLUMNS

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "assistance-portfolio.csv"
HEADER = ",".join(COLUMNS)


def row(**cells: object) -> str:
    """One CSV line with the named cells (others empty), quoting cells with commas."""
    values = []
    for column in COLUMNS:
        text = str(cells.get(column, ""))
        values.append(f'"{text}"' if "," in text else text)
    return ",".join(values)


GOOD = {
    "code": "T-1",
    "title": "Test project",
    "countries": "KEN",
    "region": "014",
    "themes": "prison-reform",
    "budget": "1000",
    "currency": "USD",
    "start": "2022-01-01",
    "end": "2023-12-31",
    "status": "ongoing",
}


def csv_file(folder: Path, *rows: dict[str, object], name: str = "portfolio.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *(row(**r) for r in rows)]) + "\n", encoding="utf-8")
    return path
