"""D1/D2: the buyer opens a dispute — a type within its window, what they want, a description
and evidence — waiting for the sellers until `respond_by`; negotiation escalates by itself at
`escalate_at`. One open dispute per order, kept by the repository's unique index even when two
openings race."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from recourse.domain.dispute_opening import (
    Subject,
    Window,
    check_none_open,
    check_not_disputed_before,
    check_subject_named,
    check_window,
    window_of,
)
from recourse.domain.dispute_rules import (
    DESCRIPTION_MAX,
    check_buyer,
    check_text,
    check_wanted,
    escalate_at_from,
    respond_by_from,
)
from recourse.domain.disputes import (
    ESCALATE_AT,
    ESCALATE_REMINDER,
    RESPOND_BY,
    RESPOND_REMINDER,
    Dispute,
    DisputeStatus,
    DisputeType,
    Party,
    Wanted,
)
from recourse.domain.errors import InvalidInput, NotFound
from recourse.domain.order import Order
from recourse.domain.refund import RefundStatus
from recourse.domain.returns import ReturnKind, ReturnStatus
from recourse.domain.roles import Actor
from recourse.domain.timeline import TimelineEntry
from recourse.services import settle, subscribers
from recourse.services.disputes.common import (
    attach_files,
    entry,
    reload,
    still_refundable,
    units_to_return,
)
from recourse.services.events import DisputeOpened
from recourse.services.notify import schedule_deadline, schedule_reminder
from recourse.services.orders import load_order, refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.disputes import NewDispute
from recourse.services.ports.unit_of_work import UnitOfWork


def _type(value: DisputeType | str) -> DisputeType:
    try:
        return DisputeType(value)
    except ValueError:
        raise InvalidInput(
            "type", "dispute.type_choice", allowed=[str(t) for t in DisputeType]
        ) from None


def wanted_of(value: Wanted | str) -> Wanted:
    try:
        return Wanted(value)
    except ValueError:
        raise InvalidInput(
            "wanted", "dispute.wanted_choice", allowed=[str(w) for w in Wanted]
        ) from None


def subject_of(
    uow: UnitOfWork, order: Order, type_: DisputeType, subject_id: int | None
) -> Subject | None:
    """D1: the named cancellation, return or refund of this order, as its window needs it
    (one of another order is not found)."""
    if subject_id is None:
        return None
    match type_:
        case DisputeType.cancellation_refused:
            c = uow.cancellations.get(subject_id)
            if c is None or c.order_id != order.id:
                raise NotFound("dispute.subject_not_found", field="cancellation_id")
            return Subject(subject_id, refused_at=uow.disputes.cancellation_rejected_at(c.id))
        case DisputeType.return_refused:
            r = uow.returns.get(subject_id)
            if r is None or r.order_id != order.id or r.kind is not ReturnKind.buyer_return:
                raise NotFound("dispute.subject_not_found", field="return_id")
            refused = None
            if r.status is ReturnStatus.declined:
                refused = r.decided_at
            elif r.status is ReturnStatus.problem:
                refused = r.received_at or r.closed_at
            return Subject(subject_id, refused_at=refused)
        case DisputeType.refund_not_received:
            f = uow.refunds.get(subject_id)
            if f is None or f.order_id != order.id:
                raise NotFound("dispute.subject_not_found", field="refund_id")
            return Subject(
                subject_id,
                expected_latest=f.expected_latest,
                succeeded=f.status is RefundStatus.succeeded,
            )
        case _:
            return None


def subjects_for(uow: UnitOfWork, order: Order) -> dict[DisputeType, Subject]:
    """D1: the case each type that names one would be about on this order now: the latest
    rejected cancellation, the latest declined return (or one with a problem on receipt), the
    latest refund not arrived."""
    refused = [
        r
        for r in uow.returns.for_order(order.id)
        if r.kind is ReturnKind.buyer_return
        and r.status in (ReturnStatus.declined, ReturnStatus.problem)
    ]
    ids = {
        DisputeType.cancellation_refused: uow.disputes.latest_rejected_cancellation(order.id),
        DisputeType.return_refused: refused[-1].id if refused else None,
        DisputeType.refund_not_received: uow.disputes.latest_unarrived_refund(order.id),
    }
    found = {}
    for type_, subject_id in ids.items():
        subject = subject_of(uow, order, type_, subject_id)
        if subject is not None:
            found[type_] = subject
    return found


def window_for(uow: UnitOfWork, order: Order, type_: DisputeType, subject_id: int | None) -> Window:
    """D1: the type's window on this order (refusals name why there is none)."""
    return window_of(
        type_,
        order,
        uow.platform.policy(),
        delivered_at=uow.returns.delivered_at(order.id),
        subject=subject_of(uow, order, type_, subject_id),
    )


def schedule_answer(uow: UnitOfWork, d: Dispute, now: datetime) -> None:
    """D3/D4/M2: silence carries out the buyer's request at `respond_by`, negotiation escalates
    at `escalate_at`; the sellers are reminded before the first, both sides before the second."""
    assert d.respond_by is not None and d.escalate_at is not None
    hours = uow.platform.policy().remind_before_hours
    schedule_deadline(uow, name=RESPOND_BY, subject_id=d.id, due_at=d.respond_by)
    schedule_reminder(
        uow,
        name=RESPOND_REMINDER,
        subject_id=d.id,
        due_at=d.respond_by,
        remind_before_hours=hours,
        now=now,
    )
    schedule_deadline(uow, name=ESCALATE_AT, subject_id=d.id, due_at=d.escalate_at)
    schedule_reminder(
        uow,
        name=ESCALATE_REMINDER,
        subject_id=d.id,
        due_at=d.escalate_at,
        remind_before_hours=hours,
        now=now,
    )


