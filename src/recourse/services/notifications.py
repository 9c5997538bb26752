"""M2: in-app notifications are read by their owner, one at a time or all at once."""

from __future__ import annotations

from recourse.domain.errors import NotFound
from recourse.domain.roles import Actor
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def mark_read(uow: UnitOfWork, ctx: Context, *, actor: Actor, notification_id: int) -> None:
    """M2: only the owner marks a notification read; to anyone else it does not exist."""
    with uow:
        if actor.user_id is None or not uow.notifications.mark_read(
            notification_id, user_id=actor.user_id, at=ctx.clock.now()
        ):
            raise NotFound("notification_not_found", notification_id=notification_id)
        uow.commit()


def mark_all_read(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, up_to_id: int | None = None
) -> int:
    """M2: everything the owner has seen (up to `up_to_id`) is read; returns how many."""
    if actor.user_id is None:
        return 0
    with uow:
        marked = uow.notifications.mark_all_read(
            user_id=actor.user_id, at=ctx.clock.now(), up_to_id=up_to_id
        )
        uow.commit()
    return marked
