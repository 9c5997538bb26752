"""JSON API v1 (§12), one module per resource."""

from __future__ import annotations

from typing import Any

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

INCLUDE: dict[str, Any] = {"prefix": "/api/v1", "responses": API_ERRORS}

# One router holding every resource's routes, not one router included per resource: FastAPI
# keeps an included router nested and matches a request at each level, then again when it
# hands it down, so fifteen nested routers cost each API request about three passes over the
# routes before it. Each module's router keeps its tags on its routes (set when declared);
# the prefix and the error responses come with this router's inclusion in the app (`INCLUDE`).
router = APIRouter(
    routes=[
        route
        for module in (
            stores,
            users,
            orders,
            options,
            refunds,
            cancellations,
            returns,
            disputes,
            files,
            platform,
            webhooks,
            gateway,
            tickets,
            receipt,
            messages,
        )
        for route in module.router.routes
    ],
)
