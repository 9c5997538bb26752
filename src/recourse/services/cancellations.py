"""§3 cancellation, every path: instant, by request (answered or not), by the seller, and by
the platform when a deadline passes. Each completed cancellation of paid units creates its
refund through the ledger in the same transaction (C4, C7, C8, F1)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from recourse.currency import money_json
from recourse.domain.cancellation import (
    Blocker,
    CancellationStatus,
    Eligibility,
    Initiator,
    Mode,
    buyer_eligibility,
    cancel_units,
    cancellation_transition,
    overdue_autocancel_due,
    seller_eligibility,
)
from recourse.domain.errors import InvalidInput, NotAllowed, NotFound, RuleConflict
from recourse.domain.money import Money
from recourse.domain.order import Order, PaymentStatus, derive_status, unpaid_expired
from recourse.domain.policy import StorePolicy, policy_in_force
from recourse.domain.reasons import Reason, ReasonActor, check_reason
from recourse.domain.refund import RefundQuote, mark_refunded, quote_cancellation
from recourse.domain.roles import SYSTEM, Actor, Role, can_act_as_seller, can_answer_cancellation
from recourse.domain.settlement import refund_destination
from recourse.domain.shipment import ShipmentLine, merged
from recourse.domain.timeline import TimelineEntry
from recourse.services import events
from recourse.services.notify import (
    notify_store_staff,
    notify_user,
    schedule_deadline,
    schedule_reminder,
)
from recourse.services.orders import load_order, refresh_status
from recourse.services.ports import Cancellation, Context, NewCancellation, UnitOfWork
from recourse.services.refunds import record_refund
from recourse.services.shipping import record_shipment

RESPOND_BY = "cancellation.respond_by"
RESPOND_REMINDER = "cancellation.reminder"
REJECTION_REASONS = ("already_shipped", "made_to_order", "buyer_agreed_to_keep", "other")


class CancellationBlocked(RuleConflict):
    """C1: the blocker's code and sentence, when it lifts, and what to do instead."""


@dataclass(frozen=True, slots=True)
class Preview:
    """What the cancel page shows before the buyer confirms (C1, C6)."""

    eligibility: Eligibility
    quote: RefundQuote | None
    quote_id: str | None
    reasons: list[Reason]


def _policy(uow: UnitOfWork, order: Order, now: datetime) -> StorePolicy:
    if order.policy_version_id is not None:
        version = uow.stores.policy_version(order.policy_version_id)
        if version is not None:
            return version.policy
    return policy_in_force(uow.stores.policy_versions(order.store_id), now).policy


def _quote(uow: UnitOfWork, order: Order, units: Mapping[int, int]) -> RefundQuote | None:
    if order.payment.status is not PaymentStatus.captured or not units:
        return None
    return quote_cancellation(
        order, units, uow.refunds.so_far(order.id), after=cancel_units(order, units)
    )


def quote_fingerprint(order: Order, units: Mapping[int, int], quote: RefundQuote | None) -> str:
    """C6: identifies exactly what the buyer saw; any change to the order changes it."""
    facts = {
        "order": order.id,
        "units": sorted(units.items()),
        "quantities": [(line.id, line.qty.cancelled, line.qty.shipped) for line in order.lines],
        "quote": None
        if quote is None
        else [quote.items, quote.tax, quote.shipping, quote.fees, quote.refundable_before],
    }
    return "q_" + hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:20]


def _eligibility(
    uow: UnitOfWork, order: Order, actor: Actor, now: datetime, lines: Mapping[int, int] | None
) -> Eligibility:
    pending = uow.cancellations.pending_for_order(order.id) is not None
    if actor.role is Role.buyer:
        return buyer_eligibility(
            order,
            now=now,
            policy=_policy(uow, order, now),
            platform=uow.platform.policy(),
            lines=lines,
            pending_request=pending,
        )
    if can_act_as_seller(actor, store_id=order.store_id) and actor.role is Role.seller:
        return seller_eligibility(order, now=now, lines=lines, pending_request=pending)
    raise NotAllowed("Only the buyer or the store's staff can cancel this order.")


