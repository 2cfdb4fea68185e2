"""Benchmark: the validation engine against the same checks written by hand as DuckDB SQL, in the same run.

A synthetic round is generated with numpy and pyarrow (no Python loop per observation): areas (real countries,
grouped by sub-region) x years x the UN-CTS questionnaire cells, each count cell also as a rate per 100,000,
plus the share of persons held unsentenced; one earlier year is passed as ``history``. Values are consistent
by construction (parts add up, subsets stay within totals, later stages are smaller, prison stocks follow
flows, year-on-year changes stay within 10%, rates cluster within sub-regions); then violations of every rule
family are planted. ``validate`` (every shipped rule) and :func:`hand_sql` (an independent formulation:
conditional aggregation, ``lag()``, ``ENUM`` dimensions like the engine's) each run in a forked child,
so that each side's peak RSS (``ru_maxrss``: the whole process, DuckDB's native memory and the inherited input
included) is its own. Both must find the same number of problems for every rule.

    python benchmarks/validation.py [--size 10000000] [--seed 7] [--repeat 1] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from observatory.catalog.areas import load_areas
from observatory.catalog.iccs import load_iccs
from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.checks.base import RuleType, Selector
from observatory.collect.checks.rules import RuleSet, load_rules
from observatory.collect.validation import (
    KEY,
    SCHEMA,
    aggregate_codes,
    counts_by_rule,
    reference_tables,
    validate,
)

Data = tuple[pa.Table, pa.Table]
DIMS = ("area", "period", *KEY)
# Multipliers: a total is the sum of its parts (sex unknown is 0: table J1 has no "sex unknown" by age).
SHARES = {
    "sex": "_T 10, M 8, F 2, _U 0",
    "age": "_T 10, adult 9, juvenile 1",
    "status": "_T 10, sentenced 7, unsentenced 3",
    "citizenship": "_T 10, national 8, foreign 2",
    "category": "_T 10, cyber-related 1, relationship-partner-family 4, relationship-other-known 3, "
    "relationship-unknown-perpetrator 2, relationship-not-known 1, detained-lt-6m 3, detained-lt-12m 6, "
    "detained-gt-12m 4, death-natural 6, death-external 4, death-external-homicide 1, "
    "death-external-suicide 2, death-external-accident-other 1, mechanism-firearm 4, "
    "mechanism-sharp-object 3, mechanism-other 2, mechanism-unknown 1, context-organized-crime 1, "
    "context-other 3, context-unknown 2, sentence-custodial 3, sentence-non-custodial 7",
    "variable": "persons-in-contact 4, persons-prosecuted 2, persons-convicted 1, persons-held 10, "
    "persons-held-unsentenced 3, persons-entering-prison 10",
}
MULTIPLIERS = {d: {k: int(v) for k, v in (p.split() for p in s.split(", "))} for d, s in SHARES.items()}
SECTIONS = [900, 1300, 600, 700, 1800, 1500, 800, 700, 500, 400, 800]  # the 11 ICCS sections: 10,000
LAST_YEAR = 2023


def offence_multipliers() -> dict[str, int]:
    """The offence total 10,000, the sections adding up to it, each deeper category a share of its parent."""
    scheme = load_iccs()
    out = {"_T": 10_000}
    for root, share in zip(scheme.roots(), SECTIONS, strict=True):
        out[root.code] = share
        for code in scheme.descendants(root.code):
            parent = scheme[code].parent or "_T"
            out[code] = max(1, out[parent] // (len(scheme.children(parent)) + 1))
    return out


def templates() -> dict[str, list[Any]]:
    """The rows of one area-year: each count cell, the same cell as a rate, and one percentage."""
    offences = offence_multipliers()
    cols: dict[str, list[Any]] = {d: [] for d in (*KEY, "mult", "rate", "sheet", "cell")}
    for unit in ("count", "rate-per-100k"):
        for table in load_questionnaire().tables:
            for cell in table.cells():
                key = {**cell.key.as_dict(), "unit": unit}
                mult = MULTIPLIERS["variable"].get(key["variable"], 5) * offences[key["offence"]]
                for dim in ("sex", "age", "status", "citizenship", "category"):
                    mult *= MULTIPLIERS[dim][key[dim]]
                for dim in KEY:
                    cols[dim].append(key[dim])
                cols["mult"].append(mult)
                cols["rate"].append(1.0 + (len(cols["rate"]) * 37) % 900)
                cols["sheet"].append(table.id if unit == "count" else None)
                cols["cell"].append(f"{chr(66 + cell.column)}{cell.row + 5}" if unit == "count" else None)
    for dim, value in {
        **dict.fromkeys(KEY, "_T"),
        "variable": "persons-held-unsentenced",
        "unit": "percent",
    }.items():
        cols[dim].append(value)
    for name, value in {"mult": 0, "rate": 30.0, "sheet": "J3", "cell": "C9"}.items():
        cols[name].append(value)
    return cols


def _dictionary(values: list[Any], index: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """``values[index]`` as a dictionary-encoded column, without materialising the strings."""
    uniques = sorted({v for v in values if v is not None})
    codes = np.array([uniques.index(v) if v is not None else -1 for v in values], dtype=np.int32)[index]
    mask = codes < 0 if null is None else (codes < 0) | null
    return pa.DictionaryArray.from_arrays(pa.array(codes, mask=mask), pa.array(uniques, pa.string()))


def generate(size: int, seed: int = 7, rate: float = 1e-4) -> tuple[pa.Table, pa.Table, dict[str, int]]:
    """(round, history, planted): about ``size`` rows in the round, one earlier year as history."""
    rng = np.random.default_rng(seed)
    tpl = templates()
    per = len(tpl["mult"])
    n_areas = min(200, max(5, size // (3 * per)))
    n_years = max(3, round(size / (n_areas * per))) + 1  # year 0 is the history
    areas = sorted((a.subregion, a.code) for a in load_areas() if a.is_country and a.subregion)[:n_areas]
    rank = [sum(r == region for r, _ in areas[:i]) for i, (region, _) in enumerate(areas)]
    size_of = Counter(region for region, _ in areas)
    spread = np.array(
        [0.3 * (2 * r / max(1, size_of[g] - 1) - 1) for r, (g, _) in zip(rank, areas, strict=True)]
    )
    n = n_areas * n_years * per
    area = np.repeat(np.arange(n_areas, dtype=np.int32), n_years * per)
    year = np.tile(np.repeat(np.arange(n_years, dtype=np.int32), per), n_areas)
    t = np.tile(np.arange(per, dtype=np.int32), n_areas * n_years)
    g = rng.integers(100, 111, (n_areas, n_years))[area, year]
    units, offence = np.array(tpl["unit"]), np.array(tpl["offence"])
    rates = np.array(tpl["rate"])[t] * np.exp(spread[area]) * g / 105
    value = np.where(
        units[t] == "count", rng.integers(1, 6, n_areas)[area] * g * np.array(tpl["mult"])[t], rates
    )
    planted: Counter[str] = Counter()

    def pick(name: str, unit: str = "count", **fixed: str) -> np.ndarray:
        ok = units == unit
        for dim, wanted in fixed.items():
            ok &= np.array(tpl[dim]) == wanted
        k = max(3, round(n * rate))  # in the round, never in the history (year 0)
        area_year = rng.integers(0, n_areas, k) * n_years + rng.integers(1, n_years, k)
        rows = np.unique(area_year * per + rng.choice(np.flatnonzero(ok), k))
        planted[name] += len(rows)
        return rows

    for name, factor, fixed in [
        ("negative", -1, {}), ("sex-parts", 2, {"sex": "F"}), ("citizenship", 10, {"citizenship": "foreign"}),
        ("subset", 5, {"variable": "persons-held-unsentenced"}),
        ("stage", 3, {"variable": "persons-convicted"}),
        ("prison-flow", 3, {"variable": "persons-held", "sex": "_T"}), ("break", 2.5, {}), ("spike", 20, {}),
        ("subregion", 100, {"unit": "rate-per-100k"}),
    ]:  # fmt: skip
        value[pick(name, **fixed)] *= factor
    value[pick("fraction")] += 0.5
    value[pick("rate", "rate-per-100k")] = 6000
    value[pick("percent", "percent")] = 150
    iccs = pick("iccs")
    iccs = iccs[np.char.str_len(offence[t[iccs]]) >= 4]  # a category below a section
    planted["iccs"] = len(iccs)
    value[iccs] *= 100
    explained = pick("explained")
    value[explained] *= 2.5
    note_null = np.ones(n, dtype=bool)
    note_null[explained] = False
    keep = np.ones(n, dtype=bool)
    keep[pick("missing")] = False
    columns = {
        "area": pa.DictionaryArray.from_arrays(pa.array(area), pa.array([code for _, code in areas])),
        "period": pa.DictionaryArray.from_arrays(
            pa.array(year), pa.array([str(LAST_YEAR - n_years + 1 + y) for y in range(n_years)])
        ),
    }
    for dim, odd, odd_value in [
        ("unit", pick("unit"), "persons"),
        ("category", pick("unknown-cell"), "bogus"),
    ]:
        index = t.copy()
        index[odd] = per
        columns[dim] = _dictionary([*tpl[dim], odd_value], index)
    for dim in KEY:
        columns.setdefault(dim, _dictionary(tpl[dim], t))
    columns["value"] = pa.array(value)
    columns["note"] = _dictionary(["new recording system"], np.zeros(n, np.int32), note_null)
    columns["file"] = _dictionary(["round.xlsx"], np.zeros(n, np.int32))
    columns["sheet"] = _dictionary(tpl["sheet"], t)
    columns["cell"] = _dictionary(tpl["cell"], t)
    columns["row"] = pa.array(np.arange(2, n + 2, dtype=np.int64))
    table = pa.table({name: columns[name] for name in SCHEMA.names})
    return table.filter(keep & (year > 0)), table.filter(keep & (year == 0)), dict(planted)


# ---------------------------------------------------------------- the same checks, written by hand
def _in(values: Any) -> str:
    return (
        "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")" if values else "(NULL)"
    )


def _where(selector: Selector, alias: str = "") -> str:
    return " AND ".join([f"{alias}{dim} IN {_in(values)}" for dim, values in selector] or ["TRUE"])


def _same(a: str, b: str, names: Any) -> str:
    return " AND ".join(f"{a}.{n} = {b}.{n}" for n in names)


def _robust(source: str, part: str, x: str, n_min: int, threshold: float) -> str:
    return f"""WITH s AS ({source}),
      c AS (SELECT {part}, median({x}) AS med, count(*) AS n FROM s GROUP BY {part}),
      d AS (SELECT * FROM s JOIN c USING ({part})),
      m AS (SELECT {part}, median(abs({x} - med)) AS mad FROM d GROUP BY {part})
    SELECT * FROM d JOIN m USING ({part})
    WHERE current AND n >= {n_min} AND mad > 0 AND abs(({x} - med) / (1.4826 * mad)) > {threshold}"""


def _sql(c: Any, stages: list[str]) -> list[str]:  # noqa: C901 - one branch per rule family
    r, keys, tol = c.rule, ", ".join(KEY), getattr(c, "tolerance", 0)
    w = _where(r.where)
    base = f"SELECT * FROM obs WHERE current AND value IS NOT NULL AND {w}"
    every = f"SELECT * FROM obs WHERE value IS NOT NULL AND year IS NOT NULL AND {w}"
    if r.type is RuleType.integer:
        return [f"{base} AND abs(value - round(value)) > {tol}"]
    if r.type is RuleType.range:
        low, high = (
            c.minimum if c.minimum is not None else "-inf",
            c.maximum if c.maximum is not None else "inf",
        )
        return [f"{base} AND (value < '{low}'::DOUBLE OR value > '{high}'::DOUBLE)"]
    if r.type is RuleType.unit:
        return [
            f"""SELECT o.* FROM obs o JOIN units u USING (variable)
            WHERE o.current AND {_where(r.where, "o.")}
            AND o.unit <> u.expected_unit AND o.unit NOT IN {_in(c.derived)}"""
        ]
    if r.type is RuleType.sum_of_parts:
        d, others = c.dimension, ", ".join(x for x in KEY if x != c.dimension)
        exact = f"(nr = {len(c.required)} AND abs(s - total) > {tol})" if c.exact else "FALSE"
        return [
            f"""SELECT * FROM (SELECT area, period, {others}, max(value) FILTER ({d} = '{c.total}') AS total,
              sum(value) FILTER ({d} <> '{c.total}') AS s, count(*) FILTER ({d} <> '{c.total}') AS n,
              count(*) FILTER ({d} IN {_in(c.required)}) AS nr
            FROM ({base}) t WHERE {d} IN {_in([*c.parts, c.total])} GROUP BY area, period, {others})
            WHERE total IS NOT NULL AND n > 0 AND (s > total + {tol} OR {exact})"""
        ]
    if r.type is RuleType.subset:
        named = {d for d, _ in c.subset} | {d for d, _ in c.of}
        join = _same("a", "b", ["area", "period", *(d for d in KEY if d not in named)])
        return [
            f"""SELECT a.* FROM ({base}) a JOIN ({base}) b ON {join} WHERE {_where(c.subset, "a.")}
            AND {_where(c.of, "b.")} AND a.value > b.value + {tol}"""
        ]
    if r.type is RuleType.iccs_hierarchy:
        group = ["area", "period", *(d for d in KEY if d != "offence")]
        g, levels = ", ".join(group), ", ".join(map(str, c.exhaustive or (0,)))
        return [
            f"""WITH t AS ({base}),
          c AS (SELECT t.*, a.ancestor, a.distance FROM t JOIN iccs_tree a USING (offence)
                SEMI JOIN t p ON {_same("p", "t", group)} AND p.offence = a.ancestor),
          near AS (SELECT {g}, offence, arg_min(ancestor, distance) AS ancestor, min(distance) AS distance,
                   max(value) AS value FROM c GROUP BY {g}, offence),
          s AS (SELECT {g}, ancestor, sum(value) AS s, count(*) FILTER (distance = 1) AS nd
                FROM near GROUP BY {g}, ancestor)
        SELECT s.* FROM s JOIN t p ON {_same("p", "s", group)} AND p.offence = s.ancestor
          JOIN iccs_sizes z ON z.ancestor = s.ancestor
        WHERE s.s > p.value + {tol} OR (s.nd = z.n_children AND z.child_level IN ({levels})
          AND abs(s.s - p.value) > {tol})"""
        ]
    if r.type is RuleType.stage_order:
        same = _same("d", "u", ["area", "period", *(x for x in KEY if x != "variable")])
        return [
            f"""SELECT d.* FROM ({base}) d JOIN ({base}) u ON {same} WHERE d.variable = '{down}'
            AND u.variable = '{up}' AND d.value > u.value + {tol}"""
            for up, down in itertools.pairwise(list(c.stages) or stages)
        ]
    if r.type is RuleType.prison_flow:
        same = ["area", *(d for d in KEY if d != "variable")]
        return [
            f"""SELECT h.* FROM ({every}) h
            JOIN ({every}) b ON {_same("h", "b", same)} AND b.year = h.year - 1
            JOIN ({every}) e ON {_same("h", "e", same)} AND e.year = h.year WHERE h.current
            AND h.variable = '{c.held}' AND b.variable = '{c.held}' AND e.variable = '{c.entering}'
            AND h.value > b.value + e.value + {tol}"""
        ]
    positive = " AND value > 0" if r.type is RuleType.outlier_history else ""
    lagged = f"""SELECT *, lag(value) OVER w AS before, lag(year) OVER w AS before_year
        FROM ({every}{positive}) x
        WINDOW w AS (PARTITION BY area, {keys} ORDER BY year)"""
    if r.type is RuleType.year_on_year:
        return [
            f"""SELECT * FROM ({lagged}) WHERE current AND before_year = year - 1
            AND trim(coalesce(note, '')) = '' AND greatest(abs(value), abs(before)) >= {c.min_base}
            AND abs(value - before) > {c.threshold} * abs(before)"""
        ]
    if r.type is RuleType.outlier_history:
        changes = f"""SELECT *, ln(value) - ln(before) AS change FROM ({lagged}) y
            WHERE before_year = year - 1
            AND (value >= {c.min_base} OR before >= {c.min_base})"""
        return [_robust(changes, f"area, {keys}", "change", c.min_points, c.threshold)]
    if r.type is RuleType.outlier_subregion:
        log = c.scale.value == "log"
        source = f"""SELECT o.*, g.subregion, {"ln(o.value)" if log else "o.value"} AS x FROM obs o
            JOIN subregions g USING (area)
            WHERE o.value {"> 0" if log else "IS NOT NULL"} AND {_where(r.where, "o.")}"""
        return [_robust(source, f"subregion, period, {keys}", "x", c.min_group, c.threshold)]
    if r.type is RuleType.completeness:
        return [
            f"""WITH scope AS (SELECT DISTINCT area, period FROM obs
                         WHERE current AND area NOT IN (SELECT area FROM aggregate_areas)),
          c AS (SELECT * FROM cells WHERE {w}),
          answered AS (SELECT o.area, o.period, c.table_id, count(*) AS n FROM obs o JOIN c USING ({keys})
                       WHERE o.current AND (o.value IS NOT NULL OR trim(coalesce(o.note, '')) <> '')
                       GROUP BY ALL),
          sizes AS (SELECT table_id, count(*) AS n_cells FROM c GROUP BY table_id)
        SELECT * FROM scope CROSS JOIN sizes LEFT JOIN answered USING (area, period, table_id)
        WHERE coalesce(n, 0) < n_cells"""
        ]
    assert r.type is RuleType.unknown_cell
    return [
        f"SELECT o.* FROM obs o ANTI JOIN cells c USING ({keys}) WHERE o.current AND {_where(r.where, 'o.')}"
    ]


def _reference(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Registers the reference data (the engine's: cells, ICCS tree, ...); returns the stages."""
    questionnaire = load_questionnaire()
    for name, table in reference_tables(questionnaire).items():
        con.register(name, table)
    con.register("aggregate_areas", pa.table({"area": aggregate_codes()}))
    return [v.code for v in sorted(questionnaire.variables.values(), key=lambda v: v.stage or 0) if v.stage]


