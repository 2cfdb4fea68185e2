"""Lookups over the ICCS tree: code spellings, category details, title search."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observatory.catalog.iccs import Language, load_iccs
from observatory.errors import InvalidInput, NotFound
from observatory.iccs.tree import (
    CodeTitle,
    ambiguous_stripped_codes,
    category_detail,
    close_codes,
    fold,
    normalise_code,
    parse_language,
    search,
)

SCHEME = load_iccs()
CODES = [cat.code for cat in SCHEME]
AMBIGUOUS = set(ambiguous_stripped_codes(SCHEME))


def test_hierarchical_id_of_a_real_path() -> None:
    assert SCHEME.hierarchical_id("010321") == "01.0103.01032.010321"
    assert SCHEME.hierarchical_id("0101") == "01.0101"
    assert SCHEME.hierarchical_id("11") == "11"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0101", "0101"),
        ("101", "0101"),
        ("1031", "01031"),
        ("1", "01"),
        ("10", "10"),
        ("1001", "1001"),
        ("10321", "010321"),
        (" 0101 ", "0101"),
        ("01.0101", "0101"),
        ("1.101", "0101"),
        ("01.0103.01032.010321", "010321"),
    ],
)
def test_normalise_code_spellings(text: str, code: str) -> None:
    assert normalise_code(text) == code


def test_no_stripped_code_is_ambiguous_in_iccs() -> None:
    assert not AMBIGUOUS


@pytest.mark.parametrize("text", ["", "abc", "01-01", "0101a", "1234567", "01..0101"])
def test_malformed_code_lists_accepted_forms(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalise_code(text)
    assert repr(text) in str(info.value)
    assert "hierarchical id" in str(info.value)


def test_wrong_path_names_the_real_one() -> None:
    with pytest.raises(InvalidInput, match=r"01\.0101"):
        normalise_code("02.0101")


def test_unknown_code_suggests_close_codes() -> None:
    # 2049 is UNODC's export id of what the official structure numbers 02044.
    with pytest.raises(NotFound) as info:
        normalise_code("2049")
    message = str(info.value)
    assert "'2049'" in message and "02044" in message
    assert "10091" in close_codes("10092", SCHEME)


@given(st.sampled_from(CODES))
def test_round_trip_every_spelling(code: str) -> None:
    assert normalise_code(code) == code
    assert normalise_code(SCHEME.hierarchical_id(code)) == code
    if code not in AMBIGUOUS:
        assert normalise_code(code.lstrip("0")) == code


@given(st.text(alphabet="0123456789.", min_size=1, max_size=8))
def test_any_digit_text_resolves_to_a_code_or_raises(text: str) -> None:
    try:
        code = normalise_code(text)
    except (InvalidInput, NotFound):
        return
    assert code in SCHEME


def test_category_detail_in_english() -> None:
    detail = category_detail(SCHEME, "1032")
    assert detail.code == "01032"
    assert detail.level == 3
    assert detail.title == "Negligent manslaughter"
    assert detail.parent == CodeTitle("0103", "Non-intentional homicide")
    assert [a.code for a in detail.ancestors] == ["01", "0103"]
    assert [c.code for c in detail.children] == ["010321", "010322"]
    assert detail.hierarchical_id == "01.0103.01032"
    assert not detail.is_leaf
    assert detail.texts == {} and detail.index_terms == []


def test_category_detail_in_spanish_with_texts() -> None:
    detail = category_detail(SCHEME, "0101", lang="es", texts={"description": ["x"]}, index_terms=["Murder"])
    assert detail.title == "Homicidio intencional"
    assert detail.ancestors == [CodeTitle("01", SCHEME["01"].title("es"))]
    assert detail.is_leaf and detail.children == []
    assert detail.titles == {"en": "Intentional homicide", "es": "Homicidio intencional"}
    assert detail.texts == {"description": ["x"]} and detail.index_terms == ["Murder"]


def test_category_detail_falls_back_to_english() -> None:
    assert category_detail(SCHEME, "02089", lang="es").title == SCHEME["02089"].title("en")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"'fr'.*en, es"):
        category_detail(SCHEME, "0101", lang="fr")
    assert parse_language("ES") is Language.es


def test_search_ignores_case_and_accents() -> None:
    hits = search(SCHEME, "HOMICIDIO INTENCIÓN", lang="es")
    assert hits[0].code == "0101"
    assert "0101" in {h.code for h in search(SCHEME, "intencion", lang=Language.es)}
    assert all("intencion" in fold(h.title) for h in hits)
    assert fold("Intención  X") == "intencion x"


def test_search_ranks_whole_and_leading_titles_first() -> None:
    hits = [h.code for h in search(SCHEME, "intentional homicide")]
    assert hits[0] == "0101"  # the whole title
    assert {"0102", "0103"} <= set(hits[1:])  # the phrase inside a title
    assert search(SCHEME, "psychoactive")[0].code == "06"


def test_search_by_code_and_limit() -> None:
    hits = search(SCHEME, "101", limit=3)
    assert hits[0].code == "0101"
    assert len(hits) <= 3
    assert search(SCHEME, "homicide", limit=2)[1].hierarchical_id.startswith("01.")
    assert search(SCHEME, "no such offence at all") == []


@pytest.mark.parametrize(("text", "limit"), [("   ", 5), ("theft", 0)])
def test_search_refuses_bad_arguments(text: str, limit: int) -> None:
    with pytest.raises(InvalidInput):
        search(SCHEME, text, limit=limit)
