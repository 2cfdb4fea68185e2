"""ISO 4217 currency codes, for the budgets of the technical-assistance portfolio.

``catalog/data/currencies.csv`` holds every active entry of ISO 4217 List One ("current currency & funds"),
published by SIX Group, the ISO 4217 maintenance agency: ``code`` (alphabetic), ``numeric``, ``minor_unit``
and ``name``. It was taken from the ``datasets/currency-codes`` data package (``data/codes-all.csv``, ODC
Public Domain Dedication and License; commit 1434fbe05b8c2d12303b0bdeaa549d9beeb11891, which includes the
amendment replacing the Netherlands Antillean Guilder ANG by the Caribbean Guilder XCG in March 2025),
keeping the rows without a withdrawal date, one row per code. To update it, repeat that selection on a newer
List One. Babel is not a dependency of the platform; once it is, ``babel.numbers.list_currencies()`` can
replace this file.

Entries whose minor unit is ``-`` (N.A. in ISO 4217) are units of account, precious metals, bond-market
units and the testing and "no currency" codes (XDR, XUA, XSU, XBA-XBD, XAU, XAG, XPD, XPT, XTS, XXX): they
are in the list but a pledged budget may not be stated in them.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from observatory.errors import ConfigurationError, InvalidInput

FILE = "currencies.csv"
COLUMNS = ("code", "numeric", "minor_unit", "name")


@dataclass(frozen=True)
class Currency:
    code: str
    numeric: str
    minor_unit: int | None  # None: not applicable (units of account, metals, testing codes)
    name: str

    @property
    def for_budgets(self) -> bool:
        """Whether an amount of money (a pledged budget) may be stated in this currency."""
        return self.minor_unit is not None


@cache
def load_currencies() -> dict[str, Currency]:
    """Every active ISO 4217 code, by alphabetic code."""
    text = (resources.files("observatory.catalog") / "data" / FILE).read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ConfigurationError(f"{FILE}: expected the columns {', '.join(COLUMNS)}")
    found: dict[str, Currency] = {}
    for row in reader:
        minor = row["minor_unit"].strip()
        found[row["code"]] = Currency(
            row["code"], row["numeric"], None if minor == "-" else int(minor), row["name"]
        )
    return found


def budget_currencies() -> list[str]:
    """The codes a budget may be stated in, sorted."""
    return sorted(code for code, c in load_currencies().items() if c.for_budgets)


def check_currency(text: str) -> str:
    """The ISO 4217 code ``text`` names (``eur`` -> ``EUR``); :class:`InvalidInput` ``unknown-currency``
    naming the value and what is accepted otherwise."""
    code = text.strip().upper()
    known = load_currencies()
    currency = known.get(code)
    if currency is not None and currency.for_budgets:
        return code
    if currency is not None:
        raise InvalidInput(
            f"currency {text!r} ({currency.name}) is an ISO 4217 unit of account or testing code, not money; "
            f"state the budget in a currency such as USD, EUR or GBP",
            code="unknown-currency",
        )
    close = difflib.get_close_matches(code, budget_currencies(), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InvalidInput(
        f"unknown currency {text!r}: a budget takes an ISO 4217 alphabetic code such as USD, EUR, GBP, "
        f"CHF or JPY ({len(budget_currencies())} accepted){hint}",
        code="unknown-currency",
    )
