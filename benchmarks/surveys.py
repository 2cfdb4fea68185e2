"""Survey estimation benchmark (issue 8): a domain mean by region with replicate standard errors.

One million respondents, 200 bootstrap replicate weights (made per PSU: 2,000 PSUs in 100 strata, as a
national survey's replicate file would carry them), 10 regions. Both sides get the same arrays and
compute the mean of ``y`` in each region with its replicate SE (variance ``1/(R-1) * sum (theta_r -
mean theta)^2``, R's ``svrVar`` for a bootstrap):

* **ours**: :func:`observatory.surveys.estimate.mean` with ``by="region"`` on a
  :class:`~observatory.surveys.replication.ReplicateSample` (R's ``svyby(~y, ~region, rep, svymean)``);
* **samplics**: ``ReplicateEstimator("bootstrap", "mean").estimate(..., domain=region,
  rep_coefs=1/(R-1))`` (the ``bench`` extra; samplics is archived, ``svy`` is its successor, but samplics
  is what the issue names and it does replicate-weight domain means).

The replicate weights are held as float32 in column-major order (800 MB instead of 1.6 GB; weights need no
more than 7 significant digits); every sum is in float64. Each side runs in a forked child that builds
the data itself (same seed) and reports its peak RSS (``ru_maxrss``, the data included) and the time of
the estimation alone; ``data_mb`` is a child that only builds the data. The estimates and SEs of both
sides must agree to 1e-5 relative (samplics sums the float32 replicate weights in float32, we sum in float64:
the SEs differ in the 7th digit).

    python benchmarks/surveys.py [--rows 1000000] [--replicates 200] [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from observatory.model.survey import ReplicateDesign, ReplicateMethod
from observatory.surveys.estimate import mean
from observatory.surveys.replication import ReplicateSample

REGIONS = 10


def make_data(rows: int, replicates: int, seed: int = 8) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    psus = 2_000
    psu = np.sort(rng.integers(0, psus, rows))
    stratum_of_psu = np.arange(psus) // (psus // 100)
    region = (stratum_of_psu[psu] // 10).astype(np.int64)
    weight = rng.uniform(50, 150, rows)
    y = rng.normal(100 + 5 * region, 20) + rng.normal(0, 10, psus)[psu]
    factors = np.zeros((psus, replicates), dtype=np.float32)
    for h in range(100):  # bootstrap: n_h - 1 PSUs drawn with replacement in each stratum, rescaled
        members = np.flatnonzero(stratum_of_psu == h)
        size = members.size
        for r in range(replicates):
            draws = np.bincount(rng.integers(0, size, size - 1), minlength=size)
            factors[members, r] = draws * size / (size - 1.0)
    repw = np.empty((rows, replicates), dtype=np.float32, order="F")
    for r in range(replicates):
        repw[:, r] = weight * factors[psu, r]
    return {"y": y, "region": region, "weight": weight, "repw": repw, "scale": 1.0 / (replicates - 1)}


def ours(data: dict[str, Any]) -> dict[str, tuple[float, float]]:
    replicates = data["repw"].shape[1]
    design = ReplicateDesign(
        method=ReplicateMethod.bootstrap, replicate_weights=tuple(f"rw{r}" for r in range(replicates))
    )
    sample = ReplicateSample(
        data=pd.DataFrame({"y": data["y"], "region": data["region"]}),
        design=design,
        weights=data["weight"],
        replicate_weights=data["repw"],
        scale=design.resolved_scale,
        rscales=np.ones(replicates),
    )
    result = mean(sample, "y", by="region")
    return {str(row.domain): (row.estimate, row.se) for row in result.rows}


def samplics(data: dict[str, Any]) -> dict[str, tuple[float, float]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics import PopParam, ReplicateEstimator, RepMethod

        replicates = data["repw"].shape[1]
        estimator = ReplicateEstimator(RepMethod.bootstrap, PopParam.mean).estimate(
            y=data["y"],
            samp_weight=data["weight"],
            rep_weights=data["repw"],
            rep_coefs=np.full(replicates, data["scale"]),
            domain=data["region"],
        )
    return {
        str(k): (float(estimator.point_est[k]), float(estimator.stderror[k])) for k in estimator.point_est
    }


def _child(conn: Any, fn: Callable[[dict[str, Any]], Any] | None, rows: int, replicates: int) -> None:
    try:
        data = make_data(rows, replicates)
        started = time.perf_counter()
        result = fn(data) if fn is not None else None
        seconds = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        conn.send({"seconds": seconds, "rss_mb": rss, "result": result})
    except BaseException as exc:  # the parent reports it instead of waiting forever
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


def measure(fn: Callable[[dict[str, Any]], Any] | None, rows: int, replicates: int) -> dict[str, Any]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, fn, rows, replicates))
    process.start()
    found: dict[str, Any] = parent.recv()
    process.join()
    if "error" in found:
        raise RuntimeError(f"{getattr(fn, '__name__', 'data')}: {found['error']}")
    return found


def agree(
    a: dict[str, tuple[float, float]], b: dict[str, tuple[float, float]], tolerance: float = 1e-5
) -> bool:
    return set(a) == set(b) and all(
        abs(a[k][i] - b[k][i]) <= tolerance * abs(b[k][i]) for k in a for i in (0, 1)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--replicates", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    base = measure(None, args.rows, args.replicates)
    sides: dict[str, dict[str, Any]] = {"ours": {"runs": []}, "samplics": {"runs": []}}
    for _ in range(args.repeat):  # interleaved, so that machine load affects both alike
        for name, fn in (("ours", ours), ("samplics", samplics)):
            sides[name]["runs"].append(measure(fn, args.rows, args.replicates))
    report: dict[str, Any] = {"rows": args.rows, "replicates": args.replicates, "data_mb": base["rss_mb"]}
    for name, side in sides.items():
        runs = side["runs"]
        report[name] = {
            "seconds": min(r["seconds"] for r in runs),
            "rss_mb": max(r["rss_mb"] for r in runs),
        }
    first = {name: side["runs"][0]["result"] for name, side in sides.items()}
    report["agree"] = agree(first["ours"], first["samplics"])
    report["speedup"] = report["samplics"]["seconds"] / report["ours"]["seconds"]
    report["estimates"] = first["ours"]
    print(f"{args.rows:,} respondents, {args.replicates} replicate weights, mean of y by {REGIONS} regions")
    print(f"data alone: peak RSS {report['data_mb']:,.0f} MB")
    for name in ("ours", "samplics"):
        side = report[name]
        print(
            f"{name:9} {side['seconds']:8.2f} s (best of {args.repeat})   peak RSS {side['rss_mb']:,.0f} MB"
        )
    print(f"speed-up (samplics / ours): {report['speedup']:.1f}x; same estimates and SEs: {report['agree']}")
    if args.json:
        print(json.dumps(report, indent=2))
    return 0 if report["agree"] else 1


if __name__ == "__main__":
    sys.exit(main())
