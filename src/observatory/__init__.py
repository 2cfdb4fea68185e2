"""Observatory: crime and criminal-justice statistics, from case record to international indicator.

The public API is small on purpose; the subpackages are named after the domain nouns they hold.
"""

from __future__ import annotations

from observatory.errors import ObservatoryError
from observatory.model.area import Area, AreaKind
from observatory.model.observation import Flag, Observation, SeriesKey
from observatory.model.period import Period

__all__ = [
    "Area",
    "AreaKind",
    "Flag",
    "Observation",
    "ObservatoryError",
    "Period",
    "SeriesKey",
]
__version__ = "0.1.0"
