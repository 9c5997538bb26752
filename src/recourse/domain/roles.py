"""§1 people and permissions: who may see and act on what."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from recourse.domain.errors import NotAllowed, NotFound


class Role(StrEnum):
    buyer = "buyer"
    seller = "seller"
    support = "support"
    operator = "operator"
    system = "system"
    """Recourse itself: what a deadline decides (§10), never a person nor the operator."""


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
        return self.role in (Role.support, Role.operator, Role.system)


SYSTEM = Actor(Role.system)


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


class OperatorTask(StrEnum):
    """What only the marketplace's own token does (§1, §12)."""

    create_users = "create_users"
    create_stores = "create_stores"
    ingest_orders = "ingest_orders"
    report_payments = "report_payments"
    report_parcel_events = "report_parcel_events"
    change_platform_settings = "change_platform_settings"
    change_settlement_profiles = "change_settlement_profiles"
    edit_reasons = "edit_reasons"
    manage_webhooks = "manage_webhooks"


def check_operator(actor: Actor, task: OperatorTask) -> None:
    """§1: the marketplace's own token does `task`; no user does."""
    if actor.role is not Role.operator:
        raise NotAllowed(f"operator_only.{task.value}")


def cancels_as(actor: Actor, *, buyer_id: int, store_id: int) -> Role:
    """C4/C8: the buyer cancels their own order (or asks to); the store's sellers cancel
    theirs. Support and the operator do not cancel through this door."""
    if actor.role is Role.buyer and actor.user_id == buyer_id:
        return Role.buyer
    if actor.role is Role.seller and store_id in actor.store_ids:
        return Role.seller
    raise NotAllowed("cancel_not_party")


def check_can_answer_cancellation(actor: Actor, *, store_id: int) -> None:
    """C4/C10: approving or rejecting a buyer's request is for the store's sellers."""
    if not can_answer_cancellation(actor, store_id=store_id):
        raise NotAllowed("answer_cancellation_not_staff")


def check_can_withdraw_cancellation(actor: Actor, *, buyer_id: int) -> None:
    """C10: the buyer who asked withdraws the request; nobody else does."""
    if actor.role is not Role.buyer or actor.user_id != buyer_id:
        raise NotAllowed("withdraw_cancellation_not_buyer")


def check_can_ship(actor: Actor, *, store_id: int) -> None:
    """C9: the store's staff (or the operator's feed) ship its orders."""
    if not can_act_as_seller(actor, store_id=store_id):
        raise NotAllowed("ship_not_staff")


def check_can_refund_by_hand(actor: Actor) -> None:
    """F2: manual refunds are support's."""
    if actor.role is not Role.support:
        raise NotAllowed("manual_refund_not_support")


def check_can_retry_refund(actor: Actor) -> None:
    """F3: sending a failed or stuck refund again is support's."""
    if actor.role is not Role.support:
        raise NotAllowed("retry_refund_not_support")


def can_see_store(actor: Actor, *, store_id: int) -> bool:
    """§1: support and the operator see every store, sellers their own."""
    return actor.sees_everything or store_id in actor.store_ids


def check_can_edit_policy(actor: Actor, *, store_id: int) -> None:
    """§9: a store someone cannot see is not found; one they see but may not edit is refused."""
    if not can_see_store(actor, store_id=store_id):
        raise NotFound("store_not_found")
    if not can_edit_policy(actor, store_id=store_id):
        raise NotAllowed("policy_not_staff")


def check_sees_webhook_deliveries(actor: Actor, *, delivery_id: int) -> None:
    """M3: deliveries are the operator's and support's to see; for others none exists."""
    if actor.role not in (Role.operator, Role.support):
        raise NotFound("webhook_delivery_not_found", delivery_id=delivery_id)
