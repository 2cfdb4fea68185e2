"""Taylor-linearization variance, as R's ``svyrecvar`` computes it.

``x`` holds one row per sample row and one column per estimate: the weighted linearized contributions
(the influence values times the weights; zero outside a domain, never dropped). The first stage always
counts; later stages are added, scaled by the earlier stages' sampling fractions, only when the design
has an fpc (R's default, ``survey.ultimate.cluster = FALSE``). Post-stratification and raking first
replace ``x`` by its residuals from the post-stratum means, as R does.
"""

from __future__ import annotations

import numpy as np

from observatory.errors import InvalidInput
from observatory.model.survey import SinglePSU
from observatory.surveys.design import FloatArray, IntArray, PostStratum, Raking, Stage, SurveySample


def _rowsum(x: FloatArray, codes: IntArray, size: int) -> FloatArray:
    """Column sums of ``x`` by code (R's ``rowsum``), one row per code 0..size-1."""
    out = np.zeros((size, x.shape[1]))
    np.add.at(out, codes, x) if x.shape[0] < 4096 else _bincount_into(out, codes, x)
    return out


def _bincount_into(out: FloatArray, codes: IntArray, x: FloatArray) -> None:
    for j in range(x.shape[1]):
        out[:, j] = np.bincount(codes, weights=x[:, j], minlength=out.shape[0])


def _group_mean(x: FloatArray, codes: IntArray) -> FloatArray:
    """Each row replaced by the unweighted mean of its group (R's ``ave``)."""
    _, inverse, counts = np.unique(codes, return_inverse=True, return_counts=True)
    sums = _rowsum(x, inverse, counts.size)
    return (sums / counts[:, None])[inverse]


def _post_stratum_residuals(x: FloatArray, step: PostStratum) -> FloatArray:
    psw = step.weights.copy()
    old = step.old_weights
    psw[(psw == 0) & (old == 0)] = 1.0
    _, inverse = np.unique(step.codes, return_inverse=True)
    size = int(inverse.max()) + 1
    means = _rowsum(x * (old / psw)[:, None], inverse, size) / np.bincount(inverse, weights=old)[:, None]
    return x - means[inverse] * psw[:, None]


def calibrated(x: FloatArray, sample: SurveySample) -> FloatArray:
    """``x`` after the sample's post-stratifications and rakings (R: the ``postStrata`` loop)."""
    for step in sample.calibration:
        if isinstance(step, Raking):
            for _ in range(10):  # R iterates the raking residuals exactly ten times
                for margin in step.margins:
                    psw = margin.weights[:, None]
                    x = x - psw * _group_mean(x / psw, margin.codes)
        else:
            x = _post_stratum_residuals(x, step)
    return x


def _one_stage(
    x: FloatArray, stage: Stage, rows: IntArray, single_psu: SinglePSU, parent: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray]:
    """Per stratum of this stage: the p x p variance (NaN under ``average`` for a lonely stratum).

    Returns the per-stratum matrices, whether each is usable, the stratum codes' parents and codes.
    """
    p = x.shape[1]
    strata, s_first, s_index = np.unique(stage.stratum[rows], return_index=True, return_inverse=True)
    clusters, c_first, c_index = np.unique(stage.cluster[rows], return_index=True, return_inverse=True)
    totals = _rowsum(x, c_index, clusters.size)
    c_rows = rows[c_first]
    c_stratum = s_index[c_first]
    n_psu = stage.sampled[c_rows].astype(np.float64)
    f = stage.fraction_kept[c_rows]
    lonely = n_psu == 1
    scale = np.where(lonely, f, f * n_psu / np.where(lonely, 2.0, n_psu - 1.0))
    means = _rowsum(totals, c_stratum, strata.size) / stage.sampled[rows[s_first]][:, None]
    centred = totals - means[c_stratum]
    if single_psu is SinglePSU.adjust:  # R leaves a lonely PSU's total uncentred
        centred = np.where(lonely[:, None], totals, centred)
    weighted = centred * np.sqrt(scale)[:, None]
    outer = (weighted[:, :, None] * weighted[:, None, :]).reshape(clusters.size, p * p)
    per_stratum = _rowsum(outer, c_stratum, strata.size).reshape(strata.size, p, p)
    s_rows = rows[s_first]
    exhausted = np.ones(strata.size, dtype=bool)  # R: a stratum with every f < 1e-7 adds exactly 0
    np.logical_and.at(exhausted, c_stratum, f < 1e-7)
    per_stratum[exhausted] = 0.0
    s_lonely = (stage.sampled[s_rows] == 1) & ~exhausted
    if s_lonely.any() and single_psu is SinglePSU.fail:
        raise InvalidInput("a stratum has only one PSU", code="single-psu-stratum")
    usable = ~(s_lonely & (single_psu is SinglePSU.average))
    return per_stratum, usable.astype(np.float64), parent[s_rows].astype(np.float64), strata


def _multistage(x: FloatArray, sample: SurveySample, level: int, factor: FloatArray) -> FloatArray:
    stage = sample.stages[level]
    rows = np.arange(x.shape[0])
    parent = sample.stages[level - 1].cluster if level else np.zeros(x.shape[0], dtype=np.int64)
    per_stratum, usable, s_parent, _ = _one_stage(x, stage, rows, sample.design.single_psu, parent)
    s_factor = factor[_first_rows(stage.stratum)]
    # R (onestage): per parent cluster, the usable strata's sum times nstrat / nokstrat
    _, p_index = np.unique(s_parent, return_inverse=True)
    n_strata = np.bincount(p_index).astype(np.float64)
    n_ok = np.bincount(p_index, weights=usable)
    with np.errstate(divide="ignore", invalid="ignore"):
        inflate = (n_strata / n_ok)[p_index]
    weight = np.where(usable > 0, inflate, 0.0) * s_factor
    variance: FloatArray = np.einsum("s,sij->ij", weight, per_stratum)
    if (n_ok == 0).any():
        variance = variance * np.nan
    if sample.has_fpc and level + 1 < len(sample.stages):
        population = stage.population
        assert population is not None
        variance = variance + _multistage(x, sample, level + 1, factor * stage.sampled / population)
    return variance


def _first_rows(codes: IntArray) -> IntArray:
    _, first = np.unique(codes, return_index=True)
    return first.astype(np.int64)


def covariance(x: FloatArray, sample: SurveySample) -> FloatArray:
    """The design covariance of the estimates whose linearized contributions are the columns of ``x``."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    x = calibrated(x, sample)
    return _multistage(x, sample, 0, np.ones(x.shape[0]))
