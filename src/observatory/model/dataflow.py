"""Dataflows: the SDMX-style description of a family of observations."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    dimension = "dimension"
    attribute = "attribute"
    measure = "measure"


@dataclass(frozen=True)
class Component:
    id: str
    role: Role
    description: str
    codelist: str | None = None


@dataclass(frozen=True)
class Dataflow:
    """A named family of observations with its dimensions, attributes and measure.

    The platform's series dimensions are shared by every dataflow (see ``SeriesKey``); a dataflow says which
    of them it uses and where its data come from.
    """

    id: str
    name: str
    agency: str
    description: str
    components: tuple[Component, ...] = field(default_factory=tuple)
    url: str | None = None

    @property
    def dimensions(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.role is Role.dimension)

    @property
    def attributes(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.role is Role.attribute)


@dataclass(frozen=True)
class Concept:
    """What a variable code means in a dataflow: an SDG series, a UN-CTS variable."""

    dataflow: str
    id: str
    name: str
    description: str | None = None
    indicator: str | None = None  # e.g. the SDG indicator number, 16.1.1
