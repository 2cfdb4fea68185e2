"""Quantiles as R's default ``svyquantile``: ``qrule="math"`` and the Woodruff interval.

The point is the inverse of the weighted distribution function (the smallest value whose cumulative
weight share reaches ``p``; R's ``qrule_math``, cumulated in extended precision as R does). The interval
is Woodruff's (``interval.type="mean"``): the interval of the estimated share at or below the quantile,
``m +/- t(df) se(m)`` with ``df`` the design's degrees of freedom (``degf``), mapped back through the
same rule; the standard error is its width over ``2 t(df)``, as R reports it.
"""

from __future__ import annotations

import math

import numpy as np

from observatory.errors import InvalidInput
from observatory.surveys.design import FloatArray
from observatory.surveys.distributions import t_quantile
from observatory.surveys.estimate import Sample, _domains, _finish, _linear, _method, _numeric
from observatory.surveys.results import Estimate, Estimates, Statistic


def quantile_math(values: FloatArray, weights: FloatArray, p: float) -> float:
    """R's ``qrule_math``: the weighted quantile with no interpolation."""
    keep = weights != 0
    x, w = values[keep], weights[keep]
    order = np.argsort(x, kind="stable")
    x = x[order]
    cumulative = np.cumsum(w[order].astype(np.longdouble))
    total = float(cumulative[-1])
    cumw = cumulative.astype(np.float64)
    below = np.flatnonzero(cumw <= p * total)
    pos = int(below[-1]) if below.size else 0
    following = pos if pos == x.size - 1 else pos + 1
    return float(x[pos]) if p - cumw[pos] / total == 0 else float(x[following])


def quantile(
    sample: Sample,
    variable: str,
    p: float = 0.5,
    *,
    by: str | None = None,
    na_rm: bool = False,
    level: float = 0.95,
) -> Estimates:
    """The ``p`` quantile with its Woodruff interval and standard error (R: ``svyquantile``)."""
    if not 0.0 <= p <= 1.0:
        raise InvalidInput(f"quantile probability must lie in [0, 1], got {p}", code="invalid-quantile")
    if not 0.0 < level < 1.0:
        raise InvalidInput(f"confidence level must lie between 0 and 1, got {level}", code="invalid-level")
    domains = _domains(sample, by)
    y = _numeric(sample, variable, na_rm, domains)
    valid = ~np.isnan(y)
    rows: list[Estimate] = []
    for label, domain in domains:
        mask = domain & valid
        if not mask.any():
            continue
        qhat = quantile_math(y[mask], sample.weights[mask], p)
        below = np.where(y <= qhat, 1.0, 0.0)
        share = _finish(
            sample,
            Statistic.mean,
            variable,
            None,
            _linear(sample, [(label, domain)], [("share", below, np.ones(sample.n), valid)]),
            level,
            scale_srs_to_total=False,
        ).rows[0]
        df = sample.degf(mask)
        crit = t_quantile(0.5 + level / 2, df) if df > 0 else math.nan
        low_p, high_p = share.estimate - crit * share.se, share.estimate + crit * share.se
        lower = (
            math.nan
            if math.isnan(low_p) or low_p < 0
            else quantile_math(y[mask], sample.weights[mask], low_p)
        )
        upper = (
            math.nan
            if math.isnan(high_p) or high_p > 1
            else quantile_math(y[mask], sample.weights[mask], high_p)
        )
        rows.append(
            Estimate(
                term=f"{p:g}",
                estimate=qhat,
                se=(upper - lower) / (2 * crit),
                ci_lower=lower,
                ci_upper=upper,
                deff=None,
                n=int(mask.sum()),
                population=float(sample.weights[mask].sum()),
                domain=label,
            )
        )
    return Estimates(Statistic.quantile, variable, tuple(rows), _method(sample), level, by)
