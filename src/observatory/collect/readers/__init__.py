"""Format readers, tried in order; each says whether it ``handles`` a file.

``READERS`` (delimited text, chosen by header) and ``BINARY_READERS`` (chosen by the kind sniffed from the
first bytes: a workbook, an XML message) are public and extendable: append a reader to teach the importer a
new format. Text readers are tried in order, so the more specific headers come first.
"""

from __future__ import annotations

from observatory.collect.readers.base import BinaryReader, Reader
from observatory.collect.readers.long_csv import LongCsvReader
from observatory.collect.readers.owid import OwidHomicideReader
from observatory.collect.readers.sdg import SdgReader, SdgSeriesMetadataReader
from observatory.collect.readers.sdmx import SdmxCsvReader, SdmxMlReader
from observatory.collect.readers.unodc_portal import UnodcPortalReader
from observatory.collect.readers.workbook import WorkbookReader
from observatory.collect.readers.worldbank import WorldBankPopulationReader

READERS: list[Reader] = [
    UnodcPortalReader(),
    SdgReader(),
    SdgSeriesMetadataReader(),
    WorldBankPopulationReader(),
    OwidHomicideReader(),
    SdmxCsvReader(),
    LongCsvReader(),
]

BINARY_READERS: list[BinaryReader] = [
    WorkbookReader(),
    SdmxMlReader(),
]

__all__ = ["BINARY_READERS", "READERS", "BinaryReader", "Reader"]
