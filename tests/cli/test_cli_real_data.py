"""The acceptance path on the real files: import UNODC's CTS exports and World Bank population, export.

The import takes about ten seconds, so it runs once for the module into a module-scoped data folder.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from observatory.cli.main import app

PRISONS = "unodc_cts_prisons_and_prisoners_2023-05-11.csv"


@dataclass(frozen=True)
class Imported:
    env: dict[str, str | None]
    paths: list[str]
    summary: dict[str, Any]


def invoke(env: dict[str, str | None], *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def imported(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    env: dict[str, str | None] = {"OBSERVATORY_DATA_DIR": str(tmp_path_factory.mktemp("real") / "var")}
    paths = [str(shared_data / "unodc_cts"), str(shared_data / "population")]
    summary = json.loads(invoke(env, "import", "--json", *paths))
    yield Imported(env, paths, summary)


def export(imported: Imported, *args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(invoke(imported.env, "export", "--format", "csv", *args))))


def source_rows(shared_data: Path) -> list[dict[str, str]]:
    text = (shared_data / "unodc_cts" / PRISONS).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_every_file_was_imported(imported: Imported) -> None:
    names = [Path(f["file"]).name for f in imported.summary["files"]]
    assert PRISONS in names
    assert "worldbank_sp_pop_totl_1960_2024.csv" in names
    assert all(f["rejected"] == 0 for f in imported.summary["files"])
    assert imported.summary["totals"]["inserted"] > 100_000
    assert imported.summary["release"] == 1


def test_mexico_prison_series_is_exported(imported: Imported, shared_data: Path) -> None:
    (held_2018,) = [
        r
        for r in source_rows(shared_data)
        if r["Iso3_code"] == "MEX"
        and r["Indicator"] == "Persons held"
        and (r["Dimension"], r["Category"], r["Sex"], r["Age"]) == ("Total",) * 4
        and r["Unit of measurement"] == "Counts"
        and r["Year"] == "2018"
    ]
    rows = export(imported, "--area", "MEX")
    assert {r["area"] for r in rows} == {"MEX"}
    totals = {
        r["period"]: r
        for r in rows
        if r["variable"] == "persons-held"
        and r["unit"] == "count"
        and all(r[d] == "_T" for d in ("sex", "age", "offence", "status", "citizenship", "category"))
    }
    assert float(totals["2018"]["value"]) == float(held_2018["VALUE"])
    assert totals["2018"]["source"] == held_2018["Source"]
    assert "." not in totals["2018"]["value"]  # a count, written as an integer
    assert len(totals) >= 10  # a series, not one year


def test_mexico_population_is_exported(imported: Imported) -> None:
    rows = export(imported, "--area", "484", "--indicator", "population", "--year", "2017")
    assert [(r["period"], r["dataflow"]) for r in rows] == [("2017", "WB_WDI")]
    assert int(rows[0]["value"]) > 100_000_000


def test_implausible_year_is_held_back_but_reported(imported: Imported) -> None:
    prisons = next(f for f in imported.summary["files"] if Path(f["file"]).name == PRISONS)
    assert prisons["problem_counts"]["implausible-year"] == 1
    assert prisons["warnings"] >= 1
    morocco = export(imported, "--area", "MAR")
    assert morocco  # Morocco's other figures are published
    assert "1013" not in {r["period"] for r in morocco}
    assert export(imported, "--area", "MAR", "--year", "1000-1899") == []


def test_reimport_changes_nothing(imported: Imported) -> None:
    again = json.loads(invoke(imported.env, "import", "--json", *imported.paths))
    assert again["totals"]["inserted"] == 0
    assert again["totals"]["updated"] == 0
    assert again["totals"]["unchanged"] == imported.summary["totals"]["observations"]
    assert again["release"] is None
    releases = json.loads(invoke(imported.env, "releases", "--json"))
    assert releases["count"] == 1
