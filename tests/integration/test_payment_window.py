"""C2: an order still unpaid when its payment window closes cancels itself and tells the buyer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recourse.container import Container
from recourse.domain.errors import RuleConflict
from recourse.domain.order import NewLine, PaymentStatus
from recourse.integrations.clock import FixedClock
from recourse.services import deadlines, orders
from tests.factories import get_order, make_order, pay
from tests.integration.support import (
    OPERATOR,
    Parties,
    run_worker,
    sent,
    stored_status,
    timeline_of,
)

SECOND = timedelta(seconds=1)
TWO_LINES = [NewLine("SKU-1", "Lamp", 2500, 2, 0, 475), NewLine("SKU-2", "Bulb", 300, 5, 100, 0)]


def set_payment(c: Container, order_id: int, status: PaymentStatus) -> None:
    orders.record_payment(c.uow(), c.ctx, actor=OPERATOR, order_id=order_id, status=status)


def test_pay_by_is_the_payment_window_after_placing(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)

    assert get_order(container, order_id).deadlines.pay_by == clock.now() + timedelta(hours=72)


def test_nothing_happens_in_the_last_second_of_the_payment_window(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(
        container, buyer_id=parties.buyer_id, store_id=parties.store_id, lines=TWO_LINES
    )

    clock.advance(timedelta(hours=72) - SECOND)
    run_worker(container)

    assert stored_status(container, order_id) == "awaiting_payment"
    assert [line.qty.cancelled for line in get_order(container, order_id).lines] == [0, 0]
    assert sent(container, parties.buyer_email, "cancellation_completed") == 0


def test_unpaid_order_cancels_itself_when_the_payment_window_closes(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(
        container, buyer_id=parties.buyer_id, store_id=parties.store_id, lines=TWO_LINES
    )

    clock.advance(timedelta(hours=72))
    run_worker(container)

    order = get_order(container, order_id)
    assert stored_status(container, order_id) == "cancelled"
    assert [(line.qty.cancelled, line.qty.ordered) for line in order.lines] == [(2, 2), (5, 5)]
    [entry] = timeline_of(container, order_id, "order.cancelled")
    assert (entry.from_state, entry.to_state, entry.reason, entry.actor_role) == (
        "awaiting_payment",
        "cancelled",
        "payment_window_expired",
        "system",  # §10: the deadline decided, not the operator
    )
    assert sent(container, parties.buyer_email, "cancellation_completed") == 1


def test_unpaid_order_cancels_itself_after_a_worker_downtime(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)

    clock.advance(timedelta(days=30))
    run_worker(container)

    assert stored_status(container, order_id) == "cancelled"
    assert sent(container, parties.buyer_email, "cancellation_completed") == 1


def test_paying_before_the_window_closes_prevents_the_cancellation(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    clock.advance(timedelta(hours=72) - SECOND)
    pay(container, order_id)

    clock.advance(timedelta(days=1))
    run_worker(container)

    assert stored_status(container, order_id) == "awaiting_shipment"
    assert [line.qty.cancelled for line in get_order(container, order_id).lines] == [0]
    assert timeline_of(container, order_id, "order.cancelled") == []
    assert sent(container, parties.buyer_email, "cancellation_completed") == 0


def test_a_failed_payment_does_not_keep_the_order_alive(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    clock.advance(timedelta(hours=1))
    set_payment(container, order_id, PaymentStatus.failed)

    clock.advance(timedelta(hours=71))
    run_worker(container)

    assert stored_status(container, order_id) == "cancelled"


def test_an_order_in_payment_review_is_not_cancelled_as_unpaid(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    clock.advance(timedelta(hours=71))
    set_payment(container, order_id, PaymentStatus.review)

    clock.advance(timedelta(hours=2))
    run_worker(container)

    assert stored_status(container, order_id) == "payment_review"


def test_a_payment_that_fails_review_after_the_window_cancels_the_order(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    clock.advance(timedelta(hours=71))
    set_payment(container, order_id, PaymentStatus.review)
    clock.advance(timedelta(hours=2))
    run_worker(container)

    clock.advance(timedelta(hours=20))
    set_payment(container, order_id, PaymentStatus.failed)
    run_worker(container)

    assert stored_status(container, order_id) == "cancelled"
    assert sent(container, parties.buyer_email, "cancellation_completed") == 1


def test_the_payment_window_deadline_fired_twice_cancels_and_emails_once(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    clock.advance(timedelta(hours=72))
    run_worker(container)

    deadlines.fire(
        container.uow(), container.ctx, name=orders.PAYMENT_WINDOW_ENDS, subject_id=order_id
    )
    run_worker(container)

    assert len(timeline_of(container, order_id, "order.cancelled")) == 1
    assert sent(container, parties.buyer_email, "cancellation_completed") == 1


def test_an_order_cancelled_for_non_payment_cannot_be_paid_afterwards(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    clock.advance(timedelta(hours=72))
    run_worker(container)

    with pytest.raises(RuleConflict) as caught:
        pay(container, order_id)

    assert caught.value.code == "order_cancelled"
    assert stored_status(container, order_id) == "cancelled"
