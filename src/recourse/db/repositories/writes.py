"""Writes the repositories share: many rows in one statement, columns on a held row."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import Table, inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from recourse.db.ids import new_row
from recourse.db.models import Base

B = TypeVar("B", bound=Base)


def insert_ignoring_duplicates(
    session: Session, table: type[Base], rows: Sequence[dict[str, Any]]
) -> None:
    """One INSERT for all `rows`; a row whose `dedupe_key` is already stored (or earlier in `rows`)
    is skipped, so writing the same message twice leaves one."""
    unique = first_of_each_key(rows)
    if not unique:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # one cached statement, its rows sent together (executemany): no compile per call, and
    # no ORM bookkeeping for rows nothing reads back
    target = cast(Table, table.__table__)
    stmt = insert(target).on_conflict_do_nothing(index_elements=["dedupe_key"])
    session.connection().execute(stmt, unique)


def first_of_each_key(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` without those whose `dedupe_key` an earlier row has (rows without one all stay)."""
    seen: set[str] = set()
    unique = []
    for row in rows:
        key = row.get("dedupe_key")
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        unique.append(row)
    return unique


def note_order(session: Session, order_id: int) -> None:
    """Remember that the session's transaction writes order `order_id`'s rows: rows written
    after it that name no order themselves (outbox messages, events) are taken to be about it."""
    transaction = session.get_transaction()
    if transaction is not None:
        session.info["order"] = (transaction, order_id)


def noted_order(session: Session) -> int | None:
    """The order the current transaction noted last (None when it noted none)."""
    noted = session.info.get("order")
    if noted is None or noted[0] is not session.get_transaction():
        return None
    return cast(int, noted[1])


def order_of(session: Session, model: type[Base], pk: object) -> int:
    """The order of a parent row (a refund, a shipment, a dispute): its child rows carry it.
    The session usually holds the parent already (the use case read it), so no query."""
    row = _unwritten(session, model, pk) or session.get(model, pk)
    if row is None:
        raise LookupError(f"no {model.__tablename__} row {pk}")
    return cast(int, getattr(row, "order_id"))  # noqa: B009 (Base declares no order_id)


def hold(session: Session, row: Base | None) -> None:
    """Keep `row` in the session's identity map until the session closes (the map holds rows
    weakly), so a later read or change of it in the same transaction costs no query."""
    if row is not None:
        session.info.setdefault("held", []).append(row)


def set_columns(session: Session, model: type[Base], pk: object, values: dict[str, Any]) -> None:
    """Set columns on the row the session holds (loading it if it holds none); the next flush
    writes them, batched with the other changes, and later reads in the session see them."""
    row = _unwritten(session, model, pk) or session.get(model, pk)
    if row is None:
        raise LookupError(f"no {model.__tablename__} row {pk}")
    for name, value in values.items():
        if name not in model.__table__.columns:
            raise AttributeError(f"{model.__tablename__} has no column {name!r}")
        setattr(row, name, value)


def _unwritten(session: Session, model: type[Base], pk: object) -> Base | None:
    """The row added with its id in advance and not yet written (db/ids.py): looking it up
    by key would query, and so flush it."""
    if not isinstance(pk, int):
        return None
    return new_row(session, model, pk)


def new_mapped(model: type[B], **values: Any) -> B:
    """A new row of `model` holding `values`, without the instrumented setter per column that
    the mapped constructor goes through: for a row that is only added, nothing needs to know
    which columns changed (an INSERT writes what the row holds, the flush and the appends
    alike). The columns go into the state's dict, which is the instance's own; relationships
    are still set through their attributes, so that adding the row adds what they hold."""
    unknown = set(values).difference(_column_attributes(model))
    if unknown:
        raise TypeError(f"{model.__tablename__} has no columns {sorted(unknown)}")
    row = model()
    row.__dict__.update(values)
    return row


@cache
def _column_attributes(model: type[Base]) -> frozenset[str]:
    return frozenset(inspect(model).column_attrs.keys())
