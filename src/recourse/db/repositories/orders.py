"""Repository of orders: lines and their quantities, payment, deadlines, stored status."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from recourse.db import models as m
from recourse.db.models.orders import STATUS_COUNT_SLOTS, StoreStatusCountRow
from recourse.db.order_records import change, lock_order, record, record_row
from recourse.db.repositories.preload import held_cases, load_order_cases, locked_row
from recourse.db.repositories.writes import hold, note_order
from recourse.domain.disputes import UNSETTLED_STATUSES
from recourse.domain.order import (
    Deadlines,
    LineQuantities,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    PaymentStatus,
    order_totals,
)
from recourse.domain.returns import FINAL_STATUSES
from recourse.services.ports import NewOrder
from recourse.services.ports.orders import Settlement


def order_from_row(row: m.OrderRow) -> Order:
    return Order(
        id=row.id,
        buyer_id=row.buyer_id,
        store_id=row.store_id,
        currency=row.currency,
        country=row.country,
        shipping_fee=row.shipping_fee,
        payment=Payment(
            method=PaymentMethod(row.payment_method),
            status=PaymentStatus(row.payment_status),
            amount_captured=row.amount_captured,
            captured_at=row.captured_at,
            reference=row.payment_reference,
            review_started_at=row.review_started_at,
        ),
        lines=tuple(
            OrderLine(
                id=line.id,
                sku=line.sku,
                title=line.title,
                unit_price=line.unit_price,
                quantity=line.quantity,
                discount=line.discount,
                tax=line.tax,
                quantities=LineQuantities(
                    ordered=line.quantity,
                    cancelled=line.qty_cancelled,
                    shipped=line.qty_shipped,
                    delivered=line.qty_delivered,
                    returned=line.qty_returned,
                    refunded=line.qty_refunded,
                ),
            )
            for line in row.lines
        ),
        created_at=row.created_at,
        deadlines=Deadlines(
            pay_by=row.pay_by,
            review_until=row.review_until,
            ship_by=row.ship_by,
            protection_ends_at=row.protection_ends_at,
        ),
        first_shipped_at=row.first_shipped_at,
        receipt_confirmed_at=row.receipt_confirmed_at,
        policy_version_id=row.policy_version_id,
        external_id=row.external_id,
    )


@cache
def _count_upsert(dialect: str) -> Any:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, StoreStatusCountRow.__table__)
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=["store_id", "status", "slot"],
        set_={"count": table.c["count"] + stmt.excluded["count"]},
    )


def count_status_moves(
    session: Session, store_id: int, order_id: int, moves: Mapping[str, int]
) -> None:
    """Add `moves` ({stored status: +n/-n}) to the store's counts, in the caller's transaction.
    Whoever writes `orders.status` calls this with the same change. The rows go in status
    order, so two transactions lock a slot's rows in the same order (no deadlock)."""
    rows = [
        {"store_id": store_id, "status": status, "slot": order_id % STATUS_COUNT_SLOTS, "count": n}
        for status, n in sorted(moves.items())
        if n
    ]
    deferred = session.info.get(DEFERRED_COUNTS)
    if deferred is not None:
        for row in rows:
            key = (row["store_id"], row["status"], row["slot"])
            deferred[key] = deferred.get(key, 0) + row["count"]
        return
    if rows:
        session.connection().execute(_count_upsert(session.get_bind().dialect.name), rows)


DEFERRED_COUNTS = "deferred_status_counts"


def defer_status_counts(session: Session) -> None:
    """Until `write_deferred_counts`, the session's count moves add up in memory: a batch of
    deadlines writes them once, in one statement, when it commits."""
    session.info[DEFERRED_COUNTS] = {}


def deferred_counts(session: Session) -> dict[tuple[int, str, int], int] | None:
    return session.info.get(DEFERRED_COUNTS)


def write_deferred_counts(session: Session) -> None:
    """The moves added up since `defer_status_counts`, in (store, status, slot) order, so the
    rows are locked in the order every writer locks them."""
    deferred = session.info.pop(DEFERRED_COUNTS, None) or {}
    rows = [
        {"store_id": store_id, "status": status, "slot": slot, "count": n}
        for (store_id, status, slot), n in sorted(deferred.items())
        if n
    ]
    if rows:
        session.connection().execute(_count_upsert(session.get_bind().dialect.name), rows)


