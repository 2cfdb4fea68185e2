"""Structured yes/no facts with evidence, read by the long CSV (juvenile-justice policy indicators 12-15).

A long-CSV row is a *fact* when its ``unit`` is ``yes-no``, or when its unit is empty and the questionnaire
declares the variable in ``yes-no`` (``jj-independent-inspections``, ``jj-complaints-mechanism``,
``jj-specialized-system``, ``jj-prevention-plan``). A fact's ``value`` is ``yes``, ``no``, ``1`` or ``0``
(any letter case; ``1.0``/``0.0`` as the CSV export writes them) and is stored as 1 or 0. It must carry its
evidence in four more columns:

``document_title``
    the document the answer rests on (a law, a regulation, a government report); required, at most 200
    characters. Stored as the observation's ``source``.
``legal_reference``
    the article or section (``Act 12 of 2015, s. 4``); required unless a ``url`` is given (a "no" often
    has no law to cite).
``url``
    where the document can be read (``http://`` or ``https://``); required unless a ``legal_reference`` is
    given.
``assessed_on``
    the date the answer was assessed, ``YYYY-MM-DD``; required.

A fact without its evidence is refused (``fact-without-evidence``, naming the empty column); malformed
evidence (a URL that is not http(s), a date that is not a date, a title over 200 characters) is
``invalid-evidence``. The evidence is kept in the observation's ``note``, one ``Name: value`` line per field
(plus the row's own ``note`` as a last ``Note:`` line), so a re-imported export (which has no evidence
columns) reads it back from the note and upserts as unchanged, and a changed answer or changed evidence is a
revision with the previous value kept. A fact's default dataflow is ``JJ_POLICY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from observatory.catalog.questionnaires import load_questionnaire
from observatory.collect.readers.base import Cell, RowView
from observatory.model.observation import Unit
from observatory.model.problem import Problem

YES_NO = Unit.yes_no.value
FACTS_DATAFLOW = "JJ_POLICY"
EVIDENCE_COLUMNS = ("legal_reference", "document_title", "url", "assessed_on")
MAX_TITLE = 200  # the width of the observation's ``source`` column
ANSWERS = {"yes": 1.0, "no": 0.0, "1": 1.0, "0": 0.0}
# The note lines, in order: (label in the note, field).
LINES = (
    ("Document", "document_title"),
    ("Legal reference", "legal_reference"),
    ("URL", "url"),
    ("Assessed on", "assessed_on"),
    ("Note", "note"),
)


def declared_unit(variable: str) -> str:
    """The unit the questionnaire declares for ``variable`` (``count`` for variables it does not define)."""
    found = load_questionnaire().variables.get(variable)
    return found.unit.value if found is not None else Unit.number.value


def is_fact(row: RowView) -> bool:
    return (row["unit"] or declared_unit(row["variable"])) == YES_NO


def unit_problem(row: RowView) -> Problem | None:
    """``unit-mismatch`` when a yes/no variable comes in another unit, or a counted one in ``yes-no``."""
    declared, given = declared_unit(row["variable"]), row["unit"]
    if not given or (given == YES_NO) == (declared == YES_NO):
        return None
    return row.cell("unit").problem(
        "unit-mismatch",
        f"{row['variable']!r} is declared in {declared}, not {given}; "
        + (
            "a yes/no fact has unit yes-no (or an empty unit)"
            if declared == YES_NO
            else "yes-no is for facts"
        ),
    )


def parse_answer(cell: Cell) -> float | Problem:
    """``yes``/``no``/``1``/``0`` (also ``1.0``/``0.0``) as 1.0 or 0.0."""
    text = cell.raw.strip().casefold()
    if text in ANSWERS:
        return ANSWERS[text]
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if number in (0.0, 1.0):
        return number
    return cell.problem(
        "not-yes-no",
        f"{cell.raw!r} is not a yes/no answer; write yes, no, 1 or 0"
        if text
        else "the answer is empty; write yes, no, 1 or 0 (or flag the row missing)",
    )


@dataclass(frozen=True)
class Evidence:
    """What a yes/no answer rests on."""

    document_title: str
    assessed_on: str
    legal_reference: str = ""
    url: str = ""
    note: str = ""

    def note_text(self) -> str:
        return "\n".join(f"{label}: {getattr(self, name)}" for label, name in LINES if getattr(self, name))

    def as_dict(self) -> dict[str, str | None]:
        return {name: getattr(self, name) or None for _, name in LINES}


def parse_note(text: str | None) -> dict[str, str]:
    """The evidence fields of a note written by :meth:`Evidence.note_text` (unknown lines are ignored)."""
    by_label = {label: name for label, name in LINES}
    found: dict[str, str] = {}
    for line in (text or "").splitlines():
        label, sep, value = line.partition(": ")
        if sep and label in by_label:
            found[by_label[label]] = value.strip()
    return found


def _clean(text: str) -> str:
    return " ".join(text.split())


def read_evidence(row: RowView) -> Evidence | list[Problem]:
    """The row's evidence, from the evidence columns or (for a re-imported export) from its note."""
    fields = {c: _clean(row[c]) for c in EVIDENCE_COLUMNS}
    note = row["note"]
    if not any(fields.values()):  # an export of the platform's own data: the evidence is in the note
        stored = parse_note(note)
        fields = {c: stored.get(c, "") for c in EVIDENCE_COLUMNS}
        fields["document_title"] = fields["document_title"] or _clean(row["source"])
        note = stored.get("note", "") if stored else note
    problems: list[Problem] = []
    for column in ("document_title", "assessed_on"):
        if not fields[column]:
            problems.append(_without(row, column, f"the {column.replace('_', ' ')} is empty"))
    if not fields["legal_reference"] and not fields["url"]:
        problems.append(_without(row, "legal_reference", "neither a legal reference nor a url is given"))
    if fields["url"] and not fields["url"].startswith(("http://", "https://")):
        problems.append(_invalid(row, "url", f"{fields['url']!r} is not an http(s) URL"))
    if len(fields["document_title"]) > MAX_TITLE:
        problems.append(_invalid(row, "document_title", f"the title is longer than {MAX_TITLE} characters"))
    if fields["assessed_on"]:
        try:
            fields["assessed_on"] = date.fromisoformat(fields["assessed_on"]).isoformat()
        except ValueError:
            problems.append(
                _invalid(row, "assessed_on", f"{fields['assessed_on']!r} is not a date; write YYYY-MM-DD")
            )
    if problems:
        return problems
    return Evidence(note=_clean(note or ""), **fields)


def _without(row: RowView, column: str, why: str) -> Problem:
    return row.cell(column).problem(
        "fact-without-evidence",
        f"{why}: a yes/no fact needs a document_title, an assessed_on date and a legal_reference or url",
    )


def _invalid(row: RowView, column: str, why: str) -> Problem:
    return row.cell(column).problem("invalid-evidence", why)
