"""Moved to `db/queries/cancellations.py` and `db/queries/platform.py`; this module keeps the
old import path working until every caller imports from there."""

from recourse.db.queries.cancellations import (
    InboxOrder,
    inbox_orders,
    pending_request_count,
)
from recourse.db.queries.platform import (
    platform_policy,
)

__all__ = [
    "InboxOrder",
    "inbox_orders",
    "pending_request_count",
    "platform_policy",
]
