"""Writing a :class:`~observatory.reports.document.Report` as HTML, PDF, DOCX or plain text.

One function per format (``writers_html``, ``writers_pdf``, ``writers_docx``, ``writers_text``); each walks
the blocks with ``functools.singledispatch`` on the block type. DOCX and PDF need the optional ``reports``
extra (``pip install observatory[reports]``); without it they fail with a clear error.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from observatory.reports.document import Report


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    docx = "docx"
    txt = "txt"

    @property
    def media_type(self) -> str:
        return {
            ReportFormat.html: "text/html; charset=utf-8",
            ReportFormat.pdf: "application/pdf",
            ReportFormat.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ReportFormat.txt: "text/plain; charset=utf-8",
        }[self]


def render(report: Report, fmt: ReportFormat, *, base_url: str = "") -> bytes:
    """The report as the bytes of a file in ``fmt``; links to explanations are prefixed with ``base_url``."""
    writer: Callable[[Report, str], bytes]
    if fmt is ReportFormat.html:
        from observatory.reports.writers_html import write_html as writer
    elif fmt is ReportFormat.pdf:
        from observatory.reports.writers_pdf import write_pdf as writer
    elif fmt is ReportFormat.docx:
        from observatory.reports.writers_docx import write_docx as writer
    else:
        from observatory.reports.writers_text import write_text as writer
    return writer(report, base_url)
