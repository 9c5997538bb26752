"""§10: which of an order's stored deadlines have passed with their consequence still to apply.

Reads, actions and the worker all ask this one question, so a passed deadline decides what
everyone sees and may do, whether or not the worker was running when it passed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from recourse.domain.cancellation import (
    CancellationStatus,
    overdue_autocancel_at,
    overdue_autocancel_due,
)
from recourse.domain.cancellation_request import request_expired
from recourse.domain.disputes import Dispute, dispute_due_now
from recourse.domain.errors import RuleConflict
from recourse.domain.order import Order, OrderStatus, derive_status, unpaid_expired
from recourse.domain.policy import PlatformPolicy
from recourse.domain.returns import Return, return_due


class Deadline(StrEnum):
    """The deadlines whose consequence changes state (the outbox names them the same way)."""

    respond_by = "cancellation.respond_by"
    overdue_autocancel = "order.overdue_autocancel"
    payment_window_ends = "order.payment_window_ends"
    protection_ends = "order.protection_ends"
    # §4 a return's deadlines (the subject is the return)
    return_respond_by = "return.respond_by"
    return_offer_answer_by = "return.offer_answer_by"
    return_ship_by = "return.ship_by"
    return_refund_by = "return.refund_by"
    # §5 a dispute's deadlines (the subject is the dispute)
    dispute_respond_by = "dispute.respond_by"
    dispute_escalate_at = "dispute.escalate_at"
    dispute_appeal_by = "dispute.appeal_by"


@dataclass(frozen=True, slots=True)
class Due:
    """A passed deadline: its name, the object it governs, and when it passed."""

    deadline: Deadline
    subject_id: int
    at: datetime


class RequestDeadline(Protocol):
    """A cancellation request's answer-by deadline (any record with these facts)."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> CancellationStatus: ...
    @property
    def respond_by(self) -> datetime | None: ...


def due_now(
    order: Order,
    requests: Iterable[RequestDeadline],
    platform: PlatformPolicy,
    now: datetime,
    *,
    stored_status: str | None = None,
    returns: Iterable[Return] = (),
    disputes: Iterable[Dispute] = (),
) -> list[Due]:
    """C2/C4/§2/§4/§5: the consequences still to apply, in the order they apply: silence
    approves a request, and a return's or a dispute's passed deadline decides it, before the
    order's own deadlines are looked at."""
    due = [
        Due(Deadline.respond_by, r.id, r.respond_by)
        for r in requests
        if r.respond_by is not None and request_expired(r.status, r.respond_by, now)
    ]
    for ret in returns:
        passed = return_due(ret, now)
        if passed is not None:
            due.append(Due(Deadline(passed.name), passed.return_id, passed.at))
    for dispute in disputes:
        decided = dispute_due_now(dispute, now)
        if decided is not None:
            due.append(Due(Deadline(decided.name), decided.dispute_id, decided.at))
    autocancel_at = overdue_autocancel_at(order, platform)
    if autocancel_at is not None and overdue_autocancel_due(order, now, platform):
        due.append(Due(Deadline.overdue_autocancel, order.id, autocancel_at))
    if order.deadlines.pay_by is not None and unpaid_expired(order, now):
        due.append(Due(Deadline.payment_window_ends, order.id, order.deadlines.pay_by))
    ends = order.deadlines.protection_ends_at
    # a stored `closed` is the completed order with everything settled (§2): nothing to apply
    settled = stored_status == str(OrderStatus.closed)
    if (
        ends is not None
        and now >= ends
        and not settled
        and stored_status != str(derive_status(order, now))
    ):
        due.append(Due(Deadline.protection_ends, order.id, ends))
    return due


def check_request_unanswered(
    status: CancellationStatus, respond_by: datetime | None, now: datetime
) -> None:
    """C4: once `respond_by` has passed, silence has answered; a late answer names the deadline."""
    if status is CancellationStatus.auto_approved and respond_by is not None and now >= respond_by:
        raise RuleConflict(
            "respond_by_passed",
            respond_by=respond_by.isoformat(),
            status=str(status),
        )


def check_not_autocancelled(order: Order, platform: PlatformPolicy, now: datetime) -> None:
    """C4: an order its seller left unshipped past the auto-cancel time has cancelled itself."""
    autocancel_at = overdue_autocancel_at(order, platform)
    if (
        autocancel_at is not None
        and now >= autocancel_at
        and all(line.qty.shipped == 0 for line in order.lines)
        and not any(line.qty.active for line in order.lines)
    ):
        raise RuleConflict(
            "overdue_autocancelled",
            ship_by=order.deadlines.ship_by.isoformat() if order.deadlines.ship_by else None,
            autocancel_at=autocancel_at.isoformat(),
        )
