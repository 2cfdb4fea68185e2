"""Observations: one number for one area, period and series, with its flags and where it came from."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum

TOTAL = "_T"  # SDMX's code for "no breakdown on this dimension"


class Unit(StrEnum):
    number = "count"  # a count of persons, offences or events
    rate_per_100k = "rate-per-100k"
    percent = "percent"
    persons = "persons"
    yes_no = "yes-no"  # a structured fact: 1 yes, 0 no (juvenile-justice policy indicators)


class Flag(StrEnum):
    """Observation status flags, after SDMX ``OBS_STATUS`` / ``CONF_STATUS`` and UN-CTS practice."""

    estimated = "estimated"
    break_in_series = "break-in-series"
    confidential = "confidential"
    missing = "missing"  # with a reason in ``note``
    implausible = "implausible"  # parsed, imported, held back from publication
    conflict = "conflict"  # another row claimed the same key with another value
    computed = "computed"  # derived by the source from other figures
    small_base = "small-base"  # a survey estimate on a small unweighted base: read with care


# Flags that keep an observation out of published releases.
UNPUBLISHABLE = frozenset({Flag.confidential, Flag.implausible, Flag.conflict, Flag.missing})

SERIES_DIMENSIONS: tuple[str, ...] = (
    "variable",
    "sex",
    "age",
    "offence",
    "status",
    "citizenship",
    "category",
    "unit",
)


@dataclass(frozen=True, order=True)
class SeriesKey:
    """What is counted: a variable and its disaggregations.

    ``offence`` holds an ICCS code where the source category maps to one; ``category`` holds any other
    breakdown (length of detention, type of death, relationship to perpetrator, cyber-related tag).
    Every dimension defaults to ``_T`` (total).

    >>> str(SeriesKey("persons-held", sex="F"))
    'persons-held.F._T._T._T._T._T.count'
    """

    variable: str
    sex: str = TOTAL
    age: str = TOTAL
    offence: str = TOTAL
    status: str = TOTAL
    citizenship: str = TOTAL
    category: str = TOTAL
    unit: str = Unit.number.value

    def __str__(self) -> str:
        return ".".join(getattr(self, d) for d in SERIES_DIMENSIONS)

    @classmethod
    def parse(cls, text: str) -> SeriesKey:
        parts = text.split(".")
        if len(parts) != len(SERIES_DIMENSIONS):
            raise ValueError(
                f"{text!r} is not a series key; expected {len(SERIES_DIMENSIONS)} dot-separated parts "
                f"({'.'.join(SERIES_DIMENSIONS)})"
            )
        return cls(*parts)

    def as_dict(self) -> dict[str, str]:
        return {d: getattr(self, d) for d in SERIES_DIMENSIONS}


@dataclass(frozen=True)
class Provenance:
    """Where an observation came from, down to the row of the original file."""

    dataflow: str
    source: str | None = None  # the source's own attribution, e.g. "CTS/SDG"
    file_sha256: str | None = None
    file_name: str | None = None
    row: int | None = None
    sheet: str | None = None  # for workbooks: the sheet and cell the value was typed in
    cell: str | None = None


@dataclass(frozen=True)
class Observation:
    area: str
    period: str
    key: SeriesKey
    value: float | None
    provenance: Provenance
    flags: frozenset[Flag] = field(default_factory=frozenset)
    note: str | None = None
    label: str | None = None  # the source's own label for the breakdown, kept verbatim

    def __post_init__(self) -> None:
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"observation value must be finite, got {self.value!r}")

    @property
    def publishable(self) -> bool:
        return self.value is not None and not (self.flags & UNPUBLISHABLE)

    def identity(self) -> tuple[str, str, str, str]:
        """The natural key: dataflow, area, period, series."""
        return (self.provenance.dataflow, self.area, self.period, str(self.key))

    def with_flags(self, *flags: Flag, note: str | None = None) -> Observation:
        notes = "; ".join(n for n in (self.note, note) if n) or None
        return replace(self, flags=self.flags | frozenset(flags), note=notes)
