"""What the clock changed since the rows were written (§10): the status an order stands in now
when its stored copy is older than a deadline that passed (lists filter and count on it), and
which orders have a passed deadline whose consequence may not be written yet (reads settle
them first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.domain.disputes import DisputeStatus
from recourse.domain.order import OrderStatus

# §5: the dispute statuses whose deadline decides something when it passes (dispute_due_now).
DEADLINE_DECIDES = (DisputeStatus.awaiting_seller, DisputeStatus.negotiating, DisputeStatus.decided)


MOVES_INTO = {"completed": ("shipped", "delivered"), "cancelled": ("awaiting_payment",)}


def effective_status_expr(now: datetime) -> Any:
    return case(
        (
            and_(
                m.OrderRow.status.in_(("shipped", "delivered")),
                m.OrderRow.protection_ends_at.is_not(None),
                m.OrderRow.protection_ends_at <= now,
            ),
            "completed",
        ),
        (
            and_(
                m.OrderRow.status == "awaiting_payment",
                m.OrderRow.pay_by.is_not(None),
                m.OrderRow.pay_by <= now,
            ),
            "cancelled",
        ),
        else_=m.OrderRow.status,
    )


def effective_status_filter(statuses: tuple[str, ...], now: datetime) -> Any:
    """The orders whose effective status is one of `statuses` (what `effective_status_expr`
    says), written as conditions on the stored status the planner can estimate: a status the
    clock never moves is a plain `status IN`, so one such tab walks the (owner, status, id)
    index newest first and stops after a page. (A CASE over every row was estimated at 0.5 %
    of the rows: PostgreSQL then fetched all the store's matching orders and sorted them.)"""
    o = m.OrderRow
    moving = {moved for froms in MOVES_INTO.values() for moved in froms}
    still = {
        "shipped": or_(o.protection_ends_at.is_(None), o.protection_ends_at > now),
        "delivered": or_(o.protection_ends_at.is_(None), o.protection_ends_at > now),
        "awaiting_payment": or_(o.pay_by.is_(None), o.pay_by > now),
    }
    moved = {
        "completed": o.protection_ends_at <= now,
        "cancelled": o.pay_by <= now,
    }
    conditions: list[Any] = []
    stable = sorted(s for s in statuses if s not in moving)
    if stable:
        conditions.append(o.status.in_(stable))
    for status in sorted(set(statuses) & moving):
        conditions.append(and_(o.status == status, still[status]))
    for status in sorted(set(statuses) & set(moved)):
        conditions.append(and_(o.status.in_(MOVES_INTO[status]), moved[status]))
    return or_(*conditions)


def effective_status(
    stored: str, protection_ends_at: datetime | None, pay_by: datetime | None, now: datetime
) -> str:
    if stored in ("shipped", "delivered") and protection_ends_at and protection_ends_at <= now:
        return "completed"
    if stored == "awaiting_payment" and pay_by and pay_by <= now:
        return "cancelled"
    return stored


def past_a_deadline(session: Session, order_ids: list[int], now: datetime) -> list[int]:
    """§10: of these orders, those with a stored deadline past whose consequence may not be
    written yet (a cheap superset: settling asks the domain for each)."""
    if not order_ids:
        return []
    o = m.OrderRow
    unanswered = select(m.CancellationRow.order_id).where(
        m.CancellationRow.order_id.in_(order_ids),
        m.CancellationRow.status == "pending_seller",
        m.CancellationRow.respond_by <= now,
    )
    disputes_due = select(m.DisputeRow.order_id).where(
        m.DisputeRow.order_id.in_(order_ids),
        m.DisputeRow.status.in_([str(s) for s in DEADLINE_DECIDES]),
        m.DisputeRow.due_at <= now,
    )
    stmt = select(o.id).where(
        o.id.in_(order_ids),
        (
            and_(o.status == OrderStatus.awaiting_payment, o.pay_by <= now)
            | and_(o.status == OrderStatus.awaiting_shipment, o.ship_by <= now)
            | and_(
                o.status.in_((OrderStatus.shipped, OrderStatus.delivered)),
                o.protection_ends_at <= now,
            )
            | o.id.in_(unanswered)
            | o.id.in_(select(m.ReturnRow.order_id).where(m.ReturnRow.due_at <= now))  # §4
            | o.id.in_(disputes_due)  # §5: support's SLA decides nothing, the others do
        ),
    )
    return sorted(session.scalars(stmt))
