"""Operational store: SQLAlchemy tables, Alembic migrations and repository functions."""

from __future__ import annotations
