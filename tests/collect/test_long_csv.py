"""The platform's own long CSV: ``observatory export --format csv`` output imports again, unchanged."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from observatory.collect.importing import import_paths
from observatory.collect.parsing import parse_file
from observatory.collect.readers.base import ReadContext
from observatory.errors import InvalidInput
from observatory.model.observation import Flag, Observation, Provenance, SeriesKey
from observatory.reports.export import FORMULA_PREFIXES, ExportFormat, render
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.store.observations import flags_text
from observatory.store.tables import ObservationRow
from observatory.warehouse.query import ObservationFilter, query_observations
from observatory.warehouse.release import COLUMNS, publish

SPECIMENS = Path(__file__).resolve().parents[1] / "data"
FORMATS = SPECIMENS / "formats"
MAX_BYTES = 50 * 1024 * 1024
CTX = ReadContext()

codes = st.sampled_from
texts = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40)
    .map(str.strip)
    .filter(lambda t: not (t.startswith("'") and t[1:].startswith(FORMULA_PREFIXES)))  # see restore()
    .map(lambda t: t or None)
)
keys = st.builds(
    SeriesKey,
    variable=codes(["persons-held", "offences", "homicide-victims"]),
    sex=codes(["_T", "M", "F", "_U"]),
    age=codes(["_T", "adult", "juvenile"]),
    offence=codes(["_T", "0101", "03011", "0502"]),
    status=codes(["_T", "sentenced", "unsentenced"]),
    citizenship=codes(["_T", "foreign"]),
    category=codes(["_T", "cyber-related"]),
    unit=codes(["count", "rate-per-100k", "percent"]),
)
periods = st.integers(1900, 2100).map(str) | st.builds(
    "{}-Q{}".format, st.integers(1990, 2030), st.integers(1, 4)
)


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    flags = set(draw(st.frozensets(codes(list(Flag)))))
    value = draw(st.none() | st.floats(min_value=0, max_value=1e15, allow_nan=False, allow_infinity=False))
    if value is None:
        flags.add(Flag.missing)
    return Observation(
        area=draw(codes(["MEX", "FRA", "GBR_E_W", "BRA", "ZAF"])),
        period=draw(periods),
        key=draw(keys),
        value=value,
        provenance=Provenance(draw(codes(["UN_CTS", "UNODC_CTS", "UN_SDG"])), draw(texts)),
        flags=frozenset(flags),
        note=draw(texts),
        label=draw(texts),
    )


def row_of(obs: Observation) -> dict[str, Any]:
    """An observation as a release row (and so as the API and ``observatory export`` give it)."""
    return {
        "dataflow": obs.provenance.dataflow,
        "area": obs.area,
        "period": obs.period,
        **obs.key.as_dict(),
        "value": obs.value,
        "flags": flags_text(obs.flags),
        "note": obs.note,
        "label": obs.label,
        "source": obs.provenance.source,
        "file_sha256": "0" * 64,
        "row": 7,
        "import_id": 3,
    }


def comparable(obs: Observation) -> tuple[Any, ...]:
    return (*obs.identity(), obs.value, obs.flags, obs.note, obs.label, obs.provenance.source)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(observations(), min_size=1, max_size=15, unique_by=lambda o: o.identity()))
def test_export_then_import_gives_the_same_observations(items: list[Observation]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(render([row_of(o) for o in items], ExportFormat.csv, COLUMNS))
        parsed = parse_file(path, max_bytes=MAX_BYTES, ctx=CTX)
    assert parsed.reader.name == "observatory-csv"
    assert parsed.report.problems == []
    assert sorted(map(comparable, parsed.observations), key=str) == sorted(map(comparable, items), key=str)


def stored(store: Store) -> list[tuple[Any, ...]]:
    columns = [getattr(ObservationRow, c) for c in COLUMNS[:15]]
    with store.session() as session:
        return sorted(tuple(r) for r in session.execute(select(*columns)).all())


def test_a_release_exported_and_imported_into_another_store_is_the_same(store: Store, tmp_path: Path) -> None:
    import_paths(store, [SPECIMENS / "collect" / "unodc_ok.csv"])
    publish(store)
    rows = query_observations(store, ObservationFilter()).data
    exported = tmp_path / "release.csv"
    exported.write_bytes(render(rows, ExportFormat.csv, COLUMNS))
    other = Store(Settings(data_dir=tmp_path / "other"))
    other.init()
    try:
        summary = import_paths(other, [exported])
        assert summary.files[0].format == "observatory-csv"
        assert summary.totals()["inserted"] == len(rows) == 4
        assert stored(other) == stored(store)
    finally:
        other.dispose()


def test_specimen_with_missing_value_and_neutralised_note() -> None:
    parsed = parse_file(FORMATS / "long_ok.csv", max_bytes=MAX_BYTES)
    assert parsed.report.problems == []
    by_area = {(o.area, o.key.status): o for o in parsed.observations}
    assert by_area[("MEX", "unsentenced")].note == "=changed method"
    assert by_area[("MEX", "unsentenced")].flags == {Flag.estimated, Flag.break_in_series}
    missing = by_area[("GBR_E_W", "_T")]
    assert (missing.value, missing.flags, missing.provenance.dataflow) == (None, {Flag.missing}, "UN_CTS")
    assert by_area[("FRA", "_T")].key.unit == "rate-per-100k"


@pytest.mark.parametrize(
    ("specimen", "reader"),
    [
        ("collect/unodc_ok.csv", "unodc-portal"),
        ("collect/sdg_small.csv", "un-sdg"),
        ("collect/worldbank_small.csv", "worldbank-population"),
        ("formats/long_ok.csv", "observatory-csv"),
        ("formats/sdmx_ok.csv", "sdmx-csv"),
    ],
)
def test_each_format_is_still_recognised_by_its_own_reader(specimen: str, reader: str) -> None:
    assert parse_file(SPECIMENS / specimen, max_bytes=MAX_BYTES).reader.name == reader


@pytest.mark.parametrize(
    ("text", "code", "column"),
    [
        ("area,period,variable,value,flags\nMEX,2022,persons-held,,\n", "missing-value", "value"),
        ("area,period,variable,value,flags\nMEX,2022,persons-held,5,guessed\n", "unknown-code", "flags"),
        ("area,period,variable,value\nMEX,2022,,5\n", "missing-value", "variable"),
        ("area,period,variable,value\nATLANTIS,2022,persons-held,5\n", "unknown-area", "area"),
        ("area,period,variable,value\nMEX,20x2,persons-held,5\n", "invalid-period", "period"),
    ],
)
def test_bad_rows_are_located(store: Store, tmp_path: Path, text: str, code: str, column: str) -> None:
    path = tmp_path / "long.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        import_paths(store, [path])
    assert (caught.value.code, caught.value.details[0]["row"], caught.value.details[0]["column"]) == (
        code,
        2,
        column,
    )


def test_a_header_lacking_the_variable_names_it(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("area,period,value\nMEX,2022,5\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="observatory-csv but lacks the column") as caught:
        parse_file(path, max_bytes=MAX_BYTES)
    assert caught.value.code == "missing-column"
