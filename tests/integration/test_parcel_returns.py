"""S1/S2: a parcel refused at the door, sent back by the carrier or intercepted opens its
return by itself; the refund comes when the seller confirms the parcel is back, or by itself
`returned_parcel_refund_days` after the carrier brought it back, worker or not."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest

from recourse.container import Container
from recourse.domain.errors import NotAllowed, NotFound, RuleConflict
from recourse.domain.options import PathName
from recourse.domain.order import OrderStatus, derive_status
from recourse.domain.returns import ReturnKind, ReturnLine, ReturnStatus
from recourse.domain.roles import SYSTEM, Actor, Role
from recourse.domain.shipment import CarrierEvent, ShipmentLine
from recourse.integrations.clock import FixedClock
from recourse.services import shipping
from recourse.services.options import order_options
from recourse.services.returns.answers import approve_return
from recourse.services.returns.parcels import give_parcel_reason, open_parcel_return
from recourse.services.returns.receiving import receive_return
from recourse.services.returns.request import request_return
from recourse.services.returns.shipping import ship_return
from recourse.services.settle import settle_due
from tests.factories import carrier_event, get_order, make_order, pay, ship_all
from tests.integration.support import Parties, run_worker


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


def returns_of(c: Container, order_id: int) -> list:  # type: ignore[type-arg]
    with c.uow() as uow:
        return uow.returns.for_order(order_id)


def refund_of(c: Container, order_id: int) -> tuple[int, int]:
    """(total, shipping) refunded so far."""
    with c.uow() as uow:
        so_far = uow.refunds.so_far(order_id)
    return so_far.total, so_far.shipping


@pytest.mark.parametrize("event", [CarrierEvent.refused, CarrierEvent.returned_to_sender])
def test_a_parcel_turned_back_opens_its_return_without_anyone_acting(
    container: Container, order_id: int, shipment_id: int, event: CarrierEvent
) -> None:
    carrier_event(container, shipment_id, event)

    [ret] = returns_of(container, order_id)
    assert (ret.kind, ret.status) == (ReturnKind.refused_delivery, ReturnStatus.parcel_returning)
    assert ret.outbound_shipment_id == shipment_id
    assert ret.units == {line.id: line.quantity for line in get_order(container, order_id).lines}


def test_a_second_report_for_the_same_parcel_opens_no_second_return(
    container: Container, order_id: int, shipment_id: int
) -> None:
    carrier_event(container, shipment_id, CarrierEvent.refused)
    carrier_event(container, shipment_id, CarrierEvent.returned_to_sender)

    assert len(returns_of(container, order_id)) == 1


def test_back_with_the_seller_the_refund_waits_returned_parcel_refund_days(
    container: Container, clock: FixedClock, order_id: int, shipment_id: int
) -> None:
    carrier_event(container, shipment_id, CarrierEvent.refused)
    clock.advance(timedelta(days=2))
    carrier_event(container, shipment_id, CarrierEvent.delivered_to_sender)

    [ret] = returns_of(container, order_id)
    with container.uow() as uow:
        days = uow.platform.policy().returned_parcel_refund_days
    assert ret.status is ReturnStatus.delivered
    assert ret.refund_by == clock.now() + timedelta(days=days)
    assert ret.due_at == ret.refund_by


def test_silence_refunds_by_itself_even_with_the_worker_down(
    container: Container, clock: FixedClock, order_id: int, shipment_id: int
) -> None:
    carrier_event(container, shipment_id, CarrierEvent.refused)
    carrier_event(container, shipment_id, CarrierEvent.delivered_to_sender)
    [ret] = returns_of(container, order_id)
    assert ret.refund_by is not None
    clock.set(ret.refund_by)

    # no worker ran: the read settles what the deadline decided
    settle_due(container.uow(), container.ctx, order_id=order_id)

    [after] = returns_of(container, order_id)
    order = get_order(container, order_id)
    assert after.status is ReturnStatus.refunded and after.refund_id is not None
    assert [line.qty.returned for line in order.lines] == [line.qty.shipped for line in order.lines]
    paid_back = refund_of(container, order_id)
    # the worker's late firing changes nothing: no second refund, the same return
    assert settle_due(container.uow(), container.ctx, order_id=order_id) is False
    clock.advance(timedelta(days=1))
    run_worker(container)
    assert refund_of(container, order_id) == paid_back == (5475, 0)
    assert returns_of(container, order_id) == [after]


def test_an_intercepted_parcel_comes_back_through_open_parcel_return(
    container: Container, clock: FixedClock, order_id: int, shipment_id: int
) -> None:
    with container.uow() as uow:
        order = uow.orders.get(order_id, for_update=True)
        assert order is not None
        first = open_parcel_return(
            uow,
            container.ctx,
            order=order,
            shipment_ids=[shipment_id],
            kind=ReturnKind.intercepted,
            actor=SYSTEM,
            now=clock.now(),
        )
        again = open_parcel_return(
            uow,
            container.ctx,
            order=order,
            shipment_ids=[shipment_id],
            kind=ReturnKind.intercepted,
            actor=SYSTEM,
            now=clock.now(),
        )
        uow.commit()
    carrier_event(container, shipment_id, CarrierEvent.returned_to_sender)

    [ret] = returns_of(container, order_id)
    assert first == again == ret.id
    assert ret.kind is ReturnKind.intercepted


def test_an_intercepted_parcel_still_in_transit_is_not_offered_for_refusal(
    container: Container, clock: FixedClock, parties: Parties, order_id: int, shipment_id: int
) -> None:
    carrier_event(container, shipment_id, CarrierEvent.in_transit)
    before = order_options(container.uow(), container.ctx, parties.buyer, order_id)
    going = before.get(PathName.refuse_delivery)
    assert going is not None and going.option.open
    with container.uow() as uow:
        order = uow.orders.get(order_id, for_update=True)
        assert order is not None
        open_parcel_return(
            uow,
            container.ctx,
            order=order,
            shipment_ids=[shipment_id],
            kind=ReturnKind.intercepted,
            actor=SYSTEM,
            now=clock.now(),
        )
        uow.commit()

    after = order_options(container.uow(), container.ctx, parties.buyer, order_id)

    refuse = after.get(PathName.refuse_delivery)
    assert refuse is not None
    assert (refuse.option.open, refuse.option.blocker) == (False, "parcel.nothing_going_out")
    give = after.get(PathName.give_reason)
    assert give is not None and give.option.open


def test_the_seller_confirming_the_parcel_back_refunds_at_once(
    container: Container, parties: Parties, order_id: int, shipment_id: int
) -> None:
    carrier_event(container, shipment_id, CarrierEvent.refused)
    [ret] = returns_of(container, order_id)

    # before the carrier's last scan: the parcel may be back before the carrier says so
    receive_return(
        container.uow(), container.ctx, actor=parties.seller, return_id=ret.id, condition="ok"
    )

    [after] = returns_of(container, order_id)
    assert after.status is ReturnStatus.refunded and after.refund_id is not None
    # the units' price and tax (2 x 25.00 + 4.75); no reason given: the shipping stays paid
    assert refund_of(container, order_id) == (5475, 0)
    order = get_order(container, order_id)
    assert derive_status(order, container.ctx.clock.now()) is OrderStatus.completed
    # the carrier's late report changes nothing
    carrier_event(container, shipment_id, CarrierEvent.delivered_to_sender)
    [still] = returns_of(container, order_id)
    assert still.status is ReturnStatus.refunded and still.refund_by is None


@pytest.mark.parametrize(
    ("reason", "shipping"), [("damaged", 499), ("no_longer_needed", 0)], ids=["seller", "buyer"]
)
def test_the_outbound_shipping_follows_the_fault_of_the_buyers_reason(
    container: Container,
    parties: Parties,
    order_id: int,
    shipment_id: int,
    reason: str,
    shipping: int,
) -> None:
    carrier_event(container, shipment_id, CarrierEvent.refused)
    [ret] = returns_of(container, order_id)

    give_parcel_reason(
        container.uow(), container.ctx, actor=parties.buyer, return_id=ret.id, reason=reason
    )
    receive_return(
        container.uow(), container.ctx, actor=parties.seller, return_id=ret.id, condition="ok"
    )

    assert refund_of(container, order_id) == (5475 + shipping, shipping)


def test_a_reason_is_given_once_by_the_buyer_only_before_the_refund(
    container: Container, clock: FixedClock, parties: Parties, order_id: int, shipment_id: int
) -> None:
    carrier_event(container, shipment_id, CarrierEvent.refused)
    carrier_event(container, shipment_id, CarrierEvent.delivered_to_sender)
    [ret] = returns_of(container, order_id)
    give = partial(give_parcel_reason, container.uow(), container.ctx, return_id=ret.id)

    with pytest.raises(NotAllowed):
        give(actor=parties.seller, reason="damaged")
    with pytest.raises(NotFound):
        give(actor=Actor(Role.buyer, user_id=parties.buyer_id + 999), reason="damaged")
    with pytest.raises(NotFound) as unknown:
        give(actor=parties.buyer, reason="out_of_stock")  # a cancellation reason, not a return's
    assert unknown.value.key == "reason_not_available"
    give(actor=parties.buyer, reason="wrong_item")
    with pytest.raises(RuleConflict) as again:
        give(actor=parties.buyer, reason="damaged")
    assert again.value.code == "parcel_return.reason_given"

    # past refund_by with the worker down: the refund already happened when the buyer acts
    assert ret.refund_by is not None
    clock.set(ret.refund_by)
    with pytest.raises(RuleConflict) as late:
        give(actor=parties.buyer, reason="damaged")
    assert late.value.code in {"parcel_return.reason_given", "parcel_return.already_refunded"}
    [after] = returns_of(container, order_id)
    assert (after.status, after.reason) == (ReturnStatus.refunded, "wrong_item")
    # the seller was at fault: the shipping came back with the units
    assert refund_of(container, order_id) == (5974, 499)


def test_one_parcel_refused_and_one_delivered_each_come_back_their_own_way(
    container: Container, clock: FixedClock, parties: Parties, order_id: int
) -> None:
    [line] = get_order(container, order_id).lines
    clock.advance(timedelta(hours=5))
    first, second = (
        shipping.ship_order(
            container.uow(),
            container.ctx,
            actor=parties.seller,
            order_id=order_id,
            lines=[ShipmentLine(line.id, 1)],
            carrier="DHL",
            tracking_number=tracking,
        )
        for tracking in ("JJD-A", "JJD-B")
    )
    clock.advance(timedelta(days=1))
    carrier_event(container, first, CarrierEvent.refused)
    carrier_event(container, second, CarrierEvent.delivered)
    [parcel] = returns_of(container, order_id)
    give_parcel_reason(
        container.uow(), container.ctx, actor=parties.buyer, return_id=parcel.id, reason="damaged"
    )
    receive_return(
        container.uow(), container.ctx, actor=parties.seller, return_id=parcel.id, condition="ok"
    )
    # one lamp of two (25.00 and 2.37 of the 4.75 tax), and half the shipping (2.49 of 4.99)
    assert refund_of(container, order_id) == (2500 + 237 + 249, 249)

    # the refused unit never arrived: the delivered one may still be sent back
    returned = request_return(
        container.uow(),
        container.ctx,
        actor=parties.buyer,
        order_id=order_id,
        lines=[ReturnLine(line.id, 1)],
        reason="defective",
        description="It flickers",
    )
    approve_return(
        container.uow(),
        container.ctx,
        actor=parties.seller,
        return_id=returned,
        return_address="Returns desk",
    )
    ship_return(
        container.uow(),
        container.ctx,
        actor=parties.buyer,
        return_id=returned,
        carrier="DHL",
        tracking_number="RET-1",
    )
    receive_return(
        container.uow(), container.ctx, actor=parties.seller, return_id=returned, condition="ok"
    )

    # every unit and the whole shipping came back, to the cent
    assert refund_of(container, order_id) == (5974, 499)
    order = get_order(container, order_id)
    assert [(x.qty.returned, x.qty.refunded) for x in order.lines] == [(2, 2)]
