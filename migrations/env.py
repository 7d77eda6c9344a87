"""Alembic environment: online migrations only, under a lock so two servers never race."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from ledger.pg.schema import metadata

# Any other migration run waits here; distinct from the writer's lock key.
_MIGRATION_LOCK_KEY = 0x46584D4947  # "FXMIG"

config = context.config


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set by ledger.pg.migrate"
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        connection.execute(text("SET lock_timeout = '10s'"))
        connection.execute(text("SET statement_timeout = '120s'"))
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            context.configure(connection=connection, target_metadata=metadata)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK_KEY})
            connection.commit()
    engine.dispose()


run_migrations_online()
