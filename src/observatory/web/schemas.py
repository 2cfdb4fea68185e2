"""Response models of the JSON API (``XPublic`` for one item, ``XsPublic(data, count)`` for lists).

The models only describe what the API returns; the values come from the catalogue, the store and
the published release. :class:`ErrorPublic` is the one error envelope (see ``web.errors``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ErrorPublic(BaseModel):
    """The envelope every failed API call returns."""

    ok: bool = False
    error: str = Field(description="One-line message naming the offending value.")
    errors: list[dict[str, Any]] = Field(description="Each problem with a stable `code`.")
    status: int


class PageLinks(BaseModel):
    """Absolute URLs of the neighbouring pages, ``None`` at either end."""

    next: str | None = None
    prev: str | None = None


# -- areas -----------------------------------------------------------------------------------------


class AreaRef(BaseModel):
    code: str
    name: str
    kind: str


class AreaPublic(AreaRef):
    m49: str | None = None
    iso2: str | None = None
    iso3: str | None = None
    parent: str | None = None
    region: str | None = None
    subregion: str | None = None
    intermediate_region: str | None = None
    aggregation: str
    flags: list[str] = Field(default_factory=list, description="ldc, lldc, sids")


class AreasPublic(BaseModel):
    data: list[AreaPublic]
    count: int
    limit: int
    offset: int
    links: PageLinks


class SeriesPublic(BaseModel):
    """One series an area has in the latest release (one row of ``area_series``)."""

    dataflow: str
    variable: str
    sex: str
    age: str
    offence: str
    status: str
    citizenship: str
    category: str
    unit: str
    observations: int
    first_year: int
    last_year: int
    links: dict[str, str] = Field(description="`json` and `csv`: this series in the API.")


class AreaDetailPublic(AreaPublic):
    parent_area: AreaRef | None = None
    ancestors: list[AreaRef] = Field(default_factory=list, description="The World first.")
    children: list[AreaRef] = Field(default_factory=list)
    members_count: int = Field(description="Countries and reporting units making up the area.")
    release: int | None = Field(description="Release the series come from; null if none.")
    series: list[SeriesPublic] = Field(default_factory=list)


# -- ICCS ------------------------------------------------------------------------------------------


class IccsCategoryPublic(BaseModel):
    code: str
    level: int
    title: str
    parent: str | None = None
    hierarchical_id: str
    children: int = Field(description="How many categories sit directly below.")


class IccsCategoriesPublic(BaseModel):
    data: list[IccsCategoryPublic]
    count: int
    lang: str
    parent: str | None = None


class IccsCodeTitle(BaseModel):
    code: str
    title: str


class IccsDetailPublic(BaseModel):
    code: str
    level: int
    title: str
    titles: dict[str, str]
    lang: str
    parent: IccsCodeTitle | None = None
    ancestors: list[IccsCodeTitle]
    children: list[IccsCodeTitle]
    hierarchical_id: str
    is_leaf: bool
    texts: dict[str, list[str]] = Field(
        description="UNODC's long texts loaded by `observatory iccs load`; empty if not loaded."
    )
    index_terms: list[str]


class IccsSearchHitPublic(BaseModel):
    code: str
    level: int
    title: str
    hierarchical_id: str


class IccsSearchPublic(BaseModel):
    data: list[IccsSearchHitPublic]
    count: int
    lang: str
    q: str


# -- observations ----------------------------------------------------------------------------------


class ObservationPublic(BaseModel):
    dataflow: str
    area: str
    period: str
    variable: str
    sex: str
    age: str
    offence: str
    status: str
    citizenship: str
    category: str
    unit: str
    value: float | None
    flags: str = ""
    note: str | None = None
    label: str | None = None
    source: str | None = Field(default=None, description="The source's own attribution.")
    file_sha256: str | None = Field(default=None, description="SHA-256 of the original file.")
    row: int | None = Field(default=None, description="Row of the original file.")
    import_id: int | None = None


class ObservationsPublic(BaseModel):
    data: list[ObservationPublic]
    count: int
    release: int | None
    limit: int
    offset: int
    links: PageLinks
    filters: dict[str, Any] = Field(default_factory=dict)


# -- meta ------------------------------------------------------------------------------------------


class ReleasePublic(BaseModel):
    number: int
    name: str
    created_at: datetime
    observations: int
    sha256: str
    note: str | None = None


class ReleasesPublic(BaseModel):
    data: list[ReleasePublic]
    count: int


class ComponentPublic(BaseModel):
    id: str
    role: str
    description: str
    codelist: str | None = None


class DataflowPublic(BaseModel):
    id: str
    name: str
    agency: str
    description: str
    url: str | None = None
    components: list[ComponentPublic]


class DataflowsPublic(BaseModel):
    data: list[DataflowPublic]
    count: int


class VariablePublic(BaseModel):
    code: str
    name: str


class VariablesPublic(BaseModel):
    data: list[VariablePublic]
    count: int


class HealthPublic(BaseModel):
    ok: bool
    status: str
    version: str
    release: int | None
