"""Moved to `db/queries/refunds.py`; this module keeps the old import path
working until every caller imports from there."""

from recourse.db.queries.refunds import (
    RefundView,
    refund,
    refunds_needing_attention,
    refunds_of,
    refunds_of_order,
)

__all__ = [
    "RefundView",
    "refund",
    "refunds_needing_attention",
    "refunds_of",
    "refunds_of_order",
]
