"""§10: a passed deadline decides every action and every read, whether or not the worker ran.
The worker's later firing of the same deadline changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from recourse.bootstrap import make_worker
from recourse.container import Container
from recourse.db import models as m
from recourse.domain.cancellation import CancellationStatus
from recourse.domain.errors import RuleConflict
from recourse.domain.roles import Role
from recourse.domain.shipment import ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.services import cancellations, shipping
from recourse.services.ports.cancellations import Cancellation
from recourse.services.settle import settle_due
from tests.factories import actor_of, get_order, make_order, make_store, make_user, pay

SELLER = "sam@example.com"
BUYER = "ann@example.com"


@pytest.fixture
def people(container: Container) -> dict:
    store = make_store(container, name="Maison Lune", buyer_cancel="approval")
    buyer = make_user(container, role=Role.buyer, email=BUYER)
    seller = make_user(container, role=Role.seller, email=SELLER, store_ids=[store])
    return {
        "store": store,
        "buyer_id": buyer,
        "buyer": actor_of(container, buyer),
        "seller": actor_of(container, seller),
    }


def _refunds(c: Container, order_id: int) -> list[int]:
    with c.read_session() as s:
        return list(s.scalars(select(m.RefundRow.amount).where(m.RefundRow.order_id == order_id)))


def _cancellations(c: Container, order_id: int) -> int:
    with c.read_session() as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(m.CancellationRow)
                .where(m.CancellationRow.order_id == order_id)
            )
            or 0
        )


def _mail(c: Container, to: str) -> list[str]:
    assert c.mailbox is not None
    return sorted(x["template"] for x in c.mailbox.list(to=to))


def _requested(c: Container, people: dict, clock: FixedClock) -> tuple[int, Cancellation]:
    order_id = make_order(c, buyer_id=people["buyer_id"], store_id=people["store"])
    pay(c, order_id)
    clock.advance(timedelta(hours=2))
    request = cancellations.cancel_order(
        c.uow(), c.ctx, actor=people["buyer"], order_id=order_id, reason="changed_mind"
    )
    assert isinstance(request, Cancellation)
    assert request.status is CancellationStatus.pending_seller
    make_worker(c).run_once()  # the request is announced; then the worker goes down
    return order_id, request


def _status(c: Container, cancellation_id: int) -> CancellationStatus:
    with c.uow() as uow:
        found = uow.cancellations.get(cancellation_id)
    assert found is not None
    return found.status


def test_a_late_reject_meets_the_request_silence_approved_and_names_respond_by(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id, request = _requested(container, people, clock)
    assert request.respond_by is not None
    clock.set(request.respond_by + timedelta(minutes=5))  # the worker was down

    with pytest.raises(RuleConflict) as refused:
        cancellations.reject_cancellation(
            container.uow(),
            container.ctx,
            actor=people["seller"],
            cancellation_id=request.id,
            reason="made_to_order",
        )

    assert refused.value.code == "respond_by_passed"
    assert refused.value.facts["respond_by"] == request.respond_by.isoformat()
    assert _status(container, request.id) is CancellationStatus.auto_approved
    captured = get_order(container, order_id).payment.amount_captured
    assert _refunds(container, order_id) == [captured]


def test_a_late_approve_and_withdraw_name_respond_by_too(
    container: Container, people: dict, clock: FixedClock
) -> None:
    _, request = _requested(container, people, clock)
    assert request.respond_by is not None
    clock.set(request.respond_by)

    for answer, actor in (
        (cancellations.approve_cancellation, people["seller"]),
        (cancellations.withdraw_cancellation, people["buyer"]),
    ):
        with pytest.raises(RuleConflict) as refused:
            answer(container.uow(), container.ctx, actor=actor, cancellation_id=request.id)
        assert refused.value.code == "respond_by_passed"


def test_settling_then_the_worker_catching_up_refunds_and_mails_once(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id, request = _requested(container, people, clock)
    assert request.respond_by is not None
    clock.set(request.respond_by + timedelta(hours=1))

    assert settle_due(container.uow(), container.ctx, order_id=order_id) is True
    assert settle_due(container.uow(), container.ctx, order_id=order_id) is False
    make_worker(container).run_once()
    make_worker(container).run_once()

    assert _status(container, request.id) is CancellationStatus.auto_approved
    assert len(_refunds(container, order_id)) == 1
    assert _cancellations(container, order_id) == 1
    assert _mail(container, BUYER).count("cancellation_completed") == 1
    assert _mail(container, SELLER).count("cancellation_seller_notice") == 1


def test_shipping_an_order_past_its_overdue_autocancel_time_is_refused(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["store"])
    order = pay(container, order_id)
    assert order.deadlines.ship_by is not None
    clock.set(order.deadlines.ship_by + timedelta(days=3))  # the worker was down

    with pytest.raises(RuleConflict) as refused:
        shipping.ship_order(
            container.uow(),
            container.ctx,
            actor=people["seller"],
            order_id=order_id,
            lines=[ShipmentLine(line.id, line.qty.ordered) for line in order.lines],
            carrier="DHL",
            tracking_number="JJD000123",
        )

    assert refused.value.code == "overdue_autocancelled"
    assert refused.value.facts["ship_by"] == order.deadlines.ship_by.isoformat()
    assert _refunds(container, order_id) == [order.payment.amount_captured]
    make_worker(container).run_once()
    assert len(_refunds(container, order_id)) == 1
    assert _cancellations(container, order_id) == 1
    assert _mail(container, BUYER).count("cancellation_completed") == 1


def test_the_cancel_quote_of_an_overdue_order_shows_it_already_cancelled_itself(
    container: Container, people: dict, clock: FixedClock
) -> None:
    order_id = make_order(container, buyer_id=people["buyer_id"], store_id=people["store"])
    order = pay(container, order_id)
    assert order.deadlines.ship_by is not None
    clock.set(order.deadlines.ship_by + timedelta(days=3))  # the worker was down

    preview = cancellations.preview_cancellation(
        container.uow(), container.ctx, actor=people["buyer"], order_id=order_id
    )

    assert preview.eligibility.allowed is False
    assert preview.quote is None
    assert _refunds(container, order_id) == [order.payment.amount_captured]
