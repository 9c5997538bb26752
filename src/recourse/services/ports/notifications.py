"""M2: in-app notifications, kept as a kind and its facts (`params`), worded when read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol


class Notifications(Protocol):
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
    ) -> None: ...
    def mark_read(self, notification_id: int, *, user_id: int, at: datetime) -> bool: ...
    def mark_all_read(self, *, user_id: int, at: datetime, up_to_id: int | None) -> int: ...
