"""The seller's pages, one module per capability: orders, shipping, cancellations."""

from __future__ import annotations

from recourse.web.pages.seller import cancellations, orders, protection, returns, shipping
from recourse.web.pages.seller import conversation as conversation_pages
from recourse.web.pages.seller import disputes as dispute_pages
from recourse.web.routers import gathered

# the routes of each module, in this order (docs: recourse/web/routers.py)
router = gathered(
    conversation_pages,
    orders,
    shipping,
    cancellations,
    protection,
    returns,
    dispute_pages,
)
