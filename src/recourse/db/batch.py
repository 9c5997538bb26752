"""Several outbox messages handled in one transaction: the worker's deadline sweep.

Each message's use case runs as it does alone: it opens the unit of work (`with uow`), reads,
decides, writes and calls `commit()`. In a batch that `commit()` only says the item is done:
its changes stay in the batch's transaction, and the batch commits once, together with the
outbox messages and notifications every item queued (one INSERT each), the store status
counts they moved (one upsert), and the mark of every message handled (one UPDATE). A crash
anywhere before that commit leaves nothing written and every message undelivered; its lease
runs out and a worker claims it again.

An item that raises spoils the batch: the caller rolls everything back and handles the
messages one at a time, as the worker does without batches. No savepoint per item: two more
round trips for each of them, to spare a rare failure a second run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import SessionTransaction

from recourse.db.outbox import mark_delivered_many
from recourse.db.repositories.orders import (
    defer_status_counts,
    deferred_counts,
    write_deferred_counts,
)
from recourse.db.uow import SqlUnitOfWork


class NotBatchable(RuntimeError):
    """An item wrote something and then left without committing: alone, its writes would be
    rolled back, which a shared transaction cannot do for it."""


class BatchUnitOfWork(SqlUnitOfWork):
    """One transaction for many use cases: `open()`, then per item `start_item()`, the use
    case, `end_item()`; then `commit_batch()` or `close()` (which rolls back)."""

    @classmethod
    def like(cls, uow: SqlUnitOfWork) -> Self:
        """A batch unit of work on the sessions and reference cache `uow` uses."""
        return cls(uow._factory, uow._reference)

    _connection: Connection | None = None
    _transaction: SessionTransaction | None = None
    _writes = 0
    _committed = False
    _marks: tuple[int, int, tuple[tuple[tuple[int, str, int], int], ...]] = (0, 0, ())

    def open(self) -> None:
        self.__enter__()
        self._connection = self.session.connection()
        self._transaction = self.session.get_transaction()
        event.listen(self._connection, "before_cursor_execute", self._count_write)
        defer_status_counts(self.session)

    def close(self) -> None:
        """Leave the batch; whatever was not committed is rolled back. Idempotent."""
        if self._connection is not None:
            event.remove(self._connection, "before_cursor_execute", self._count_write)
            self._connection = None
        if self._depth:
            self._depth = 1
            self.__exit__(None, None, None)

    def _count_write(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip()[:6].upper() != "SELECT":
            self._writes += 1

    def start_item(self) -> None:
        # what earlier items left unflushed goes now, so what this item writes is its own
        self.session.flush()
        self._writes = 0
        self._committed = False
        self._marks = self._queued()

    def end_item(self) -> None:
        """After the item's use case returned: if it did not commit, it must have changed
        nothing (alone, leaving without commit rolls back); and the batch's transaction must
        still be the one it began (no item rolled it back under the others)."""
        if self.session.get_transaction() is not self._transaction:
            raise NotBatchable("the batch's transaction ended under an item")
        if self._committed:
            return
        session = self.session
        if (
            self._writes
            or session.new
            or session.dirty
            or session.deleted
            or self._marks != self._queued()
        ):
            raise NotBatchable("an item changed rows without committing them")

    def _queued(self) -> tuple[int, int, tuple[tuple[tuple[int, str, int], int], ...]]:
        """What the items queued for the batch's commit so far."""
        counts = deferred_counts(self.session) or {}
        return len(self.outbox.pending), len(self.notifications.pending), tuple(counts.items())

    def commit(self) -> None:
        """The item's use case is done: its changes wait for the batch's commit."""
        self._committed = True

    def rollback(self) -> None:
        raise NotBatchable("an item asked to roll back")

    def commit_batch(self, message_ids: Sequence[int], worker_id: str) -> int:
        """Write what the items queued, mark `message_ids` delivered (those still leased to
        `worker_id`), and commit without waiting for the disk, as a single message's
        settling commit does (SqlUnitOfWork.settle_on_commit). How many were marked."""
        self.session.flush()
        write_deferred_counts(self.session)
        marked = mark_delivered_many(self.session, message_ids, worker_id)
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        SqlUnitOfWork.commit(self)
        return marked
