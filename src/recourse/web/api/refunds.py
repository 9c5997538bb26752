"""Refunds (§6): read them, and support's manual refunds."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request, status
from pydantic import ConfigDict, Field, StrictInt

from recourse.db.queries.order_access import can_see_order
from recourse.db.queries.refunds import refund, refunds_of, refunds_of_order
from recourse.domain.errors import NotFound
from recourse.domain.money import MAX_AMOUNT
from recourse.domain.refund import RefundReason
from recourse.services import refunds
from recourse.web.api.fields import WHOLE, Currency, Id, Prose, filled, filled_in, when
from recourse.web.api.responses.refunds import Refund, RefundList, RefundPage
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ContainerDep, ReadSession
from recourse.web.idempotency import use_case_key
from recourse.web.routers import api_router
from recourse.web.settled import settle_order

router = api_router("refunds")


class RefundIn(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                when(
                    "reason",
                    "other",
                    then=filled_in("note"),
                )
            ]
        },
    )

    amount: Annotated[
        StrictInt,
        Field(ge=1, le=MAX_AMOUNT, description="minor units of the order's currency"),
        WHOLE,
    ]
    reason: RefundReason = Field(description="from the catalogue; `other` needs a `note`")
    note: Prose | None = Field(default=None, max_length=2000)
    currency: Currency | None = Field(default=None, description="the order's, if given")


@router.get("/refunds")
def list_refunds(
    actor: ApiActor, s: ReadSession, cursor: Id | None = None, limit: int = 20
) -> RefundPage:
    views, next_cursor = refunds_of(s, actor, cursor=cursor, limit=max(1, min(limit, 100)))
    return RefundPage(data=[Refund.of(v) for v in views], next_cursor=next_cursor)


@router.get("/refunds/{refund_id}")
def get_refund(refund_id: Id, actor: ApiActor, s: ReadSession) -> Refund:
    found = refund(s, actor, refund_id)
    if found is None:
        raise NotFound("refund.not_found", refund_id=refund_id)
    return Refund.of(found)


@router.get("/orders/{order_id}/refunds")
def order_refunds(order_id: Id, actor: ApiActor, c: ContainerDep, s: ReadSession) -> RefundList:
    settle_order(c, order_id)
    if not can_see_order(s, actor, order_id):
        raise NotFound("refunds.order_not_found", order_id=order_id)
    return RefundList(data=[Refund.of(v) for v in refunds_of_order(s, order_id)])


@router.post("/orders/{order_id}/refunds", status_code=status.HTTP_201_CREATED)
def create_refund(
    order_id: Id,
    body: RefundIn,
    actor: ApiActor,
    c: ContainerDep,
    s: ReadSession,
    request: Request,
) -> Refund:
    """Support: refund an amount of the order (F2: never more than is left of the capture).
    With an Idempotency-Key, the refund is recorded with it: a retry never refunds twice."""
    refund_id = refunds.issue_manual_refund(
        c.uow(),
        c.ctx,
        actor=actor,
        order_id=order_id,
        amount=body.amount,
        reason=body.reason,
        note=filled(body.note),
        currency=body.currency,
        gateway=c.gateway_name,
        request_key=use_case_key(request, actor),
    )
    found = refund(s, actor, refund_id)
    assert found is not None
    return Refund.of(found)