def _retried(uow: UnitOfWork, actor: Actor, order_id: int, request_key: str | None) -> int | None:
    """A retry with the same `request_key` finds the dispute the first attempt opened (on an
    order the actor may see)."""
    if request_key is None:
        return None
    load_order(uow, actor, order_id)
    return uow.disputes.id_by_request(order_id, request_key)


def _check_opening(
    uow: UnitOfWork,
    order: Order,
    actor: Actor,
    type_: DisputeType,
    subject_id: int | None,
    want: Wanted,
    amount: int | None,
    now: datetime,
) -> int | None:
    """D1/D2: the order's buyer, no dispute open, the cause not settled by one before, the
    type's window open, and what they want within what is refundable; the amount to keep."""
    check_buyer(actor, order)
    disputes = uow.disputes.for_order(order.id)
    check_none_open(disputes)
    check_not_disputed_before(disputes, type_, subject_id)
    check_window(window_for(uow, order, type_, subject_id), now)
    return check_wanted(
        want,
        amount,
        party=Party.buyer,
        refundable=still_refundable(uow, order),
        currency=order.currency,
        returnable_units=sum(units_to_return(uow, order).values()),
    )


def _new_dispute(
    uow: UnitOfWork,
    order: Order,
    actor: Actor,
    now: datetime,
    type_: DisputeType,
    want: Wanted,
    amount: int | None,
    text: str,
    request_key: str | None,
    *,
    cancellation_id: int | None,
    return_id: int | None,
    refund_id: int | None,
) -> NewDispute:
    """D3/D4: the dispute waits for the sellers until `respond_by` (`dispute_response_days`);
    negotiation escalates at `escalate_at` (`negotiation_days`)."""
    platform = uow.platform.policy()
    respond_by = respond_by_from(now, platform)
    assert actor.user_id is not None
    return NewDispute(
        order_id=order.id,
        store_id=order.store_id,
        type=type_,
        status=DisputeStatus.awaiting_seller,
        wanted=want,
        amount=amount,
        description=text,
        opened_by_id=actor.user_id,
        opened_at=now,
        respond_by=respond_by,
        escalate_at=escalate_at_from(now, platform),
        due_at=respond_by,
        cancellation_id=cancellation_id,
        return_id=return_id,
        refund_id=refund_id,
        request_key=request_key,
    )


def opening_proposal(uow: UnitOfWork, new: NewDispute) -> int:
    """D2: the dispute, with the buyer's request as its first proposal."""
    dispute_id = uow.disputes.add(new)
    uow.disputes.add_proposal(
        dispute_id,
        party=Party.buyer,
        wanted=new.wanted,
        amount=new.amount,
        note=None,
        at=new.opened_at,
    )
    return dispute_id


def _opened_entry(order: Order, d: Dispute, actor: Actor, new: NewDispute) -> TimelineEntry:
    return entry(
        order,
        d,
        actor,
        new.opened_at,
        "dispute.opened",
        note=new.description,
        wanted=str(new.wanted),
        amount=new.amount,
        currency=order.currency,
        respond_by=new.respond_by.isoformat(),
    )


def open_dispute(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    type: DisputeType | str,
    wanted: Wanted | str,
    amount: int | None,
    description: str | None,
    file_ids: Sequence[int] = (),
    cancellation_id: int | None = None,
    return_id: int | None = None,
    refund_id: int | None = None,
    request_key: str | None = None,
) -> int:
    """D1/D2: the buyer opens a dispute of a type whose window is open, saying what they want
    (a partial refund names an amount within what is refundable) and what happened, with
    evidence. The sellers answer by `respond_by` (`dispute_response_days`); negotiation
    escalates at `escalate_at` (`negotiation_days`). A retry with the same `request_key` finds
    the same dispute."""
    now = ctx.clock.now()
    type_, want = _type(type), wanted_of(wanted)
    subject_id = check_subject_named(
        type_, cancellation_id=cancellation_id, return_id=return_id, refund_id=refund_id
    )
    text = check_text(
        "description", description, needed="dispute.description_needed", maximum=DESCRIPTION_MAX
    )
    settle.settle_due(uow, ctx, order_id=order_id)
    with uow:
        existing = _retried(uow, actor, order_id, request_key)
        if existing is not None:
            return existing
        order = load_order(uow, actor, order_id, for_update=True)
        amount = _check_opening(uow, order, actor, type_, subject_id, want, amount, now)
        new = _new_dispute(
            uow,
            order,
            actor,
            now,
            type_,
            want,
            amount,
            text,
            request_key,
            cancellation_id=cancellation_id,
            return_id=return_id,
            refund_id=refund_id,
        )
        dispute_id = opening_proposal(uow, new)
        attach_files(uow, actor, order.id, dispute_id, file_ids, now)
        d = reload(uow, dispute_id)
        schedule_answer(uow, d, now)
        refresh_status(uow, order, now)
        uow.timeline.add(_opened_entry(order, d, actor, new))
        subscribers.record(uow, ctx, DisputeOpened(order=order, dispute=d, at=now))
        uow.commit()
    return dispute_id
