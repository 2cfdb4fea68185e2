"""The homicide shares and juvenile-justice indicators on the real shared data: where the data do not exist
there is no value at all (no rows), and where the child population is missing the value is flagged."""

from __future__ import annotations

from observatory.indicators.compute import compute
from observatory.store.db import Store
from observatory.warehouse.query import ObservationFilter, query_observations

NO_DATA = (
    "homicide_firearm_share",
    "homicide_partner_family_share",
    "homicide_organized_crime_share",
    "homicide_other_context_share",
    "homicide_unknown_context_share",
    # the UNODC prisons export gives juveniles held by sex only: not by status, not deaths, not sentences
    "jj_3_children_in_pre_sentence_detention_per_100k_children",
    "jj_6_child_deaths_in_detention_per_1000_detained",
    "jj_9_custodial_sentencing_share",
    "jj_12_independent_inspections",
    "jj_13_complaints_mechanism",
    "jj_14_specialized_juvenile_justice_system",
    "jj_15_national_prevention_plan",
)


def test_no_breakdown_in_the_shared_data_means_no_rows_not_zeros(real_store: Store) -> None:
    for indicator in NO_DATA:
        assert compute(real_store, indicator).rows == [], indicator
    # the homicide counts themselves are there: the shares are empty for want of a breakdown only
    assert compute(real_store, "homicide_count", area="MEX", year=2015).rows


def test_juveniles_held_exist_but_the_child_population_does_not(real_store: Store) -> None:
    rows = compute(real_store, "children_in_detention_per_100k_children").rows
    assert all(r["value"] is None and r["flags"] == "missing-denominator" for r in rows)
    assert sum(1 for r in rows if r["numerator"]) > 1000
    held = query_observations(
        real_store,
        ObservationFilter(
            area=("MEX",),
            variable=("persons-held",),
            sex=("_T",),
            age=("juvenile",),
            status=("_T",),
            unit=("count",),
            offence=("_T",),
            year_from=2018,
            year_to=2018,
        ),
    ).data
    (mex,) = compute(real_store, "children_in_detention_per_100k_children", area="MEX", year=2018).rows
    assert [h["value"] for h in held] == [mex["numerator"]]
    assert mex["denominator"] is None
