"""Reads of evidence files (SPEC T6): the files a return, message or dispute holds, for its
pages and API answers. Only attached files are listed; who may fetch the bytes is decided when
`/files/{id}` is asked (`services.evidence.file_for`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db.models.evidence import EvidenceFileRow

PAGE_URL = "/files/{id}"
API_URL = "/api/v1/files/{id}"


@dataclass(frozen=True, slots=True)
class FileView:
    id: int
    name: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    url: str

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


def view(row: EvidenceFileRow, *, api: bool = False) -> FileView:
    return FileView(
        id=row.id,
        name=row.name,
        media_type=row.media_type,
        size=row.size,
        width=row.width,
        height=row.height,
        url=(API_URL if api else PAGE_URL).format(id=row.id),
    )


def files_of(
    session: Session, subject: str, ids: Iterable[int], *, api: bool = False
) -> dict[int, list[FileView]]:
    """The files attached to each of the subjects `ids` of kind `subject` ("return",
    "message", "dispute"), oldest first; a subject without files maps to an empty list.
    `url` is the page's `/files/{id}`, or the API's `/api/v1/files/{id}` with `api=True`."""
    wanted = list(dict.fromkeys(ids))
    found: dict[int, list[FileView]] = {subject_id: [] for subject_id in wanted}
    if not wanted:
        return found
    rows = session.scalars(
        select(EvidenceFileRow)
        .where(EvidenceFileRow.subject == subject, EvidenceFileRow.subject_id.in_(wanted))
        .order_by(EvidenceFileRow.id)
    )
    for row in rows:
        assert row.subject_id is not None
        found[row.subject_id].append(view(row, api=api))
    return found
