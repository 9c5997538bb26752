"""§1: who may see an order — a buyer their own, a seller their stores', support and the
operator any. Another party's order reads as a missing one (404)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.domain.roles import Actor, Role


def theirs(actor: Actor, buyer_id: int, store_id: int) -> bool:
    """Whether an order of this buyer at this store is the actor's to see."""
    if actor.role is Role.buyer:
        return buyer_id == actor.user_id
    if actor.role is Role.seller:
        return store_id in actor.store_ids
    return True


def orders_they_see(actor: Actor) -> Any:
    """`theirs` as a condition on the orders table, for lists (None: every order)."""
    if actor.role is Role.buyer:
        return m.OrderRow.buyer_id == actor.user_id
    if actor.role is Role.seller:
        return m.OrderRow.store_id.in_(sorted(actor.store_ids) or [-1])
    return None


def can_see_order(session: Session, actor: Actor, order_id: int) -> bool:
    """Whether the order exists and is the actor's to see (as `order_detail` decides), read
    in one statement: what a list of the order's cancellations, refunds, returns or disputes
    needs to know before it shows them."""
    found = session.execute(
        select(m.OrderRow.buyer_id, m.OrderRow.store_id).where(m.OrderRow.id == order_id)
    ).first()
    return found is not None and theirs(actor, found.buyer_id, found.store_id)
