"""SQLAlchemy ORM tables for the operational store, kept apart from the pure ``model`` layer.

Every table is created by an Alembic migration (``store/migrations``); ``Base.metadata`` is only used to
compare against them in tests.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class SourceFile(Base):
    """An original file exactly as submitted; its bytes live under ``originals/<sha256>``."""

    __tablename__ = "source_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    original_name: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(60))
    encoding: Mapped[str | None] = mapped_column(String(40))
    stored_path: Mapped[str] = mapped_column(String(1000))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ImportRun(Base):
    """One import of one file: what it found, what it changed."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("source_files.sha256"))
    dataflow: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    report_json: Mapped[str] = mapped_column(Text, default="[]")


class ObservationRow(Base):
    """The current value of one observation; earlier values are in ``observation_revisions``."""

    __tablename__ = "observations"
    __table_args__ = (
        UniqueConstraint(
            "dataflow",
            "area",
            "period",
            "variable",
            "sex",
            "age",
            "offence",
            "status",
            "citizenship",
            "category",
            "unit",
            name="uq_observation_key",
        ),
        Index("ix_observations_area_variable", "area", "variable"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataflow: Mapped[str] = mapped_column(String(60))
    area: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(10))
    variable: Mapped[str] = mapped_column(String(120))
    sex: Mapped[str] = mapped_column(String(20))
    age: Mapped[str] = mapped_column(String(40))
    offence: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(40))
    citizenship: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(40))
    value: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(String(200))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("source_files.sha256"))
    row: Mapped[int | None] = mapped_column(Integer)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))


class ObservationRevision(Base):
    """A value an observation had before an import replaced it. Nothing submitted is lost."""

    __tablename__ = "observation_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    value: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(200))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    row: Mapped[int | None] = mapped_column(Integer)
    import_id: Mapped[int | None] = mapped_column(Integer)
    superseded_by_import: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    superseded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReleaseRow(Base):
    """A published, immutable Parquet snapshot of the publishable observations."""

    __tablename__ = "releases"

    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    observations: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(1000))
    note: Mapped[str | None] = mapped_column(Text)


class IccsText(Base):
    """UNODC's long ICCS texts (descriptions, inclusions, exclusions, notes), loaded from their files."""

    __tablename__ = "iccs_texts"
    __table_args__ = (UniqueConstraint("code", "lang", "field", "seq", name="uq_iccs_text"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(6), index=True)
    lang: Mapped[str] = mapped_column(String(5))
    field: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))


class IccsIndexTerm(Base):
    """An entry of the ICCS alphabetical index: an offence term and the code it belongs to."""

    __tablename__ = "iccs_index_terms"
    __table_args__ = (UniqueConstraint("term", "lang", "code", name="uq_iccs_index_term"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    term: Mapped[str] = mapped_column(String(500))
    lang: Mapped[str] = mapped_column(String(5))
    code: Mapped[str] = mapped_column(String(6), index=True)
    code_exists: Mapped[bool] = mapped_column(Boolean)
    file_sha256: Mapped[str | None] = mapped_column(String(64))


class ConceptRow(Base):
    """Names and descriptions of variable codes, imported with the data (SDG series metadata, ...)."""

    __tablename__ = "concepts"

    dataflow: Mapped[str] = mapped_column(String(60), primary_key=True)
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    indicator: Mapped[str | None] = mapped_column(String(40))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("source_files.sha256"))


# -- data collection: users, rounds, focal points, submissions ----------------------------------------


class UserRow(Base):
    """Someone who works with the platform: an admin, a reviewer, a focal point or an assessor."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # Argon2id, never the password
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserCountryRow(Base):
    """A country a focal point or an assessor acts for (one row per country)."""

    __tablename__ = "user_countries"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    country: Mapped[str] = mapped_column(String(20), primary_key=True)


class WebSessionRow(Base):
    """A signed-in browser: the cookie holds a random id of which only the SHA-256 is kept."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    address: Mapped[str | None] = mapped_column(String(64))


class LoginAttemptRow(Base):
    """One sign-in attempt, counted by account and by client address for throttling."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)


class AuditRow(Base):
    """One write (or attempted write), through the API, a page or the CLI, and how it ended."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_user_at", "user_id", "at"),
        Index("ix_audit_log_country_at", "country", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the log outlives what it names
    email: Mapped[str | None] = mapped_column(String(320))
    token_id: Mapped[int | None] = mapped_column(Integer)
    session_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(20))
    via: Mapped[str] = mapped_column(String(10))  # web or cli
    action: Mapped[str] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(20))
    target: Mapped[str | None] = mapped_column(String(500))
    request: Mapped[str] = mapped_column(String(1000))  # "POST /api/v1/..." or "observatory ..."
    address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))  # ok, refused, invalid, error
    status: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)


