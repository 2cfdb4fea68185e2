"""One store for the report tests: the real UN-CTS prison statistics, World Bank population and the SDG 16
extract (homicide counts) published once; a UN-CTS round with two of four countries responding; a Bangkok
Rules assessment of Mexico with its indicator items filled from the real prison statistics; the example
portfolio plus one Mexican project addressing one of Mexico's gaps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from assistance.support import EXAMPLE, GOOD, csv_file
from collect.test_workflow_support import HELD, ROUND, long_csv, make_team, open_round, real_values
from observatory.assistance.portfolio import import_portfolio
from observatory.auth import Role, add_user
from observatory.collect import rounds
from observatory.collect.importing import import_paths
from observatory.collect.submissions import SubmissionState, transition
from observatory.collect.uploads import upload
from observatory.norms.assessments import country_gaps, record_assessment
from observatory.norms.checklists import get_checklist
from observatory.settings import Settings
from observatory.store.db import Store
from observatory.warehouse.release import publish

AS_OF = date(2026, 11, 29)
ANNEX_YEAR = 2024
ASSESSED_ON = date(2024, 6, 30)


@dataclass(frozen=True)
class Reports:
    store: Store
    gap_addressed: str  # "checklist:item" of the gap the Mexican project addresses


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[Reports]:
    tmp = tmp_path_factory.mktemp("reports")
    store = Store(Settings(data_dir=tmp / "var"))
    store.init()
    prisons = sorted((shared_data / "unodc_cts").glob("unodc_cts_prisons_and_prisoners_*.csv"))
    import_paths(store, [*prisons, shared_data / "population", shared_data / "sdg16"])
    publish(store)

    team = make_team(store)
    open_round(store, team)
    rounds.dispatch(store, team.reviewer, ROUND, ["FRA", "DEU", "MEX", "CHL"])
    for country in ("FRA", "DEU", "MEX"):
        real = real_values(shared_data, tmp, country, [2021])
        values = {(HELD, 2021): real[(HELD, 2021)]}
        upload(store, team.admin, ROUND, country, [long_csv(tmp / f"{country}.csv", country, values)])
    for country in ("FRA", "DEU"):
        transition(store, team.admin, ROUND, country, SubmissionState.submitted)

    assessor, _ = add_user(store, team.admin, "assessor@unodc.example", Role.assessor, countries=["MEX"])
    checklist = get_checklist("bangkok-implementation")
    entries = [
        {"item": item.id, "answer": "Reform led by the prison service", "evidence_kind": "interview"}
        if item.kind.value == "text"
        else {
            "item": item.id,
            "rating": str(n % 4),
            "evidence_kind": "document",
            "evidence_description": "law",
        }
        for n, item in enumerate(i for i in checklist.items if i.indicator is None)
    ]
    record_assessment(store, assessor, checklist.id, "MEX", ASSESSED_ON, entries)

    gap = str(country_gaps(store, "MEX")["data"][0]["key"]).split(":", 1)[1]
    import_portfolio(store, team.reviewer, EXAMPLE)
    project = {
        **GOOD,
        "code": "MEX-BR-1",
        "title": "Women in prison in Mexico",
        "countries": "MEX",
        "region": "419",
        "themes": "prison-reform; women-in-justice",
        "budget": "250000",
        "gaps": gap,
    }
    import_portfolio(store, team.reviewer, csv_file(tmp, project, name="mex.csv"))
    yield Reports(store, gap)
    store.dispose()
