"""Returns (§4): quote, request, read; the sellers' answers (approve, decline, one offer); the
buyer's answer to an offer, shipping back and withdrawal; the seller's receipt (R1-R5); the
buyer's reason for a parcel that came back (S2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import Request, Response, status
from pydantic import ConfigDict, Field
from sqlalchemy.orm import Session

from recourse.db.queries.order_access import can_see_order
from recourse.db.queries.refunds import refund
from recourse.db.queries.returns import ReturnView, return_view, returns_of_order
from recourse.db.uow import RequestUnitOfWork, SqlUnitOfWork
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.evidence import EvidenceLimits
from recourse.domain.returns import ADDRESS_MAX, DESCRIPTION_MAX, FINAL_STATUSES, ReturnLine
from recourse.domain.roles import Actor
from recourse.services import returns, settle
from recourse.services.returns.common import quote_of, store_policy
from recourse.web.api.fields import (
    BodyId,
    FilledProse,
    Id,
    OneLine,
    Prose,
    Quantity,
    filled,
    filled_in,
    when,
)
from recourse.web.api.responses.cancellations import RefundQuote
from recourse.web.api.responses.returns import Return, ReturnList, ReturnQuote
from recourse.web.api.schemas import Strict
from recourse.web.deps import ApiActor, ApiToken, ContainerDep, ReadSession
from recourse.web.idempotency import (
    request_transaction,
    use_case_key,
    within_request_transaction,
)
from recourse.web.routers import api_router
from recourse.web.settled import settle_order

router = api_router("returns")

MAX_FILES = EvidenceLimits().max_files


class ReturnLineIn(Strict):
    line_id: BodyId
    quantity: Quantity


class ReturnQuoteIn(Strict):
    lines: list[ReturnLineIn] = Field(
        min_length=1, max_length=500, description="each order line at most once"
    )
    reason: OneLine = Field(min_length=1, max_length=64, description="a return reason's code")


class ReturnIn(ReturnQuoteIn):
    description: Prose | None = Field(
        default=None, max_length=DESCRIPTION_MAX, description="needed for not-as-described"
    )
    file_ids: list[BodyId] = Field(
        default_factory=list,
        max_length=MAX_FILES,
        description="photos or PDFs the buyer uploaded to this order (POST /orders/{id}/files)",
    )


class ApproveIn(Strict):
    return_address: FilledProse | None = Field(
        default=None,
        max_length=ADDRESS_MAX,
        description="where the parcel goes; the store's address on file when omitted",
    )


class DeclineIn(Strict):
    reason: Prose = Field(min_length=1, max_length=DESCRIPTION_MAX)


class OfferIn(Strict):
    amount: Quantity = Field(description="minor units, less than the return's full refund")


class ShipIn(Strict):
    carrier: OneLine = Field(min_length=1, max_length=100)
    tracking_number: OneLine = Field(min_length=1, max_length=100)


class ReceiveIn(Strict):
    # R4: a problem is described (the schema says so, not only the rule behind it)
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=when(
            "condition",
            "problem",
            then=filled_in("note"),
        ),
    )

    condition: Literal["ok", "problem"]
    note: FilledProse | None = Field(
        default=None, max_length=DESCRIPTION_MAX, description="needed with `problem`"
    )
    file_ids: list[BodyId] = Field(default_factory=list, max_length=MAX_FILES)


class ParcelReasonIn(Strict):
    reason: OneLine = Field(min_length=1, max_length=64)


def _lines(items: list[ReturnLineIn]) -> list[ReturnLine]:
    seen: set[int] = set()
    for i, item in enumerate(items):
        if item.line_id in seen:
            raise InvalidInput(f"lines[{i}].line_id", "return.line_twice")
        seen.add(item.line_id)
    return [ReturnLine(x.line_id, x.quantity) for x in items]


def _return(
    c: ContainerDep,
    s: Session,
    actor: Actor,
    v: ReturnView,
    uow: SqlUnitOfWork | None = None,
) -> Return:
    """The return as the API shows it; its refund's quote is read in `uow` (the request's
    transaction) when given, else in a unit of work of its own."""
    found = refund(s, actor, v.ret.refund_id) if v.ret.refund_id else None
    quote = None
    if v.ret.status not in FINAL_STATUSES:
        with uow if uow is not None else c.uow() as reads:
            order = reads.orders.get(v.ret.order_id)
            if order is not None and (v.ret.category is not None or v.ret.is_parcel):
                now = c.clock.now()
                try:
                    policy = store_policy(reads, order, now)
                    quote = RefundQuote.of(quote_of(reads, order, v.ret, policy))
                except DomainError:  # nothing left to refund for these units
                    quote = None
    return Return.of(v, refund_amount=found.amount if found else None, quote=quote)


def _view(c: ContainerDep, s: ReadSession, actor: Actor, return_id: int) -> Return:
    s.rollback()  # a fresh read after the use case's commit
    return _shown(c, s, actor, return_id)


def _shown(
    c: ContainerDep, s: Session, actor: Actor, return_id: int, uow: SqlUnitOfWork | None = None
) -> Return:
    v = return_view(s, return_id, api=True)
    if v is None or not can_see_order(s, actor, v.ret.order_id):
        raise NotFound("return.not_found", return_id=return_id)
    return _return(c, s, actor, v, uow)


def _written(c: ContainerDep, uow: RequestUnitOfWork, actor: Actor, return_id: int) -> Return:
    """The answer to a write, read in the request's transaction once the use case is done:
    the same reads as a GET after the commit, in a block of its own (nothing the use case
    held in memory is taken for what the transaction holds)."""
    with uow:
        return _shown(c, uow.session, actor, return_id, uow)


def _write(
    request: Request,
    c: ContainerDep,
    token: str,
    step: Callable[[RequestUnitOfWork, Actor], int],
    status_code: int = status.HTTP_200_OK,
) -> Response:
    """Run one use case (`step`, which says which return it wrote) and answer that return,
    all in the request's one transaction with its Idempotency-Key."""

    def work(uow: RequestUnitOfWork, actor: Actor) -> Return:
        return _written(c, uow, actor, step(uow, actor))

    return within_request_transaction(request, c, token, work, status_code)


