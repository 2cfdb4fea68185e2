"""Published releases: immutable Parquet snapshots, queried through DuckDB with ibis expressions."""

from __future__ import annotations
