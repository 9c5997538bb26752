"""An order a use case locks, read and changed as plain rows instead of mapped objects.

Locking the order with its lines through the ORM (a joined eager load into an `OrderRow` and
its `OrderLineRow`s, each an instrumented instance in the identity map, their changes found
again by the flush) cost a paid cancel more than the rest of its reads, for two rows the use
case reads once and changes a few columns of. `lock_order` reads them with one statement built
once (`SELECT ... FOR UPDATE`, the lines locked with the order) into an `OrderRecord`, kept in
the session's `info` until the transaction ends; the orders repository answers from it.

A change (`change`) is applied to the record and queued as column values; the commit writes
the queued changes with the appends (db/appends.py: on PostgreSQL an `UPDATE ... FROM` part of
its one statement, one per table and set of columns; on SQLite an UPDATE per group). Queued
changes are written earlier, as the autoflush wrote the mapped rows' changes: before any ORM
statement (db/queued.py) and before an order is locked again. A bulk ORM UPDATE or DELETE
drops the records (they may no longer be what the table holds) after writing what they queued.

A rollback forgets both the records and the queued changes. The deadline sweep's batches
keep locking their orders as mapped rows (db/repositories/preload.py): a repository asked for
one of those uses it, not a record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select, update
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.models import Base

RECORDS = "order_records"
CHANGES = "order_changes"
CHANGES_TOTAL = "order_changes_total"
WRITING = "writing_queued"

_ORDERS = cast(Table, m.OrderRow.__table__)
_LINES = cast(Table, m.OrderLineRow.__table__)
_ORDER_COLUMNS = tuple(c.key for c in _ORDERS.columns)
_LINE_COLUMNS = tuple(c.key for c in _LINES.columns)


def _lock_statement() -> Select[Any]:
    return (
        select(_ORDERS, _LINES)
        .join_from(_ORDERS, _LINES, _LINES.c.order_id == _ORDERS.c.id)
        .where(_ORDERS.c.id == bindparam("order_id"))
        .order_by(_LINES.c.position)
        .with_for_update()
    )


# built once, the order's id a parameter (every order has lines: the join is inner, and
# FOR UPDATE locks the lines with the order, as the ORM's joined load did)
_LOCK = _lock_statement()


@dataclass
class OrderRecord:
    """The order's columns and its lines' (in position order), with this transaction's
    changes applied."""

    order: dict[str, Any]
    lines: dict[int, dict[str, Any]] = field(default_factory=dict)

    def view(self) -> Any:
        """The record with attribute access, as a mapped row reads (for `order_from_row`)."""
        return SimpleNamespace(
            **self.order, lines=[SimpleNamespace(**line) for line in self.lines.values()]
        )


def lock_order(session: Session, order_id: int) -> OrderRecord | None:
    """Lock the order and its lines and keep them as a record (None: no such order)."""
    write_changes(session)  # the rows read must carry what the transaction changed before
    width = len(_ORDER_COLUMNS)
    rows = session.connection().execute(_LOCK, {"order_id": order_id}).all()
    if not rows:
        return None
    found = OrderRecord(dict(zip(_ORDER_COLUMNS, rows[0][:width], strict=True)))
    for row in rows:
        line = dict(zip(_LINE_COLUMNS, row[width:], strict=True))
        found.lines[line["id"]] = line
    session.info.setdefault(RECORDS, {})[order_id] = found
    return found


def record(session: Session, order_id: int) -> OrderRecord | None:
    """The order's record, when this transaction locked it as one."""
    records: dict[int, OrderRecord] | None = session.info.get(RECORDS)
    return records.get(order_id) if records else None


def record_row(session: Session, model: type[Base], pk: int) -> dict[str, Any] | None:
    """The columns of the order or line `pk` from the records the session holds."""
    for held in session.info.get(RECORDS, {}).values():
        if model is m.OrderRow and held.order["id"] == pk:
            return cast(dict[str, Any], held.order)
        if model is m.OrderLineRow and pk in held.lines:
            return cast(dict[str, Any], held.lines[pk])
    return None


def orders_of(session: Session, model: type[Base], pks: Iterable[int]) -> set[int | None]:
    """The orders of the orders or lines `pks` (`model` OrderRow or OrderLineRow), from the
    records the transaction holds (None for a row it holds no record of)."""
    held: dict[int, OrderRecord] = session.info.get(RECORDS, {})
    if model is m.OrderRow:
        return {pk if pk in held else None for pk in pks}
    lines = {line_id: order_id for order_id, found in held.items() for line_id in found.lines}
    return {lines.get(pk) for pk in pks}


def change(session: Session, model: type[Base], pk: int, values: Mapping[str, Any]) -> None:
    """Queue new values of columns of an order's row (`model` OrderRow or OrderLineRow) whose
    record the transaction holds; the record reads them at once."""
    found = record_row(session, model, pk)
    if found is None:
        raise LookupError(f"no locked {model.__tablename__} row {pk}")
    for name in values:
        if name not in found or name == "id":
            raise AttributeError(f"{model.__tablename__} has no column {name!r} to change")
    changed = {name: value for name, value in values.items() if found[name] != value}
    if not changed:
        return
    found.update(changed)
    queued: dict[tuple[type[Base], int], dict[str, Any]] = session.info.setdefault(CHANGES, {})
    queued.setdefault((model, pk), {}).update(changed)
    session.info[CHANGES_TOTAL] = session.info.get(CHANGES_TOTAL, 0) + 1


def changes_total(session: Session) -> int:
    """How many changes the session queued so far, written or not (db/batch.py)."""
    return int(session.info.get(CHANGES_TOTAL, 0))


def take_changes(
    session: Session,
) -> list[tuple[type[Base], tuple[str, ...], list[dict[str, Any]]]]:
    """The queued changes, grouped per table and set of changed columns (each row in one
    group, its changes merged), each row with its id; none are queued after."""
    queued: dict[tuple[type[Base], int], dict[str, Any]] = session.info.pop(CHANGES, {})
    groups: dict[tuple[type[Base], tuple[str, ...]], list[dict[str, Any]]] = {}
    for (model, pk), values in queued.items():
        columns = tuple(sorted(values))
        groups.setdefault((model, columns), []).append({"id": pk, **values})
    tables = (m.OrderRow, m.OrderLineRow)
    ordered = sorted(groups.items(), key=lambda g: (tables.index(g[0][0]), g[0][1]))
    return [(model, columns, rows) for (model, columns), rows in ordered]


@contextmanager
def writing_queued(session: Session) -> Iterator[None]:
    """The statements sent meanwhile write what the transaction queued before (a batch does
    not count them as the running item's writes: db/batch.py)."""
    session.info[WRITING] = True
    try:
        yield
    finally:
        session.info[WRITING] = False


def is_writing_queued(session: Session) -> bool:
    return bool(session.info.get(WRITING))


def write_changes(session: Session) -> None:
    """Write the queued changes now: an UPDATE per table and set of columns, its rows sent
    together."""
    if not session.info.get(CHANGES):
        return
    with writing_queued(session):
        for model, columns, rows in take_changes(session):
            table = cast(Table, model.__table__)
            stmt = (
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values({c: bindparam(f"new_{c}") for c in columns})
            )
            params = [{"row_id": r["id"], **{f"new_{c}": r[c] for c in columns}} for r in rows]
            session.connection().execute(stmt, params)


def forget_records(session: Session) -> None:
    """The transaction ended, or its rows may have changed underneath: read them again."""
    session.info.pop(RECORDS, None)


def drop_changes(session: Session) -> None:
    session.info.pop(CHANGES, None)
