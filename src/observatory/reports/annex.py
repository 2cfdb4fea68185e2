"""The statistical annex of the annual report to the Commission on Crime Prevention and Criminal Justice.

Paragraphs whose every figure is computed from the store when the annex is generated, each footnoted with
the query, the release and the date it was computed on; when the data are absent the sentence says so:

* the response rate of the latest UN-CTS round up to the annex year (:func:`round_dashboard`, the World
  row of its response rates);
* the countries and territories with homicide data (indicator ``homicide_count``, a value, total or by
  sex, for at least one year from ``since`` to the annex year; a reporting unit such as England and Wales
  counts for its country, one outside any country for itself);
* the technical-assistance portfolio (:func:`summarize` over every project, with the stored rates);
* the compliance assessments recorded with an assessment date in the annex year.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from observatory.assistance.portfolio import list_projects
from observatory.assistance.summary import rates_for_summary, summarize
from observatory.catalog.areas import load_areas
from observatory.collect.dashboard import WORLD, round_dashboard
from observatory.collect.rounds import list_rounds
from observatory.errors import ErrorLocation, InvalidInput
from observatory.model.area import AreaKind
from observatory.reports.document import Figure, Provenance, Report
from observatory.reports.figures import safe_compute, today
from observatory.reports.portfolio import rates_note
from observatory.store.tables import NormAssessmentRow

HOMICIDE = "homicide_count"


def _collection(report: Report, store: Any, year: int) -> None:
    section = report.section("Collection of crime and criminal-justice statistics")
    rounds = [r for r in list_rounds(store) if r.year <= year]
    if not rounds:
        section.add(f"No United Nations Crime Trends Survey (UN-CTS) round up to {year} is recorded.")
        return
    rnd = max(rounds, key=lambda r: r.year)
    dashboard = round_dashboard(store, rnd.year, today=report.as_of)
    world = next((r for r in dashboard.rates if r.level == "world" or r.code == WORLD), None)
    if world is None or not world.invited:
        section.add(f"No country has yet been invited to the {rnd.year} UN-CTS round.")
        return
    note = Provenance(
        f"observatory round dashboard {rnd.year} (World response rate)",
        report.as_of,
        year=rnd.year,
        source="invited: sent the questionnaire or with a submission; responded: submitted, under review, "
        "validated or published",
    )
    section.add(
        "Of the ",
        Figure(str(world.invited), note),
        f" countries and territories invited to the {rnd.year} UN-CTS round, ",
        Figure(str(world.responded), note),
        " had responded by ",
        report.as_of.isoformat(),
        " (",
        Figure(f"{world.rate:.1f}%", note),
        ").",
    )


def homicide_countries(store: Any, since: int, until: int) -> tuple[set[str], Any]:
    """The countries (a reporting unit counts for its country) with a homicide count in [since, until],
    and the release it comes from (``None`` when nothing is published)."""
    values = safe_compute(store, HOMICIDE)
    if values is None:
        return set(), None
    catalog = load_areas()
    found: set[str] = set()
    for row in values.rows:
        code = str(row["area"])
        if row.get("value") is None or not since <= int(row["year"]) <= until:
            continue
        if code not in catalog:
            continue
        area = catalog.get(code)
        if area.kind is AreaKind.reporting_unit:
            parent = catalog.get(area.parent) if area.parent and area.parent in catalog else None
            found.add(parent.code if parent and parent.kind is AreaKind.country else code)
        elif area.kind is AreaKind.country:
            found.add(code)
    return found, values


def _homicide(report: Report, store: Any, year: int, since: int) -> None:
    section = report.section("Homicide statistics")
    found, values = homicide_countries(store, since, year)
    if values is None:
        section.add("No homicide data have been published.")
        return
    if not found:
        section.add(f"No country or territory has homicide data for any year from {since} to {year}.")
        return
    indicator = values.indicator
    note = Provenance(
        f"indicator {HOMICIDE}, every area, {since}-{year}: distinct countries and territories with a value",
        report.as_of,
        indicator=HOMICIDE,
        release=values.release.number,
        sha256=values.release.sha256,
        formula=indicator.formula(),
    )
    section.add(
        f"Homicide data for at least one year from {since} to {year} are available for ",
        Figure(str(len(found)), note),
        " countries and territories.",
    )


def _portfolio(report: Report, store: Any) -> None:
    section = report.section("Technical assistance")
    stored = list_projects(store)
    if not stored:
        section.add("No technical-assistance project is recorded in the portfolio.")
        return
    totals = summarize([s.project for s in stored], rates=rates_for_summary(store)).overall
    note = Provenance("observatory assistance summary", report.as_of, source=rates_note(totals))
    section.add("The technical-assistance portfolio comprises ", Figure(totals.sentence(), note), ".")


def assessments_in(store: Any, year: int) -> tuple[int, int, int]:
    """Assessments recorded with an assessment date in ``year``: how many, of how many countries, against
    how many checklists."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    query = select(
        func.count(NormAssessmentRow.id),
        func.count(func.distinct(NormAssessmentRow.country)),
        func.count(func.distinct(NormAssessmentRow.checklist_id)),
    ).where(NormAssessmentRow.assessed_on >= start, NormAssessmentRow.assessed_on <= end)
    with store.session() as session:
        count, countries, checklists = session.execute(query).one()
    return int(count), int(countries), int(checklists)


def _compliance(report: Report, store: Any, year: int) -> None:
    section = report.section("Use and application of the standards and norms")
    count, countries, checklists = assessments_in(store, year)
    if not count:
        section.add(f"No compliance assessment with an assessment date in {year} is recorded.")
        return
    note = Provenance(
        f"norm_assessments with an assessment date in {year}: assessments, distinct countries and checklists",
        report.as_of,
        year=year,
    )
    section.add(
        f"In {year}, ",
        Figure(str(count), note),
        f" compliance assessment{'s' if count != 1 else ''} of ",
        Figure(str(countries), note),
        f" countr{'ies' if countries != 1 else 'y'} against ",
        Figure(str(checklists), note),
        f" checklist{'s' if checklists != 1 else ''} {'were' if count != 1 else 'was'} recorded.",
    )


def statistical_annex(
    store: Any, year: int, *, since: int | None = None, as_of: date | None = None
) -> Report:
    """The annex for the report of ``year``; homicide data counted from ``since`` (ten years before)."""
    for name, value in (("year", year), ("since", since)):
        if value is not None and not 1900 <= value <= 2100:
            raise InvalidInput(
                f"{name} {value} is not a year from 1900 to 2100",
                code="implausible-year",
                location=ErrorLocation(field=name),
            )
    report = Report(
        "annex",
        "Statistical annex",
        f"Report to the Commission on Crime Prevention and Criminal Justice, {year}",
        today(as_of),
    )
    _collection(report, store, year)
    _homicide(report, store, year, year - 10 if since is None else since)
    _portfolio(report, store)
    _compliance(report, store, year)
    return report
