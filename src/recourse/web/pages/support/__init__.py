"""Support's pages, one module per capability: orders, refunds, cancellations, webhooks and
the outbox's dead letters."""

from __future__ import annotations

from fastapi import APIRouter

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

router = APIRouter()
router.include_router(conversation_pages.router)
router.include_router(orders.router)
router.include_router(outbox.router)
router.include_router(webhooks.router)
router.include_router(refunds.router)
router.include_router(cancellations.router)
router.include_router(returns.router)
router.include_router(dashboard.router)
router.include_router(dispute_queue.router)
router.include_router(disputes.router)
