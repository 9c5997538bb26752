"""Refunds (§6): read them, and support's manual refunds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import Field, StrictInt

from recourse.currency import money_json
from recourse.db.queries import order_detail
from recourse.db.refund_queries import RefundView, refund, refunds_of, refunds_of_order
from recourse.domain.errors import NotFound
from recourse.domain.money import Money
from recourse.services import refunds
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, ReadSession
from recourse.web.idempotency import use_case_key

router = APIRouter(tags=["refunds"])


class RefundIn(Strict):
    amount: StrictInt = Field(description="minor units of the order's currency")
    reason: str = Field(min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=2000)
    currency: str | None = Field(default=None, min_length=3, max_length=3)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def refund_json(r: RefundView) -> dict[str, Any]:
    def money(amount: int) -> dict[str, Any]:
        return money_json(Money(amount, r.currency))

    return {
        "id": r.id,
        "order_id": r.order_id,
        "status": r.status,
        "cause": r.cause,
        "amount": money(r.amount),
        "breakdown": {
            "items": money(r.items),
            "tax": money(r.tax),
            "shipping": money(r.shipping),
            "fees": money(r.fees),
        },
        "lines": r.lines,
        "method": r.method,
        "reason": r.reason,
        "gateway": r.gateway,
        "gateway_reference": r.gateway_reference,
        "trace_number": r.trace_number,
        "expected_by": {
            "earliest": r.expected_earliest.isoformat(),
            "latest": r.expected_latest.isoformat(),
        },
        "needs_attention": r.needs_attention,
        "attempts": r.attempts,
        "created_at": _iso(r.created_at),
        "sent_at": _iso(r.sent_at),
        "succeeded_at": _iso(r.succeeded_at),
        "failed_at": _iso(r.failed_at),
    }


@router.get("/refunds")
def list_refunds(
    actor: ApiActor, s: ReadSession, cursor: int | None = None, limit: int = 20
) -> Any:
    views, next_cursor = refunds_of(s, actor, cursor=cursor, limit=max(1, min(limit, 100)))
    return {"data": [refund_json(v) for v in views], "next_cursor": next_cursor}


@router.get("/refunds/{refund_id}")
def get_refund(refund_id: int, actor: ApiActor, s: ReadSession) -> Any:
    found = refund(s, actor, refund_id)
    if found is None:
        raise NotFound(f"No refund {refund_id}.")
    return refund_json(found)


@router.get("/orders/{order_id}/refunds")
def order_refunds(order_id: int, actor: ApiActor, c: ContainerDep, s: ReadSession) -> Any:
    if order_detail(s, actor, order_id, c.clock.now()) is None:
        raise NotFound(f"No order {order_id}.")
    return {"data": [refund_json(v) for v in refunds_of_order(s, order_id)]}


@router.post("/orders/{order_id}/refunds", status_code=status.HTTP_201_CREATED)
def create_refund(
    order_id: int,
    body: RefundIn,
    actor: ApiActor,
    c: ContainerDep,
    s: ReadSession,
    request: Request,
) -> Any:
    """Support: refund an amount of the order (F2: never more than is left of the capture).
    With an Idempotency-Key, the refund is recorded with it: a retry never refunds twice."""
    refund_id = refunds.issue_manual_refund(
        c.uow(),
        c.ctx,
        actor=actor,
        order_id=order_id,
        amount=body.amount,
        reason=body.reason,
        note=body.note,
        currency=body.currency,
        gateway=c.gateway_name,
        request_key=use_case_key(request, actor),
    )
    found = refund(s, actor, refund_id)
    assert found is not None
    return refund_json(found)
