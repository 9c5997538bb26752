"""§1 people and permissions: who may see and act on what."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    buyer = "buyer"
    seller = "seller"
    support = "support"
    operator = "operator"


@dataclass(frozen=True, slots=True)
class Actor:
    """Whoever is asking: a user (buyer, seller, support) or the marketplace's operator token."""

    role: Role
    user_id: int | None = None
    store_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        return f"{self.role}:{self.user_id}" if self.user_id is not None else str(self.role)

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.support, Role.operator)


SYSTEM = Actor(Role.operator)


def can_see_order(actor: Actor, *, buyer_id: int, store_id: int) -> bool:
    """§1: buyers their own orders, sellers their stores' orders, support and operator all."""
    if actor.sees_everything:
        return True
    if actor.role is Role.buyer:
        return actor.user_id == buyer_id
    if actor.role is Role.seller:
        return store_id in actor.store_ids
    return False


def can_act_as_seller(actor: Actor, *, store_id: int) -> bool:
    """Shipping: the store's staff, or the operator's feed."""
    if actor.role is Role.operator:
        return True
    return actor.role is Role.seller and store_id in actor.store_ids


def can_answer_cancellation(actor: Actor, *, store_id: int) -> bool:
    """C4/§12: a buyer's cancellation request is answered by the store's sellers alone."""
    return actor.role is Role.seller and store_id in actor.store_ids


def can_edit_policy(actor: Actor, *, store_id: int) -> bool:
    """§9: the store's own staff, or the operator."""
    return can_act_as_seller(actor, store_id=store_id)
