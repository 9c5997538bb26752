"""§2 buyer protection: the buyer's confirmation of receipt, and the extensions of protection
the buyer asks the seller for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from recourse.domain.protection import ExtensionStatus


@dataclass(frozen=True, slots=True)
class NewExtension:
    order_id: int
    requested_by_id: int
    days: int
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ProtectionExtension:
    id: int
    order_id: int
    requested_by_id: int
    days: int
    reason: str
    status: ExtensionStatus
    created_at: datetime
    decided_by_id: int | None = None
    decided_at: datetime | None = None
    ends_before: datetime | None = None
    """When protection ended before a grant moved it (set when granted)."""
    ends_after: datetime | None = None


class Protection(Protocol):
    def confirm_receipt(self, order_id: int, at: datetime) -> None:
        """Store the buyer's confirmation on the order (`receipt_confirmed_at`)."""
        ...

    def add_extension(self, extension: NewExtension) -> int: ...
    def get_extension(
        self, extension_id: int, *, for_update: bool = False
    ) -> ProtectionExtension | None: ...
    def pending_extension(self, order_id: int) -> ProtectionExtension | None: ...
    def decide_extension(
        self,
        extension_id: int,
        *,
        status: ExtensionStatus,
        by: int,
        at: datetime,
        ends_before: datetime | None = None,
        ends_after: datetime | None = None,
    ) -> None: ...
