"""JSON API v1 (§12), one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from recourse.web.api import (
    cancellations,
    disputes,
    files,
    gateway,
    messages,
    options,
    orders,
    platform,
    receipt,
    refunds,
    returns,
    stores,
    tickets,
    users,
    webhooks,
)
from recourse.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", responses=API_ERRORS)
router.include_router(stores.router)
router.include_router(users.router)
router.include_router(orders.router)
router.include_router(options.router)
router.include_router(refunds.router)
router.include_router(cancellations.router)
router.include_router(returns.router)
router.include_router(disputes.router)
router.include_router(files.router)
router.include_router(platform.router)
router.include_router(webhooks.router)
router.include_router(gateway.router)
router.include_router(tickets.router)
router.include_router(receipt.router)
router.include_router(messages.router)
