"""Invariants of the estimators (Hypothesis): scaling, partitions, a single stratum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observatory.model.survey import Design
from observatory.surveys import estimate
from observatory.surveys.design import SurveySample


@st.composite
def samples(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=6, max_value=40))
    values = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)
    return pd.DataFrame(
        {
            "y": draw(st.lists(values, min_size=n, max_size=n)),
            "w": draw(st.lists(st.floats(min_value=0.5, max_value=50), min_size=n, max_size=n)),
            "cluster": [i // 2 for i in range(n)],
            "group": draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n)),
        }
    )


@settings(max_examples=40, deadline=None)
@given(data=samples(), factor=st.floats(min_value=0.01, max_value=100))
def test_scaling_weights_keeps_means_and_scales_totals(data: pd.DataFrame, factor: float) -> None:
    design = Design(ids="cluster", weights="w")
    scaled = data.assign(w=data["w"] * factor)
    base, other = SurveySample.build(data, design), SurveySample.build(scaled, design)
    m0, m1 = estimate.mean(base, "y").rows[0], estimate.mean(other, "y").rows[0]
    assert m1.estimate == pytest.approx(m0.estimate, rel=1e-9, abs=1e-9)
    assert m1.se == pytest.approx(m0.se, rel=1e-7, abs=1e-9)
    t0, t1 = estimate.total(base, "y").rows[0], estimate.total(other, "y").rows[0]
    assert t1.estimate == pytest.approx(t0.estimate * factor, rel=1e-9, abs=1e-6)
    assert t1.se == pytest.approx(t0.se * factor, rel=1e-7, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(data=samples())
def test_domain_totals_over_a_partition_add_up(data: pd.DataFrame) -> None:
    sample = SurveySample.build(data, Design(ids="cluster", weights="w"))
    whole = estimate.total(sample, "y").rows[0].estimate
    parts = estimate.total(sample, "y", by="group")
    assert sum(row.estimate for row in parts) == pytest.approx(whole, rel=1e-9, abs=1e-6)
    assert sum(row.population for row in parts) == pytest.approx(data["w"].sum())
    shares = estimate.proportion(sample, "group")
    assert sum(row.estimate for row in shares) == pytest.approx(1.0)


@settings(max_examples=40, deadline=None)
@given(data=samples())
def test_one_stratum_equals_no_strata(data: pd.DataFrame) -> None:
    plain = SurveySample.build(data, Design(ids="cluster", weights="w"))
    single = SurveySample.build(data.assign(s="only"), Design(ids="cluster", strata="s", weights="w"))
    for function in (estimate.mean, estimate.total):
        a, b = function(plain, "y").rows[0], function(single, "y").rows[0]
        assert (a.estimate, a.se) == pytest.approx((b.estimate, b.se), rel=1e-12, abs=1e-12)


def test_domain_keeps_the_design_not_the_rows() -> None:
    """Clusters without domain members still count: the SE is not the one of the domain's rows alone."""
    data = pd.DataFrame({"y": np.arange(12.0), "w": 1.0, "c": np.repeat(np.arange(6), 2)})
    data["d"] = np.where(data["c"] < 3, "in", "out")
    sample = SurveySample.build(data, Design(ids="c", weights="w"))
    domain = estimate.total(sample, "y", by="d").get("in")
    cluster_totals = np.array([1.0, 5.0, 9.0, 0.0, 0.0, 0.0])  # domain totals of the 6 clusters
    by_hand = np.sqrt(6 / 5 * ((cluster_totals - cluster_totals.mean()) ** 2).sum())
    assert domain.estimate == 15.0 and domain.se == pytest.approx(by_hand)
    dropped = estimate.total(SurveySample.build(data[data["d"] == "in"], Design(ids="c", weights="w")), "y")
    assert dropped.rows[0].se != pytest.approx(domain.se)
