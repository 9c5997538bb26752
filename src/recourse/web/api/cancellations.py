"""Cancellations (§3): quote, cancel or request, answer, withdraw; the reason catalogue."""

from __future__ import annotations

from typing import Literal

from fastapi import Request, Response, status
from pydantic import ConfigDict, Field, StrictBool

from recourse.db.queries.cancellations import (
    CancellationView,
    cancellation,
    cancellations_of_order,
    store_metrics,
)
from recourse.db.queries.order_access import can_see_order
from recourse.db.queries.refunds import refund
from recourse.db.queries.written import written_cancellation
from recourse.db.uow import RequestUnitOfWork
from recourse.domain.errors import InvalidInput, NotFound
from recourse.domain.roles import Actor
from recourse.services import cancellations, reasons
from recourse.web import language
from recourse.web.api.fields import (
    FILLED_LINE,
    BodyId,
    FilledLine,
    Id,
    OneLine,
    Prose,
    Quantity,
    filled,
    filled_in,
    when,
)
from recourse.web.api.responses.cancellations import (
    Cancellation,
    CancellationList,
    CancellationQuote,
    CancellationReason,
    CancellationReasonList,
    CancellationReasonState,
    StoreMetrics,
)
from recourse.web.api.responses.refunds import Refund
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ApiToken, ContainerDep, OperatorActor, ReadSession
from recourse.web.idempotency import (
    request_transaction,
    use_case_key,
    within_request_transaction,
)
from recourse.web.routers import api_router
from recourse.web.settled import settle_cancellation, settle_order

router = api_router("cancellations")


class LineQty(Strict):
    line_id: BodyId
    quantity: Quantity


class QuoteIn(Strict):
    lines: list[LineQty] | None = Field(
        default=None, min_length=1, max_length=500, description="each order line at most once"
    )


class CancelIn(Strict):
    reason: OneLine = Field(min_length=1, max_length=64)
    note: Prose | None = Field(default=None, max_length=2000)
    lines: list[LineQty] | None = Field(
        default=None, min_length=1, max_length=500, description="each order line at most once"
    )
    quote_id: OneLine | None = Field(default=None, max_length=64)


