"""What every validation check shares: rules, parameters, the table checks run on, and findings.

A *rule* is one entry of ``catalog/data/validation_rules.toml``: an ``id``, a family (``type``), the problem
``code`` it reports, an optional ``severity`` override, a ``where`` selector and the family's parameters. A
:class:`Check` is one rule made executable (after frictionless ``Check``): :meth:`Check.findings` returns an
ibis expression over the one DuckDB table of observations whose rows are the problems found, with the columns
of :data:`FINDING_SCHEMA`; :meth:`Check.describe` words one such row as message, expected and found.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

import ibis
import ibis.expr.types as ir

from observatory.errors import ConfigurationError
from observatory.model.observation import SERIES_DIMENSIONS, SeriesKey
from observatory.model.problem import PROBLEM_TYPES, Problem, Severity
from observatory.model.questionnaire import Questionnaire

KEY: tuple[str, ...] = SERIES_DIMENSIONS
LOCATION: tuple[str, ...] = ("file", "sheet", "cell", "row")
# The columns of one finding (one problem row) as every check returns them.
FINDING_SCHEMA = ibis.schema(
    {
        "code": "string",
        "area": "string",
        "period": "string",
        **dict.fromkeys(KEY, "string"),
        "expected": "float64",
        "found": "float64",
        "extra": "float64",
        "detail": "string",
        "n": "int64",
        "file": "string",
        "sheet": "string",
        "cell": "string",
        "row": "int64",
    }
)
Finding = Mapping[str, Any]
# Default tolerance of rules that add values up: a millionth, so that float rounding is never a problem.
ROUNDING = 1e-6
E = TypeVar("E", bound=StrEnum)


class RuleType(StrEnum):
    """The rule families implemented in code; a rule in the TOML names one of these as its ``type``."""

    range = "range"
    integer = "integer"
    unit = "unit"
    sum_of_parts = "sum-of-parts"
    subset = "subset"
    iccs_hierarchy = "iccs-hierarchy"
    stage_order = "stage-order"
    prison_flow = "prison-flow"
    year_on_year = "year-on-year"
    outlier_history = "outlier-history"
    outlier_subregion = "outlier-subregion"
    completeness = "completeness"
    unknown_cell = "unknown-cell"


Selector = tuple[tuple[str, tuple[str, ...]], ...]  # ((dimension, allowed values), ...)


@dataclass(frozen=True)
class Rule:
    """A rule's identity: what it is called, what it reports, and which observations it looks at."""

    id: str
    type: RuleType
    code: str
    severity: Severity | None = None
    where: Selector = ()
    description: str = ""


@dataclass(frozen=True)
class RuleProblem(Problem):
    """A problem found by a validation rule: names the rule, and may carry the rule's severity override."""

    rule: str | None = None
    severity_override: Severity | None = None

    @property
    def severity(self) -> Severity:
        return self.severity_override or PROBLEM_TYPES[self.code].severity

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "rule": self.rule}


_MISSING: Any = object()


