"""ICCS v1.0 (UNODC, March 2015) as a :class:`~observatory.model.classification.Scheme`.

The shipped file ``data/iccs_v1_0.csv`` holds only facts: the 320 codes, their level, their parent
and the official English and Spanish titles (derived from UNODC's export, three section-title typos
corrected after the official PDF; see ``../shared/data/iccs/PROVENANCE.md``). UNODC's long texts
(descriptions, inclusions, exclusions, notes) are not ours to ship; they are loaded into the store
from UNODC's own files by :mod:`observatory.iccs.texts`.

>>> scheme = load_iccs()
>>> scheme["0101"].title("es")
'Homicidio intencional'
>>> scheme.hierarchical_id("010321")
'01.0103.01032.010321'
"""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from functools import cache
from importlib import resources

from observatory.errors import ConfigurationError
from observatory.model.classification import Category, Scheme

ICCS_ID = "ICCS"
ICCS_VERSION = "1.0"
CATALOG_FILE = "iccs_v1_0.csv"
COLUMNS = ("code", "level", "parent_code", "title", "title_es")


class Language(StrEnum):
    """Languages in which the ICCS titles (and UNODC's texts) are available."""

    en = "en"
    es = "es"


def _read_catalog() -> str:
    return resources.files("observatory.catalog").joinpath("data", CATALOG_FILE).read_text("utf-8")


def _category(row: dict[str, str]) -> Category:
    # Codes stay strings: the leading zero of sections 01..09 is part of the code. A missing title
    # is left out (``Category.title`` falls back to English): 02089 has no Spanish title because
    # UNODC's Spanish export files it under 2099.
    titles = {Language.en.value: row["title"], Language.es.value: row["title_es"]}
    return Category(
        code=row["code"],
        level=int(row["level"]),
        parent=row["parent_code"] or None,
        titles={lang: title for lang, title in titles.items() if title},
    )


@cache
def load_iccs() -> Scheme:
    """The ICCS v1.0 code tree (cached; the same object on every call)."""
    reader = csv.DictReader(io.StringIO(_read_catalog()))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ConfigurationError(f"{CATALOG_FILE}: columns are {reader.fieldnames}, expected {list(COLUMNS)}")
    return Scheme(ICCS_ID, ICCS_VERSION, (_category(row) for row in reader))
