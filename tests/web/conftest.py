"""Fixtures for the web tests: an app on a store seeded from extracts of the real public data.

The extracts are written to a temporary folder at the start of the session (rows of a few areas cut
out of the UNODC prisons export and the SDG Goal 16 file, header kept), imported with the real
importers and published, exactly as ``observatory import`` does. Nothing of the shared data is copied
into the repository.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI

from observatory.collect.importing import import_paths
from observatory.iccs.texts import load_files
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish
from observatory.web import create_app

with warnings.catch_warnings():
    # starlette 1.x asks for httpx2 when it finds httpx; the client works the same.
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
    from fastapi.testclient import TestClient

PRISONS = Path("unodc_cts") / "unodc_cts_prisons_and_prisoners_2023-05-11.csv"
SDG = Path("sdg16") / "sdg_goal16_series_unsd_2020.csv"
ICCS_TEXTS = Path("iccs") / "iccs_v1_0_long_original_en.csv"
ICCS_INDEX = Path("iccs") / "iccs_v1_0_alphabetical_index_en.csv"
PRISON_AREAS = frozenset({"MEX", "FRA", "CHL", "GBR_E_W"})
SDG_AREAS = frozenset({"484", "250"})  # Mexico, France
SDG_SERIES = frozenset({"VC_IHR_PSRC", "VC_PRS_UNSEC"})


def extract(source: Path, target: Path, keep: Callable[[dict[str, str]], bool]) -> list[dict[str, str]]:
    """Copy the header and the rows ``keep`` accepts from ``source`` to ``target``; return them."""
    with source.open(encoding="utf-8-sig", newline="") as inp:
        reader = csv.DictReader(inp)
        fields = list(reader.fieldnames or [])
        kept = [row for row in reader if keep(row)]
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fields)
        writer.writeheader()
        writer.writerows(kept)
    return kept


@dataclass(frozen=True)
class Seeded:
    """The seeded deployment and the extract rows the tests compare against."""

    settings: Settings
    store: Store
    prisons_file: Path
    prisons: list[dict[str, str]]
    sdg: list[dict[str, str]]

    def prison_value(self, iso: str, indicator: str, year: int, **columns: str) -> float:
        """The VALUE of the one extract row with these columns (``Total`` unless given)."""
        wanted = {
            "Iso3_code": iso,
            "Indicator": indicator,
            "Year": str(year),
            "Dimension": "Total",
            "Category": "Total",
            "Sex": "Total",
            "Age": "Total",
            "Unit of measurement": "Counts",
            **columns,
        }
        found = [r for r in self.prisons if all(r[k] == v for k, v in wanted.items())]
        assert len(found) == 1, f"{len(found)} extract rows match {wanted}"
        return float(found[0]["VALUE"])


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("web")
    prisons_file = folder / "prisons_extract.csv"
    sdg_file = folder / "sdg_extract.csv"
    prisons = extract(shared_data / PRISONS, prisons_file, lambda r: r["Iso3_code"] in PRISON_AREAS)
    sdg = extract(
        shared_data / SDG,
        sdg_file,
        lambda r: r["geo_area_m49"] in SDG_AREAS and r["series_code"] in SDG_SERIES,
    )
    settings = Settings(data_dir=folder / "var")
    store = Store(settings)
    store.init()
    import_paths(store, [prisons_file, sdg_file])
    publish(store)
    load_files(store, [shared_data / ICCS_TEXTS, shared_data / ICCS_INDEX])
    yield Seeded(settings, store, prisons_file, prisons, sdg)
    store.dispose()


@pytest.fixture(scope="session")
def app(seeded: Seeded) -> FastAPI:
    return create_app(seeded.settings, store=seeded.store)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def empty_client(settings: Settings) -> Iterator[TestClient]:
    """An app on a fresh store where nothing has been published."""
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client
    app.state.store.dispose()
