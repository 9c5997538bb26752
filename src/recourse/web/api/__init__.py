"""JSON API v1 (§12), one module per resource."""

from __future__ import annotations

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
from recourse.web.routers import gathered

# Every resource's routes in one flat list, each made whole where it was declared (its
# prefix, its tags, the error answers: recourse/web/routers.py), so the app takes them as they
# are; an included router is matched twice, route by route (docs/performance.md).
router = gathered(
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
