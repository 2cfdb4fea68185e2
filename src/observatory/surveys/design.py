"""A :class:`~observatory.model.survey.Design` bound to data: the checked, frozen sample (R: ``svydesign``).

Everything R's ``svydesign`` derives is derived here once: weights (given, ``1/probs``, or from the fpc),
cluster codes nested as R nests them (later stages inside earlier ones; inside strata with ``nest``),
strata per stage (later stages inside the previous stage's cluster), the number of sampled PSUs of each
stratum and the population sizes from the fpc. Bad designs are refused here, each error naming the column
and the first offending row (1-based, counting data rows).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.survey import Design, SinglePSU

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Stage:
    """One sampling stage: per row, its cluster, its stratum, the PSUs sampled and in the population."""

    cluster: IntArray
    stratum: IntArray
    sampled: IntArray  # clusters of this stage sampled in the row's stratum (R's fpc$sampsize)
    population: FloatArray | None  # clusters in the population of that stratum (R's fpc$popsize)

    @property
    def fraction_kept(self) -> FloatArray:
        """R's ``f``: 1 - sampling fraction, 1 without fpc (sampling with replacement)."""
        if self.population is None:
            return np.ones(len(self.cluster))
        with np.errstate(invalid="ignore"):
            return np.where(
                np.isinf(self.population), 1.0, (self.population - self.sampled) / self.population
            )


@dataclass(frozen=True, eq=False)
class PostStratum:
    """One post-stratification step kept for the variance (R's ``design$postStrata`` entry)."""

    codes: IntArray  # the post-stratum of each row
    weights: FloatArray  # weights after the step
    old_weights: FloatArray  # weights before it


@dataclass(frozen=True, eq=False)
class Raking:
    """The margins of a raking, as their last post-stratification steps, and whether it converged."""

    margins: tuple[PostStratum, ...]
    iterations: int
    converged: bool


Calibration = PostStratum | Raking


def locate(source: str | None, column: str | None, index: int | None) -> ErrorLocation:
    """A location naming the file, the column and the row (data rows counted from 1)."""
    return ErrorLocation(file=source, column=column, row=None if index is None else index + 1)


def require_columns(data: pd.DataFrame, names: tuple[str, ...], source: str | None) -> None:
    """Refuse a column the data does not have, listing (some of) the ones it has."""
    for name in names:
        if name not in data.columns:
            have = ", ".join(map(str, list(data.columns)[:12])) + (", ..." if len(data.columns) > 12 else "")
            raise InvalidInput(
                f"variable {name!r} is not in the data (columns: {have})",
                code="unknown-variable",
                location=ErrorLocation(file=source, column=name),
            )


def numeric_column(data: pd.DataFrame, name: str, source: str | None, what: str) -> FloatArray:
    """A column as floats; text that is not a number is refused at its first row."""
    values = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(np.isnan(values) & data[name].notna().to_numpy())
    if bad.size:
        raise InvalidInput(
            f"{what} {data[name].iloc[bad[0]]!r} is not a number",
            code="non-numeric-value",
            location=locate(source, name, int(bad[0])),
        )
    result: FloatArray = values
    return result


def _codes(frame: pd.DataFrame) -> IntArray:
    """One integer per distinct combination of the columns (R's ``interaction``)."""
    codes: IntArray = (
        frame.groupby(list(frame.columns), sort=True, dropna=False).ngroup().to_numpy(dtype=np.int64)
    )
    return codes


def _no_missing(data: pd.DataFrame, names: tuple[str, ...], code: str, source: str | None) -> None:
    for name in names:
        missing = np.flatnonzero(data[name].isna().to_numpy())
        if missing.size:
            raise InvalidInput(
                f"{name!r} is missing at {missing.size} row(s); every row needs a value",
                code=code,
                location=locate(source, name, int(missing[0])),
            )


def _weights(data: pd.DataFrame, design: Design, source: str | None) -> FloatArray | None:
    name = design.weights or design.probs
    if name is None:
        return None
    values = numeric_column(data, name, source, "weight" if design.weights else "probability")
    missing = np.flatnonzero(np.isnan(values))
    if missing.size:
        raise InvalidInput(
            f"{name!r} is missing at {missing.size} row(s)",
            code="weight-missing",
            location=locate(source, name, int(missing[0])),
        )
    bad = np.flatnonzero(~(values > 0) | np.isinf(values))
    if bad.size:
        raise InvalidInput(
            f"{name!r} must be positive and finite; row value {values[bad[0]]!r} ({bad.size} such row(s))",
            code="weight-not-positive",
            location=locate(source, name, int(bad[0])),
        )
    return values if design.weights else 1.0 / values


