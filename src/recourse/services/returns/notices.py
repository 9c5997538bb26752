"""R1-R5/M2/M3: what a return tells — `return.*` webhook events, in-app notifications and
emails, written in the transaction of the change. Each function handles a fact of
services/events/; services/subscribers.py maps the facts to them.

One email per thing that happened: the buyer's refund is told by the refund's own email
(`refund.created`), so a refunded return sends none of its own. Facts only (ids, codes, amounts
as {"amount", "currency"}, times as ISO text); the reader's words come when it is read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from recourse.domain.money import Money
from recourse.domain.order import Order
from recourse.domain.returns import Return
from recourse.services import events
from recourse.services.events import (
    ReturnApproved,
    ReturnClosed,
    ReturnDeclined,
    ReturnDelivered,
    ReturnOfferAnswered,
    ReturnOffered,
    ReturnReceived,
    ReturnRefunded,
    ReturnReminderDue,
    ReturnRequested,
    ReturnShipped,
    ReturnWithdrawn,
)
from recourse.services.notify import moment, money_fact, notify_store_staff, notify_user
from recourse.services.ports.common import Context
from recourse.services.ports.unit_of_work import UnitOfWork


def event_data(order: Order, r: Return, **extra: object) -> dict[str, object]:
    return {
        "return_id": r.id,
        "order_id": order.id,
        "external_id": order.external_id,
        "store_id": order.store_id,
        "kind": str(r.kind),
        "status": str(r.status),
        "reason": r.reason,
        "category": str(r.category) if r.category else None,
        "lines": [
            {"line_id": x.line_id, "sku": order.line(x.line_id).sku, "quantity": x.quantity}
            for x in r.lines
        ],
        **extra,
    }


def _items(order: Order, r: Return) -> list[dict[str, object]]:
    return [
        {
            "title": order.line(x.line_id).title,
            "sku": order.line(x.line_id).sku,
            "quantity": x.quantity,
        }
        for x in r.lines
    ]


def _params(order: Order, r: Return, **extra: Any) -> dict[str, Any]:
    return {"order_id": order.id, "return_id": r.id, **extra}


def _key(r: Return, kind: str, params: dict[str, Any]) -> str:
    """Once per return, kind, step and deadline."""
    return f"return:{r.id}:{kind}:{r.status}:{params.get('due_at') or ''}"


def _to_buyer(
    uow: UnitOfWork,
    order: Order,
    r: Return,
    *,
    kind: str,
    params: dict[str, Any],
    now: Any,
    email: str | None = None,
) -> None:
    notify_user(
        uow,
        user_id=order.buyer_id,
        kind=kind,
        params=params,
        order_id=order.id,
        link=f"/orders/{order.id}#returns",
        now=now,
        dedupe_key=_key(r, kind, params),
        email_template=email,
        email_context={**params, "items": _items(order, r)} if email else None,
    )


def _to_sellers(
    uow: UnitOfWork,
    order: Order,
    r: Return,
    *,
    kind: str,
    params: dict[str, Any],
    now: Any,
    email: str | None = None,
) -> None:
    notify_store_staff(
        uow,
        store_id=order.store_id,
        kind=kind,
        params=params,
        order_id=order.id,
        now=now,
        dedupe_key=_key(r, kind, params),
        email_template=email,
        email_context={**params, "items": _items(order, r)} if email else None,
    )


def _announce(
    uow: UnitOfWork,
    e: ReturnDeclined | ReturnOffered | ReturnShipped | ReturnDelivered | ReturnReceived,
    kind: str,
    *,
    tell: Callable[..., None],
    data: dict[str, Any],
    params: dict[str, Any],
    email: str | None = None,
) -> None:
    """The `kind` event with `data`, and the same `kind` told by `tell` with `params`."""
    order, r = e.order, e.ret
    events.publish(uow, event_type=kind, data=event_data(order, r, **data), now=e.at)
    tell(uow, order, r, kind=kind, params=_params(order, r, **params), now=e.at, email=email)


def announce_requested(uow: UnitOfWork, ctx: Context, e: ReturnRequested) -> None:
    """R1/R2: the sellers, by email too: what comes back, why, and the answer-by time."""
    order, r = e.order, e.ret
    respond_by = moment(r.respond_by)
    events.publish(
        uow,
        event_type="return.requested",
        data=event_data(order, r, respond_by=respond_by),
        now=e.at,
    )
    _to_sellers(
        uow,
        order,
        r,
        kind="return.requested",
        params=_params(
            order,
            r,
            respond_by=respond_by,
            reason=r.reason,
            description=r.description,
            refund=money_fact(Money(e.quote.total, order.currency)),
        ),
        now=e.at,
        email="return_requested",
    )


def announce_approved(uow: UnitOfWork, ctx: Context, e: ReturnApproved) -> None:
    """R2/R3: the buyer, by email: where to send it and by when. Approved by silence without an
    address on file: the sellers are asked for one."""
    order, r = e.order, e.ret
    ship_by = moment(r.ship_by)
    events.publish(
        uow,
        event_type="return.approved",
        data=event_data(
            order, r, ship_by=ship_by, automatic=e.automatic, return_address=r.return_address
        ),
        now=e.at,
    )
    _to_buyer(
        uow,
        order,
        r,
        kind="return.approved",
        params=_params(
            order, r, ship_by=ship_by, return_address=r.return_address, automatic=e.automatic
        ),
        now=e.at,
        email="return_approved",
    )
    if r.return_address is None:
        _to_sellers(
            uow,
            order,
            r,
            kind="return.address_needed",
            params=_params(order, r, ship_by=ship_by),
            now=e.at,
        )


def announce_declined(uow: UnitOfWork, ctx: Context, e: ReturnDeclined) -> None:
    reason = e.ret.decline_reason
    _announce(
        uow,
        e,
        "return.declined",
        tell=_to_buyer,
        data={"decline_reason": reason},
        params={"note": reason},
        email="return_declined",
    )


def announce_offered(uow: UnitOfWork, ctx: Context, e: ReturnOffered) -> None:
    assert e.ret.offer_amount is not None
    facts = {
        "amount": money_fact(Money(e.ret.offer_amount, e.order.currency)),
        "offer_answer_by": moment(e.ret.offer_answer_by),
    }
    _announce(
        uow, e, "return.offered", tell=_to_buyer, data=facts, params=facts, email="return_offered"
    )


def announce_offer_answered(uow: UnitOfWork, ctx: Context, e: ReturnOfferAnswered) -> None:
    """R2: the sellers hear the buyer's answer (in-app); an accepted offer is an event; a
    declined or lapsed one brings the request back with a fresh answer-by time."""
    order, r = e.order, e.ret
    if e.accepted:
        assert r.offer_amount is not None
        events.publish(
            uow,
            event_type="return.offer_accepted",
            data=event_data(
                order,
                r,
                amount=money_fact(Money(r.offer_amount, order.currency)),
                refund_id=e.refund_id,
            ),
            now=e.at,
        )
    kind = (
        "return.offer_accepted"
        if e.accepted
        else "return.offer_lapsed"
        if e.lapsed
        else "return.offer_declined"
    )
    _to_sellers(
        uow,
        order,
        r,
        kind=kind,
        params=_params(order, r, respond_by=moment(r.respond_by)),
        now=e.at,
    )


def announce_shipped(uow: UnitOfWork, ctx: Context, e: ReturnShipped) -> None:
    parcel = {"carrier": e.ret.carrier, "tracking_number": e.ret.tracking_number}
    _announce(
        uow,
        e,
        "return.shipped",
        tell=_to_sellers,
        data={"shipment_id": e.ret.return_shipment_id, **parcel},
        params=parcel,
    )


def announce_delivered(uow: UnitOfWork, ctx: Context, e: ReturnDelivered) -> None:
    """R4/S2: the sellers, by email: check the parcel; the refund goes by `refund_by` anyway."""
    refund_by = moment(e.ret.refund_by)
    _announce(
        uow,
        e,
        "return.delivered",
        tell=_to_sellers,
        data={"refund_by": refund_by, "delivered_at": moment(e.ret.delivered_at)},
        params={"refund_by": refund_by},
        email="return_delivered",
    )


def announce_problem(uow: UnitOfWork, ctx: Context, e: ReturnReceived) -> None:
    """R4: a problem with what came back: the event, and the buyer told support looks at it."""
    note = {"note": e.ret.problem_note}
    _announce(uow, e, "return.problem", tell=_to_buyer, data=note, params=note)


def announce_refunded(uow: UnitOfWork, ctx: Context, e: ReturnRefunded) -> None:
    """R4: `return.received` when the seller confirmed it, and `return.refunded` (what to
    restock); the sellers hear of a refund that went by itself. The buyer's email is the
    refund's."""
    order, r = e.order, e.ret
    amount = money_fact(Money(e.quote.total, e.quote.currency))
    if not e.automatic:
        events.publish(
            uow,
            event_type="return.received",
            data=event_data(order, r, condition=str(r.condition) if r.condition else None),
            now=e.at,
        )
    events.publish(
        uow,
        event_type="return.refunded",
        data=event_data(order, r, refund_id=e.refund_id, amount=amount, automatic=e.automatic),
        now=e.at,
    )
    if e.automatic:
        _to_sellers(
            uow,
            order,
            r,
            kind="return.refunded_automatically",
            params=_params(order, r, amount=amount),
            now=e.at,
        )


