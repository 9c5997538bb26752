"""Fixtures the web tests share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio.to_thread
import pytest
from sqlalchemy import event

from recourse.container import Container
from tests.web.transactions import Seen


@pytest.fixture
def seen(container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[Seen]:
    """Transactions and statements on both engines, and calls into the thread pool (FastAPI's
    sync endpoints and dependencies and the middleware all go through anyio.to_thread)."""
    found = Seen()
    real = anyio.to_thread.run_sync

    async def counted(*args: Any, **kwargs: Any) -> Any:
        found.hand_offs += 1
        return await real(*args, **kwargs)

    def begin(_: Any) -> None:
        found.begins += 1

    def commit(_: Any) -> None:
        found.commits += 1

    def rollback(_: Any) -> None:
        found.rollbacks += 1

    def statement(_c: Any, _cursor: Any, sql: str, *_: Any) -> None:
        found.statements.append(sql)

    engines = {container.engine, container.read_engine}
    listeners = [
        ("begin", begin),
        ("commit", commit),
        ("rollback", rollback),
        ("before_cursor_execute", statement),
    ]
    for engine in engines:
        for name, fn in listeners:
            event.listen(engine, name, fn)
    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    yield found
    for engine in engines:
        for name, fn in listeners:
            event.remove(engine, name, fn)
