"""Moved to `db/queries/webhooks.py`; this module keeps the old import path
working until every caller imports from there."""

from recourse.db.queries.webhooks import (
    AttemptView,
    DeliveryPage,
    DeliveryView,
    EndpointPage,
    EndpointView,
    deliveries_page,
    delivery_counts,
    delivery_view,
    endpoint_view,
    list_endpoints,
)

__all__ = [
    "AttemptView",
    "DeliveryPage",
    "DeliveryView",
    "EndpointPage",
    "EndpointView",
    "deliveries_page",
    "delivery_counts",
    "delivery_view",
    "endpoint_view",
    "list_endpoints",
]
