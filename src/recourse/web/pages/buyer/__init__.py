"""The buyer's pages, one module per capability: orders, cancellations, refunds."""

from __future__ import annotations

from fastapi import APIRouter

from recourse.web.pages.buyer import cancellations, orders, receipt, refunds, returns
from recourse.web.pages.buyer import conversation as conversation_pages
from recourse.web.pages.buyer import disputes as dispute_pages

router = APIRouter()
router.include_router(conversation_pages.router)
router.include_router(orders.router)
router.include_router(refunds.router)
router.include_router(cancellations.router)
router.include_router(receipt.router)
router.include_router(returns.router)
router.include_router(dispute_pages.router)
