"""Writing SDMX: SDMX-CSV 1.0 and SDMX-ML 2.1 from observation rows, and ``observatory export`` in both."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from observatory.cli.main import main
from observatory.collect.importing import import_paths
from observatory.model.observation import Flag
from observatory.reports.export import ExportFormat, render
from observatory.reports.sdmx import (
    CSV_COLUMNS,
    SdmxMessage,
    dataflow_id,
    flags_of,
    statuses,
    to_sdmx_csv,
    to_sdmx_ml,
)
from observatory.settings import Settings
from observatory.store.db import Store

SPECIMENS = Path(__file__).resolve().parents[1] / "data" / "collect"
MES = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message}"
GEN = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic}"
WHEN = datetime(2025, 3, 1, 9, 30)
BASE = {"sex": "_T", "age": "_T", "offence": "_T", "status": "_T", "citizenship": "_T", "category": "_T"}


def row(**fields: Any) -> dict[str, Any]:
    values = {"dataflow": "UNODC_CTS", "area": "MEX", "period": "2021", "variable": "persons-held", **BASE}
    return {**values, "unit": "count", "value": 220419.0, "flags": "", "note": None, **fields}


ROWS = [
    row(),
    row(period="2022", sex="F", value=12.5, flags="confidential,estimated", note="=cmd|' /C calc'!A0"),
]


def test_sdmx_csv_columns_codes_and_neutralised_comment() -> None:
    lines = list(csv.reader(io.StringIO(to_sdmx_csv(ROWS).decode("utf-8"))))
    assert tuple(lines[0]) == CSV_COLUMNS
    assert lines[0][:4] == ["DATAFLOW", "REF_AREA", "VARIABLE", "SEX"]
    first, second = (dict(zip(lines[0], line, strict=True)) for line in lines[1:])
    assert first["DATAFLOW"] == "OBSERVATORY:UNODC_CTS(1.0)"
    assert (first["TIME_PERIOD"], first["OBS_VALUE"], first["OBS_STATUS"], first["CONF_STATUS"]) == (
        "2021",
        "220419",
        "A",
        "F",
    )
    assert (second["SEX"], second["OBS_VALUE"], second["OBS_STATUS"], second["CONF_STATUS"]) == (
        "F",
        "12.5",
        "E",
        "C",
    )
    assert second["COMMENT"] == "'=cmd|' /C calc'!A0"


def test_structure_specific_message() -> None:
    root = ElementTree.fromstring(to_sdmx_ml(ROWS, prepared=WHEN))
    assert root.tag == f"{MES}StructureSpecificData"
    assert root.find(f"{MES}Header/{MES}Prepared").text == "2025-03-01T09:30:00"
    data_set = root.find(f"{MES}DataSet")
    assert data_set.get("structureRef") == "UNODC_CTS"
    series = data_set.findall("Series")
    assert [s.get("SEX") for s in series] == ["_T", "F"]
    obs = series[1].find("Obs")
    assert (obs.get("TIME_PERIOD"), obs.get("OBS_VALUE"), obs.get("OBS_STATUS")) == ("2022", "12.5", "E")
    assert obs.get("COMMENT") == "=cmd|' /C calc'!A0"  # XML is not a spreadsheet: kept as given


def test_generic_message() -> None:
    root = ElementTree.fromstring(to_sdmx_ml(ROWS, form=SdmxMessage.generic, prepared=WHEN))
    assert root.tag == f"{MES}GenericData"
    keys = root.findall(f"{MES}DataSet/{GEN}Series/{GEN}SeriesKey")
    assert {v.get("id"): v.get("value") for v in keys[0]}["REF_AREA"] == "MEX"
    values = root.findall(f"{MES}DataSet/{GEN}Series/{GEN}Obs/{GEN}ObsValue")
    assert [v.get("value") for v in values] == ["220419.0", "12.5"]


def test_rows_of_several_dataflows_carry_their_dataflow() -> None:
    root = ElementTree.fromstring(to_sdmx_ml([row(), row(dataflow="UN_CTS", period="2023")], prepared=WHEN))
    assert root.find(f"{MES}DataSet").get("structureRef") == "OBSERVATORY"
    assert [o.get("SOURCE_DATAFLOW") for o in root.iter("Obs")] == ["UNODC_CTS", "UN_CTS"]


def test_same_rows_same_message() -> None:
    assert to_sdmx_ml(ROWS, prepared=WHEN) == to_sdmx_ml(ROWS, prepared=WHEN)


@pytest.mark.parametrize(
    ("flags", "codes"),
    [
        (set(), ("A", "F")),
        ({Flag.estimated}, ("E", "F")),
        ({Flag.estimated, Flag.break_in_series}, ("B", "F")),  # one OBS_STATUS: the break comes first
        ({Flag.missing, Flag.confidential}, ("M", "C")),
        ({Flag.computed}, ("A", "F")),  # no SDMX code: not carried
    ],
)
def test_flags_and_status_codes(flags: set[Flag], codes: tuple[str, str]) -> None:
    assert statuses(flags) == codes


def test_status_codes_read_back() -> None:
    assert flags_of("e", "C") == {Flag.estimated, Flag.confidential}
    assert flags_of("", "") == frozenset()
    with pytest.raises(ValueError, match="OBS_STATUS 'Z' is not one of A, M, B, E, U"):
        flags_of("Z", "F")
    assert dataflow_id("OBSERVATORY:UN_CTS(1.0)") == dataflow_id("UN_CTS") == "UN_CTS"


def test_export_formats() -> None:
    assert ExportFormat("sdmx-csv").suffix == ".csv" and ExportFormat("sdmx-ml").suffix == ".xml"
    assert ExportFormat.sdmx_csv.media_type.startswith("application/vnd.sdmx.data+csv")
    assert ExportFormat.sdmx_ml.media_type.startswith("application/vnd.sdmx.structurespecificdata+xml")
    assert render(ROWS, ExportFormat.sdmx_csv).startswith(b"DATAFLOW,REF_AREA")
    assert b"<mes:StructureSpecificData" in render(ROWS, ExportFormat.sdmx_ml)


# -- the command ---------------------------------------------------------------------------------------


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder holding ``unodc_ok.csv``, published, for ``observatory`` to read."""
    folder = tmp_path / "var"
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(folder))
    assert run("import", str(SPECIMENS / "unodc_ok.csv")) == 0
    return folder


def run(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


@pytest.mark.parametrize(("fmt", "suffix"), [("sdmx-csv", ".csv"), ("sdmx-ml", ".xml")])
def test_export_command_writes_sdmx_that_imports_again(
    published: Path, tmp_path: Path, fmt: str, suffix: str
) -> None:
    target = tmp_path / f"export{suffix}"
    assert run("export", "--format", fmt, "--output", str(target)) == 0
    other = Store(Settings(data_dir=tmp_path / "other"))
    other.init()
    try:
        summary = import_paths(other, [target])
    finally:
        other.dispose()
    assert summary.files[0].format == fmt
    assert summary.totals()["inserted"] == 4


def test_export_command_prints_sdmx_csv(published: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("export", "--area", "MEX", "--format", "sdmx-csv") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("DATAFLOW,REF_AREA,VARIABLE")
    assert len(lines) == 4 and all(line.startswith("OBSERVATORY:UNODC_CTS(1.0),MEX,") for line in lines[1:])
