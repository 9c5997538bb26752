"""The buyer's pages, one module per capability: orders, cancellations, refunds."""

from __future__ import annotations

from recourse.web.pages.buyer import cancellations, orders, receipt, refunds, returns
from recourse.web.pages.buyer import conversation as conversation_pages
from recourse.web.pages.buyer import disputes as dispute_pages
from recourse.web.routers import gathered

# the routes of each module, in this order (docs: recourse/web/routers.py)
router = gathered(
    conversation_pages,
    orders,
    refunds,
    cancellations,
    receipt,
    returns,
    dispute_pages,
)
