"""Repository of the order timeline: who did what, when, and whom it is shown to."""

from __future__ import annotations

from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.db.queued import queue
from recourse.db.repositories.writes import note_order
from recourse.domain.timeline import TimelineEntry


class SqlTimeline:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, entry: TimelineEntry) -> None:
        note_order(self.s, entry.order_id)
        # written at the commit with the other appends (db/queued.py)
        queue(
            self.s,
            m.TimelineRow,
            {
                "order_id": entry.order_id,
                "at": entry.at,
                "actor_role": str(entry.actor.role),
                "actor_id": entry.actor.user_id,
                "action": entry.action,
                "from_state": entry.from_state,
                "to_state": entry.to_state,
                "reason": entry.reason,
                "note": entry.note,
                "data": entry.data,
                "visible_to_buyer": entry.visible_to_buyer,
                "visible_to_seller": entry.visible_to_seller,
            },
        )
