"""The country profile: the latest computed statistics, the compliance scores and gaps from the latest
assessments, and the technical-assistance projects in the country (with the gaps they address).

Every figure is computed here from the store's services: indicators from the latest release
(:func:`observatory.indicators.compute.compute`), scores and gaps from
:mod:`observatory.norms.assessments` (published figures), projects and totals from
:mod:`observatory.assistance`. A part without data says so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from observatory.assistance.portfolio import list_projects
from observatory.assistance.summary import rates_for_summary, summarize
from observatory.auth.accounts import country_code
from observatory.catalog.areas import load_areas
from observatory.catalog.indicators import load_indicators
from observatory.model.release import Release
from observatory.norms.assessments import country_gaps, country_scores
from observatory.reports.document import Figure, Provenance, Report
from observatory.reports.figures import UNITS, latest_values, percent, safe_compute, today
from observatory.reports.portfolio import project_rows, rates_note

HEADLINE = ("prison_population_rate", "prison_occupancy", "sdg_16_3_2", "sdg_16_1_1")


def _statistics(report: Report, store: Any, code: str, name: str) -> None:
    section = report.section("Statistics")
    indicators = sorted(load_indicators().values(), key=lambda i: (i.id not in HEADLINE, i.id))
    rows: list[tuple[str, str, Figure | str, str]] = []
    release: Release | None = None
    for indicator in indicators:
        values = safe_compute(store, indicator.id, area=code)
        if values is None:
            continue
        release = values.release
        for found in latest_values(values, code, report.as_of):
            label = f"{indicator.name} ({found.breakdown})" if found.breakdown else indicator.name
            rows.append((label, str(found.year), found.figure, UNITS[indicator.unit]))
    if not rows:
        section.add(f"No indicator can be computed for {name} from the published statistics.")
        return
    assert release is not None
    count = len({r[0].split(" (")[0] for r in rows})
    section.add(
        f"The latest values of the {count} indicators that can be computed for {name}, from release "
        f"{release.number} of the published statistics; each figure links to how it was computed."
    )
    section.table("Latest computed indicators", ("Indicator", "Year", "Value", "Unit"), rows)


def _compliance(report: Report, store: Any, code: str, name: str) -> list[dict[str, Any]]:
    section = report.section("Compliance with the standards and norms")
    scores = country_scores(store, code)["data"]
    found_gaps: list[dict[str, Any]] = country_gaps(store, code)["data"]
    if not scores:
        section.add(f"No compliance assessment of {name} has been recorded.")
        return []
    for entry in scores:
        overall = entry["overall"]
        assessed = entry["assessed_on"]
        provenance = Provenance(
            query=f"norms scores {code} --checklist {entry['checklist']}",
            as_of=report.as_of,
            area=code,
            source=(
                f"checklist {entry['checklist']} version {entry['version']}, assessments "
                f"{', '.join(str(i) for i in entry['assessments'])} of {assessed}"
            ),
        )
        assessors = len(entry["assessors"])
        parts: list[str | Figure] = [
            f"{entry['title']} (version {entry['version']}), assessed on {assessed} by {assessors} "
            f"assessor{'s' if assessors != 1 else ''}: overall score "
        ]
        if overall["score"] is None:
            parts.append("not available (no item rated)")
        else:
            parts.append(Figure(percent(overall["score"]), provenance))
        parts.append(
            f", from {overall['rated']} rated items ({overall['not_applicable']} not applicable, "
            f"{overall['unanswered']} unanswered)."
        )
        section.add(*parts)
        rows = [
            (
                title,
                "" if s["score"] is None else Figure(percent(s["score"]), provenance),
                str(s["rated"]),
            )
            for title, s in entry["sections"].items()
        ]
        section.table(f"{entry['title']}: scores by section", ("Section", "Score", "Rated items"), rows)
    if found_gaps:
        section.table(
            "Gaps: items rated below the checklist's threshold",
            ("Checklist", "Item", "Section", "Rating", "Rules tested", "What was assessed"),
            [
                (g["checklist"], g["item"], g["section"], g["label"], ", ".join(g["rules"]), g["prompt"])
                for g in found_gaps
            ],
        )
    else:
        section.add("No item of the latest assessments is rated below its checklist's gap threshold.")
    return found_gaps


def _assistance(report: Report, store: Any, code: str, name: str, gap_keys: set[str]) -> None:
    section = report.section("Technical assistance")
    stored = list_projects(store, country=code)
    if not stored:
        section.add(f"No technical-assistance project in {name} is recorded in the portfolio.")
        return
    rates = rates_for_summary(store)
    totals = summarize([s.project for s in stored], rates=rates).overall
    provenance = Provenance(
        query=f"assistance summary --country {code}",
        as_of=report.as_of,
        area=code,
        source=f"projects {', '.join(s.project.code for s in stored)}; {rates_note(totals)}",
    )
    section.add(f"The portfolio in {name} comprises ", Figure(totals.sentence(), provenance), ".")
    open_gaps = {key.split(":", 1)[1] for key in gap_keys}  # "checklist:item", as projects name them
    addressed = {g for s in stored for g in s.project.gaps} & open_gaps
    if gap_keys:
        section.add(
            "Of the ",
            Figure(str(len(gap_keys)), Provenance(f"norms gaps {code}", report.as_of, area=code)),
            " gaps of the latest assessments, ",
            Figure(
                str(len(addressed)),
                Provenance(
                    f"norms gaps {code}, matched with the gaps of the projects in {code}",
                    report.as_of,
                    area=code,
                    source=f"addressed: {', '.join(sorted(addressed)) or 'none'}",
                ),
            ),
            " are addressed by at least one project.",
        )
    section.table("Projects", *project_rows(stored, open_gaps))


def country_profile(store: Any, area: str, *, as_of: date | None = None) -> Report:
    """The profile of one country or reporting unit (ISO 3166 alpha-3 code, M49 number or name)."""
    code = country_code(area)
    name = load_areas().get(code).name
    report = Report("profile", "Country profile", f"{name} ({code})", today(as_of))
    _statistics(report, store, code, name)
    found_gaps = _compliance(report, store, code, name)
    _assistance(report, store, code, name, {str(g["key"]) for g in found_gaps})
    return report
