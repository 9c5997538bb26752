"""Repository of shipments: parcels, the units each carries, carrier events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.repositories.writes import hold, order_of
from recourse.domain.shipment import Shipment, ShipmentDirection, ShipmentLine, ShipmentStatus


def _shipment(row: m.ShipmentRow) -> Shipment:
    return Shipment(
        id=row.id,
        order_id=row.order_id,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        status=ShipmentStatus(row.status),
        lines=tuple(ShipmentLine(line_id=x.line_id, quantity=x.quantity) for x in row.lines),
        shipped_at=row.shipped_at,
        direction=ShipmentDirection(row.direction or "outbound"),
        return_id=row.return_id,
    )


class SqlShipments:
    def __init__(self, session: Session) -> None:
        self.s = session

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
    ) -> int:
        row = m.ShipmentRow(
            order_id=order_id,
            carrier=carrier,
            tracking_number=tracking_number,
            status=str(ShipmentStatus.shipped),
            shipped_at=shipped_at,
            direction=str(direction),
            return_id=return_id,
        )
        row.lines = [
            m.ShipmentLineRow(line_id=item.line_id, quantity=item.quantity, order_id=order_id)
            for item in lines
        ]
        self.s.add(row)
        self.s.flush()
        return row.id

    def get(self, shipment_id: int, *, for_update: bool = False) -> Shipment | None:
        stmt = select(m.ShipmentRow).where(m.ShipmentRow.id == shipment_id)
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        row = self.s.scalars(stmt).first()
        if for_update:
            hold(self.s, row)
        return _shipment(row) if row else None

    def for_order(self, order_id: int) -> Sequence[Shipment]:
        rows = self.s.scalars(
            select(m.ShipmentRow)
            .where(m.ShipmentRow.order_id == order_id)
            .order_by(m.ShipmentRow.id)
        )
        return [_shipment(row) for row in rows]

    def set_status(self, shipment_id: int, status: ShipmentStatus) -> None:
        self.s.execute(
            update(m.ShipmentRow).where(m.ShipmentRow.id == shipment_id).values(status=str(status))
        )

    def set_return(self, shipment_id: int, return_id: int) -> None:
        """S1/S2: the return an outbound parcel coming back belongs to (it comes back once)."""
        self.s.execute(
            update(m.ShipmentRow).where(m.ShipmentRow.id == shipment_id).values(return_id=return_id)
        )

    def add_event(self, shipment_id: int, event: str, at: datetime, recorded_at: datetime) -> int:
        row = m.ShipmentEventRow(
            shipment_id=shipment_id,
            order_id=order_of(self.s, m.ShipmentRow, shipment_id),
            type=event,
            happened_at=at,
            recorded_at=recorded_at,
        )
        self.s.add(row)
        self.s.flush()
        return row.id
