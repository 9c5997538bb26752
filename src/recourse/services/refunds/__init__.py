"""§6 refunds: record (F1, F2), send exactly once (F3), follow the provider (F4), date (F5).

A refund is recorded in the transaction of whatever causes it (txn 1), sent to the gateway by
the worker with its own idempotency key and no transaction open, and the answer recorded in a
second transaction (txn 2). Repeating the send after a crash reuses the key, so the provider
pays once.

ledger   record a refund with its expected date (F1, F2, F5)
manual   support's refunds by hand
gateway  what is sent, the gateway's answers and look-ups, the checks that follow (F3, F4, T1)
retry    support sends a failed or stuck refund again
notices  the events, notifications and emails each step sends
"""

from recourse.services.refunds.gateway import (
    CHECK,
    FIRST_CHECK_AFTER,
    MAX_CHECK_INTERVAL,
    RETRY_LOOKUP_AFTER_SECONDS,
    find_by_reference,
    follow_gateway_hint,
    look_up,
    pending_send,
    record_gateway_answer,
    record_send_failure,
    schedule_check,
    still_processing,
)
from recourse.services.refunds.ledger import SEND, expected_if_issued_now, record_refund
from recourse.services.refunds.manual import issue_manual_refund, quote_manual_refund
from recourse.services.refunds.retry import retry_refund

__all__ = [
    "CHECK",
    "FIRST_CHECK_AFTER",
    "MAX_CHECK_INTERVAL",
    "RETRY_LOOKUP_AFTER_SECONDS",
    "SEND",
    "expected_if_issued_now",
    "find_by_reference",
    "follow_gateway_hint",
    "issue_manual_refund",
    "look_up",
    "pending_send",
    "quote_manual_refund",
    "record_gateway_answer",
    "record_refund",
    "record_send_failure",
    "retry_refund",
    "schedule_check",
    "still_processing",
]