def blocked_error(blocker: Blocker) -> CancellationBlocked:
    """C1: the error that carries a blocker to the API and the pages."""
    return CancellationBlocked(
        blocker.code,
        blocker.message,
        unblocks_at=blocker.unblocks_at.isoformat() if blocker.unblocks_at else None,
        alternatives=[str(a) for a in blocker.alternatives],
    )


def preview_cancellation(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    order_id: int,
    lines: Mapping[int, int] | None = None,
) -> Preview:
    """C1/C6: eligible or not (and why), and exactly what would be refunded."""
    now = ctx.clock.now()
    with uow:
        order = load_order(uow, actor, order_id)
        eligibility = _eligibility(uow, order, actor, now, lines)
        quote = _quote(uow, order, eligibility.units) if eligibility.allowed else None
        reason_actor = ReasonActor.buyer if actor.role is Role.buyer else ReasonActor.seller
        reasons = [r for r in uow.reasons.all() if r.actor is reason_actor]
        return Preview(
            eligibility=eligibility,
            quote=quote,
            quote_id=quote_fingerprint(order, eligibility.units, quote)
            if eligibility.allowed
            else None,
            reasons=reasons,
        )


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
    with uow:
        order = load_order(uow, actor, order_id, for_update=True)
        if request_key is not None:
            made = uow.cancellations.id_by_request(order.id, request_key)
            if made is not None:
                earlier = uow.cancellations.get(made)
                assert earlier is not None
                return earlier
        eligibility = _eligibility(uow, order, actor, now, lines)
        if not eligibility.allowed:
            assert eligibility.blocker is not None
            raise blocked_error(eligibility.blocker)
        is_buyer = actor.role is Role.buyer
        chosen = check_reason(
            uow.reasons.get(reason),
            reason,
            actor=ReasonActor.buyer if is_buyer else ReasonActor.seller,
            note=note,
        )
        quote = _quote(uow, order, eligibility.units)
        fresh = quote_fingerprint(order, eligibility.units, quote)
        if quote_id is not None and quote_id != fresh:
            raise RuleConflict(
                "quote_changed",
                "The order changed since you saw the refund; here is the new one.",
                quote_id=fresh,
                refund=quote.total if quote else 0,
                currency=order.currency,
            )
        whole = dict(eligibility.units) == {
            line.id: line.qty.unshipped for line in order.lines if line.qty.unshipped
        }
        request = eligibility.mode is Mode.request
        cancellation_id = uow.cancellations.add(
            NewCancellation(
                order_id=order.id,
                store_id=order.store_id,
                status=CancellationStatus.pending_seller
                if request
                else CancellationStatus.completed,
                initiator=str(Initiator.buyer if is_buyer else Initiator.seller),
                mode=str(eligibility.mode),
                reason=chosen.code,
                fault=str(chosen.fault),
                note=note,
                whole_order=whole,
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
        if request:
            _open_request(uow, ctx, order, cancellation, actor, now)
        else:
            _complete(
                uow,
                ctx,
                order,
                cancellation,
                actor,
                now,
                event="cancellation.approved",
                quote=quote,
            )
        uow.commit()
        final = uow.cancellations.get(cancellation_id)
    assert final is not None
    return final


def _open_request(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    cancellation: Cancellation,
    actor: Actor,
    now: datetime,
) -> None:
    """C4/C11: the seller must answer by `respond_by`; silence approves; a reminder goes first."""
    respond_by = cancellation.respond_by
    assert respond_by is not None
    platform = uow.platform.policy()
    schedule_deadline(uow, name=RESPOND_BY, subject_id=cancellation.id, due_at=respond_by)
    schedule_reminder(
        uow,
        name=RESPOND_REMINDER,
        subject_id=cancellation.id,
        due_at=respond_by,
        remind_before_hours=platform.remind_before_hours,
        now=now,
    )
    uow.timeline.add(
        TimelineEntry(
            order_id=order.id,
            at=now,
            actor=actor,
            action="cancellation.requested",
            reason=cancellation.reason,
            note=cancellation.note,
            data={
                "cancellation_id": cancellation.id,
                "respond_by": respond_by.isoformat(),
                "units": {str(k): v for k, v in cancellation.units.items()},
            },
        )
    )
    events.publish(
        uow,
        event_type="cancellation.requested",
        data=_event_data(order, cancellation, respond_by=respond_by.isoformat()),
        now=now,
    )
    for seller_id in uow.users.staff_ids(order.store_id):
        seller = uow.users.get(seller_id)
        assert seller is not None
        notify_user(
            uow,
            user_id=seller_id,
            kind="cancellation.requested",
            title=f"Order #{order.id}: the buyer asks to cancel",
            body=(
                "Approve or reject by "
                f"{respond_by.astimezone(ZoneInfo(seller.timezone)):%d %b %Y, %H:%M %Z}; "
                "without an answer the cancellation is approved automatically."
            ),
            order_id=order.id,
            link=f"/seller/orders/{order.id}",
            now=now,
            dedupe_key=f"cancellation:{cancellation.id}:requested:{seller_id}",
            email_template="cancellation_requested",
            email_context={
                "order_id": order.id,
                "cancellation_id": cancellation.id,
                "respond_by": respond_by.isoformat(),
                "reason": _label(uow, cancellation.reason),
                "note": cancellation.note,
                "items": _items(order, cancellation.units),
            },
        )


def _complete(
    uow: UnitOfWork,
    ctx: Context,
    order: Order,
    cancellation: Cancellation,
    actor: Actor,
    now: datetime,
    *,
    event: str,
    quote: RefundQuote | None = None,
) -> None:
    """Cancel the units, refund what was paid for them, tell everyone (C7, C11, F1).
    `quote` is the one the caller made for these units under the same lock, when it has one."""
    before = uow.orders.stored_status(order.id) or derive_status(order, now)
    if quote is None:
        quote = _quote(uow, order, cancellation.units)
    refund_id = None
    if quote is not None and quote.total > 0:
        refund_id = record_refund(
            uow,
            ctx,
            order=order,
            quote=quote,
            actor=actor,
            gateway=ctx.gateway,
            cause_ref=f"cancellation:{cancellation.id}",
            reason=cancellation.reason,
        )
        uow.cancellations.update(cancellation.id, refund_id=refund_id)
        order = merged(order, mark_refunded(order, quote))  # as record_refund saved it
    changes = cancel_units(order, cancellation.units)
    uow.orders.save_quantities(order.id, changes)
    after_order = merged(order, changes)
    after = refresh_status(uow, after_order, now)
    whole = all(line.qty.cancelled == line.qty.ordered for line in after_order.lines)
    uow.timeline.add(
        TimelineEntry(
            order_id=order.id,
            at=now,
            actor=actor,
            action="order.cancelled" if whole else "order.lines_cancelled",
            from_state=str(before),
            to_state=str(after),
            reason=cancellation.reason,
            note=cancellation.note,
            data={
                "cancellation_id": cancellation.id,
                "fault": cancellation.fault,
                "refund_id": refund_id,
                "units": {str(k): v for k, v in cancellation.units.items()},
            },
        )
    )
    data = _event_data(order, cancellation, refund_id=refund_id)
    events.publish(uow, event_type=event, data=data, now=now)
    events.publish(uow, event_type="order.lines_cancelled", data=data, now=now)
    if whole:
        events.publish(uow, event_type="order.cancelled", data=data, now=now)
    amount = money_json(Money(quote.total if quote else 0, order.currency))
    refund = uow.refunds.get(refund_id) if refund_id is not None else None
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind="cancellation.completed",
        title=f"Order #{order.id}: " + ("cancelled" if whole else "items cancelled"),
        body=(
            f"{amount['formatted']} will be refunded to "
            f"{refund_destination(str(order.payment.method))}."
            if refund
            else "Nothing was charged for these items, so there is nothing to refund."
        ),
        order_id=order.id,
        link=f"/orders/{order.id}",
        now=now,
        dedupe_key=f"cancellation:{cancellation.id}:completed",
        email_template="cancellation_completed",
        email_context={
            "order_id": order.id,
            "whole": whole,
            "automatic": event == "cancellation.expired",
            "items": _items(order, cancellation.units),
            "refund": amount if refund else None,
            "method": str(order.payment.method),
            "destination": refund_destination(str(order.payment.method)),
            "earliest": refund.expected_earliest.isoformat() if refund else None,
            "latest": refund.expected_latest.isoformat() if refund else None,
        },
    )
    if cancellation.initiator != str(Initiator.seller):
        notify_store_staff(
            uow,
            store_id=order.store_id,
            kind="cancellation.completed",
            title=f"Order #{order.id}: " + ("cancelled" if whole else "items cancelled"),
            body="Do not ship the cancelled items."
            + (
                " You did not answer in time, so the request was approved."
                if event == "cancellation.expired"
                else ""
            ),
            order_id=order.id,
            now=now,
            dedupe_key=f"cancellation:{cancellation.id}:completed",
            email_template="cancellation_seller_notice",
            email_context={
                "order_id": order.id,
                "whole": whole,
                "automatic": event == "cancellation.expired",
                "items": _items(order, cancellation.units),
                "reason": _label(uow, cancellation.reason),
            },
        )


def _label(uow: UnitOfWork, code: str) -> str:
    reason = uow.reasons.get(code)
    return reason.label if reason else code.replace("_", " ")


def _items(order: Order, units: Mapping[int, int]) -> list[dict[str, object]]:
    return [
        {"title": order.line(line_id).title, "sku": order.line(line_id).sku, "quantity": n}
        for line_id, n in sorted(units.items())
    ]


def _event_data(order: Order, c: Cancellation, **extra: object) -> dict[str, object]:
    return {
        "cancellation_id": c.id,
        "order_id": order.id,
        "external_id": order.external_id,
        "store_id": order.store_id,
        "reason": c.reason,
        "fault": c.fault,
        "initiator": c.initiator,
        "lines": [
            {"line_id": line_id, "sku": order.line(line_id).sku, "quantity": n}
            for line_id, n in sorted(c.units.items())
        ],
        **extra,
    }


def _pending(uow: UnitOfWork, actor: Actor, cancellation_id: int) -> tuple[Cancellation, Order]:
    cancellation = uow.cancellations.get(cancellation_id, for_update=True)
    if cancellation is None:
        raise NotFound(f"No cancellation {cancellation_id}.")
    order = load_order(uow, actor, cancellation.order_id, for_update=True)
    return cancellation, order


def approve_cancellation(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, cancellation_id: int
) -> Cancellation:
    """C4: the seller approves; the units are cancelled and refunded."""
    now = ctx.clock.now()
    with uow:
        cancellation, order = _pending(uow, actor, cancellation_id)
        if not can_answer_cancellation(actor, store_id=order.store_id):
            raise NotAllowed("Only the store's staff can answer a cancellation request.")
        cancellation_transition(cancellation.status, CancellationStatus.approved)
        uow.cancellations.update(
            cancellation.id,
            status=CancellationStatus.approved,
            decided_at=now,
            decided_by_role=str(actor.role),
            decided_by_id=actor.user_id,
        )
        _complete(uow, ctx, order, cancellation, actor, now, event="cancellation.approved")
        uow.commit()
        final = uow.cancellations.get(cancellation.id)
    assert final is not None
    return final


def reject_cancellation(
    uow: UnitOfWork,
    ctx: Context,
    *,
    actor: Actor,
    cancellation_id: int,
    reason: str,
    note: str | None = None,
    carrier: str | None = None,
    tracking_number: str | None = None,
) -> Cancellation:
    """C9/C10: the seller refuses with a reason; 'already shipped' needs carrier and tracking,
    and records that parcel, so exactly one of 'cancelled' and 'shipped' wins."""
    now = ctx.clock.now()
    if reason not in REJECTION_REASONS:
        raise InvalidInput(
            "reason", "Choose a reason for rejecting.", allowed=list(REJECTION_REASONS)
        )
    if reason == "other" and not (note and note.strip()):
        raise InvalidInput("note", "Explain to the buyer why you reject the cancellation.")
    if reason == "already_shipped":
        if not (carrier and carrier.strip()):
            raise InvalidInput("carrier", "Name the carrier the parcel left with.")
        if not (tracking_number and tracking_number.strip()):
            raise InvalidInput("tracking_number", "Enter the parcel's tracking number.")
    with uow:
        cancellation, order = _pending(uow, actor, cancellation_id)
        if not can_answer_cancellation(actor, store_id=order.store_id):
            raise NotAllowed("Only the store's staff can answer a cancellation request.")
        cancellation_transition(cancellation.status, CancellationStatus.rejected)
        uow.cancellations.update(
            cancellation.id,
            status=CancellationStatus.rejected,
            decided_at=now,
            decided_by_role=str(actor.role),
            decided_by_id=actor.user_id,
            rejection_reason=reason,
            rejection_note=note,
            carrier=carrier,
            tracking_number=tracking_number,
        )
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action="cancellation.rejected",
                reason=reason,
                note=note,
                data={
                    "cancellation_id": cancellation.id,
                    "carrier": carrier,
                    "tracking_number": tracking_number,
                },
            )
        )
        if reason == "already_shipped":
            assert carrier is not None and tracking_number is not None
            record_shipment(
                uow,
                ctx,
                actor=actor,
                order=order,
                lines=[ShipmentLine(k, v) for k, v in sorted(cancellation.units.items())],
                carrier=carrier,
                tracking_number=tracking_number,
                now=now,
            )
        events.publish(
            uow,
            event_type="cancellation.rejected",
            data=_event_data(order, cancellation, rejection_reason=reason, note=note),
            now=now,
        )
        notify_user(
            uow,
            user_id=order.buyer_id,
            kind="cancellation.rejected",
            title=f"Order #{order.id}: the seller declined to cancel",
            body=(note or reason.replace("_", " ")).strip(),
            order_id=order.id,
            link=f"/orders/{order.id}",
            now=now,
            dedupe_key=f"cancellation:{cancellation.id}:rejected",
            email_template="cancellation_rejected",
            email_context={
                "order_id": order.id,
                "reason": reason,
                "note": note,
                "carrier": carrier,
                "tracking_number": tracking_number,
            },
        )
        uow.commit()
        final = uow.cancellations.get(cancellation.id)
    assert final is not None
    return final


