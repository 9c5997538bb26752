"""Read side for the cancellation pages: the sellers' header count, the inbox's order facts
and the platform windows the pages word (C4, C11)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.domain.cancellation import CancellationStatus
from recourse.domain.policy import PlatformPolicy


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


def platform_policy(session: Session) -> PlatformPolicy:
    """The operator's windows as they stand (the reminder window colours the countdown)."""
    rows = session.execute(select(m.PlatformSettingRow.key, m.PlatformSettingRow.value))
    return PlatformPolicy.from_overrides({str(k): int(v) for k, v in rows})
