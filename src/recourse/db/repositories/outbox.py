"""The use cases' side of the outbox: messages queued with the change they announce.

The worker's side (claiming, leases, outcomes) is `db/outbox.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.repositories.writes import insert_ignoring_duplicates, noted_order


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
        order_id: int | None = None,
    ) -> None:
        """Insert once per dedupe key: a repeated add of the same message is a no-op.

        The message is about `order_id`, or else about the order the transaction is writing
        (the last one it locked, created or wrote a timeline entry for): the worker claims
        messages per shard by it (docs/scaling.md)."""
        self.pending.append(
            {
                "kind": kind,
                "order_id": order_id if order_id is not None else noted_order(self.s),
                "payload": dict(payload),
                "dedupe_key": dedupe_key,
                "created_at": available_at,
                "available_at": available_at,
                "attempts": 0,
            }
        )

    def write_pending(self) -> None:
        insert_ignoring_duplicates(self.s, m.OutboxRow, self.take_pending())

    def take_pending(self) -> list[dict[str, Any]]:
        """The queued messages, to be written by the caller (db/appends.py); none queued after."""
        pending, self.pending = self.pending, []
        return pending
