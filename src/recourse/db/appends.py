"""What a transaction only adds, written in one statement when it commits (PostgreSQL).

A use case's outbox messages, notifications, timeline entries and events are rows nothing in
the transaction updates after adding them, and the store status counts it moved are deltas
added to counters: none of them needs its own round trip. On PostgreSQL they go to the server
as one statement of data-modifying CTEs, each table's rows as one JSON array parameter
(`json_populate_recordset`), so the statement's text does not depend on how many rows there
are: it is built once per set of tables and columns, and SQLAlchemy's compiled cache is not
needed (a multi-row VALUES is never cached: compiling it cost more than the round trips it
saved). Each table keeps its own rules:

- outbox and notifications: a row whose `dedupe_key` is stored already (or came earlier in
  the same commit) is skipped, as `insert_ignoring_duplicates` skips it;
- store status counts: the moves added up per (store, status, slot), upserted in that order,
  so every writer locks a slot's rows in the same order (`write_deferred_counts`);
- timeline entries and events: inserted in the order the transaction added them (the
  timeline's ids keep that order).

Timeline entries and events are queued as column values (db/queued.py; a query in the
transaction writes them first, as the autoflush would); at commit they are written with the
rest, after the session's other changes are flushed (which they may refer to).

SQLite keeps a statement per table (there is no round trip to save): the outbox and the
notifications one INSERT each, the counts one upsert, the rest with the session's flush, then
the timeline entries and events one INSERT each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.models import Base
from recourse.db.models.orders import StoreStatusCountRow
from recourse.db.order_records import orders_of, take_changes, write_changes
from recourse.db.queued import take_queued, write_queued
from recourse.db.repositories.orders import (
    defer_status_counts,
    deferred_counts,
    write_deferred_counts,
)
from recourse.db.repositories.writes import first_of_each_key, insert_ignoring_duplicates
from recourse.db.types import UTCDateTime
from recourse.db.unflushed import take_unflushed, update_sql


def write_appends(
    session: Session, outbox: Sequence[dict[str, Any]], notifications: Sequence[dict[str, Any]]
) -> None:
    """Write the queued `outbox` messages and `notifications`, the deferred store status
    counts, the queued timeline entries and events (db/queued.py) and the locked orders'
    queued changes (db/order_records.py); the session's other changes are flushed too (on
    PostgreSQL, those db/unflushed.py takes go in the same statement). The caller commits."""
    if session.get_bind().dialect.name != "postgresql":
        insert_ignoring_duplicates(session, m.OutboxRow, outbox)
        insert_ignoring_duplicates(session, m.NotificationRow, notifications)
        deferring = deferred_counts(session) is not None
        write_deferred_counts(session)
        if deferring:  # later moves in the transaction wait for the next commit too
            defer_status_counts(session)
        session.flush()
        write_queued(session)
        write_changes(session)
        return
    queued = take_queued(session)
    unflushed = take_unflushed(session)
    if unflushed is None:
        session.flush()
    new = unflushed.inserts() if unflushed else []
    rows: list[tuple[type[Base], Sequence[dict[str, Any]]]] = [
        *new,
        (m.OutboxRow, first_of_each_key(outbox)),
        (m.NotificationRow, first_of_each_key(notifications)),
        (StoreStatusCountRow, _count_rows(session)),
        *queued,
    ]
    # the locked orders' changes (db/order_records.py), then the mapped rows'; each with the
    # one order all its rows belong to, if they do: they are found by it, others by their ids
    changed = [
        *(
            (model, columns, found, orders_of(session, model, (row["id"] for row in found)))
            for model, columns, found in take_changes(session)
        ),
        *(unflushed.updates() if unflushed else []),
    ]
    updates = [
        (model, columns, found, _one_order(orders)) for model, columns, found, orders in changed
    ]
    present = (
        *((model, _UPDATE, columns, order is not None) for model, columns, _, order in updates),
        *((model, _INSERT, _columns(found), False) for model, found in rows if found),
    )
    if present:
        params: dict[str, Any] = {}
        for n, (model, columns, found, order) in enumerate(updates):
            params[f"rows_{n}"] = _as_json(model, found, ("id", *columns))
            if order is None:
                params[f"ids_{n}"] = [row["id"] for row in found]
            else:
                params[f"order_{n}"] = order
        inserted = [(model, values) for model, values in rows if values]
        for n, (model, values) in enumerate(inserted, start=len(updates)):
            params[f"rows_{n}"] = _as_json(model, values, present[n][2])
        session.connection().exec_driver_sql(_statement(present), params)
    if unflushed is not None:
        unflushed.done(session)


# What each table does with a row it holds already.
_ON_CONFLICT: dict[type[Base], str] = {
    m.OutboxRow: " ON CONFLICT (dedupe_key) DO NOTHING",
    m.NotificationRow: " ON CONFLICT (dedupe_key) DO NOTHING",
    StoreStatusCountRow: (
        " ON CONFLICT (store_id, status, slot)"
        " DO UPDATE SET count = store_status_counts.count + excluded.count"
    ),
}

_INSERT = "insert"
_UPDATE = "update"

# table, kind, columns, and for an update whether its rows are found by their one order
Part = tuple[type[Base], str, tuple[str, ...], bool]
_STATEMENTS: dict[tuple[Part, ...], str] = {}


def _statement(present: tuple[Part, ...]) -> str:
    """One statement writing each table's rows from a JSON array parameter, in order, as
    CTEs: inserted, or (`_UPDATE`) the rows of that id given the columns' values. Its text
    depends only on which tables and columns it writes, so the server and the driver see a
    handful of texts, each prepared once; the rows are data."""
    found = _STATEMENTS.get(present)
    if found is not None:
        return found
    parts = []
    for n, (model, kind, columns, by_order) in enumerate(present):
        table = model.__tablename__
        unknown = set(columns) - set(model.__table__.columns.keys())
        if unknown:  # names come from the repositories' code, never from a request
            raise ValueError(f"{table} has no columns {sorted(unknown)}")
        if kind is _UPDATE:
            if not by_order:
                narrow = f"t.id = ANY(%(ids_{n})s::bigint[])"
            elif model is m.OrderRow:
                narrow = f"t.id = %(order_{n})s"
            else:
                narrow = f"t.order_id = %(order_{n})s"
            parts.append(update_sql(table, columns, f"rows_{n}", narrow))
            continue
        rows = f"json_populate_recordset(NULL::{table}, %(rows_{n})s::json)"
        if len(columns) == len(model.__table__.columns):
            # every column given, the key too: the record is the row, in the table's column
            # order, and no id is assigned, so the order of insertion does not matter (and a
            # shorter text lets the driver keep its parsed form: it caches up to 4 kB)
            sql = f"INSERT INTO {table} SELECT * FROM {rows}"  # noqa: S608
        else:
            names = ", ".join(f'"{c}"' for c in columns)
            # table and column names checked against the model above
            sql = (
                f"INSERT INTO {table} ({names}) SELECT {names} FROM"  # noqa: S608
                f" {rows} WITH ORDINALITY AS r ORDER BY r.ordinality"
            )
        parts.append(sql + _ON_CONFLICT.get(model, ""))
    *first, last = parts
    text = last
    if first:
        text = "WITH " + ", ".join(f"a{n} AS ({p})" for n, p in enumerate(first)) + " " + last
    _STATEMENTS[present] = text
    return text


def _one_order(orders: set[int | None]) -> int | None:
    """The order every row of an update belongs to, when that is one order and known."""
    if len(orders) != 1:
        return None
    return next(iter(orders))


def _columns(rows: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return tuple(names)


def _as_json(model: type[Base], rows: Sequence[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """The rows as a JSON array of objects with these keys (a row without one gives null).
    orjson writes them, dates and datetimes too (as `isoformat()` does): the standard
    library's encoder was 8 % of an API cancel's instructions, and a Python call per datetime
    from orjson another 1.5 %. A naive datetime in a UTC column is refused first, as the
    column's type (`UTCDateTime`) refuses it; a JSON column's mapping with keys that are not
    strings (a line id) has them written as strings, as the standard library did."""
    width = len(columns)
    stamps = _utc_columns(model).intersection(columns)
    uneven = False
    for row in rows:
        if len(row) != width or columns[0] not in row:
            uneven = True
        for name in stamps:
            value = row.get(name)
            if isinstance(value, datetime) and value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
    if uneven:
        rows = [{c: row.get(c) for c in columns} for row in rows]
    # otherwise each row has exactly these keys (`columns` holds every row's), in any order
    return orjson.dumps(rows, option=orjson.OPT_NON_STR_KEYS).decode()


@cache
def _utc_columns(model: type[Base]) -> frozenset[str]:
    """The model's columns of type `UTCDateTime`."""
    return frozenset(c.name for c in model.__table__.columns if isinstance(c.type, UTCDateTime))


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
