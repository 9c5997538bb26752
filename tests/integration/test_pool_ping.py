"""PostgreSQL connections are checked before use only when they sat idle in the pool
(db/engine.py `ping_when_idle`): a connection the server closed while it was idle is replaced
without the caller noticing; a busy pool costs no round trip per transaction."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError

from recourse.container import Container
from recourse.db.engine import make_engine


@pytest.fixture
def url(container: Container) -> str:
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to close a connection")
    return container.engine.url.render_as_string(hide_password=False)


def _backend(engine: Engine) -> int:
    """The server process of the connection the pool hands out next (returned after)."""
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")) or 0)


def _terminate(killer: Engine, pid: int) -> None:
    """Stop the server process `pid` and wait until it is gone (up to 30 s on a busy machine;
    each look in its own transaction, which takes its own snapshot of pg_stat_activity)."""
    with killer.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        conn.commit()
        for _ in range(1500):
            gone = not conn.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
            )
            conn.commit()
            if gone:
                return
            time.sleep(0.02)
        raise AssertionError(f"server process {pid} still there")


def _pings(engine: Engine) -> list[int]:
    """A list that grows by one per ping (the dialect's do_ping) on `engine`."""
    seen: list[int] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        seen.append(1)
        return real(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    return seen


def test_a_connection_closed_while_idle_is_replaced_before_use(
    url: str, container: Container
) -> None:
    engine = make_engine(url, pool_size=1, ping_after_idle=0.0)
    try:
        first = _backend(engine)
        _terminate(container.engine, first)
        # the only pooled connection is dead: the ping finds it, the pool opens another
        assert _backend(engine) != first
    finally:
        engine.dispose()


def test_a_busy_pool_hands_out_connections_without_a_round_trip(
    url: str, container: Container
) -> None:
    engine = make_engine(url, pool_size=1, ping_after_idle=3600.0)
    pings = _pings(engine)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        first = _backend(engine)
        for _ in range(3):
            assert _backend(engine) == first
        assert pings == []
        assert len(statements) == 4  # the four SELECTs, nothing else
        # the trade: a connection that died while the pool counted it busy fails its first
        # statement, and the pool then replaces it
        _terminate(container.engine, first)
        with pytest.raises(DBAPIError) as failed:
            _backend(engine)
        assert failed.value.connection_invalidated
        assert _backend(engine) != first
    finally:
        engine.dispose()


def test_an_idle_connection_is_pinged_once_then_used(url: str) -> None:
    engine = make_engine(url, pool_size=1, ping_after_idle=0.0)
    pings = _pings(engine)
    try:
        first = _backend(engine)
        assert pings == []  # a new connection is not checked
        assert _backend(engine) == first
        assert pings == [1]
    finally:
        engine.dispose()


def test_the_connection_handed_back_last_goes_out_next(url: str) -> None:
    """Last in, first out: under a light load the same warm connection serves each transaction
    and the pool's others stay idle (handed out in turn, each would be cold)."""
    engine = make_engine(url, pool_size=3, ping_after_idle=3600.0)
    try:
        with engine.connect() as a, engine.connect() as b, engine.connect() as c:
            pids = [int(x.scalar(text("SELECT pg_backend_pid()")) or 0) for x in (a, b, c)]
            assert len(set(pids)) == 3
            c.close()
            b.close()  # b is back last
        # the block returned a last of all; then each checkout takes the newest one back
        for _ in range(3):
            assert _backend(engine) == pids[0]
        with engine.connect() as first, engine.connect() as second:
            held = {int(x.scalar(text("SELECT pg_backend_pid()")) or 0) for x in (first, second)}
        assert held == {pids[0], pids[1]}
    finally:
        engine.dispose()
