"""C3/§2/§9: a payment sets review and ship-by deadlines and fixes the governing policy version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recourse.container import Container
from recourse.domain.order import PaymentStatus
from recourse.integrations.clock import FixedClock
from recourse.services import orders, stores
from tests.factories import get_order, make_order, make_store, pay
from tests.integration.support import OPERATOR, Parties, stored_status, timeline_of


def test_payment_review_sets_review_until_from_the_platform_window(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    clock.advance(timedelta(hours=3))
    review_started = clock.now()

    orders.record_payment(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        order_id=order_id,
        status=PaymentStatus.review,
    )

    order = get_order(container, order_id)
    assert order.deadlines.review_until == review_started + timedelta(hours=24)
    assert order.deadlines.ship_by is None
    assert stored_status(container, order_id) == "payment_review"


def test_capture_after_review_clears_review_until_and_sets_ship_by(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    orders.record_payment(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        order_id=order_id,
        status=PaymentStatus.review,
    )
    clock.advance(timedelta(hours=2))

    pay(container, order_id)

    order = get_order(container, order_id)
    assert order.deadlines.review_until is None
    assert order.deadlines.ship_by is not None
    assert stored_status(container, order_id) == "awaiting_shipment"
    assert [e.from_state for e in timeline_of(container, order_id, "payment.captured")] == [
        "payment_review"
    ]


# Thursday 2 April 2026, the day before Good Friday; Easter Monday is the 6th. Germany keeps both
# as public holidays, the United States neither.
MAUNDY_THURSDAY = datetime(2026, 4, 2, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("country", "processing_days", "ship_by"),
    [
        ("DE", 2, datetime(2026, 4, 8, 10, 30, tzinfo=UTC)),
        ("US", 2, datetime(2026, 4, 6, 10, 30, tzinfo=UTC)),
        ("DE", 7, datetime(2026, 4, 15, 10, 30, tzinfo=UTC)),
        ("US", 7, datetime(2026, 4, 13, 10, 30, tzinfo=UTC)),
    ],
    ids=["de_2_days", "us_2_days", "de_7_days", "us_7_days"],
)
def test_ship_by_counts_business_days_of_the_store_country(
    container: Container,
    clock: FixedClock,
    parties: Parties,
    country: str,
    processing_days: int,
    ship_by: datetime,
) -> None:
    store_id = make_store(container, country=country, processing_days=processing_days)
    clock.set(MAUNDY_THURSDAY - timedelta(hours=1))
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=store_id, country="DE")
    clock.set(MAUNDY_THURSDAY)

    pay(container, order_id)

    assert get_order(container, order_id).deadlines.ship_by == ship_by


def test_changing_the_policy_later_does_not_change_a_paid_order(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    first = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    placed_before_change = make_order(
        container, buyer_id=parties.buyer_id, store_id=parties.store_id
    )
    clock.advance(timedelta(hours=1))
    paid = pay(container, first)
    clock.advance(timedelta(hours=1))

    new_version = stores.update_store_policy(
        container.uow(),
        container.ctx,
        actor=parties.seller,
        store_id=parties.store_id,
        changes={"processing_days": 3, "buyer_cancel": "instant"},
    )
    clock.advance(timedelta(hours=1))
    pay(container, placed_before_change)

    assert paid.policy_version_id is not None
    assert paid.policy_version_id != new_version.id
    assert get_order(container, first).policy_version_id == paid.policy_version_id
    assert get_order(container, first).deadlines.ship_by == paid.deadlines.ship_by
    assert get_order(container, placed_before_change).policy_version_id == new_version.id
    assert new_version.version == 2


def test_an_order_paid_in_the_very_second_of_a_change_gets_the_new_version(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    clock.advance(timedelta(hours=1))
    new_version = stores.update_store_policy(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        store_id=parties.store_id,
        changes={"processing_days": 3},
    )

    pay(container, order_id)

    assert get_order(container, order_id).policy_version_id == new_version.id


def test_ship_by_follows_the_version_in_force_at_payment(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    stores.update_store_policy(
        container.uow(),
        container.ctx,
        actor=parties.seller,
        store_id=parties.store_id,
        changes={"processing_days": 1},
    )
    paid_at = clock.now()  # Monday 2 March 2026, no German holiday that week

    pay(container, order_id)

    assert get_order(container, order_id).deadlines.ship_by == paid_at + timedelta(days=1)


def test_an_order_not_yet_paid_has_no_governing_version(
    container: Container, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)

    assert get_order(container, order_id).policy_version_id is None
