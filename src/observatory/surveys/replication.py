"""Replicate-weight designs: declared from given weights (R's ``svrepdesign``) or made from a design
(R's ``as.svrepdesign``: JK1, JKn, BRR and Fay, bootstrap), and the replicate variance (R's ``svrVar``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.survey import ReplicateDesign, ReplicateMethod, SinglePSU
from observatory.surveys.design import FloatArray, SurveySample, locate, numeric_column, require_columns
from observatory.surveys.hadamard import hadamard


@dataclass(frozen=True, eq=False)
class ReplicateSample:
    """Data with full-sample weights and an ``n x R`` matrix of (combined) replicate weights."""

    data: pd.DataFrame
    design: ReplicateDesign
    weights: FloatArray
    replicate_weights: FloatArray
    scale: float
    rscales: FloatArray
    mse: bool = False
    source: str | None = None

    @classmethod
    def build(
        cls, data: pd.DataFrame, design: ReplicateDesign, *, source: str | None = None
    ) -> ReplicateSample:
        """Bind declared replicate weights to data (R: ``svrepdesign``), refusing missing or negative ones."""
        require_columns(data, design.columns, source)
        data = data.reset_index(drop=True)
        if design.weights is None:
            weights = np.ones(len(data))
        else:
            weights = numeric_column(data, design.weights, source, "weight")
            bad = np.flatnonzero(np.isnan(weights))
            if bad.size:
                raise InvalidInput(
                    f"{design.weights!r} is missing at {bad.size} row(s)",
                    code="weight-missing",
                    location=locate(source, design.weights, int(bad[0])),
                )
            bad = np.flatnonzero(~(weights > 0) | np.isinf(weights))
            if bad.size:
                raise InvalidInput(
                    f"{design.weights!r} must be positive and finite; row value {weights[bad[0]]!r}",
                    code="weight-not-positive",
                    location=locate(source, design.weights, int(bad[0])),
                )
        columns = []
        for name in design.replicate_weights:
            values = numeric_column(data, name, source, "replicate weight")
            bad = np.flatnonzero(np.isnan(values) | (values < 0) | np.isinf(values))
            if bad.size:
                raise InvalidInput(
                    f"replicate weight {name!r} is missing, negative or infinite at {bad.size} row(s)",
                    code="replicate-weight-invalid",
                    location=locate(source, name, int(bad[0])),
                )
            columns.append(values)
        matrix = np.column_stack(columns)
        if not design.combined_weights:
            matrix = matrix * weights[:, None]
        return cls(
            data=data,
            design=design,
            weights=weights,
            replicate_weights=matrix,
            scale=design.resolved_scale,
            rscales=np.asarray(design.resolved_rscales, dtype=np.float64),
            mse=design.mse,
            source=source,
        )

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def replicates(self) -> int:
        return int(self.replicate_weights.shape[1])

    def column(self, name: str) -> pd.Series:
        require_columns(self.data, (name,), self.source)
        return self.data[name]

    def degf(self, mask: np.ndarray | None = None) -> int:
        """R's ``degf`` of a replicate design: the rank of the replicate weights, less one."""
        return int(np.linalg.matrix_rank(self.replicate_weights)) - 1

    def variance(self, thetas: FloatArray, estimate: FloatArray) -> FloatArray:
        """R's ``svrVar``: ``scale * sum(rscales * (theta_r - centre)^2)`` per column of ``thetas``."""
        centre = estimate if self.mse else thetas[self.rscales > 0].mean(axis=0)
        deviations = thetas - centre
        result: FloatArray = self.scale * (self.rscales[:, None] * deviations**2).sum(axis=0)
        return result


def _psus(sample: SurveySample) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First-stage PSU index of each row, and each PSU's stratum code and population size (or inf)."""
    first = sample.stages[0]
    _, row_of_psu, index = np.unique(first.cluster, return_index=True, return_inverse=True)
    population = first.population if first.population is not None else np.full(sample.n, np.inf)
    return index, first.stratum[row_of_psu], population[row_of_psu]


