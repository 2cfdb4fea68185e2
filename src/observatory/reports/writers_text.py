"""A report as plain text: figures marked ``[n]``, tables as ``|``-separated rows, the sources at the end."""

from __future__ import annotations

from functools import singledispatch

from observatory.reports.document import Cell, Figure, Paragraph, Provenance, Report, Table, cell_text


def _mark(cell: Cell, notes: dict[Provenance, int]) -> str:
    if isinstance(cell, Figure):
        return f"{cell.text} [{notes[cell.provenance]}]"
    return cell_text(cell)


@singledispatch
def _block(block: object, notes: dict[Provenance, int]) -> list[str]:
    raise TypeError(f"no text writer for {type(block).__name__}")


@_block.register
def _(block: Paragraph, notes: dict[Provenance, int]) -> list[str]:
    return ["".join(_mark(p, notes) for p in block.parts), ""]


@_block.register
def _(block: Table, notes: dict[Provenance, int]) -> list[str]:
    lines = [block.caption, " | ".join(block.columns)]
    lines += [" | ".join(_mark(c, notes) for c in row) for row in block.rows]
    return [*lines, ""]


def write_text(report: Report, base_url: str = "") -> bytes:
    notes = report.footnotes()
    lines = [report.title, report.subtitle, f"Generated on {report.as_of.isoformat()}", ""]
    for section in report.sections:
        lines += [section.title, "=" * len(section.title), ""]
        for block in section.blocks:
            lines += _block(block, notes)
    if notes:
        lines += ["Sources of the figures", ""]
        lines += [f"[{n}] {p.text()}" for p, n in notes.items()]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")
