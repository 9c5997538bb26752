"""§2 buyer protection: the buyer confirms receipt (which ends protection and completes the
order), is reminded before protection runs out (M2), and may ask the seller to extend it.

Protection starts with the first parcel and ends `protection_days` later, at the time stored on
the order (`Deadlines.protection_ends_at`); the order is `completed` from then on, or from the
moment the buyer confirmed receipt, whichever comes first (`derive_status`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum

from recourse.domain.errors import IllegalTransition, InvalidInput, NotAllowed, RuleConflict
from recourse.domain.order import Order, OrderStatus, derive_status
from recourse.domain.roles import Actor, Role

REASON_MAX = 500
"""How long the buyer's reason for asking more time may be (characters, once trimmed)."""

RUNNING = frozenset({OrderStatus.shipped, OrderStatus.delivered})
"""The statuses in which protection runs: something shipped, the order not yet completed."""


class ExtensionStatus(StrEnum):
    pending = "pending"
    granted = "granted"
    declined = "declined"


EXTENSION_TRANSITIONS: dict[ExtensionStatus, frozenset[ExtensionStatus]] = {
    ExtensionStatus.pending: frozenset({ExtensionStatus.granted, ExtensionStatus.declined}),
    ExtensionStatus.granted: frozenset(),
    ExtensionStatus.declined: frozenset(),
}


def extension_transition(current: ExtensionStatus, target: ExtensionStatus) -> ExtensionStatus:
    if target not in EXTENSION_TRANSITIONS[current]:
        raise IllegalTransition("protection_extension", str(current), str(target))
    return target


def protection_running(order: Order, now: datetime) -> bool:
    """Something shipped, the buyer has not confirmed receipt and protection has not ended."""
    ends = order.deadlines.protection_ends_at
    return ends is not None and now < ends and derive_status(order, now) in RUNNING


def check_is_buyer(actor: Actor, order: Order) -> None:
    """Confirming receipt and asking for more time are the order's buyer's alone."""
    if actor.role is not Role.buyer or actor.user_id != order.buyer_id:
        raise NotAllowed("protection.buyer_only")


def check_is_seller(actor: Actor, order: Order) -> None:
    """Granting or declining more protection is for the store's sellers."""
    if actor.role is not Role.seller or order.store_id not in actor.store_ids:
        raise NotAllowed("protection.seller_only")


def check_protection_running(
    order: Order, now: datetime, *, status: OrderStatus, code: str = "receipt_not_possible"
) -> None:
    """409 with the facts: `protection_ended` (with its end) once the stored end has passed
    without a confirmation, `receipt_not_possible` (with the status, which the caller derived
    with the order's cases and refunds) when nothing shipped yet or the order is finished."""
    ends = order.deadlines.protection_ends_at
    if order.receipt_confirmed_at is None and ends is not None and now >= ends:
        raise RuleConflict("protection_ended", protection_ends_at=ends.isoformat())
    if status not in RUNNING or not protection_running(order, now):
        raise RuleConflict(code, status=str(status))


def confirm_receipt(order: Order, now: datetime) -> Order:
    """The order as it stands once the buyer confirmed receipt: completed, protection over."""
    return replace(
        order,
        receipt_confirmed_at=now,
        deadlines=replace(order.deadlines, protection_ends_at=now),
    )


def reminder_due(order: Order, now: datetime, *, remind_before_hours: int) -> bool:
    """M2: the buyer is reminded once protection has `remind_before_hours` left, while it still
    runs; a reminder scheduled for an end that was since moved later (extended) is early and
    does nothing, one after completion or cancellation does nothing."""
    ends = order.deadlines.protection_ends_at
    if ends is None or not protection_running(order, now):
        return False
    return now >= ends - timedelta(hours=remind_before_hours)


def clean_reason(reason: str) -> str:
    """The buyer's short reason: 1..REASON_MAX characters once trimmed, no control characters
    except line breaks and tabs."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput("reason", "protection.reason_required")
    if len(text) > REASON_MAX:
        raise InvalidInput(
            "reason", "protection.reason_too_long", limit=REASON_MAX, length=len(text)
        )
    for ch in text:
        if ch not in "\n\r\t" and unicodedata.category(ch) in ("Cc", "Cf"):
            raise InvalidInput(
                "reason", "protection.reason_control_character", character=f"U+{ord(ch):04X}"
            )
    return text


def check_days(days: int, *, limit: int) -> int:
    """1..limit whole days (the platform's `protection_extension_max_days`)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        raise InvalidInput("days", "protection.days_out_of_range", limit=limit)
    return days


def extended_end(order: Order, days: int) -> datetime:
    """Where protection ends once extended by `days`."""
    ends = order.deadlines.protection_ends_at
    assert ends is not None
    return ends + timedelta(days=days)
