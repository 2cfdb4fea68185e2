"""Assisted mode: confirmed mappings combined with the zero-shot ranking, weights chosen by leave-one-out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from observatory.iccs.coder import Coder, EvidenceKind, Example
from observatory.iccs.coder.assist import DEFAULT, NEVER, Case, Conventions, Params, choose, combine
from observatory.iccs.coder.neighbours import Confirmed, Neighbour
from observatory.iccs.coder.text import Lang


@pytest.fixture()
def coder(shared_data: Path) -> Coder:
    iccs = shared_data / "iccs"
    return Coder.from_files(
        [
            iccs / "iccs_v1_0_long_original_en.csv",
            iccs / "iccs_v1_0_long_original_es.csv",
            iccs / "iccs_v1_0_alphabetical_index_en.csv",
        ]
    )


def _neighbour(similarity: float, code: str, index: int, label: str = "some offence") -> Neighbour:
    item = Confirmed(label, code, Lang.en, frozenset({"some"}), frozenset({"som"}), frozenset())
    return Neighbour(similarity, item, index)


def test_a_neighbour_the_texts_code_right_does_not_override_the_query_s_own_words(coder: Coder) -> None:
    # "Aggravated assault" is coded 020111 by the texts too: it tells nothing about "Simple assault",
    # whose qualifier the zero-shot ranking reads (the old vote made it 020111).
    assert coder.propose("Simple assault")[0].iccs_code == "020112"
    coder.learn([Example("Aggravated assault", "020111")])
    proposals = coder.propose("Simple assault")
    assert proposals[0].iccs_code == "020112"
    # ... but the confirmed code of so close a label is among the alternatives, with its evidence
    third = proposals[2]
    assert third.iccs_code == "020111"
    assert third.evidence[0].kind is EvidenceKind.confirmed_mapping
    assert third.evidence[0].text == "Aggravated assault"


def test_a_neighbour_that_corrects_the_texts_carries_the_country_s_convention(coder: Coder) -> None:
    # The texts code rape by the victim's age (030112); this country codes it at 03011.
    assert coder.propose("Rape of a male aged 16 and over")[0].iccs_code == "030112"
    coder.learn([Example("Rape of a female aged 16 and over", "03011")])
    best = coder.propose("Rape of a male aged 16 and over")[0]
    assert best.iccs_code == "03011"
    assert best.evidence[0].kind is EvidenceKind.confirmed_mapping
    assert best.evidence[0].text == "Rape of a female aged 16 and over"


def test_votes_count_in_units_of_the_zero_shot_score_and_an_identical_label_decides() -> None:
    final = {"0501": 1.0, "0502": 0.6, "0601": 0.3}
    near = [_neighbour(0.7, "0509", 0)]
    params = Params(same=2.0, other=0.0, floor=0.25, slot=NEVER)
    # the coder's first choice for the neighbour was 0501, as for the query: the same mistake
    ordered, cast, slotted = combine(final, near, lambda i: "0501", params, 3)
    assert ordered[0][0] == "0509" and cast["0509"].value == pytest.approx(2.0 * 0.45 / 0.75)
    assert slotted is None
    # a different first choice for the neighbour: an "other" correction, weighted 0 here
    ordered, cast, _ = combine(final, near, lambda i: "0701", params, 3)
    assert ordered[0][0] == "0501" and not cast
    # a confirmed label with the query's very words decides, whatever the weights
    same_words = [_neighbour(0.99, "0509", 0, "Some offence")]
    zero = Params(same=0.0, other=0.0, floor=0.5, slot=NEVER)
    ordered, _, _ = combine(final, same_words, lambda i: "0701", zero, 3, "some offence")
    assert ordered[0][0] == "0509"


def test_a_close_neighbour_s_code_takes_the_third_place() -> None:
    final = {"0501": 1.0, "0502": 0.6, "0601": 0.3, "0701": 0.2}
    near = [_neighbour(0.55, "0509", 0), _neighbour(0.65, "0801", 1)]
    first = {0: "0101", 1: "0801"}.__getitem__  # the texts code neighbour 1 right: tried last
    params = Params(same=0.0, other=0.0, floor=0.25, slot=0.5)
    ordered, cast, slotted = combine(final, near, first, params, 3)
    assert not cast
    assert [c for c, _ in ordered[:4]] == ["0501", "0502", "0509", "0601"]
    assert slotted is not None and slotted.item.code == "0509"
    never = Params(same=0.0, other=0.0, floor=0.25, slot=NEVER)
    assert [c for c, _ in combine(final, near, first, never, 3)[0][:3]] == ["0501", "0502", "0601"]


def _cases(gold: str, count: int = 12) -> list[Case]:
    """Cases whose zero-shot first choice is 0501 and whose one neighbour was confirmed as 0509."""
    final = {"0501": 1.0, "0502": 0.6, "0601": 0.3}
    return [Case(final, (_neighbour(0.7, "0509", i),), gold, f"label {i}") for i in range(count)]


def test_leave_one_out_turns_the_votes_on_only_where_they_help() -> None:
    # Confirmations the coder got wrong the same way (0501 for a 0509): the votes help, they are used.
    helped = choose(_cases("0509"), lambda i: "0501")
    assert helped.same > 0
    # Corrections that point the wrong way for the labels left out: pure zero-shot is kept.
    misled = choose(_cases("0501"), lambda i: "0502")
    assert misled.same == misled.other == 0
    assert misled.slot == NEVER
    # Too few confirmations with a neighbour to judge: the defaults.
    assert choose(_cases("0509", count=3), lambda i: "0501") == DEFAULT


def test_conventions_are_the_country_s_smoothed_shares_of_levels_and_sections() -> None:
    conventions = Conventions.of(["0501", "0502", "05012", "0101"])
    off = Params(same=0.0, other=0.0, floor=0.5, slot=NEVER)
    assert conventions.factor("05012", off) == 1.0
    by_level = replace(off, level_power=1.0)
    assert conventions.factor("0501", by_level) == pytest.approx((3 + 1) / (4 + 4))
    assert conventions.factor("05", by_level) == pytest.approx(1 / 8)  # never coded at level 1
    by_section = replace(off, section_power=1.0)
    assert conventions.factor("0509", by_section) == pytest.approx((3 + 1) / (4 + 11))
    # a leave-one-out case does not count its own confirmed code
    assert conventions.factor("0509", by_section, leave_out="0502") == pytest.approx((2 + 1) / (3 + 11))
    # a level prior demotes the level-1 code below a level-2 one it outscored
    final = {"05": 1.0, "0501": 0.9, "0101": 0.2}
    ordered, _, _ = combine(final, [], lambda i: None, by_level, 3, "", conventions)
    assert ordered[0][0] == "0501"
