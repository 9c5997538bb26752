"""`recourse demo` on a fixed morning after a long weekend: everything it made happened before
now, and the worker has caught up with every deadline that fell due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recourse import demo_data
from recourse.bootstrap import build
from recourse.config import Settings
from recourse.db import outbox
from recourse.db.queries import orders as order_queries
from recourse.domain.order import OrderStatus
from recourse.domain.policy import PlatformPolicy
from recourse.integrations.clock import FixedClock
from tests.integration.demo_support import SUPPORT, all_orders, seed, statuses_of

pytestmark = pytest.mark.slow

# After a long weekend, so the overdue orders' ship-by dates have to reach back past holidays.
EASTER_MONDAY = datetime(2026, 4, 6, 6, 30, tzinfo=UTC)


def test_demo_history_lies_in_the_past_and_the_worker_has_caught_up(settings: Settings) -> None:
    now = EASTER_MONDAY
    container = build(settings, clock=FixedClock(now), fast_hashing=True)
    try:
        seed(container)
        per_status = statuses_of(container, SUPPORT)
        summaries = all_orders(container)
        with container.read_session() as session:
            details = [order_queries.order_detail(session, SUPPORT, o.id, now) for o in summaries]
        pending = outbox.pending_count(container.engine, now)
        dead = outbox.dead_letters(container.engine)
        assert container.mailbox is not None
        mail = {m["template"] for m in container.mailbox.list(limit=1000)}
    finally:
        container.dispose()
    moments = [e.at for d in details if d for e in d.timeline] + [
        event["at"] for d in details if d for s in d.shipments for event in s.events
    ]
    actions = {
        status: {e.action for d in details if d and d.status == status for e in d.timeline}
        for status in (OrderStatus.completed, OrderStatus.cancelled)
    }
    overdue = [o for o in summaries if o.status == "awaiting_shipment" and (o.ship_by or now) < now]
    # Each automatic step is dated at its deadline: protection's end, the payment window (or
    # the failure of a payment reviewed past it), or C4's grace after an unmet ship-by.
    autocancel = timedelta(days=PlatformPolicy().overdue_autocancel_days)
    fired = [
        (
            e.at,
            d.order.deadlines.protection_ends_at
            or (
                d.order.deadlines.ship_by + autocancel
                if e.reason == "seller_overdue" and d.order.deadlines.ship_by
                else max(
                    [d.order.deadlines.pay_by or now]
                    + [x.at for x in d.timeline if x.action == "payment.failed"]
                )
            ),
        )
        for d in details
        if d
        for e in d.timeline
        if e.action == "order.completed" or e.reason in ("payment_window_expired", "seller_overdue")
    ]

    assert all(count > 0 for count in per_status.values()), per_status
    assert max(moments) <= now
    assert now - timedelta(days=91) <= min(o.created_at for o in summaries)
    assert min(o.created_at for o in summaries) <= now - timedelta(days=60)
    assert "order.completed" in actions[OrderStatus.completed]
    assert "order.cancelled" in actions[OrderStatus.cancelled]
    assert overdue
    assert [(at, due) for at, due in fired if not due <= at <= due + demo_data.WORKER_CADENCE] == []
    assert pending == 0
    assert dead == []
    assert {"order_shipped", "order_delivered", "cancellation_completed"} <= mail