# The order with its lines, to read without a lock: built once, the order's id a parameter.
_ORDER_WITH_LINES = (
    select(m.OrderRow)
    .where(m.OrderRow.id == bindparam("order_id"))
    .options(joinedload(m.OrderRow.lines, innerjoin=True))
)


class SqlOrders:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, order: NewOrder) -> int:
        total = order_totals(order.currency, order.lines, order.shipping_fee).total.minor
        row = m.OrderRow(
            external_id=order.external_id,
            buyer_id=order.buyer_id,
            store_id=order.store_id,
            currency=order.currency,
            country=order.country,
            shipping_fee=order.shipping_fee,
            total=total,
            payment_method=str(order.payment.method),
            payment_status=str(order.payment.status),
            amount_captured=order.payment.amount_captured,
            pay_by=order.deadlines.pay_by,
            status="awaiting_payment",
            status_changed_at=order.created_at,
            created_at=order.created_at,
        )
        self.s.add(row)
        self.s.flush()
        note_order(self.s, row.id)
        count_status_moves(self.s, order.store_id, row.id, {row.status: 1})
        for position, line in enumerate(order.lines):
            self.s.add(
                m.OrderLineRow(
                    order_id=row.id,
                    position=position,
                    sku=line.sku,
                    title=line.title,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    discount=line.discount,
                    tax=line.tax,
                )
            )
        self.s.flush()
        return row.id

    def _row(self, order_id: int, for_update: bool, with_cases: bool = False) -> Any:
        """The order with its lines in one query: a mapped row, or the record of an order
        this transaction locked (db/order_records.py), which reads the same.

        Locking reads a record. FOR UPDATE locks the lines with the order (every order has
        lines, so the join is inner): a read that waited for another writer then sees that
        writer's lines, not the ones of its own snapshot. A batch of deadlines locked its
        orders as mapped rows already: those are used."""
        locked = locked_row(self.s, m.OrderRow, order_id) if for_update else None
        if locked is not None:
            hold(self.s, locked)
            note_order(self.s, order_id)
            if with_cases:
                load_order_cases(self.s, order_id, locked.buyer_id)
            return locked
        held = record(self.s, order_id)
        if for_update or held is not None:
            if held is None:
                held = lock_order(self.s, order_id)
                if held is None:
                    return None
                note_order(self.s, order_id)
            if with_cases:
                load_order_cases(self.s, order_id, held.order["buyer_id"])
            return held.view()
        found = self.s.scalars(_ORDER_WITH_LINES, {"order_id": order_id})
        row = found.unique().first()
        hold(self.s, row)
        return row

    def get(
        self, order_id: int, *, for_update: bool = False, with_cases: bool = False
    ) -> Order | None:
        """`with_cases` (with `for_update`): the transaction also holds the order's
        cancellations, refunds, returns and disputes, and its buyer's home, read once after the
        lock (db/repositories/preload.py); the repositories then answer from them."""
        row = self._row(order_id, for_update, with_cases)
        return order_from_row(row) if row else None

    def id_by_external_id(self, store_id: int, external_id: str) -> int | None:
        return self.s.scalar(
            select(m.OrderRow.id).where(
                m.OrderRow.store_id == store_id, m.OrderRow.external_id == external_id
            )
        )

    def save_quantities(self, order_id: int, changes: Mapping[int, LineQuantities]) -> None:
        """Set on the lines of the order's record, or of the mapped rows the session holds
        (it loaded them with the order); written together at the commit."""
        for line_id, qty in changes.items():
            held = record_row(self.s, m.OrderLineRow, line_id)
            if held is not None:
                if held["order_id"] != order_id:
                    raise LookupError(f"order {order_id} has no line {line_id}")
                change(self.s, m.OrderLineRow, line_id, _quantity_columns(qty))
                continue
            row = self.s.get(m.OrderLineRow, line_id)
            if row is None or row.order_id != order_id:
                raise LookupError(f"order {order_id} has no line {line_id}")
            for name, value in _quantity_columns(qty).items():
                setattr(row, name, value)

    def save_payment(
        self, order_id: int, payment: Payment, *, policy_version_id: int | None
    ) -> None:
        self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(
                payment_status=str(payment.status),
                amount_captured=payment.amount_captured,
                captured_at=payment.captured_at,
                payment_reference=payment.reference,
                review_started_at=payment.review_started_at,
                policy_version_id=policy_version_id,
            )
        )
        self.s.expire_all()

    def save_deadlines(self, order_id: int, deadlines: Deadlines) -> None:
        self.s.execute(
            update(m.OrderRow)
            .where(m.OrderRow.id == order_id)
            .values(
                pay_by=deadlines.pay_by,
                review_until=deadlines.review_until,
                ship_by=deadlines.ship_by,
                protection_ends_at=deadlines.protection_ends_at,
            )
        )
        self.s.expire_all()

    def set_first_shipped(self, order_id: int, at: datetime) -> None:
        self.s.execute(
            update(m.OrderRow).where(m.OrderRow.id == order_id).values(first_shipped_at=at)
        )
        self.s.expire_all()

    def set_status(self, order_id: int, status: str, at: datetime) -> None:
        held = record_row(self.s, m.OrderRow, order_id)
        if held is not None:
            if held["status"] != str(status):
                moves = {held["status"]: -1, str(status): 1}
                count_status_moves(self.s, held["store_id"], order_id, moves)
                change(
                    self.s, m.OrderRow, order_id, {"status": str(status), "status_changed_at": at}
                )
            return
        row = self.s.get(m.OrderRow, order_id)
        if row is not None and row.status != str(status):
            count_status_moves(self.s, row.store_id, order_id, {row.status: -1, str(status): 1})
            row.status = str(status)
            row.status_changed_at = at

    def stored_status(self, order_id: int) -> str | None:
        held = record_row(self.s, m.OrderRow, order_id)
        if held is not None:
            return cast(str, held["status"])
        row = self.s.get(m.OrderRow, order_id)
        return row.status if row else None

    def settlement(self, order_id: int) -> Settlement:
        return settlement_of(self.s, order_id)


