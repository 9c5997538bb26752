"""Disputes (§5, D1-D7): open and read; the sellers' answer, proposals and their acceptance,
escalation, withdrawal and evidence (the parties); assignment, requests for information and
decisions (support); the parties' answers to support and their appeals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import Request, Response, status
from sqlalchemy.orm import Session

from recourse.db.queries.case_facts import no_scan_flags
from recourse.db.queries.disputes import (
    DisputeView,
    dispute_view,
    disputes_of_order,
    order_of_dispute,
)
from recourse.db.queries.order_access import can_see_order
from recourse.db.queries.orders import order_detail
from recourse.db.uow import RequestUnitOfWork
from recourse.domain.errors import InvalidInput, NotFound, RuleConflict
from recourse.domain.roles import Actor
from recourse.services import disputes
from recourse.services.disputes.force import force_cancellation
from recourse.web.api.dispute_bodies import (
    AnswerInfoIn,
    AppealIn,
    AssignIn,
    DecideIn,
    DisputeIn,
    EvidenceIn,
    ForceCancelIn,
    OnBehalf,
    ProposeIn,
    RequestInfoIn,
    RespondIn,
    behalf,
)
from recourse.web.api.fields import Id, filled
from recourse.web.api.responses.disputes import Dispute, DisputeList
from recourse.web.deps import ApiActor, ApiToken, ContainerDep, ReadSession
from recourse.web.idempotency import request_transaction, use_case_key, within_request_transaction
from recourse.web.routers import api_router
from recourse.web.settled import settle_order

router = api_router("disputes")


def _dispute(s: Session, v: DisputeView, now: datetime) -> Dispute:
    return Dispute.of(
        v.dispute,
        currency=v.currency,
        files=v.files,
        refund_ids=v.refund_ids,
        flags=no_scan_flags(s, v.dispute.order_id, now),  # C10: derived on read
    )


def _view(c: ContainerDep, s: Session, actor: Actor, dispute_id: int) -> Dispute:
    """The dispute if the actor may see its order; else 404 (another party's reads the same
    as a missing one)."""
    s.rollback()  # a fresh read after the use case's commit
    return _shown(c, s, actor, dispute_id)


def _shown(c: ContainerDep, s: Session, actor: Actor, dispute_id: int) -> Dispute:
    v = dispute_view(s, dispute_id, api=True)
    now = c.clock.now()
    if v is None or not can_see_order(s, actor, v.dispute.order_id):
        raise NotFound("dispute.not_found", dispute_id=dispute_id)
    return _dispute(s, v, now)


def _visible(c: ContainerDep, uow: RequestUnitOfWork, actor: Actor, dispute_id: int) -> None:
    """§1: another party's dispute is 404 before any step says who may take it (403); read
    in the request's transaction, in a block of its own that writes nothing."""
    with uow:
        s = uow.session
        order_id = order_of_dispute(s, dispute_id)
        if order_id is None or not can_see_order(s, actor, order_id):
            raise NotFound("dispute.not_found", dispute_id=dispute_id)


def _written(c: ContainerDep, uow: RequestUnitOfWork, actor: Actor, dispute_id: int) -> Dispute:
    """The answer to a write, read in the request's transaction once the use case is done:
    the same reads as a GET after the commit, in a block of its own (nothing the use case
    held in memory is taken for what the transaction holds)."""
    with uow:
        return _shown(c, uow.session, actor, dispute_id)


def _step(
    request: Request,
    c: ContainerDep,
    token: str,
    dispute_id: int,
    use_case: Callable[..., object],
    args: Callable[[Actor], dict[str, Any]] = lambda _: {},
    *,
    visible_first: bool = False,
    before: Callable[[], None] = lambda: None,
) -> Response:
    """Run one step of the dispute as the actor, then answer the dispute as it is now, all in
    the request's one transaction with its Idempotency-Key. `visible_first`: support's steps
    answer 404 for a dispute the actor may not see before anything else is checked
    (`before`, then the use case)."""

    def work(uow: RequestUnitOfWork, actor: Actor) -> Dispute:
        if visible_first:
            _visible(c, uow, actor, dispute_id)
        before()
        use_case(uow, c.ctx, actor=actor, dispute_id=dispute_id, **args(actor))
        return _written(c, uow, actor, dispute_id)

    return within_request_transaction(request, c, token, work)


