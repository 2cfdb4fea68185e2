"""The statistical annex: every figure equals what the services compute, the text is a golden file, and a
store without data says so sentence by sentence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from collect.test_workflow_support import ROUND
from observatory.assistance.portfolio import list_projects
from observatory.assistance.summary import rates_for_summary, summarize
from observatory.catalog.areas import load_areas
from observatory.collect.dashboard import round_dashboard
from observatory.errors import InvalidInput
from observatory.indicators.compute import compute
from observatory.reports.annex import assessments_in, homicide_countries, statistical_annex
from observatory.reports.document import Figure, Paragraph, Report
from observatory.reports.writers import ReportFormat, render
from observatory.store.db import Store
from reports.conftest import ANNEX_YEAR, AS_OF, Reports

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "reports" / "annex.txt"


def _paragraph(report: Report, section: str) -> Paragraph:
    blocks = next(s.blocks for s in report.sections if s.title == section)
    assert len(blocks) == 1 and isinstance(blocks[0], Paragraph)
    return blocks[0]


def _figures(paragraph: Paragraph) -> list[str]:
    return [f.text for f in paragraph.figures()]


def test_every_figure_equals_the_services(reports: Reports) -> None:
    store = reports.store
    annex = statistical_annex(store, ANNEX_YEAR, as_of=AS_OF)

    world = next(r for r in round_dashboard(store, ROUND, today=AS_OF).rates if r.level == "world")
    assert (world.invited, world.responded) == (4, 2)
    collection = _paragraph(annex, "Collection of crime and criminal-justice statistics")
    assert _figures(collection) == ["4", "2", "50.0%"]
    assert f"invited to the {ROUND} UN-CTS round" in collection.plain()

    # homicide counts for 2014-2024, each area mapped to its country, counted independently here
    catalog = load_areas()
    areas = {
        catalog.get(r["area"])
        for r in compute(store, "homicide_count").rows
        if r["value"] is not None and 2014 <= r["year"] <= 2024
    }
    countries = {a.code for a in areas if a.kind.value == "country"}
    units = {a for a in areas if a.kind.value == "reporting-unit"}
    in_country = {a.parent for a in units if a.parent and catalog.get(a.parent).kind.value == "country"}
    alone = {a.code for a in units if not (a.parent and catalog.get(a.parent).kind.value == "country")}
    assert "GBR" in in_country and "GBR" not in countries  # England and Wales etc. count for the UK
    found, values = homicide_countries(store, 2014, 2024)
    assert found == countries | in_country | alone and len(found) > 100
    homicide = _paragraph(annex, "Homicide statistics")
    assert _figures(homicide) == [str(len(found))]
    note = next(homicide.figures()).provenance
    assert (note.indicator, note.release, note.sha256) == (
        "homicide_count",
        values.release.number,
        values.release.sha256,
    )

    projects = [s.project for s in list_projects(store)]
    sentence = summarize(projects, rates=rates_for_summary(store)).overall.sentence()
    assert _figures(_paragraph(annex, "Technical assistance")) == [sentence]

    assert assessments_in(store, ANNEX_YEAR) == (1, 1, 1)
    assert _figures(_paragraph(annex, "Use and application of the standards and norms")) == ["1", "1", "1"]
    assert all(isinstance(f, Figure) and f.provenance.as_of == AS_OF for f in annex.figures())


def test_the_annex_text_is_the_golden_file(reports: Reports) -> None:
    annex = statistical_annex(reports.store, ANNEX_YEAR, as_of=AS_OF)
    release = compute(reports.store, "homicide_count").release
    text = render(annex, ReportFormat.txt).decode().replace(release.sha256, "<release-sha256>")
    if os.environ.get("OBSERVATORY_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_an_empty_store_says_what_is_missing(store: Store) -> None:
    text = render(statistical_annex(store, 2025, as_of=AS_OF), ReportFormat.txt).decode()
    assert "No United Nations Crime Trends Survey (UN-CTS) round up to 2025 is recorded." in text
    assert "No homicide data have been published." in text
    assert "No technical-assistance project is recorded in the portfolio." in text
    assert "No compliance assessment with an assessment date in 2025 is recorded." in text
    assert "Sources of the figures" not in text  # no figure, no note


def test_a_year_outside_1900_2100_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInput) as caught:
        statistical_annex(store, 2024, since=20)
    assert caught.value.code == "implausible-year" and caught.value.location.field == "since"
