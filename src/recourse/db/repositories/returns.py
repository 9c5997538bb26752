"""Repository of returns (R1-R5) and parcels coming back (S1, S2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from recourse.db import models as m
from recourse.db.repositories.preload import held_in_order
from recourse.db.repositories.writes import hold, new_mapped, set_columns
from recourse.domain.reasons import Fault
from recourse.domain.returns import (
    Condition,
    OfferStatus,
    ReasonCategory,
    Return,
    ReturnKind,
    ReturnLine,
    ReturnStatus,
)
from recourse.services.ports.returns import NewReturn

_ENUMS = ("status", "kind", "category", "fault", "offer_status", "condition")


def return_from_row(row: m.ReturnRow) -> Return:
    return Return(
        id=row.id,
        order_id=row.order_id,
        store_id=row.store_id,
        kind=ReturnKind(row.kind),
        status=ReturnStatus(row.status),
        lines=tuple(
            ReturnLine(line_id=x.line_id, quantity=x.quantity)
            for x in sorted(row.lines, key=lambda x: x.line_id)
        ),
        created_at=row.created_at,
        requested_by_role=row.requested_by_role,
        requested_by_id=row.requested_by_id,
        reason=row.reason,
        category=ReasonCategory(row.category) if row.category else None,
        fault=Fault(row.fault) if row.fault else None,
        description=row.description,
        respond_by=row.respond_by,
        decided_at=row.decided_at,
        decided_by_role=row.decided_by_role,
        decided_by_id=row.decided_by_id,
        return_address=row.return_address,
        decline_reason=row.decline_reason,
        offer_amount=row.offer_amount,
        offer_status=OfferStatus(row.offer_status) if row.offer_status else None,
        offer_answer_by=row.offer_answer_by,
        ship_by=row.ship_by,
        carrier=row.carrier,
        tracking_number=row.tracking_number,
        shipped_at=row.shipped_at,
        return_shipment_id=row.return_shipment_id,
        outbound_shipment_id=row.outbound_shipment_id,
        delivered_at=row.delivered_at,
        refund_by=row.refund_by,
        received_at=row.received_at,
        condition=Condition(row.condition) if row.condition else None,
        problem_note=row.problem_note,
        refund_id=row.refund_id,
        closed_at=row.closed_at,
        due_at=row.due_at,
    )


class SqlReturns:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, new: NewReturn) -> int:
        n = new
        row = new_mapped(
            m.ReturnRow,
            order_id=n.order_id,
            store_id=n.store_id,
            kind=str(n.kind),
            status=str(n.status),
            reason=n.reason,
            category=n.category,
            fault=n.fault,
            description=n.description,
            requested_by_role=n.requested_by_role,
            requested_by_id=n.requested_by_id,
            request_key=n.request_key,
            created_at=n.created_at,
            respond_by=n.respond_by,
            outbound_shipment_id=n.outbound_shipment_id,
            delivered_at=n.delivered_at,
            refund_by=n.refund_by,
            due_at=n.due_at,
        )
        row.lines = [
            new_mapped(m.ReturnLineRow, line_id=x.line_id, quantity=x.quantity, order_id=n.order_id)
            for x in sorted(n.lines, key=lambda x: x.line_id)
        ]
        self.s.add(row)
        self.s.flush()
        hold(self.s, row)
        return row.id

    def get(self, return_id: int, *, for_update: bool = False) -> Return | None:
        if for_update:
            stmt = (
                select(m.ReturnRow)
                .where(m.ReturnRow.id == return_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            row = self.s.scalars(stmt).first()
        else:
            row = self.s.get(m.ReturnRow, return_id)
        hold(self.s, row)
        return return_from_row(row) if row else None

    def id_by_request(self, order_id: int, request_key: str) -> int | None:
        return self.s.scalar(
            select(m.ReturnRow.id).where(
                m.ReturnRow.order_id == order_id, m.ReturnRow.request_key == request_key
            )
        )

    def for_order(self, order_id: int) -> list[Return]:
        held = held_in_order(self.s, m.ReturnRow, order_id, "created_at")
        if held is not None:  # the transaction locked the order and holds its returns
            return [return_from_row(r) for r in held]
        rows = self.s.scalars(
            select(m.ReturnRow)
            .where(m.ReturnRow.order_id == order_id)
            .options(selectinload(m.ReturnRow.lines))
            .order_by(m.ReturnRow.created_at, m.ReturnRow.id)
        )
        return [return_from_row(r) for r in rows]

    def by_return_shipment(self, shipment_id: int) -> Return | None:
        row = self.s.scalars(
            select(m.ReturnRow).where(m.ReturnRow.return_shipment_id == shipment_id)
        ).first()
        return return_from_row(row) if row else None

    def update(self, return_id: int, **values: Any) -> None:
        """Set on the row the session holds; written with the next flush."""
        for name in _ENUMS:
            if values.get(name) is not None:
                values[name] = str(values[name])
        set_columns(self.s, m.ReturnRow, return_id, values)

    def delivered_at(self, order_id: int) -> datetime | None:
        return self.s.scalar(
            select(func.max(m.ShipmentEventRow.happened_at))
            .join(m.ShipmentRow, m.ShipmentRow.id == m.ShipmentEventRow.shipment_id)
            .where(
                m.ShipmentRow.order_id == order_id,
                m.ShipmentRow.direction == "outbound",
                m.ShipmentEventRow.type == "delivered",
            )
        )

    def store_return_address(self, store_id: int) -> str | None:
        return self.s.scalar(select(m.StoreRow.return_address).where(m.StoreRow.id == store_id))

    def set_store_return_address(self, store_id: int, address: str | None) -> None:
        set_columns(self.s, m.StoreRow, store_id, {"return_address": address})
