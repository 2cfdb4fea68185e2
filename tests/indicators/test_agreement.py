"""``sdg_16_1_1`` recomputed from counts and World Bank population against UNODC's published rates.

UNODC publishes the homicide rate by sex only (VC_IHR_PSRC) with the counts (VC_IHR_PSRCN); the
population it divided by is ``count / rate x 100,000`` for each sex, so its total rate is
``(male + female count) / (male + female implied population) x 100,000``. We divide by the World Bank
population instead, so the two differ by the ratio of the populations. Measured on the real data: within 1%
for about 56% of country-years and within 5% for about 89%. The issue's target (1% for 95%) is not met, and
cannot be with World Bank population: UNODC uses UN World Population Prospects. The largest gaps are
population definitions: Moldova (World Bank excludes Transnistria: 2.9 against 4.1 million), Serbia
(Kosovo) and small territories, whose two population estimates differ most.
"""

from __future__ import annotations

from collections import defaultdict

from observatory.indicators.compute import compute
from observatory.store.db import Store
from observatory.warehouse.query import ObservationFilter, query_observations

WITHIN_1_PCT = 0.55  # measured 0.564 on the shared data
WITHIN_5_PCT = 0.88  # measured 0.894


def _published_totals(store: Store) -> dict[tuple[str, int], float]:
    """UNODC's total rate per area and year, from its rates and counts by sex (both sexes, rate > 0)."""
    rows = query_observations(store, ObservationFilter(variable=("VC_IHR_PSRC", "VC_IHR_PSRCN"))).data
    by_key: dict[tuple[str, int, str], dict[str, float]] = defaultdict(dict)
    for r in rows:
        by_key[(r["area"], int(r["period"]), r["sex"])][r["variable"]] = r["value"]
    parts: dict[tuple[str, int], list[tuple[float, float]]] = defaultdict(list)
    for (area, year, _), found in by_key.items():
        rate, count = found.get("VC_IHR_PSRC"), found.get("VC_IHR_PSRCN")
        if rate and count is not None:
            parts[(area, year)].append((count, count / rate * 100_000))
    return {
        key: sum(c for c, _ in pair) / sum(p for _, p in pair) * 100_000
        for key, pair in parts.items()
        if len(pair) == 2
    }


def test_homicide_rate_agrees_with_unodc(real_store: Store) -> None:
    published = _published_totals(real_store)
    ours = {(r["area"], r["year"]): r["value"] for r in compute(real_store, "sdg_16_1_1").rows}
    pairs = [(k, ours[k], published[k]) for k in published if ours.get(k) is not None]
    differences = sorted(((abs(v / p - 1), k, v, p) for k, v, p in pairs), reverse=True)
    share_1 = sum(d <= 0.01 for d, *_ in differences) / len(differences)
    share_5 = sum(d <= 0.05 for d, *_ in differences) / len(differences)
    worst = "\n".join(
        f"{k[0]} {k[1]}: ours {v:.3f}, UNODC {p:.3f} ({d:.1%})" for d, k, v, p in differences[:15]
    )
    report = (
        f"{len(differences)} country-years; within 1%: {share_1:.1%}, within 5%: {share_5:.1%}\n"
        f"worst (UN WPP against World Bank population):\n{worst}"
    )
    print(report)
    assert len(differences) > 1500, report
    assert share_1 >= WITHIN_1_PCT, report
    assert share_5 >= WITHIN_5_PCT, report
