"""The platform's own long CSV: what ``observatory export --format csv`` writes, so that it imports again.

Columns (``COLUMNS`` of :mod:`observatory.warehouse.release`): ``dataflow, area, period, variable, sex, age,
offence, status, citizenship, category, unit, value, flags, note, label, source`` and the provenance columns
``file_sha256, row, import_id``, which are ignored (the imported file becomes the provenance). Only ``area``,
``period``, ``variable`` and ``value`` are required: a missing dimension is ``_T`` (total), a missing unit is
``count`` and a missing dataflow is ``UN_CTS``, so an agency can send its own long file. ``flags`` is a
comma-separated list of flag names; an empty value is accepted only with the ``missing`` flag. Text that the
export neutralised against formula injection (a leading apostrophe) is restored. A row in unit ``yes-no`` is
a structured fact with evidence (optional columns ``legal_reference, document_title, url, assessed_on``;
see :mod:`observatory.collect.readers.facts`).
"""

from __future__ import annotations

from collections.abc import Iterator

from observatory.collect.readers.base import (
    Item,
    ReadContext,
    Reader,
    RowView,
    parse_period,
    parse_value,
    row_views,
)
from observatory.collect.readers.facts import (
    EVIDENCE_COLUMNS,
    FACTS_DATAFLOW,
    Evidence,
    is_fact,
    parse_answer,
    read_evidence,
    unit_problem,
)
from observatory.collect.source import TextSource
from observatory.model.observation import (
    SERIES_DIMENSIONS,
    TOTAL,
    Flag,
    Observation,
    Provenance,
    SeriesKey,
    Unit,
)
from observatory.model.problem import Problem, Severity
from observatory.reports.export import restore

DEFAULT_DATAFLOW = "UN_CTS"
TEXTS = ("note", "label", "source")


class LongCsvReader(Reader):
    name = "observatory-csv"
    dataflow = DEFAULT_DATAFLOW
    required = ("area", "period", "variable", "value")
    optional = (
        "dataflow",
        *(d for d in SERIES_DIMENSIONS if d != "variable"),
        "flags",
        *TEXTS,
        *EVIDENCE_COLUMNS,
    )

    def read(self, source: TextSource, ctx: ReadContext) -> Iterator[Item]:
        for view in row_views(source, self.required + self.optional, clean=lambda v: restore(v.strip())):
            yield from self._row(view, ctx)

    def _row(self, row: RowView, ctx: ReadContext) -> Iterator[Item]:
        problems: list[Problem] = []
        area = ctx.areas.resolve(row["area"])
        if area is None:
            problems.append(
                row.cell("area").problem(
                    "unknown-area",
                    f"{row['area']!r} is not an area code (ISO 3166 alpha-3, M49 or UNODC unit)",
                )
            )
        period = parse_period(row.cell("period"))
        flags = _flags(row)
        missing = not isinstance(flags, Problem) and Flag.missing in flags
        fact = is_fact(row)
        value = (
            None
            if missing and not row["value"]
            else (parse_answer if fact else parse_value)(row.cell("value"))
        )
        evidence = read_evidence(row) if fact and isinstance(value, float) else None
        if not row["variable"]:
            problems.append(row.cell("variable").problem("missing-value", "the variable is empty"))
        problems += [p for p in (period, value, flags, unit_problem(row)) if isinstance(p, Problem)]
        problems += evidence if isinstance(evidence, list) else []
        yield from problems
        if any(p.severity is Severity.error for p in problems):
            return
        assert area is not None and not isinstance(period, Problem)
        assert not isinstance(value, Problem) and not isinstance(flags, Problem)
        unit = Unit.yes_no.value if fact else row["unit"] or Unit.number.value
        key = SeriesKey(**{d: row[d] or TOTAL for d in SERIES_DIMENSIONS} | {"unit": unit})
        found = evidence if isinstance(evidence, Evidence) else None
        yield from _plausibility(row, period.plausible, value, key, flags)
        yield Observation(
            area=area.code,
            period=str(period),
            key=key,
            value=value,
            provenance=Provenance(
                row["dataflow"] or (FACTS_DATAFLOW if fact else DEFAULT_DATAFLOW),
                found.document_title if found else row["source"] or None,
                file_name=row.source.name,
                row=row.row,
            ),
            flags=frozenset(flags),
            note=found.note_text() if found else row["note"] or None,
            label=row["label"] or None,
        )


def _flags(row: RowView) -> set[Flag] | Problem:
    names = [f.strip() for f in row["flags"].split(",") if f.strip()]
    known = {f.value for f in Flag}
    unknown = [n for n in names if n not in known]
    if unknown:
        return row.cell("flags").problem(
            "unknown-code", f"flag(s) {', '.join(unknown)} unknown; flags are {', '.join(sorted(known))}"
        )
    return {Flag(n) for n in names}


def _plausibility(
    row: RowView, plausible: bool, value: float | None, key: SeriesKey, flags: set[Flag]
) -> Iterator[Problem]:
    """Implausible years and negative counts are imported flagged (and held back), as in other readers."""
    if not plausible and Flag.implausible not in flags:
        flags.add(Flag.implausible)
        yield row.cell("period").problem(
            "implausible-year",
            f"year {row['period']} is outside 1900-2100; imported flagged, held back from publication",
        )
    if value is not None and value < 0 and key.unit == Unit.number.value and Flag.implausible not in flags:
        flags.add(Flag.implausible)
        yield row.cell("value").problem(
            "negative-count",
            f"a count of {value:g} is below zero; imported flagged, held back from publication",
        )
