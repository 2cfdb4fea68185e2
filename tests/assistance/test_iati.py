"""IATI activity XML, parsed back with defusedxml: the elements IATI 2.03 requires, in schema order."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from defusedxml import ElementTree as SafeET

from assistance.support import EXAMPLE
from observatory.assistance.iati import ReportingOrg, iati_xml, sector_shares
from observatory.assistance.table import read_portfolio
from observatory.errors import InvalidInput
from observatory.model.assistance import Theme

ORG = ReportingOrg("XX-EXAMPLE", "Example Office")
ORDER = [
    "iati-identifier",
    "reporting-org",
    "title",
    "description",
    "participating-org",
    "activity-status",
    "activity-date",
    "recipient-country",
    "recipient-region",
    "sector",
    "budget",
    "result",
]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def root() -> object:
    projects = read_portfolio(EXAMPLE.name, EXAMPLE.read_bytes())
    updated = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    data = iati_xml([(p, updated) for p in projects], ORG, generated=updated)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return SafeET.fromstring(data)


def test_activities_have_the_required_elements(root) -> None:  # type: ignore[no-untyped-def]
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    activities = root.findall("iati-activity")
    assert len(activities) == 5
    for activity in activities:
        assert activity.get("last-updated-datetime") == "2025-01-02T03:04:05+00:00"
        assert activity.get(XML_LANG) == "en" and activity.get("default-currency")
        tags = [child.tag for child in activity]
        assert tags == sorted(tags, key=ORDER.index), tags  # schema order
        for required in ("iati-identifier", "reporting-org", "title", "activity-status", "sector"):
            assert activity.find(required) is not None, required
        assert activity.findtext("iati-identifier").startswith("XX-EXAMPLE-EX-")
        assert activity.find("reporting-org").get("ref") == "XX-EXAMPLE"
        assert activity.find("title/narrative").text.startswith("EXAMPLE (fictional)")
        shares = [Decimal(s.get("percentage")) for s in activity.findall("sector")]
        assert sum(shares) == 100 and all(s.get("vocabulary") == "1" for s in activity.findall("sector"))


def test_one_activity_in_detail(root) -> None:  # type: ignore[no-untyped-def]
    kenya = next(
        a for a in root.findall("iati-activity") if a.findtext("iati-identifier") == "XX-EXAMPLE-EX-KEN-01"
    )
    assert kenya.find("activity-status").get("code") == "2"  # ongoing: implementation
    assert [(d.get("type"), d.get("iso-date")) for d in kenya.findall("activity-date")] == [
        ("2", "2022-01-01"),
        ("3", "2025-12-31"),
    ]
    assert [c.get("code") for c in kenya.findall("recipient-country")] == ["KE"]
    assert [(p.get("role"), p.findtext("narrative")) for p in kenya.findall("participating-org")] == [
        ("1", "Example Donor Agency"),
        ("4", "Example Implementing NGO"),
    ]
    assert [(s.get("code"), s.get("percentage")) for s in kenya.findall("sector")] == [("15130", "100")]
    value = kenya.find("budget/value")
    assert (value.text, value.get("currency"), value.get("value-date")) == ("1500000", "USD", "2022-01-01")
    assert kenya.find("budget/period-start").get("iso-date") == "2022-01-01"
    results = kenya.findall("result")
    assert [r.get("type") for r in results] == ["2", "2"]
    indicator = results[0].find("indicator")
    assert indicator.get("measure") == "2"
    assert indicator.find("reference").get("code") == "sdg_16_3_2"
    assert (indicator.find("baseline").get("year"), indicator.find("baseline").get("value")) == ("2021", "45")
    assert [
        (p.find("period-start").get("iso-date"), p.find("target").get("value"))
        for p in indicator.findall("period")
    ] == [("2023-01-01", "40"), ("2024-01-01", "35")]
    assert results[1].find("indicator/reference").get("code") == "criminal-justice-assessment:CJ-LA-1"


def test_mexico_and_colombia(root) -> None:  # type: ignore[no-untyped-def]
    by_id = {a.findtext("iati-identifier"): a for a in root.findall("iati-activity")}
    mexico = by_id["XX-EXAMPLE-EX-MEX-02"]
    assert mexico.find("participating-org[@role='4']").get("ref") == "XX-EXAMPLE-1"
    assert mexico.find("budget/value").get("currency") == "EUR"
    colombia = by_id["XX-EXAMPLE-EX-COL-04"]
    assert colombia.find("activity-status").get("code") == "1"
    assert [d.get("type") for d in colombia.findall("activity-date")] == ["1", "3"]  # planned
    assert sorted((s.get("code"), s.get("percentage")) for s in colombia.findall("sector")) == [
        ("15130", "50"),
        ("15210", "50"),
    ]
    assert [c.get("code") for c in by_id["XX-EXAMPLE-EX-WA-03"].findall("recipient-country")] == [
        "SN",
        "CI",
        "GH",
    ]
    assert by_id["XX-EXAMPLE-EX-ETH-05"].find("activity-status").get("code") == "5"


def test_sector_shares_add_up_to_exactly_100() -> None:
    shares = sector_shares([Theme.police_reform, Theme.judiciary, Theme.prosecution])
    assert shares == [("15210", Decimal("33.33")), ("15130", Decimal("66.67"))]
    assert sector_shares([]) == []


def test_the_reporting_org_is_required() -> None:
    with pytest.raises(InvalidInput, match="--org-ref"):
        ReportingOrg("", "x")
