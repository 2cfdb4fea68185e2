"""Response models of the JSON API (``XPublic`` for one item, ``XsPublic(data, count)`` for lists).

The models only describe what the API returns; the values come from the catalogue, the store and
the published release. :class:`ErrorPublic` is the one error envelope (see ``web.errors``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from observatory.catalog.questionnaires import LATEST
from observatory.collect.rounds import AppointmentStatus


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


# -- data collection: rounds, focal points, submissions -------------------------------------------------


class RoundBase(BaseModel):
    year: int = Field(ge=1900, le=2200, description="Round year.")
    reference_years: list[int] = Field(min_length=1, description="Years the round asks figures for.")
    deadline: date
    questionnaire_version: str = Field(default=LATEST, description="Questionnaire version sent.")


class RoundCreate(RoundBase):
    pass


class RoundPublic(RoundBase):
    opened_at: datetime
    opened_by: str


class RoundsPublic(BaseModel):
    data: list[RoundPublic]
    count: int


class CountryStatusPublic(BaseModel):
    country: str
    name: str
    region: str | None
    subregion: str | None
    invited: bool = Field(description="Questionnaire dispatched, or a submission started.")
    responded: bool
    dispatched_at: datetime | None
    reminders: int
    deadline: date = Field(description="The deadline that applies: the latest extension, else the round's.")
    extended: bool
    state: str | None = Field(description="Workflow state of the submission; null if none.")
    status: str = Field(description="not-started, partial, submitted, under-review, validated, published")
    sections: dict[str, str] = Field(description="The status of each questionnaire section.")
    submitted_at: datetime | None
    timeliness: str = Field(description="on-time, late, due, overdue")
    focal_points: int


class ResponseRatePublic(BaseModel):
    code: str
    name: str
    level: str = Field(description="world, region or subregion (UN M49)")
    invited: int
    responded: int
    rate: float | None = Field(description="Percent of invited countries that responded.")


class RoundStatusPublic(BaseModel):
    round: RoundPublic
    as_of: date
    sections: list[str]
    countries: list[CountryStatusPublic]
    rates: list[ResponseRatePublic]


class FocalPointBase(BaseModel):
    name: str = Field(min_length=1)
    agency: str = Field(min_length=1)
    email: str
    status: AppointmentStatus = AppointmentStatus.appointed
    fallback: bool = Field(default=False, description="A fallback contact rather than the main one.")


class FocalPointCreate(FocalPointBase):
    country: str = Field(description="ISO3 code of the country.")


class FocalPointUpdate(BaseModel):
    status: AppointmentStatus | None = None
    fallback: bool | None = None


class FocalPointPublic(FocalPointBase):
    id: int
    country: str
    created_at: datetime


class FocalPointsPublic(BaseModel):
    data: list[FocalPointPublic]
    count: int


class DispatchCreate(BaseModel):
    countries: list[str] = Field(default_factory=list, description="Empty: every country with a focal point.")
    note: str | None = None


class ReminderCreate(BaseModel):
    note: str | None = None


class ExtensionCreate(BaseModel):
    deadline: date
    note: str | None = None


class RoundEventPublic(BaseModel):
    id: int
    round_year: int
    country: str
    kind: str = Field(description="dispatch, reminder or extension")
    deadline: date | None
    note: str | None
    by: str
    at: datetime


class RoundEventsPublic(BaseModel):
    data: list[RoundEventPublic]
    count: int


class ProblemPublic(BaseModel):
    code: str
    severity: str
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    sheet: str | None = None
    cell: str | None = None
    key: str | None = None
    expected: str | None = None
    found: str | None = None


class SubmissionPublic(BaseModel):
    id: int
    round_year: int
    country: str
    state: str = Field(description="draft, submitted, under-review, returned-to-draft, validated, published")
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    release_number: int | None
    values: int


class UploadedFilePublic(BaseModel):
    file: str
    sha256: str
    format: str
    values: int
    uploaded_by: str
    uploaded_at: datetime


class SubmissionValuePublic(BaseModel):
    id: int
    key: str
    period: str
    variable: str
    section: str | None
    value: float | None
    flags: str
    note: str | None
    file_name: str | None
    file_sha256: str | None
    sheet: str | None
    cell: str | None
    row: int | None
    change: str = Field(description="upload, edit or query-answer")
    comment: str | None
    set_by: str
    set_at: datetime
    location: str


class ValueChangePublic(BaseModel):
    value_id: int
    key: str
    period: str
    value: float | None
    flags: str
    note: str | None
    file_name: str | None
    file_sha256: str | None
    sheet: str | None
    cell: str | None
    row: int | None
    change: str
    comment: str | None
    set_by: str
    set_at: datetime
    superseded_by: str
    superseded_at: datetime


class QueryMessagePublic(BaseModel):
    kind: str = Field(description="question, answer or close")
    text: str
    corrected_value: float | None
    by: str
    at: datetime


class QueryPublic(BaseModel):
    id: int
    submission_id: int
    value_id: int
    key: str
    period: str
    location: str
    state: str = Field(description="open, answered or closed")
    created_by: str
    created_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    messages: list[QueryMessagePublic]


class QueryCreate(BaseModel):
    text: str = Field(min_length=1, description="The question.")
    key: str | None = Field(default=None, description="Series key of the value (with period).")
    period: str | None = None
    cell: str | None = Field(default=None, description="Or the workbook cell, SHEET!D7.")


class QueryAnswer(BaseModel):
    text: str = Field(min_length=1)
    corrected_value: float | None = Field(default=None, description="Replaces the value (the old is kept).")


class QueryClose(BaseModel):
    text: str | None = None


class StepPublic(BaseModel):
    from_state: str | None
    to_state: str
    by: str
    at: datetime
    comment: str | None


class ValidationRunPublic(BaseModel):
    id: int
    trigger: str
    by: str
    at: datetime
    values: int
    errors: int
    warnings: int


class SubmissionDetailPublic(BaseModel):
    submission: SubmissionPublic
    files: list[UploadedFilePublic]
    values: list[SubmissionValuePublic]
    validation: ValidationRunPublic | None
    problems: list[ProblemPublic] = Field(description="What the latest validation run found.")
    queries: list[QueryPublic]
    history: list[ValueChangePublic] = Field(description="Every earlier value, who replaced it and when.")
    steps: list[StepPublic]


class UploadPublic(BaseModel):
    submission: SubmissionPublic
    files: list[dict[str, Any]]
    inserted: int
    updated: int
    unchanged: int
    errors: int
    warnings: int
    problems: list[ProblemPublic]


class TransitionCreate(BaseModel):
    comment: str | None = Field(default=None, description="Why; kept with the step (required to return).")


class ValueUpdate(BaseModel):
    value: float | None
    note: str | None = None
    comment: str | None = None


class CheckPublic(BaseModel):
    valid: bool
    errors: int
    warnings: int
    problems: list[ProblemPublic]


class PublishPublic(BaseModel):
    country: str
    round_year: int
    release: int
    new_release: bool
    inserted: int
    updated: int
    unchanged: int


# -- ICCS index and correspondence tables -----------------------------------------------------------


class IccsIndexHitPublic(BaseModel):
    term: str
    lang: str
    code: str
    title: str | None = Field(description="Title of the code; None for the index's errata codes.")
    code_exists: bool


class IccsIndexPublic(BaseModel):
    data: list[IccsIndexHitPublic]
    count: int
    q: str


class CorrespondenceInfoPublic(BaseModel):
    id: int
    country: str
    name: str
    version: str
    created_at: datetime
    created_by: str | None
    offences: int
    links: int
    confirmed: int
    file_sha256: str | None = None


class CorrespondencesPublic(BaseModel):
    data: list[CorrespondenceInfoPublic]
    count: int


class NationalOffencePublic(BaseModel):
    code: str
    label: str
    description: str
    legal_reference: str
    language: str
    valid_from: date | None
    valid_to: date | None
    kind: str = Field(description="one-to-one, many-to-one, one-to-many, partial or unmapped")


class CorrespondenceLinkPublic(BaseModel):
    national_code: str
    iccs_code: str
    share: float
    status: str
    comment: str
    confidence: float | None


class CorrespondencePublic(BaseModel):
    info: CorrespondenceInfoPublic
    offences: list[NationalOffencePublic]
    links: list[CorrespondenceLinkPublic]


class LinkChangePublic(BaseModel):
    national_code: str
    action: str
    previous_iccs_code: str | None
    iccs_code: str | None
    previous_share: float | None
    share: float | None
    previous_status: str | None
    status: str | None
    comment: str
    user: str | None
    at: datetime


class LinkChangesPublic(BaseModel):
    data: list[LinkChangePublic]
    count: int


class LinkReview(BaseModel):
    """A review action on the links of one national offence."""

    iccs_code: str | None = Field(default=None, description="The code to map to (correct, propose).")
    previous: str | None = Field(default=None, description="The ICCS code of the link to act on, if split.")
    comment: str = ""


class LinksPublic(BaseModel):
    data: list[CorrespondenceLinkPublic]


class QueueItemPublic(BaseModel):
    national_code: str
    label: str
    description: str
    iccs_code: str | None
    confidence: float | None
    status: str
    proposals: list[dict[str, Any]]


class QueuePublic(BaseModel):
    data: list[QueueItemPublic]
    count: int
    threshold: float


class ApplyRequest(BaseModel):
    counts: dict[str, float] = Field(description="National code -> count.")
    level: int | None = Field(default=None, ge=1, le=3, description="Aggregate to ICCS level 1-3.")


class ApplyPublic(BaseModel):
    iccs_counts: dict[str, float]
    unmapped: dict[str, float]
    total_in: float
    total_mapped: float
    problems: list[dict[str, Any]]


class SectionCoveragePublic(BaseModel):
    code: str
    title: str
    offences: int
    offences_confirmed: int
    counts: float | None = None
    counts_confirmed: float | None = None
    share_of_counts: float | None = None


class CoveragePublic(BaseModel):
    offences: int
    mapped: int
    confirmed: int
    share_mapped: float
    share_confirmed: float
    counts_total: float | None = None
    counts_mapped: float | None = None
    counts_confirmed: float | None = None
    share_counts_mapped: float | None = None
    share_counts_confirmed: float | None = None
    sections: list[SectionCoveragePublic]