@router.post(
    "/orders/{order_id}/disputes", status_code=status.HTTP_201_CREATED, response_model=Dispute
)
@request_transaction
def open_dispute(
    order_id: Id, body: DisputeIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """D1/D2: the buyer opens a dispute within its type's window (409 with the window's
    dates outside it; 409 `dispute_already_open` with its id). With an Idempotency-Key, a
    retry after a lost answer returns the same dispute."""

    def work(uow: RequestUnitOfWork, actor: Actor) -> Dispute:
        dispute_id = disputes.open_dispute(
            uow,
            c.ctx,
            actor=actor,
            order_id=order_id,
            type=body.type,
            wanted=body.wanted,
            amount=body.amount,
            description=filled(body.description),
            file_ids=body.file_ids,
            cancellation_id=body.cancellation_id,
            return_id=body.return_id,
            refund_id=body.refund_id,
            request_key=use_case_key(request, actor),
        )
        return _written(c, uow, actor, dispute_id)

    return within_request_transaction(request, c, token, work, status.HTTP_201_CREATED)


@router.get("/orders/{order_id}/disputes")
def order_disputes(order_id: Id, actor: ApiActor, c: ContainerDep, s: ReadSession) -> DisputeList:
    """The order's disputes, oldest first, after its passed deadlines are applied (§10)."""
    settle_order(c, order_id)
    detail = order_detail(s, actor, order_id, c.clock.now())
    if detail is None:
        raise NotFound("page.no_order", order_id=order_id)
    now = c.clock.now()
    return DisputeList(data=[_dispute(s, v, now) for v in disputes_of_order(s, order_id, api=True)])


@router.get("/disputes/{dispute_id}")
def get_dispute(dispute_id: Id, actor: ApiActor, c: ContainerDep, s: ReadSession) -> Dispute:
    """Read after the dispute's passed deadlines are applied (§10)."""
    order_id = order_of_dispute(s, dispute_id)
    if order_id is None:
        raise NotFound("dispute.not_found", dispute_id=dispute_id)
    settle_order(c, order_id)
    return _view(c, s, actor, dispute_id)


@router.post("/disputes/{dispute_id}/respond", response_model=Dispute)
@request_transaction
def respond(
    dispute_id: Id, body: RespondIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """D3: the sellers, before `respond_by` (409 `dispute_respond_by_passed` after it)."""
    return _step(
        request,
        c,
        token,
        dispute_id,
        disputes.respond,
        lambda actor: dict(
            action=body.action,
            wanted=body.wanted,
            amount=body.amount,
            note=filled(body.note),
            file_ids=body.file_ids,
            **behalf(actor, body),
        ),
    )


@router.post("/disputes/{dispute_id}/accept", response_model=Dispute)
@request_transaction
def accept(
    dispute_id: Id,
    token: ApiToken,
    c: ContainerDep,
    request: Request,
    body: OnBehalf | None = None,
) -> Response:
    """D4: either party accepts the other side's latest proposal; it is carried out at once."""
    return _step(
        request, c, token, dispute_id, disputes.accept_proposal, lambda a: dict(behalf(a, body))
    )


@router.post("/disputes/{dispute_id}/propose", response_model=Dispute)
@request_transaction
def propose(
    dispute_id: Id, body: ProposeIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """D4: a new proposal while negotiating."""
    return _step(
        request,
        c,
        token,
        dispute_id,
        disputes.propose,
        lambda actor: dict(
            wanted=body.wanted,
            amount=body.amount,
            note=filled(body.note),
            file_ids=body.file_ids,
            **behalf(actor, body),
        ),
    )


@router.post("/disputes/{dispute_id}/escalate", response_model=Dispute)
@request_transaction
def escalate(
    dispute_id: Id,
    token: ApiToken,
    c: ContainerDep,
    request: Request,
    body: OnBehalf | None = None,
) -> Response:
    """D4/D5: either party asks support to decide (`sla_due_at` starts)."""
    return _step(request, c, token, dispute_id, disputes.escalate, lambda a: dict(behalf(a, body)))


@router.post("/disputes/{dispute_id}/assign", response_model=Dispute)
@request_transaction
def assign(
    dispute_id: Id, body: AssignIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """D5: support takes an escalated or appealed case (or gives it to an agent)."""
    return _step(
        request,
        c,
        token,
        dispute_id,
        disputes.assign,
        lambda _: {"assignee_id": body.assignee_id},
        visible_first=True,
    )


@router.post("/disputes/{dispute_id}/request-info", response_model=Dispute)
@request_transaction
def request_info(
    dispute_id: Id, body: RequestInfoIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """D5: support asks one side a question with a due date (reminded before it)."""

    def due_at_ahead() -> None:
        if body.due_at.tzinfo is None:
            raise InvalidInput("due_at", "time_without_offset")
        now = c.clock.now()
        if body.due_at <= now:  # a time the clock has passed: a conflict, as carrier events
            raise RuleConflict(
                "dispute_info_due_passed_already", field="due_at", now=now.isoformat()
            )

    return _step(
        request,
        c,
        token,
        dispute_id,
        disputes.request_info,
        lambda _: dict(party=body.party, question=filled(body.question), due_at=body.due_at),
        visible_first=True,
        before=due_at_ahead,
    )


@router.post("/disputes/{dispute_id}/answer-info", response_model=Dispute)
@request_transaction
def answer_info(
    dispute_id: Id, body: AnswerInfoIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """D5: the side asked answers support's question, with files if they help."""
    return _step(
        request,
        c,
        token,
        dispute_id,
        disputes.answer_info,
        lambda actor: dict(
            request_id=body.request_id,
            answer=filled(body.answer),
            file_ids=body.file_ids,
            **behalf(actor, body),
        ),
    )


@router.post("/disputes/{dispute_id}/decide", response_model=Dispute)
@request_transaction
def decide(
    dispute_id: Id, body: DecideIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """D5/D6: support decides an escalated case, or an appeal (a different agent); the
    decision is executed through the refund ledger at once."""
    return _step(
        request,
        c,
        token,
        dispute_id,
        disputes.decide,
        lambda _: dict(
            outcome=body.outcome,
            amount=body.amount,
            rationale=filled(body.rationale),
            charged_to_store=body.charged_to_store,
        ),
        visible_first=True,
    )


@router.post("/disputes/{dispute_id}/force-cancel", response_model=Dispute)
@request_transaction
def force_cancel(
    dispute_id: Id, body: ForceCancelIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """C10: support, on an escalated `cancellation_refused` dispute: parcels the carrier never
    scanned are voided, every unit still to ship is cancelled with a full refund, and the
    dispute is decided (full refund, charged to the store) with the rationale. 409
    `dispute_force_not_cancellation` on another type, `dispute_nothing_to_cancel` when every
    parcel was scanned."""
    return _step(
        request,
        c,
        token,
        dispute_id,
        force_cancellation,
        lambda _: {"rationale": filled(body.rationale)},
        visible_first=True,
    )


@router.post("/disputes/{dispute_id}/appeal", response_model=Dispute)
@request_transaction
def appeal(
    dispute_id: Id, body: AppealIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """D6: either side, once, before `appeal_by`."""
    return _step(
        request,
        c,
        token,
        dispute_id,
        disputes.appeal,
        lambda actor: dict(reason=filled(body.reason), **behalf(actor, body)),
    )


@router.post("/disputes/{dispute_id}/withdraw", response_model=Dispute)
@request_transaction
def withdraw(
    dispute_id: Id,
    token: ApiToken,
    c: ContainerDep,
    request: Request,
    body: OnBehalf | None = None,
) -> Response:
    """D7: the buyer, while the dispute is not decided."""
    return _step(request, c, token, dispute_id, disputes.withdraw, lambda a: dict(behalf(a, body)))


@router.post("/disputes/{dispute_id}/evidence", response_model=Dispute)
@request_transaction
def add_evidence(
    dispute_id: Id, body: EvidenceIn, token: ApiToken, c: ContainerDep, request: Request
) -> Response:
    """D2-D5: a party (or support) adds files uploaded to the order to an open dispute."""
    return _step(
        request,
        c,
        token,
        dispute_id,
        disputes.add_evidence,
        lambda _: {"file_ids": body.file_ids},
    )
