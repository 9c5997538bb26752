"""§10: pages and the API read an order only after what its passed deadlines decided has been
applied (services/settle.py), so nothing stale shows as still actionable, worker or not."""

from __future__ import annotations

from sqlalchemy.orm import Session

from recourse.container import Container
from recourse.db.queries.due import past_a_deadline
from recourse.services import settle


def settle_order(c: Container, order_id: int) -> None:
    settle.settle_due(c.uow(), c.ctx, order_id=order_id)


def settle_cancellation(c: Container, cancellation_id: int) -> None:
    settle.settle_for_cancellation(c.uow(), c.ctx, cancellation_id=cancellation_id)


def settle_listed(c: Container, session: Session, order_ids: list[int]) -> bool:
    """Settle the listed orders a stored deadline has passed for; True when any changed, and
    the read session then starts afresh so the next read sees it."""
    due = past_a_deadline(session, order_ids, c.clock.now())
    if not due or not settle.settle_orders(c.uow(), c.ctx, due):
        return False
    session.rollback()
    return True
