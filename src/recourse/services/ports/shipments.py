"""§4 parcels and what the carrier reports about them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from recourse.domain.shipment import Shipment, ShipmentDirection, ShipmentLine, ShipmentStatus


class Shipments(Protocol):
    def add(
        self,
        order_id: int,
        *,
        carrier: str,
        tracking_number: str,
        lines: Sequence[ShipmentLine],
        shipped_at: datetime,
        direction: ShipmentDirection = ShipmentDirection.outbound,
        return_id: int | None = None,
    ) -> int: ...
    def get(self, shipment_id: int, *, for_update: bool = False) -> Shipment | None: ...
    def for_order(self, order_id: int) -> Sequence[Shipment]:
        """The order's parcels, both directions, oldest first."""
        ...

    def set_status(self, shipment_id: int, status: ShipmentStatus) -> None: ...
    def set_return(self, shipment_id: int, return_id: int) -> None: ...
    def add_event(
        self, shipment_id: int, event: str, at: datetime, recorded_at: datetime
    ) -> int: ...
