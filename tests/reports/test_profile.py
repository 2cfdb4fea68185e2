"""The country profile of Mexico from the real prison statistics, its Bangkok Rules assessment and the
portfolio: every figure equals what the services compute, and reads back from HTML, DOCX and PDF."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from observatory.assistance.portfolio import list_projects
from observatory.assistance.summary import rates_for_summary, summarize
from observatory.errors import ObservatoryError
from observatory.indicators.compute import compute
from observatory.norms.assessments import country_gaps, country_scores
from observatory.reports.document import Figure, Paragraph, Provenance, Report, Table
from observatory.reports.figures import percent
from observatory.reports.profile import country_profile
from observatory.reports.writers import ReportFormat, render
from reports.conftest import AS_OF, Reports


@pytest.fixture(scope="module")
def profile(reports: Reports) -> Report:
    return country_profile(reports.store, "mex", as_of=AS_OF)


def _table(report: Report, section: str, caption: str) -> Table:
    blocks = next(s.blocks for s in report.sections if s.title == section)
    return next(b for b in blocks if isinstance(b, Table) and b.caption.startswith(caption))


def _paragraphs(report: Report, section: str) -> list[str]:
    blocks = next(s.blocks for s in report.sections if s.title == section)
    return [b.plain() for b in blocks if isinstance(b, Paragraph)]


def _latest_total(reports: Reports, indicator: str) -> tuple[int, float]:
    rows = [r for r in compute(reports.store, indicator, area="MEX").rows if r["value"] is not None]
    row = max(rows, key=lambda r: r["year"])
    return int(row["year"]), float(row["value"])


def test_statistics_are_the_computed_latest_values_with_provenance(reports: Reports, profile: Report) -> None:
    assert profile.subtitle == "Mexico (MEX)"
    table = _table(profile, "Statistics", "Latest computed indicators")
    rows = {str(r[0]): r for r in table.rows}
    year, value = _latest_total(reports, "prison_population_rate")
    row = rows["Persons held in prisons per 100,000 population"]
    assert row[1] == str(year)
    figure = row[2]
    assert isinstance(figure, Figure) and figure.text == f"{value:,.1f}"
    release = compute(reports.store, "prison_population_rate").release
    note = figure.provenance
    assert (note.indicator, note.area, note.year) == ("prison_population_rate", "MEX", year)
    assert (note.release, note.sha256) == (release.number, release.sha256)
    assert note.formula and "persons-held" in note.formula
    assert note.link == f"/indicators/prison_population_rate?area=MEX&year={year}#explanation"
    # homicide counts exist only by sex: both sexes of the latest year are shown
    assert any(label.startswith("Victims of intentional homicide (sex=") for label in rows)


def test_compliance_scores_and_gaps_are_those_of_the_norms_service(reports: Reports, profile: Report) -> None:
    scores = country_scores(reports.store, "MEX")["data"]
    assert len(scores) == 1
    overall = scores[0]["overall"]["score"]
    text = " ".join(_paragraphs(profile, "Compliance with the standards and norms"))
    assert f"overall score {percent(overall)}" in text
    assert f"from {scores[0]['overall']['rated']} rated items" in text
    sections = _table(profile, "Compliance with the standards and norms", scores[0]["title"])
    assert len(sections.rows) == len(scores[0]["sections"])
    gaps = country_gaps(reports.store, "MEX")["data"]
    table = _table(profile, "Compliance with the standards and norms", "Gaps")
    assert [r[1] for r in table.rows] == [g["item"] for g in gaps] and gaps


def test_assistance_sentence_and_addressed_gaps(reports: Reports, profile: Report) -> None:
    projects = [s.project for s in list_projects(reports.store, country="MEX")]
    sentence = summarize(projects, rates=rates_for_summary(reports.store)).overall.sentence()
    text = _paragraphs(profile, "Technical assistance")
    assert text[0] == f"The portfolio in Mexico comprises {sentence}."
    gaps = country_gaps(reports.store, "MEX")["count"]
    assert (
        text[1] == f"Of the {gaps} gaps of the latest assessments, 1 are addressed by at least one project."
    )
    table = _table(profile, "Technical assistance", "Projects")
    assert table.columns[-1] == "Gaps addressed"
    assert [r[-1] for r in table.rows if r[0] == "MEX-BR-1"] == [reports.gap_addressed]


def test_html_docx_and_pdf_carry_the_figures(reports: Reports, profile: Report) -> None:
    year, value = _latest_total(reports, "prison_population_rate")
    expected = f"{value:,.1f}"
    notes = profile.footnotes()
    assert notes and len(notes) == len(set(notes))

    html = render(profile, ReportFormat.html).decode()
    assert html.startswith("<!doctype html>") and "<script" not in html and "stylesheet" not in html
    assert expected in html and "@media print" in html
    assert f"/indicators/prison_population_rate?area=MEX&amp;year={year}#explanation" in html

    document = Document(io.BytesIO(render(profile, ReportFormat.docx)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Country profile" in paragraphs and "Mexico (MEX)" in paragraphs
    assert "Sources of the figures" in paragraphs and "SHA-256" in paragraphs
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert any(c.startswith(expected) for c in cells)  # the value, then its note number as superscript

    pdf = render(profile, ReportFormat.pdf)
    assert pdf.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Mexico (MEX)" in text and expected in text and "Sources of the figures" in text


def test_formula_like_cells_are_neutralised_and_html_escaped() -> None:
    note = Provenance("a test", date(2024, 1, 1))
    report = Report("profile", "Profile", "Evil <b>", date(2024, 1, 1))
    section = report.section("S")
    section.add("Text <script>alert(1)</script> ", Figure("=1+2", note))
    section.table("T", ("=SUM(A1)", "b"), [('=HYPERLINK("http://x")', "-5 <i>")])
    html = render(report, ReportFormat.html).decode()
    assert "<script>" not in html and "&lt;script&gt;" in html and "Evil &lt;b&gt;" in html
    assert "-5 &lt;i&gt;" in html
    document = Document(io.BytesIO(render(report, ReportFormat.docx)))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert cells == ["'=SUM(A1)", "b", '\'=HYPERLINK("http://x")', "'-5 <i>"]
    assert any(p.text.startswith("Text <script>alert(1)</script> '=1+21") for p in document.paragraphs)


def test_pdf_without_the_font_is_a_clear_error(
    profile: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSERVATORY_REPORT_FONT_DIR", str(tmp_path))
    with pytest.raises(ObservatoryError) as caught:
        render(profile, ReportFormat.pdf)
    assert caught.value.code == "missing-font" and "fonts-dejavu-core" in str(caught.value)
