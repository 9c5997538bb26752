"""Read side of users: one account as the API shows it, display names."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db import models as m


def user_view(session: Session, user_id: int) -> dict[str, Any] | None:
    user = session.get(m.UserRow, user_id)
    if user is None:
        return None
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "country": user.country,
        "timezone": user.timezone,
        "locale": user.locale,
        "store_ids": sorted(s.store_id for s in user.stores),
    }


def user_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """Display names for the people a timeline mentions."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(m.UserRow.id, m.UserRow.name).where(m.UserRow.id.in_(sorted(user_ids)))
    )
    return {user_id: name for user_id, name in rows}