def _replicate_sample(
    sample: SurveySample,
    method: ReplicateMethod,
    factors: FloatArray,
    index: np.ndarray,
    scale: float,
    rscales: FloatArray,
    *,
    rho: float = 0.0,
    mse: bool = False,
) -> ReplicateSample:
    names = tuple(f"replicate_{r + 1}" for r in range(factors.shape[1]))
    declared = ReplicateDesign(
        method=method,
        replicate_weights=names,
        weights=sample.design.weights,
        combined_weights=True,
        rho=rho,
        scale=scale,
        rscales=tuple(float(v) for v in rscales),
        mse=mse,
    )
    return ReplicateSample(
        data=sample.data,
        design=declared,
        weights=sample.weights,
        replicate_weights=sample.weights[:, None] * factors[index],
        scale=scale,
        rscales=rscales,
        mse=mse,
        source=sample.source,
    )


def _jackknife_block(n: int) -> FloatArray:
    block = np.full((n, n), n / (n - 1.0)) if n > 1 else np.zeros((1, 1))
    np.fill_diagonal(block, 0.0)
    return block


def jk1(sample: SurveySample, *, mse: bool = False) -> ReplicateSample:
    """Delete-one-PSU jackknife of an unstratified design; with an fpc the scale is (1-f)(n-1)/n."""
    if sample.design.strata:
        raise InvalidInput(
            "JK1 is for unstratified designs; use jkn",
            code="invalid-design",
            location=ErrorLocation(field="method"),
        )
    index, _, population = _psus(sample)
    n = int(index.max()) + 1
    kept = 1.0 if np.isinf(population[0]) else (population[0] - n) / population[0]
    return _replicate_sample(
        sample, ReplicateMethod.jk1, _jackknife_block(n), index, kept * (n - 1) / n, np.ones(n), mse=mse
    )


def jkn(sample: SurveySample, *, mse: bool = False) -> ReplicateSample:
    """Stratified jackknife: one replicate per PSU, rscales (1 - f_h)(n_h - 1)/n_h (R's ``jknweights``)."""
    index, psu_stratum, population = _psus(sample)
    n_psu = psu_stratum.size
    strata = np.unique(psu_stratum)
    factors: list[FloatArray] = []
    rscales: list[float] = []
    for stratum in strata:
        members = np.flatnonzero(psu_stratum == stratum)
        size = members.size
        kept = (
            1.0
            if np.isinf(population[members[0]])
            else (population[members[0]] - size) / population[members[0]]
        )
        if kept == 0:  # exhaustively sampled: no replicates (R's survey.drop.replicates)
            continue
        if size == 1:
            option = sample.design.single_psu
            if option is SinglePSU.fail:
                raise InvalidInput(
                    "a stratum has only one PSU; JKn cannot delete it", code="single-psu-stratum"
                )
            if option is SinglePSU.adjust:
                column = np.full(n_psu, strata.size / (strata.size - 1.0))
                column[members] = 0.0
                factors.append(column[:, None])
                rscales.append((strata.size - 1.0) / strata.size)
            continue
        block = np.ones((n_psu, size))
        block[members] = _jackknife_block(size)
        factors.append(block)
        rscales.extend([kept * (size - 1) / size] * size)
    if not factors:
        raise InvalidInput(
            "every stratum was sampled exhaustively: no variance to estimate", code="invalid-design"
        )
    matrix = np.column_stack(factors)
    scale = n_psu / matrix.shape[1] if sample.design.single_psu is SinglePSU.average else 1.0
    if matrix.shape[1] == n_psu:
        scale = 1.0
    return _replicate_sample(sample, ReplicateMethod.jkn, matrix, index, scale, np.asarray(rscales), mse=mse)


