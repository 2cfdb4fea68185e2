"""A report as a Word document (python-docx): headings, paragraphs, tables, numbered source notes.

Text cells that a spreadsheet or field code could read as a formula (``=``, ``+``, ``-``, ``@``) are
neutralised as in the CSV/xlsx exports.
"""

from __future__ import annotations

import io
from functools import singledispatch
from typing import Any

from observatory.errors import ObservatoryError
from observatory.reports.document import Cell, Figure, Paragraph, Provenance, Report, Table, cell_text
from observatory.reports.export import neutralise


def _docx() -> Any:
    try:
        import docx
    except ImportError:  # pragma: no cover - the reports extra is part of the dev install
        raise ObservatoryError(
            "DOCX reports need python-docx: pip install 'observatory[reports]'", code="missing-dependency"
        ) from None
    return docx


def _add_figure(paragraph: Any, figure: Figure, notes: dict[Provenance, int]) -> None:
    paragraph.add_run(str(neutralise(figure.text)))
    paragraph.add_run(str(notes[figure.provenance])).font.superscript = True


@singledispatch
def _block(block: object, document: Any, notes: dict[Provenance, int]) -> None:
    raise TypeError(f"no DOCX writer for {type(block).__name__}")


@_block.register
def _(block: Paragraph, document: Any, notes: dict[Provenance, int]) -> None:
    paragraph = document.add_paragraph()
    for part in block.parts:
        if isinstance(part, Figure):
            _add_figure(paragraph, part, notes)
        else:
            paragraph.add_run(part)


def _cell(target: Any, cell: Cell, notes: dict[Provenance, int]) -> None:
    paragraph = target.paragraphs[0]
    if isinstance(cell, Figure):
        _add_figure(paragraph, cell, notes)
    else:
        paragraph.add_run(str(neutralise(cell_text(cell))))


@_block.register
def _(block: Table, document: Any, notes: dict[Provenance, int]) -> None:
    document.add_paragraph(block.caption, style="Caption")
    table = document.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    for target, title in zip(table.rows[0].cells, block.columns, strict=True):
        target.paragraphs[0].add_run(str(neutralise(title))).bold = True
    for row in block.rows:
        for target, cell in zip(table.add_row().cells, row, strict=True):
            _cell(target, cell, notes)


def write_docx(report: Report, base_url: str = "") -> bytes:
    document = _docx().Document()
    document.core_properties.title = f"{report.title}: {report.subtitle}"
    document.add_heading(report.title, level=0)
    document.add_paragraph(f"{report.subtitle} · generated on {report.as_of.isoformat()}")
    notes = report.footnotes()
    for section in report.sections:
        document.add_heading(section.title, level=1)
        for block in section.blocks:
            _block(block, document, notes)
    if notes:
        document.add_heading("Sources of the figures", level=1)
        for provenance, number in notes.items():
            text = provenance.text()
            if base_url and provenance.link:
                text = text.replace(provenance.link, base_url + provenance.link)
            document.add_paragraph(f"{number}. {text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
