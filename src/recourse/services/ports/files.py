"""Evidence files (issue 12, item 5): where the bytes are kept and how an upload is cleaned.

A `FileStore` keeps bytes under random keys and hands them back only by key; the local
folder adapter is the default (an S3-compatible adapter is a later step). An
`EvidenceInspector` decides what an upload is from its content and returns a clean copy, or
raises `InvalidInput("files", …)`: nothing is stored for a bad file.
"""

from __future__ import annotations

from dataclasses import dataclass
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
