"""Rows a batch of deadlines will lock and read, loaded for the whole batch at once.

The deadline sweep (`db/batch.py`) locks, in one query per table, the subjects of the batch's
deadlines and their orders with their lines, as each use case would lock them one by one, and
holds them (`writes.hold`). A repository asked for such a row `for_update` then returns the
row the transaction already locked instead of querying again: nobody else can have changed
it since, and the session's copy carries this transaction's own changes.

A use case that locks one order and reads its cases (a cancel, the answer to a request) asks
for the same with the lock (`SqlOrders.get(with_cases=True)`, `load_order_cases`): one
statement after the lock tells which of the order's case tables hold rows, and only those are
loaded; for a fresh order that one statement is all.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from typing import TypeVar

from sqlalchemy import Executable, Integer, bindparam, event, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from recourse.db import models as m
from recourse.db.models import Base
from recourse.db.order_records import forget_records
from recourse.db.repositories.writes import hold
from recourse.services.deadlines import CANCELLATION, LOCKS, ORDER

Row = TypeVar("Row", bound=Base)

LOCKED = "locked"


def locked_row(session: Session, model: type[Row], pk: int) -> Row | None:
    """The row of `model` this transaction locked in advance, or None to query as usual."""
    keys = session.info.get(LOCKED)
    if not keys or (model, pk) not in keys:
        return None
    return session.get(model, pk)


def _mark_locked(session: Session, rows: Iterable[Base], model: type[Base]) -> None:
    keys: set[tuple[type[Base], int]] = session.info.setdefault(LOCKED, set())
    for row in rows:
        hold(session, row)
        keys.add((model, row.id))  # type: ignore[attr-defined]


def lock_cancellations(session: Session, ids: Iterable[int]) -> dict[int, int]:
    """Lock the cancellations `ids` with their lines, in id order; {cancellation: its order}."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    stmt = (
        select(m.CancellationRow)
        .where(m.CancellationRow.id.in_(wanted))
        .options(joinedload(m.CancellationRow.lines, innerjoin=True))
        .order_by(m.CancellationRow.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    rows = list(session.scalars(stmt).unique())
    _mark_locked(session, rows, m.CancellationRow)
    return {row.id: row.order_id for row in rows}


def lock_orders(session: Session, ids: Iterable[int]) -> list[int]:
    """Lock the orders `ids` with their lines, in id order (as `SqlOrders.get(for_update)`
    locks one); the ids found."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    stmt = (
        select(m.OrderRow)
        .where(m.OrderRow.id.in_(wanted))
        .options(joinedload(m.OrderRow.lines, innerjoin=True))
        .order_by(m.OrderRow.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    rows = list(session.scalars(stmt).unique())
    _mark_locked(session, rows, m.OrderRow)
    return [row.id for row in rows]


def lock_subjects(session: Session, subjects: Iterable[tuple[str, int]]) -> dict[int, int]:
    """For a batch of deadlines ((name, subject id) pairs): lock the cancellations and orders
    their use cases lock (services/deadlines.LOCKS), cancellations first as each use case
    does, then load what those use cases read of the locked orders (`load_cases`, `load_homes`);
    {cancellation id: its order id} for the cancellations found."""
    cancellation_ids: set[int] = set()
    order_ids: set[int] = set()
    for name, subject_id in subjects:
        kind = LOCKS.get(name)
        if kind == CANCELLATION:
            cancellation_ids.add(subject_id)
        elif kind == ORDER:
            order_ids.add(subject_id)
    orders_of = lock_cancellations(session, cancellation_ids)
    locked = lock_orders(session, order_ids | set(orders_of.values()))
    load_cases_and_homes(
        session,
        locked,
        {session.get_one(m.OrderRow, order_id).buyer_id for order_id in locked},
        loaded=[session.get_one(m.CancellationRow, c) for c in orders_of],
    )
    return orders_of


# What an order's settlement and refunds so far are read from (orders.settlement_of,
# SqlRefunds.so_far): every writer of these rows locks the order first.
CASES: tuple[type[Base], ...] = (m.CancellationRow, m.RefundRow, m.ReturnRow, m.DisputeRow)
HELD_CASES = "held_cases"
NEW_CASES = "new_cases"
HOMES = "homes"


def load_cases(session: Session, order_ids: Iterable[int]) -> None:
    """Load and hold every cancellation, refund, return and dispute of the orders `order_ids`
    (which this transaction has locked), one query per table; rows of theirs the transaction
    adds later are held as they are written. `held_cases` then answers from the session."""
    wanted, _ = _hold_cases_of(session, order_ids)
    if not wanted:
        return
    for model in CASES:
        _load_table(session, model, wanted)
    _watch_cases(session)


def _hold_cases_of(
    session: Session, order_ids: Iterable[int]
) -> tuple[list[int], dict[tuple[type[Base], int], list[Base]]]:
    """The orders, sorted, each with an (empty until loaded) list of held rows per table of
    CASES; and the session's index of held rows."""
    wanted = sorted(set(order_ids))
    index: dict[tuple[type[Base], int], list[Base]] = session.info.setdefault(HELD_CASES, {})
    for order_id in wanted:
        for model in CASES:
            index.setdefault((model, order_id), [])
    return wanted, index


def load_cases_and_homes(
    session: Session, order_ids: Iterable[int], buyer_ids: Iterable[int], *, loaded: list[Base]
) -> None:
    """`load_cases` and `load_homes` for a batch's locked orders and their buyers, with the
    rows of CASES the transaction has already locked and loaded with their lines (`loaded`:
    the batch's cancellations): one statement counts each table's rows of the orders and
    reads the buyers' homes, then one query per table that holds rows besides `loaded` (none
    for a batch of requests on orders without other cases). A statement of its own after the
    orders' lock, as in `load_order_cases`."""
    wanted, index = _hold_cases_of(session, order_ids)
    if not wanted:
        return
    homes: dict[int, tuple[str, str]] = session.info.setdefault(HOMES, {})
    counts: list[int] | None = None  # no buyer found: read every table
    rows = session.execute(_cases_and_homes(), {"orders": wanted, "buyers": sorted(set(buyer_ids))})
    for user_id, country, timezone, *per_table in rows:
        homes[user_id] = (country, timezone)
        counts = per_table
    for row in loaded:
        _index_case(session, row)
    for i, model in enumerate(CASES):
        held = sum(len(index[(model, order_id)]) for order_id in wanted)
        if counts is None or counts[i] > held:
            _load_table(session, model, wanted)
    _watch_cases(session)


@cache
def _cases_and_homes() -> Executable:
    """How many rows of the orders each table of CASES holds, on every row of the buyers'
    homes (the orders and the buyers are parameters)."""
    orders = bindparam("orders", type_=Integer, expanding=True)
    counts = [
        select(func.count())
        .select_from(model)
        .where(model.__table__.c.order_id.in_(orders))
        .scalar_subquery()
        .label(model.__tablename__)
        for model in CASES
    ]
    users = m.UserRow
    return select(users.id, users.country, users.timezone, *counts).where(
        users.id.in_(bindparam("buyers", expanding=True))
    )


def _load_table(session: Session, model: type[Base], order_ids: list[int]) -> None:
    """The rows of `model` (a table of CASES) of the orders `order_ids`, indexed; with their
    lines where they have some (every reader of a cancellation or a return reads them)."""
    stmt = select(model).where(model.__table__.c.order_id.in_(order_ids))
    if model is m.CancellationRow:
        stmt = stmt.options(selectinload(m.CancellationRow.lines))
    elif model is m.ReturnRow:
        stmt = stmt.options(selectinload(m.ReturnRow.lines))
    for row in session.scalars(stmt):
        _index_case(session, row)


def load_order_cases(session: Session, order_id: int, buyer_id: int) -> None:
    """`load_cases` and `load_homes` for one order this transaction has just locked, and its
    buyer: one statement asks which of CASES hold rows of the order and reads the buyer's
    home; then one query per table that does (none for an order without cases).

    It must run as a statement of its own after the lock: one that waited for the lock sees,
    in READ COMMITTED, what the writer it waited for committed (a subquery of the locking
    SELECT would not: it keeps the snapshot taken before the wait). Every writer of these
    rows locks the order first, so nothing changes them until this transaction ends."""
    index: dict[tuple[type[Base], int], list[Base]] = session.info.setdefault(HELD_CASES, {})
    homes: dict[int, tuple[str, str]] = session.info.setdefault(HOMES, {})
    models = [model for model in CASES if (model, order_id) not in index]
    if not models and buyer_id in homes:
        return
    stmt = _cases_and_home(tuple(models))
    # a plain statement (no ORM entity): on the connection, without the ORM's execution
    # machinery; the session's pending changes are written first, as its autoflush would
    if session.autoflush:
        session.flush()
    params = {"order_id": order_id, "buyer_id": buyer_id}
    row = session.connection().execute(stmt, params).one_or_none()
    if row is None:  # no such buyer: then only the cases, as load_cases would
        load_cases(session, [order_id])
        return
    *has_rows, country, timezone = row
    homes[buyer_id] = (country, timezone)
    for model, has in zip(models, has_rows, strict=True):
        index[(model, order_id)] = []
        if has:
            _load_table(session, model, [order_id])
    _watch_cases(session)


@lru_cache(maxsize=32)
def _cases_and_home(models: tuple[type[Base], ...]) -> Executable:
    """Which of `models` hold rows of the order, and the buyer's home: built once per set of
    tables (the order and the buyer are parameters), not per cancel."""
    order_id = bindparam("order_id", type_=Integer)
    found = [
        select(model.__table__.c.id)
        .where(model.__table__.c.order_id == order_id)
        .exists()
        .label(model.__tablename__)
        for model in models
    ]
    return select(*found, m.UserRow.country, m.UserRow.timezone).where(
        m.UserRow.id == bindparam("buyer_id")
    )


def forget_held(session: Session) -> None:
    """Drop what the session holds on this transaction's locks (its transaction ended, or
    its rows left the session): later reads query again."""
    for key in (LOCKED, HELD_CASES, NEW_CASES, HOMES):
        session.info.pop(key, None)
    forget_records(session)


def _watch_cases(session: Session) -> None:
    """From now on, rows of CASES the session adds are indexed: by order once written
    (`_index_case`), by table while not yet written (`_new_case`), so that `held_cases` finds
    them without going through every row the session is about to write (a batch of
    deadlines adds hundreds)."""
    if NEW_CASES not in session.info:
        new: dict[type[Base], dict[int, Base]] = {model: {} for model in CASES}
        session.info[NEW_CASES] = new
        for row in session.new:
            _new_case(session, row)


def _case_table(row: object) -> type[Base] | None:
    for model in CASES:
        if isinstance(row, model):
            return model
    return None


# The listeners below are every session's, registered once (listening per session cost more
# than the rest of the lock's bookkeeping); a session that watches no cases returns at once.


@event.listens_for(Session, "transient_to_pending")
def _new_case(session: Session, row: object) -> None:
    new = session.info.get(NEW_CASES)
    model = _case_table(row) if new is not None else None
    if model is not None:
        new[model][id(row)] = row  # type: ignore[index]


@event.listens_for(Session, "pending_to_transient")
def _not_new_case(session: Session, row: object) -> None:
    new = session.info.get(NEW_CASES)
    model = _case_table(row) if new is not None else None
    if model is not None:
        new[model].pop(id(row), None)  # type: ignore[index]


@event.listens_for(Session, "pending_to_persistent")
def _index_case(session: Session, row: object) -> None:
    """A case row the transaction wrote joins the held ones of its order."""
    _not_new_case(session, row)
    index = session.info.get(HELD_CASES)
    if index is None or not isinstance(row, CASES):
        return
    rows = index.get((type(row), row.order_id))  # type: ignore[attr-defined]
    if rows is not None and not any(held is row for held in rows):
        rows.append(row)


def held_cases(session: Session, model: type[Row], order_id: int) -> list[Row] | None:
    """The order's rows of `model` (a table of CASES) as this transaction sees them, when the
    session holds all of them (`load_cases`); None to query as usual."""
    index = session.info.get(HELD_CASES)
    rows = index.get((model, order_id)) if index else None
    if rows is None:
        return None
    watched: dict[type[Base], dict[int, Base]] | None = session.info.get(NEW_CASES)
    pending: Iterable[object] = watched[model].values() if watched is not None else session.new
    new = [row for row in pending if isinstance(row, model) and row.order_id == order_id]  # type: ignore[attr-defined]
    return [*rows, *(row for row in new if not any(held is row for held in rows))]


def load_homes(session: Session, user_ids: Iterable[int]) -> None:
    """The country and time zone of the users `user_ids` (SqlUsers.home), in one query."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return
    homes: dict[int, tuple[str, str]] = session.info.setdefault(HOMES, {})
    stmt = select(m.UserRow.id, m.UserRow.country, m.UserRow.timezone).where(
        m.UserRow.id.in_(wanted)
    )
    for user_id, country, timezone in session.execute(stmt):
        homes[user_id] = (country, timezone)


def held_home(session: Session, user_id: int) -> tuple[str, str] | None:
    homes = session.info.get(HOMES)
    return homes.get(user_id) if homes else None


def held_in_order(
    session: Session, model: type[Row], order_id: int, *columns: str
) -> list[Row] | None:
    """`held_cases` in the order of `columns` and then id, as a query ordering by them would
    return them; rows not yet written are flushed first, as a query would flush them."""
    rows = held_cases(session, model, order_id)
    if rows is None:
        return None
    if any(row.id is None for row in rows):  # type: ignore[attr-defined]
        session.flush()
        rows = held_cases(session, model, order_id) or []
    return sorted(rows, key=lambda row: (*(getattr(row, c) for c in columns), row.id))  # type: ignore[attr-defined]
