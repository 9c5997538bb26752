"""D3/D4/D5/D6/M2: what a dispute's deadline decides when it passes — the sellers' silence
carries out the buyer's request, negotiation running out escalates, an appeal window passing
unused resolves the decision for good, an information request's due date tells support — and
the reminders before the deadlines that decide against someone.

Each re-reads the dispute and acts only if the consequence still applies, so the worker's late
firing after a read settled it changes nothing. A consequence takes effect at the deadline's
moment, not at the moment it was noticed (the SLA counts from the escalation time)."""

from __future__ import annotations

from datetime import datetime

from recourse.domain.disputes import (
    APPEAL_BY,
    ESCALATE_AT,
    RESPOND_BY,
    Dispute,
    DisputeStatus,
    Party,
    Resolution,
    dispute_due_now,
)
from recourse.domain.order import Order
from recourse.domain.roles import SYSTEM
from recourse.services import subscribers
from recourse.services.disputes.execute import Carried, carry_out, escalate_now, resolve
from recourse.services.events import DisputeInfoOverdue, DisputeReminderDue
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def _due(uow: UnitOfWork, dispute_id: int, status: DisputeStatus, now: datetime) -> Dispute | None:
    d = uow.disputes.get(dispute_id, for_update=True)
    if d is None or d.status is not status or dispute_due_now(d, now) is None:
        return None
    return d


def _order(uow: UnitOfWork, d: Dispute) -> Order:
    order = uow.orders.get(d.order_id, for_update=True)
    assert order is not None
    return order


def respond_by_passed(uow: UnitOfWork, ctx: Context, *, dispute_id: int) -> bool:
    """D3: no answer from the sellers by `respond_by`: the buyer's request is carried out and
    the dispute resolved (seller_silent)."""
    now = ctx.clock.now()
    with uow:
        d = _due(uow, dispute_id, DisputeStatus.awaiting_seller, now)
        if d is None:
            return False
        assert d.respond_by is not None
        order = _order(uow, d)
        carried = carry_out(uow, ctx, order, d, SYSTEM, d.wanted, d.amount, now)
        resolve(
            uow,
            ctx,
            order,
            d,
            SYSTEM,
            Resolution.seller_silent,
            carried,
            now,
            at=d.respond_by,
            respond_by=d.respond_by.isoformat(),
        )
        uow.commit()
    return True


def escalate_at_passed(uow: UnitOfWork, ctx: Context, *, dispute_id: int) -> bool:
    """D4: no agreement by `escalate_at`: the dispute goes to support (escalated by
    "system"), the SLA counted from `escalate_at`."""
    now = ctx.clock.now()
    with uow:
        d = _due(uow, dispute_id, DisputeStatus.negotiating, now)
        if d is None:
            return False
        assert d.escalate_at is not None
        order = _order(uow, d)
        escalate_now(
            uow,
            ctx,
            order,
            d,
            SYSTEM,
            "system",
            d.escalate_at,
            now,
            escalate_at=d.escalate_at.isoformat(),
        )
        uow.commit()
    return True


def appeal_by_passed(uow: UnitOfWork, ctx: Context, *, dispute_id: int) -> bool:
    """D6: nobody appealed by `appeal_by`: the decision stands for good (resolved, decided)."""
    now = ctx.clock.now()
    with uow:
        d = _due(uow, dispute_id, DisputeStatus.decided, now)
        if d is None:
            return False
        assert d.appeal_by is not None
        order = _order(uow, d)
        resolve(
            uow,
            ctx,
            order,
            d,
            SYSTEM,
            Resolution.decided,
            Carried(),
            now,
            at=d.appeal_by,
            appeal_by=d.appeal_by.isoformat(),
        )
        uow.commit()
    return True


def _request(uow: UnitOfWork, request_id: int) -> tuple[Dispute, int] | None:
    dispute_id = uow.disputes.dispute_of_info_request(request_id)
    if dispute_id is None:
        return None
    d = uow.disputes.get(dispute_id)
    return (d, request_id) if d is not None else None


def info_due_passed(uow: UnitOfWork, ctx: Context, *, request_id: int) -> bool:
    """D5: the side asked did not answer by the due date: support is told (the dispute stays
    with support, who decide with what they have)."""
    now = ctx.clock.now()
    with uow:
        found = _request(uow, request_id)
        if found is None:
            return False
        d, _ = found
        request = next(r for r in d.info_requests if r.id == request_id)
        if (
            request.answered_at is not None
            or now < request.due_at
            or d.status not in (DisputeStatus.escalated, DisputeStatus.appealed)
        ):
            return False
        order = uow.orders.get(d.order_id)
        assert order is not None
        subscribers.record(
            uow, ctx, DisputeInfoOverdue(order=order, dispute=d, request=request, at=now)
        )
        uow.commit()
    return True


def _remind(
    uow: UnitOfWork,
    ctx: Context,
    d: Dispute,
    deadline: str,
    due_at: datetime | None,
    parties: tuple[Party, ...],
) -> bool:
    now = ctx.clock.now()
    if due_at is None or now >= due_at:
        return False
    order = uow.orders.get(d.order_id)
    assert order is not None
    for party in parties:
        subscribers.record(
            uow,
            ctx,
            DisputeReminderDue(
                order=order, dispute=d, deadline=deadline, due_at=due_at, party=party, at=now
            ),
        )
    uow.commit()
    return True


def respond_reminder(uow: UnitOfWork, ctx: Context, *, dispute_id: int) -> bool:
    """M2/D3: the sellers, reminded before their silence carries out the buyer's request."""
    with uow:
        d = uow.disputes.get(dispute_id)
        if d is None or d.status is not DisputeStatus.awaiting_seller:
            return False
        return _remind(uow, ctx, d, RESPOND_BY, d.respond_by, (Party.seller,))


def escalate_reminder(uow: UnitOfWork, ctx: Context, *, dispute_id: int) -> bool:
    """M2/D4: both sides, reminded before negotiation ends and support decides."""
    with uow:
        d = uow.disputes.get(dispute_id)
        if d is None or d.status not in (DisputeStatus.awaiting_seller, DisputeStatus.negotiating):
            return False
        return _remind(uow, ctx, d, ESCALATE_AT, d.escalate_at, (Party.buyer, Party.seller))


def appeal_reminder(uow: UnitOfWork, ctx: Context, *, dispute_id: int) -> bool:
    """M2/D6: both sides, reminded before support's decision becomes final and can no longer
    be appealed (none once a side appealed: there is one appeal per dispute)."""
    with uow:
        d = uow.disputes.get(dispute_id)
        if d is None or d.status is not DisputeStatus.decided:
            return False
        return _remind(uow, ctx, d, APPEAL_BY, d.appeal_by, (Party.buyer, Party.seller))


def info_reminder(uow: UnitOfWork, ctx: Context, *, request_id: int) -> bool:
    """M2/D5: the side asked, reminded before the information is due."""
    with uow:
        found = _request(uow, request_id)
        if found is None:
            return False
        d, _ = found
        request = next(r for r in d.info_requests if r.id == request_id)
        if request.answered_at is not None or d.status not in (
            DisputeStatus.escalated,
            DisputeStatus.appealed,
        ):
            return False
        return _remind(uow, ctx, d, "dispute.info_due", request.due_at, (request.party,))
