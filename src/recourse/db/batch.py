"""Several outbox messages handled in one transaction: the worker's deadline sweep.

Each message's use case runs as it does alone: it opens the unit of work (`with uow`), reads,
decides, writes and calls `commit()`. In a batch that `commit()` only says the item is done:
its changes stay in the session, unwritten, and the batch writes and commits once: the mark
of every message handled (one UPDATE), then the rows every item added or changed, with the
outbox messages and notifications every item queued and the store status counts they moved
(a new cancellation's or refund's id is taken from its sequence in advance, db/ids.py, so
nothing has to be written to learn it). On PostgreSQL that is one statement when every change
is one the appends statement writes (db/unflushed.py: new cancellations and refunds, changed
orders, lines, cancellations and refunds); otherwise the flush writes the rows of a table
together first. A crash
anywhere before that commit leaves nothing written and every message undelivered; its lease
runs out and a worker claims it again.

An item that leaves without `commit()` must have changed nothing: the batch compares what the
session would write before and after it (added and deleted rows, the changed columns' values),
also when a query of the item flushes earlier items' changes with its own. When the item names
its order and no earlier item of the batch had that order, counting the changed rows is
enough (`start_item`): comparing every earlier item's changed values before each item grew
with the batch, 7 % of a swept deadline's instructions at 50 a batch.

An item that raises spoils the batch: the caller rolls everything back and handles the
messages one at a time, as the worker does without batches. No savepoint per item: two more
round trips for each of them, to spare a rare failure a second run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from recourse.db.ids import use_id_blocks
from recourse.db.order_records import changes_total, is_writing_queued
from recourse.db.outbox import mark_delivered_many
from recourse.db.queued import queued_total
from recourse.db.repositories.orders import (
    defer_status_counts,
    deferred_counts,
)
from recourse.db.uow import SqlUnitOfWork

# the session's changes not yet written: how many rows it adds and deletes, and the values of
# the changed columns of each changed row (or only how many rows are changed)
Unflushed = tuple[int, int, dict[Any, tuple[Any, ...]] | int]


def unflushed(session: Session) -> Unflushed:
    """What the session would write at its next flush, to be compared before and after an item
    (an item may change a row an earlier item changed too, so the values count)."""
    modified = session.identity_map._modified  # what session.dirty reads
    changed = {state: tuple(map(state.dict.get, state.committed_state)) for state in modified}
    # the counts of what session.new and .deleted copy: a batch's hundreds of new rows each time
    return len(session._new), len(session._deleted), changed


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
    _changed = False
    _item = False
    _flushing = False
    _unflushed: Unflushed = (0, 0, {})
    _whole = True  # the item's check compares changed values, not only how many rows changed
    _orders: set[int]  # the items' orders so far (`open` starts it)
    _marks: tuple[int, int, int, int, tuple[tuple[tuple[int, str, int], int], ...]] = (
        0,
        0,
        0,
        0,
        (),
    )

    def open(self, items: int = 1) -> None:
        """Begin the batch's transaction for `items` use cases: the rows they add take their
        ids in blocks of that many (db/ids.py), so none of them is written before the end."""
        self.__enter__()
        session = self.session
        self._connection = session.connection()
        self._transaction = session.get_transaction()
        event.listen(self._connection, "before_cursor_execute", self._count_write)
        event.listen(session, "before_flush", self._before_flush)
        event.listen(session, "after_flush_postexec", self._after_flush)
        defer_status_counts(session)
        use_id_blocks(session, items)
        self._orders = set()

    def close(self) -> None:
        """Leave the batch; whatever was not committed is rolled back. Idempotent."""
        if self._connection is not None:
            event.remove(self._connection, "before_cursor_execute", self._count_write)
            event.remove(self.session, "before_flush", self._before_flush)
            event.remove(self.session, "after_flush_postexec", self._after_flush)
            self._connection = None
        if self._depth:
            self._depth = 1
            self.__exit__(None, None, None)

    def _count_write(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        # what a flush writes is told apart by the changes it flushes (_before_flush)
        if (
            not self._flushing
            and not is_writing_queued(self.session)  # what was queued before, as a flush
            and statement.lstrip()[:6].upper() != "SELECT"
        ):
            self._writes += 1

    def _before_flush(self, *_: Any) -> None:
        # a flush inside an item (a query's autoflush) also writes what earlier items left:
        # whether this item changed rows is judged now, before the flush makes them clean
        if self._item and not self._committed and self._unflushed != self._snapshot():
            self._changed = True
        self._flushing = True

    def _after_flush(self, *_: Any) -> None:
        self._flushing = False
        self._unflushed = self._snapshot()

    def _snapshot(self) -> Unflushed:
        session = self.session
        if self._whole:
            return unflushed(session)
        return len(session._new), len(session._deleted), len(session.identity_map._modified)

    def start_item(self, order_id: int | None = None) -> None:
        """Before an item's use case. `order_id`: the order whose rows it may change, when
        known. If no earlier item of the batch had that order, none of the rows it may change
        is changed yet (a use case changes one order's rows: tests/integration/
        test_one_order_per_transaction.py), so a change of the item's makes a row changed
        and counting them tells; otherwise the changed values are compared."""
        # earlier items' changes stay unflushed: the batch's flush writes them all at once
        self._item = True
        self._writes = 0
        self._changed = False
        self._committed = False
        self._marks = self._queued()
        self._whole = order_id is None or order_id in self._orders
        if order_id is not None:
            self._orders.add(order_id)
        self._unflushed = self._snapshot()

    def end_item(self) -> None:
        """After the item's use case returned: if it did not commit, it must have changed
        nothing (alone, leaving without commit rolls back); and the batch's transaction must
        still be the one it began (no item rolled it back under the others)."""
        self._item = False
        if self.session.get_transaction() is not self._transaction:
            raise NotBatchable("the batch's transaction ended under an item")
        if self._committed:
            return
        if (
            self._writes
            or self._changed
            or self._unflushed != self._snapshot()
            or self._marks != self._queued()
        ):
            raise NotBatchable("an item changed rows without committing them")

    def _queued(self) -> tuple[int, int, int, int, tuple[tuple[tuple[int, str, int], int], ...]]:
        """What the items queued for the batch's commit so far."""
        counts = deferred_counts(self.session) or {}
        return (
            len(self.outbox.pending),
            len(self.notifications.pending),
            queued_total(self.session),
            changes_total(self.session),
            tuple(counts.items()),
        )

    def commit(self) -> None:
        """The item's use case is done: its changes wait for the batch's commit."""
        self._committed = True

    def rollback(self) -> None:
        raise NotBatchable("an item asked to roll back")

    def commit_batch(self, message_ids: Sequence[int], worker_id: str) -> int:
        """Write what the items queued, mark `message_ids` delivered (those still leased to
        `worker_id`), and commit without waiting for the disk, as a single message's
        settling commit does (SqlUnitOfWork.settle_on_commit). How many were marked."""
        # what the items added and changed goes out with the appends at the commit, the store
        # counts they moved too (db/appends.py, db/unflushed.py: on PostgreSQL one statement
        # when every change is one it writes; otherwise the flush first)
        marked = mark_delivered_many(self.session, message_ids, worker_id)
        if self.session.get_bind().dialect.name == "postgresql":
            # on the connection: through the session it would flush the items' changes first
            self.session.connection().exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        SqlUnitOfWork.commit(self)
        return marked
