"""§6 the refund ledger as the services see it (F1), and its repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from recourse.domain.refund import RefundedSoFar, RefundQuote, RefundStatus


@dataclass(frozen=True, slots=True)
class Refund:
    """A refund as the services see it (F1)."""

    id: int
    order_id: int
    status: RefundStatus
    amount: int
    currency: str
    method: str
    cause: str
    gateway: str
    idempotency_key: str
    gateway_reference: str | None
    trace_number: str | None
    attempts: int
    needs_attention: bool
    expected_earliest: date
    expected_latest: date
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewRefund:
    order_id: int
    quote: RefundQuote
    cause_ref: str | None
    reason: str | None
    note: str | None
    created_by_role: str
    created_by_id: int | None
    gateway: str
    expected_earliest: date
    expected_latest: date
    created_at: datetime


class Refunds(Protocol):
    def add(self, refund: NewRefund) -> int: ...
    def get(self, refund_id: int, *, for_update: bool = False) -> Refund | None: ...
    def so_far(self, order_id: int) -> RefundedSoFar: ...
    def update(self, refund_id: int, **values: Any) -> None: ...
    def id_by_reference(self, gateway: str, reference: str) -> int | None: ...
    def id_by_cause(self, order_id: int, cause_ref: str) -> int | None: ...
    def add_attempt(
        self,
        refund_id: int,
        *,
        at: datetime,
        kind: str,
        status: str | None = None,
        reference: str | None = None,
        trace_number: str | None = None,
        error: str | None = None,
    ) -> None:
        """F3-F5: the gateway's history of a refund, one row per answer or failed send."""
        ...
