"""Parcels: the carrier's state machine and C9 — only paid, unshipped, uncancelled units ship."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from recourse.domain.errors import IllegalTransition, InvalidInput, NotFound, RuleConflict
from recourse.domain.order import LineQuantities, Order, PaymentStatus
from recourse.domain.shipment import (
    SHIPMENT_TRANSITIONS,
    CarrierEvent,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    apply_carrier_event,
    plan_shipment,
    protection_end,
    shipment_transition,
)
from tests.unit.builders import T0, a_line, an_order

S = ShipmentStatus
E = CarrierEvent
ALLOWED = {
    (S.shipped, E.in_transit),
    (S.shipped, E.delivered),
    (S.shipped, E.refused),
    (S.shipped, E.returned_to_sender),
    (S.in_transit, E.in_transit),
    (S.in_transit, E.delivered),
    (S.in_transit, E.refused),
    (S.in_transit, E.returned_to_sender),
    (S.refused, E.returned_to_sender),
    (S.refused, E.delivered_to_sender),
    (S.returned_to_sender, E.delivered_to_sender),
}
ALL_MOVES = list(itertools.product(ShipmentStatus, CarrierEvent))
FORBIDDEN = [move for move in ALL_MOVES if move not in ALLOWED]


def test_the_parcel_table_allows_exactly_the_intended_moves() -> None:
    table = {(a, CarrierEvent(b)) for a, targets in SHIPMENT_TRANSITIONS.items() for b in targets}

    assert table == ALLOWED
    assert set(SHIPMENT_TRANSITIONS) == set(ShipmentStatus)


@pytest.mark.parametrize(("current", "event"), sorted(ALLOWED), ids=str)
def test_allowed_carrier_events_move_the_parcel(
    current: ShipmentStatus, event: CarrierEvent
) -> None:
    assert shipment_transition(current, event) is ShipmentStatus(str(event))


@pytest.mark.parametrize(("current", "event"), FORBIDDEN, ids=str)
def test_forbidden_carrier_events_are_illegal_transitions(
    current: ShipmentStatus, event: CarrierEvent
) -> None:
    with pytest.raises(IllegalTransition) as caught:
        shipment_transition(current, event)

    assert caught.value.code == "illegal_transition"
    assert caught.value.facts == {"current": str(current), "target": str(event)}


PAID = an_order(
    payment_status=PaymentStatus.captured,
    lines=[a_line(id=1, quantity=3), a_line(id=2, quantity=2, cancelled=1)],
)


def plan(
    order: Order = PAID,
    lines: list[ShipmentLine] | None = None,
    *,
    carrier: str = "DHL",
    tracking_number: str = "JJD1",
) -> dict[int, LineQuantities]:
    return plan_shipment(
        order,
        lines if lines is not None else [ShipmentLine(1, 1)],
        carrier=carrier,
        tracking_number=tracking_number,
    )


def test_a_paid_order_ships_its_unshipped_units() -> None:
    changes = plan(lines=[ShipmentLine(1, 3), ShipmentLine(2, 1)])

    assert changes == {
        1: LineQuantities(ordered=3, shipped=3),
        2: LineQuantities(ordered=2, cancelled=1, shipped=1),
    }


@pytest.mark.parametrize(
    "status", [PaymentStatus.pending, PaymentStatus.review, PaymentStatus.failed], ids=str
)
def test_an_unpaid_order_cannot_ship(status: PaymentStatus) -> None:
    unpaid = an_order(payment_status=status, lines=PAID.lines)

    with pytest.raises(RuleConflict) as caught:
        plan(unpaid)

    assert caught.value.code == "not_paid"


@pytest.mark.parametrize(
    ("order", "lines", "shippable"),
    [
        (PAID, [ShipmentLine(1, 4)], 3),
        (PAID, [ShipmentLine(2, 2)], 1),
        (
            an_order(payment_status=PaymentStatus.captured, lines=[a_line(quantity=3, shipped=2)]),
            [ShipmentLine(1, 2)],
            1,
        ),
        (
            an_order(payment_status=PaymentStatus.captured, lines=[a_line(quantity=2, shipped=2)]),
            [ShipmentLine(1, 1)],
            0,
        ),
    ],
    ids=["more_than_ordered", "a_cancelled_unit", "more_than_left", "already_shipped"],
)
def test_units_that_are_cancelled_or_already_shipped_cannot_ship(
    order: Order, lines: list[ShipmentLine], shippable: int
) -> None:
    with pytest.raises(RuleConflict) as caught:
        plan(order, lines)

    assert caught.value.code == "quantity_not_shippable"
    assert caught.value.facts["shippable"] == shippable


@pytest.mark.parametrize(
    ("lines", "carrier", "tracking", "field"),
    [
        ([ShipmentLine(1, 1), ShipmentLine(1, 1)], "DHL", "JJD1", "lines[1].line_id"),
        ([ShipmentLine(1, 0)], "DHL", "JJD1", "lines[0].quantity"),
        ([ShipmentLine(2, 1), ShipmentLine(1, -1)], "DHL", "JJD1", "lines[1].quantity"),
        ([], "DHL", "JJD1", "lines"),
        ([ShipmentLine(1, 1)], "", "JJD1", "carrier"),
        ([ShipmentLine(1, 1)], "   ", "JJD1", "carrier"),
        ([ShipmentLine(1, 1)], "DHL", "", "tracking_number"),
        ([ShipmentLine(1, 1)], "DHL", " \t", "tracking_number"),
    ],
    ids=[
        "same_line_twice",
        "zero_units",
        "negative_units",
        "no_lines",
        "empty_carrier",
        "blank_carrier",
        "empty_tracking",
        "blank_tracking",
    ],
)
def test_malformed_shipments_name_the_field(
    lines: list[ShipmentLine], carrier: str, tracking: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        plan(lines=lines, carrier=carrier, tracking_number=tracking)

    assert caught.value.field == field


def test_a_line_that_is_not_on_the_order_is_not_found_naming_the_field() -> None:
    with pytest.raises(NotFound) as caught:
        plan(lines=[ShipmentLine(99, 1)])

    assert caught.value.facts["field"] == "lines.line_id"


def test_delivery_delivers_the_units_in_the_parcel() -> None:
    order = an_order(
        payment_status=PaymentStatus.captured,
        lines=[a_line(id=1, quantity=3, shipped=3), a_line(id=2, quantity=2, shipped=1)],
    )
    parcel = Shipment(1, 1, "DHL", "JJD1", S.in_transit, (ShipmentLine(1, 2),), T0)

    status, changes = apply_carrier_event(order, parcel, E.delivered)

    assert status is S.delivered
    assert changes == {1: LineQuantities(ordered=3, shipped=3, delivered=2)}


@pytest.mark.parametrize("event", [E.in_transit, E.refused, E.returned_to_sender], ids=str)
def test_other_carrier_events_deliver_nothing(event: CarrierEvent) -> None:
    order = an_order(payment_status=PaymentStatus.captured, lines=[a_line(quantity=1, shipped=1)])
    parcel = Shipment(1, 1, "DHL", "JJD1", S.shipped, (ShipmentLine(1, 1),), T0)

    status, changes = apply_carrier_event(order, parcel, event)

    assert (status, changes) == (ShipmentStatus(str(event)), {})


def test_protection_runs_the_given_days_after_the_first_shipment() -> None:
    assert protection_end(T0, 60) == T0 + timedelta(days=60)