def brr(sample: SurveySample, *, rho: float = 0.0, mse: bool = False) -> ReplicateSample:
    """Balanced repeated replication (Fay's method with ``rho`` > 0); needs exactly 2 PSUs per stratum.

    The replicates are the rows of a Hadamard matrix of the smallest order we can build above the number
    of strata (R may pick a different matrix, so single replicates differ from R's; the variance of a
    linear statistic does not). The fpc is not used (R drops it too).
    """
    index, psu_stratum, _ = _psus(sample)
    strata, counts = np.unique(psu_stratum, return_counts=True)
    if not sample.design.strata or (counts != 2).any():
        bad = strata[counts != 2][0] if (counts != 2).any() else None
        raise InvalidInput(
            f"BRR needs exactly 2 PSUs in every stratum (stratum code {bad} has "
            f"{counts[counts != 2][0] if bad is not None else 'no strata'})",
            code="brr-needs-two-psus",
        )
    matrix = hadamard(strata.size + 1)
    signs = matrix[:, 1 : strata.size + 1]  # drop the all-ones column: one column per stratum
    factors = np.empty((psu_stratum.size, matrix.shape[0]))
    for h, stratum in enumerate(strata):
        first, second = np.flatnonzero(psu_stratum == stratum)
        factors[first] = np.where(signs[:, h] > 0, 2.0 - rho, rho)
        factors[second] = 2.0 - factors[first]
    replicates = matrix.shape[0]
    return _replicate_sample(
        sample,
        ReplicateMethod.brr,
        factors,
        index,
        1.0 / (replicates * (1.0 - rho) ** 2),
        np.ones(replicates),
        rho=rho,
        mse=mse,
    )


def bootstrap(
    sample: SurveySample,
    *,
    replicates: int = 50,
    seed: int | None = None,
    rao_wu: bool = False,
    mse: bool = False,
) -> ReplicateSample:
    """Rescaled bootstrap of PSUs within strata, reproducible with ``seed``.

    Default: R's ``bootweights`` (Canty and Davison): n_h PSUs drawn with replacement (without
    replacement from the PSUs repeated to the population size when there is an fpc), factors the counts,
    scale h/((h-1)(R-1)) with h the harmonic mean of PSUs per stratum. ``rao_wu``: R's ``subbootstrap``,
    n_h - 1 draws, factors counts * n_h / (n_h - 1), scale 1/(R-1).
    """
    if replicates < 2:
        raise InvalidInput("a bootstrap needs at least 2 replicates", code="invalid-design")
    generator = np.random.default_rng(seed)
    index, psu_stratum, population = _psus(sample)
    factors = np.zeros((psu_stratum.size, replicates))
    sizes = []
    for stratum in np.unique(psu_stratum):
        members = np.flatnonzero(psu_stratum == stratum)
        size = members.size
        sizes.append(size)
        if size < 2:
            raise InvalidInput("a bootstrap stratum needs at least 2 PSUs", code="single-psu-stratum")
        for r in range(replicates):
            if rao_wu:
                draws = generator.integers(0, size, size - 1)
                factors[members, r] = np.bincount(draws, minlength=size) * size / (size - 1.0)
            elif np.isinf(population[members[0]]):
                factors[members, r] = np.bincount(generator.integers(0, size, size), minlength=size)
            else:
                pseudo = np.resize(np.arange(size), int(population[members[0]]))
                draws = generator.choice(pseudo, size=size, replace=False)
                factors[members, r] = np.bincount(draws, minlength=size)
    harmonic = 1.0 / float(np.mean(1.0 / np.asarray(sizes, dtype=np.float64)))
    scale = 1.0 / (replicates - 1) if rao_wu else harmonic / ((harmonic - 1.0) * (replicates - 1))
    return _replicate_sample(
        sample, ReplicateMethod.bootstrap, factors, index, scale, np.ones(replicates), mse=mse
    )


def as_replicate(
    sample: SurveySample,
    method: ReplicateMethod,
    *,
    rho: float = 0.0,
    replicates: int = 50,
    seed: int | None = None,
    mse: bool = False,
) -> ReplicateSample:
    """R's ``as.svrepdesign(design, type=)`` for JK1, JKn, BRR/Fay and bootstrap."""
    method = ReplicateMethod(method)
    if sample.calibration:
        raise InvalidInput(
            "make replicates before calibrating: calibrated weights would be reused unadjusted",
            code="invalid-design",
        )
    if method is ReplicateMethod.jk1:
        return jk1(sample, mse=mse)
    if method is ReplicateMethod.jkn:
        return jkn(sample, mse=mse)
    if method is ReplicateMethod.brr:
        return brr(sample, rho=rho, mse=mse)
    if method is ReplicateMethod.bootstrap:
        return bootstrap(sample, replicates=replicates, seed=seed, mse=mse)
    raise InvalidInput(f"cannot make {method.value!r} replicates from a design", code="invalid-design")