class RejectIn(Strict):
    """C9/C10: `other` needs a note for the buyer; `already_shipped` the parcel's carrier and
    tracking number."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [
                when(
                    "reason",
                    "other",
                    then=filled_in("note"),
                ),
                when(
                    "reason",
                    "already_shipped",
                    then=filled_in("carrier", "tracking_number", pattern=FILLED_LINE),
                ),
            ]
        },
    )

    reason: Literal["already_shipped", "made_to_order", "buyer_agreed_to_keep", "other"]
    note: Prose | None = Field(default=None, max_length=2000)
    carrier: OneLine | None = Field(default=None, max_length=100)
    tracking_number: OneLine | None = Field(default=None, max_length=100)


class ReasonIn(Strict):
    code: str = Field(
        pattern="^[a-z0-9_]*[a-z][a-z0-9_]*$",
        max_length=64,
        description="lowercase letters, digits and underscores",
    )
    label: FilledLine = Field(max_length=200)
    actor: Literal["buyer", "seller"]
    fault: Literal["buyer", "seller", "none"]
    requires_note: StrictBool = False


def _lines(items: list[LineQty] | None) -> dict[int, int] | None:
    if items is None:
        return None
    units: dict[int, int] = {}
    for i, item in enumerate(items):
        if item.line_id in units:
            raise InvalidInput(f"lines[{i}].line_id", "cancellation.line_twice")
        units[item.line_id] = item.quantity
    return units


def _cancellation(v: CancellationView, s: ReadSession, actor: Actor) -> Cancellation:
    found = refund(s, actor, v.refund_id) if v.refund_id else None
    return Cancellation.of(v, Refund.of(found) if found else None)


def _written(uow: RequestUnitOfWork, cancellation_id: int) -> Cancellation:
    """The answer to a write, from what the use case wrote (no read back)."""
    view, found = written_cancellation(uow, cancellation_id)
    return Cancellation.of(view, Refund.of(found) if found else None)


def _view(s: ReadSession, actor: Actor, cancellation_id: int) -> Cancellation:
    found = cancellation(s, actor, cancellation_id)
    if found is None:
        raise NotFound("cancellation.not_found", cancellation_id=cancellation_id)
    return _cancellation(found, s, actor)


@router.post("/orders/{order_id}/cancellation-quote")
def quote(
    order_id: Id, body: QuoteIn, actor: ApiActor, c: ContainerDep, request: Request
) -> CancellationQuote:
    """C1/C6: eligible or not (code, sentence, alternatives), instant or a request, and the
    exact refund; pass `quote_id` when cancelling to get exactly this."""
    preview = cancellations.preview_cancellation(
        c.uow(), c.ctx, actor=actor, order_id=order_id, lines=_lines(body.lines)
    )
    return CancellationQuote.of(preview, language.words(request))


@router.post(
    "/orders/{order_id}/cancellations",
    status_code=status.HTTP_201_CREATED,
    response_model=Cancellation,
)
@request_transaction
def cancel(
    order_id: Id, body: CancelIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """Cancel now (`completed`) or ask the seller (`pending_seller`, with `respond_by`).
    With an Idempotency-Key, a retry after a lost answer returns the same cancellation."""

    def work(uow: RequestUnitOfWork, actor: Actor) -> Cancellation:
        done = cancellations.cancel_order(
            uow,
            c.ctx,
            actor=actor,
            order_id=order_id,
            reason=body.reason,
            note=filled(body.note),
            lines=_lines(body.lines),
            quote_id=body.quote_id,
            request_key=use_case_key(request, actor),
        )
        return _written(uow, done.id)

    return within_request_transaction(request, c, token, work, status.HTTP_201_CREATED)


@router.get("/orders/{order_id}/cancellations")
def order_cancellations(
    order_id: Id, actor: ApiActor, c: ContainerDep, s: ReadSession
) -> CancellationList:
    settle_order(c, order_id)
    if not can_see_order(s, actor, order_id):
        raise NotFound("page.no_order", order_id=order_id)
    return CancellationList(
        data=[_cancellation(v, s, actor) for v in cancellations_of_order(s, order_id)]
    )


@router.get("/cancellations/{cancellation_id}")
def get_cancellation(
    cancellation_id: Id, actor: ApiActor, c: ContainerDep, s: ReadSession
) -> Cancellation:
    settle_cancellation(c, cancellation_id)
    return _view(s, actor, cancellation_id)


@router.post("/cancellations/{cancellation_id}/approve", response_model=Cancellation)
@request_transaction
def approve(cancellation_id: Id, token: ApiToken, c: ContainerDep, request: Request) -> Response:
    def work(uow: RequestUnitOfWork, actor: Actor) -> Cancellation:
        done = cancellations.approve_cancellation(
            uow, c.ctx, actor=actor, cancellation_id=cancellation_id
        )
        return _written(uow, done.id)

    return within_request_transaction(request, c, token, work)


@router.post("/cancellations/{cancellation_id}/reject", response_model=Cancellation)
@request_transaction
def reject(
    cancellation_id: Id, body: RejectIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """C10: with a reason; `already_shipped` needs carrier and tracking number (C9)."""

    def work(uow: RequestUnitOfWork, actor: Actor) -> Cancellation:
        done = cancellations.reject_cancellation(
            uow,
            c.ctx,
            actor=actor,
            cancellation_id=cancellation_id,
            reason=body.reason,
            note=filled(body.note),
            carrier=filled(body.carrier),
            tracking_number=filled(body.tracking_number),
        )
        return _written(uow, done.id)

    return within_request_transaction(request, c, token, work)


@router.post("/cancellations/{cancellation_id}/withdraw", response_model=Cancellation)
@request_transaction
def withdraw(cancellation_id: Id, token: ApiToken, c: ContainerDep, request: Request) -> Response:
    def work(uow: RequestUnitOfWork, actor: Actor) -> Cancellation:
        done = cancellations.withdraw_cancellation(
            uow, c.ctx, actor=actor, cancellation_id=cancellation_id
        )
        return _written(uow, done.id)

    return within_request_transaction(request, c, token, work)


@router.get("/cancellation-reasons")
def list_reasons(
    _: ApiActor, c: ContainerDep, include_retired: bool = False
) -> CancellationReasonList:
    with c.uow() as uow:
        found = uow.reasons.all(include_retired=include_retired)
    return CancellationReasonList(data=[CancellationReason.of(r) for r in found])


@router.post("/cancellation-reasons", status_code=status.HTTP_201_CREATED)
def add_reason(body: ReasonIn, actor: OperatorActor, c: ContainerDep) -> CancellationReason:
    r = reasons.add_reason(
        c.uow(),
        actor=actor,
        code=body.code,
        label=body.label,
        reason_actor=body.actor,
        fault=body.fault,
        requires_note=body.requires_note,
    )
    return CancellationReason.of(r)


@router.post("/cancellation-reasons/{code}/retire")
def retire_reason(code: str, actor: OperatorActor, c: ContainerDep) -> CancellationReasonState:
    reasons.set_reason_active(c.uow(), actor=actor, code=code, active=False)
    return CancellationReasonState(code=code, active=False)


@router.post("/cancellation-reasons/{code}/restore")
def restore_reason(code: str, actor: OperatorActor, c: ContainerDep) -> CancellationReasonState:
    reasons.set_reason_active(c.uow(), actor=actor, code=code, active=True)
    return CancellationReasonState(code=code, active=True)


@router.get("/stores/{store_id}/metrics")
def metrics(store_id: Id, actor: ApiActor, s: ReadSession) -> StoreMetrics:
    """C8: cancellation rate and seller-fault cancellations (the store's staff and support)."""
    if not (actor.sees_everything or store_id in actor.store_ids):
        raise NotFound("cancellation.no_store", store_id=store_id)
    found = store_metrics(s, [store_id])
    if not found:
        raise NotFound("cancellation.no_store", store_id=store_id)
    return StoreMetrics.of(found[0])
