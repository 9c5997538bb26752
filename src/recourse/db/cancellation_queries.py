"""Moved to `db/queries/cancellations.py`; this module keeps the old import path
working until every caller imports from there."""

from recourse.db.queries.cancellations import (
    CancellationView,
    StoreMetrics,
    cancellation,
    cancellations_of_order,
    pending_requests,
    store_metrics,
)

__all__ = [
    "CancellationView",
    "StoreMetrics",
    "cancellation",
    "cancellations_of_order",
    "pending_requests",
    "store_metrics",
]
