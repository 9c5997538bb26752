"""Read side of orders: lists with tabs and counts, one order in full, line summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.models.orders import StoreStatusCountRow
from recourse.db.queries.due import MOVES_INTO, effective_status, effective_status_filter
from recourse.db.queries.order_access import orders_they_see
from recourse.db.queries.timeline import TimelineView
from recourse.db.repositories.orders import order_from_row, settlement_of
from recourse.db.repositories.stores import policy_from_row
from recourse.domain.order import Order, OrderStatus, derive_status, order_totals
from recourse.domain.policy import PolicyVersion, policy_in_force
from recourse.domain.roles import Actor, Role, can_see_order

# "My orders" tabs (§2 statuses as a buyer groups them).
TABS: dict[str, tuple[str, ...]] = {
    "all": (),
    "to_pay": ("awaiting_payment", "payment_review"),
    "to_ship": ("awaiting_shipment",),
    "shipped": ("shipped",),
    "delivered": ("delivered",),
    "completed": ("completed",),
    "cancelled": ("cancelled",),
}


@dataclass(frozen=True, slots=True)
class OrderSummary:
    id: int
    external_id: str | None
    buyer_id: int
    buyer_name: str
    store_id: int
    store_name: str
    currency: str
    total: int
    status: str
    created_at: datetime
    item_count: int
    first_title: str
    ship_by: datetime | None


@dataclass(frozen=True, slots=True)
class OrderPage:
    items: list[OrderSummary]
    next_cursor: int | None


@dataclass(frozen=True, slots=True)
class ShipmentView:
    id: int
    carrier: str
    tracking_number: str
    status: str
    shipped_at: datetime
    lines: list[dict[str, Any]]
    events: list[dict[str, Any]]
    direction: str = "outbound"  # or "return": a buyer's parcel back (R3)
    return_id: int | None = None  # the return it carries (R3, or S1/S2 coming back)


@dataclass(frozen=True, slots=True)
class OrderSearch:
    """What support's search box found: a buyer (their email) or orders (a number or a
    marketplace reference); an empty search finds nothing to narrow by."""

    buyer_id: int | None = None
    order_ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class OrderDetail:
    order: Order
    status: OrderStatus
    buyer: dict[str, Any]
    store: dict[str, Any]
    policy: PolicyVersion
    shipments: list[ShipmentView]
    timeline: list[TimelineView]
    totals: Any = field(default=None)


# Statuses move with the clock between writes (§10): protection ends, payment windows close.
# Reads correct the stored copy so they never show an expired state as current.
def list_orders(
    session: Session,
    actor: Actor,
    now: datetime,
    *,
    tab: str = "all",
    statuses: tuple[str, ...] = (),
    store_id: int | None = None,
    buyer_id: int | None = None,
    order_ids: tuple[int, ...] | None = None,
    cursor: int | None = None,
    limit: int = 20,
) -> OrderPage:
    """Newest first, keyset-paginated on id so a deep page costs what the first one does."""
    stmt = (
        select(
            m.OrderRow.id,
            m.OrderRow.external_id,
            m.OrderRow.buyer_id,
            m.UserRow.name,
            m.OrderRow.store_id,
            m.StoreRow.name,
            m.OrderRow.currency,
            m.OrderRow.total,
            m.OrderRow.status,
            m.OrderRow.created_at,
            m.OrderRow.protection_ends_at,
            m.OrderRow.ship_by,
            m.OrderRow.pay_by,
        )
        .join(m.UserRow, m.UserRow.id == m.OrderRow.buyer_id)
        .join(m.StoreRow, m.StoreRow.id == m.OrderRow.store_id)
        .order_by(m.OrderRow.id.desc())
        .limit(limit + 1)
    )
    scope = orders_they_see(actor)
    if scope is not None:
        stmt = stmt.where(scope)
    wanted = statuses or TABS.get(tab, ())
    if wanted:
        stmt = stmt.where(effective_status_filter(wanted, now))
    if store_id is not None:
        stmt = stmt.where(m.OrderRow.store_id == store_id)
    if buyer_id is not None:
        stmt = stmt.where(m.OrderRow.buyer_id == buyer_id)
    if order_ids is not None:
        stmt = stmt.where(m.OrderRow.id.in_(order_ids or (-1,)))
    if cursor is not None:
        stmt = stmt.where(m.OrderRow.id < cursor)
    rows = session.execute(stmt).all()
    page = rows[:limit]
    ids = [r[0] for r in page]
    lines: dict[int, tuple[int, str]] = {}
    if ids:
        for order_id, count, title in session.execute(
            select(
                m.OrderLineRow.order_id,
                func.sum(m.OrderLineRow.quantity),
                func.min(m.OrderLineRow.title),
            )
            .where(m.OrderLineRow.order_id.in_(ids))
            .group_by(m.OrderLineRow.order_id)
        ):
            lines[order_id] = (int(count), title)
    items = [
        OrderSummary(
            id=r[0],
            external_id=r[1],
            buyer_id=r[2],
            buyer_name=r[3],
            store_id=r[4],
            store_name=r[5],
            currency=r[6],
            total=r[7],
            status=effective_status(r[8], r[10], r[12], now),
            created_at=r[9],
            item_count=lines.get(r[0], (0, ""))[0],
            first_title=lines.get(r[0], (0, ""))[1],
            ship_by=r[11],
        )
        for r in page
    ]
    return OrderPage(items=items, next_cursor=page[-1][0] if len(rows) > limit else None)


def tab_counts(
    session: Session,
    actor: Actor,
    now: datetime,
    *,
    store_id: int | None = None,
    order_ids: tuple[int, ...] | None = None,
) -> dict[str, int]:
    """Counts per tab, for the tab labels: one statement. A buyer's (and a search's) stored
    statuses are counted on the (owner, status, id) index; a store's come from the counts the
    writes keep per store and stored status (`store_status_counts`), a few rows whatever the
    store's size. The few orders the clock has moved on before the worker wrote it
    (protection ended, payment window closed) come from partial indexes and are moved to
    their effective status. Reading every order's row instead was linear in the buyer's
    history (15 ms for 10,000 orders)."""
    where = []
    scope = orders_they_see(actor)
    if scope is not None:
        where.append(scope)
    if store_id is not None:
        where.append(m.OrderRow.store_id == store_id)
    if order_ids is not None:
        where.append(m.OrderRow.id.in_(order_ids or (-1,)))
    kept = StoreStatusCountRow
    if actor.role is not Role.buyer and order_ids is None:
        # A store's or the whole marketplace's orders: the counts the writes keep per store
        # and stored status (a seller's store may hold half a million orders).
        by_store: list[Any] = []
        if actor.role is Role.seller:
            by_store.append(kept.store_id.in_(sorted(actor.store_ids) or [-1]))
        if store_id is not None:
            by_store.append(kept.store_id == store_id)
        stored = (
            select(kept.status, literal(None, String).label("moved_to"), func.sum(kept.count))
            .where(*by_store)
            .group_by(kept.status)
        )
    else:
        stored = (
            select(m.OrderRow.status, literal(None, String).label("moved_to"), func.count())
            .where(*where)
            .group_by(m.OrderRow.status)
        )
    parts = [stored]
    for moved_to, column in (
        ("completed", m.OrderRow.protection_ends_at),
        ("cancelled", m.OrderRow.pay_by),
    ):
        parts.append(
            select(m.OrderRow.status, literal(moved_to, String).label("moved_to"), func.count())
            .where(*where, m.OrderRow.status.in_(MOVES_INTO[moved_to]), column <= now)
            .group_by(m.OrderRow.status)
        )
    by_status: dict[str, int] = {}
    for status, moved_to, count in session.execute(union_all(*parts)):
        if moved_to is None:
            by_status[status] = by_status.get(status, 0) + int(count)
        else:  # these were counted under their stored status above
            by_status[status] = by_status.get(status, 0) - int(count)
            by_status[moved_to] = by_status.get(moved_to, 0) + int(count)
    counts = {"all": sum(by_status.values())}
    for tab, statuses in TABS.items():
        if statuses:
            counts[tab] = sum(by_status.get(s, 0) for s in statuses)
    return counts


def search_orders(session: Session, text: str) -> OrderSearch:
    """Support's one search box, exact matches only: an email finds that buyer (emails are
    stored in lower case); anything else is an order number (with or without '#') or a
    marketplace reference (`external_id`, in any store)."""
    query = text.strip()
    if not query:
        return OrderSearch()
    if "@" in query:
        buyer = session.scalar(select(m.UserRow.id).where(m.UserRow.email == query.lower()))
        return OrderSearch(buyer_id=buyer) if buyer is not None else OrderSearch(order_ids=())
    matches = m.OrderRow.external_id == query
    number = query.removeprefix("#")
    if number.isascii() and number.isdigit() and len(number) < 19:  # fits a bigint
        matches = or_(matches, m.OrderRow.id == int(number))
    return OrderSearch(order_ids=tuple(session.scalars(select(m.OrderRow.id).where(matches))))


def order_detail(
    session: Session, actor: Actor, order_id: int, now: datetime
) -> OrderDetail | None:
    """Everything the order page and GET /orders/{id} show; None if not the actor's to see."""
    row = session.get(m.OrderRow, order_id)
    if row is None or not can_see_order(actor, buyer_id=row.buyer_id, store_id=row.store_id):
        return None
    order = order_from_row(row)
    buyer = session.get(m.UserRow, row.buyer_id)
    store = session.get(m.StoreRow, row.store_id)
    assert buyer is not None and store is not None
    if row.policy_version_id is not None:
        policy_row = session.get(m.StorePolicyRow, row.policy_version_id)
        assert policy_row is not None
        policy = policy_from_row(policy_row)
    else:
        versions = [
            policy_from_row(p)
            for p in session.scalars(
                select(m.StorePolicyRow).where(m.StorePolicyRow.store_id == row.store_id)
            )
        ]
        policy = policy_in_force(versions, now)
    shipments = []
    for s in session.scalars(
        select(m.ShipmentRow).where(m.ShipmentRow.order_id == order_id).order_by(m.ShipmentRow.id)
    ):
        events = session.scalars(
            select(m.ShipmentEventRow)
            .where(m.ShipmentEventRow.shipment_id == s.id)
            .order_by(m.ShipmentEventRow.happened_at, m.ShipmentEventRow.id)
        )
        titles = {line.id: line.title for line in order.lines}
        shipments.append(
            ShipmentView(
                id=s.id,
                carrier=s.carrier,
                tracking_number=s.tracking_number,
                status=s.status,
                shipped_at=s.shipped_at,
                lines=[
                    {
                        "line_id": x.line_id,
                        "title": titles.get(x.line_id, ""),
                        "quantity": x.quantity,
                    }
                    for x in s.lines
                ],
                events=[{"type": e.type, "at": e.happened_at} for e in events],
                direction=s.direction,
                return_id=s.return_id,
            )
        )
    tl = select(m.TimelineRow).where(m.TimelineRow.order_id == order_id)
    if actor.role is Role.buyer:
        tl = tl.where(m.TimelineRow.visible_to_buyer.is_(True))
    elif actor.role is Role.seller:
        tl = tl.where(m.TimelineRow.visible_to_seller.is_(True))
    timeline = [
        TimelineView(
            at=t.at,
            actor_role=t.actor_role,
            actor_id=t.actor_id,
            action=t.action,
            from_state=t.from_state,
            to_state=t.to_state,
            reason=t.reason,
            note=t.note,
            data=t.data,
        )
        for t in session.scalars(tl.order_by(m.TimelineRow.at, m.TimelineRow.id))
    ]
    return OrderDetail(
        order=order,
        status=_status(session, order, now),
        buyer={"id": buyer.id, "name": buyer.name, "email": buyer.email, "country": buyer.country},
        store={"id": store.id, "name": store.name, "country": store.country},
        policy=policy,
        shipments=shipments,
        timeline=timeline,
        totals=order_totals(order.currency, order.lines, order.shipping_fee),
    )


