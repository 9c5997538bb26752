"""§3 cancellation, every path: instant, by request (answered or not), by the seller, and by
the platform when a deadline passes. Each completed cancellation of paid units creates its
refund through the ledger in the same transaction (C4, C7, C8, F1).

preview     C1/C6 eligibility and the quote, shared by every path
cancel      the buyer or the seller cancels (at once, or as a request)
requests    the request: opened, approved, rejected, withdrawn
completion  units cancelled and refunded
deadlines   what a passed deadline decides (silence approves, overdue and unpaid orders)
notices     the events, notifications and emails each step sends
"""

from recourse.domain.cancellation import quote_fingerprint
from recourse.domain.cancellation_request import REJECTION_REASONS
from recourse.services.cancellations.cancel import cancel_order
from recourse.services.cancellations.deadlines import (
    overdue_autocancel,
    overdue_reminder,
    payment_window_ended,
    request_reminder,
    respond_by_passed,
)
from recourse.services.cancellations.preview import (
    CancellationBlocked,
    Preview,
    blocked_error,
    preview_cancellation,
)
from recourse.services.cancellations.requests import (
    RESPOND_BY,
    RESPOND_REMINDER,
    approve_cancellation,
    reject_cancellation,
    withdraw_cancellation,
)

__all__ = [
    "REJECTION_REASONS",
    "RESPOND_BY",
    "RESPOND_REMINDER",
    "CancellationBlocked",
    "Preview",
    "approve_cancellation",
    "blocked_error",
    "cancel_order",
    "overdue_autocancel",
    "overdue_reminder",
    "payment_window_ended",
    "preview_cancellation",
    "quote_fingerprint",
    "reject_cancellation",
    "request_reminder",
    "respond_by_passed",
    "withdraw_cancellation",
]
