"""§1: who may see an order (`domain.roles.can_see_order`), read from the database: as a
condition for lists, and for one order in one statement. Another party's order reads as a
missing one (404)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from recourse.db import models as m
from recourse.domain import roles
from recourse.domain.roles import Actor, Role


def orders_they_see(actor: Actor) -> Any:
    """`roles.can_see_order` as a condition on the orders table, for lists (None: every
    order)."""
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
    return found is not None and roles.can_see_order(
        actor, buyer_id=found.buyer_id, store_id=found.store_id
    )
