"""The portfolio as IATI activity XML (IATI Activity Standard 2.03), written with ElementTree.

One ``iati-activity`` per project, its elements in the order the schema requires: ``iati-identifier``
(the reporting organisation's identifier, a hyphen and the project code), ``reporting-org``, ``title``,
``description``, ``participating-org`` (donors role 1 Funding, implementing partners role 4
Implementing), ``activity-status``, ``activity-date``, ``recipient-country`` (ISO 3166-1 alpha-2; a
UNODC reporting unit such as GBR_E_W reports as its country) or, for a project with a region and no
country, ``recipient-region`` (vocabulary 2, UN M49), ``sector`` (vocabulary 1, DAC 5-digit purpose codes,
see :data:`THEME_SECTORS`), ``budget`` and ``result`` (type 2 Outcome, one per outcome indicator).

Choices (the portfolio records no more than this):

* activity-status: pipeline 1, ongoing 2 (implementation), completed 4 (closed), cancelled 5.
* activity-date: the start is *actual* (type 2) once the project is ongoing or completed, otherwise
  *planned* (1); the end is *actual* (4) when completed, otherwise *planned* (3).
* sector percentages: the DAC codes of the project's themes, each theme weighing the same (a project on
  police reform and the judiciary is 50 % 15210 and 50 % 15130); IATI wants percentages whenever there
  are several codes, and the portfolio has no finer split.
* recipient-country percentages are left out: the portfolio does not split budgets by country, and IATI's
  ruleset will flag multi-country activities for it.
* budget: one ``budget`` of type 1 (original) and status 1 (indicative: a pledge), over the project's
  dates, with its currency and value date (the budget date, else the start); a project without both dates
  has none. IATI advises budget periods of at most a year; a multi-year pledge is reported as one period.
* indicators: ``reference`` vocabulary 99 (the reporting organisation's own) with the Observatory indicator
  id or the ``checklist:item`` reference; baseline with its year; a ``period`` per year with target and
  actual.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from observatory.catalog.areas import load_areas
from observatory.errors import InvalidInput
from observatory.model.assistance import Measure, OutcomeIndicator, PartnerRole, Project, Status, Theme

VERSION = "2.03"
# DAC 5-digit purpose codes (CRS), vocabulary 1. 15130 "Legal and judicial development" covers justice
# institutions, courts, prosecution, legal aid, prisons and "maintenance of law and order and public
# safety"; 15210 "Security system management and reform" covers police reform within security-sector
# reform. DAC has no finer code for the other themes, so they are 15130 too.
THEME_SECTORS: dict[Theme, str] = {
    Theme.crime_prevention: "15130",
    Theme.police_reform: "15210",
    Theme.prosecution: "15130",
    Theme.judiciary: "15130",
    Theme.legal_aid: "15130",
    Theme.prison_reform: "15130",
    Theme.alternatives_to_imprisonment: "15130",
    Theme.juvenile_justice: "15130",
    Theme.victims: "15130",
    Theme.women_in_justice: "15130",
}
SECTOR_NAMES = {"15130": "Legal and judicial development", "15210": "Security system management and reform"}
ACTIVITY_STATUS = {Status.pipeline: "1", Status.ongoing: "2", Status.completed: "4", Status.cancelled: "5"}
PARTNER_ROLES = {PartnerRole.donor: "1", PartnerRole.implementing: "4"}
MEASURES = {Measure.unit: "1", Measure.percentage: "2"}


@dataclass(frozen=True)
class ReportingOrg:
    """Who publishes the file: an IATI organisation identifier, a name and an IATI organisation type."""

    ref: str
    name: str
    type: str = "40"  # Multilateral

    def __post_init__(self) -> None:
        if not self.ref.strip() or not self.name.strip():
            raise InvalidInput(
                "IATI needs the reporting organisation's identifier and name (--org-ref, --org-name)",
                code="missing-value",
            )


def _narrative(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "narrative").text = text
    return element


def _value(value: Decimal) -> str:
    return format(value.normalize(), "f")


def sector_shares(themes: Sequence[Theme]) -> list[tuple[str, Decimal]]:
    """DAC codes with percentages (two decimals, adding up to exactly 100), each theme weighing the same."""
    if not themes:
        return []
    counts: dict[str, int] = {}
    for theme in themes:
        counts[THEME_SECTORS[theme]] = counts.get(THEME_SECTORS[theme], 0) + 1
    shares = [
        (code, (Decimal(100) * n / len(themes)).quantize(Decimal("0.01"))) for code, n in counts.items()
    ]
    rest = Decimal(100) - sum(s for _, s in shares)
    code, last = shares[-1]
    shares[-1] = (code, last + rest)
    return shares


def _dates(activity: ET.Element, project: Project) -> None:
    started = project.status in (Status.ongoing, Status.completed)
    if project.start:
        ET.SubElement(
            activity,
            "activity-date",
            {"iso-date": project.start.isoformat(), "type": "2" if started else "1"},
        )
    if project.end:
        ended = project.status is Status.completed
        ET.SubElement(
            activity, "activity-date", {"iso-date": project.end.isoformat(), "type": "4" if ended else "3"}
        )


def _recipients(activity: ET.Element, project: Project) -> None:
    catalog = load_areas()
    codes: list[str] = []
    for code in project.countries:
        area = catalog.get(code)
        iso2 = area.iso2 or (
            catalog.get(area.parent).iso2 if area.parent and area.parent in catalog else None
        )
        if iso2 and iso2 not in codes:
            codes.append(iso2)
    for iso2 in codes:
        ET.SubElement(activity, "recipient-country", {"code": iso2})
    if not codes and project.region:
        ET.SubElement(activity, "recipient-region", {"code": project.region, "vocabulary": "2"})


def _result(activity: ET.Element, item: OutcomeIndicator) -> None:
    result = ET.SubElement(activity, "result", {"type": "2", "aggregation-status": "0"})
    _narrative(result, "title", item.title)
    indicator = ET.SubElement(result, "indicator", {"measure": MEASURES[item.measure]})
    _narrative(indicator, "title", item.title)
    link = item.indicator_id or item.assessment_item
    if link:
        ET.SubElement(indicator, "reference", {"vocabulary": "99", "code": link})
    if item.baseline is not None and item.baseline_year is not None:
        ET.SubElement(
            indicator, "baseline", {"year": str(item.baseline_year), "value": _value(item.baseline)}
        )
    for period in item.periods:
        element = ET.SubElement(indicator, "period")
        ET.SubElement(element, "period-start", {"iso-date": date(period.year, 1, 1).isoformat()})
        ET.SubElement(element, "period-end", {"iso-date": date(period.year, 12, 31).isoformat()})
        if period.target is not None:
            ET.SubElement(element, "target", {"value": _value(period.target)})
        if period.actual is not None:
            actual = ET.SubElement(element, "actual", {"value": _value(period.actual)})
            if period.actual_source is not None:
                _narrative(actual, "comment", f"From the Observatory: {period.actual_source.describe()}")


def activity(parent: ET.Element, project: Project, org: ReportingOrg, updated: datetime) -> ET.Element:
    element = ET.SubElement(
        parent,
        "iati-activity",
        {
            "last-updated-datetime": updated.astimezone(UTC).isoformat(timespec="seconds"),
            "{http://www.w3.org/XML/1998/namespace}lang": "en",
            "default-currency": project.budget.currency,
        },
    )
    ET.SubElement(element, "iati-identifier").text = f"{org.ref}-{project.code}"
    _narrative(element, "reporting-org", org.name, ref=org.ref, type=org.type)
    _narrative(element, "title", project.title)
    if project.description:
        _narrative(element, "description", project.description, type="1")
    for partner in project.partners:
        attrs = {"role": PARTNER_ROLES[partner.role], **({"ref": partner.ref} if partner.ref else {})}
        _narrative(element, "participating-org", partner.name, **attrs)
    ET.SubElement(element, "activity-status", {"code": ACTIVITY_STATUS[project.status]})
    _dates(element, project)
    _recipients(element, project)
    for code, share in sector_shares(project.themes):
        sector = ET.SubElement(
            element, "sector", {"vocabulary": "1", "code": code, "percentage": _value(share)}
        )
        ET.SubElement(sector, "narrative").text = SECTOR_NAMES[code]
    if project.start and project.end:
        budget = ET.SubElement(element, "budget", {"type": "1", "status": "1"})
        ET.SubElement(budget, "period-start", {"iso-date": project.start.isoformat()})
        ET.SubElement(budget, "period-end", {"iso-date": project.end.isoformat()})
        value_date = project.budget.value_date or project.start
        value = ET.SubElement(
            budget, "value", {"currency": project.budget.currency, "value-date": value_date.isoformat()}
        )
        value.text = _value(project.budget.amount)
    for item in project.indicators:
        _result(element, item)
    return element


def iati_xml(
    projects: Sequence[tuple[Project, datetime]], org: ReportingOrg, *, generated: datetime | None = None
) -> bytes:
    """``iati-activities`` with one activity per (project, last updated), as UTF-8 bytes."""
    root = ET.Element(
        "iati-activities",
        {
            "version": VERSION,
            "generated-datetime": (generated or datetime.now(UTC)).isoformat(timespec="seconds"),
        },
    )
    for project, updated in projects:
        activity(root, project, org, updated)
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