def hand_sql(current: pa.Table, history: pa.Table, rules: RuleSet) -> dict[str, int]:
    """Every rule as plain DuckDB SQL: the problem rows of each, fetched as Arrow and counted."""
    con = duckdb.connect()
    con.register("cur", current)
    con.register("hist", history)
    for d in DIMS:
        con.execute(f"""CREATE TYPE {d}_e AS ENUM (SELECT DISTINCT CAST({d} AS VARCHAR)
            FROM (SELECT {d} FROM cur
            UNION ALL SELECT {d} FROM hist) WHERE {d} IS NOT NULL)""")
    cols = ", ".join(f"CAST(CAST({n} AS VARCHAR) AS {n}_e) AS {n}" if n in DIMS else n for n in SCHEMA.names)
    con.execute(f"""CREATE TABLE obs AS SELECT *, TRY_CAST(CAST(period AS VARCHAR) AS INTEGER) AS year FROM (
        SELECT {cols}, TRUE AS current FROM cur UNION ALL SELECT {cols}, FALSE FROM hist h
        WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE {_same("c", "h", DIMS)}))""")
    stages = _reference(con)
    counts = {c.rule.id: sum(con.sql(q).to_arrow_table().num_rows for q in _sql(c, stages)) for c in rules}
    con.close()
    return {rule: n for rule, n in counts.items() if n}


