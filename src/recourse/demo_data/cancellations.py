"""The demo's cancellations: buyers who cancel at once or ask the seller, and a seller who runs
out of stock."""

from __future__ import annotations

from recourse.demo_data.clock import History
from recourse.demo_data.orders import Order
from recourse.domain.roles import Actor, Role
from recourse.services import cancellations


def cancel(history: History, o: Order, reason: str) -> None:
    """C4: the buyer cancels — at once in the grace window, else a request to the seller,
    which the worker approves at `respond_by` if nobody answers."""
    done = cancellations.cancel_order(
        history.c.uow(),
        history.ctx,
        actor=Actor(Role.buyer, history.users[o.buyer.key]),
        order_id=o.id,
        reason=reason,
    )
    if done.respond_by is not None and done.respond_by <= history.now:
        history.tick(done.respond_by)


def seller_cancel(history: History, o: Order) -> None:
    """C8: the seller runs out of stock and cancels."""
    cancellations.cancel_order(
        history.c.uow(),
        history.ctx,
        actor=history.shippers[o.store.key],
        order_id=o.id,
        reason="out_of_stock",
    )
