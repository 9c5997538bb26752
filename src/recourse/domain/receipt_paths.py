"""H1 for confirming receipt and buyer protection (§2): the buyer's `confirm_receipt` — open
while protection runs (it closes when protection ends), closed before anything ships (it opens
with the first parcel, a time nobody knows) and once the order is completed; the seller's
`extend_protection` — open only while the buyer's request for more time waits for an answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from recourse.domain.options import Option, PathName, Situation
from recourse.domain.order import OrderStatus, derive_status
from recourse.domain.protection import protection_running
from recourse.domain.roles import Role

HELP = "confirm-receipt-and-protection"

BEFORE_SHIPMENT = frozenset(
    {OrderStatus.awaiting_payment, OrderStatus.payment_review, OrderStatus.awaiting_shipment}
)


def _confirm_receipt(situation: Situation) -> Option:
    order, now = situation.order, situation.now
    ends = order.deadlines.protection_ends_at
    facts: dict[str, Any]
    if protection_running(order, now):
        return Option(PathName.confirm_receipt, open=True, closes_at=ends, help=HELP)
    status = derive_status(order, now)
    if status in BEFORE_SHIPMENT:
        blocker, facts = "not_shipped_yet", {"status": str(status)}
    elif status is OrderStatus.cancelled:
        blocker, facts = "order_cancelled", {}
    else:
        completed = order.receipt_confirmed_at or ends
        blocker = "order_completed"
        facts = {
            "completed_at": completed.isoformat() if completed else None,
            "receipt_confirmed": order.receipt_confirmed_at is not None,
        }
    return Option(PathName.confirm_receipt, open=False, blocker=blocker, facts=facts, help=HELP)


def _extend_protection(situation: Situation) -> Option:
    order, now = situation.order, situation.now
    request_id = situation.extension_request
    if request_id is not None and protection_running(order, now):
        return Option(
            PathName.extend_protection,
            open=True,
            facts={"request_id": request_id},
            closes_at=order.deadlines.protection_ends_at,
            help=HELP,
        )
    return Option(PathName.extend_protection, open=False, blocker="no_extension_request", help=HELP)


def receipt_paths(situation: Situation) -> Sequence[Option]:
    """The buyer's `confirm_receipt` on their own order, the store's sellers'
    `extend_protection`; nobody else has either."""
    viewer, order = situation.viewer, situation.order
    if viewer.role is Role.buyer and viewer.user_id == order.buyer_id:
        return (_confirm_receipt(situation),)
    if viewer.role is Role.seller and order.store_id in viewer.store_ids:
        return (_extend_protection(situation),)
    return ()
