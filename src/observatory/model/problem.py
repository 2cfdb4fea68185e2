"""Data problems as values: collected in a report, never raised.

Each problem has a stable kebab-case ``code`` from :data:`PROBLEM_TYPES`, a severity, a message and where it
was found. A report is ``valid`` when it holds no error; warnings never block, but they travel with the data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True)
class ProblemType:
    code: str
    severity: Severity
    title: str
    description: str


def _types(*items: tuple[str, Severity, str, str]) -> dict[str, ProblemType]:
    return {code: ProblemType(code, sev, title, desc) for code, sev, title, desc in items}


E, W = Severity.error, Severity.warning
PROBLEM_TYPES: dict[str, ProblemType] = _types(
    ("empty-file", E, "Empty file", "The file has no bytes or no data rows."),
    ("binary-file", E, "Binary file", "The file is not text; a CSV was expected."),
    (
        "unknown-format",
        E,
        "Unknown format",
        "No reader recognises the file's columns or extension.",
    ),
    ("missing-column", E, "Missing column", "A column the format requires is absent."),
    ("missing-value", E, "Missing value", "A required cell is empty."),
    ("non-numeric-value", E, "Non-numeric value", "The value is not a number."),
    ("non-finite-value", E, "Non-finite value", "The value is infinite or NaN."),
    ("invalid-period", E, "Invalid period", "The year or period cannot be parsed."),
    ("unknown-code", E, "Unknown code", "The cell holds a code the format does not define."),
    (
        "unknown-area",
        E,
        "Unknown area",
        "The area code is not in the M49/ISO catalogue or UNODC units.",
    ),
    ("implausible-year", W, "Implausible year", "The year parses but lies outside 1900-2100."),
    ("negative-count", W, "Negative count", "A count of persons or offences below zero."),
    (
        "not-yes-no",
        E,
        "Not a yes/no answer",
        "A fact in unit yes-no holds something other than yes, no, 1 or 0.",
    ),
    (
        "fact-without-evidence",
        E,
        "Fact without evidence",
        "A yes/no fact lacks its document title, assessment date, or both legal reference and URL.",
    ),
    (
        "invalid-evidence",
        E,
        "Invalid evidence",
        "A fact's URL is not http(s), its assessment date is not a date, or its document title is too long.",
    ),
    (
        "nonstandard-category-label",
        W,
        "Non-standard category label",
        "A category label differs from its canonical form (a typo in the source); it was matched.",
    ),
    ("unmapped-category", W, "Unmapped category", "A category with no ICCS or codelist mapping."),
    (
        "conflicting-duplicate",
        W,
        "Conflicting duplicate",
        "Two rows share a series key, area and period with different values; the first is kept.",
    ),
    (
        "non-m49-aggregate",
        W,
        "Aggregate that is not an M49 area",
        "A row for a grouping with no UN M49 area (a World Bank income group, say); not imported.",
    ),
    (
        "exact-duplicate",
        W,
        "Exact duplicate",
        "A row repeats another row's series key, area, period and value; it was counted once.",
    ),
    # Workbooks, SDMX and other submitted files
    ("corrupt-workbook", E, "Corrupt workbook", "The file is not a readable .xlsx workbook."),
    ("encrypted-workbook", E, "Protected workbook", "The workbook is password-protected or encrypted."),
    ("zip-bomb", E, "Oversized archive", "The workbook would inflate past the allowed size."),
    ("wrong-template", E, "Wrong template", "The workbook was not generated for this questionnaire version."),
    ("wrong-round", E, "Wrong round", "The workbook belongs to another round or country."),
    ("formula-not-value", E, "Formula instead of value", "A data cell holds a formula; type the value."),
    ("merged-cells", E, "Merged cells", "Data cells were merged; each cell must hold one value."),
    ("duplicate-key", E, "Duplicated key", "Two cells or rows give a value for the same series."),
    ("unknown-cell", E, "Unknown cell", "A value for a series the questionnaire does not ask for."),
    ("unsafe-xml", E, "Unsafe XML", "The XML declares entities or a DTD (XXE, billion laughs)."),
    ("invalid-xml", E, "Invalid XML", "The file is not well-formed XML or not SDMX."),
    # Validation rules: type and range
    ("non-integer-count", E, "Fractional count", "A count of persons or offences is not a whole number."),
    ("rate-out-of-range", W, "Implausible rate", "A rate per 100,000 lies outside its plausible range."),
    ("percent-out-of-range", E, "Percentage out of range", "A percentage lies outside 0-100."),
    ("unit-mismatch", E, "Unit mismatch", "The unit differs from the one the questionnaire asks for."),
    # Validation rules: arithmetic
    ("sum-of-parts-mismatch", E, "Parts do not add up", "A total differs from the sum of its parts."),
    ("parts-exceed-total", E, "Parts exceed the total", "Known parts add up to more than the total."),
    (
        "iccs-children-exceed-parent",
        E,
        "ICCS children exceed parent",
        "Counts of ICCS sub-categories add up to more than their parent category.",
    ),
    (
        "subset-exceeds-total",
        E,
        "Subset exceeds total",
        "A subset (unsentenced, juveniles) exceeds the total.",
    ),
    # Validation rules: coherence along the justice chain
    (
        "downstream-exceeds-upstream",
        W,
        "Later stage exceeds earlier stage",
        "More persons at a later stage (convicted) than an earlier one (prosecuted): same offence, year.",
    ),
    (
        "prison-flow-inconsistent",
        W,
        "Prison stock and flow disagree",
        "Persons held exceed last year's stock plus this year's entries.",
    ),
    # Validation rules: time and outliers
    (
        "unexplained-break",
        W,
        "Unexplained break in series",
        "A year-on-year change beyond the threshold without an explanatory note.",
    ),
    ("outlier-own-history", W, "Outlier in own history", "Far from the country's own past values."),
    ("outlier-subregion", W, "Outlier in sub-region", "Far from the values of the country's sub-region."),
    # Completeness
    ("missing-from-questionnaire", W, "Not answered", "A cell the questionnaire asks for has no value."),
    # Correspondence tables (ICCS)
    ("unknown-iccs-code", E, "Unknown ICCS code", "The cell is not an ICCS v1.0 code, or is malformed."),
    (
        "duplicate-national-code",
        E,
        "Duplicate national code",
        "A national code appears with conflicting labels or texts, or twice for the same ICCS code.",
    ),
    (
        "shares-do-not-sum-to-one",
        E,
        "Shares do not sum to one",
        "The split shares of one national code do not add up to 1 (one link alone may carry less: partial).",
    ),
    ("empty-label", E, "Empty label", "A national offence has no label."),
    (
        "unmapped-national-offence",
        W,
        "Unmapped national offence",
        "A national offence (or part of it) has no ICCS mapping; its count is reported as unmapped.",
    ),
    # Technical-assistance portfolio (a projects file or request)
    ("unknown-currency", E, "Unknown currency", "The budget's currency is not an ISO 4217 code for money."),
    ("negative-budget", E, "Negative budget", "A pledged budget below zero."),
    ("end-before-start", E, "End before start", "A project ends before it starts."),
    ("invalid-date", E, "Invalid date", "The cell is not a date written as YYYY-MM-DD."),
    ("invalid-project-code", E, "Invalid project code", "A project code is 1-40 letters, digits, . _ -."),
    (
        "inconsistent-project-rows",
        E,
        "Inconsistent project rows",
        "Two rows of the same project give different values for one of its own columns.",
    ),
    (
        "invalid-reference",
        E,
        "Invalid assessment reference",
        "An assessment item or gap is not written checklist:item, or an indicator has two links.",
    ),
    ("unknown-indicator", E, "Unknown indicator", "An outcome indicator names no Observatory indicator."),
    (
        "unknown-assessment-item",
        E,
        "Unknown assessment item",
        "The norms catalogue has no such checklist item.",
    ),
    # Standards-and-norms assessments (a ratings file or request)
    (
        "unknown-item",
        E,
        "Unknown checklist item",
        "The item is not in the checklist version being assessed.",
    ),
    (
        "duplicate-item",
        E,
        "Duplicate item",
        "The same checklist item is answered twice.",
    ),
    (
        "rating-out-of-scale",
        E,
        "Rating outside the scale",
        "The rating is not a level of the checklist's scale.",
    ),
    (
        "not-applicable-refused",
        E,
        "Not applicable refused",
        "The checklist's scale has no 'not applicable'.",
    ),
    (
        "missing-rating",
        E,
        "Missing rating",
        "A rated item has neither a rating nor 'n/a' (nor an indicator).",
    ),
    (
        "invalid-evidence-kind",
        E,
        "Invalid evidence kind",
        "Evidence kinds are document, statistic, interview, site-visit.",
    ),
    (
        "forbidden-evidence-type",
        E,
        "Forbidden evidence type",
        "An evidence file of a type not accepted, or whose content does not match its extension.",
    ),
    (
        "evidence-too-large",
        E,
        "Evidence too large",
        "An evidence file above the size limit.",
    ),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in the input."""

    code: str
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    sheet: str | None = None
    cell: str | None = None
    key: str | None = None  # series key, area and period for problems found across rows
    expected: str | None = None
    found: str | None = None

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_TYPES:
            raise KeyError(f"unknown problem code {self.code!r}; known: {sorted(PROBLEM_TYPES)}")

    @property
    def severity(self) -> Severity:
        return PROBLEM_TYPES[self.code].severity

    def location(self) -> str:
        """Where: file, sheet and cell, or row and column, or the series key."""
        parts = (
            self.file,
            f"sheet {self.sheet!r}" if self.sheet else None,
            f"cell {self.cell}" if self.cell else None,
            f"row {self.row}" if self.row is not None else None,
            f"column {self.column!r}" if self.column else None,
            f"key {self.key}" if self.key else None,
        )
        return ", ".join(p for p in parts if p)

    def describe(self) -> str:
        text = self.message
        if self.expected is not None or self.found is not None:
            text += f" (expected {self.expected}, found {self.found})"
        where = self.location()
        return f"{where}: {text} [{self.code}]" if where else f"{text} [{self.code}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "key": self.key,
            "expected": self.expected,
            "found": self.found,
        }


@dataclass
class ValidationReport:
    """Problems found in one input, with counts. ``valid`` means no error-severity problem."""

    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.warning]

    @property
    def valid(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return dict(Counter(p.code for p in self.problems))

    def grouped(self) -> list[tuple[Problem, int]]:
        """Problems with the same code and message as one entry (the first) and how many there are."""
        return group(self.problems)

    def flatten(self, spec: Sequence[str] = ("row", "column", "code")) -> list[list[Any]]:
        """Problems as lists of the named attributes, for compact assertions (frictionless style)."""
        return [[getattr(p, name) for name in spec] for p in self.problems]


def group(problems: Iterable[Problem]) -> list[tuple[Problem, int]]:
    """Collapse problems that differ only by row: the first of each and its count, in order."""
    firsts: dict[tuple[str, str, str | None], Problem] = {}
    counts: Counter[tuple[str, str, str | None]] = Counter()
    for p in problems:
        key = (p.code, p.message, p.file)
        firsts.setdefault(key, p)
        counts[key] += 1
    return [(firsts[k], counts[k]) for k in firsts]
