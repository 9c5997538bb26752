"""C4, C9, C10, C11: a buyer's request to the seller — the answer it waits for, what it blocks
while it waits, and what its `respond_by` deadline decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from recourse.domain.cancellation import CancellationStatus
from recourse.domain.errors import InvalidInput, RuleConflict


class RejectionReason(StrEnum):
    already_shipped = "already_shipped"
    made_to_order = "made_to_order"
    buyer_agreed_to_keep = "buyer_agreed_to_keep"
    other = "other"


REJECTION_REASONS = tuple(str(r) for r in RejectionReason)


def _given(text: str | None) -> bool:
    return bool(text and text.strip())


def check_rejection(
    reason: str, *, note: str | None, carrier: str | None, tracking_number: str | None
) -> RejectionReason:
    """C9/C10: the seller names why; `other` explains itself, and a parcel that already left
    is named by its carrier and tracking number."""
    try:
        code = RejectionReason(reason)
    except ValueError:
        raise InvalidInput(
            "reason", "cancellation.rejection_reason", allowed=list(REJECTION_REASONS)
        ) from None
    if code is RejectionReason.other and not _given(note):
        raise InvalidInput("note", "cancellation.rejection_note")
    if code is RejectionReason.already_shipped:
        if not _given(carrier):
            raise InvalidInput("carrier", "cancellation.rejection_carrier")
        if not _given(tracking_number):
            raise InvalidInput("tracking_number", "cancellation.rejection_tracking_number")
    return code


def rejection_ships(reason: RejectionReason) -> bool:
    """C9: rejecting because the parcel left records that parcel, so shipping wins the race."""
    return reason is RejectionReason.already_shipped


class PendingRequest(Protocol):
    """A request still waiting for the seller's answer (any record with these facts)."""

    @property
    def id(self) -> int: ...
    @property
    def units(self) -> Mapping[int, int]: ...
    @property
    def respond_by(self) -> datetime | None: ...


def check_shipping_allowed(pending: PendingRequest | None, line_ids: Iterable[int]) -> None:
    """C9: lines the buyer asked to cancel do not ship until the seller rejects the request, so
    exactly one of "cancelled" and "shipped" wins."""
    if pending is None or not set(pending.units) & set(line_ids):
        return
    raise RuleConflict(
        "cancellation_pending",
        cancellation_id=pending.id,
        respond_by=pending.respond_by.isoformat() if pending.respond_by else None,
    )


def request_expired(status: CancellationStatus, respond_by: datetime | None, now: datetime) -> bool:
    """C4: a request still pending at its `respond_by` is approved by the seller's silence."""
    return (
        status is CancellationStatus.pending_seller and respond_by is not None and now >= respond_by
    )


def reminder_useful(status: CancellationStatus, respond_by: datetime | None, now: datetime) -> bool:
    """C11: the seller is reminded only while an answer can still make a difference."""
    return (
        status is CancellationStatus.pending_seller and respond_by is not None and now < respond_by
    )