class Params:
    """A rule's parameters, each read once; any left unread is a mistake in the rules file.

    Every reader raises :class:`ConfigurationError` naming the rule and the parameter.
    """

    def __init__(self, rule: str, data: Mapping[str, Any], source: str = "<rules>") -> None:
        self.rule = rule
        self.source = source
        self.data = dict(data)
        self.used: set[str] = set()

    def error(self, name: str, message: str) -> ConfigurationError:
        return ConfigurationError(
            f"{self.source}: validation rule {self.rule!r}: parameter {name!r} {message}"
        )

    def _get(self, name: str, default: Any) -> Any:
        self.used.add(name)
        if name in self.data:
            return self.data[name]
        if default is _MISSING:
            raise self.error(name, "is required")
        return default

    def text(self, name: str, default: str = _MISSING) -> str:
        value = self._get(name, default)
        if not isinstance(value, str) or not value:
            raise self.error(name, f"must be a non-empty string, not {value!r}")
        return value

    def texts(self, name: str, default: Sequence[str] = _MISSING, *, minimum: int = 0) -> tuple[str, ...]:
        value = self._get(name, default)
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise self.error(name, f"must be a list of strings, not {value!r}")
        if not all(isinstance(v, str) and v for v in value) or len(set(value)) != len(value):
            raise self.error(name, f"must list distinct non-empty strings, not {value!r}")
        if len(value) < minimum:
            raise self.error(name, f"must list at least {minimum} value(s), not {list(value)!r}")
        return tuple(value)

    def number(self, name: str, default: float = _MISSING, *, minimum: float = -math.inf) -> float:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.error(name, f"must be a finite number, not {value!r}")
        if value < minimum:
            raise self.error(name, f"must be at least {minimum:g}, not {value!r}")
        return float(value)

    def optional_number(self, name: str) -> float | None:
        self.used.add(name)
        return None if self.data.get(name) is None else self.number(name)

    def integer(self, name: str, default: int = _MISSING, *, minimum: int = 0) -> int:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.error(name, f"must be a whole number of at least {minimum}, not {value!r}")
        return value

    def integers(
        self, name: str, default: Sequence[int] = _MISSING, *, minimum: int, maximum: int
    ) -> tuple[int, ...]:
        value = self._get(name, default)
        ok = isinstance(value, Sequence) and not isinstance(value, str)
        if not ok or not all(type(v) is int and minimum <= v <= maximum for v in value):
            raise self.error(name, f"must list whole numbers from {minimum} to {maximum}, not {value!r}")
        return tuple(value)

    def flag(self, name: str, default: bool = _MISSING) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self.error(name, f"must be true or false, not {value!r}")
        return value

    def choice(self, name: str, enum: type[E], default: E = _MISSING) -> E:
        value = self._get(name, default)
        try:
            return enum(value)
        except ValueError:
            raise self.error(
                name, f"is {value!r}; choose one of {', '.join(e.value for e in enum)}"
            ) from None

    def code(self, name: str, default: str) -> str:
        value = self.text(name, default)
        if value not in PROBLEM_TYPES:
            raise self.error(name, f"is {value!r}, which is not a problem code")
        return value

    def selector(self, name: str, default: Mapping[str, Any] = _MISSING) -> Selector:
        value = self._get(name, default)
        if not isinstance(value, Mapping):
            raise self.error(name, f"must be a table of dimension = value(s), not {value!r}")
        out: list[tuple[str, tuple[str, ...]]] = []
        for dim, allowed in value.items():
            if dim not in KEY:
                raise self.error(name, f"names {dim!r}, which is not a dimension ({', '.join(KEY)})")
            values = (allowed,) if isinstance(allowed, str) else allowed
            if not isinstance(values, Sequence) or not values or not all(isinstance(v, str) for v in values):
                raise self.error(name, f"gives {dim} = {allowed!r}; give a string or a list of strings")
            out.append((dim, tuple(values)))
        return tuple(out)

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ConfigurationError(
                f"{self.source}: validation rule {self.rule!r}: unknown parameter(s) {', '.join(unknown)}; "
                f"this rule type takes {', '.join(sorted(self.used)) or 'no parameters'}"
            )


def selected(t: ir.Table, selector: Selector) -> ir.BooleanValue:
    """Rows of ``t`` whose dimensions take one of the selector's values."""
    condition: ir.BooleanValue = ibis.literal(True)
    for dim, values in selector:
        condition &= t[dim] == values[0] if len(values) == 1 else t[dim].isin(values)
    return condition


def dims(selector: Selector) -> set[str]:
    return {dim for dim, _ in selector}


def fmt(value: float | None) -> str:
    """A number as people write it: ``120``, ``12.5``, ``4556.3``, ``0.3333333333``."""
    if value is None:
        return "nothing"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


