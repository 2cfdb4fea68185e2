"""The coder's hand-written multilingual lexicon: general offence words -> ICCS codes.

``catalog/data/iccs_lexicon.csv`` (``term,lang,iccs_code``) holds everyday legal vocabulary in
English, Spanish and French written by the team ("hurto"/"vol"/"theft" -> 0502). It carries French,
for which there is no official ICCS text, and the Spanish legal words the ICCS texts do not use.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from observatory.errors import ConfigurationError
from observatory.iccs.coder.text import parse_lang
from observatory.model.classification import Scheme

LEXICON_FILE = "iccs_lexicon.csv"


@dataclass(frozen=True)
class LexiconEntry:
    term: str
    lang: str
    code: str


@lru_cache(maxsize=1)
def _rows() -> tuple[LexiconEntry, ...]:
    text = resources.files("observatory.catalog").joinpath("data", LEXICON_FILE).read_text("utf-8")
    return tuple(
        LexiconEntry(row["term"].strip(), parse_lang(row["lang"]).value, row["iccs_code"].strip())
        for row in csv.DictReader(io.StringIO(text))
    )


def load_lexicon(scheme: Scheme) -> tuple[LexiconEntry, ...]:
    """The lexicon, every code checked against ``scheme``."""
    rows = _rows()
    for number, entry in enumerate(rows, start=2):
        if entry.code not in scheme:
            raise ConfigurationError(
                f"{LEXICON_FILE} row {number}: {entry.code!r} is not an ICCS code", code="bad-lexicon"
            )
    return rows
