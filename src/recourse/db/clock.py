"""The demo clock (RECOURSE_CLOCK=demo): real time plus an offset kept in one row, so
`recourse clock advance 2d` moves time for every web and worker process at once."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from recourse.db.models import DemoClockRow


class DemoClock:
    """Real time plus a shared offset; the offset is re-read at most every `refresh` seconds."""

    def __init__(
        self, engine: Engine, *, read_engine: Engine | None = None, refresh: float = 0.5
    ) -> None:
        self._engine = engine
        # Time is read in the middle of other transactions: on SQLite, a reader that does not
        # ask for the write lock, so it never waits on the transaction that is asking the time.
        self._read_engine = read_engine or engine
        self._refresh = refresh
        self._offset = 0
        self._read_at = -1e9
        self._lock = threading.Lock()

    def offset(self) -> timedelta:
        with self._lock:
            if time.monotonic() - self._read_at > self._refresh:
                with Session(self._read_engine) as session:
                    value = session.scalar(
                        select(DemoClockRow.offset_seconds).where(DemoClockRow.id == 1)
                    )
                self._offset = int(value or 0)
                self._read_at = time.monotonic()
            return timedelta(seconds=self._offset)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset()

    def advance(self, delta: timedelta) -> datetime:
        if delta.total_seconds() <= 0:
            raise ValueError("the demo clock only moves forward")
        with Session(self._engine) as session, session.begin():
            row = session.get(DemoClockRow, 1)
            if row is None:
                session.add(DemoClockRow(id=1, offset_seconds=int(delta.total_seconds())))
            else:
                session.execute(
                    update(DemoClockRow)
                    .where(DemoClockRow.id == 1)
                    .values(offset_seconds=DemoClockRow.offset_seconds + int(delta.total_seconds()))
                )
        self._read_at = -1e9
        return self.now()
