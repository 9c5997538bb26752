"""Read side for pages and the API: plain values out, never live ORM objects. One module per
noun: orders, timeline, users, stores, platform, cancellations, refunds, notifications,
webhooks.

The names below were importable from `recourse.db.queries` before it became a package; they
stay so until every caller imports from the module of its noun.
"""

from recourse.db.queries.orders import (
    TABS,
    LineSummary,
    OrderDetail,
    OrderPage,
    OrderSummary,
    ShipmentView,
    effective_status,
    effective_status_expr,
    line_summaries,
    list_orders,
    order_detail,
    past_a_deadline,
    shipment_order_id,
    tab_counts,
)
from recourse.db.queries.stores import all_stores, store_with_policy, stores_of
from recourse.db.queries.timeline import AuditEntry, TimelineView, audit_timeline
from recourse.db.queries.users import user_names, user_view

__all__ = [
    "TABS",
    "AuditEntry",
    "LineSummary",
    "OrderDetail",
    "OrderPage",
    "OrderSummary",
    "ShipmentView",
    "TimelineView",
    "all_stores",
    "audit_timeline",
    "effective_status",
    "effective_status_expr",
    "line_summaries",
    "list_orders",
    "order_detail",
    "past_a_deadline",
    "shipment_order_id",
    "store_with_policy",
    "stores_of",
    "tab_counts",
    "user_names",
    "user_view",
]
