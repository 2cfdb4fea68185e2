"""Post-stratification and raking to population margins (R: ``postStratify`` and ``rake``).

Margins are a mapping ``{level: population count}`` or a DataFrame with the variable's column and a
count column (``Freq`` as R's, or the one other column). The calibrated sample keeps each step so that
the Taylor variance uses the residuals from the post-stratum means, exactly as R's ``svyrecvar`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from observatory.errors import ErrorLocation, InvalidInput
from observatory.surveys.design import FloatArray, PostStratum, Raking, SurveySample

Margin: TypeAlias = "Mapping[Any, float] | pd.DataFrame"


def _population(variable: str, margin: Margin) -> dict[str, float]:
    if isinstance(margin, pd.DataFrame):
        if variable not in margin.columns:
            raise InvalidInput(
                f"population margin has no column {variable!r}",
                code="unknown-variable",
                location=ErrorLocation(column=variable),
            )
        others = [c for c in margin.columns if c != variable]
        count = "Freq" if "Freq" in others else (others[0] if len(others) == 1 else None)
        if count is None:
            raise InvalidInput(
                f"population margin for {variable!r} needs one count column (or 'Freq'); has {others}",
                code="invalid-margin",
            )
        population = {
            str(level): float(value) for level, value in zip(margin[variable], margin[count], strict=True)
        }
    else:
        population = {str(level): float(value) for level, value in margin.items()}
    bad = [level for level, value in population.items() if not value >= 0]
    if bad:
        raise InvalidInput(
            f"population count for {variable}={bad[0]!r} is not a non-negative number", code="invalid-margin"
        )
    return population


def _step(
    sample: SurveySample, weights: FloatArray, variable: str, margin: Margin, partial: bool
) -> PostStratum:
    column = sample.column(variable)
    missing = np.flatnonzero(column.isna().to_numpy())
    if missing.size:
        raise InvalidInput(
            f"{variable!r} is missing at {missing.size} row(s); every row needs a post-stratum",
            code="missing-value",
            location=ErrorLocation(file=sample.source, column=variable, row=int(missing[0]) + 1),
        )
    labels = column.astype(str).to_numpy()
    population = _population(variable, margin)
    levels, codes = np.unique(labels, return_inverse=True)
    sampled = np.bincount(codes, weights=weights)
    unknown = [level for level in levels if level not in population]
    if unknown:
        raise InvalidInput(
            f"{variable}={unknown[0]!r} is in the sample but not in the population margin",
            code="unknown-post-stratum",
            location=ErrorLocation(column=variable, row=int(np.flatnonzero(labels == unknown[0])[0]) + 1),
        )
    empty = [level for level, count in population.items() if count > 0 and level not in set(levels)]
    if empty and not partial:
        raise InvalidInput(
            f"post-stratum {variable}={empty[0]!r} has population {population[empty[0]]:g} but no sample "
            "rows; collapse it or use partial (R: partial=TRUE)",
            code="empty-post-stratum",
            location=ErrorLocation(column=variable),
        )
    factor = np.array([population[level] for level in levels]) / sampled
    return PostStratum(codes=codes.astype(np.int64), weights=weights * factor[codes], old_weights=weights)


def post_stratify(
    sample: SurveySample, variable: str, population: Margin, *, partial: bool = False
) -> SurveySample:
    """Weights scaled so that each post-stratum sums to its population count (R: ``postStratify``)."""
    step = _step(sample, sample.weights, variable, population, partial)
    return sample.with_weights(step.weights, step)


def rake(
    sample: SurveySample,
    margins: Mapping[str, Margin],
    *,
    max_iterations: int = 10,
    epsilon: float = 1.0,
) -> SurveySample:
    """Iterative proportional fitting to several margins (R: ``rake`` with its default control).

    Stops when no cell of the cross-table of all margin variables moves by ``epsilon`` or more
    (``epsilon`` < 1 is a share of the total weight, as R) or after ``max_iterations``; ``converged``
    on the kept :class:`Raking` says which.
    """
    if not margins:
        raise InvalidInput("rake needs at least one margin", code="invalid-margin")
    variables = list(margins)
    cells = pd.DataFrame({v: sample.column(v).astype(str) for v in variables}).groupby(variables).ngroup()
    codes = cells.to_numpy()
    tolerance = epsilon * sample.weights.sum() if epsilon < 1 else epsilon
    weights = sample.weights
    old_table = np.bincount(codes, weights=weights)
    converged = False
    iterations = 0
    steps: list[PostStratum] = []
    while iterations < max_iterations:
        steps = []
        for variable in variables:
            steps.append(_step(sample, weights, variable, margins[variable], False))
            weights = steps[-1].weights
        new_table = np.bincount(codes, weights=weights)
        if np.abs(old_table - new_table).max() < tolerance:
            converged = True
            break
        old_table = new_table
        iterations += 1
    return sample.with_weights(
        weights, Raking(margins=tuple(steps), iterations=iterations, converged=converged)
    )
