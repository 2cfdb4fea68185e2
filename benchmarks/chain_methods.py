"""The justice-chain part of ``indicators.py``: synthetic case records and the three ways of counting them.

A case-level table (case id, area, year, ICCS offence, sex, age group, stage reached: contact, prosecuted
or convicted) is generated vectorised with numpy. Persons are counted per area, year, offence, sex and
age at each stage (a convicted person was also prosecuted and in contact), with the attrition ratios
prosecuted per contact and convicted per prosecuted (null where the denominator is zero): as an ibis
expression on DuckDB (:func:`chain_expr`, the platform's way), as hand-written DuckDB SQL
(:data:`CHAIN_SQL`) and in pandas (the columns needed, read as categoricals; vectorised ``groupby``).
Each returns Arrow; :func:`normalise` and :func:`compare_chain` compare them outside the timings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pyarrow as pa


def quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


CHAIN_KEYS = ("area", "year", "offence", "sex", "age")
STAGES = ("contact", "prosecuted", "convicted")
OFFENCES = ("0101", "0201", "0202", "0301", "0401", "0501", "0502", "0601", "0701", "0801", "0901", "1101")
SEXES = ("M", "F")
AGES = ("Y_LT18", "Y_GE18")
AREAS = tuple(f"A{i:02d}" for i in range(50))
YEARS = tuple(range(2015, 2025))


def generate_cases(n: int, seed: int = 11) -> pa.Table:
    """``n`` case records, vectorised: offence-dependent attrition (about 60% prosecuted, 70% of those
    convicted), dictionary-encoded text columns (pandas reads them as categoricals)."""
    rng = np.random.default_rng(seed)

    def pick(values: tuple[Any, ...], p: list[float] | None = None) -> pa.Array:
        codes = rng.choice(len(values), size=n, p=p).astype(np.int32)
        return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(values))

    offence_codes = rng.integers(0, len(OFFENCES), size=n)
    prosecute_p = 0.45 + 0.03 * offence_codes  # offences differ in attrition
    u = rng.random(n)
    stage = np.where(u < prosecute_p * 0.7, 2, np.where(u < prosecute_p, 1, 0)).astype(np.int32)
    return pa.table(
        {
            "case_id": pa.array(np.arange(1, n + 1, dtype=np.int64)),
            "area": pick(AREAS),
            "year": pa.array(rng.choice(np.array(YEARS, dtype=np.int32), size=n)),
            "offence": pa.DictionaryArray.from_arrays(
                pa.array(offence_codes.astype(np.int32)), pa.array(OFFENCES)
            ),
            "sex": pick(SEXES, [0.8, 0.2]),
            "age": pick(AGES, [0.1, 0.9]),
            "stage": pa.DictionaryArray.from_arrays(pa.array(stage), pa.array(STAGES)),
        }
    )


def chain_expr(cases: Any) -> Any:
    """Persons at each stage and the attrition ratios per area, year, offence, sex and age (ibis)."""
    import ibis

    prosecuted = cases.stage.isin(["prosecuted", "convicted"])
    convicted = cases.stage == "convicted"
    counts = cases.group_by(list(CHAIN_KEYS)).aggregate(
        contact=cases.count(),
        prosecuted=cases.count(where=prosecuted),
        convicted=cases.count(where=convicted),
    )
    return counts.mutate(
        prosecuted_per_contact=counts.prosecuted / counts.contact.nullif(0),
        convicted_per_prosecuted=counts.convicted / counts.prosecuted.nullif(0),
    ).order_by([ibis._[k] for k in CHAIN_KEYS])


CHAIN_SQL = """
SELECT area, year, offence, sex, age, contact, prosecuted, convicted,
       prosecuted / NULLIF(contact, 0) AS prosecuted_per_contact,
       convicted / NULLIF(prosecuted, 0) AS convicted_per_prosecuted
FROM (
    SELECT area, year, offence, sex, age,
           count(*) AS contact,
           count(*) FILTER (WHERE stage IN ('prosecuted', 'convicted')) AS prosecuted,
           count(*) FILTER (WHERE stage = 'convicted') AS convicted
    FROM read_parquet({path})
    GROUP BY ALL
)
ORDER BY area, year, offence, sex, age
"""


def normalise(table: pa.Table) -> pa.Table:
    """Plain column types, for comparing the three sides."""
    return pa.table(
        {
            **{k: table.column(k).cast(pa.string()) for k in ("area", "offence", "sex", "age")},
            "year": table.column("year").cast(pa.int64()),
            **{k: table.column(k).cast(pa.int64()) for k in STAGES},
            **{
                k: table.column(k).cast(pa.float64())
                for k in ("prosecuted_per_contact", "convicted_per_prosecuted")
            },
        }
    ).sort_by([(k, "ascending") for k in CHAIN_KEYS])


def chain_ibis(path: Path) -> pa.Table:
    import ibis

    con = ibis.duckdb.connect()
    result = chain_expr(con.read_parquet(str(path), table_name="cases")).to_pyarrow()
    con.disconnect()
    return result


def chain_hand_sql(path: Path) -> pa.Table:
    import duckdb

    con = duckdb.connect()
    result = con.sql(CHAIN_SQL.format(path=quote(str(path)))).to_arrow_table()
    con.close()
    return result


def chain_pandas(path: Path) -> pa.Table:
    cases = pd.read_parquet(path, columns=[*CHAIN_KEYS, "stage"])  # categoricals (dictionary columns)
    stage = cases["stage"]
    cases["prosecuted"] = stage.isin(["prosecuted", "convicted"])
    cases["convicted"] = stage == "convicted"
    counts = (
        cases.groupby(list(CHAIN_KEYS), observed=True, sort=True)
        .agg(contact=("stage", "size"), prosecuted=("prosecuted", "sum"), convicted=("convicted", "sum"))
        .reset_index()
    )
    counts["prosecuted_per_contact"] = counts["prosecuted"] / counts["contact"].where(counts["contact"] != 0)
    counts["convicted_per_prosecuted"] = counts["convicted"] / counts["prosecuted"].where(
        counts["prosecuted"] != 0
    )
    return pa.Table.from_pandas(counts, preserve_index=False)


def compare_chain(a: pa.Table, b: pa.Table) -> dict[str, Any]:
    """Rows, keys and counts must be equal; the max absolute difference of the ratios (nulls must match)."""
    same_keys = (
        all(a.column(k).equals(b.column(k)) for k in (*CHAIN_KEYS, *STAGES)) if len(a) == len(b) else False
    )
    diff = 0.0
    nulls_match = True
    for k in ("prosecuted_per_contact", "convicted_per_prosecuted"):
        x = a.column(k).to_numpy(zero_copy_only=False)
        y = b.column(k).to_numpy(zero_copy_only=False)
        if len(x) != len(y):
            nulls_match = False
            continue
        nx, ny = np.isnan(x), np.isnan(y)
        nulls_match = nulls_match and bool((nx == ny).all())
        both = ~(nx | ny)
        if both.any():
            diff = max(diff, float(np.abs(x[both] - y[both]).max()))
    return {
        "rows": [len(a), len(b)],
        "keys_and_counts_equal": bool(same_keys),
        "null_ratios_match": nulls_match,
        "max_abs_diff": diff,
    }
