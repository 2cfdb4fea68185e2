"""A report as one self-contained, printable HTML page (Jinja2, autoescaped; no external resources)."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from observatory.reports.document import Report


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("observatory.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def write_html(report: Report, base_url: str = "") -> bytes:
    template = _environment().get_template("report.html")
    return template.render(report=report, notes=report.footnotes(), base_url=base_url).encode("utf-8")
