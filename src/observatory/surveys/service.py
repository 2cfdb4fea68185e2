"""Service functions over the estimators, shared by the CLI (and the API): read microdata and a design
file, bind them, run one estimator.

Readers are chosen by file suffix from the public, extendable :data:`READERS` (CSV, Parquet, and SPSS
``.sav``/Stata ``.dta`` with their value labels through :mod:`.microdata`). A design file is TOML with a
``[design]`` table (the fields of :class:`~observatory.model.survey.Design`) or a ``[replicate]`` table
(the fields of :class:`~observatory.model.survey.ReplicateDesign`; ``replicate_weights = "repw*"`` takes
every column whose name starts with ``repw``, in data order).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd

from observatory.errors import ErrorLocation, InvalidInput, NotFound
from observatory.model.survey import Design, ReplicateDesign
from observatory.surveys import estimate as estimators
from observatory.surveys.design import SurveySample
from observatory.surveys.microdata import read_labelled
from observatory.surveys.quantile import quantile
from observatory.surveys.replication import ReplicateSample
from observatory.surveys.results import Estimates

READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    ".csv": lambda path: pd.read_csv(path, low_memory=False),
    ".parquet": pd.read_parquet,
    ".sav": read_labelled,  # SPSS, codes kept and value labels in frame.attrs (pyreadstat: survey extra)
    ".zsav": read_labelled,
    ".dta": read_labelled,  # Stata
}


class Estimator(StrEnum):
    mean = "mean"
    total = "total"
    proportion = "proportion"
    ratio = "ratio"
    quantile = "quantile"


def read_microdata(path: Path) -> pd.DataFrame:
    """A data file as a DataFrame, by suffix (see :data:`READERS`)."""
    if not path.is_file():
        raise NotFound(f"no such file: {path}", code="file-not-found", location=ErrorLocation(file=str(path)))
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InvalidInput(
            f"cannot read {path.suffix or 'a file without suffix'}; readable: {', '.join(sorted(READERS))}",
            code="unknown-format",
            location=ErrorLocation(file=str(path)),
        )
    try:
        return reader(path)
    except InvalidInput:
        raise
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"cannot read the file: {exc}", code="invalid-input", location=ErrorLocation(file=str(path))
        ) from None


def load_design(path: Path, columns: list[str]) -> Design | ReplicateDesign:
    """A design from a TOML file: a ``[design]`` or a ``[replicate]`` table."""
    if not path.is_file():
        raise NotFound(
            f"no such design file: {path}", code="file-not-found", location=ErrorLocation(file=str(path))
        )
    try:
        parsed = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"not valid TOML: {exc}", code="invalid-design", location=ErrorLocation(file=str(path))
        ) from None
    tables = [name for name in ("design", "replicate") if name in parsed]
    if len(tables) != 1:
        raise InvalidInput(
            "a design file needs exactly one [design] or [replicate] table",
            code="invalid-design",
            location=ErrorLocation(file=str(path)),
        )
    values: dict[str, Any] = dict(parsed[tables[0]])
    if tables[0] == "design":
        return Design.from_mapping(values)
    pattern = values.get("replicate_weights")
    if isinstance(pattern, str) and pattern.endswith("*"):
        values["replicate_weights"] = tuple(c for c in columns if c.startswith(pattern[:-1]))
    try:
        return ReplicateDesign(**values)
    except TypeError as exc:
        raise InvalidInput(
            f"bad [replicate] table: {exc}", code="invalid-design", location=ErrorLocation(file=str(path))
        ) from None


def bind(
    data: pd.DataFrame, design: Design | ReplicateDesign, source: str | None
) -> SurveySample | ReplicateSample:
    if isinstance(design, ReplicateDesign):
        return ReplicateSample.build(data, design, source=source)
    return SurveySample.build(data, design, source=source)


def run(
    sample: SurveySample | ReplicateSample,
    estimator: Estimator,
    variable: str,
    *,
    by: str | None = None,
    na_rm: bool = False,
    level: float = 0.95,
) -> Estimates:
    """One estimator; ``variable`` is ``NUM/DEN`` for a ratio, ``VAR:P`` (``VAR``: median) for a quantile."""
    if estimator is Estimator.ratio:
        numerator, slash, denominator = variable.partition("/")
        if not slash or not numerator or not denominator:
            raise InvalidInput(f"a ratio is NUM/DEN, got {variable!r}", code="invalid-estimator")
        return estimators.ratio(sample, numerator, denominator, by=by, na_rm=na_rm, level=level)
    if estimator is Estimator.quantile:
        name, colon, p = variable.rpartition(":")
        if not colon:
            name, p = variable, "0.5"
        try:
            probability = float(p)
        except ValueError:
            raise InvalidInput(
                f"a quantile is VAR:P (api00:0.5), got {variable!r}", code="invalid-quantile"
            ) from None
        return quantile(sample, name, probability, by=by, na_rm=na_rm, level=level)
    function = {
        Estimator.mean: estimators.mean,
        Estimator.total: estimators.total,
        Estimator.proportion: estimators.proportion,
    }[estimator]
    return function(sample, variable, by=by, na_rm=na_rm, level=level)