class ApiTokenRow(Base):
    """An API token of a user; only its SHA-256 is kept, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RoundRow(Base):
    """A yearly UN-CTS round: which questionnaire, which reference years, until when."""

    __tablename__ = "rounds"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    reference_years: Mapped[str] = mapped_column(String(200))  # "2023,2024"
    deadline: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class FocalPointRow(Base):
    """A national focal point (a contact person of an agency) for one country."""

    __tablename__ = "focal_points"
    __table_args__ = (UniqueConstraint("country", "email", name="uq_focal_point_country_email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    country: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20))
    fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RoundEventRow(Base):
    """Done for one country in a round: questionnaire dispatched, reminder sent, deadline extended."""

    __tablename__ = "round_events"
    __table_args__ = (Index("ix_round_events_round_country", "round_year", "country"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_year: Mapped[int] = mapped_column(ForeignKey("rounds.year"))
    country: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    deadline: Mapped[date | None] = mapped_column(Date)  # extensions: the new deadline
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubmissionRow(Base):
    """One country's return for one round, and where it stands in the workflow."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("round_year", "country", name="uq_submission_round_country"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_year: Mapped[int] = mapped_column(ForeignKey("rounds.year"))
    country: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # first submission
    release_number: Mapped[int | None] = mapped_column(Integer)


class SubmissionFileRow(Base):
    """A file uploaded into a submission; its bytes are kept in ``source_files``."""

    __tablename__ = "submission_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    file_sha256: Mapped[str] = mapped_column(ForeignKey("source_files.sha256"))
    original_name: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(60))
    values: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubmissionValueRow(Base):
    """The current value of one cell of a submission; earlier values are in ``submission_value_history``."""

    __tablename__ = "submission_values"
    __table_args__ = (UniqueConstraint("submission_id", "key", "period", name="uq_submission_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    key: Mapped[str] = mapped_column(String(500))
    period: Mapped[str] = mapped_column(String(10))
    variable: Mapped[str] = mapped_column(String(120))
    section: Mapped[str | None] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("source_files.sha256"))
    file_name: Mapped[str | None] = mapped_column(String(500))
    sheet: Mapped[str | None] = mapped_column(String(100))
    cell: Mapped[str | None] = mapped_column(String(20))
    row: Mapped[int | None] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(String(20))  # upload, edit, query-answer
    comment: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubmissionValueHistoryRow(Base):
    """A value a submission cell had before it was replaced: who set it, when, from which file."""

    __tablename__ = "submission_value_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("submission_values.id"), index=True)
    value: Mapped[float | None] = mapped_column(Float)
    flags: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(500))
    sheet: Mapped[str | None] = mapped_column(String(100))
    cell: Mapped[str | None] = mapped_column(String(20))
    row: Mapped[int | None] = mapped_column(Integer)
    change: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    set_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    superseded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    superseded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ValidationRunRow(Base):
    """One run of the validation engine over a submission (on upload, edit, submission or on demand)."""

    __tablename__ = "validation_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    values: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)


class SubmissionProblemRow(Base):
    """A problem a validation run found in a submission, located by sheet and cell or row."""

    __tablename__ = "submission_problems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("validation_runs.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    file: Mapped[str | None] = mapped_column(String(500))
    sheet: Mapped[str | None] = mapped_column(String(100))
    cell: Mapped[str | None] = mapped_column(String(20))
    row: Mapped[int | None] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(120))
    key: Mapped[str | None] = mapped_column(Text)
    value: Mapped[str | None] = mapped_column(Text)
    expected: Mapped[str | None] = mapped_column(Text)
    found: Mapped[str | None] = mapped_column(Text)


class SubmissionTransitionRow(Base):
    """A step of the workflow (draft -> submitted -> ...): who took it, when, and why."""

    __tablename__ = "submission_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    comment: Mapped[str | None] = mapped_column(Text)


