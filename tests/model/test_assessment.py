"""Rating scales, indicator bands, findings and checklist snapshots (pure model)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from observatory.errors import InvalidInput
from observatory.model.assessment import Assessment, Band, Finding, IndicatorLink, RatingScale, ScaleLevel
from observatory.model.norm import RuleRef

SCALE = RatingScale((ScaleLevel(0, "No"), ScaleLevel(1, "Partly"), ScaleLevel(2, "Yes")))


def test_scale() -> None:
    assert SCALE.values == (0, 1, 2) and SCALE.normalise(1) == 0.5 and SCALE.label(None) == "not applicable"
    assert SCALE.describe() == "0 No, 1 Partly, 2 Yes, n/a not applicable"
    with pytest.raises(InvalidInput) as err:
        RatingScale((ScaleLevel(1, "a"), ScaleLevel(0, "b")))
    assert err.value.code == "invalid-scale"


def test_bands_first_match_wins() -> None:
    link = IndicatorLink("prison_occupancy", (Band(3, maximum=100), Band(2, maximum=120), Band(0)))
    assert [link.rate(v) for v in (80, 100, 100.1, 500)] == [3, 3, 2, 0]
    assert IndicatorLink("women_share").rate(5.0) is None  # context only


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_open_bands_always_rate(value: float) -> None:
    link = IndicatorLink("x", (Band(2, minimum=10), Band(1, minimum=0), Band(0)))
    assert link.rate(value) == (2 if value >= 10 else 1 if value >= 0 else 0)


def test_findings_and_assessment_lookup() -> None:
    na = Finding("A", None, not_applicable=True)
    assert not na.rated and Finding("B", 0).rated and not Finding("C").rated
    from datetime import date

    a = Assessment("c", "1.0", "MEX", "x@example.org", date(2024, 1, 1), (na,))
    assert a.finding("A") is na and a.finding("Z") is None
    assert a.summary()["assessed_on"] == "2024-01-01"
    assert RuleRef.parse("mandela:43") < RuleRef.parse("mandela:44")
