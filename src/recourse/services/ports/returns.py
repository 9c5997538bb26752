"""§4 returns as the services see them (the domain's `Return`), and their repository."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from recourse.domain.returns import Return, ReturnKind, ReturnLine, ReturnStatus


@dataclass(frozen=True, slots=True)
class NewReturn:
    """A return as it opens: a buyer's request (R1) or a parcel coming back (S1, S2)."""

    order_id: int
    store_id: int
    kind: ReturnKind
    status: ReturnStatus
    lines: Sequence[ReturnLine]
    created_at: datetime
    requested_by_role: str
    requested_by_id: int | None = None
    reason: str | None = None
    category: str | None = None
    fault: str | None = None
    description: str | None = None
    respond_by: datetime | None = None
    outbound_shipment_id: int | None = None
    delivered_at: datetime | None = None
    refund_by: datetime | None = None
    due_at: datetime | None = None
    request_key: str | None = None


class Returns(Protocol):
    def add(self, new: NewReturn) -> int: ...
    def get(self, return_id: int, *, for_update: bool = False) -> Return | None: ...
    def id_by_request(self, order_id: int, request_key: str) -> int | None: ...
    def for_order(self, order_id: int) -> list[Return]: ...
    def by_return_shipment(self, shipment_id: int) -> Return | None: ...
    def update(self, return_id: int, **values: Any) -> None: ...
    def delivered_at(self, order_id: int) -> datetime | None:
        """R1: when the carrier last delivered one of the order's parcels to the buyer."""
        ...

    def store_return_address(self, store_id: int) -> str | None: ...
    def set_store_return_address(self, store_id: int, address: str | None) -> None: ...
