"""Read side of the order timeline: what each party is shown, and support's full audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db import models as m


@dataclass(frozen=True, slots=True)
class TimelineView:
    at: datetime
    actor_role: str
    actor_id: int | None
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    note: str | None
    data: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    entry: TimelineView
    visible_to_buyer: bool
    visible_to_seller: bool


def audit_timeline(session: Session, order_id: int) -> list[AuditEntry]:
    """Support's timeline: every entry, with whom each one is shown to."""
    rows = session.scalars(
        select(m.TimelineRow)
        .where(m.TimelineRow.order_id == order_id)
        .order_by(m.TimelineRow.at, m.TimelineRow.id)
    )
    return [
        AuditEntry(
            entry=TimelineView(
                at=t.at,
                actor_role=t.actor_role,
                actor_id=t.actor_id,
                action=t.action,
                from_state=t.from_state,
                to_state=t.to_state,
                reason=t.reason,
                note=t.note,
                data=t.data,
            ),
            visible_to_buyer=bool(t.visible_to_buyer),
            visible_to_seller=bool(t.visible_to_seller),
        )
        for t in rows
    ]
