"""Fixtures for the survey tests: the R ``api`` samples and R's reference values."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from observatory.model.survey import Design, ReplicateDesign, ReplicateMethod
from observatory.surveys.calibration import post_stratify, rake
from observatory.surveys.design import SurveySample
from observatory.surveys.replication import ReplicateSample, as_replicate

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "surveys" / "r_reference.json"
Sample = SurveySample | ReplicateSample


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def api(shared_data: Path) -> Callable[[str], pd.DataFrame]:
    folder = shared_data / "survey_api"
    cache: dict[str, pd.DataFrame] = {}

    def load(name: str) -> pd.DataFrame:
        if name not in cache:
            cache[name] = pd.read_csv(folder / f"{name}.csv")
        return cache[name].copy()

    return load


TAYLOR = {
    "srs": ("apisrs", Design(fpc="fpc")),
    "srs_nofpc": ("apisrs", Design(weights="pw")),
    "strat": ("apistrat", Design(strata="stype", weights="pw", fpc="fpc")),
    "clus1": ("apiclus1", Design(ids="dnum", weights="pw", fpc="fpc")),
    "clus1_nofpc": ("apiclus1", Design(ids="dnum", weights="pw")),
    "clus2": ("apiclus2", Design(ids=("dnum", "snum"), fpc=("fpc1", "fpc2"))),
    "clus2_pw": ("apiclus2", Design(ids="dnum+snum", weights="pw")),
}


def _margin(reference: dict[str, Any], variable: str) -> dict[str, float]:
    return {row[variable]: row["Freq"] for row in reference["populations"][variable]}


def _declared(api: Callable[[str], pd.DataFrame], reference: dict[str, Any], name: str) -> ReplicateSample:
    """R's own replicate weights, declared as given replicate weights (R: svrepdesign)."""
    exported = reference["replicates"][name]
    data = api("apiclus1" if name == "boot" else "apiclus2")
    factors = np.asarray(exported["factors"])[np.asarray(exported["index"], dtype=int) - 1]
    columns = [f"rw{r + 1}" for r in range(factors.shape[1])]
    data = pd.concat([data, pd.DataFrame(factors * data[["pw"]].to_numpy(), columns=columns)], axis=1)
    method = ReplicateMethod.bootstrap if name == "boot" else ReplicateMethod.brr
    design = ReplicateDesign(
        method=method,
        replicate_weights=tuple(columns),
        weights="pw",
        rho=float(exported["rho"] or 0.0),
        scale=float(exported["scale"]) if name == "boot" else None,
    )
    return ReplicateSample.build(data, design)


@pytest.fixture(scope="session")
def samples(api: Callable[[str], pd.DataFrame], reference: dict[str, Any]) -> dict[str, Sample]:
    """Every design of the reference file, built the way R built it."""
    built: dict[str, Sample] = {
        name: SurveySample.build(api(data), design) for name, (data, design) in TAYLOR.items()
    }
    clus1 = built["clus1"]
    assert isinstance(clus1, SurveySample)
    stype, schwide = _margin(reference, "stype"), _margin(reference, "sch.wide")
    built["poststrat"] = post_stratify(clus1, "stype", stype)
    built["raked"] = rake(clus1, {"stype": stype, "sch.wide": schwide})
    built["jk1"] = as_replicate(clus1, ReplicateMethod.jk1)
    strat = built["strat"]
    assert isinstance(strat, SurveySample)
    built["jkn"] = as_replicate(strat, ReplicateMethod.jkn)
    for name in ("brr", "fay", "boot"):
        built[name] = _declared(api, reference, name)
    return built
