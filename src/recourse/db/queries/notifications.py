"""Read side of in-app notifications (M2): the header's unread count and the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recourse.db import models as m


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: int
    kind: str
    params: dict[str, Any] | None
    """The facts its kind's sentences are worded from (`recourse.texts.notifications`)."""
    title: str | None
    body: str | None
    """Stored text: rows written before notifications were worded when read."""
    link: str | None
    order_id: int | None
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def _view(row: m.NotificationRow) -> NotificationView:
    return NotificationView(
        id=row.id,
        kind=row.kind,
        params=row.params,
        title=row.title,
        body=row.body,
        link=row.link,
        order_id=row.order_id,
        created_at=row.created_at,
        read_at=row.read_at,
    )


def unread_count(session: Session, user_id: int) -> int:
    """Shown on every page, so it stays one COUNT over ix_notifications_user_read."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(m.NotificationRow)
            .where(m.NotificationRow.user_id == user_id, m.NotificationRow.read_at.is_(None))
        )
        or 0
    )


def notifications_of(
    session: Session, user_id: int, *, cursor: int | None = None, limit: int = 20
) -> tuple[list[NotificationView], int | None]:
    """One user's notifications, newest first, keyset-paginated by id."""
    stmt = (
        select(m.NotificationRow)
        .where(m.NotificationRow.user_id == user_id)
        .order_by(m.NotificationRow.id.desc())
        .limit(limit + 1)
    )
    if cursor is not None:
        stmt = stmt.where(m.NotificationRow.id < cursor)
    rows = list(session.scalars(stmt))
    views = [_view(r) for r in rows[:limit]]
    return views, (views[-1].id if len(rows) > limit else None)


def notification(session: Session, user_id: int, notification_id: int) -> NotificationView | None:
    """One notification, or None when it is not this user's (never say which)."""
    row = session.scalars(
        select(m.NotificationRow).where(
            m.NotificationRow.id == notification_id, m.NotificationRow.user_id == user_id
        )
    ).first()
    return _view(row) if row else None
