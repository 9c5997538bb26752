"""C2/C4/C7/C8: the buyer or the seller cancels — at once where the rules allow it, otherwise
as a request the seller answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from recourse.domain.cancellation import (
    Eligibility,
    Initiator,
    Mode,
    check_quote_current,
    check_reason_offered,
    is_whole_order,
    opening_status,
)
from recourse.domain.order import Order
from recourse.domain.reasons import Reason, ReasonActor, check_reason
from recourse.domain.roles import Actor, Role, cancels_as
from recourse.services import settle
from recourse.services.cancellations.completion import complete
from recourse.services.cancellations.preview import blocked_error, eligibility_for, quote_for
from recourse.services.cancellations.requests import open_request
from recourse.services.orders import load_order
from recourse.services.ports.cancellations import Cancellation, NewCancellation
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def cancel_order(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    reason: str,
    note: str | None = None,
    lines: Mapping[int, int] | None = None,
    quote_id: str | None = None,
    request_key: str | None = None,
) -> Cancellation:
    """C2/C4/C7/C8: cancel at once where the rules allow it, otherwise ask the seller.

    `request_key` identifies the caller's request: the same request again (a retry whose
    first answer was lost) returns the cancellation it made instead of a rule conflict."""
    now = ctx.clock.now()
    settled = False
    while True:
        with uow:
            order = load_order(uow, actor, order_id, for_update=True, with_cases=True)
            pending = uow.cancellations.pending_for_order(order.id)
            # §10: a passed deadline decides first. Rarely anything is due: then leave without
            # writing (which lets the order go) and settle as every path does, then start again
            if settled or not settle.due_on(uow, ctx, order, pending):
                return _cancel(
                    uow,
                    ctx,
                    order,
                    pending,
                    actor=actor,
                    now=now,
                    reason=reason,
                    note=note,
                    lines=lines,
                    quote_id=quote_id,
                    request_key=request_key,
                )
        settle.settle_due(uow, ctx, order_id=order_id)
        settled = True


def _cancel(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    pending: Cancellation | None,
    *,
    actor: Actor,
    now: datetime,
    reason: str,
    note: str | None,
    lines: Mapping[int, int] | None,
    quote_id: str | None,
    request_key: str | None,
) -> Cancellation:
    """The cancellation itself, in the caller's transaction with the order locked and nothing
    due on it; `pending` is its cancellation request awaiting the seller, if any."""
    earlier = _made_by(uow, order.id, request_key)
    if earlier is not None:
        return earlier
    party = cancels_as(actor, buyer_id=order.buyer_id, store_id=order.store_id)
    eligibility = eligibility_for(uow, order, party, now, lines, pending=pending)
    if eligibility.blocker is not None:
        raise blocked_error(eligibility.blocker)
    chosen = check_reason(uow.reasons.get(reason), reason, actor=ReasonActor(str(party)), note=note)
    check_reason_offered(chosen, order, now)
    quote = quote_for(uow, order, eligibility.units)
    check_quote_current(quote_id, order, eligibility.units, quote)
    cancellation = _record(uow, order, actor, party, eligibility, chosen, note, now, request_key)
    if eligibility.mode is Mode.request:
        open_request(uow, ctx, order, cancellation, actor, now, quote=quote)
    else:
        complete(
            uow, ctx, order, cancellation, actor, now, event="cancellation.approved", quote=quote
        )
    uow.commit()
    final = uow.cancellations.get(cancellation.id)
    assert final is not None
    return final


def _made_by(uow: UnitOfWork, order_id: int, request_key: str | None) -> Cancellation | None:
    """The cancellation an earlier attempt of the same request made, if it made one."""
    if request_key is None:
        return None
    made = uow.cancellations.id_by_request(order_id, request_key)
    if made is None:
        return None
    earlier = uow.cancellations.get(made)
    assert earlier is not None
    return earlier


def _record(
    uow: UnitOfWork,
    order: Order,
    actor: Actor,
    party: Role,
    eligibility: Eligibility,
    chosen: Reason,
    note: str | None,
    now: datetime,
    request_key: str | None,
) -> Cancellation:
    assert eligibility.mode is not None
    cancellation_id = uow.cancellations.add(
        NewCancellation(
            order_id=order.id,
            store_id=order.store_id,
            status=opening_status(eligibility.mode),
            initiator=str(Initiator(str(party))),
            mode=str(eligibility.mode),
            reason=chosen.code,
            fault=str(chosen.fault),
            note=note,
            whole_order=is_whole_order(order, eligibility.units),
            units=eligibility.units,
            requested_by_role=str(actor.role),
            requested_by_id=actor.user_id,
            respond_by=eligibility.respond_by,
            created_at=now,
            request_key=request_key,
        )
    )
    cancellation = uow.cancellations.get(cancellation_id)
    assert cancellation is not None
    return cancellation
