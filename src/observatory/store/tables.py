"""SQLAlchemy ORM tables for the operational store, kept apart from the pure ``model`` layer.

Every table is created by an Alembic migration (``store/migrations``); ``Base.metadata`` is only used to
compare against them in tests.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
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
