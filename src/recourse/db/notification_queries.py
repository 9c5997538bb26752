"""Moved to `db/queries/notifications.py`; this module keeps the old import path
working until every caller imports from there."""

from recourse.db.queries.notifications import (
    NotificationView,
    notification,
    notifications_of,
    unread_count,
)

__all__ = [
    "NotificationView",
    "notification",
    "notifications_of",
    "unread_count",
]
