"""The shipped ICCS v1.0 code list: identical to UNODC's codes and titles, and a sound tree."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from observatory.catalog.iccs import ICCS_ID, ICCS_VERSION, Language, load_iccs

CATALOG = Path(__file__).resolve().parents[2] / "src/observatory/catalog/data/iccs_v1_0.csv"
FACT_COLUMNS = ["code", "level", "parent_code", "title", "title_es"]
CODE_LENGTH = {1: 2, 2: 4, 3: 5, 4: 6}

# Loose checks against DOMAIN.md's list of the 11 sections.
SECTION_WORDS = {
    "01": "death",
    "02": "harm",
    "03": "sexual",
    "04": "violence",
    "05": "property only",
    "06": "psychoactive",
    "07": "fraud",
    "08": "public order",
    "09": "public safety",
    "10": "natural environment",
    "11": "not elsewhere classified",
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_catalog_holds_facts_only() -> None:
    with CATALOG.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == FACT_COLUMNS


def test_catalog_equals_unodc_code_list(shared_data: Path) -> None:
    ours = _rows(CATALOG)
    theirs = _rows(shared_data / "iccs" / "iccs_v1_0_codes_en_es.csv")
    assert len(ours) == len(theirs) == 320
    for mine, source in zip(ours, theirs, strict=True):
        assert mine == {column: source[column] for column in FACT_COLUMNS}


def test_scheme_identity_and_cache() -> None:
    scheme = load_iccs()
    assert (scheme.id, scheme.version) == (ICCS_ID, ICCS_VERSION) == ("ICCS", "1.0")
    assert load_iccs() is scheme
    assert len(scheme) == 320


def test_counts_per_level_and_leaves() -> None:
    scheme = load_iccs()
    assert Counter(cat.level for cat in scheme) == {1: 11, 2: 63, 3: 148, 4: 98}
    assert len(scheme.leaves()) == 231
    assert [cat.code for cat in scheme.roots()] == [f"{n:02d}" for n in range(1, 12)]


def test_codes_are_padded_strings_under_their_parent() -> None:
    scheme = load_iccs()
    for cat in scheme:
        assert isinstance(cat.code, str)
        assert len(cat.code) == CODE_LENGTH[cat.level], cat.code
        if cat.level == 1:
            assert cat.parent is None
            continue
        parent = scheme.get(cat.parent or "")
        assert parent is not None, cat.code
        assert parent.level == cat.level - 1
        assert cat.code.startswith(parent.code)


def test_every_category_has_both_titles_but_02089() -> None:
    # UNODC's Spanish export files the title of 02089 under 2099, so it has no Spanish title.
    missing = [cat.code for cat in load_iccs() if Language.es.value not in cat.titles]
    assert missing == ["02089"]
    for cat in load_iccs():
        assert cat.titles[Language.en.value], cat.code
        assert cat.titles.get(Language.es.value) != cat.titles[Language.en.value], cat.code


def test_missing_spanish_title_falls_back_to_english() -> None:
    cat = load_iccs()["02089"]
    assert cat.title("es") == cat.title("en") == "Other acts intended to induce fear or emotional distress"


@pytest.mark.parametrize(("code", "word"), sorted(SECTION_WORDS.items()))
def test_section_titles_match_domain_notes(code: str, word: str) -> None:
    assert word in load_iccs()[code].title("en").lower()


def test_known_titles() -> None:
    scheme = load_iccs()
    assert scheme["0101"].title("en") == "Intentional homicide"
    assert scheme["0101"].title("es") == "Homicidio intencional"
    assert scheme["010321"].title("en") == "Vehicular homicide"
    # The three section typos of UNODC's export are corrected after the official PDF.
    assert "against" in scheme["04"].title("en")
    assert scheme["08"].title("en").endswith("the State")
    # 02044 ("TIP for other purposes") is 2049 in UNODC's export.
    assert "02044" in scheme and "02049" not in scheme