def withdraw_cancellation(
    uow: UnitOfWork, ctx: Context, *, actor: Actor, cancellation_id: int
) -> Cancellation:
    """C10: the buyer withdraws a request that the seller has not answered."""
    now = ctx.clock.now()
    with uow:
        cancellation, order = _pending(uow, actor, cancellation_id)
        if actor.role is not Role.buyer:
            raise NotAllowed("Only the buyer can withdraw their cancellation request.")
        cancellation_transition(cancellation.status, CancellationStatus.withdrawn)
        uow.cancellations.update(
            cancellation.id,
            status=CancellationStatus.withdrawn,
            decided_at=now,
            decided_by_role=str(actor.role),
            decided_by_id=actor.user_id,
        )
        uow.timeline.add(
            TimelineEntry(
                order_id=order.id,
                at=now,
                actor=actor,
                action="cancellation.withdrawn",
                data={"cancellation_id": cancellation.id},
            )
        )
        events.publish(
            uow,
            event_type="cancellation.withdrawn",
            data=_event_data(order, cancellation),
            now=now,
        )
        uow.commit()
        final = uow.cancellations.get(cancellation.id)
    assert final is not None
    return final


def respond_by_passed(uow: UnitOfWork, ctx: Context, *, cancellation_id: int) -> bool:
    """C4: no answer by `respond_by` means approved, with a full refund of those units."""
    now = ctx.clock.now()
    with uow:
        cancellation = uow.cancellations.get(cancellation_id, for_update=True)
        if (
            cancellation is None
            or cancellation.status is not CancellationStatus.pending_seller
            or cancellation.respond_by is None
            or now < cancellation.respond_by
        ):
            return False
        order = uow.orders.get(cancellation.order_id, for_update=True)
        assert order is not None
        uow.cancellations.update(
            cancellation.id,
            status=CancellationStatus.auto_approved,
            decided_at=now,
            decided_by_role=str(SYSTEM.role),
        )
        _complete(uow, ctx, order, cancellation, SYSTEM, now, event="cancellation.expired")
        uow.commit()
    return True


