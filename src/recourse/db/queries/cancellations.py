"""Read side of cancellations: views for pages and the API, the seller inbox with its header
count and the inbox's order facts, store metrics (C4, C8, C11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, joinedload

from recourse.db import models as m
from recourse.db.queries.order_access import orders_they_see
from recourse.domain.cancellation import CANCELS_UNITS, CancellationStatus
from recourse.domain.roles import Actor


@dataclass(frozen=True, slots=True)
class CancellationView:
    id: int
    order_id: int
    store_id: int
    status: str
    initiator: str
    mode: str
    reason: str
    reason_label: str
    fault: str
    note: str | None
    whole_order: bool
    lines: list[dict[str, Any]]
    respond_by: datetime | None
    decided_at: datetime | None
    rejection_reason: str | None
    rejection_note: str | None
    carrier: str | None
    tracking_number: str | None
    refund_id: int | None
    created_at: datetime


def _view(
    row: m.CancellationRow, labels: dict[str, str], titles: dict[int, str]
) -> CancellationView:
    return CancellationView(
        id=row.id,
        order_id=row.order_id,
        store_id=row.store_id,
        status=row.status,
        initiator=row.initiator,
        mode=row.mode,
        reason=row.reason,
        reason_label=labels.get(row.reason, row.reason.replace("_", " ")),
        fault=row.fault,
        note=row.note,
        whole_order=row.whole_order,
        lines=[
            {"line_id": x.line_id, "title": titles.get(x.line_id, ""), "quantity": x.quantity}
            for x in row.lines
        ],
        respond_by=row.respond_by,
        decided_at=row.decided_at,
        rejection_reason=row.rejection_reason,
        rejection_note=row.rejection_note,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        refund_id=row.refund_id,
        created_at=row.created_at,
    )


def _labels(session: Session) -> dict[str, str]:
    rows = session.execute(select(m.CancellationReasonRow.code, m.CancellationReasonRow.label))
    return {code: label for code, label in rows}


def _titles(session: Session, order_ids: list[int]) -> dict[int, str]:
    if not order_ids:
        return {}
    rows = session.execute(
        select(m.OrderLineRow.id, m.OrderLineRow.title).where(
            m.OrderLineRow.order_id.in_(order_ids)
        )
    )
    return {line_id: title for line_id, title in rows}


def cancellation(session: Session, actor: Actor, cancellation_id: int) -> CancellationView | None:
    stmt = (
        select(m.CancellationRow)
        .join(m.OrderRow, m.OrderRow.id == m.CancellationRow.order_id)
        .where(m.CancellationRow.id == cancellation_id)
        .options(joinedload(m.CancellationRow.lines))
    )
    scope = orders_they_see(actor)
    if scope is not None:
        stmt = stmt.where(scope)
    row = session.scalars(stmt).unique().first()
    if row is None:
        return None
    return _view(row, _labels(session), _titles(session, [row.order_id]))


def cancellations_of_order(session: Session, order_id: int) -> list[CancellationView]:
    rows = list(
        session.scalars(
            select(m.CancellationRow)
            .where(m.CancellationRow.order_id == order_id)
            .order_by(m.CancellationRow.id)
        )
    )
    labels, titles = _labels(session), _titles(session, [order_id])
    return [_view(r, labels, titles) for r in rows]


def pending_requests(
    session: Session, store_ids: frozenset[int] | None, *, limit: int = 200
) -> list[CancellationView]:
    """The seller's inbox: requests waiting for an answer, soonest answer-by first."""
    stmt = (
        select(m.CancellationRow)
        .where(m.CancellationRow.status == str(CancellationStatus.pending_seller))
        .order_by(m.CancellationRow.respond_by, m.CancellationRow.id)
        .limit(limit)
    )
    if store_ids is not None:
        stmt = stmt.where(m.CancellationRow.store_id.in_(sorted(store_ids) or [-1]))
    rows = list(session.scalars(stmt))
    labels, titles = _labels(session), _titles(session, [r.order_id for r in rows])
    return [_view(r, labels, titles) for r in rows]


