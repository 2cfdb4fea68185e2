"""Format readers, tried in order; each says whether it ``handles`` a file from its header.

``READERS`` is public and extendable: append a reader to teach the importer a new format.
"""

from __future__ import annotations

from observatory.collect.readers.base import Reader
from observatory.collect.readers.sdg import SdgReader, SdgSeriesMetadataReader
from observatory.collect.readers.unodc_portal import UnodcPortalReader
from observatory.collect.readers.worldbank import WorldBankPopulationReader

READERS: list[Reader] = [
    UnodcPortalReader(),
    SdgReader(),
    SdgSeriesMetadataReader(),
    WorldBankPopulationReader(),
]

__all__ = ["READERS", "Reader"]
