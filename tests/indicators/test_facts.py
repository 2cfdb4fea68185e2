"""Juvenile-justice policy indicators 12-15: yes/no facts listed with their evidence, counted regionally."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from observatory.catalog.indicators import load_indicators, parse
from observatory.cli.main import main
from observatory.collect.importing import import_paths
from observatory.errors import ConfigurationError, InvalidInput
from observatory.indicators.compute import compute
from observatory.indicators.facts import FactValues, share_answering_yes, with_evidence
from observatory.model.aggregate import AggregateFlag, AggregateLevel, CoverageRule
from observatory.store.db import Store
from observatory.warehouse.release import publish

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "juvenile_justice_policy_facts.csv"
POLICY = {
    "jj_12_independent_inspections": "12",
    "jj_13_complaints_mechanism": "13",
    "jj_14_specialized_juvenile_justice_system": "14",
    "jj_15_national_prevention_plan": "15",
}


def _example_rows() -> list[dict[str, str]]:
    with EXAMPLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_policy_indicators_are_yes_no_facts_with_the_manual_reference() -> None:
    registry = load_indicators()
    for indicator_id, number in POLICY.items():
        indicator = registry[indicator_id]
        assert indicator.unit.value == "yes-no"
        assert indicator.denominator is None
        assert indicator.reference and indicator.reference.endswith(f"indicator {number}")
        assert any("Where data exist" in c for c in indicator.caveats)


def test_compute_lists_each_fact_with_its_evidence(store: Store) -> None:
    import_paths(store, [EXAMPLE])
    publish(store)
    values = with_evidence(store, compute(store, "jj_14_specialized_juvenile_justice_system"))
    assert isinstance(values, FactValues)
    assert values.columns[-8:] == [
        "answer",
        "document_title",
        "legal_reference",
        "url",
        "assessed_on",
        "note",
        "file_sha256",
        "row",
    ]
    by_area = {r["area"]: r for r in values.rows}
    assert set(by_area) == {"GBR", "MEX"}
    for line, source in enumerate(_example_rows(), start=2):
        if source["variable"] != "jj-specialized-system":
            continue
        got = by_area[source["area"]]
        assert (got["value"], got["answer"], got["year"], got["row"]) == (1.0, "yes", 2023, line)
        for column in ("legal_reference", "document_title", "url", "assessed_on"):
            assert got[column] == source[column]
        assert got["note"] == (source["note"] or None)
    (inspections,) = with_evidence(store, compute(store, "jj_12_independent_inspections")).rows
    assert inspections["area"] == "GBR" and inspections["url"].endswith("/section/5A")
    assert compute(store, "jj_13_complaints_mechanism").rows == []  # no answer is not a "no"
    rates = compute(store, "prison_population_rate")
    assert with_evidence(store, rates) is rates


def test_the_aggregate_of_a_fact_counts_countries_not_people() -> None:
    answers = [
        {"area": "CHN", "year": 2023, "value": 0.0},  # 1.4 billion people: one country
        {"area": "MNG", "year": 2023, "value": 1.0},
        {"area": "JPN", "year": 2023, "value": 1.0},
        {"area": "KOR", "year": 2023, "value": None},  # no answer: not counted, not a no
        {"area": "MNG", "year": 2022, "value": 0.0},
    ]
    (eastern_asia,) = share_answering_yes(answers, areas=["030"], years=[2023])
    members = 7  # China, Hong Kong, Macao, North Korea, Japan, Mongolia, South Korea
    assert (eastern_asia.members, eastern_asia.reporting, eastern_asia.total) == (members, 3, 2.0)
    assert eastern_asia.value == pytest.approx(200 / 3)
    assert eastern_asia.coverage == pytest.approx(3 / members)
    assert (eastern_asia.lower, eastern_asia.upper) == (
        pytest.approx(200 / members),
        pytest.approx(600 / members),
    )
    assert AggregateFlag.low_coverage in eastern_asia.flags
    lenient = share_answering_yes(answers, areas=["030"], years=[2022], coverage=CoverageRule(0.1))
    assert (lenient[0].value, lenient[0].flags) == (0.0, frozenset())
    withheld = share_answering_yes(answers, areas=["030"], years=[2023], coverage=CoverageRule(withhold=True))
    assert withheld[0].value is None
    (africa,) = share_answering_yes(answers, areas=["002"], years=[2023])
    assert africa.value is None and AggregateFlag.no_data in africa.flags
    with pytest.raises(InvalidInput) as caught:
        share_answering_yes([{"area": "MNG", "year": 2023, "value": 2.0}], level=AggregateLevel.world)
    assert caught.value.code == "not-yes-no"


def test_the_registry_refuses_a_yes_no_fact_in_a_ratio() -> None:
    spec = {
        "id": "bad",
        "name": "bad",
        "definition": "inspections per prison",
        "unit": "percent",
        "numerator": {"variable": "jj-independent-inspections", "unit": "yes-no"},
        "denominator": {"variable": "prison-facilities", "unit": "count"},
    }
    with pytest.raises(ConfigurationError) as caught:
        parse({"indicators": [spec]})
    assert caught.value.code == "mixed-units"
    yes_no = {**spec, "unit": "yes-no", "denominator": None}
    del yes_no["denominator"]
    assert parse({"indicators": [yes_no]})["bad"].unit.value == "yes-no"


def test_cli_compute_and_aggregate(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import_paths(store, [EXAMPLE])
    publish(store)
    monkeypatch.setenv("OBSERVATORY_DATA_DIR", str(store.settings.resolved_data_dir))
    main(["indicators", "compute", "jj_14_specialized_juvenile_justice_system", "--area", "MEX"])
    (row,) = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (row["area"], row["year"], row["value"], row["answer"]) == ("MEX", "2023", "1", "yes")
    assert row["url"] == "https://www.diputados.gob.mx/LeyesBiblio/pdf/LNSIJPA.pdf"
    assert row["assessed_on"] == "2024-06-30"
    main(["indicators", "compute", "jj_14_specialized_juvenile_justice_system", "--aggregate", "world"])
    capsys.readouterr()
    main(
        [
            "indicators",
            "compute",
            "jj_14_specialized_juvenile_justice_system",
            "--aggregate",
            "region",
            "--year",
            "2023",
            "--format",
            "json",
        ]
    )
    payload = json.loads(capsys.readouterr().out)
    regions = {r["area"]: r for r in payload["data"]}
    assert (regions["019"]["value"], regions["019"]["reporting"], regions["019"]["yes"]) == (100.0, 1, 1.0)
    assert (regions["150"]["value"], regions["150"]["reporting"]) == (100.0, 1)
    assert regions["002"]["value"] is None and "no-data" in regions["002"]["flags"]