@router.post("/orders/{order_id}/return-quote")
def quote(order_id: Id, body: ReturnQuoteIn, actor: ApiActor, c: ContainerDep) -> ReturnQuote:
    """R5/C6: what returning these units for this reason would refund, checked as a request
    would be (R1: 409 with the window's end date, a store that takes no remorse returns…)."""
    found = returns.quote_return(
        c.uow(), c.ctx, actor=actor, order_id=order_id, lines=_lines(body.lines), reason=body.reason
    )
    return ReturnQuote.of(found)


@router.post(
    "/orders/{order_id}/returns", status_code=status.HTTP_201_CREATED, response_model=Return
)
@request_transaction
def request_return(
    order_id: Id, body: ReturnIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """R1: the buyer asks to send units back (`requested`, with `respond_by`). With an
    Idempotency-Key, a retry after a lost answer returns the same return."""

    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        return returns.request_return(
            uow,
            c.ctx,
            actor=actor,
            order_id=order_id,
            lines=_lines(body.lines),
            reason=body.reason,
            description=filled(body.description),
            file_ids=body.file_ids,
            request_key=use_case_key(request, actor),
        )

    return _write(request, c, token, step, status.HTTP_201_CREATED)


@router.get("/orders/{order_id}/returns")
def order_returns(order_id: Id, actor: ApiActor, c: ContainerDep, s: ReadSession) -> ReturnList:
    settle_order(c, order_id)
    if not can_see_order(s, actor, order_id):
        raise NotFound("page.no_order", order_id=order_id)
    return ReturnList(
        data=[_return(c, s, actor, v) for v in returns_of_order(s, order_id, api=True)]
    )


@router.get("/returns/{return_id}")
def get_return(return_id: Id, actor: ApiActor, c: ContainerDep, s: ReadSession) -> Return:
    """Read after the return's passed deadlines are applied (§10)."""
    settle.settle_for_return(c.uow(), c.ctx, return_id=return_id)
    return _view(c, s, actor, return_id)


@router.post("/returns/{return_id}/approve", response_model=Return)
@request_transaction
def approve(
    return_id: Id, body: ApproveIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """R2: the store's sellers; the address defaults to the store's on file."""

    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        address = filled(body.return_address)
        return returns.approve_return(
            uow, c.ctx, actor=actor, return_id=return_id, return_address=address
        ).id

    return _write(request, c, token, step)


@router.post("/returns/{return_id}/decline", response_model=Return)
@request_transaction
def decline(
    return_id: Id, body: DeclineIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        return returns.decline_return(
            uow, c.ctx, actor=actor, return_id=return_id, reason=body.reason
        ).id

    return _write(request, c, token, step)


@router.post("/returns/{return_id}/offer", response_model=Return)
@request_transaction
def offer(
    return_id: Id, body: OfferIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """R2: once per return, less than the full refund."""

    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        return returns.offer_partial_refund(
            uow, c.ctx, actor=actor, return_id=return_id, amount=body.amount
        ).id

    return _write(request, c, token, step)


@router.post("/returns/{return_id}/accept-offer", response_model=Return)
@request_transaction
def accept_offer(return_id: Id, token: ApiToken, c: ContainerDep, request: Request) -> Response:
    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        return returns.accept_offer(uow, c.ctx, actor=actor, return_id=return_id).id

    return _write(request, c, token, step)


@router.post("/returns/{return_id}/decline-offer", response_model=Return)
@request_transaction
def decline_offer(return_id: Id, token: ApiToken, c: ContainerDep, request: Request) -> Response:
    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        return returns.decline_offer(uow, c.ctx, actor=actor, return_id=return_id).id

    return _write(request, c, token, step)


@router.post("/returns/{return_id}/ship", response_model=Return)
@request_transaction
def ship(
    return_id: Id, body: ShipIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """R3: the return parcel (a shipment with direction `return`), before `ship_by`."""

    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        return returns.ship_return(
            uow,
            c.ctx,
            actor=actor,
            return_id=return_id,
            carrier=body.carrier,
            tracking_number=body.tracking_number,
        ).id

    return _write(request, c, token, step)


@router.post("/returns/{return_id}/receive", response_model=Return)
@request_transaction
def receive(
    return_id: Id, body: ReceiveIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """R4: `ok` refunds at once; `problem` (with a note and photos) goes to support."""

    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        return returns.receive_return(
            uow,
            c.ctx,
            actor=actor,
            return_id=return_id,
            condition=body.condition,
            note=filled(body.note),
            file_ids=body.file_ids,
        ).id

    return _write(request, c, token, step)


@router.post("/returns/{return_id}/withdraw", response_model=Return)
@request_transaction
def withdraw(return_id: Id, token: ApiToken, c: ContainerDep, request: Request) -> Response:
    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        return returns.withdraw_return(uow, c.ctx, actor=actor, return_id=return_id).id

    return _write(request, c, token, step)


@router.post("/returns/{return_id}/reason", response_model=Return)
@request_transaction
def parcel_reason(
    return_id: Id, body: ParcelReasonIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """S2: the buyer says why a parcel came back; its fault decides the outbound shipping."""

    def step(uow: RequestUnitOfWork, actor: Actor) -> int:
        returns.give_parcel_reason(uow, c.ctx, actor=actor, return_id=return_id, reason=body.reason)
        return return_id

    return _write(request, c, token, step)
