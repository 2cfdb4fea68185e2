"""Runtime configuration, read from ``OBSERVATORY_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the platform keeps its data and how it serves it.

    The embedded default needs no server: SQLite for the operational store and Parquet files read by
    DuckDB for published releases, all under ``data_dir``. ``database_url`` switches the operational
    store to PostgreSQL (``postgresql+psycopg://user@host/db``).
    """

    model_config = SettingsConfigDict(env_prefix="OBSERVATORY_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Root of the embedded store.")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite if unset.")
    host: str = "127.0.0.1"
    port: int = 8000
    max_upload_bytes: int = Field(default=50 * 1024 * 1024, description="Largest accepted upload.")
    page_size_max: int = 1000

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.resolved_data_dir / 'observatory.sqlite'}"

    @property
    def originals_dir(self) -> Path:
        """Every imported file is kept here, byte for byte, under its SHA-256."""
        return self.resolved_data_dir / "originals"

    @property
    def releases_dir(self) -> Path:
        return self.resolved_data_dir / "releases"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