class QueryRow(Base):
    """A reviewer's query on one value of a submission."""

    __tablename__ = "submission_queries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("submission_values.id"))
    state: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QueryMessageRow(Base):
    """One message of a query's thread: the question, an answer (maybe with a corrected value), the close."""

    __tablename__ = "submission_query_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    query_id: Mapped[int] = mapped_column(ForeignKey("submission_queries.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    corrected_value: Mapped[float | None] = mapped_column(Float)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CorrespondenceRow(Base):
    """One version of a country's correspondence table (national offences -> ICCS)."""

    __tablename__ = "correspondences"
    __table_args__ = (UniqueConstraint("country", "version", name="uq_correspondence_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    country: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("source_files.sha256"))


class NationalOffenceRow(Base):
    """An entry of a national offence list, in one correspondence version."""

    __tablename__ = "national_offences"
    __table_args__ = (UniqueConstraint("correspondence_id", "code", name="uq_national_offence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    correspondence_id: Mapped[int] = mapped_column(ForeignKey("correspondences.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    legal_reference: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class CorrespondenceLinkRow(Base):
    """A national offence mapped to an ICCS code with a share, a review status and a comment."""

    __tablename__ = "correspondence_links"
    __table_args__ = (
        UniqueConstraint("correspondence_id", "national_code", "iccs_code", name="uq_correspondence_link"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    correspondence_id: Mapped[int] = mapped_column(ForeignKey("correspondences.id"), index=True)
    national_code: Mapped[str] = mapped_column(String(120))
    iccs_code: Mapped[str] = mapped_column(String(6))
    share: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float)
    proposals: Mapped[str | None] = mapped_column(Text)  # the coder's top proposals (JSON), if drafted
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CorrespondenceChangeRow(Base):
    """Every change of a link: who, when, what it was before and after, and why."""

    __tablename__ = "correspondence_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    correspondence_id: Mapped[int] = mapped_column(ForeignKey("correspondences.id"), index=True)
    national_code: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))
    previous_iccs_code: Mapped[str | None] = mapped_column(String(6))
    iccs_code: Mapped[str | None] = mapped_column(String(6))
    previous_share: Mapped[float | None] = mapped_column(Float)
    share: Mapped[float | None] = mapped_column(Float)
    previous_status: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AssistanceProjectRow(Base):
    """A technical-assistance project: its current version (JSON) and the columns lists filter on."""

    __tablename__ = "assistance_projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(20))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AssistanceRevisionRow(Base):
    """Every version of a project, never overwritten: who, when, why, and the file it came from."""

    __tablename__ = "assistance_project_revisions"
    __table_args__ = (UniqueConstraint("project_id", "revision", name="uq_assistance_revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("assistance_projects.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("source_files.sha256"))


class AssistanceCountryRow(Base):
    """The countries a project works in (for filtering by country)."""

    __tablename__ = "assistance_project_countries"

    project_id: Mapped[int] = mapped_column(ForeignKey("assistance_projects.id"), primary_key=True)
    country: Mapped[str] = mapped_column(String(20), primary_key=True)


class ExchangeRateRow(Base):
    """US dollars per unit of a currency on a date, from a named source (decimal kept as text, exact)."""

    __tablename__ = "exchange_rates"
    __table_args__ = (UniqueConstraint("currency", "rate_date", "source", name="uq_exchange_rate"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    currency: Mapped[str] = mapped_column(String(3), index=True)
    usd_per_unit: Mapped[str] = mapped_column(String(40))
    rate_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class NormChecklistVersionRow(Base):
    """A checklist version as first used by an assessment (JSON): old assessments keep their version."""

    __tablename__ = "norm_checklist_versions"
    __table_args__ = (UniqueConstraint("checklist_id", "version", name="uq_norm_checklist_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    checklist_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64))
    definition: Mapped[str] = mapped_column(Text)
    first_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NormAssessmentRow(Base):
    """One assessor's assessment of one country against one checklist version, on one date."""

    __tablename__ = "norm_assessments"
    __table_args__ = (
        UniqueConstraint(
            "checklist_id",
            "checklist_version",
            "country",
            "assessor",
            "assessed_on",
            name="uq_norm_assessment",
        ),
        Index("ix_norm_assessments_country", "country", "checklist_id", "assessed_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    checklist_id: Mapped[str] = mapped_column(String(80))
    checklist_version: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(20))
    assessor: Mapped[str] = mapped_column(String(320))
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")


class NormFindingRow(Base):
    """One item of an assessment: rating or not applicable or text, and the provenance of a filled figure."""

    __tablename__ = "norm_findings"
    __table_args__ = (UniqueConstraint("assessment_id", "item_id", name="uq_norm_finding"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("norm_assessments.id"), index=True)
    item_id: Mapped[str] = mapped_column(String(40))
    rating: Mapped[int | None] = mapped_column(Integer)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20))
    indicator: Mapped[str | None] = mapped_column(String(120))
    indicator_value: Mapped[float | None] = mapped_column(Float)
    indicator_year: Mapped[int | None] = mapped_column(Integer)
    indicator_unit: Mapped[str | None] = mapped_column(String(40))
    release: Mapped[int | None] = mapped_column(Integer)
    explain: Mapped[str | None] = mapped_column(String(500))


class NormEvidenceRow(Base):
    """A piece of evidence for a finding; an uploaded file is kept under its SHA-256 with the originals."""

    __tablename__ = "norm_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("norm_findings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("source_files.sha256"))
    file_name: Mapped[str | None] = mapped_column(String(500))
    media_type: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int | None] = mapped_column(BigInteger)
