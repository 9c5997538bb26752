"""M2: in-app notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Notifications(Protocol):
    def add(
        self,
        *,
        user_id: int,
        kind: str,
        title: str,
        body: str,
        link: str | None,
        order_id: int | None,
        dedupe_key: str | None,
        created_at: datetime,
    ) -> None: ...
    def mark_read(self, notification_id: int, *, user_id: int, at: datetime) -> bool: ...
    def mark_all_read(self, *, user_id: int, at: datetime, up_to_id: int | None) -> int: ...
