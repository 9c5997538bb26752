"""Engines: SQLite (WAL, foreign keys, writers serialised up front) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(
    url: str, *, writer: bool = True, pool_size: int = 5, ping_after_idle: float = 1.0
) -> Engine:
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
    # paid for a new server process (bench/cancel_throughput counts them). Last in, first out:
    # the connection handed back last goes out next, so the few a process keeps busy stay warm
    # (their server processes' caches, prepared statements, the CPU's caches) and the rest
    # sit idle. Handed out in turn, every connection of the pool was in use and each was
    # cold: the server spent ~25 % more CPU per cancel (docs/performance.md, sixth round).
    engine = create_engine(url, pool_size=pool_size, max_overflow=0, pool_use_lifo=True)
    ping_when_idle(engine, ping_after_idle)
    return engine


IDLE_SINCE = "recourse_idle_since"


def ping_when_idle(engine: Engine, seconds: float) -> None:
    """Check a pooled connection with a round trip before handing it out only when it sat
    unused in the pool more than `seconds`: that is when the server may have closed it
    (restarted, idle timeouts). A busy pool hands its connections out again within
    milliseconds, and a ping on every checkout (`pool_pre_ping`) cost each transaction a
    round trip. A connection that fails its ping is replaced at once. One that died while
    it was busy fails its first statement instead: the pool then replaces every connection
    it opened before (SQLAlchemy's disconnect handling), and the transaction, which wrote
    nothing, is retried by its caller as after any interrupted request."""

    @event.listens_for(engine.pool, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop(IDLE_SINCE, None)
        if since is None or time.monotonic() - since <= seconds:
            return  # a new connection, or one in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            # the pool throws the connection away and checks out another one
            raise DisconnectionError("the pooled connection was closed by the server") from exc
