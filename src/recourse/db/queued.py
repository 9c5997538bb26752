"""Timeline entries and events: rows a transaction adds and writes once, kept as column values.

A paid cancel adds two timeline entries and four events. As mapped objects each cost an
instance with its instrumented attributes, a place in the session, then (db/appends.py) its
values read back out and the instance taken out of the session again: ~0.4 ms of the cancel's
CPU, for rows nothing in the transaction changes. They are kept instead as the column values
they will be written with, in the session's `info`, in the order added, and the commit writes
them with the other appends (one statement on PostgreSQL, an INSERT per table on SQLite).

A transaction still reads what it wrote: an ORM query (a select, an update, a `Session.get`
that reaches the database) writes the rows queued so far first, when and as the autoflush
wrote them when they were mapped objects (`_write_before_query`, on every session; not in a
`no_autoflush` block). A commit of the session by any other path than the unit of work's
writes them first, as its flush did; a rollback of the transaction forgets them, as it forgot
the unflushed objects (a savepoint's rollback does not: the rows queued before it were flushed
when it began, as mapped objects).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Table, event, insert
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from recourse.db import models as m
from recourse.db.models import Base
from recourse.db.order_records import (
    drop_changes,
    forget_records,
    write_changes,
    writing_queued,
)

# the tables written this way, in the order the appends write them
QUEUED_MODELS: tuple[type[Base], ...] = (m.TimelineRow, m.EventRow)
QUEUED = "queued_rows"
QUEUED_TOTAL = "queued_total"


def queue(session: Session, model: type[Base], values: Mapping[str, Any]) -> None:
    """Add a row of `model` (one of QUEUED_MODELS) with these column values; written at the
    commit, or before a query of its table."""
    if not session.in_transaction():
        session.begin()  # as adding an object would: its rollback forgets the row
    queued: dict[type[Base], list[dict[str, Any]]] = session.info.setdefault(QUEUED, {})
    queued.setdefault(model, []).append(dict(values))
    session.info[QUEUED_TOTAL] = session.info.get(QUEUED_TOTAL, 0) + 1


def queued_total(session: Session) -> int:
    """How many rows the session queued so far, written or not (a batch compares it before
    and after an item: db/batch.py)."""
    return int(session.info.get(QUEUED_TOTAL, 0))


def take_queued(session: Session) -> list[tuple[type[Base], list[dict[str, Any]]]]:
    """The queued rows per table (in QUEUED_MODELS order, each in the order added), for the
    caller to write; none are queued after."""
    queued: dict[type[Base], list[dict[str, Any]]] = session.info.pop(QUEUED, {})
    return [(model, queued[model]) for model in QUEUED_MODELS if queued.get(model)]


def write_queued(session: Session) -> None:
    """Write the queued rows now: one INSERT per table, its rows sent together."""
    if not session.info.get(QUEUED):
        return
    with writing_queued(session):
        for model, rows in take_queued(session):
            session.connection().execute(insert(cast(Table, model.__table__)), rows)


@event.listens_for(Session, "do_orm_execute")
def _write_before_query(state: ORMExecuteState) -> None:
    """The queued rows and the locked orders' queued changes (db/order_records.py) are
    written before an ORM statement, as the autoflush would have written them: whatever it
    reads (a join, a count) sees them. A bulk UPDATE or DELETE may change the locked orders'
    rows underneath their records: they are read again after it."""
    session = state.session
    if session.autoflush:
        write_queued(session)
        write_changes(session)
    if state.is_update or state.is_delete:
        write_changes(session)
        forget_records(session)


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    write_queued(session)
    write_changes(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(QUEUED, None)
        drop_changes(session)
        forget_records(session)
