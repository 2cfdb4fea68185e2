"""Alembic environment: runs against the engine handed over by ``observatory.store.db``."""

from alembic import context
from sqlalchemy import Engine

from observatory.store.tables import Base

engine: Engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
