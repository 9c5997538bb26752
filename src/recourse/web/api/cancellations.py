"""Cancellations (§3): quote, cancel or request, answer, withdraw; the reason catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Request, status
from pydantic import Field, StrictBool, StrictInt

from recourse.currency import money_json
from recourse.db.cancellation_queries import (
    CancellationView,
    cancellation,
    cancellations_of_order,
    store_metrics,
)
from recourse.db.queries import order_detail
from recourse.db.refund_queries import refund
from recourse.domain.errors import InvalidInput, NotFound
from recourse.domain.money import Money
from recourse.domain.refund import RefundQuote
from recourse.domain.roles import Actor
from recourse.services import cancellations, reasons
from recourse.web.api.refunds import refund_json
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, OperatorActor, ReadSession
from recourse.web.idempotency import use_case_key

router = APIRouter(tags=["cancellations"])


class LineQty(Strict):
    line_id: StrictInt
    quantity: StrictInt


class QuoteIn(Strict):
    lines: list[LineQty] | None = Field(default=None, max_length=500)


class CancelIn(Strict):
    reason: str = Field(min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=2000)
    lines: list[LineQty] | None = Field(default=None, max_length=500)
    quote_id: str | None = Field(default=None, max_length=64)


class RejectIn(Strict):
    reason: Literal["already_shipped", "made_to_order", "buyer_agreed_to_keep", "other"]
    note: str | None = Field(default=None, max_length=2000)
    carrier: str | None = Field(default=None, max_length=100)
    tracking_number: str | None = Field(default=None, max_length=100)


class ReasonIn(Strict):
    code: str = Field(min_length=1, max_length=64)
    label: str = Field(min_length=1, max_length=200)
    actor: Literal["buyer", "seller"]
    fault: Literal["buyer", "seller", "none"]
    requires_note: StrictBool = False


def _lines(items: list[LineQty] | None) -> dict[int, int] | None:
    if items is None:
        return None
    units: dict[int, int] = {}
    for i, item in enumerate(items):
        if item.line_id in units:
            raise InvalidInput(f"lines[{i}].line_id", "The same line is listed twice.")
        units[item.line_id] = item.quantity
    return units


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def quote_json(q: RefundQuote) -> dict[str, Any]:
    def money(amount: int) -> dict[str, Any]:
        return money_json(Money(amount, q.currency))

    return {
        "items": money(q.items),
        "tax": money(q.tax),
        "shipping": money(q.shipping),
        "fees": money(q.fees),
        "total": money(q.total),
        "method": str(q.method),
        "refundable_after": money(q.refundable_after),
        "lines": [
            {
                "line_id": x.line_id,
                "quantity": x.quantity,
                "items": money(x.items),
                "tax": money(x.tax),
            }
            for x in q.lines
        ],
    }


def cancellation_json(v: CancellationView, s: ReadSession, actor: Actor) -> dict[str, Any]:
    found = refund(s, actor, v.refund_id) if v.refund_id else None
    return {
        "id": v.id,
        "order_id": v.order_id,
        "status": v.status,
        "initiator": v.initiator,
        "mode": v.mode,
        "reason": v.reason,
        "reason_label": v.reason_label,
        "fault": v.fault,
        "note": v.note,
        "whole_order": v.whole_order,
        "lines": [{"line_id": x["line_id"], "quantity": x["quantity"]} for x in v.lines],
        "respond_by": _iso(v.respond_by),
        "decided_at": _iso(v.decided_at),
        "rejection": {
            "reason": v.rejection_reason,
            "note": v.rejection_note,
            "carrier": v.carrier,
            "tracking_number": v.tracking_number,
        }
        if v.rejection_reason
        else None,
        "refund": refund_json(found) if found else None,
        "created_at": _iso(v.created_at),
    }


def _view(s: ReadSession, actor: Actor, cancellation_id: int) -> dict[str, Any]:
    found = cancellation(s, actor, cancellation_id)
    if found is None:
        raise NotFound(f"No cancellation {cancellation_id}.")
    return cancellation_json(found, s, actor)


@router.post("/orders/{order_id}/cancellation-quote")
def quote(order_id: int, body: QuoteIn, actor: ApiActor, c: ContainerDep) -> Any:
    """C1/C6: eligible or not (code, sentence, alternatives), instant or a request, and the
    exact refund; pass `quote_id` when cancelling to get exactly this."""
    preview = cancellations.preview_cancellation(
        c.uow(), c.ctx, actor=actor, order_id=order_id, lines=_lines(body.lines)
    )
    e = preview.eligibility
    blocker = e.blocker
    return {
        "eligible": e.allowed,
        "mode": str(e.mode) if e.mode else None,
        "respond_by": _iso(e.respond_by),
        "seller_overdue": e.seller_overdue,
        "blocker": {
            "code": blocker.code,
            "message": blocker.message,
            "unblocks_at": _iso(blocker.unblocks_at),
            "alternatives": [str(a) for a in blocker.alternatives],
        }
        if blocker
        else None,
        "lines": [{"line_id": k, "quantity": v} for k, v in sorted(e.units.items())],
        "quote": quote_json(preview.quote) if preview.quote else None,
        "quote_id": preview.quote_id,
        "reasons": [
            {"code": r.code, "label": r.label, "requires_note": r.requires_note}
            for r in preview.reasons
        ],
    }


@router.post("/orders/{order_id}/cancellations", status_code=status.HTTP_201_CREATED)
def cancel(
    order_id: int,
    body: CancelIn,
    actor: ApiActor,
    c: ContainerDep,
    s: ReadSession,
    request: Request,
) -> Any:
    """Cancel now (`completed`) or ask the seller (`pending_seller`, with `respond_by`).
    With an Idempotency-Key, a retry after a lost answer returns the same cancellation."""
    done = cancellations.cancel_order(
        c.uow(),
        c.ctx,
        actor=actor,
        order_id=order_id,
        reason=body.reason,
        note=body.note,
        lines=_lines(body.lines),
        quote_id=body.quote_id,
        request_key=use_case_key(request, actor),
    )
    return _view(s, actor, done.id)


@router.get("/orders/{order_id}/cancellations")
def order_cancellations(order_id: int, actor: ApiActor, c: ContainerDep, s: ReadSession) -> Any:
    if order_detail(s, actor, order_id, c.clock.now()) is None:
        raise NotFound(f"No order {order_id}.")
    return {"data": [cancellation_json(v, s, actor) for v in cancellations_of_order(s, order_id)]}


@router.get("/cancellations/{cancellation_id}")
def get_cancellation(cancellation_id: int, actor: ApiActor, s: ReadSession) -> Any:
    return _view(s, actor, cancellation_id)


@router.post("/cancellations/{cancellation_id}/approve")
def approve(cancellation_id: int, actor: ApiActor, c: ContainerDep, s: ReadSession) -> Any:
    cancellations.approve_cancellation(c.uow(), c.ctx, actor=actor, cancellation_id=cancellation_id)
    return _view(s, actor, cancellation_id)


@router.post("/cancellations/{cancellation_id}/reject")
def reject(
    cancellation_id: int, body: RejectIn, actor: ApiActor, c: ContainerDep, s: ReadSession
) -> Any:
    """C10: with a reason; `already_shipped` needs carrier and tracking number (C9)."""
    cancellations.reject_cancellation(
        c.uow(),
        c.ctx,
        actor=actor,
        cancellation_id=cancellation_id,
        reason=body.reason,
        note=body.note,
        carrier=body.carrier,
        tracking_number=body.tracking_number,
    )
    return _view(s, actor, cancellation_id)


@router.post("/cancellations/{cancellation_id}/withdraw")
def withdraw(cancellation_id: int, actor: ApiActor, c: ContainerDep, s: ReadSession) -> Any:
    cancellations.withdraw_cancellation(
        c.uow(), c.ctx, actor=actor, cancellation_id=cancellation_id
    )
    return _view(s, actor, cancellation_id)


@router.get("/cancellation-reasons")
def list_reasons(_: ApiActor, c: ContainerDep, include_retired: bool = False) -> Any:
    with c.uow() as uow:
        found = uow.reasons.all(include_retired=include_retired)
    return {
        "data": [
            {
                "code": r.code,
                "label": r.label,
                "actor": str(r.actor),
                "fault": str(r.fault),
                "requires_note": r.requires_note,
                "active": r.active,
            }
            for r in found
        ]
    }


@router.post("/cancellation-reasons", status_code=status.HTTP_201_CREATED)
def add_reason(body: ReasonIn, actor: OperatorActor, c: ContainerDep) -> Any:
    r = reasons.add_reason(
        c.uow(),
        actor=actor,
        code=body.code,
        label=body.label,
        reason_actor=body.actor,
        fault=body.fault,
        requires_note=body.requires_note,
    )
    return {
        "code": r.code,
        "label": r.label,
        "actor": str(r.actor),
        "fault": str(r.fault),
        "requires_note": r.requires_note,
        "active": r.active,
    }


@router.post("/cancellation-reasons/{code}/retire")
def retire_reason(code: str, actor: OperatorActor, c: ContainerDep) -> Any:
    reasons.set_reason_active(c.uow(), actor=actor, code=code, active=False)
    return {"code": code, "active": False}


@router.post("/cancellation-reasons/{code}/restore")
def restore_reason(code: str, actor: OperatorActor, c: ContainerDep) -> Any:
    reasons.set_reason_active(c.uow(), actor=actor, code=code, active=True)
    return {"code": code, "active": True}


@router.get("/stores/{store_id}/metrics")
def metrics(store_id: int, actor: ApiActor, s: ReadSession) -> Any:
    """C8: cancellation rate and seller-fault cancellations (the store's staff and support)."""
    if not (actor.sees_everything or store_id in actor.store_ids):
        raise NotFound(f"No store {store_id}.")
    found = store_metrics(s, [store_id])
    if not found:
        raise NotFound(f"No store {store_id}.")
    x = found[0]
    return {
        "store_id": x.store_id,
        "paid_orders": x.paid_orders,
        "cancelled_orders": x.cancelled_orders,
        "cancellation_rate_percent": x.cancellation_rate_percent,
        "seller_fault_cancellations": x.seller_fault_cancellations,
        "pending_requests": x.pending_requests,
    }
