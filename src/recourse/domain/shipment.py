"""Parcels: which units left in which parcel, and what the carrier says happened to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from recourse.domain.errors import IllegalTransition, InvalidInput, RuleConflict
from recourse.domain.order import LineQuantities, Order, PaymentStatus


class ShipmentStatus(StrEnum):
    shipped = "shipped"
    in_transit = "in_transit"
    delivered = "delivered"
    refused = "refused"
    returned_to_sender = "returned_to_sender"
    delivered_to_sender = "delivered_to_sender"
    # C10: support voided a parcel the carrier never scanned; its units count as unshipped
    voided = "voided"


class ShipmentDirection(StrEnum):
    """Which way a parcel travels: the seller's parcel to the buyer, or a buyer's return (R3)."""

    outbound = "outbound"
    back = "return"


# S2: what the carrier reports when an outbound parcel turns back (refused at the door, or sent
# back by the carrier), and when it reaches the seller again.
TURNED_BACK = frozenset({ShipmentStatus.refused, ShipmentStatus.returned_to_sender})


class CarrierEvent(StrEnum):
    in_transit = "in_transit"
    delivered = "delivered"
    refused = "refused"
    returned_to_sender = "returned_to_sender"
    delivered_to_sender = "delivered_to_sender"


SHIPMENT_TRANSITIONS: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    ShipmentStatus.shipped: frozenset(
        {
            ShipmentStatus.in_transit,
            ShipmentStatus.delivered,
            ShipmentStatus.refused,
            ShipmentStatus.returned_to_sender,
        }
    ),
    ShipmentStatus.in_transit: frozenset(
        {
            ShipmentStatus.in_transit,
            ShipmentStatus.delivered,
            ShipmentStatus.refused,
            ShipmentStatus.returned_to_sender,
        }
    ),
    ShipmentStatus.refused: frozenset(
        {ShipmentStatus.returned_to_sender, ShipmentStatus.delivered_to_sender}
    ),
    ShipmentStatus.returned_to_sender: frozenset({ShipmentStatus.delivered_to_sender}),
    ShipmentStatus.delivered: frozenset(),
    ShipmentStatus.delivered_to_sender: frozenset(),
    ShipmentStatus.voided: frozenset(),
}


def shipment_transition(current: ShipmentStatus, event: CarrierEvent) -> ShipmentStatus:
    target = ShipmentStatus(str(event))
    if target not in SHIPMENT_TRANSITIONS[current]:
        raise IllegalTransition("parcel", str(current), str(target))
    return target


@dataclass(frozen=True, slots=True)
class ShipmentLine:
    line_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Shipment:
    id: int
    order_id: int
    carrier: str
    tracking_number: str
    status: ShipmentStatus
    lines: tuple[ShipmentLine, ...]
    shipped_at: datetime
    direction: ShipmentDirection = ShipmentDirection.outbound
    # the return this parcel carries back (direction "return" only)
    return_id: int | None = None

    @property
    def units(self) -> dict[int, int]:
        return {x.line_id: x.quantity for x in self.lines}


def plan_shipment(
    order: Order, lines: Sequence[ShipmentLine], *, carrier: str, tracking_number: str
) -> dict[int, LineQuantities]:
    """The new quantities of the lines a parcel carries; refuses what cannot ship.

    C9: a cancelled unit cannot ship, and a unit cannot ship twice.
    """
    if order.payment.status is not PaymentStatus.captured:
        raise RuleConflict(
            "not_paid",
            payment_status=str(order.payment.status),
        )
    if not carrier.strip():
        raise InvalidInput("carrier", "carrier_missing")
    if not tracking_number.strip():
        raise InvalidInput("tracking_number", "tracking_number_missing")
    if not lines:
        raise InvalidInput("lines", "ship_no_lines")
    updated: dict[int, LineQuantities] = {}
    for i, item in enumerate(lines):
        if item.quantity <= 0:
            raise InvalidInput(f"lines[{i}].quantity", "quantity_below_one")
        if item.line_id in updated:
            raise InvalidInput(f"lines[{i}].line_id", "ship_line_twice")
        line = order.line(item.line_id)
        qty = line.qty
        if item.quantity > qty.unshipped:
            raise RuleConflict(
                "quantity_not_shippable",
                line_id=line.id,
                title=line.title,
                shippable=qty.unshipped,
                requested=item.quantity,
            )
        updated[line.id] = replace(qty, shipped=qty.shipped + item.quantity)
    return updated


def apply_carrier_event(
    order: Order, shipment: Shipment, event: CarrierEvent
) -> tuple[ShipmentStatus, dict[int, LineQuantities]]:
    """A carrier event moves the parcel; `delivered` also delivers an outbound parcel's units.

    A parcel turning back (S2) changes no quantity here: its units count as returned when the
    return that opens for them is refunded, and a return parcel's delivery is the return's own
    step (R4), not the buyer's."""
    status = shipment_transition(shipment.status, event)
    changed: dict[int, LineQuantities] = {}
    if status is ShipmentStatus.delivered and shipment.direction is ShipmentDirection.outbound:
        for item in shipment.lines:
            qty = order.line(item.line_id).qty
            changed[item.line_id] = replace(qty, delivered=qty.delivered + item.quantity)
    return status, changed


