"""M3: the `order.delivered` webhook event is published when the carrier delivers a parcel."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from recourse.container import Container
from recourse.db import models as m
from recourse.domain.shipment import CarrierEvent
from recourse.integrations.clock import FixedClock
from recourse.services import shipping
from tests.factories import make_order, pay, ship_all
from tests.integration.support import OPERATOR, Parties


def test_delivery_publishes_order_delivered_once(
    container: Container, clock: FixedClock, parties: Parties
) -> None:
    order_id = make_order(container, buyer_id=parties.buyer_id, store_id=parties.store_id)
    pay(container, order_id)
    shipment_id = ship_all(container, order_id)
    clock.advance(timedelta(days=2))
    for event in (CarrierEvent.in_transit, CarrierEvent.delivered):
        shipping.record_carrier_event(
            container.uow(), container.ctx, actor=OPERATOR, shipment_id=shipment_id, event=event
        )
    with container.read_session() as s:
        payloads = list(
            s.scalars(select(m.EventRow.payload).where(m.EventRow.type == "order.delivered"))
        )
    assert [(p["data"]["order_id"], p["data"]["shipment_id"]) for p in payloads] == [
        (order_id, shipment_id)
    ]
