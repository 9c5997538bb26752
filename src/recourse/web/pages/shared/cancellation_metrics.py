"""Each store's cancellation figures (C11), as the seller's requests inbox and support's
metrics page both show them."""

from __future__ import annotations

from typing import Any

from recourse.db.queries.cancellations import StoreMetrics
from recourse.i18n import N_, Words

METRICS_NOTE = N_(
    "Cancellation rate: the share of paid orders with at least one cancelled item. "
    "Seller-fault cancellations (out of stock, cannot ship, a wrong price, shipping late) "
    "count against the store; the buyer's own changes of mind do not."
)
"""A msgid: the pages translate it for their reader."""


def metric_rows(metrics: list[StoreMetrics], words: Words) -> list[dict[str, Any]]:
    return [
        {
            "m": x,
            "rate": "—"
            if x.cancellation_rate_percent is None
            else words._(N_("%(rate)s%%"), rate=f"{x.cancellation_rate_percent:g}"),
        }
        for x in metrics
    ]
