"""The use cases' side of the outbox: messages queued with the change they announce.

The worker's side (claiming, leases, outcomes) is `db/outbox.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.repositories.writes import insert_ignoring_duplicates


class SqlOutbox:
    """Messages are kept until the unit of work commits, then written in one INSERT."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.pending: list[dict[str, Any]] = []

    def add(
        self,
        kind: str,
        payload: Mapping[str, Any],
        *,
        available_at: datetime,
        dedupe_key: str | None = None,
    ) -> None:
        """Insert once per dedupe key: a repeated add of the same message is a no-op."""
        self.pending.append(
            {
                "kind": kind,
                "payload": dict(payload),
                "dedupe_key": dedupe_key,
                "created_at": available_at,
                "available_at": available_at,
                "attempts": 0,
            }
        )

    def write_pending(self) -> None:
        insert_ignoring_duplicates(self.s, m.OutboxRow, self.pending)
        self.pending = []
