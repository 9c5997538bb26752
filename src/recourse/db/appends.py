"""What a transaction only adds, written in one statement when it commits (PostgreSQL).

A use case's outbox messages, notifications, timeline entries and events are rows nothing in
the transaction updates after adding them, and the store status counts it moved are deltas
added to counters: none of them needs its own round trip. On PostgreSQL they go to the server
as one statement of data-modifying CTEs, each table with its own rules:

- outbox and notifications: a row whose `dedupe_key` is stored already (or came earlier in
  the same commit) is skipped, as `insert_ignoring_duplicates` skips it;
- store status counts: the moves added up per (store, status, slot), upserted in that order,
  so every writer locks a slot's rows in the same order (`write_deferred_counts`);
- timeline entries and events: inserted in the order the transaction added them (the
  timeline's ids keep that order).

Timeline entries and events stay ORM rows until then, so a query in the transaction still
finds them (autoflush); at commit they are taken out of the session and written with the
rest, after the session's other changes are flushed (which they may refer to).

SQLite keeps a statement per table (there is no round trip to save): the outbox and the
notifications one INSERT each, the counts one upsert, the rest with the session's flush.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.models import Base
from recourse.db.models.orders import StoreStatusCountRow
from recourse.db.repositories.orders import (
    defer_status_counts,
    deferred_counts,
    write_deferred_counts,
)
from recourse.db.repositories.writes import first_of_each_key, insert_ignoring_duplicates

# the ORM rows taken out of the session at commit, in the order their tables are written
TAKEN: tuple[type[Base], ...] = (m.TimelineRow, m.EventRow)


def write_appends(
    session: Session, outbox: Sequence[dict[str, Any]], notifications: Sequence[dict[str, Any]]
) -> None:
    """Write the queued `outbox` messages and `notifications`, the deferred store status
    counts and (PostgreSQL) the timeline entries and events the session holds unwritten;
    after it the session's other changes are flushed too. The caller commits."""
    if session.get_bind().dialect.name != "postgresql":
        insert_ignoring_duplicates(session, m.OutboxRow, outbox)
        insert_ignoring_duplicates(session, m.NotificationRow, notifications)
        deferring = deferred_counts(session) is not None
        write_deferred_counts(session)
        if deferring:  # later moves in the transaction wait for the next commit too
            defer_status_counts(session)
        session.flush()
        return
    added = _take_added(session)
    session.flush()
    statements: list[tuple[Any, int]] = []  # each with how many values it binds
    for table, rows in ((m.OutboxRow, outbox), (m.NotificationRow, notifications)):
        for chunk in _chunks(first_of_each_key(rows)):
            insert = pg_insert(_table(table)).values(chunk)
            statements.append(
                (insert.on_conflict_do_nothing(index_elements=["dedupe_key"]), _bound(chunk))
            )
    counters = _table(StoreStatusCountRow)
    for chunk in _chunks(_count_rows(session)):
        upsert = pg_insert(counters).values(chunk)
        statements.append(
            (
                upsert.on_conflict_do_update(
                    index_elements=["store_id", "status", "slot"],
                    set_={"count": counters.c["count"] + upsert.excluded["count"]},
                ),
                _bound(chunk),
            )
        )
    for model in TAKEN:
        for chunk in _chunks(added.get(model, [])):
            statements.append((pg_insert(_table(model)).values(chunk), _bound(chunk)))
    for group in _groups(statements):
        *first, last = group
        if first:
            ctes = [stmt.cte(f"append_{n}") for n, stmt in enumerate(first)]
            last = last.add_cte(*ctes)
        session.connection().execute(last)


# PostgreSQL's protocol takes at most 65,535 parameters per statement: a big batch of
# deadlines (RECOURSE_WORKER_BATCH) is written in several statements under this.
MAX_PARAMETERS = 30_000


def _bound(rows: Sequence[dict[str, Any]]) -> int:
    return sum(len(row) for row in rows)


def _chunks(rows: Sequence[dict[str, Any]]) -> list[Sequence[dict[str, Any]]]:
    """`rows` in pieces that each bind at most MAX_PARAMETERS values (none for no rows)."""
    if not rows:
        return []
    per_row = max(len(row) for row in rows)
    step = max(1, MAX_PARAMETERS // per_row)
    return [rows[i : i + step] for i in range(0, len(rows), step)]


def _groups(statements: list[tuple[Any, int]]) -> list[list[Any]]:
    """The statements in order, grouped so no group binds more than MAX_PARAMETERS values."""
    groups: list[list[Any]] = []
    size = MAX_PARAMETERS
    for stmt, n in statements:
        if size + n > MAX_PARAMETERS:
            groups.append([])
            size = 0
        groups[-1].append(stmt)
        size += n
    return groups


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _count_rows(session: Session) -> list[dict[str, Any]]:
    """The deferred count moves, in (store, status, slot) order; none are deferred after."""
    moves = deferred_counts(session) or {}
    rows = [
        {"store_id": store_id, "status": status, "slot": slot, "count": n}
        for (store_id, status, slot), n in sorted(moves.items())
        if n
    ]
    moves.clear()
    return rows


def _take_added(session: Session) -> dict[type[Base], list[dict[str, Any]]]:
    """The session's unwritten rows of TAKEN, as column values in the order they were added,
    taken out of the session."""
    found: dict[type[Base], list[tuple[int, Base]]] = {}
    for obj in session.new:
        if isinstance(obj, TAKEN):
            found.setdefault(type(obj), []).append((inspect(obj).insert_order or 0, obj))
    taken: dict[type[Base], list[dict[str, Any]]] = {}
    for model, objs in found.items():
        objs.sort(key=lambda pair: pair[0])
        taken[model] = [_values(obj) for _, obj in objs]
        for _, obj in objs:
            session.expunge(obj)
    return taken


def _values(obj: Base) -> dict[str, Any]:
    """The row's column values as the ORM would insert them: a column left unset takes its
    scalar default; an unset autoincrement key is left to the database."""
    values: dict[str, Any] = {}
    for attribute in inspect(type(obj)).column_attrs:
        column = attribute.columns[0]
        value = getattr(obj, attribute.key)
        if value is None and column.default is not None and column.default.is_scalar:
            value = column.default.arg
        if value is None and column.primary_key and column.autoincrement:
            continue
        values[column.key] = value
    return values
