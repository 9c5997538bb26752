"""Read side of the refund ledger: plain values for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload, selectinload

from recourse.db import models as m
from recourse.db.queries.order_access import orders_they_see
from recourse.domain.refund import cancellation_of
from recourse.domain.roles import Actor


@dataclass(frozen=True, slots=True)
class RefundView:
    id: int
    order_id: int
    buyer_id: int
    store_id: int
    status: str
    cause: str
    cancellation_id: int | None
    currency: str
    amount: int
    items: int
    tax: int
    shipping: int
    fees: int
    method: str
    reason: str | None
    note: str | None
    gateway: str
    gateway_reference: str | None
    trace_number: str | None
    attempts: int
    last_error: str | None
    needs_attention: bool
    expected_earliest: date
    expected_latest: date
    created_at: datetime
    sent_at: datetime | None
    succeeded_at: datetime | None
    failed_at: datetime | None
    lines: list[dict[str, Any]]


def _view(row: m.RefundRow, order: m.OrderRow) -> RefundView:
    return RefundView(
        id=row.id,
        order_id=row.order_id,
        buyer_id=order.buyer_id,
        store_id=order.store_id,
        status=row.status,
        cause=row.cause,
        cancellation_id=cancellation_of(row.cause_ref),
        currency=row.currency,
        amount=row.amount,
        items=row.items,
        tax=row.tax,
        shipping=row.shipping,
        fees=row.fees,
        method=row.method,
        reason=row.reason,
        note=row.note,
        gateway=row.gateway,
        gateway_reference=row.gateway_reference,
        trace_number=row.trace_number,
        attempts=row.attempts,
        last_error=row.last_error,
        needs_attention=row.needs_attention,
        expected_earliest=row.expected_earliest,
        expected_latest=row.expected_latest,
        created_at=row.created_at,
        sent_at=row.sent_at,
        succeeded_at=row.succeeded_at,
        failed_at=row.failed_at,
        lines=[
            {"line_id": x.line_id, "quantity": x.quantity, "items": x.items, "tax": x.tax}
            for x in row.lines
        ],
    )


def refund(session: Session, actor: Actor, refund_id: int) -> RefundView | None:
    stmt = (
        select(m.RefundRow, m.OrderRow)
        .options(lazyload(m.OrderRow.lines), selectinload(m.RefundRow.lines))
        .join(m.OrderRow, m.OrderRow.id == m.RefundRow.order_id)
        .where(m.RefundRow.id == refund_id)
    )
    scope = orders_they_see(actor)
    if scope is not None:
        stmt = stmt.where(scope)
    found = session.execute(stmt).first()
    return _view(found[0], found[1]) if found else None


def refunds_of_order(session: Session, order_id: int) -> list[RefundView]:
    """Every refund of an order, oldest first (the caller checked the order is visible)."""
    rows = session.execute(
        select(m.RefundRow, m.OrderRow)
        .options(lazyload(m.OrderRow.lines), selectinload(m.RefundRow.lines))
        .join(m.OrderRow, m.OrderRow.id == m.RefundRow.order_id)
        .where(m.RefundRow.order_id == order_id)
        .order_by(m.RefundRow.id)
    ).all()
    return [_view(r, o) for r, o in rows]


def refunds_of(
    session: Session, actor: Actor, *, cursor: int | None = None, limit: int = 20
) -> tuple[list[RefundView], int | None]:
    """A buyer's (or anyone's visible) refunds, newest first, keyset-paginated."""
    stmt = (
        select(m.RefundRow, m.OrderRow)
        .options(lazyload(m.OrderRow.lines), selectinload(m.RefundRow.lines))
        .join(m.OrderRow, m.OrderRow.id == m.RefundRow.order_id)
        .order_by(m.RefundRow.id.desc())
        .limit(limit + 1)
    )
    scope = orders_they_see(actor)
    if scope is not None:
        stmt = stmt.where(scope)
    if cursor is not None:
        stmt = stmt.where(m.RefundRow.id < cursor)
    rows = session.execute(stmt).all()
    views = [_view(r, o) for r, o in rows[:limit]]
    return views, (views[-1].id if len(rows) > limit else None)


@dataclass(frozen=True, slots=True)
class LedgerFilters:
    """Support's view of the whole ledger (F4): each filter left None lets everything in;
    `created_from`/`created_before` are instants (the page turns the agent's dates into them)."""

    status: str | None = None
    method: str | None = None
    cause: str | None = None
    needs_attention: bool | None = None
    store_id: int | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None


def ledger(
    session: Session, filters: LedgerFilters, *, cursor: int | None = None, limit: int = 25
) -> tuple[list[RefundView], int | None]:
    """Every refund of every order matching the filters, newest first, keyset-paginated on id
    (the next page's cursor, or None on the last page)."""
    f = filters
    r = m.RefundRow
    stmt = (
        select(r, m.OrderRow)
        .options(lazyload(m.OrderRow.lines), selectinload(r.lines))
        .join(m.OrderRow, m.OrderRow.id == r.order_id)
        .order_by(r.id.desc())
        .limit(limit + 1)
    )
    for column, value in ((r.status, f.status), (r.method, f.method), (r.cause, f.cause)):
        if value is not None:
            stmt = stmt.where(column == value)
    if f.needs_attention is not None:
        stmt = stmt.where(r.needs_attention.is_(f.needs_attention))
    if f.store_id is not None:
        stmt = stmt.where(m.OrderRow.store_id == f.store_id)
    if f.created_from is not None:
        stmt = stmt.where(r.created_at >= f.created_from)
    if f.created_before is not None:
        stmt = stmt.where(r.created_at < f.created_before)
    if cursor is not None:
        stmt = stmt.where(r.id < cursor)
    rows = session.execute(stmt).all()
    views = [_view(row, order) for row, order in rows[:limit]]
    return views, (views[-1].id if len(rows) > limit else None)


def count_needing_attention(session: Session) -> int:
    """How many refunds support must look at (read from the needs_attention index)."""
    stmt = (
        select(func.count()).select_from(m.RefundRow).where(m.RefundRow.needs_attention.is_(True))
    )
    return int(session.scalar(stmt) or 0)


def refunds_needing_attention(session: Session, limit: int = 100) -> list[RefundView]:
    """F3: refunds that failed or keep failing, for support."""
    rows = session.execute(
        select(m.RefundRow, m.OrderRow)
        .options(lazyload(m.OrderRow.lines), selectinload(m.RefundRow.lines))
        .join(m.OrderRow, m.OrderRow.id == m.RefundRow.order_id)
        .where(m.RefundRow.needs_attention.is_(True))
        .order_by(m.RefundRow.id)
        .limit(limit)
    ).all()
    return [_view(r, o) for r, o in rows]
