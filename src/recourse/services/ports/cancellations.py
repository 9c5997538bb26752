"""§3 cancellations as the services see them, and their repository."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from recourse.domain.cancellation import CancellationStatus


@dataclass(frozen=True, slots=True)
class Cancellation:
    id: int
    order_id: int
    store_id: int
    status: CancellationStatus
    initiator: str
    mode: str
    reason: str
    fault: str
    note: str | None
    whole_order: bool
    units: Mapping[int, int]
    requested_by_role: str
    requested_by_id: int | None
    respond_by: datetime | None
    refund_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewCancellation:
    order_id: int
    store_id: int
    status: CancellationStatus
    initiator: str
    mode: str
    reason: str
    fault: str
    note: str | None
    whole_order: bool
    units: Mapping[int, int]
    requested_by_role: str
    requested_by_id: int | None
    respond_by: datetime | None
    created_at: datetime
    request_key: str | None = None


class Cancellations(Protocol):
    def add(self, cancellation: NewCancellation) -> int: ...
    def id_by_request(self, order_id: int, request_key: str) -> int | None: ...
    def get(self, cancellation_id: int, *, for_update: bool = False) -> Cancellation | None: ...
    def pending_for_order(self, order_id: int) -> Cancellation | None: ...
    def update(self, cancellation_id: int, **values: Any) -> None: ...
