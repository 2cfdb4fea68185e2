"""Loading UNODC's ICCS files (long texts, wide code list, alphabetical index) into the store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from observatory.catalog.iccs import Language, load_iccs
from observatory.errors import InvalidInput, NotFound, UnknownFormat
from observatory.iccs.texts import (
    IccsFileFormat,
    index_terms_for,
    load_files,
    texts_for,
)
from observatory.iccs.tree import category_detail
from observatory.store.db import Store
from observatory.store.tables import IccsIndexTerm, IccsText, SourceFile

SPECIMENS = Path(__file__).resolve().parents[1] / "data" / "iccs"
LONG_EN = "iccs_v1_0_long_original_en.csv"
LONG_ES = "iccs_v1_0_long_original_es.csv"
INDEX_EN = "iccs_v1_0_alphabetical_index_en.csv"
CODES = "iccs_v1_0_codes_en_es.csv"


@pytest.fixture
def iccs_dir(shared_data: Path) -> Path:
    return shared_data / "iccs"


def _count(store: Store, table: type[IccsText | IccsIndexTerm | SourceFile]) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def _counts(store: Store) -> tuple[int, int, int]:
    return _count(store, IccsText), _count(store, IccsIndexTerm), _count(store, SourceFile)


def test_load_the_three_real_files(store: Store, iccs_dir: Path) -> None:
    report = load_files(store, [iccs_dir / LONG_EN, iccs_dir / LONG_ES, iccs_dir / INDEX_EN])
    en, es, index = report.files
    assert (en.format, en.language, en.rows, en.texts_inserted) == (
        IccsFileFormat.long,
        Language.en,
        1467,
        1467,
    )
    assert (es.format, es.language, es.rows, es.texts_inserted) == (
        IccsFileFormat.long,
        Language.es,
        1467,
        1467,
    )
    assert (index.format, index.rows, index.terms_inserted) == (IccsFileFormat.index, 963, 963)
    assert len(index.warnings) == 14
    assert any("Piracy" in w and "011012" in w for w in index.warnings)
    # UNODC's Spanish export files the title of 02089 under 2099.
    assert es.warnings == ["row 381: a second title for 02099"]
    assert en.warnings == []
    assert report.texts_inserted == 2934 and report.texts_replaced == 0
    assert _counts(store) == (2934, 963, 3)
    with store.session() as session:
        missing = session.scalars(select(IccsIndexTerm.code).where(~IccsIndexTerm.code_exists))
        assert sorted(set(missing)) == [
            "011012",
            "040122",
            "06013",
            "060131",
            "060132",
            "06025",
            "070219",
            "070222",
            "10092",
        ]


def test_loading_twice_changes_nothing(store: Store, iccs_dir: Path) -> None:
    paths = [iccs_dir / LONG_EN, iccs_dir / LONG_ES, iccs_dir / INDEX_EN]
    load_files(store, paths)
    again = load_files(store, paths)
    assert again.texts_inserted == again.texts_replaced == again.terms_inserted == 0
    assert [f.texts_unchanged for f in again.files] == [1467, 1467, 0]
    assert again.files[2].terms_unchanged == 963
    assert _counts(store) == (2934, 963, 3)


def test_texts_come_back_per_language(store: Store, iccs_dir: Path) -> None:
    load_files(store, [iccs_dir / LONG_EN, iccs_dir / LONG_ES, iccs_dir / INDEX_EN])
    spanish = texts_for(store, "101", "es")
    assert spanish["title"] == ["Homicidio intencional"]
    assert list(spanish) == ["title", "description", "inclusion", "exclusion", "note"]
    english = texts_for(store, "0101", Language.en)
    assert english["title"] == ["Intentional homicide"]
    assert [note.split("-")[0] for note in english["note"]] == [str(n) for n in range(1, 13)]
    assert texts_for(store, "01", "en") == {"title": [load_iccs()["01"].title("en")]}
    terms = index_terms_for(store, "0101")
    assert "Murder" in terms and terms == sorted(terms, key=str.casefold)
    detail = category_detail(load_iccs(), "0101", lang="es", texts=spanish, index_terms=terms)
    assert detail.texts["title"] == ["Homicidio intencional"] and "Murder" in detail.index_terms


def test_wide_code_list_replaces_only_what_differs(store: Store, iccs_dir: Path) -> None:
    load_files(store, [iccs_dir / LONG_EN])
    wide = load_files(store, [iccs_dir / CODES]).files[0]
    assert (wide.format, wide.language, wide.rows) == (IccsFileFormat.codes, Language.en, 320)
    # Three section titles corrected after the PDF; 10022's doubled exclusion joined in one cell.
    assert (wide.texts_replaced, wide.texts_unchanged, wide.texts_inserted) == (4, 1462, 0)
    assert texts_for(store, "06", "en")["title"] == [load_iccs()["06"].title("en")]
    assert len(texts_for(store, "10022", "en")["exclusion"]) == 1
    assert len(texts_for(store, "0101", "en")["note"]) == 12
    assert _count(store, SourceFile) == 2


def test_newer_file_replaces_one_field(store: Store, iccs_dir: Path) -> None:
    load_files(store, [iccs_dir / LONG_EN])
    before = texts_for(store, "0101", "en")
    newer = load_files(store, [SPECIMENS / "newer_description_en.csv"]).files[0]
    assert (newer.texts_replaced, newer.texts_inserted) == (1, 0)
    after = texts_for(store, "0101", "en")
    assert after["description"] == ["Specimen replacement description (newer file)."]
    assert {k: v for k, v in after.items() if k != "description"} == {
        k: v for k, v in before.items() if k != "description"
    }
    assert _counts(store) == (1467, 0, 2)  # the earlier original stays kept


def test_language_from_titles_and_windows_1252(store: Store, iccs_dir: Path, tmp_path: Path) -> None:
    text = (iccs_dir / LONG_ES).read_text(encoding="utf-8")
    legacy = tmp_path / "Delitos_Espanol_170221.csv"
    legacy.write_bytes(text.encode("cp1252"))
    with_bom = tmp_path / "english texts.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + (iccs_dir / LONG_EN).read_bytes())
    es, en = load_files(store, [legacy, with_bom]).files
    assert (es.language, es.encoding, es.texts_inserted) == (Language.es, "cp1252", 1467)
    assert (en.language, en.encoding, en.texts_inserted) == (Language.en, "utf-8-sig", 1467)
    assert texts_for(store, "0101", "es")["title"] == ["Homicidio intencional"]


def test_index_errata_are_warnings(store: Store) -> None:
    report = load_files(store, [SPECIMENS / "index_specimen_en.csv"])
    assert report.terms_inserted == 2
    assert report.warnings == [
        "index_specimen_en.csv: row 3: 'Specimen erratum' cites 99999, not an ICCS 1.0 code"
    ]
    assert index_terms_for(store, "0101") == ["Specimen term"]


@pytest.mark.parametrize(
    ("specimen", "error", "where", "says"),
    [
        ("empty.csv", InvalidInput, "empty.csv", "empty file"),
        ("binary.csv", UnknownFormat, "binary.csv", "binary"),
        ("wrong_header.csv", UnknownFormat, "wrong_header.csv, row 1", "offence,count"),
        ("unknown_code_en.csv", InvalidInput, "unknown_code_en.csv, row 3, column 'code'", "02049"),
        ("bad_field_en.csv", InvalidInput, "bad_field_en.csv, row 2, column 'field'", "summary"),
    ],
)
def test_bad_file_writes_nothing(
    store: Store,
    iccs_dir: Path,
    specimen: str,
    error: type[InvalidInput],
    where: str,
    says: str,
) -> None:
    with pytest.raises(error) as info:
        load_files(store, [iccs_dir / LONG_EN, iccs_dir / INDEX_EN, SPECIMENS / specimen])
    message = str(info.value)
    assert where in message and says in message
    assert "\n" not in message
    assert info.value.location is not None and info.value.location.file is not None
    assert _counts(store) == (0, 0, 0)


def test_unknown_code_suggests_the_official_one(store: Store) -> None:
    with pytest.raises(InvalidInput, match="02044"):
        load_files(store, [SPECIMENS / "unknown_code_en.csv"])


def test_language_that_cannot_be_told(store: Store, tmp_path: Path) -> None:
    unnamed = tmp_path / "texts.csv"
    shutil.copyfile(SPECIMENS / "newer_description_en.csv", unnamed)
    with pytest.raises(InvalidInput, match="cannot tell the language"):
        load_files(store, [unnamed])
    assert _counts(store) == (0, 0, 0)


def test_missing_file_and_no_file(store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match=r"nowhere\.csv"):
        load_files(store, [tmp_path / "nowhere.csv"])
    with pytest.raises(InvalidInput, match="no files"):
        load_files(store, [])
