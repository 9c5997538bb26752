"""The seller's pages, one module per capability: orders, shipping, cancellations."""

from __future__ import annotations

from fastapi import APIRouter

from recourse.web.pages.seller import cancellations, orders, protection, returns, shipping
from recourse.web.pages.seller import conversation as conversation_pages
from recourse.web.pages.seller import disputes as dispute_pages

router = APIRouter()
router.include_router(conversation_pages.router)
router.include_router(orders.router)
router.include_router(shipping.router)
router.include_router(cancellations.router)
router.include_router(protection.router)
router.include_router(returns.router)
router.include_router(dispute_pages.router)
