"""§2: an order is `closed` once it is completed or cancelled and everything on it is settled —
no cancellation request waiting, every refund succeeded (a failed one keeps it open)."""

from __future__ import annotations

from datetime import timedelta

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.db.queries.orders import order_detail
from recourse.domain.roles import Actor, Role
from recourse.integrations.clock import FixedClock
from recourse.integrations.gateways.sandbox import SandboxGateway, SandboxSettings
from recourse.services import cancellations
from tests.factories import actor_of, make_order, make_store, make_user, pay
from tests.integration.support import stored_status


def test_cancelled_order_closes_once_its_refund_succeeds(
    container: Container, clock: FixedClock
) -> None:
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(settle_seconds=60))
    store = make_store(container, name="Volt", buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email="cy@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    clock.advance(timedelta(minutes=10))
    cancellations.cancel_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, buyer),
        order_id=order_id,
        reason="changed_mind",
    )
    assert stored_status(container, order_id) == "cancelled"  # the refund is still to be paid
    for _ in range(6):
        make_worker(container).run_once()
        clock.advance(timedelta(hours=1))
    make_worker(container).run_once()
    with container.read_session() as s:
        statuses = [r.status for r in s.query(m.RefundRow).filter_by(order_id=order_id)]
    assert statuses == ["succeeded"]
    assert stored_status(container, order_id) == "closed"
    with container.read_session() as s:
        detail = order_detail(s, Actor(Role.support), order_id, clock.now())
    assert detail is not None
    assert detail.status == "closed"


def test_unpaid_order_cancelled_at_once_had_nothing_to_settle_and_reads_cancelled(
    container: Container,
) -> None:
    store = make_store(container, name="Volt", buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email="dee@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    cancellations.cancel_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, buyer),
        order_id=order_id,
        reason="changed_mind",
    )
    assert stored_status(container, order_id) == "cancelled"


def test_a_declined_refund_keeps_the_cancelled_order_open_for_support(
    container: Container, clock: FixedClock
) -> None:
    sandbox = container.gateways["sandbox"]
    assert isinstance(sandbox, SandboxGateway)
    sandbox.configure(SandboxSettings(decline_always=True))
    store = make_store(container, name="Volt", buyer_cancel="instant")
    buyer = make_user(container, role=Role.buyer, email="eve@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    cancellations.cancel_order(
        container.uow(),
        container.ctx,
        actor=actor_of(container, buyer),
        order_id=order_id,
        reason="changed_mind",
    )
    for _ in range(4):
        make_worker(container).run_once()
        clock.advance(timedelta(hours=1))
    with container.read_session() as s:
        statuses = [r.status for r in s.query(m.RefundRow).filter_by(order_id=order_id)]
    assert statuses == ["failed"]
    assert stored_status(container, order_id) == "cancelled"


def test_protection_ending_closes_an_order_whose_refund_is_settled_never_just_completes(
    container: Container, clock: FixedClock
) -> None:
    """The worker's end of protection derives the status with the order's cases and refunds,
    so it never writes `completed` over what is settled (nor leaves it unclosed)."""
    from recourse.domain.shipment import CarrierEvent
    from recourse.services import refunds
    from tests.factories import carrier_event, get_order, ship_all

    store = make_store(container, name="Volt")
    buyer = make_user(container, role=Role.buyer, email="fay@example.com")
    order_id = make_order(container, buyer_id=buyer, store_id=store)
    pay(container, order_id)
    carrier_event(container, ship_all(container, order_id), CarrierEvent.delivered)
    support = actor_of(container, make_user(container, role=Role.support))
    refunds.issue_manual_refund(
        container.uow(),
        container.ctx,
        actor=support,
        order_id=order_id,
        amount=100,
        reason="goodwill",
        gateway="sandbox",
    )
    for _ in range(4):
        make_worker(container).run_once()
        clock.advance(timedelta(hours=1))
    assert stored_status(container, order_id) == "delivered"
    ends = get_order(container, order_id).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends + timedelta(minutes=1))
    make_worker(container).run_once()
    assert stored_status(container, order_id) == "closed"
