"""Repository of evidence files (SPEC T6): the rows of what was uploaded; the bytes are the
file store's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from recourse.db.models.evidence import EvidenceFileRow
from recourse.db.repositories.writes import note_order
from recourse.services.ports.files import NewEvidenceFile, StoredFile


def _file(row: EvidenceFileRow) -> StoredFile:
    return StoredFile(
        id=row.id,
        order_id=row.order_id,
        uploaded_by_id=row.uploaded_by_id,
        uploaded_by_role=row.uploaded_by_role,
        storage_key=row.storage_key,
        media_type=row.media_type,
        size=row.size,
        width=row.width,
        height=row.height,
        name=row.name,
        created_at=row.created_at,
        subject=row.subject,
        subject_id=row.subject_id,
        attached_at=row.attached_at,
    )


class SqlEvidenceFiles:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, file: NewEvidenceFile) -> StoredFile:
        row = EvidenceFileRow(
            order_id=file.order_id,
            uploaded_by_id=file.uploaded_by_id,
            uploaded_by_role=file.uploaded_by_role,
            storage_key=file.storage_key,
            media_type=file.media_type,
            size=file.size,
            width=file.width,
            height=file.height,
            name=file.name,
            created_at=file.created_at,
        )
        self.s.add(row)
        self.s.flush()
        note_order(self.s, file.order_id)
        return _file(row)

    def get(self, file_id: int, *, for_update: bool = False) -> StoredFile | None:
        stmt = select(EvidenceFileRow).where(EvidenceFileRow.id == file_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = self.s.scalar(stmt)
        return _file(row) if row is not None else None

    def get_many(self, file_ids: Sequence[int], *, for_update: bool = False) -> list[StoredFile]:
        if not file_ids:
            return []
        stmt = (
            select(EvidenceFileRow)
            .where(EvidenceFileRow.id.in_(list(file_ids)))
            .order_by(EvidenceFileRow.id)
        )
        if for_update:
            stmt = stmt.with_for_update()
        return [_file(row) for row in self.s.scalars(stmt)]

    def count_attached(self, subject: str, subject_id: int) -> int:
        return int(
            self.s.scalar(
                select(func.count())
                .select_from(EvidenceFileRow)
                .where(EvidenceFileRow.subject == subject, EvidenceFileRow.subject_id == subject_id)
            )
            or 0
        )

    def attach(
        self, file_ids: Sequence[int], *, subject: str, subject_id: int, at: datetime
    ) -> None:
        self.s.execute(
            update(EvidenceFileRow)
            .where(EvidenceFileRow.id.in_(list(file_ids)), EvidenceFileRow.subject.is_(None))
            .values(subject=subject, subject_id=subject_id, attached_at=at)
            .execution_options(synchronize_session=False)
        )
        self.s.expire_all()

    def delete(self, file_id: int) -> None:
        self.s.execute(delete(EvidenceFileRow).where(EvidenceFileRow.id == file_id))
