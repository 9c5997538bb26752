"""C1/C6: whether an order can be cancelled now (and if not, why), and exactly what would be
refunded; the pieces every cancellation path shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from recourse.domain.cancellation import (
    Blocker,
    Eligibility,
    buyer_eligibility,
    cancellation_quote,
    quote_fingerprint,
    reason_offered,
    seller_eligibility,
)
from recourse.domain.errors import RuleConflict
from recourse.domain.order import Order
from recourse.domain.policy import StorePolicy, policy_in_force
from recourse.domain.reasons import Reason, ReasonActor
from recourse.domain.refund import RefundQuote
from recourse.domain.roles import Actor, Role, cancels_as
from recourse.services.orders import load_order
from recourse.services.ports.cancellations import Cancellation
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


class CancellationBlocked(RuleConflict):
    """C1: the blocker's code and facts, when it lifts, and what to do instead. Its sentence is
    the blocker's, under the key `cancellation_blocked.<code>` (a blocker's code may also name
    another rule's error, e.g. `order_cancelled`)."""

    def __init__(self, code: str, /, **facts: Any) -> None:
        super().__init__(code, **facts)
        self.key = f"cancellation_blocked.{code}"


@dataclass(frozen=True, slots=True)
class Preview:
    """What the cancel page shows before the buyer confirms (C1, C6)."""

    eligibility: Eligibility
    quote: RefundQuote | None
    quote_id: str | None
    reasons: list[Reason]


def blocked_error(blocker: Blocker) -> CancellationBlocked:
    """C1: the error that carries a blocker to the API and the pages."""
    return CancellationBlocked(
        blocker.code,
        **blocker.facts,
        unblocks_at=blocker.unblocks_at.isoformat() if blocker.unblocks_at else None,
        alternatives=[str(a) for a in blocker.alternatives],
    )


def policy_for(uow: UnitOfWork, order: Order, now: datetime) -> StorePolicy:
    """§9: the policy the order was paid under, or the one in force for an unpaid order."""
    if order.policy_version_id is not None:
        version = uow.stores.policy_version(order.policy_version_id)
        if version is not None:
            return version.policy
    return policy_in_force(uow.stores.policy_versions(order.store_id), now).policy


def quote_for(uow: UnitOfWork, order: Order, units: Mapping[int, int]) -> RefundQuote | None:
    return cancellation_quote(order, units, uow.refunds.so_far(order.id))


class Unread:
    """A fact the caller did not read: the callee reads it."""


UNREAD = Unread()


def eligibility_for(
    uow: UnitOfWork,
    order: Order,
    party: Role,
    now: datetime,
    lines: Mapping[int, int] | None,
    *,
    pending: Cancellation | Unread | None = UNREAD,
) -> Eligibility:
    """C1 to C4, C7 to C9, for the buyer or the store's seller (`party`, from `cancels_as`).
    `pending`: the order's request awaiting the seller (or None), when the caller read it."""
    if isinstance(pending, Unread):
        pending = uow.cancellations.pending_for_order(order.id)
    pending_request = pending is not None
    if party is Role.buyer:
        return buyer_eligibility(
            order,
            now=now,
            policy=policy_for(uow, order, now),
            platform=uow.platform.policy(),
            lines=lines,
            pending_request=pending_request,
        )
    return seller_eligibility(order, now=now, lines=lines, pending_request=pending_request)


def preview_cancellation(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    lines: Mapping[int, int] | None = None,
) -> Preview:
    """C1/C6: eligible or not (and why), and exactly what would be refunded, once what a
    passed deadline decided has been applied (§10)."""
    # Imported here: settling completes cancellations, which quote through this module.
    from recourse.services.settle import settle_due

    now = ctx.clock.now()
    settle_due(uow, ctx, order_id=order_id)
    with uow:
        order = load_order(uow, actor, order_id)
        party = cancels_as(actor, buyer_id=order.buyer_id, store_id=order.store_id)
        eligibility = eligibility_for(uow, order, party, now, lines)
        allowed = eligibility.allowed
        quote = quote_for(uow, order, eligibility.units) if allowed else None
        reason_actor = ReasonActor(str(party))
        return Preview(
            eligibility=eligibility,
            quote=quote,
            quote_id=quote_fingerprint(order, eligibility.units, quote) if allowed else None,
            reasons=[
                r
                for r in uow.reasons.all()
                if r.actor is reason_actor and reason_offered(r, order, now)
            ],
        )
