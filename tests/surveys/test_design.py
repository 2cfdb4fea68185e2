"""Designs are refused at construction with located errors; ``update`` returns a validated copy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from observatory.errors import InvalidInput
from observatory.model.survey import Design, ReplicateDesign, ReplicateMethod, SinglePSU
from observatory.surveys import estimate
from observatory.surveys.calibration import post_stratify
from observatory.surveys.design import SurveySample
from observatory.surveys.replication import ReplicateSample, as_replicate

Api = Callable[[str], pd.DataFrame]


def _refused(data: pd.DataFrame, design: Design) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        SurveySample.build(data, design, source="api.csv")
    return caught.value


@pytest.mark.parametrize("value", [0.0, -3.0])
def test_weight_not_positive_names_column_and_row(api: Api, value: float) -> None:
    data = api("apistrat")
    data.loc[6, "pw"] = value
    error = _refused(data, Design(strata="stype", weights="pw"))
    assert error.code == "weight-not-positive"
    assert error.location is not None and (error.location.column, error.location.row) == ("pw", 7)
    assert error.location.file == "api.csv"


def test_weight_missing(api: Api) -> None:
    data = api("apistrat")
    data.loc[[3, 9], "pw"] = np.nan
    error = _refused(data, Design(strata="stype", weights="pw"))
    assert error.code == "weight-missing" and error.location is not None and error.location.row == 4


def test_cluster_in_several_strata_unless_nest(api: Api) -> None:
    data = api("apistrat")
    error = _refused(data, Design(ids="dnum", strata="stype", weights="pw"))
    assert error.code == "cluster-in-several-strata"
    assert error.location is not None and error.location.column == "dnum"
    row = error.location.row
    assert row is not None
    first = data.index[data["dnum"] == data.loc[row - 1, "dnum"]][0]
    assert data.loc[first, "stype"] != data.loc[row - 1, "stype"]
    nested = SurveySample.build(data, Design(ids="dnum", strata="stype", weights="pw", nest=True))
    assert estimate.mean(nested, "api00").rows[0].se > 0


def test_single_psu_stratum_fails_by_default_and_options_apply(api: Api) -> None:
    data = api("apistrat").sort_values("stype").reset_index(drop=True)
    data["stratum"] = data["stype"]
    data.loc[0, "stratum"] = "LONE"  # one school alone in its stratum
    error = _refused(data, Design(strata="stratum", weights="pw"))
    assert error.code == "single-psu-stratum"
    assert error.location is not None and (error.location.column, error.location.row) == ("stratum", 1)
    ses = {
        option: estimate.mean(
            SurveySample.build(data, Design(strata="stratum", weights="pw", single_psu=option)), "api00"
        )
        .rows[0]
        .se
        for option in (SinglePSU.remove, SinglePSU.certainty, SinglePSU.adjust, SinglePSU.average)
    }
    assert ses[SinglePSU.remove] == pytest.approx(ses[SinglePSU.certainty])
    assert ses[SinglePSU.adjust] > ses[SinglePSU.remove]
    assert ses[SinglePSU.average] == pytest.approx(ses[SinglePSU.remove] * np.sqrt(4 / 3))


def test_unknown_variable_in_design_and_in_estimate(api: Api) -> None:
    data = api("apisrs")
    error = _refused(data, Design(weights="weight"))
    assert (
        error.code == "unknown-variable" and error.location is not None and error.location.column == "weight"
    )
    sample = SurveySample.build(data, Design(weights="pw"))
    with pytest.raises(InvalidInput) as caught:
        estimate.mean(sample, "api01")
    assert caught.value.code == "unknown-variable"


def test_fpc_problems(api: Api) -> None:
    data = api("apisrs").astype({"fpc": float})
    data.loc[5, "fpc"] = 0.5  # mixes a fraction with population sizes
    assert _refused(data, Design(fpc="fpc")).code == "fpc-invalid"
    data = api("apisrs")
    data["fpc"] = 150  # fewer schools in the population than in the sample
    assert _refused(data, Design(fpc="fpc")).code == "fpc-invalid"


def test_fpc_as_fraction_equals_fpc_as_size(api: Api) -> None:
    data = api("apisrs")
    data["fraction"] = 200 / data["fpc"]
    by_size = estimate.mean(SurveySample.build(data, Design(fpc="fpc")), "api00").rows[0]
    by_fraction = estimate.mean(SurveySample.build(data, Design(fpc="fraction")), "api00").rows[0]
    assert by_fraction.se == pytest.approx(by_size.se, rel=1e-12)


def test_missing_analysis_value_needs_na_rm(api: Api) -> None:
    sample = SurveySample.build(api("apiclus2"), Design(ids="dnum+snum", fpc="fpc1+fpc2"))
    with pytest.raises(InvalidInput) as caught:
        estimate.mean(sample, "enroll")
    assert caught.value.code == "missing-value" and caught.value.location is not None
    assert estimate.mean(sample, "enroll", na_rm=True).rows[0].n == 120


def test_design_spec_is_frozen_and_update_validates() -> None:
    design = Design(ids="1", strata="stype", weights="pw")
    assert design.ids == () and design.strata == ("stype",)
    changed = design.update(ids="dnum+snum")
    assert changed.ids == ("dnum", "snum") and design.ids == ()
    with pytest.raises(InvalidInput):
        design.update(probs="p")  # weights and probs together
    with pytest.raises(AttributeError):
        design.weights = "other"  # type: ignore[misc]
    with pytest.raises(InvalidInput):
        Design.from_mapping({"ids": "dnum", "single_psu": "ignore"})
    with pytest.raises(InvalidInput):
        ReplicateDesign(method=ReplicateMethod.jkn, replicate_weights=("a", "b"))  # JKn needs rscales


def test_replicate_weights_refused_when_missing(api: Api) -> None:
    data = api("apisrs")
    data["r1"], data["r2"] = data["pw"], data["pw"]
    data.loc[2, "r2"] = np.nan
    with pytest.raises(InvalidInput) as caught:
        ReplicateSample.build(
            data, ReplicateDesign(method="jk1", replicate_weights=("r1", "r2"), weights="pw")
        )
    assert caught.value.code == "replicate-weight-invalid"
    assert caught.value.location is not None and caught.value.location.row == 3


def test_brr_needs_two_psus_per_stratum(api: Api) -> None:
    sample = SurveySample.build(api("apistrat"), Design(strata="stype", weights="pw"))
    with pytest.raises(InvalidInput) as caught:
        as_replicate(sample, ReplicateMethod.brr)
    assert caught.value.code == "brr-needs-two-psus"


def test_our_brr_gives_r_brr_variance_for_a_total(api: Api) -> None:
    """Any fully balanced Hadamard set gives the same BRR variance of a linear statistic."""
    data = api("apiclus2")
    districts = np.sort(data["dnum"].unique())
    data["pair"] = (np.searchsorted(districts, data["dnum"]) + 2) // 2
    sample = SurveySample.build(data, Design(ids="dnum", strata="pair", weights="pw"))
    ours = estimate.total(as_replicate(sample, ReplicateMethod.brr), "api00").rows[0]
    taylor = estimate.total(sample, "api00").rows[0]  # 2 PSUs per stratum: BRR equals the Taylor variance
    assert ours.se == pytest.approx(taylor.se, rel=1e-10)
    fay = estimate.total(as_replicate(sample, ReplicateMethod.brr, rho=0.5), "api00").rows[0]
    assert fay.se == pytest.approx(taylor.se, rel=1e-10)


def test_bootstrap_is_reproducible_with_a_seed(api: Api) -> None:
    sample = SurveySample.build(api("apiclus1"), Design(ids="dnum", weights="pw", fpc="fpc"))
    first = estimate.mean(
        as_replicate(sample, ReplicateMethod.bootstrap, seed=7, replicates=200), "api00"
    ).rows[0]
    again = estimate.mean(
        as_replicate(sample, ReplicateMethod.bootstrap, seed=7, replicates=200), "api00"
    ).rows[0]
    taylor = estimate.mean(sample, "api00").rows[0]
    assert first.se == again.se
    assert 0.6 * taylor.se < first.se < 1.5 * taylor.se


def test_post_stratification_refuses_unknown_and_empty_strata(api: Api) -> None:
    sample = SurveySample.build(api("apiclus1"), Design(ids="dnum", weights="pw", fpc="fpc"))
    with pytest.raises(InvalidInput) as caught:
        post_stratify(sample, "stype", {"E": 4421, "M": 1018})
    assert caught.value.code == "unknown-post-stratum"
    with pytest.raises(InvalidInput) as caught:
        post_stratify(sample, "stype", {"E": 4421, "M": 1018, "H": 755, "X": 10})
    assert caught.value.code == "empty-post-stratum"
    calibrated = post_stratify(
        sample, "stype", pd.DataFrame({"stype": ["E", "H", "M"], "Freq": [4421, 755, 1018]})
    )
    totals = estimate.total(calibrated, "api00", by="stype")
    assert [row.population for row in totals] == pytest.approx([4421, 755, 1018])
