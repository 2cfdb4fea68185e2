"""Design-based survey estimation that matches R's ``survey`` package.

sample = SurveySample.build(frame, Design(strata="stype", weights="pw", fpc="fpc"))
mean(sample, "api00").rows[0]            # 662.29, SE 9.4089, as svymean(~api00, dstrat)
mean(sample, "api00", by="awards")       # svyby(~api00, ~awards, dstrat, svymean)
mean(as_replicate(sample, ReplicateMethod.jkn), "api00")
"""

from __future__ import annotations

from observatory.model.survey import Design, ReplicateDesign, ReplicateMethod, SinglePSU, VarianceMethod
from observatory.surveys.calibration import post_stratify, rake
from observatory.surveys.design import SurveySample
from observatory.surveys.estimate import mean, proportion, ratio, total
from observatory.surveys.quantile import quantile
from observatory.surveys.replication import ReplicateSample, as_replicate
from observatory.surveys.results import Estimate, Estimates, Statistic

__all__ = [
    "Design",
    "Estimate",
    "Estimates",
    "ReplicateDesign",
    "ReplicateMethod",
    "ReplicateSample",
    "SinglePSU",
    "Statistic",
    "SurveySample",
    "VarianceMethod",
    "as_replicate",
    "mean",
    "post_stratify",
    "proportion",
    "quantile",
    "rake",
    "ratio",
    "total",
]
