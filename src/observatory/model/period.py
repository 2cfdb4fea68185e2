"""Reference periods. UN-CTS data are annual; the type leaves room for quarters and months."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# Years before this are accepted as values but flagged implausible for crime statistics.
EARLIEST_PLAUSIBLE_YEAR = 1900
LATEST_PLAUSIBLE_YEAR = 2100

_PATTERN = re.compile(r"^(\d{4})(?:-(Q[1-4]|\d{2}))?$", re.ASCII)


class Frequency(StrEnum):
    annual = "A"
    quarterly = "Q"
    monthly = "M"


@dataclass(frozen=True)
class Period:
    """A reference period in SDMX ``TIME_PERIOD`` form: ``2019``, ``2019-Q3`` or ``2019-07``.

    >>> Period.parse("2019")
    Period(year=2019, sub=None)
    >>> str(Period.parse("2019-Q3"))
    '2019-Q3'
    """

    year: int
    sub: str | None = None

    @classmethod
    def parse(cls, text: str | int) -> Period:
        """Parse a period; raise ``ValueError`` naming what would be accepted."""
        if isinstance(text, bool) or (isinstance(text, int) and not 0 <= text <= 9999):
            raise ValueError(f"{text!r} is not a year; expected a year such as 2019")
        if isinstance(text, int):
            return cls(year=text)
        raw = str(text).strip()
        if raw.endswith(".0") and raw[:-2].isascii() and raw[:-2].isdigit():
            raw = raw[:-2]  # spreadsheets write 2019 as 2019.0
        match = _PATTERN.match(raw)
        if not match:
            raise ValueError(f"{text!r} is not a period; expected a year such as 2019 (or 2019-Q3, 2019-07)")
        sub = match.group(2)
        if sub and sub.isdigit() and not 1 <= int(sub) <= 12:
            raise ValueError(f"{text!r} has no month {sub}; months run from 01 to 12")
        return cls(year=int(match.group(1)), sub=sub)

    def sort_key(self) -> tuple[int, str]:
        """A year sorts before its quarters and months."""
        return (self.year, self.sub or "")

    def __lt__(self, other: Period) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: Period) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: Period) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: Period) -> bool:
        return self.sort_key() >= other.sort_key()

    @property
    def frequency(self) -> Frequency:
        if self.sub is None:
            return Frequency.annual
        return Frequency.quarterly if self.sub.startswith("Q") else Frequency.monthly

    @property
    def plausible(self) -> bool:
        return EARLIEST_PLAUSIBLE_YEAR <= self.year <= LATEST_PLAUSIBLE_YEAR

    def __str__(self) -> str:
        return f"{self.year}-{self.sub}" if self.sub else str(self.year)
