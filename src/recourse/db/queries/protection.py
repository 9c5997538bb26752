"""Reads of buyer protection (§2): a request for more protection, and the one waiting on an
order, for the seller's answer page and the buyer's confirm-receipt page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db.models.protection import ProtectionExtensionRow


@dataclass(frozen=True, slots=True)
class ExtensionView:
    id: int
    order_id: int
    days: int
    reason: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    ends_after: datetime | None


def _view(row: ProtectionExtensionRow) -> ExtensionView:
    return ExtensionView(
        id=row.id,
        order_id=row.order_id,
        days=row.days,
        reason=row.reason,
        status=row.status,
        created_at=row.created_at,
        decided_at=row.decided_at,
        ends_after=row.ends_after,
    )


def extension(session: Session, request_id: int) -> ExtensionView | None:
    row = session.get(ProtectionExtensionRow, request_id)
    return _view(row) if row is not None else None


def pending_extension(session: Session, order_id: int) -> ExtensionView | None:
    row = session.scalar(
        select(ProtectionExtensionRow)
        .where(
            ProtectionExtensionRow.order_id == order_id,
            ProtectionExtensionRow.status == "pending",
        )
        .order_by(ProtectionExtensionRow.id.desc())
        .limit(1)
    )
    return _view(row) if row is not None else None
