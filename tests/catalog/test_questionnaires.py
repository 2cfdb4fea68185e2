"""The UN-CTS questionnaire as data: structure, and coverage of what the real UNODC exports hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from observatory.catalog.iccs import load_iccs
from observatory.catalog.questionnaires import load_questionnaire, parse, versions
from observatory.catalog.unodc import load_portal_codelist
from observatory.collect.parsing import parse_file
from observatory.errors import ConfigurationError, NotFound
from observatory.model.observation import TOTAL, Unit
from observatory.model.questionnaire import Section


def test_every_section_is_asked_and_cells_are_unique() -> None:
    q = load_questionnaire()
    # juvenile-justice policy facts are imported with their evidence (long CSV), not asked in a table
    assert q.sections() == [s for s in Section if s is not Section.juvenile_justice]
    cells = list(q.cells())
    assert len(cells) == len(q.cell_index()) > 500
    assert {t.id for t in q.tables} >= {"P1", "P2", "R1", "C1", "J1", "J3", "H1", "S1"}


def test_offence_codes_are_iccs_codes() -> None:
    scheme = load_iccs()
    offences = {cell.key.offence for cell in load_questionnaire().cells()} - {TOTAL}
    assert offences and all(code in scheme for code in offences)


def test_stage_variables_form_the_justice_chain() -> None:
    q = load_questionnaire()
    stages = sorted((v.stage, v.code) for v in q.variables.values() if v.stage)
    assert [code for _, code in stages] == ["persons-in-contact", "persons-prosecuted", "persons-convicted"]
    rows = {t.id: [r.dims.get("offence", TOTAL) for r in t.rows] for t in q.tables}
    assert rows["P2"] == rows["R1"] == rows["C1"]


def test_portal_variables_exist_in_the_questionnaire() -> None:
    q = load_questionnaire()
    assert set(load_portal_codelist().variables()) <= set(q.variables)


def test_real_export_count_series_are_all_questionnaire_cells(shared_data: Path) -> None:
    index = load_questionnaire().cell_index()
    keys: set[str] = set()
    for path in sorted((shared_data / "unodc_cts").glob("*.csv")):
        parsed = parse_file(path, max_bytes=50 * 1024 * 1024)
        keys |= {str(o.key) for o in parsed.observations if o.key.unit == Unit.number.value}
    assert len(keys) >= 100
    assert sorted(k for k in keys if k not in index) == []


def test_unknown_version_and_bad_definitions() -> None:
    assert "2025.1" in versions()
    with pytest.raises(NotFound, match=r"versions: 2025\.1"):
        load_questionnaire("1999.1")
    bad = {
        "id": "X",
        "version": "1",
        "title": "t",
        "variables": [
            {"code": "v", "name": "V", "section": "police", "counting": "persons", "definition": "d"}
        ],
        "tables": [
            {
                "id": "A",
                "section": "police",
                "title": "a",
                "variable": "v",
                "rows": [{"label": "r"}],
                "columns": [{"label": "c"}],
            },
            {
                "id": "B",
                "section": "police",
                "title": "b",
                "variable": "v",
                "rows": [{"label": "r"}],
                "columns": [{"label": "c"}],
            },
        ],
    }
    with pytest.raises(ConfigurationError, match="asked twice: table 'A' and table 'B'"):
        parse(bad)
