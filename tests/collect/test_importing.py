"""Importing: formats detected, all-or-nothing on bad input, idempotent, originals and revisions kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from observatory.collect.importing import import_paths
from observatory.errors import InvalidInput, PayloadTooLarge, UnknownFormat
from observatory.store.db import Store
from observatory.store.tables import (
    ImportRun,
    ObservationRevision,
    ObservationRow,
    SourceFile,
)

from .test_workbook_support import fill, generate, value

SPECIMENS = Path(__file__).resolve().parents[1] / "data" / "collect"


def count(store: Store, table: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def snapshot(store: Store) -> tuple[int, int, int, int]:
    return (
        count(store, ObservationRow),
        count(store, ImportRun),
        count(store, SourceFile),
        count(store, ObservationRevision),
    )


def values(store: Store, area: str) -> dict[tuple[str, str, str], float | None]:
    with store.session() as session:
        rows = session.execute(
            select(
                ObservationRow.period,
                ObservationRow.variable,
                ObservationRow.status,
                ObservationRow.value,
            ).where(ObservationRow.area == area)
        ).all()
    return {(r.period, r.variable, r.status): r.value for r in rows}


def test_imports_portal_file_with_provenance(store: Store) -> None:
    summary = import_paths(store, [SPECIMENS / "unodc_ok.csv"])
    assert summary.totals()["inserted"] == 4
    assert values(store, "MEX") == {
        ("2016", "persons-held", "_T"): 217868.0,
        ("2017", "persons-held", "_T"): 204617.0,
        ("2017", "persons-held", "unsentenced"): 76703.0,
    }
    with store.session() as session:
        row = session.scalars(select(ObservationRow).where(ObservationRow.status == "unsentenced")).one()
        assert (row.source, row.row, row.label) == ("CTS/SDG", 4, "Unsentenced")
        original = session.get(SourceFile, row.file_sha256)
        assert original is not None
        kept = store.settings.resolved_data_dir / original.stored_path
        assert kept.read_bytes() == (SPECIMENS / "unodc_ok.csv").read_bytes()
    assert "GBR_E_W" in {r for (r,) in _areas(store)}


def _areas(store: Store) -> list[tuple[str]]:
    with store.session() as session:
        return [tuple(r) for r in session.execute(select(ObservationRow.area).distinct()).all()]


def test_reimport_changes_nothing(store: Store) -> None:
    import_paths(store, [SPECIMENS / "unodc_ok.csv"])
    before = snapshot(store)
    again = import_paths(store, [SPECIMENS / "unodc_ok.csv"])
    assert again.totals()["unchanged"] == 4
    assert not again.changed
    assert snapshot(store) == before


def test_changed_value_keeps_revision(store: Store, tmp_path: Path) -> None:
    import_paths(store, [SPECIMENS / "unodc_ok.csv"])
    revised = tmp_path / "revised.csv"
    revised.write_text((SPECIMENS / "unodc_ok.csv").read_text().replace("204617", "204700"))
    summary = import_paths(store, [revised])
    assert summary.totals()["updated"] == 1
    assert values(store, "MEX")[("2017", "persons-held", "_T")] == 204700.0
    with store.session() as session:
        revision = session.scalars(select(ObservationRevision)).one()
        assert revision.value == 204617.0
        assert count(store, SourceFile) == 2  # both originals kept


@pytest.mark.parametrize(
    ("specimen", "code", "where"),
    [
        ("non_numeric.csv", "non-numeric-value", "row 2, column 'VALUE'"),
        ("infinite.csv", "non-finite-value", "row 2, column 'VALUE'"),
        ("nan.csv", "non-finite-value", "row 2, column 'VALUE'"),
        ("bad_year.csv", "invalid-period", "row 2, column 'Year'"),
        ("unknown_area.csv", "unknown-area", "row 3, column 'Iso3_code'"),
        ("missing_value.csv", "missing-value", "row 2, column 'VALUE'"),
        ("wrong_columns.csv", "missing-column", "row 1, column 'Dimension'"),
        ("empty.csv", "empty-file", "empty.csv"),
        ("header_only.csv", "empty-file", "header_only.csv"),
    ],
)
def test_bad_input_is_refused_and_store_unchanged(store: Store, specimen: str, code: str, where: str) -> None:
    import_paths(store, [SPECIMENS / "unodc_ok.csv"])
    before = snapshot(store)
    with pytest.raises(InvalidInput) as caught:
        import_paths(store, [SPECIMENS / specimen])
    message = str(caught.value)
    assert caught.value.code == code
    assert specimen in message and where in message
    assert snapshot(store) == before


def test_unknown_format_lists_accepted_formats(store: Store) -> None:
    with pytest.raises(UnknownFormat) as caught:
        import_paths(store, [SPECIMENS / "unknown_format.csv"])
    assert "unodc-portal" in str(caught.value) and "worldbank-population" in str(caught.value)
    assert "['country', 'year', 'prisoners']" in str(caught.value)


def test_binary_file_refused(store: Store, tmp_path: Path) -> None:
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InvalidInput, match="binary") as caught:
        import_paths(store, [binary])
    assert caught.value.code == "binary-file"
    assert count(store, ObservationRow) == 0


def test_size_limit(store: Store) -> None:
    store.settings.max_upload_bytes = 100
    with pytest.raises(PayloadTooLarge, match="at most 100 are accepted"):
        import_paths(store, [SPECIMENS / "unodc_ok.csv"])


def test_all_or_nothing_across_files(store: Store) -> None:
    with pytest.raises(InvalidInput):
        import_paths(store, [SPECIMENS / "unodc_ok.csv", SPECIMENS / "non_numeric.csv"])
    assert snapshot(store) == (0, 0, 0, 0)


def test_skip_invalid_imports_valid_rows_and_reports_rejected(store: Store) -> None:
    summary = import_paths(store, [SPECIMENS / "unknown_area.csv"], skip_invalid=True)
    result = summary.files[0]
    assert (result.inserted, result.rejected) == (1, 1)
    assert result.rejected_report is not None
    report = Path(result.rejected_report).read_text()
    assert "unknown-area" in report and ",3,Iso3_code," in report


def test_implausible_values_are_imported_flagged(store: Store) -> None:
    summary = import_paths(store, [SPECIMENS / "implausible.csv"])
    codes = {p.code for p in summary.files[0].problems}
    assert {"implausible-year", "negative-count"} <= codes
    with store.session() as session:
        flags = dict(session.execute(select(ObservationRow.period, ObservationRow.flags)).all())
    assert "implausible" in flags["1013"] and "computed" in flags["1013"]
    assert flags["2014"] == "implausible"
    assert flags["2015"] == ""


def test_label_variants_and_unmapped_categories_are_reported(store: Store) -> None:
    summary = import_paths(store, [SPECIMENS / "label_variants.csv"])
    problems = summary.files[0].problems
    assert [p.code for p in problems].count("nonstandard-category-label") == 2
    assert any(p.code == "unmapped-category" and p.row == 4 for p in problems)
    with store.session() as session:
        offences = set(session.scalars(select(ObservationRow.offence)))
        categories = set(session.scalars(select(ObservationRow.category)))
    assert {"1003", "06"} <= offences
    assert "a-category-nobody-has-seen" in categories


def test_conflicting_duplicates_flagged_exact_duplicates_merged(store: Store) -> None:
    summary = import_paths(store, [SPECIMENS / "duplicates.csv"])
    codes = [p.code for p in summary.files[0].problems]
    assert codes.count("conflicting-duplicate") == 1 and codes.count("exact-duplicate") == 1
    with store.session() as session:
        rows = {r.sex: r for r in session.scalars(select(ObservationRow))}
    assert rows["M"].value == 15281.0 and "conflict" in rows["M"].flags
    assert rows["M"].note is not None and "413" in rows["M"].note
    assert rows["F"].flags == ""


def test_latin1_file_imports(store: Store) -> None:
    summary = import_paths(store, [SPECIMENS / "latin1.csv"])
    assert summary.files[0].encoding == "cp1252"
    assert summary.totals()["inserted"] == 2
    assert values(store, "CIV")[("2017", "persons-held", "_T")] == 17934.0


def test_sdg_and_worldbank_readers(store: Store) -> None:
    summary = import_paths(store, [SPECIMENS / "sdg_small.csv", SPECIMENS / "worldbank_small.csv"])
    assert [f.format for f in summary.files] == ["un-sdg", "worldbank-population"]
    with store.session() as session:
        rows = session.execute(
            select(
                ObservationRow.area,
                ObservationRow.variable,
                ObservationRow.sex,
                ObservationRow.value,
            )
        ).all()
    got = {(r.area, r.variable, r.sex): r.value for r in rows}
    assert got[("MEX", "VC_IHR_PSRC", "_T")] == 25.7
    assert got[("MEX", "VC_IHR_PSRC", "F")] == 4.4
    assert got[("001", "VC_PRS_UNSEC", "_T")] == 30.5
    assert got[("001", "population", "_T")] == 7599822404.0
    assert any(p.code == "non-m49-aggregate" for p in summary.files[1].problems)


def test_folder_import_skips_documentation(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(SPECIMENS / "unodc_ok.csv", folder)
    (folder / "PROVENANCE.md").write_text("# notes\n")
    summary = import_paths(store, [folder])
    assert [Path(f.file).name for f in summary.files] == ["unodc_ok.csv"]


def test_missing_path(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file or folder"):
        import_paths(store, [tmp_path / "nope.csv"])


def test_real_sdg_folder_imports_series_and_their_names(store: Store, shared_data: Path) -> None:
    from observatory.store.concepts import concept_names

    summary = import_paths(store, [shared_data / "sdg16"])
    assert [f.format for f in summary.files] == ["un-sdg-series", "un-sdg"]
    assert all(p.severity != "error" for f in summary.files for p in f.problems)
    with store.session() as session:
        names = concept_names(session, "UN_SDG")
        unknown_sex = session.scalar(
            select(func.count()).select_from(ObservationRow).where(ObservationRow.sex == "_U")
        )
    assert names["VC_IHR_PSRC"].startswith("Number of victims of intentional homicide per 100,000")
    assert unknown_sex == 2  # the two "u" (unknown sex) rows of VC_DTH_TOCVN/R
    again = import_paths(store, [shared_data / "sdg16"])
    assert not again.changed


def test_workbook_errors_name_sheet_and_cell_and_skip_invalid_counts_cells(
    store: Store, tmp_path: Path
) -> None:
    blank = generate(tmp_path)
    filled = tmp_path / "filled.xlsx"
    where = fill(blank, filled, {value("J1", 0, 0, 2023): 1200, value("J1", 0, 1, 2023): "many"})
    bad = where[value("J1", 0, 1, 2023)]
    with pytest.raises(InvalidInput) as caught:
        import_paths(store, [filled])
    assert caught.value.location is not None
    assert (caught.value.location.sheet, caught.value.location.cell) == (bad.sheet, bad.cell)
    assert f"sheet {bad.sheet!r}, cell {bad.cell}" in str(caught.value)
    assert snapshot(store) == (0, 0, 0, 0)
    summary = import_paths(store, [filled], skip_invalid=True)
    assert (summary.files[0].inserted, summary.files[0].rejected) == (1, 1)
    folder = tmp_path / "drop"
    folder.mkdir()
    shutil.copy(filled, folder / "filled.xlsx")
    assert [Path(f.file).suffix for f in import_paths(store, [folder], skip_invalid=True).files] == [".xlsx"]
