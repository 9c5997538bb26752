"""§2 buyer protection: the buyer confirms receipt (ending protection: the order completes), is
reminded before protection runs out (M2), and may ask the seller for more time, which the
seller grants (protection ends later) or declines.

Each step settles the order's passed deadlines first (§10), so a protection that ran out while
the worker was down meets the buyer as `protection_ended`. Deadlines re-read the order: the
first PROTECTION_ENDS after a grant, or after a confirmation, changes nothing; a reminder for an
end that was moved later comes early and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from recourse.domain.errors import NotFound, RuleConflict
from recourse.domain.order import Order, OrderStatus, derive_status
from recourse.domain.protection import (
    ExtensionStatus,
    check_days,
    check_is_buyer,
    check_is_seller,
    check_protection_running,
    clean_reason,
    extended_end,
    extension_transition,
    reminder_due,
)
from recourse.domain.protection import (
    confirm_receipt as confirmed,
)
from recourse.domain.roles import Actor
from recourse.domain.timeline import TimelineEntry
from recourse.services.events import (
    Happened,
    ProtectionEndingSoon,
    ProtectionExtensionAnswered,
    ProtectionExtensionRequested,
    ReceiptConfirmed,
)
from recourse.services.notify import schedule_deadline, schedule_reminder
from recourse.services.orders import load_order, refresh_status
from recourse.services.ports.common import Context
from recourse.services.ports.protection import NewExtension
from recourse.services.ports.unit_of_work import UnitOfWork
from recourse.services.settle import settle_due
from recourse.services.shipping import PROTECTION_ENDS, PROTECTION_REMINDER


@dataclass(frozen=True, slots=True)
class Completed:
    status: OrderStatus
    completed_at: datetime


def _record(uow: UnitOfWork, ctx: Context, event: Happened) -> None:
    """STYLE 10: what happened, to its subscribers (imported here: the table reaches the
    cancellation package, which imports the modules this one imports)."""
    from recourse.services import subscribers

    subscribers.record(uow, ctx, event)


def _status(uow: UnitOfWork, order: Order, now: datetime) -> OrderStatus:
    s = uow.orders.settlement(order.id)
    return derive_status(
        order,
        now,
        open_cases=s.open_cases,
        unsettled_refunds=s.unsettled_refunds,
        had_cases_or_refunds=s.had_cases_or_refunds,
    )


def confirm_receipt(uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int) -> Completed:
    """§2: the buyer says all is well: protection ends now and the order completes. Allowed
    while protection runs (409 `protection_ended` after its end, `receipt_not_possible` before
    shipment or once finished)."""
    settle_due(uow, ctx, order_id=order_id)
    now = ctx.clock.now()
    with uow:
        order = load_order(uow, actor, order_id, for_update=True)
        check_is_buyer(actor, order)
        before = _status(uow, order, now)
        check_protection_running(order, now, status=before)
        after_order = confirmed(order, now)
        uow.protection.confirm_receipt(order.id, now)
        uow.orders.save_deadlines(order.id, after_order.deadlines)
        after = refresh_status(uow, after_order, now)
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action="order.completed",
                from_state=str(before),
                to_state=str(after),
                reason="receipt_confirmed",
            )
        )
        _record(uow, ctx, ReceiptConfirmed(order=after_order, at=now))
        uow.commit()
    return Completed(status=after, completed_at=now)


def protection_reminder(uow: UnitOfWork, ctx: Context, *, order_id: int) -> bool:
    """M2: remind the buyer before protection ends; nothing once the order is completed or
    cancelled, and nothing from a reminder meant for an end that has since moved later."""
    now = ctx.clock.now()
    with uow:
        order = uow.orders.get(order_id)
        if order is None:
            return False
        hours = uow.platform.policy().remind_before_hours
        if not reminder_due(order, now, remind_before_hours=hours):
            return False
        ends = order.deadlines.protection_ends_at
        assert ends is not None
        _record(uow, ctx, ProtectionEndingSoon(order=order, ends_at=ends, at=now))
        uow.commit()
    return True


def request_extension(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, order_id: int, days: int, reason: str
) -> int:
    """§2: the buyer asks the seller for `days` more protection (1..the platform's limit) with
    a short reason, while protection runs; one request waits at a time."""
    text = clean_reason(reason)
    settle_due(uow, ctx, order_id=order_id)
    now = ctx.clock.now()
    with uow:
        order = load_order(uow, actor, order_id, for_update=True)
        check_is_buyer(actor, order)
        check_days(days, limit=uow.platform.policy().protection_extension_max_days)
        check_protection_running(
            order, now, status=_status(uow, order, now), code="extension_not_possible"
        )
        pending = uow.protection.pending_extension(order.id)
        if pending is not None:
            raise RuleConflict("extension_pending", request_id=pending.id, days=pending.days)
        assert actor.user_id is not None
        extension_id = uow.protection.add_extension(
            NewExtension(order.id, actor.user_id, days, text, now)
        )
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action="protection.extension_requested",
                data={"request_id": extension_id, "days": days},
                note=text,
            )
        )
        extension = uow.protection.get_extension(extension_id)
        assert extension is not None
        _record(uow, ctx, ProtectionExtensionRequested(order=order, extension=extension, at=now))
        uow.commit()
    return extension_id


def answer_extension(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    request_id: int,
    grant: bool,
) -> datetime:
    """§2: a seller of the store grants (protection ends `days` later: a new PROTECTION_ENDS
    deadline and reminder; the earlier ones re-read the order and do nothing) or declines.
    Returns when protection ends now."""
    settle_due(uow, ctx, order_id=order_id)
    now = ctx.clock.now()
    with uow:
        order = load_order(uow, actor, order_id, for_update=True)
        check_is_seller(actor, order)
        extension = uow.protection.get_extension(request_id, for_update=True)
        if extension is None or extension.order_id != order.id:
            raise NotFound("protection.no_such_request", request_id=request_id)
        target = ExtensionStatus.granted if grant else ExtensionStatus.declined
        extension_transition(extension.status, target)
        ends = order.deadlines.protection_ends_at
        assert ends is not None and actor.user_id is not None
        new_end = ends
        if grant:
            check_protection_running(
                order, now, status=_status(uow, order, now), code="extension_not_possible"
            )
            new_end = _move_protection(uow, order, extended_end(order, extension.days), now)
        uow.protection.decide_extension(
            extension.id,
            status=target,
            by=actor.user_id,
            at=now,
            ends_before=ends if grant else None,
            ends_after=new_end if grant else None,
        )
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action=f"protection.extension_{target}",
                data={"request_id": extension.id, "days": extension.days}
                | ({"protection_ends_at": new_end.isoformat()} if grant else {}),
            )
        )
        decided = uow.protection.get_extension(extension.id)
        assert decided is not None
        _record(
            uow,
            ctx,
            ProtectionExtensionAnswered(
                order=order, extension=decided, granted=grant, ends_at=new_end, at=now
            ),
        )
        uow.commit()
    return new_end


def _move_protection(uow: UnitOfWork, order: Order, new_end: datetime, now: datetime) -> datetime:
    """Store the new end and schedule its deadline and reminder (the old ones stay queued and
    find nothing to do when they fire)."""
    uow.orders.save_deadlines(order.id, replace(order.deadlines, protection_ends_at=new_end))
    schedule_deadline(uow, name=PROTECTION_ENDS, subject_id=order.id, due_at=new_end)
    schedule_reminder(
        uow,
        name=PROTECTION_REMINDER,
        subject_id=order.id,
        due_at=new_end,
        remind_before_hours=uow.platform.policy().remind_before_hours,
        now=now,
    )
    return new_end
