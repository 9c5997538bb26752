"""Support's pages, one module per capability: orders, refunds, cancellations, webhooks and
the outbox's dead letters."""

from __future__ import annotations

from recourse.web.pages.support import (
    cancellations,
    dashboard,
    dispute_queue,
    disputes,
    orders,
    outbox,
    refunds,
    returns,
    webhooks,
)
from recourse.web.pages.support import conversation as conversation_pages
from recourse.web.routers import gathered

# the routes of each module, in this order (docs: recourse/web/routers.py)
router = gathered(
    conversation_pages,
    orders,
    outbox,
    webhooks,
    refunds,
    cancellations,
    returns,
    dashboard,
    dispute_queue,
    disputes,
)
