"""H1, "what can I do now?": the guide's answer for one order, its viewer and this moment,
with the refund an open cancel path would pay and when it would arrive (C6, F5).

Read like any other order read (§1, §10): someone else's order is not found, and what a passed
deadline decided is applied first, so no path shows open that a deadline has closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from recourse.domain.cancellation import cancellation_quote, every_unshipped_unit
from recourse.domain.guide import guide
from recourse.domain.options import Option, PathName, PendingRequest, Situation
from recourse.domain.order import Order
from recourse.domain.refund import RefundQuote, refundable
from recourse.domain.return_paths import return_items_quote
from recourse.domain.roles import Actor, Role
from recourse.domain.settlement import ExpectedBy
from recourse.domain.shipment import ShipmentStatus
from recourse.services.cancellations.preview import policy_for
from recourse.services.disputes.open import subjects_for
from recourse.services.orders import load_order
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.refunds.ledger import expected_for
from recourse.services.settle import settle_due

QUOTED = frozenset({PathName.cancel, PathName.cancel_items, PathName.return_items})
"""The buyer's paths that pay money back; `cancel_items` is quoted for every unit still to
ship, the most choosing items can pay back; `return_items` for every unit that can still go
back, with remorse's deductions while its window runs (R5)."""


@dataclass(frozen=True, slots=True)
class OrderOption:
    """One path with, for the buyer's open cancel paths, what it refunds and by when."""

    option: Option
    quote: RefundQuote | None = None
    expected: ExpectedBy | None = None


@dataclass(frozen=True, slots=True)
class OrderOptions:
    order_id: int
    currency: str
    at: datetime
    options: list[OrderOption]
    delivered: bool = False
    """Something has arrived: "return it" then reads as now, not after delivery."""

    def get(self, path: PathName) -> OrderOption | None:
        return next((o for o in self.options if o.option.path is path), None)


def situation_for(uow: UnitOfWork, order: Order, viewer: Actor, now: datetime) -> Situation:
    """Everything the paths decide on: the policy the order is governed by, the platform's
    windows, the request waiting for the seller and what is left to refund."""
    pending = uow.cancellations.pending_for_order(order.id)
    every_return = uow.returns.for_order(order.id)
    return Situation(
        order=order,
        viewer=viewer,
        now=now,
        policy=policy_for(uow, order, now),
        platform=uow.platform.policy(),
        pending=PendingRequest(
            id=pending.id, respond_by=pending.respond_by, line_ids=frozenset(pending.units)
        )
        if pending is not None
        else None,
        refundable=refundable(order, uow.refunds.so_far(order.id)),
        extension_request=getattr(uow.protection.pending_extension(order.id), "id", None),
        parcels=tuple(status for _, status in uow.conversation.outbound_parcels(order.id)),
        intercept_request=getattr(uow.conversation.waiting_intercept(order.id), "id", None),
        parcel_returns=tuple(r for r in every_return if r.is_parcel),
        parcels_in_returns=_parcels_in_returns(uow, order.id),
        buyer_returns=tuple(r for r in every_return if not r.is_parcel),
        delivered_at=uow.returns.delivered_at(order.id),
        disputes=tuple(uow.disputes.for_order(order.id)),
        dispute_subjects=subjects_for(uow, order),
    )


def _parcels_in_returns(uow: UnitOfWork, order_id: int) -> tuple[ShipmentStatus, ...]:
    """S1/S2: where the seller's parcels that already come back in a return stand."""
    found = []
    for shipment_id, status in uow.conversation.outbound_parcels(order_id):
        shipment = uow.shipments.get(shipment_id)
        if shipment is not None and shipment.return_id is not None:
            found.append(status)
    return tuple(found)


def _priced(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    option: Option,
    viewer: Actor,
    now: datetime,
    situation: Situation,
) -> OrderOption:
    if viewer.role is not Role.buyer or not option.open or option.path not in QUOTED:
        return OrderOption(option)
    if option.path is PathName.return_items:
        quote = return_items_quote(situation, uow.refunds.so_far(order.id))
    else:
        quote = cancellation_quote(order, every_unshipped_unit(order), uow.refunds.so_far(order.id))
    if quote is None or quote.total <= 0:
        return OrderOption(option, quote)
    return OrderOption(option, quote, expected_for(uow, ctx, order, now))


def order_options(uow: UnitOfWork, ctx: Context, actor: Actor, order_id: int) -> OrderOptions:
    """H1: every path open or closed for `actor` on this order now (the operator has none)."""
    settle_due(uow, ctx, order_id=order_id)
    now = ctx.clock.now()
    with uow:
        order = load_order(uow, actor, order_id)
        situation = situation_for(uow, order, actor, now)
        found = guide(situation)
        return OrderOptions(
            order_id=order.id,
            currency=order.currency,
            at=now,
            options=[_priced(uow, ctx, order, option, actor, now, situation) for option in found],
            delivered=any(line.qty.delivered for line in order.lines),
        )
