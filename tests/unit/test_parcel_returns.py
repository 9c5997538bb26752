"""S1/S2: a parcel coming back refunds its units; the outbound shipping follows the fault, in
exact shares; each parcel comes back once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from recourse.domain.errors import InvalidInput, RuleConflict
from recourse.domain.order import Order, OrderLine, PaymentStatus
from recourse.domain.parcel_returns import (
    parcel_lines,
    parcel_refund_by,
    parcels_to_open,
    quote_parcel_return,
)
from recourse.domain.reasons import Fault
from recourse.domain.refund import RefundedSoFar
from recourse.domain.returns import ReturnKind, ReturnLine
from recourse.domain.shipment import Shipment, ShipmentDirection, ShipmentLine, ShipmentStatus
from tests.unit.builders import T0, a_line, an_order


def paid(*lines: OrderLine, shipping_fee: int = 1000) -> Order:
    order = an_order(
        payment_status=PaymentStatus.captured, lines=list(lines), shipping_fee=shipping_fee
    )
    total = sum(x.total for x in order.lines) + shipping_fee
    return replace(order, payment=replace(order.payment, amount_captured=total))


def parcel(
    id: int,
    *units: tuple[int, int],
    status: ShipmentStatus = ShipmentStatus.refused,
    return_id: int | None = None,
    direction: ShipmentDirection = ShipmentDirection.outbound,
) -> Shipment:
    return Shipment(
        id=id,
        order_id=1,
        carrier="DHL",
        tracking_number=f"T{id}",
        status=status,
        lines=tuple(ShipmentLine(line_id=k, quantity=v) for k, v in units),
        shipped_at=T0,
        direction=direction,
        return_id=return_id,
    )


ORDER = paid(
    a_line(id=1, quantity=2, unit_price=1000, tax=380, shipped=2),
    a_line(id=2, quantity=1, unit_price=500, tax=95, shipped=1),
    shipping_fee=1000,
)


@pytest.mark.parametrize(
    ("fault", "shipping"),
    [(Fault.buyer, 0), (Fault.none, 0), (None, 0), (Fault.seller, 1000)],
    ids=["buyer_fault", "nobodys_fault", "no_reason_given", "seller_fault"],
)
def test_the_outbound_shipping_goes_back_only_when_the_seller_is_at_fault(
    fault: Fault | None, shipping: int
) -> None:
    quote = quote_parcel_return(ORDER, {1: 2, 2: 1}, RefundedSoFar(), fault=fault)

    assert (quote.items, quote.tax, quote.shipping, quote.fees) == (2500, 475, shipping, 0)
    assert quote.total == 2975 + shipping


def test_parcels_of_one_order_coming_back_share_the_shipping_exactly() -> None:
    order = paid(a_line(id=1, quantity=3, unit_price=1000, shipped=3), shipping_fee=1000)
    first = quote_parcel_return(order, {1: 1}, RefundedSoFar(), fault=Fault.seller)
    after_first = replace(
        order,
        lines=(replace(order.lines[0], quantities=replace(order.lines[0].qty, returned=1)),),
    )
    second = quote_parcel_return(
        after_first,
        {1: 2},
        RefundedSoFar(total=first.total, shipping=first.shipping),
        fault=Fault.seller,
    )

    assert (first.shipping, second.shipping) == (333, 667)
    assert first.shipping + second.shipping == order.shipping_fee


def test_a_parcel_refund_never_exceeds_what_is_left_of_the_capture() -> None:
    quote = quote_parcel_return(
        ORDER, {1: 2, 2: 1}, RefundedSoFar(total=ORDER.payment.amount_captured - 100), fault=None
    )

    assert quote.total == 100
    assert sum(x.items + x.tax for x in quote.lines) == quote.items + quote.tax


def test_a_parcel_brings_back_the_units_it_carries() -> None:
    lines = parcel_lines([parcel(7, (1, 2)), parcel(8, (1, 1), (2, 1))])

    assert lines == (ReturnLine(1, 3), ReturnLine(2, 1))


def test_each_parcel_comes_back_once() -> None:
    fresh = parcels_to_open(
        ORDER, [parcel(7, (1, 2), return_id=3), parcel(8, (2, 1))], ReturnKind.intercepted
    )

    assert [s.id for s in fresh] == [8]
    assert (
        parcels_to_open(ORDER, [parcel(7, (1, 2), return_id=3)], ReturnKind.refused_delivery) == []
    )


@pytest.mark.parametrize(
    "shipment",
    [
        parcel(7, (1, 2), status=ShipmentStatus.delivered),
        parcel(7, (1, 2), direction=ShipmentDirection.back),
    ],
    ids=["delivered_to_the_buyer", "a_buyers_return_parcel"],
)
def test_a_parcel_that_arrived_or_is_a_return_does_not_come_back(shipment: Shipment) -> None:
    with pytest.raises(RuleConflict):
        parcels_to_open(ORDER, [shipment], ReturnKind.refused_delivery)


def test_a_buyer_return_is_not_a_parcel_kind() -> None:
    with pytest.raises(InvalidInput):
        parcels_to_open(ORDER, [parcel(7, (1, 2))], ReturnKind.buyer_return)


def test_the_refund_is_due_returned_parcel_refund_days_after_the_parcel_is_back() -> None:
    assert parcel_refund_by(T0, 5) == T0 + timedelta(days=5)