def _check_nesting(clusters: pd.Series, strata: pd.Series, source: str | None, design: Design) -> None:
    """Without ``nest``, a first-stage cluster may not appear in two strata (R's check.strata)."""
    first = pd.DataFrame({"c": clusters.to_numpy(), "s": strata.to_numpy()})
    per_cluster = first.groupby("c", sort=False)["s"].transform("nunique").to_numpy()
    if (per_cluster > 1).any():
        # the first row whose cluster was already seen in another stratum
        seen = first.groupby("c", sort=False)["s"].transform("first").to_numpy()
        row = int(np.flatnonzero(seen != first["s"].to_numpy())[0])
        raise InvalidInput(
            f"cluster {clusters.iloc[row]!r} of {design.ids[0]!r} appears in several strata of "
            f"{design.strata[0]!r}; cluster ids repeat across strata? use nest (R's nest=TRUE)",
            code="cluster-in-several-strata",
            location=locate(source, design.ids[0], row),
        )


@dataclass(frozen=True, eq=False)
class SurveySample:
    """Data with its design, checked and frozen. Build it with :meth:`build`."""

    data: pd.DataFrame
    design: Design
    weights: FloatArray
    stages: tuple[Stage, ...]
    calibration: tuple[Calibration, ...] = ()
    source: str | None = None

    @classmethod
    def build(cls, data: pd.DataFrame, design: Design, *, source: str | None = None) -> SurveySample:
        """Bind ``design`` to ``data``, refusing what R's ``svydesign`` refuses (and zero weights)."""
        require_columns(data, design.columns, source)
        if len(data) == 0:
            raise InvalidInput(
                "the data have no rows", code="empty-file", location=ErrorLocation(file=source)
            )
        _no_missing(data, design.ids, "cluster-missing", source)
        _no_missing(data, design.strata, "stratum-missing", source)
        data = data.reset_index(drop=True)
        stages = _stages(data, design, source)
        weights = _weights(data, design, source)
        if weights is None:
            weights = np.ones(len(data))
            if stages[0].population is not None:  # R: probabilities from the fpc, stage by stage
                for stage in stages:
                    if stage.population is not None:
                        weights = weights * stage.population / stage.sampled
        sample = cls(data=data, design=design, weights=weights, stages=stages, source=source)
        _check_single_psu(sample)
        return sample

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def has_fpc(self) -> bool:
        return self.stages[0].population is not None

    def column(self, name: str) -> pd.Series:
        require_columns(self.data, (name,), self.source)
        return self.data[name]

    def degf(self, mask: npt.NDArray[np.bool_] | None = None) -> int:
        """R's ``degf``: first-stage clusters minus strata, among rows with a weight (in the domain)."""
        keep = self.weights != 0 if mask is None else mask & (self.weights != 0)
        first = self.stages[0]
        return int(np.unique(first.cluster[keep]).size - np.unique(first.stratum[keep]).size)

    def with_weights(self, weights: FloatArray, calibration: Calibration) -> SurveySample:
        """The same sample with calibrated weights and the calibration kept for the variance."""
        return replace(self, weights=weights, calibration=(*self.calibration, calibration))

    def update(self, **changes: Any) -> SurveySample:
        """The sample rebuilt from the same data with a changed design (``Design.update`` fields)."""
        return SurveySample.build(self.data, self.design.update(**changes), source=self.source)


