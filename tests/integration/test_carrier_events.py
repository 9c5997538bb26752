"""The carrier feed moves parcels; impossible reports are refused and leave no trace."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from recourse.container import Container
from recourse.db.queries.orders import order_detail
from recourse.domain.errors import IllegalTransition, NotAllowed, NotFound, RuleConflict
from recourse.domain.shipment import CarrierEvent, ShipmentStatus
from recourse.integrations.clock import FixedClock
from recourse.services import shipping
from tests.factories import carrier_event, get_order, make_order, pay, ship_all
from tests.integration.support import OPERATOR, Parties, row_counts, stored_status, timeline


@pytest.fixture
def order_id(container: Container, parties: Parties) -> int:
    placed = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    pay(container, placed)
    return placed


@pytest.fixture
def shipment_id(container: Container, clock: FixedClock, order_id: int) -> int:
    clock.advance(timedelta(hours=5))
    shipped = ship_all(container, order_id)
    clock.advance(timedelta(days=1))
    return shipped


def report(c: Container, shipment_id: int, event: CarrierEvent, at: datetime | None = None) -> str:
    return shipping.record_carrier_event(
        c.uow(), c.ctx, actor=OPERATOR, shipment_id=shipment_id, event=event, at=at
    )


def test_a_delivery_reported_late_keeps_the_time_it_happened(
    container: Container, clock: FixedClock, order_id: int, shipment_id: int
) -> None:
    happened = clock.now() - timedelta(hours=3)

    status = report(container, shipment_id, CarrierEvent.delivered, at=happened)

    assert status == ShipmentStatus.delivered
    with container.read_session() as session:
        detail = order_detail(session, OPERATOR, order_id, clock.now())
    assert detail is not None
    assert detail.shipments[0].events == [{"type": "delivered", "at": happened}]


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (timedelta(seconds=1), "event_in_the_future"),
        (-timedelta(days=1, seconds=1), "event_before_shipment"),
    ],
    ids=["in_the_future", "before_it_was_shipped"],
)
def test_an_event_at_an_impossible_time_is_refused(
    container: Container, clock: FixedClock, shipment_id: int, when: timedelta, code: str
) -> None:
    before = row_counts(container)

    with pytest.raises(RuleConflict) as caught:
        report(container, shipment_id, CarrierEvent.delivered, at=clock.now() + when)

    assert (caught.value.code, caught.value.facts["field"]) == (code, "at")
    assert row_counts(container) == before


def test_a_delivered_parcel_cannot_go_back_in_transit(
    container: Container, order_id: int, shipment_id: int
) -> None:
    carrier_event(container, shipment_id, CarrierEvent.delivered)
    order_before = get_order(container, order_id)
    counts = row_counts(container)

    with pytest.raises(IllegalTransition):
        report(container, shipment_id, CarrierEvent.in_transit)

    assert get_order(container, order_id) == order_before
    assert row_counts(container) == counts
    assert stored_status(container, order_id) == "delivered"


def test_a_repeated_delivery_report_does_not_deliver_twice(
    container: Container, order_id: int, shipment_id: int
) -> None:
    carrier_event(container, shipment_id, CarrierEvent.delivered)

    with pytest.raises(IllegalTransition):
        report(container, shipment_id, CarrierEvent.delivered)

    assert [line.qty.delivered for line in get_order(container, order_id).lines] == [2]


def test_an_unknown_parcel_is_not_found(container: Container, shipment_id: int) -> None:
    with pytest.raises(NotFound):
        report(container, shipment_id + 1000, CarrierEvent.delivered)


def test_only_the_carrier_feed_reports_parcel_events(
    container: Container, parties: Parties, order_id: int, shipment_id: int
) -> None:
    with pytest.raises(NotAllowed):
        shipping.record_carrier_event(
            container.uow(),
            container.ctx,
            actor=parties.seller,
            shipment_id=shipment_id,
            event=CarrierEvent.delivered,
        )

    assert stored_status(container, order_id) == "shipped"


def test_a_delivery_reported_after_protection_ran_out_completes_the_order_first(
    container: Container, clock: FixedClock, order_id: int, shipment_id: int
) -> None:
    ends = get_order(container, order_id).deadlines.protection_ends_at
    assert ends is not None
    clock.set(ends + timedelta(days=3))

    status = report(container, shipment_id, CarrierEvent.delivered, at=ends - timedelta(days=50))

    assert status == ShipmentStatus.delivered
    assert stored_status(container, order_id) == "completed"
    assert [line.qty.delivered for line in get_order(container, order_id).lines] == [2]
    entries = [
        (e.action, e.from_state, e.to_state, e.reason)
        for e in timeline(container, order_id)
        if e.action in {"order.completed", "parcel.delivered"}
    ]
    assert entries == [
        ("order.completed", "shipped", "completed", "protection_ended"),
        ("parcel.delivered", "completed", "completed", None),
    ]
