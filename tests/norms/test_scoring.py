"""Scores by hand on a small checklist, Cohen's kappa against hand-computed examples, and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.errors import InvalidInput
from observatory.model.assessment import Checklist, Finding
from observatory.norms.scoring import KappaWeights, consensus, delta, gaps, kappa, score


def test_scores_by_hand(small: Checklist) -> None:
    # A=3 (1.0), B=1 (1/3, weight 2), C n/a, D text (never scored), E=0
    result = score(small, {"A": 3, "B": 1, "C": None, "E": 0})
    assert result.overall.value == pytest.approx((1 + 2 / 3 + 0) / 4)
    assert result.overall.rated == 3 and result.overall.not_applicable == 1 and result.overall.weight == 4
    assert result.sections["S1"].value == pytest.approx((1 + 2 / 3) / 3)
    assert result.sections["S2"].value == 0.0
    assert result.instruments["bangkok"].value == pytest.approx((1 + 2 / 3) / 3)
    assert result.instruments["mandela"].value == pytest.approx((2 / 3) / 3)


def test_a_group_without_ratings_has_no_score(small: Checklist) -> None:
    result = score(small, {"C": None})
    assert result.overall.value is None
    assert result.sections["S1"].unanswered == 2


def test_kappa_unweighted_hand_example() -> None:
    # 10 items: 4 (1,1), 3 (0,0), 2 (1,0), 1 (0,1): po = 0.7, pe = 0.6*0.5 + 0.4*0.5 = 0.5 -> 0.4
    pairs = [(1, 1)] * 4 + [(0, 0)] * 3 + [(1, 0)] * 2 + [(0, 1)]
    assert kappa(pairs, [0, 1]) == pytest.approx(0.4)


def test_kappa_weighted_hand_example() -> None:
    pairs = [(0, 0), (0, 1), (1, 1), (2, 1), (2, 2), (2, 2)]
    # unweighted: po = 4/6, pe = 11/36 -> 13/25; linear: 1 - (1/6) / (4/9) = 0.625
    assert kappa(pairs, [0, 1, 2]) == pytest.approx(13 / 25)
    assert kappa(pairs, [0, 1, 2], KappaWeights.linear) == pytest.approx(0.625)
    quadratic = kappa(pairs, [0, 1, 2], KappaWeights.quadratic)
    assert quadratic is not None and quadratic > 0.625  # near misses count even less


def test_kappa_edge_cases() -> None:
    assert kappa([], [0, 1]) is None
    assert kappa([(1, 1), (1, 1)], [0, 1]) is None  # one category only: undefined, not 1
    assert kappa([(0, 0), (1, 1)], [0, 1]) == 1.0
    with pytest.raises(InvalidInput) as err:
        kappa([(0, 5)], [0, 1])
    assert err.value.code == "rating-out-of-scale"


def test_consensus_means_and_not_applicable() -> None:
    a = [Finding("A", 3), Finding("B", 1), Finding("C", None, not_applicable=True)]
    b = [Finding("A", 2), Finding("C", None, not_applicable=True), Finding("E", 0)]
    assert consensus([a, b]) == {"A": 2.5, "B": 1.0, "C": None, "E": 0.0}


def test_gaps_and_delta(small: Checklist) -> None:
    found = gaps(small, {"A": 3, "B": 1, "C": None, "E": 0}, "MEX")
    assert [(g.item, g.rating, g.rules) for g in found] == [
        ("E", 0, ("mandela:12",)),
        ("B", 1, ("bangkok:2", "mandela:7")),
    ]
    assert found[0].key == "MEX:small:E"
    change = delta((small, {"A": 3, "B": 1}), (small, {"A": 3, "B": 3, "E": 0}))
    assert {i["item"]: i["change"] for i in change["items"]} == {"B": 2, "E": None}
    assert change["overall"]["before"] == pytest.approx(round((1 + 2 / 3) / 3, 4))


ratings = st.dictionaries(st.sampled_from(["A", "B", "C", "D", "E"]), st.one_of(st.none(), st.integers(0, 3)))


@settings(max_examples=200, deadline=None)
@given(ratings)
def test_scores_lie_in_the_unit_interval(small: Checklist, given_ratings: dict[str, int | None]) -> None:
    result = score(small, dict(given_ratings))
    for group in [result.overall, *result.sections.values(), *result.instruments.values()]:
        assert group.value is None or 0.0 <= group.value <= 1.0


@settings(max_examples=200, deadline=None)
@given(ratings, st.sampled_from(["A", "B", "C", "D", "E"]))
def test_not_applicable_never_changes_the_score(
    small: Checklist, given_ratings: dict[str, int | None], item: str
) -> None:
    without = {k: v for k, v in given_ratings.items() if k != item}
    with_na = {**without, item: None}
    a, b = score(small, without), score(small, with_na)
    assert a.overall.value == b.overall.value
    assert {k: v.value for k, v in a.sections.items()} == {k: v.value for k, v in b.sections.items()}
