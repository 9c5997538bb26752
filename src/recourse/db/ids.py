"""Ids for new rows taken from their table's sequence ahead of the INSERT (PostgreSQL).

A use case that needs a new row's id at once (a refund's, for its lines, its timeline entry,
its send message and the cancellation that caused it) learns it alone by flushing the row,
one INSERT per row. A batch of deadlines (db/batch.py) instead takes a block of ids from the
sequence in one statement (`SELECT nextval(...) FROM generate_series(1, n)`), as many as it
has items, the first time one of them asks; each new row is given one of them, and the
batch's one flush writes the rows of a table together. A sequence never hands out a number
twice, whether the transaction that took it commits or not: ids a batch left unused, or took
before it rolled back, are gaps, as those of a rolled-back INSERT are.

Outside a batch (a request's use case) the same holds with smaller blocks kept by each
pooled connection (`SHARED_BLOCK` ids per table, taken when its block runs out): a connection
serves one transaction at a time, so no lock is needed, and a use case learns a new
cancellation's or refund's id without a round trip; the rows are written at commit with the
other appends (db/appends.py). Ids a connection holds when it is closed are gaps. Blocks of
different connections interleave, so an id is only taken in advance for a row of an order
the transaction has locked with its cases (cancellations, refunds) loaded: it must be greater
than theirs (the block is dropped otherwise), so an order's cancellations and refunds keep
their ids in the order they were made, which "the latest" reads rely on.

SQLite has no sequences: there the rows are flushed one by one as alone.
"""

from __future__ import annotations

from collections import deque
from typing import TypeVar

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from recourse.db.models import Base

R = TypeVar("R", bound=Base)

IDS = "ids"
NEW_ROWS = "new_rows"
SHARED = "recourse_ids"
SHARED_BLOCK = 16

# the rows a request's use case gives ids in advance (the paid cancel's)
IN_ADVANCE: frozenset[str] = frozenset({"cancellations", "refunds"})

_BLOCK = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")


class IdBlocks:
    """Ids of new rows, `block` at a time per table, for one transaction."""

    def __init__(self, block: int) -> None:
        self.block = max(1, block)
        self._free: dict[str, deque[int]] = {}

    def take(self, session: Session, model: type[Base], above: int = 0) -> int:
        """The next id, greater than `above` (the ids are ascending: a block whose next one
        is not is dropped, and the sequence's next block is greater than any id it gave)."""
        table = model.__tablename__
        free = self._free.setdefault(table, deque())
        if free and free[0] <= above:
            free.clear()
        if not free:
            # on the connection: a query of the session would flush the rows waiting for ids
            free.extend(session.connection().scalars(_BLOCK, {"table": table, "n": self.block}))
        return int(free.popleft())


def use_id_blocks(session: Session, block: int) -> None:
    """New rows of this session's transaction take their ids in blocks of `block` (PostgreSQL;
    elsewhere they keep flushing, one by one)."""
    if session.get_bind().dialect.name == "postgresql":
        session.info[IDS] = (session.get_transaction(), IdBlocks(block))


def id_in_advance(session: Session, model: type[Base], *, above: int | None = None) -> int | None:
    """An id for a new row of `model` without writing it, when the transaction takes ids in
    blocks (`use_id_blocks`), or on PostgreSQL for the rows of IN_ADVANCE given `above`: the
    greatest id of the order's rows of `model` (which the transaction holds, the order
    locked), so that an order's rows keep their ids in the order they were made although
    each connection takes its own block. None: flush the row to learn its id."""
    blocks: tuple[object, IdBlocks] | None = session.info.get(IDS)
    if blocks is not None and blocks[0] is session.get_transaction():
        return blocks[1].take(session, model)
    if (
        above is None
        or model.__tablename__ not in IN_ADVANCE
        or session.get_bind().dialect.name != "postgresql"
    ):
        return None
    # the pooled connection's own block: it serves this transaction alone
    info = session.connection().info
    shared = info.get(SHARED)
    if shared is None:
        shared = info[SHARED] = IdBlocks(SHARED_BLOCK)
    return shared.take(session, model, above)


def add_with_id(session: Session, row: Base, pk: int) -> None:
    """Add the new `row` with the id `pk` it was given in advance; until the flush writes it,
    `new_row` finds it (the identity map learns a row only once it is written)."""
    row.id = pk  # type: ignore[attr-defined]
    session.add(row)
    session.info.setdefault(NEW_ROWS, {})[(type(row), pk)] = row


def new_row(session: Session, model: type[R], pk: int) -> R | None:
    """The unwritten row of `model` added with id `pk` (`add_with_id`), if any and still
    unwritten; None to look it up as usual."""
    rows: dict[tuple[type[Base], int], R] | None = session.info.get(NEW_ROWS)
    row = rows.get((model, pk)) if rows else None
    if row is None or not inspect(row).pending:
        return None
    return row
