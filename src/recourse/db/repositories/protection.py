"""Repository of buyer protection: the confirmation of receipt on the order row, and the
extension requests (§2)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from recourse.db.models.orders import OrderRow
from recourse.db.models.protection import ProtectionExtensionRow
from recourse.db.repositories.writes import note_order
from recourse.domain.protection import ExtensionStatus
from recourse.services.ports.protection import NewExtension, ProtectionExtension


def _extension(row: ProtectionExtensionRow) -> ProtectionExtension:
    return ProtectionExtension(
        id=row.id,
        order_id=row.order_id,
        requested_by_id=row.requested_by_id,
        days=row.days,
        reason=row.reason,
        status=ExtensionStatus(row.status),
        created_at=row.created_at,
        decided_by_id=row.decided_by_id,
        decided_at=row.decided_at,
        ends_before=row.ends_before,
        ends_after=row.ends_after,
    )


class SqlProtection:
    def __init__(self, session: Session) -> None:
        self.s = session

    def confirm_receipt(self, order_id: int, at: datetime) -> None:
        self.s.execute(
            update(OrderRow).where(OrderRow.id == order_id).values(receipt_confirmed_at=at)
        )
        self.s.expire_all()

    def add_extension(self, extension: NewExtension) -> int:
        row = ProtectionExtensionRow(
            order_id=extension.order_id,
            requested_by_id=extension.requested_by_id,
            days=extension.days,
            reason=extension.reason,
            status=str(ExtensionStatus.pending),
            created_at=extension.at,
        )
        self.s.add(row)
        self.s.flush()
        note_order(self.s, extension.order_id)
        return row.id

    def get_extension(
        self, extension_id: int, *, for_update: bool = False
    ) -> ProtectionExtension | None:
        stmt = select(ProtectionExtensionRow).where(ProtectionExtensionRow.id == extension_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.s.scalar(stmt)
        return _extension(row) if row is not None else None

    def pending_extension(self, order_id: int) -> ProtectionExtension | None:
        row = self.s.scalar(
            select(ProtectionExtensionRow)
            .where(
                ProtectionExtensionRow.order_id == order_id,
                ProtectionExtensionRow.status == str(ExtensionStatus.pending),
            )
            .order_by(ProtectionExtensionRow.id.desc())
            .limit(1)
        )
        return _extension(row) if row is not None else None

    def decide_extension(
        self,
        extension_id: int,
        *,
        status: ExtensionStatus,
        by: int,
        at: datetime,
        ends_before: datetime | None = None,
        ends_after: datetime | None = None,
    ) -> None:
        row = self.s.get(ProtectionExtensionRow, extension_id)
        assert row is not None
        row.status = str(status)
        row.decided_by_id = by
        row.decided_at = at
        row.ends_before = ends_before
        row.ends_after = ends_after
