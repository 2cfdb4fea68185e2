"""Runtime configuration, read from ``OBSERVATORY_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCALHOST = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


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
    cookie_secure: bool | None = Field(
        default=None,
        description="Send the session cookie only over HTTPS; unset: yes, unless the site is "
        "plain-http localhost (development).",
    )
    session_idle_minutes: int = Field(default=120, ge=1, description="Sign out after this long unused.")
    session_max_hours: int = Field(default=12, ge=1, description="Sign out this long after signing in.")
    login_max_failures_account: int = Field(default=5, ge=1, description="Failed sign-ins per account.")
    login_max_failures_address: int = Field(default=20, ge=1, description="Failed sign-ins per address.")
    login_window_seconds: int = Field(default=900, ge=1, description="Window the failures are counted in.")
    password_min_length: int = Field(default=12, ge=8, description="Shortest password accepted.")
    cache_max_age: int = Field(default=300, ge=0, description="max-age (s) of published API answers.")
    rate_limit_enabled: bool = Field(default=True, description="Limit the request rate per client.")
    rate_limit_anonymous: int = Field(default=120, ge=1, description="Requests per window per address.")
    rate_limit_authenticated: int = Field(
        default=1200, ge=1, description="Requests per window per API token or signed-in session."
    )
    rate_limit_window_seconds: int = Field(default=60, ge=1, description="Window of the rate limits.")

    def secure_cookies(self, scheme: str, host: str) -> bool:
        """Whether cookies get the Secure flag for a request to ``scheme://host``."""
        if self.cookie_secure is not None:
            return self.cookie_secure
        return not (scheme == "http" and host in LOCALHOST)

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
