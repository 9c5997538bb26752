"""Engines: SQLite (WAL, foreign keys, writers serialised up front) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, writer: bool = True, pool_size: int = 5) -> Engine:
    """One engine per role. SQLite writers take the write lock at BEGIN (BEGIN IMMEDIATE),
    so two read-modify-write transactions never interleave and never deadlock on upgrade."""
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=pool_size,
            max_overflow=20,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql(begin)

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # A fixed pool: a request waits for a free connection rather than opening one. Connections
    # opened past the pool were closed again on return, so under load nearly every request
    # paid for a new server process (bench/cancel_throughput counts them).
    return create_engine(url, pool_size=pool_size, max_overflow=0, pool_pre_ping=True)
