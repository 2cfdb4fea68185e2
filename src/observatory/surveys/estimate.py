"""Design-based estimators: mean, total, proportion, ratio, quantile, overall or by domain.

Every estimator except the quantile is a ratio of weighted totals, ``sum(w u) / sum(w v)`` (``v`` = 1
for a mean, the denominator for a ratio, absent for a total). A domain keeps every row of the design: its
indicator zeroes the other rows' contributions (R's ``svyby``, which never drops rows of a
``svydesign``). Standard errors are Taylor-linearized (:mod:`.taylor`) for a :class:`SurveySample` and
replicate (:mod:`.replication`) for a :class:`ReplicateSample`; intervals use normal quantiles as R's
``confint``; design effects are R's ``deff=TRUE``. Missing values are an error unless ``na_rm``, which
(as in R) makes the non-missing rows a domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import pandas as pd

from observatory.errors import InvalidInput
from observatory.model.survey import VarianceMethod
from observatory.surveys import taylor
from observatory.surveys.design import FloatArray, SurveySample, locate, numeric_column
from observatory.surveys.replication import ReplicateSample
from observatory.surveys.results import Estimate, Estimates, Statistic

Sample = SurveySample | ReplicateSample
Mask = npt.NDArray[np.bool_]


@dataclass
class _Linear:
    """Columns of a ratio-of-totals estimator: numerators, denominators (None: totals), domains."""

    terms: list[str]
    domains: list[str | None]
    numerator: FloatArray  # n x k
    denominator: FloatArray | None  # n x k
    masks: Mask  # n x k: rows in the domain with a value


def _domains(sample: Sample, by: str | None) -> list[tuple[str | None, Mask]]:
    if by is None:
        return [(None, np.ones(sample.n, dtype=bool))]
    column = sample.column(by)
    present = column.notna().to_numpy() & (sample.weights != 0)
    levels = sorted(pd.unique(column[present]), key=_sort_key)
    return [(str(level), (column == level).to_numpy() & present) for level in levels]


def _sort_key(value: object) -> tuple[int, float, str]:
    return (0, float(value), "") if isinstance(value, int | float | np.number) else (1, 0.0, str(value))


def _numeric(
    sample: Sample, variable: str, na_rm: bool, domains: list[tuple[str | None, Mask]]
) -> FloatArray:
    sample.column(variable)  # refuses an unknown variable
    values = numeric_column(sample.data, variable, sample.source, variable)
    _refuse_missing(sample, variable, np.isnan(values), na_rm, domains)
    return values


def _refuse_missing(
    sample: Sample, variable: str, missing: Mask, na_rm: bool, domains: list[tuple[str | None, Mask]]
) -> None:
    used = np.logical_or.reduce([mask for _, mask in domains])
    bad = np.flatnonzero(missing & used)
    if bad.size and not na_rm:
        raise InvalidInput(
            f"{variable!r} is missing at {bad.size} row(s); estimate over the rows with a value with na_rm "
            "(--na-rm), as R's na.rm=TRUE",
            code="missing-value",
            location=locate(sample.source, variable, int(bad[0])),
        )


def _linear(
    sample: Sample,
    domains: list[tuple[str | None, Mask]],
    terms: list[tuple[str, FloatArray, FloatArray | None, Mask]],
) -> _Linear:
    """Cross domains with terms (term: name, numerator values, denominator values, rows with values)."""
    names, labels, nums, dens, masks = [], [], [], [], []
    for label, domain in domains:
        for name, num, den, valid in terms:
            mask = domain & valid
            names.append(name)
            labels.append(label)
            nums.append(np.where(mask, num, 0.0))
            dens.append(np.where(mask, 1.0 if den is None else den, 0.0))
            masks.append(mask)
    has_denominator = any(den is not None for _, _, den, _ in terms)
    denominator = np.column_stack(dens) if has_denominator else None
    return _Linear(names, labels, np.column_stack(nums), denominator, np.column_stack(masks))


def _point(weights: FloatArray, linear: _Linear) -> FloatArray:
    top = weights @ linear.numerator
    if linear.denominator is None:
        return top
    with np.errstate(invalid="ignore", divide="ignore"):
        result: FloatArray = top / (weights @ linear.denominator)
    return result


def _residuals(weights: FloatArray, linear: _Linear, theta: FloatArray) -> FloatArray:
    """Per-row linearized values (before weighting): numerator for totals, ratio residuals otherwise."""
    if linear.denominator is None:
        return linear.numerator
    with np.errstate(invalid="ignore", divide="ignore"):
        return (linear.numerator - theta * linear.denominator) / (weights @ linear.denominator)


def _replicate_points(sample: ReplicateSample, linear: _Linear) -> FloatArray:
    """The estimates under every replicate weight (replicates x terms): one matrix product per block of
    rows, in float64 whatever the weights' storage (float32 replicate weights halve the memory)."""
    weights = sample.replicate_weights
    top = np.zeros((sample.replicates, linear.numerator.shape[1]))
    bottom = None if linear.denominator is None else np.zeros_like(top)
    step = max(1, (1 << 23) // max(1, sample.replicates))  # rows per block: 64 MB of float64 weights
    for start in range(0, sample.n, step):
        block = np.asarray(weights[start : start + step], dtype=np.float64)
        top += block.T @ linear.numerator[start : start + step]
        if bottom is not None and linear.denominator is not None:
            bottom += block.T @ linear.denominator[start : start + step]
    if bottom is None:
        return top
    with np.errstate(invalid="ignore", divide="ignore"):
        result: FloatArray = top / bottom
    return result


def _variances(sample: Sample, linear: _Linear, theta: FloatArray) -> FloatArray:
    if isinstance(sample, ReplicateSample):
        return sample.variance(_replicate_points(sample, linear), theta)
    z = _residuals(sample.weights, linear, theta) * sample.weights[:, None]
    return np.diag(taylor.covariance(z, sample)).copy()


def _finish(
    sample: Sample,
    statistic: Statistic,
    variable: str,
    by: str | None,
    linear: _Linear,
    level: float,
    *,
    scale_srs_to_total: bool,
) -> Estimates:
    theta = _point(sample.weights, linear)
    variance = _variances(sample, linear, theta)
    if linear.denominator is not None and statistic is Statistic.ratio:
        values = _residuals(sample.weights, linear, theta)  # R: deff of svytotal(r) with r the residuals
    else:
        values = linear.numerator
    w = sample.weights[:, None] * linear.masks
    n = linear.masks.sum(axis=0).astype(np.float64)
    big_n = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (w * values).sum(axis=0) / big_n
        spread = (w * (values - mean) ** 2).sum(axis=0) / big_n * n / (n - 1)
        srs = spread * (big_n - n) / (big_n * n) * (big_n**2 if scale_srs_to_total else 1.0)
        deff = variance / srs
    z = NormalDist().inv_cdf(0.5 + level / 2)
    se = np.sqrt(variance)
    rows = tuple(
        Estimate(
            term=linear.terms[j],
            estimate=float(theta[j]),
            se=float(se[j]),
            ci_lower=float(theta[j] - z * se[j]),
            ci_upper=float(theta[j] + z * se[j]),
            deff=float(deff[j]),
            n=int(n[j]),
            population=float(big_n[j]),
            domain=linear.domains[j],
        )
        for j in range(len(linear.terms))
    )
    return Estimates(statistic, variable, rows, _method(sample), level, by)


def _method(sample: Sample) -> VarianceMethod:
    return VarianceMethod.replicate if isinstance(sample, ReplicateSample) else VarianceMethod.taylor


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise InvalidInput(f"confidence level must lie between 0 and 1, got {level}", code="invalid-level")


def mean(
    sample: Sample, variable: str, *, by: str | None = None, na_rm: bool = False, level: float = 0.95
) -> Estimates:
    """Weighted mean (R: ``svymean``, by domain ``svyby(..., svymean)``)."""
    _check_level(level)
    domains = _domains(sample, by)
    y = _numeric(sample, variable, na_rm, domains)
    valid = ~np.isnan(y)
    linear = _linear(sample, domains, [(variable, y, np.ones(sample.n), valid)])
    return _finish(sample, Statistic.mean, variable, by, linear, level, scale_srs_to_total=False)


def total(
    sample: Sample, variable: str, *, by: str | None = None, na_rm: bool = False, level: float = 0.95
) -> Estimates:
    """Weighted total (R: ``svytotal``)."""
    _check_level(level)
    domains = _domains(sample, by)
    y = _numeric(sample, variable, na_rm, domains)
    linear = _linear(sample, domains, [(variable, y, None, ~np.isnan(y))])
    return _finish(sample, Statistic.total, variable, by, linear, level, scale_srs_to_total=True)


def proportion(
    sample: Sample, variable: str, *, by: str | None = None, na_rm: bool = False, level: float = 0.95
) -> Estimates:
    """Share of each level of a categorical variable (R: ``svymean`` of a factor), levels sorted."""
    _check_level(level)
    domains = _domains(sample, by)
    column = sample.column(variable)
    missing = column.isna().to_numpy()
    _refuse_missing(sample, variable, missing, na_rm, domains)
    levels = sorted(pd.unique(column[~missing]), key=_sort_key)
    ones = np.ones(sample.n)
    terms: list[tuple[str, FloatArray, FloatArray | None, Mask]] = [
        (str(level_), (column == level_).to_numpy(dtype=np.float64), ones, ~missing) for level_ in levels
    ]
    linear = _linear(sample, domains, terms)
    return _finish(sample, Statistic.proportion, variable, by, linear, level, scale_srs_to_total=False)


def ratio(
    sample: Sample,
    numerator: str,
    denominator: str,
    *,
    by: str | None = None,
    na_rm: bool = False,
    level: float = 0.95,
) -> Estimates:
    """Ratio of totals ``sum(w y) / sum(w x)`` (R: ``svyratio``); deff as R's ``deff=TRUE``."""
    _check_level(level)
    domains = _domains(sample, by)
    y = _numeric(sample, numerator, na_rm, domains)
    x = _numeric(sample, denominator, na_rm, domains)
    valid = ~(np.isnan(y) | np.isnan(x))
    name = f"{numerator}/{denominator}"
    linear = _linear(sample, domains, [(name, y, x, valid)])
    return _finish(sample, Statistic.ratio, name, by, linear, level, scale_srs_to_total=True)
