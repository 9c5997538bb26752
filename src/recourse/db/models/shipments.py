"""Rows of shipments: the parcel, the units it carries, carrier events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from recourse.db.models.base import Base, Id


class ShipmentRow(Base):
    __tablename__ = "shipments"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(100))
    tracking_number: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(24))
    shipped_at: Mapped[datetime]
    # "outbound" (the seller's parcel) or "return" (the buyer's parcel back, for `return_id`)
    direction: Mapped[str] = mapped_column(
        String(16), default="outbound", server_default="outbound"
    )
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id", use_alter=True))
    lines: Mapped[list[ShipmentLineRow]] = relationship(lazy="selectin")


class ShipmentLineRow(Base):
    __tablename__ = "shipment_lines"
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    quantity: Mapped[int]


class ShipmentEventRow(Base):
    __tablename__ = "shipment_events"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    type: Mapped[str] = mapped_column(String(24))
    happened_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
