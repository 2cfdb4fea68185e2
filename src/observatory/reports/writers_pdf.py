"""A report as PDF (fpdf2, pure Python) in the DejaVu fonts, so any UTF-8 text prints.

The font is looked up in ``OBSERVATORY_REPORT_FONT_DIR`` and then in the usual system places (Debian's
``fonts-dejavu-core`` installs ``/usr/share/fonts/truetype/dejavu``); without it the PDF fails with
``missing-font`` naming where it looked.
"""

from __future__ import annotations

import os
from functools import singledispatch
from pathlib import Path
from typing import Any

from observatory.errors import ErrorLocation, ObservatoryError
from observatory.reports.document import Cell, Figure, Paragraph, Provenance, Report, Table, cell_text

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
    Path("/Library/Fonts"),
)
FONTS = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"


def font_dir() -> Path:
    """The first folder holding both DejaVu fonts; ``missing-font`` when there is none."""
    given = os.environ.get("OBSERVATORY_REPORT_FONT_DIR")
    places = [Path(given)] if given else list(FONT_DIRS)
    for place in places:
        if all((place / name).is_file() for name in FONTS.values()):
            return place
    raise ObservatoryError(
        f"PDF reports need the DejaVu fonts ({', '.join(FONTS.values())}); none found in "
        f"{', '.join(str(p) for p in places)}: install fonts-dejavu-core or set OBSERVATORY_REPORT_FONT_DIR",
        code="missing-font",
        location=ErrorLocation(file=str(places[0])),
    )


def _fpdf() -> Any:
    try:
        import fpdf
    except ImportError:  # pragma: no cover - the reports extra is part of the dev install
        raise ObservatoryError(
            "PDF reports need fpdf2: pip install 'observatory[reports]'", code="missing-dependency"
        ) from None
    return fpdf


def _write_figure(pdf: Any, figure: Figure, notes: dict[Provenance, int]) -> None:
    pdf.write(5, figure.text)
    pdf.char_vpos = "SUP"
    pdf.write(5, str(notes[figure.provenance]))
    pdf.char_vpos = "LINE"


@singledispatch
def _block(block: object, pdf: Any, notes: dict[Provenance, int]) -> None:
    raise TypeError(f"no PDF writer for {type(block).__name__}")


@_block.register
def _(block: Paragraph, pdf: Any, notes: dict[Provenance, int]) -> None:
    for part in block.parts:
        if isinstance(part, Figure):
            _write_figure(pdf, part, notes)
        else:
            pdf.write(5, part)
    pdf.ln(8)


def _cell(cell: Cell, notes: dict[Provenance, int]) -> str:
    return f"{cell.text} [{notes[cell.provenance]}]" if isinstance(cell, Figure) else cell_text(cell)


@_block.register
def _(block: Table, pdf: Any, notes: dict[Provenance, int]) -> None:
    pdf.set_font(FAMILY, "B", 9)
    pdf.multi_cell(0, 5, block.caption, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8)
    with pdf.table(first_row_as_headings=True, line_height=4.5, text_align="LEFT") as table:
        header = table.row()
        for title in block.columns:
            header.cell(title)
        for row in block.rows:
            line = table.row()
            for cell in row:
                line.cell(_cell(cell, notes))
    pdf.set_font(FAMILY, "", 10)
    pdf.ln(3)


def write_pdf(report: Report, base_url: str = "") -> bytes:
    fonts = font_dir()
    fpdf = _fpdf()
    pdf = fpdf.FPDF(format="A4")
    pdf.set_title(f"{report.title}: {report.subtitle}")
    pdf.set_creator("Observatory")
    for style, name in FONTS.items():
        pdf.add_font(FAMILY, style, str(fonts / name))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 8, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(
        0, 5, f"{report.subtitle} · generated on {report.as_of.isoformat()}", new_x="LMARGIN", new_y="NEXT"
    )
    notes = report.footnotes()
    for section in report.sections:
        pdf.ln(4)
        pdf.set_font(FAMILY, "B", 12)
        pdf.multi_cell(0, 7, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 10)
        for block in section.blocks:
            _block(block, pdf, notes)
    if notes:
        pdf.ln(4)
        pdf.set_font(FAMILY, "B", 12)
        pdf.multi_cell(0, 7, "Sources of the figures", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 7)
        for provenance, number in notes.items():
            text = provenance.text()
            if base_url and provenance.link:
                text = text.replace(provenance.link, base_url + provenance.link)
            pdf.multi_cell(0, 3.5, f"{number}. {text}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
