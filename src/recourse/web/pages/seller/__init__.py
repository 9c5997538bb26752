"""The seller's pages, one module per capability: orders, shipping, cancellations."""

from __future__ import annotations

from fastapi import APIRouter

from recourse.web.pages.seller import cancellations, orders, protection, returns, shipping
from recourse.web.pages.seller import conversation as conversation_pages
from recourse.web.pages.seller import disputes as dispute_pages

# the routes of each module, in this order (docs: recourse/web/routers.py)
router = APIRouter(
    routes=[
        route
        for module in (
            conversation_pages,
            orders,
            shipping,
            cancellations,
            protection,
            returns,
            dispute_pages,
        )
        for route in module.router.routes
    ]
)
