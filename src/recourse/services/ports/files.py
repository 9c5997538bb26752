"""Evidence files (issue 12, item 5): where the bytes are kept and how an upload is cleaned.

A `FileStore` keeps bytes under random keys and hands them back only by key; the local
folder adapter is the default, an S3-compatible bucket the other. An `EvidenceInspector`
decides what an upload is from its content and returns a clean copy, or raises
`InvalidInput("files", …)`: nothing is stored for a bad file. `EvidenceFiles` is the
repository of the `evidence_files` rows: who uploaded what for which order, and which return,
message or dispute holds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from recourse.domain.evidence import EvidenceLimits


@dataclass(frozen=True, slots=True)
class CleanFile:
    """An accepted upload: the bytes to store (images re-encoded without metadata), the media
    type its content proved, and an image's size in pixels (zero for a PDF)."""

    data: bytes
    media_type: str
    width: int = 0
    height: int = 0


class FileStore(Protocol):
    def put(self, data: bytes, *, media_type: str) -> str:
        """Keep `data` and return a new random key for it."""
        ...

    def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None for an unknown or malformed key."""
        ...

    def delete(self, key: str) -> None:
        """Forget `key` (nothing happens for an unknown one)."""
        ...


class EvidenceInspector(Protocol):
    def inspect(self, data: bytes, limits: EvidenceLimits) -> CleanFile: ...


@dataclass(frozen=True, slots=True)
class NewEvidenceFile:
    order_id: int
    uploaded_by_id: int
    uploaded_by_role: str
    storage_key: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One kept file: unattached (`subject` None, the uploader's alone) until a return, message
    or dispute takes it."""

    id: int
    order_id: int
    uploaded_by_id: int
    uploaded_by_role: str
    storage_key: str
    media_type: str
    size: int
    width: int | None
    height: int | None
    name: str
    created_at: datetime
    subject: str | None = None
    subject_id: int | None = None
    attached_at: datetime | None = None


class EvidenceFiles(Protocol):
    def add(self, file: NewEvidenceFile) -> StoredFile: ...
    def get(self, file_id: int, *, for_update: bool = False) -> StoredFile | None: ...
    def get_many(
        self, file_ids: Sequence[int], *, for_update: bool = False
    ) -> list[StoredFile]: ...
    def count_attached(self, subject: str, subject_id: int) -> int: ...
    def attach(
        self, file_ids: Sequence[int], *, subject: str, subject_id: int, at: datetime
    ) -> None: ...
    def delete(self, file_id: int) -> None: ...