@dataclass
class Context:
    """What checks run on: tables of one DuckDB connection, by name, and the questionnaire.

    ``table`` (``observations``) has the columns area, period, year (the period as an integer, null when not
    annual), the series dimensions, value, note, the location columns and ``current`` (false for history).
    The reference tables are those of :data:`REFERENCE_TABLES` and ``scope`` (the area and period pairs the
    round should answer). Checks refer to tables by name only, so their compiled SQL can be reused.
    """

    con: Any  # an ibis DuckDB backend
    questionnaire: Questionnaire

    @property
    def table(self) -> ir.Table:
        return self.con.table("observations")

    def rows(self, where: Selector = (), *, current: bool = True, values: bool = True) -> ir.Table:
        t = self.table
        condition = selected(t, where)
        if current:
            condition &= t.current
        if values:
            condition &= t.value.notnull()
        return t.filter(condition)

    @property
    def cells(self) -> ir.Table:
        return self.con.table("cells")

    @property
    def units(self) -> ir.Table:
        return self.con.table("units")

    @property
    def subregions(self) -> ir.Table:
        return self.con.table("subregions")

    @property
    def iccs_tree(self) -> ir.Table:
        return self.con.table("iccs_tree")

    @property
    def iccs_sizes(self) -> ir.Table:
        return self.con.table("iccs_sizes")

    @property
    def scope(self) -> ir.Table:
        return self.con.table("scope")


# Tables of reference data every connection has (see ``validation.reference_tables``):
# cells (table_id, row_label, column_label and the series dimensions of each questionnaire cell), units
# (variable, expected_unit), subregions (area, subregion), iccs_tree (offence, ancestor, distance: every
# ICCS code with each category above it, ``_T`` standing above the sections), iccs_sizes (ancestor,
# n_children, child_level).
REFERENCE_TABLES = ("cells", "units", "subregions", "iccs_tree", "iccs_sizes")


class Check(ABC):
    """One rule made executable. Subclasses read their parameters in ``__init__`` and build findings."""

    type: ClassVar[RuleType]
    default_code: ClassVar[str]
    default_where: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, rule: Rule, params: Params) -> None:
        self.rule = rule

    @abstractmethod
    def findings(self, ctx: Context) -> ir.Table:
        """Rows of :data:`FINDING_SCHEMA`, one per problem."""

    @abstractmethod
    def describe(self, row: Finding) -> tuple[str, str | None, str | None]:
        """Message, expected and found for one finding."""

    def key(self, row: Finding) -> str:
        """What the problem is about when it has no cell or row: area, period and series key."""
        return key_text(row)

    def problem(self, row: Finding) -> RuleProblem:
        message, expected, found = self.describe(row)
        return RuleProblem(
            code=row["code"],
            message=f"{message} [rule {self.rule.id}]",
            file=row["file"],
            row=row["row"],
            sheet=row["sheet"],
            cell=row["cell"],
            key=self.key(row),
            expected=expected,
            found=found,
            rule=self.rule.id,
            severity_override=self.rule.severity,
        )


def key_text(row: Finding) -> str:
    """``AUT 2022 persons-held.F._T._T._T._T._T.count``: area, period and series key of a finding."""
    head = " ".join(str(row[c]) for c in ("area", "period") if row.get(c) is not None)
    if row.get("variable") is None:
        return head
    return f"{head} {SeriesKey(*(row[d] for d in KEY))}"


def emit(
    t: ir.Table,
    *,
    code: str | ir.StringValue,
    expected: ir.Value | float | None = None,
    found: ir.Value | float | None = None,
    extra: ir.Value | float | None = None,
    detail: ir.Value | str | None = None,
    n: ir.Value | int | None = None,
    columns: Mapping[str, ir.Value] | None = None,
) -> ir.Table:
    """The findings of ``t`` in the shape every check returns (the engine orders them)."""
    given = dict(columns or {})
    out: dict[str, Any] = {"code": code}
    for name in ("area", "period", *KEY, *LOCATION):
        out[name] = given.get(name, t[name] if name in t.columns else None)
    out.update(expected=expected, found=found, extra=extra, detail=detail, n=n)
    typed = {
        name: (ibis.literal(value, type=FINDING_SCHEMA[name]) if not isinstance(value, ir.Value) else value)
        for name, value in out.items()
    }
    return t.select(**{name: typed[name].cast(FINDING_SCHEMA[name]) for name in FINDING_SCHEMA.names})