def _fpc_population(
    data: pd.DataFrame, design: Design, sampled: list[IntArray], source: str | None
) -> list[FloatArray | None]:
    """Population sizes per stage from the fpc columns, as R's ``as.fpc`` reads them."""
    if not design.fpc:
        return [None] * design.stages
    values = [numeric_column(data, name, source, "fpc") for name in design.fpc]
    for name, column in zip(design.fpc, values, strict=True):
        missing = np.flatnonzero(np.isnan(column) | (column < 0))
        if missing.size:
            raise InvalidInput(
                f"fpc {name!r} is missing or negative at {missing.size} row(s)",
                code="fpc-missing",
                location=locate(source, name, int(missing[0])),
            )
    stacked = np.column_stack(values)
    sizes = bool((stacked > 1).any())
    if sizes and (stacked < 1).any():
        stage, row = divmod(int(np.flatnonzero((stacked < 1).T.ravel())[0]), len(data))
        raise InvalidInput(
            "fpc mixes population sizes (> 1) and sampling fractions (< 1); give all of one kind",
            code="fpc-invalid",
            location=locate(source, design.fpc[stage], row),
        )
    populations: list[FloatArray | None] = []
    for stage in range(design.stages):
        if stage >= len(values):  # no fpc for a later stage: sampled with replacement there
            populations.append(np.full(len(data), np.inf))
            continue
        with np.errstate(divide="ignore"):
            population = values[stage] if sizes else sampled[stage] / values[stage]
        short = np.flatnonzero(population < sampled[stage])
        if short.size:
            raise InvalidInput(
                f"fpc {design.fpc[stage]!r} implies more than 100% sampling: population "
                f"{population[short[0]]:g} but {sampled[stage][short[0]]} sampled in the stratum",
                code="fpc-invalid",
                location=locate(source, design.fpc[stage], int(short[0])),
            )
        populations.append(population)
    return populations


def _stages(data: pd.DataFrame, design: Design, source: str | None) -> tuple[Stage, ...]:
    n = len(data)
    ids = [data[name].astype(str) for name in design.ids] or [pd.Series(np.arange(n), dtype=str)]
    strata = [data[name].astype(str) for name in design.strata] or [pd.Series(["1"] * n)]
    if design.strata and design.ids and not design.nest:
        _check_nesting(ids[0], strata[0], source, design)
    if len(design.ids) <= 1 and not (design.nest and design.strata) and ids[0].nunique() == 1:
        raise InvalidInput(
            "the design has only one primary sampling unit",
            code="single-psu-design",
            location=ErrorLocation(file=source, column=design.ids[0] if design.ids else None),
        )
    clusters: list[IntArray] = []
    stratum_codes: list[IntArray] = []
    for stage in range(len(ids)):
        parts = {f"i{k}": ids[k] for k in range(stage + 1)}  # later stages nested in earlier ones
        if design.nest and design.strata:
            parts = {**{f"s{k}": strata[k] for k in range(min(stage + 1, len(strata)))}, **parts}
        clusters.append(_codes(pd.DataFrame(parts)))
        if stage == 0:
            stratum_codes.append(_codes(pd.DataFrame({"s": strata[0]})))
        else:  # R: strata[, i] <- interaction(strata[, min(i, NS)], ids[, i - 1])
            own = strata[min(stage, len(strata) - 1)] if design.strata else pd.Series(["1"] * n)
            stratum_codes.append(_codes(pd.DataFrame({"s": own, "c": clusters[stage - 1]})))
    sampled = [
        pd.DataFrame({"s": s, "c": c}).groupby("s")["c"].transform("nunique").to_numpy(dtype=np.int64)
        for s, c in zip(stratum_codes, clusters, strict=True)
    ]
    populations = _fpc_population(data, design, sampled, source)
    return tuple(
        Stage(cluster=c, stratum=s, sampled=m, population=p)
        for c, s, m, p in zip(clusters, stratum_codes, sampled, populations, strict=True)
    )


def _check_single_psu(sample: SurveySample) -> None:
    """Under ``fail``, refuse a stratum with one PSU at a stage whose variance R computes."""
    if sample.design.single_psu is not SinglePSU.fail:
        return
    computed = sample.stages if sample.has_fpc else sample.stages[:1]
    for level, stage in enumerate(computed):
        lonely = np.flatnonzero((stage.sampled == 1) & (stage.fraction_kept >= 1e-7))
        if lonely.size:
            row = int(lonely[0])
            column = (
                sample.design.strata[0]
                if level == 0 and sample.design.strata
                else (sample.design.ids[level - 1] if level else None)
            )
            where = f"stratum {sample.data[column].iloc[row]!r}" if column else "a stratum"
            raise InvalidInput(
                f"{where} has only one PSU at stage {level + 1}; choose single_psu remove, adjust, "
                "average or certainty (R's survey.lonely.psu)",
                code="single-psu-stratum",
                location=locate(sample.source, column, row),
            )