def request_reminder(uow: UnitOfWork, ctx: Context, *, cancellation_id: int) -> bool:
    """C11: remind the seller before silence approves the request."""
    now = ctx.clock.now()
    with uow:
        cancellation = uow.cancellations.get(cancellation_id)
        if (
            cancellation is None
            or cancellation.status is not CancellationStatus.pending_seller
            or cancellation.respond_by is None
            or now >= cancellation.respond_by
        ):
            return False
        order = uow.orders.get(cancellation.order_id)
        assert order is not None
        notify_store_staff(
            uow,
            store_id=order.store_id,
            kind="cancellation.reminder",
            title=f"Order #{order.id}: answer the cancellation request",
            body="Without your answer the cancellation will be approved automatically.",
            order_id=order.id,
            now=now,
            dedupe_key=f"cancellation:{cancellation.id}:reminder",
            email_template="cancellation_reminder",
            email_context={
                "order_id": order.id,
                "respond_by": cancellation.respond_by.isoformat(),
                "items": _items(order, cancellation.units),
            },
        )
        uow.commit()
    return True


def _system_cancel(
    uow: UnitOfWork, ctx: Context, order: Order, *, reason: str, now: datetime
) -> None:
    chosen = uow.reasons.get(reason)
    assert chosen is not None
    units = {line.id: line.qty.unshipped for line in order.lines if line.qty.unshipped}
    cancellation_id = uow.cancellations.add(
        NewCancellation(
            order_id=order.id,
            store_id=order.store_id,
            status=CancellationStatus.completed,
            initiator=str(Initiator.system),
            mode=str(Mode.instant),
            reason=reason,
            fault=str(chosen.fault),
            note=None,
            whole_order=True,
            units=units,
            requested_by_role=str(SYSTEM.role),
            requested_by_id=None,
            respond_by=None,
            created_at=now,
        )
    )
    cancellation = uow.cancellations.get(cancellation_id)
    assert cancellation is not None
    _complete(uow, ctx, order, cancellation, SYSTEM, now, event="cancellation.approved")


def payment_window_ended(uow: UnitOfWork, ctx: Context, *, order_id: int) -> bool:
    """C2: unpaid after `payment_window_hours`, the order cancels itself; nothing to refund."""
    now = ctx.clock.now()
    with uow:
        order = uow.orders.get(order_id, for_update=True)
        if order is None or not unpaid_expired(order, now):
            return False
        _system_cancel(uow, ctx, order, reason="payment_window_expired", now=now)
        uow.commit()
    return True


def overdue_autocancel(uow: UnitOfWork, ctx: Context, *, order_id: int) -> bool:
    """C4: still unshipped `overdue_autocancel_days` after ship-by: cancelled, full refund,
    fault seller."""
    now = ctx.clock.now()
    with uow:
        order = uow.orders.get(order_id, for_update=True)
        if order is None or not overdue_autocancel_due(order, now, uow.platform.policy()):
            return False
        pending = uow.cancellations.pending_for_order(order.id)
        if pending is not None:
            uow.cancellations.update(
                pending.id,
                status=CancellationStatus.auto_approved,
                decided_at=now,
                decided_by_role=str(SYSTEM.role),
            )
        _system_cancel(uow, ctx, order, reason="seller_overdue", now=now)
        uow.commit()
    return True
