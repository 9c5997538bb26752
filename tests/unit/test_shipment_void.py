"""C10: a parcel the carrier never scanned — flagged after `no_scan_flag_hours`, and voidable
by support, which puts its units back among the unshipped so they can be cancelled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from recourse.domain.cancellation import cancel_units, every_unshipped_unit
from recourse.domain.errors import IllegalTransition, RuleConflict
from recourse.domain.order import LineQuantities, PaymentStatus
from recourse.domain.policy import PlatformPolicy
from recourse.domain.shipment import (
    CarrierEvent,
    Shipment,
    ShipmentDirection,
    ShipmentLine,
    ShipmentStatus,
    merged,
    never_scanned,
    no_scan_since,
    shipment_transition,
    void_shipment,
)
from tests.unit.builders import T0, a_line, an_order

S = ShipmentStatus
HOURS = PlatformPolicy().no_scan_flag_hours


def parcel(
    status: ShipmentStatus = S.shipped,
    lines: tuple[ShipmentLine, ...] = (ShipmentLine(1, 2),),
    direction: ShipmentDirection = ShipmentDirection.outbound,
) -> Shipment:
    return Shipment(7, 1, "DHL", "JJD1", status, lines, T0, direction=direction)


def test_the_flag_waits_72_hours_by_default() -> None:
    assert HOURS == 72


def test_a_parcel_without_a_scan_is_flagged_from_the_policy_hours_on() -> None:
    flag_at = T0 + timedelta(hours=HOURS)

    assert no_scan_since(parcel(), flag_at - timedelta(seconds=1), flag_after_hours=HOURS) is None
    assert no_scan_since(parcel(), flag_at, flag_after_hours=HOURS) == T0
    assert no_scan_since(parcel(), T0 + timedelta(hours=5), flag_after_hours=5) == T0


@pytest.mark.parametrize("status", [s for s in ShipmentStatus if s is not S.shipped], ids=str)
def test_a_parcel_the_carrier_reported_on_is_never_flagged(status: ShipmentStatus) -> None:
    later = T0 + timedelta(days=30)

    assert not never_scanned(parcel(status))
    assert no_scan_since(parcel(status), later, flag_after_hours=HOURS) is None


def test_a_return_parcel_is_not_the_sellers_to_scan() -> None:
    back = parcel(direction=ShipmentDirection.back)

    assert not never_scanned(back)
    assert no_scan_since(back, T0 + timedelta(days=30), flag_after_hours=HOURS) is None


def test_voiding_puts_the_parcels_units_back_to_unshipped() -> None:
    order = an_order(
        payment_status=PaymentStatus.captured,
        lines=[
            a_line(id=1, quantity=3, shipped=3, delivered=1),
            a_line(id=2, quantity=2, cancelled=1, shipped=1),
        ],
    )
    unscanned = parcel(lines=(ShipmentLine(1, 2), ShipmentLine(2, 1)))

    changes = void_shipment(order, unscanned)

    assert changes == {
        1: LineQuantities(ordered=3, shipped=1, delivered=1),
        2: LineQuantities(ordered=2, cancelled=1),
    }
    after = merged(order, changes)
    # what cancelling "the order" now takes: exactly the voided units
    assert every_unshipped_unit(after) == {1: 2, 2: 1}
    cancelled = merged(after, cancel_units(after, every_unshipped_unit(after)))
    assert [line.qty for line in cancelled.lines] == [
        LineQuantities(ordered=3, cancelled=2, shipped=1, delivered=1),
        LineQuantities(ordered=2, cancelled=2),
    ]


@pytest.mark.parametrize("status", [s for s in ShipmentStatus if s is not S.shipped], ids=str)
def test_only_a_never_scanned_outbound_parcel_can_be_voided(status: ShipmentStatus) -> None:
    order = an_order(payment_status=PaymentStatus.captured, lines=[a_line(quantity=2, shipped=2)])

    with pytest.raises(RuleConflict) as refused:
        void_shipment(order, parcel(status))

    assert refused.value.code == "parcel_not_voidable"
    assert refused.value.facts["status"] == str(status)
    with pytest.raises(RuleConflict):
        void_shipment(order, parcel(direction=ShipmentDirection.back))


@pytest.mark.parametrize("event", list(CarrierEvent), ids=str)
def test_a_voided_parcel_takes_no_carrier_event(event: CarrierEvent) -> None:
    with pytest.raises(IllegalTransition):
        shipment_transition(S.voided, event)