def _status(session: Session, order: Order, now: datetime) -> OrderStatus:
    settlement = settlement_of(session, order.id)
    return derive_status(
        order,
        now,
        open_cases=settlement.open_cases,
        unsettled_refunds=settlement.unsettled_refunds,
        had_cases_or_refunds=settlement.had_cases_or_refunds,
    )


def shipment_order_id(session: Session, shipment_id: int) -> int | None:
    return session.scalar(select(m.ShipmentRow.order_id).where(m.ShipmentRow.id == shipment_id))


@dataclass(frozen=True, slots=True)
class LineSummary:
    first_title: str
    line_count: int
    unit_count: int


def line_summaries(session: Session, order_ids: list[int]) -> dict[int, LineSummary]:
    """Per order: the first line's title (by position), how many lines and units it has."""
    if not order_ids:
        return {}
    found: dict[int, tuple[str, int, int]] = {}
    for order_id, title, quantity in session.execute(
        select(m.OrderLineRow.order_id, m.OrderLineRow.title, m.OrderLineRow.quantity)
        .where(m.OrderLineRow.order_id.in_(order_ids))
        .order_by(m.OrderLineRow.order_id, m.OrderLineRow.position, m.OrderLineRow.id)
    ):
        first, lines, units = found.get(order_id, (title, 0, 0))
        found[order_id] = (first, lines + 1, units + int(quantity))
    return {k: LineSummary(first, lines, units) for k, (first, lines, units) in found.items()}
