"""Tidy, frozen results of survey estimators."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from observatory.model.survey import VarianceMethod


class Statistic(StrEnum):
    mean = "mean"
    total = "total"
    proportion = "proportion"
    ratio = "ratio"
    quantile = "quantile"


def _clean(value: float | None) -> float | None:
    """NaN (R's NA) as None, so that JSON stays valid."""
    return None if value is None or math.isnan(value) else value


@dataclass(frozen=True)
class Estimate:
    """One estimate: of a domain (``domain``, None for the whole population) and a term.

    ``term`` is the level for a proportion, the quantile's probability, or the variable. ``n`` is the
    unweighted base (rows in the domain with a value), ``population`` the sum of their weights.
    ``deff`` is R's ``deff=TRUE`` design effect (against simple random sampling without replacement of
    ``n`` from ``population``); None where R gives none (quantiles).
    """

    term: str
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    deff: float | None
    n: int
    population: float
    domain: str | None = None

    @property
    def cv(self) -> float:
        """Coefficient of variation, se / |estimate|."""
        return self.se / abs(self.estimate) if self.estimate else math.inf

    def to_dict(self) -> dict[str, Any]:
        body = asdict(self)
        for key in ("estimate", "se", "ci_lower", "ci_upper", "deff"):
            body[key] = _clean(body[key])
        return body


@dataclass(frozen=True)
class Estimates:
    """The estimates of one estimator call, one row per domain and term, in R's order."""

    statistic: Statistic
    variable: str
    rows: tuple[Estimate, ...]
    method: VarianceMethod
    level: float = 0.95
    by: str | None = None
    df: float | None = None  # degrees of freedom of the interval (None: normal quantiles)

    def __iter__(self) -> Iterator[Estimate]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, domain: str | None = None, term: str | None = None) -> Estimate:
        """The row of a domain (and term); KeyError naming what exists otherwise."""
        for row in self.rows:
            if row.domain == domain and (term is None or row.term == term):
                return row
        have = ", ".join(f"{r.domain}/{r.term}" for r in self.rows)
        raise KeyError(f"no estimate for domain {domain!r} term {term!r}; have {have}")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: one estimate inline, several (domains, levels) as ``estimates``."""
        body: dict[str, Any] = {
            "statistic": self.statistic.value,
            "variable": self.variable,
            "by": self.by,
            "method": self.method.value,
            "level": self.level,
        }
        if len(self.rows) == 1 and self.by is None:
            body.update(self.rows[0].to_dict())
        else:
            body["estimates"] = [row.to_dict() for row in self.rows]
        return body

    def to_dataframe(self) -> pd.DataFrame:
        columns = ["domain", "term", "estimate", "se", "ci_lower", "ci_upper", "deff", "n", "population"]
        frame = pd.DataFrame([asdict(row) for row in self.rows], columns=columns)
        frame.insert(0, "variable", self.variable)
        frame.insert(0, "statistic", self.statistic.value)
        return frame
