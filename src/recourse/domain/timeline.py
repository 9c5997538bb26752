"""§1 the order timeline: who did what, when, from which state to which, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recourse.domain.roles import Actor


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    order_id: int
    at: datetime
    actor: Actor
    action: str
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    note: str | None = None
    data: dict[str, Any] | None = None
    visible_to_buyer: bool = True
    visible_to_seller: bool = True