def check_event_time(happened: datetime, *, now: datetime, shipped_at: datetime) -> None:
    """A parcel event happened between its shipping and now."""
    if happened > now:
        raise RuleConflict(
            "event_in_the_future",
            field="at",
            now=now.isoformat(),
        )
    if happened < shipped_at:
        raise RuleConflict(
            "event_before_shipment",
            field="at",
            shipped_at=shipped_at.isoformat(),
        )


def never_scanned(shipment: Shipment) -> bool:
    """C10: an outbound parcel the carrier has reported nothing about (every carrier event
    moves a parcel on from `shipped`)."""
    return (
        shipment.direction is ShipmentDirection.outbound
        and shipment.status is ShipmentStatus.shipped
    )


def no_scan_since(shipment: Shipment, now: datetime, *, flag_after_hours: int) -> datetime | None:
    """C10: a parcel still without a carrier scan `flag_after_hours` (PlatformPolicy
    `no_scan_flag_hours`) after it was said to ship is flagged — "no carrier scan since" the
    moment it shipped; None when it is not flagged. Derived on read: no worker needed."""
    if not never_scanned(shipment):
        return None
    if now < shipment.shipped_at + timedelta(hours=flag_after_hours):
        return None
    return shipment.shipped_at


def void_shipment(order: Order, shipment: Shipment) -> dict[int, LineQuantities]:
    """C10: support voids a parcel the carrier never scanned (the seller said it shipped; no
    carrier ever saw it): its units go back to unshipped, so they can be cancelled. A parcel
    the carrier scanned, a return parcel or a voided one cannot be voided (409)."""
    if not never_scanned(shipment):
        raise RuleConflict(
            "parcel_not_voidable",
            shipment_id=shipment.id,
            status=str(shipment.status),
            direction=str(shipment.direction),
        )
    changed: dict[int, LineQuantities] = {}
    for item in shipment.lines:
        qty = order.line(item.line_id).qty
        changed[item.line_id] = replace(qty, shipped=qty.shipped - item.quantity)
    return changed


def protection_end(first_shipped_at: datetime, protection_days: int) -> datetime:
    """§2: buyer protection runs `protection_days` after the first shipment."""
    return first_shipped_at + timedelta(days=protection_days)


def merged(order: Order, changes: Mapping[int, LineQuantities]) -> Order:
    """The order as it will be once `changes` are applied (for deriving the next status)."""
    return replace(
        order,
        lines=tuple(
            replace(line, quantities=changes.get(line.id, line.qty)) for line in order.lines
        ),
    )
