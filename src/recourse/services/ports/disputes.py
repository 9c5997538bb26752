"""§5 disputes as the services see them (the domain's `Dispute`), and their repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from recourse.domain.disputes import Dispute, DisputeStatus, DisputeType, Party, Wanted


@dataclass(frozen=True, slots=True)
class NewDispute:
    """A dispute as the buyer opens it (D1, D2), waiting for the seller until `respond_by`."""

    order_id: int
    store_id: int
    type: DisputeType
    status: DisputeStatus
    wanted: Wanted
    amount: int | None
    description: str
    opened_by_id: int
    opened_at: datetime
    respond_by: datetime
    escalate_at: datetime
    due_at: datetime
    cancellation_id: int | None = None
    return_id: int | None = None
    refund_id: int | None = None
    request_key: str | None = None


class Disputes(Protocol):
    def add(self, new: NewDispute) -> int:
        """Raises RuleConflict `dispute_already_open` when the order has an open dispute (the
        unique `open_order_id` decides, also between concurrent openings)."""
        ...

    def get(self, dispute_id: int, *, for_update: bool = False) -> Dispute | None: ...
    def id_by_request(self, order_id: int, request_key: str) -> int | None: ...
    def for_order(self, order_id: int) -> list[Dispute]: ...
    def update(self, dispute_id: int, **values: Any) -> None:
        """Set columns; `status` also sets `open_order_id` (the order's id while open)."""
        ...

    def add_proposal(
        self,
        dispute_id: int,
        *,
        party: Party,
        wanted: Wanted,
        amount: int | None,
        note: str | None,
        at: datetime,
    ) -> int: ...
    def add_info_request(
        self,
        dispute_id: int,
        *,
        party: Party,
        question: str,
        due_at: datetime,
        asked_by_id: int,
        at: datetime,
    ) -> int: ...
    def answer_info(self, request_id: int, *, answer: str, at: datetime) -> None: ...
    def dispute_of_info_request(self, request_id: int) -> int | None: ...
    def cancellation_rejected_at(self, cancellation_id: int) -> datetime | None:
        """C10: when the seller rejected this cancellation (None if it was not rejected)."""
        ...

    def latest_rejected_cancellation(self, order_id: int) -> int | None: ...
    def latest_unarrived_refund(self, order_id: int) -> int | None:
        """F5: the order's latest refund that has not succeeded (nor failed)."""
        ...

    def refunded_by(self, order_id: int, cause_ref: str) -> int:
        """What the refunds with this cause reference pay back (failed ones do not count)."""
        ...

    def is_support(self, user_id: int) -> bool: ...
