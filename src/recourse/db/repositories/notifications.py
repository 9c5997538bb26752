"""Repository of in-app notifications."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, update
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.repositories.writes import insert_ignoring_duplicates, note_order


class SqlNotifications:
    """Notifications are kept until the unit of work commits, then written in one INSERT."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.pending: list[dict[str, Any]] = []

    def add(
        self,
        *,
        user_id: int,
        kind: str,
        params: Mapping[str, Any] | None,
        title: str | None = None,
        body: str | None = None,
        link: str | None,
        order_id: int | None,
        dedupe_key: str | None,
        created_at: datetime,
    ) -> None:
        if order_id is not None:
            note_order(self.s, order_id)
        self.pending.append(
            {
                "user_id": user_id,
                "kind": kind,
                "params": dict(params) if params is not None else None,
                "title": title,
                "body": body,
                "link": link,
                "order_id": order_id,
                "dedupe_key": dedupe_key,
                "created_at": created_at,
            }
        )

    def write_pending(self) -> None:
        insert_ignoring_duplicates(self.s, m.NotificationRow, self.take_pending())

    def take_pending(self) -> list[dict[str, Any]]:
        """The queued notifications, to be written by the caller (db/appends.py)."""
        pending, self.pending = self.pending, []
        return pending

    def mark_read(self, notification_id: int, *, user_id: int, at: datetime) -> bool:
        """True when it is the user's (read before or not); the first read time is kept."""
        row = m.NotificationRow
        result = self.s.execute(
            update(row)
            .where(row.id == notification_id, row.user_id == user_id)
            .values(read_at=func.coalesce(row.read_at, literal(at, row.read_at.type)))
        )
        return bool(getattr(result, "rowcount", 0))

    def mark_all_read(self, *, user_id: int, at: datetime, up_to_id: int | None) -> int:
        """Unread ones up to `up_to_id` (what the user saw); newer arrivals stay unread."""
        row = m.NotificationRow
        stmt = update(row).where(row.user_id == user_id, row.read_at.is_(None))
        if up_to_id is not None:
            stmt = stmt.where(row.id <= up_to_id)
        return int(getattr(self.s.execute(stmt.values(read_at=at)), "rowcount", 0))
