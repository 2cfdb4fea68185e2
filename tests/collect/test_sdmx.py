"""Reading SDMX: SDMX-CSV 1.0 and SDMX-ML 2.1 data messages (structure-specific and generic, via sdmx1).

Round trips: what :mod:`observatory.reports.sdmx` writes reads back as the same observations.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from observatory.collect.importing import import_paths
from observatory.collect.parsing import parse_file
from observatory.collect.readers.base import ReadContext
from observatory.errors import InvalidInput
from observatory.model.observation import Flag, Observation, Provenance, SeriesKey
from observatory.reports.sdmx import SdmxMessage, to_sdmx_csv, to_sdmx_ml
from observatory.store.db import Store

from .test_long_csv import keys, periods, row_of
from .test_workbook_support import snapshot

FORMATS = Path(__file__).resolve().parents[1] / "data" / "formats"
MAX_BYTES = 50 * 1024 * 1024
CTX = ReadContext()
HELD = SeriesKey("persons-held")


def observed(path: Path) -> list[tuple[Any, ...]]:
    parsed = parse_file(path, max_bytes=MAX_BYTES)
    assert parsed.report.problems == []
    return sorted(
        (
            (o.provenance.dataflow, o.area, o.period, str(o.key), o.value, o.flags, o.note)
            for o in parsed.observations
        ),
        key=str,
    )


EXPECTED = sorted(
    [
        ("UN_CTS", "MEX", "2022", str(HELD), 226116.0, frozenset(), None),
        ("UN_CTS", "MEX", "2023", str(HELD), 233277.0, frozenset({Flag.estimated}), "Census of 31 December"),
        ("UN_CTS", "MEX", "2023", str(SeriesKey("persons-held", sex="F")), 13355.0, frozenset(), None),
    ],
    key=str,
)
NOT_COLLECTED = SeriesKey("homicide-victims", offence="0101")
MISSING = (
    "UN_CTS",
    "MEX",
    "2023",
    str(NOT_COLLECTED),
    None,
    frozenset({Flag.missing}),
    "Not collected this year",
)


@pytest.mark.parametrize(
    ("specimen", "reader"),
    [
        ("sdmx_ok.csv", "sdmx-csv"),
        ("sdmx_structure_specific.xml", "sdmx-ml"),
        ("sdmx_generic.xml", "sdmx-ml"),
    ],
)
def test_specimens_read_the_same_observations(specimen: str, reader: str) -> None:
    assert parse_file(FORMATS / specimen, max_bytes=MAX_BYTES).reader.name == reader
    assert observed(FORMATS / specimen) == sorted([*EXPECTED, MISSING], key=str)


def test_a_message_from_another_sdmx_tool_reads_with_its_dataflow() -> None:
    """A .Stat-style structure-specific message: namespaced structureRef, a dataflow reference, a series
    that leaves out the dimensions it does not break down."""
    assert observed(FORMATS / "sdmx_dotstat.xml") == EXPECTED


def test_sdmx_ml_imports_into_the_store(store: Store) -> None:
    summary = import_paths(store, [FORMATS / "sdmx_structure_specific.xml"])
    assert summary.files[0].format == "sdmx-ml"
    assert summary.totals()["inserted"] == 4


@pytest.mark.parametrize(
    ("row", "code", "column", "series"),
    [
        (3, "non-numeric-value", "OBS_VALUE", "MEX.persons-held.F._T._T._T._T._T.count 2022"),
        (4, "unknown-code", "OBS_STATUS", "MEX.persons-held.M._T._T._T._T._T.count 2022"),
        (5, "unknown-area", "REF_AREA", "XXX.persons-held._T._T._T._T._T._T.count 2022"),
        (6, "missing-value", "OBS_VALUE", "MEX.persons-held._U._T._T._T._T._T.count 2022"),
    ],
)
def test_sdmx_csv_problems_name_the_series_key(row: int, code: str, column: str, series: str) -> None:
    parsed = parse_file(FORMATS / "sdmx_bad.csv", max_bytes=MAX_BYTES)
    problem = next(p for p in parsed.report.problems if p.row == row)
    assert (problem.code, problem.column, problem.key) == (code, column, series)
    assert series in problem.message
    assert [o.value for o in parsed.observations] == [226116.0]


def test_sdmx_ml_problems_name_the_series_key(tmp_path: Path) -> None:
    text = (FORMATS / "sdmx_dotstat.xml").read_text().replace('OBS_VALUE="13355"', 'OBS_VALUE="many"')
    (tmp_path / "bad.xml").write_text(text)
    parsed = parse_file(tmp_path / "bad.xml", max_bytes=MAX_BYTES)
    [problem] = parsed.report.problems
    assert problem.code == "non-numeric-value"
    assert problem.key == "MEX.persons-held.F._T._T._T._T._T.count 2023"
    assert (problem.row, problem.column) == (None, None)


@pytest.mark.parametrize(
    ("specimen", "words"),
    [("sdmx_structure.xml", "StructureMessage"), ("not_sdmx.xml", "not an SDMX-ML 2.1 data message")],
)
def test_xml_that_is_not_sdmx_data_is_refused(store: Store, specimen: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words) as caught:
        import_paths(store, [FORMATS / specimen])
    assert caught.value.code == "invalid-xml"
    assert snapshot(store) == (0, 0, 0)


# -- round trips ---------------------------------------------------------------------------------------

STATUS = st.sampled_from([set(), {Flag.estimated}, {Flag.break_in_series}, {Flag.implausible}])
LETTERS = st.characters(whitelist_categories=("L", "N", "Zs"), max_codepoint=0x2FF)
texts = st.none() | st.text(LETTERS, min_size=1, max_size=30).map(str.strip).filter(bool)


@st.composite
def sdmx_observations(draw: st.DrawFn) -> Observation:
    """What SDMX carries: one status flag (or missing), confidentiality, a comment; no label or source."""
    flags = set(draw(STATUS))
    value = draw(st.none() | st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
    if value is None:
        flags = {Flag.missing}
    if draw(st.booleans()):
        flags.add(Flag.confidential)
    return Observation(
        area=draw(st.sampled_from(["MEX", "FRA", "GBR_E_W"])),
        period=draw(periods),
        key=draw(keys),
        value=value,
        provenance=Provenance(draw(st.sampled_from(["UN_CTS", "UNODC_CTS"]))),
        flags=frozenset(flags),
        note=draw(texts),
    )


def comparable(obs: Observation) -> tuple[Any, ...]:
    return (*obs.identity(), obs.value, obs.flags, obs.note)


WRITERS = {
    "sdmx-csv": (lambda rows: to_sdmx_csv(rows), ".csv"),
    "sdmx-ml structure-specific": (lambda rows: to_sdmx_ml(rows), ".xml"),
    "sdmx-ml generic": (lambda rows: to_sdmx_ml(rows, form=SdmxMessage.generic), ".xml"),
}


@pytest.mark.parametrize("form", list(WRITERS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(sdmx_observations(), min_size=1, max_size=12, unique_by=lambda o: o.identity()))
def test_write_then_read_gives_the_same_observations(form: str, items: list[Observation]) -> None:
    write, suffix = WRITERS[form]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(write([row_of(o) for o in items]))
        parsed = parse_file(path, max_bytes=MAX_BYTES, ctx=CTX)
    assert parsed.report.problems == []
    assert sorted(map(comparable, parsed.observations), key=str) == sorted(map(comparable, items), key=str)