def announce_closed(uow: UnitOfWork, ctx: Context, e: ReturnClosed) -> None:
    order, r = e.order, e.ret
    ship_by = moment(r.ship_by)
    events.publish(
        uow, event_type="return.closed", data=event_data(order, r, ship_by=ship_by), now=e.at
    )
    _to_buyer(
        uow,
        order,
        r,
        kind="return.closed",
        params=_params(order, r, ship_by=ship_by),
        now=e.at,
        email="return_closed",
    )


def announce_withdrawn(uow: UnitOfWork, ctx: Context, e: ReturnWithdrawn) -> None:
    order, r = e.order, e.ret
    events.publish(uow, event_type="return.withdrawn", data=event_data(order, r), now=e.at)
    _to_sellers(uow, order, r, kind="return.withdrawn", params=_params(order, r), now=e.at)


def remind(uow: UnitOfWork, ctx: Context, e: ReturnReminderDue) -> None:
    """M2: before a return deadline decides against someone: the sellers before silence
    approves and before the refund goes by itself, the buyer before an unsent return closes."""
    order, r = e.order, e.ret
    params = _params(order, r, deadline=e.deadline, due_at=moment(e.due_at))
    if e.deadline == "return.ship_by":
        _to_buyer(
            uow, order, r, kind="return.reminder", params=params, now=e.at, email="return_reminder"
        )
    else:
        _to_sellers(
            uow, order, r, kind="return.reminder", params=params, now=e.at, email="return_reminder"
        )