# ---------------------------------------------------------------- measuring
def run_engine(current: pa.Table, history: pa.Table) -> dict[str, int]:
    return counts_by_rule(validate(current, history=history, config=load_rules()))


def run_hand(current: pa.Table, history: pa.Table) -> dict[str, int]:
    return hand_sql(current, history, load_rules())


def measure(fn: Callable[[pa.Table, pa.Table], dict[str, int]], data: Data) -> dict[str, Any]:
    start = time.perf_counter()
    counts = fn(*data)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "counts": counts,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(conn: Any, fn: Callable[[pa.Table, pa.Table], dict[str, int]], data: Data) -> None:
    conn.send(measure(fn, data))
    conn.close()


def isolated(fn: Callable[[pa.Table, pa.Table], dict[str, int]], data: Data) -> dict[str, Any]:
    """:func:`measure` in a forked child, so that each side's peak RSS is its own."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, fn, data))
    process.start()
    result: dict[str, Any] = parent.recv()
    process.join()
    return result


def run(size: int, seed: int = 7, isolate: bool = True, repeat: int = 1) -> dict[str, Any]:
    """Generate, run both sides (``repeat`` times, alternating; the fastest run counts), and compare.

    ``isolate=False`` runs both sides in this process (for tests).
    """
    start = time.perf_counter()
    current, history, planted = generate(size, seed)
    generated = time.perf_counter() - start
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    side = isolated if isolate else measure
    runs = [(side(run_hand, (current, history)), side(run_engine, (current, history))) for _ in range(repeat)]
    hand = min((h for h, _ in runs), key=lambda r: float(r["seconds"]))
    engine = min((e for _, e in runs), key=lambda r: float(r["seconds"]))
    per_rule = {
        r: {"engine": engine["counts"].get(r, 0), "hand_sql": hand["counts"].get(r, 0)}
        for r in load_rules().ids()
    }
    return {
        "observations": current.num_rows,
        "history": history.num_rows,
        "generate_seconds": round(generated, 2),
        "input_rss_mb": round(base, 1),
        "engine_seconds": round(engine["seconds"], 2),
        "hand_sql_seconds": round(hand["seconds"], 2),
        "ratio": round(engine["seconds"] / hand["seconds"], 2),
        "engine_peak_rss_mb": round(engine["rss"], 1),
        "hand_sql_peak_rss_mb": round(hand["rss"], 1),
        "memory": "ru_maxrss of a forked child per side (whole process: DuckDB, the inherited input)",
        "repeat": repeat,
        "problems": sum(v["engine"] for v in per_rule.values()),
        "agree": all(v["engine"] == v["hand_sql"] for v in per_rule.values()),
        "planted": planted,
        "per_rule": per_rule,
    }  # fmt: skip


def table(result: dict[str, Any]) -> str:
    lines = [f"{'rule':32} {'engine':>9} {'hand SQL':>9}"]
    lines += [f"{r:32} {v['engine']:>9} {v['hand_sql']:>9}" for r, v in result["per_rule"].items()]
    return "\n".join([
        *lines,
        "",
        f"observations {result['observations']:,} (+ {result['history']:,} history), input RSS "
        f"{result['input_rss_mb']} MB",
        f"engine   {result['engine_seconds']:>7.2f} s   peak RSS {result['engine_peak_rss_mb']:>8.1f} MB",
        f"hand SQL {result['hand_sql_seconds']:>7.2f} s   peak RSS {result['hand_sql_peak_rss_mb']:>8.1f} MB",
        f"ratio engine / hand SQL: {result['ratio']:.2f}",
    ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000, help="observations in the round")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; the fastest counts")
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    args = parser.parse_args()
    result = run(args.size, args.seed, repeat=args.repeat)
    if not args.json:
        print(table(result))
    print(json.dumps(result, indent=2))
    if not result["agree"]:
        sys.exit("the engine and the hand-written SQL disagree")


if __name__ == "__main__":
    main()
