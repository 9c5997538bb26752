"""§2/§10: an order goes from placed to completed, and protection ends even if nobody watched."""

from __future__ import annotations

from datetime import timedelta

from recourse.container import Container
from recourse.db.queries.orders import list_orders, order_detail
from recourse.domain.shipment import CarrierEvent, ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.services import deadlines, shipping
from tests.factories import carrier_event, get_order, make_order, pay, ship_all
from tests.integration.support import (
    OPERATOR,
    Parties,
    run_worker,
    sent,
    stored_status,
    timeline_of,
)

SECOND = timedelta(seconds=1)


def delivered_order(c: Container, clock: FixedClock, parties: Parties) -> int:
    order_id = make_order(c, buyer_id=parties.buyer_id, store_id=parties.store_id)
    clock.advance(timedelta(hours=1))
    pay(c, order_id)
    clock.advance(timedelta(days=1))
    shipment_id = ship_all(c, order_id)
    clock.advance(timedelta(days=2))
    carrier_event(c, shipment_id, CarrierEvent.delivered)
    return order_id


def test_order_walks_from_placed_to_delivered_with_a_timeline_and_emails(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    assert stored_status(container, order_id) == "awaiting_payment"

    clock.advance(timedelta(hours=1))
    pay(container, order_id)
    assert stored_status(container, order_id) == "awaiting_shipment"

    clock.advance(timedelta(days=1))
    shipped_at = clock.now()
    shipment_id = ship_all(container, order_id)
    assert stored_status(container, order_id) == "shipped"

    clock.advance(timedelta(days=2))
    carrier_event(container, shipment_id, CarrierEvent.delivered)
    run_worker(container)

    order = get_order(container, order_id)
    assert stored_status(container, order_id) == "delivered"
    assert order.deadlines.protection_ends_at == shipped_at + timedelta(days=60)
    assert [(line.qty.shipped, line.qty.delivered) for line in order.lines] == [(2, 2)]
    assert [e.action for e in timeline_of(container, order_id, "order.placed")] == ["order.placed"]
    assert len(timeline_of(container, order_id, "payment.captured")) == 1
    assert len(timeline_of(container, order_id, "shipment.created")) == 1
    assert len(timeline_of(container, order_id, "parcel.delivered")) == 1
    assert sent(container, parties.buyer_email, "order_shipped") == 1
    assert sent(container, parties.buyer_email, "order_delivered") == 1


def test_order_completes_when_protection_ends_and_not_a_second_earlier(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = delivered_order(container, clock, parties)
    run_worker(container)
    ends = get_order(container, order_id).deadlines.protection_ends_at
    assert ends is not None

    clock.set(ends - SECOND)
    run_worker(container)
    assert stored_status(container, order_id) == "delivered"
    assert timeline_of(container, order_id, "order.completed") == []

    clock.set(ends)
    run_worker(container)
    assert stored_status(container, order_id) == "completed"
    [entry] = timeline_of(container, order_id, "order.completed")
    assert (entry.from_state, entry.to_state, entry.reason, entry.at) == (
        "delivered",
        "completed",
        "protection_ended",
        ends,
    )


def test_order_completes_when_protection_ends_even_if_worker_was_down(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = delivered_order(container, clock, parties)
    ends = get_order(container, order_id).deadlines.protection_ends_at
    assert ends is not None

    clock.set(ends + timedelta(days=20))
    caught_up_at = clock.now()
    run_worker(container)

    assert stored_status(container, order_id) == "completed"
    [entry] = timeline_of(container, order_id, "order.completed")
    assert (entry.to_state, entry.at) == ("completed", caught_up_at)
    assert sent(container, parties.buyer_email, "order_shipped") == 1
    assert sent(container, parties.buyer_email, "order_delivered") == 1


def test_reads_show_completed_once_protection_ended_before_the_worker_catches_up(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = delivered_order(container, clock, parties)
    ends = get_order(container, order_id).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends)

    with container.read_session() as session:
        detail = order_detail(session, parties.buyer, order_id, clock.now())
        completed = list_orders(session, parties.buyer, clock.now(), tab="completed")
        delivered = list_orders(session, parties.buyer, clock.now(), tab="delivered")

    assert stored_status(container, order_id) == "delivered"
    assert detail is not None and detail.status == "completed"
    assert [o.id for o in completed.items] == [order_id]
    assert [o.status for o in completed.items] == ["completed"]
    assert delivered.items == []


def test_firing_the_protection_deadline_twice_changes_nothing(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = delivered_order(container, clock, parties)
    ends = get_order(container, order_id).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends + timedelta(hours=1))
    run_worker(container)
    before = get_order(container, order_id)

    clock.advance(timedelta(days=1))
    deadlines.fire(
        container.uow(), container.ctx, name=shipping.PROTECTION_ENDS, subject_id=order_id
    )
    run_worker(container)

    assert get_order(container, order_id) == before
    assert stored_status(container, order_id) == "completed"
    assert len(timeline_of(container, order_id, "order.completed")) == 1


def test_protection_deadline_for_a_shipped_but_undelivered_order_also_completes_it(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    pay(container, order_id)
    ship_all(container, order_id)
    ends = get_order(container, order_id).deadlines.protection_ends_at
    assert ends is not None

    clock.set(ends)
    run_worker(container)

    assert stored_status(container, order_id) == "completed"
    [entry] = timeline_of(container, order_id, "order.completed")
    assert entry.from_state == "shipped"


def test_a_second_parcel_does_not_move_the_protection_deadline(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    pay(container, order_id)
    line_id = get_order(container, order_id).lines[0].id
    first_at = clock.now()
    shipping.ship_order(
        container.uow(),
        container.ctx,
        actor=OPERATOR,
        order_id=order_id,
        lines=[ShipmentLine(line_id, 1)],
        carrier="DHL",
        tracking_number="A1",
    )
    clock.advance(timedelta(days=3))

    ship_all(container, order_id)

    order = get_order(container, order_id)
    assert order.first_shipped_at == first_at
    assert order.deadlines.protection_ends_at == first_at + timedelta(days=60)
