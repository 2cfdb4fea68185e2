"""norms: checklist versions as used, compliance assessments, findings and their evidence

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "norm_checklist_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("checklist_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("checklist_id", "version", name="uq_norm_checklist_version"),
    )
    op.create_table(
        "norm_assessments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("checklist_id", sa.String(length=80), nullable=False),
        sa.Column("checklist_version", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=20), nullable=False),
        sa.Column("assessor", sa.String(length=320), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["assessor_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "checklist_id",
            "checklist_version",
            "country",
            "assessor",
            "assessed_on",
            name="uq_norm_assessment",
        ),
    )
    with op.batch_alter_table("norm_assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_norm_assessments_country", ["country", "checklist_id", "assessed_on"], unique=False
        )
    op.create_table(
        "norm_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("not_applicable", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("indicator", sa.String(length=120), nullable=True),
        sa.Column("indicator_value", sa.Float(), nullable=True),
        sa.Column("indicator_year", sa.Integer(), nullable=True),
        sa.Column("indicator_unit", sa.String(length=40), nullable=True),
        sa.Column("release", sa.Integer(), nullable=True),
        sa.Column("explain", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["norm_assessments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "item_id", name="uq_norm_finding"),
    )
    with op.batch_alter_table("norm_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_norm_findings_assessment_id"), ["assessment_id"], unique=False)
    op.create_table(
        "norm_evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=500), nullable=True),
        sa.Column("media_type", sa.String(length=120), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["file_sha256"], ["source_files.sha256"]),
        sa.ForeignKeyConstraint(["finding_id"], ["norm_findings.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("norm_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_norm_evidence_finding_id"), ["finding_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("norm_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_norm_evidence_finding_id"))
    op.drop_table("norm_evidence")
    with op.batch_alter_table("norm_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_norm_findings_assessment_id"))
    op.drop_table("norm_findings")
    with op.batch_alter_table("norm_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_norm_assessments_country")
    op.drop_table("norm_assessments")
    op.drop_table("norm_checklist_versions")
