"""The Our World in Data homicide grapher CSV: country rows as observations, aggregates kept apart."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from observatory.collect.importing import import_paths
from observatory.collect.parsing import parse_file
from observatory.collect.readers.base import ReadContext
from observatory.collect.readers.owid import (
    DATAFLOW,
    RATE_COLUMN,
    REFERENCE_DATAFLOW,
    OwidHomicideReader,
)
from observatory.model.observation import Flag
from observatory.store.db import Store
from observatory.warehouse.query import release_table
from observatory.warehouse.release import publish

FILE = "homicide/owid_homicide_rate_unodc_1990_2024.csv"


@pytest.fixture(scope="module")
def parsed(shared_data: Path) -> object:
    return parse_file(shared_data / FILE, max_bytes=10**8, ctx=ReadContext())


def test_reader_is_chosen_and_every_row_read(parsed: object) -> None:
    assert isinstance(parsed.reader, OwidHomicideReader)  # type: ignore[attr-defined]
    observations = parsed.observations  # type: ignore[attr-defined]
    assert not parsed.report.problems  # type: ignore[attr-defined]
    flows = Counter(o.provenance.dataflow for o in observations)
    assert flows == {DATAFLOW: 4329, REFERENCE_DATAFLOW: 556}


def test_aggregates_are_reference_figures_apart_from_countries(parsed: object) -> None:
    observations = parsed.observations  # type: ignore[attr-defined]
    reference = {o.area for o in observations if o.provenance.dataflow == REFERENCE_DATAFLOW}
    assert {"001", "002", "019", "142", "150", "009", "202", "419", "021"} <= reference
    assert all(Flag.computed in o.flags for o in observations if o.provenance.dataflow == REFERENCE_DATAFLOW)
    countries = {o.area for o in observations if o.provenance.dataflow == DATAFLOW}
    assert not countries & reference
    assert {"AFG", "GBR", "GBR_S", "IRQ_KRI", "XKX"} <= countries
    world_2019 = [
        o
        for o in observations
        if o.area == "001" and o.period == "2019" and o.key.variable == "homicide-rate"
    ]
    assert len(world_2019) == 1 and 5 < (world_2019[0].value or 0) < 7
    assert world_2019[0].provenance.source == "UNODC regional estimate via Our World in Data"


def test_import_and_publish(store: Store, shared_data: Path) -> None:
    import_paths(store, [shared_data / "homicide"])
    publish(store)
    table, _ = release_table(store)
    rows = table.filter(table.area == "AFG").filter(table.year == 2010).to_pyarrow().to_pylist()
    assert len(rows) == 1
    assert rows[0]["dataflow"] == DATAFLOW and rows[0]["unit"] == "rate-per-100k"
    assert rows[0]["value"] == pytest.approx(3.4754522)


def test_bad_rows_are_problems_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / "owid.csv"
    path.write_text(
        f'Entity,Code,Year,"{RATE_COLUMN}",World region according to OWID\n'
        "France,FRA,2019,-1.5,Europe\n"
        "France,FRA,1013,1.2,Europe\n"
        "Atlantis,ATL,2019,1.0,\n"
        "France,FRA,2020,,Europe\n",
        encoding="utf-8",
    )
    result = parse_file(path, max_bytes=10**6, ctx=ReadContext())
    codes = sorted(p.code for p in result.report.problems)
    assert codes == ["implausible-year", "missing-value", "negative-count", "unknown-area"]
    assert all(Flag.implausible in o.flags for o in result.observations)
