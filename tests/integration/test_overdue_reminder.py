"""M2/C4: the seller is reminded `remind_before_hours` before the overdue auto-cancel decides
against them, and not when they have shipped by then."""

from __future__ import annotations

from datetime import timedelta

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.domain.roles import Role
from recourse.integrations.clock import FixedClock
from tests.factories import make_order, make_store, make_user, pay, ship_all


def _mail(c: Container, to: str) -> list[str]:
    assert c.mailbox is not None
    return [x["template"] for x in c.mailbox.list(to=to)]


def _overdue_order(c: Container, seller_email: str) -> tuple[int, object]:
    store = make_store(c, name="Slowpoke", buyer_cancel="approval")
    make_user(c, role=Role.seller, email=seller_email, store_ids=[store])
    buyer = make_user(c, role=Role.buyer)
    order_id = make_order(c, buyer_id=buyer, store_id=store)
    order = pay(c, order_id)
    with c.uow() as uow:
        platform = uow.platform.policy()
    assert order.deadlines.ship_by is not None
    at = order.deadlines.ship_by + timedelta(days=platform.overdue_autocancel_days)
    return order_id, at - timedelta(hours=platform.remind_before_hours) + timedelta(minutes=1)


def test_seller_is_reminded_before_the_overdue_auto_cancel(
    container: Container, clock: FixedClock
) -> None:
    _, remind_at = _overdue_order(container, "slow@example.com")
    clock.set(remind_at)  # type: ignore[arg-type]
    make_worker(container).run_once()
    assert _mail(container, "slow@example.com").count("overdue_reminder") == 1


def test_no_reminder_once_the_seller_has_shipped(container: Container, clock: FixedClock) -> None:
    order_id, remind_at = _overdue_order(container, "quick@example.com")
    ship_all(container, order_id)
    clock.set(remind_at)  # type: ignore[arg-type]
    make_worker(container).run_once()
    assert "overdue_reminder" not in _mail(container, "quick@example.com")
