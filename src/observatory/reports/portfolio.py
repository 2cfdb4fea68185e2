"""The portfolio report: the totals of the technical-assistance portfolio (or of the projects passing some
filters), by region, theme and year, and the list of projects.

Figures come from :mod:`observatory.assistance` (``list_projects``, ``summarize`` with the stored exchange
rates): budgets are given in US dollars only when every other currency has a stored rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from observatory.assistance import checks
from observatory.assistance.portfolio import StoredProject, list_projects
from observatory.assistance.summary import SummaryBy, Totals, money, rates_for_summary, summarize
from observatory.model.assistance import Status, Theme
from observatory.reports.document import Cell, Figure, Provenance, Report
from observatory.reports.figures import today


@dataclass(frozen=True)
class PortfolioFilters:
    country: str | None = None
    theme: Theme | None = None
    status: Status | None = None
    year: int | None = None
    region: str | None = None

    def options(self) -> str:
        """The filters as the CLI spells them (``--country ETH --theme prison-reform``)."""
        given = {k: getattr(self, k) for k in ("country", "theme", "status", "year", "region")}
        return " ".join(f"--{k} {getattr(v, 'value', v)}" for k, v in given.items() if v is not None)

    def describe(self) -> str:
        given = {k: getattr(self, k) for k in ("country", "theme", "status", "year", "region")}
        parts = [f"{k} {getattr(v, 'value', v)}" for k, v in given.items() if v is not None]
        return ", ".join(parts) or "all projects"


def rates_note(totals: Totals) -> str:
    if totals.rates:
        return "exchange rates: " + "; ".join(r.describe() for r in totals.rates)
    if totals.missing_rates:
        return "no exchange rate for " + ", ".join(totals.missing_rates)
    return "all budgets in US dollars"


def _period(stored: StoredProject) -> str:
    p = stored.project
    if p.start is None and p.end is None:
        return ""
    return f"{p.start.isoformat() if p.start else '…'} to {p.end.isoformat() if p.end else '…'}"


def project_rows(
    stored: Sequence[StoredProject], gap_keys: set[str] | None = None
) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Columns and rows of a projects table; with ``gap_keys`` (``checklist:item``, the open gaps of a
    country), the ones each project addresses."""
    columns: tuple[str, ...] = ("Code", "Title", "Countries", "Status", "Period", "Pledged budget", "Themes")
    rows: list[tuple[Cell, ...]] = []
    for s in stored:
        p = s.project
        row: tuple[Cell, ...] = (
            p.code,
            p.title,
            ", ".join(p.countries) or (p.region or ""),
            p.status.value,
            _period(s),
            money(p.budget.amount, p.budget.currency),
            ", ".join(t.label for t in p.themes),
        )
        if gap_keys is not None:
            row = (*row, ", ".join(k for k in p.gaps if k in gap_keys))
        rows.append(row)
    if gap_keys is not None:
        columns = (*columns, "Gaps addressed")
    return columns, rows


def portfolio_report(
    store: Any, filters: PortfolioFilters | None = None, *, as_of: date | None = None
) -> Report:
    """Totals overall and by region, theme and year, and the projects, of the projects passing ``filters``."""
    filters = filters or PortfolioFilters()
    report = Report("portfolio", "Technical-assistance portfolio", filters.describe(), today(as_of))
    stored = list_projects(
        store,
        country=checks.country(filters.country) if filters.country else None,
        theme=filters.theme,
        status=filters.status,
        year=filters.year,
        region=checks.region(filters.region) if filters.region else None,
    )
    overview = report.section("Overview")
    if not stored:
        overview.add(f"No project in the portfolio matches ({filters.describe()}).")
        return report
    rates = rates_for_summary(store)
    projects = [s.project for s in stored]
    query = f"assistance summary {filters.options()}".strip()
    overall = summarize(projects, rates=rates).overall
    provenance = Provenance(query, report.as_of, source=rates_note(overall))
    overview.add("The portfolio comprises ", Figure(overall.sentence(), provenance), ".")
    for by, title in (
        (SummaryBy.region, "By region"),
        (SummaryBy.theme, "By theme"),
        (SummaryBy.year, "By year"),
    ):
        summary = summarize(projects, by, rates)
        section = report.section(title)
        group_query = f"{query} --by {by.value}"
        rows: list[tuple[Cell, ...]] = []
        for group in summary.groups:
            note = Provenance(f"{group_query} ({group.label})", report.as_of, source=rates_note(group.totals))
            budget = (
                money(group.totals.usd, "USD")
                if group.totals.usd is not None
                else ", ".join(money(v, c) for c, v in sorted(group.totals.by_currency.items()))
            )
            rows.append(
                (
                    group.label,
                    Figure(str(group.totals.projects), note),
                    Figure(str(group.totals.countries), note),
                    Figure(budget, note),
                )
            )
        section.add("A project with several groups counts in each, with its whole budget.")
        section.table(title, (by.value.capitalize(), "Projects", "Countries", "Pledged budget"), rows)
    report.section("Projects").table("Projects", *project_rows(stored))
    return report