def pending_request_count(session: Session, store_ids: frozenset[int]) -> int:
    """Requests waiting for an answer across these stores: the number in the seller's header."""
    if not store_ids:
        return 0
    count = session.scalar(
        select(func.count())
        .select_from(m.CancellationRow)
        .where(
            m.CancellationRow.status == str(CancellationStatus.pending_seller),
            m.CancellationRow.store_id.in_(sorted(store_ids)),
        )
    )
    return int(count or 0)


@dataclass(frozen=True, slots=True)
class InboxOrder:
    order_id: int
    external_id: str | None
    buyer_name: str
    store_name: str
    currency: str


def inbox_orders(session: Session, order_ids: list[int]) -> dict[int, InboxOrder]:
    """Who bought and from which store, for each order a request in the inbox is about."""
    if not order_ids:
        return {}
    rows = session.execute(
        select(
            m.OrderRow.id,
            m.OrderRow.external_id,
            m.UserRow.name,
            m.StoreRow.name,
            m.OrderRow.currency,
        )
        .join(m.UserRow, m.UserRow.id == m.OrderRow.buyer_id)
        .join(m.StoreRow, m.StoreRow.id == m.OrderRow.store_id)
        .where(m.OrderRow.id.in_(sorted(set(order_ids))))
    )
    return {
        int(order_id): InboxOrder(int(order_id), external_id, str(buyer), str(store), currency)
        for order_id, external_id, buyer, store, currency in rows
    }


@dataclass(frozen=True, slots=True)
class StoreMetrics:
    store_id: int
    store_name: str
    paid_orders: int
    cancelled_orders: int
    seller_fault_cancellations: int
    pending_requests: int

    @property
    def cancellation_rate_percent(self) -> float | None:
        """For display only; counts stay integers."""
        if self.paid_orders == 0:
            return None
        return round(100 * self.cancelled_orders / self.paid_orders, 1)


def store_metrics(session: Session, store_ids: list[int] | None = None) -> list[StoreMetrics]:
    """C8: cancellation rate and seller-fault cancellations per store, over paid orders (an
    unpaid order that lapsed is no mark against the seller)."""
    effective = [str(s) for s in CANCELS_UNITS]
    paid = (
        select(m.OrderRow.store_id, func.count().label("n"))
        .where(m.OrderRow.captured_at.is_not(None))
        .group_by(m.OrderRow.store_id)
        .subquery()
    )
    cancelled = (
        select(
            m.CancellationRow.store_id,
            func.count(
                func.distinct(
                    case((m.CancellationRow.status.in_(effective), m.CancellationRow.order_id))
                )
            ).label("orders"),
            func.sum(
                case(
                    (
                        and_(
                            m.CancellationRow.status.in_(effective),
                            m.CancellationRow.fault == "seller",
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("seller_fault"),
            func.sum(
                case(
                    (m.CancellationRow.status == str(CancellationStatus.pending_seller), 1), else_=0
                )
            ).label("pending"),
        )
        .join(m.OrderRow, m.OrderRow.id == m.CancellationRow.order_id)
        .where(m.OrderRow.captured_at.is_not(None))
        .group_by(m.CancellationRow.store_id)
        .subquery()
    )
    stmt = (
        select(
            m.StoreRow.id,
            m.StoreRow.name,
            func.coalesce(paid.c.n, 0),
            func.coalesce(cancelled.c.orders, 0),
            func.coalesce(cancelled.c.seller_fault, 0),
            func.coalesce(cancelled.c.pending, 0),
        )
        .outerjoin(paid, paid.c.store_id == m.StoreRow.id)
        .outerjoin(cancelled, cancelled.c.store_id == m.StoreRow.id)
        .order_by(m.StoreRow.id)
    )
    if store_ids is not None:
        stmt = stmt.where(m.StoreRow.id.in_(store_ids or [-1]))
    return [
        StoreMetrics(int(a), str(b), int(c), int(d), int(e), int(f))
        for a, b, c, d, e, f in session.execute(stmt)
    ]