def _quantity_columns(qty: LineQuantities) -> dict[str, int]:
    return {
        "qty_cancelled": qty.cancelled,
        "qty_shipped": qty.shipped,
        "qty_delivered": qty.delivered,
        "qty_returned": qty.returned,
        "qty_refunded": qty.refunded,
    }


def settlement_of(session: Session, order_id: int) -> Settlement:
    """What is still open on an order (§2 `closed`): requests awaiting the seller, refunds not
    yet succeeded, and whether it ever had either."""
    held = _held_settlement(session, order_id)
    if held is not None:
        cases, money, back, argued = held
    else:
        requests = session.execute(
            select(m.CancellationRow.status).where(
                m.CancellationRow.order_id == order_id, m.CancellationRow.mode == "request"
            )
        ).scalars()
        refunds = session.execute(
            select(m.RefundRow.status).where(m.RefundRow.order_id == order_id)
        ).scalars()
        returns = session.execute(
            select(m.ReturnRow.status).where(m.ReturnRow.order_id == order_id)
        ).scalars()
        disputes = session.execute(
            select(m.DisputeRow.status).where(m.DisputeRow.order_id == order_id)
        ).scalars()
        cases, money, back = list(requests), list(refunds), list(returns)
        argued = list(disputes)
    return Settlement(
        open_cases=sum(1 for status in cases if status == "pending_seller")
        + sum(1 for status in back if status not in CLOSED_RETURN)
        + sum(1 for status in argued if status in UNSETTLED_DISPUTE),
        unsettled_refunds=sum(1 for status in money if status != "succeeded"),
        had_cases_or_refunds=bool(cases or money or back or argued),
    )


def _held_settlement(
    session: Session, order_id: int
) -> tuple[list[str], list[str], list[str], list[str]] | None:
    """The statuses settlement_of reads, from the rows the session holds when it holds all of
    the order's (a batch of deadlines, db/repositories/preload.py)."""
    requests = held_cases(session, m.CancellationRow, order_id)
    refunds = held_cases(session, m.RefundRow, order_id)
    returns = held_cases(session, m.ReturnRow, order_id)
    disputes = held_cases(session, m.DisputeRow, order_id)
    if requests is None or refunds is None or returns is None or disputes is None:
        return None
    return (
        [row.status for row in requests if row.mode == "request"],
        [row.status for row in refunds],
        [row.status for row in returns],
        [row.status for row in disputes],
    )


# §4: a return no longer keeps its order open once it reached one of these.
CLOSED_RETURN = frozenset(str(s) for s in FINAL_STATUSES)
# §5: an open dispute, or a decided one whose appeal window runs, keeps its order open.
UNSETTLED_DISPUTE = frozenset(str(s) for s in UNSETTLED_STATUSES)
