"""§5 the buyer's disputes: the form to open one (`/orders/{id}/dispute`: the kinds the guide
opens, the closed ones with why and when, what the buyer wants, what happened and evidence) and
one dispute's page (`/orders/{id}/disputes/{dispute_id}`) with its steps, deadlines, both
sides' proposals, support's questions and decisions, and the buyer's actions as forms: accept
the seller's latest proposal, propose again, escalate, answer support, appeal, withdraw. The
sellers' side is in seller/disputes.py; what both share in shared/dispute_forms.py and
shared/present_disputes.py."""

from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from recourse.container import Container
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput
from recourse.i18n import N_
from recourse.services import disputes
from recourse.services.evidence import LIMITS
from recourse.web import language
from recourse.web.deps import ContainerDep, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages.buyer.cancellations import BuyerUser
from recourse.web.pages.common import form_fields, see_other
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.pages.shared.dispute_forms import (
    amount_of,
    guide,
    keep_files,
    parse_choice,
    post_action,
    show_dispute,
    text_of,
    type_choices,
)
from recourse.web.pages.shared.present_disputes import (
    dispute_form_error,
    dispute_url,
    disputes_of_order,
    first_open,
)
from recourse.web.pages.shared.present_refunds import amount_example
from recourse.web.pages.shared.return_forms import on_the_form
from recourse.web.routers import page_router
from recourse.web.templating import render
from recourse.web.uploads import read_files, upload_form

router = page_router()

OPENED = N_("Your dispute was sent to the seller. We will tell you their answer.")


def _form(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    *,
    values: dict[str, str] | None = None,
    error: DomainError | None = None,
) -> Response:
    """The kinds of dispute the guide opens on this order (the closed ones say why and when),
    what the buyer wants, the description and the evidence."""
    detail = read_order(c, user, order_id)
    words = language.words(request)
    tz = user.timezone or words.tz
    choices = type_choices(guide(c, user, order_id), words, tz)
    values = dict(values or {})
    chosen = values.get("type") or request.query_params.get("type", "")
    if not chosen:
        open_ones = [x for x in choices if x.open]
        chosen = open_ones[0].value if len(open_ones) == 1 else ""
    values["type"] = chosen
    sentence, field = dispute_form_error(error, words)
    already = first_open(disputes_of_order(c, order_id))
    return render(
        request,
        "disputes/buyer_open.html",
        {
            "user": user,
            "detail": detail,
            "choices": choices,
            "values": values,
            "already": dispute_url("buyer", order_id, already.id) if already else None,
            "amount_example": amount_example(detail.order.currency),
            "currency": detail.order.currency,
            "limits": LIMITS,
            "request_key": values.get("request_key") or secrets.token_urlsafe(16),
            "error": sentence,
            "field": field,
        },
        status_code=status_for(error) if error is not None else 200,
    )


@router.get("/orders/{order_id}/dispute")
def dispute_form(request: Request, order_id: int, user: BuyerUser, c: ContainerDep) -> Response:
    return _form(request, c, user, order_id)


def _open(
    c: Container,
    user: User,
    order_id: int,
    fields: dict[str, str],
    files: list[tuple[str, bytes]],
) -> int:
    detail = read_order(c, user, order_id)
    type_, named = parse_choice(fields.get("type", ""))
    wanted = fields.get("wanted", "")
    if not wanted:
        raise InvalidInput("wanted", "dispute.wanted_choice")
    amount = amount_of(fields, wanted, detail.order.currency)
    description = text_of(fields, "description")
    if description is None:
        raise InvalidInput("description", "dispute.description_needed")
    return disputes.open_dispute(
        c.uow(),
        c.ctx,
        actor=user.actor(),
        order_id=order_id,
        type=type_,
        wanted=wanted,
        amount=amount,
        description=description,
        file_ids=keep_files(c, user, order_id, files),
        request_key=fields.get("request_key") or None,
        **named,
    )


@router.post("/orders/{order_id}/dispute")
async def open_dispute(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    """The photos are kept first (checked by their content), then the dispute is opened with
    them; a refused file or rule sends the form back saying which field."""
    fields: dict[str, str] = {}
    try:
        form = await upload_form(request)
        fields = await form_fields(request)
        check_csrf(request, fields.get("csrf_token"))
        files = await read_files(form)
        dispute_id = await run_in_threadpool(_open, c, user, order_id, fields, files)
    except DomainError as error:
        if not on_the_form(error):
            raise
        return await run_in_threadpool(
            _form, request, c, user, order_id, values=fields, error=error
        )
    flash(request, language.words(request)._(OPENED))
    return see_other(dispute_url("buyer", order_id, dispute_id))


@router.get("/orders/{order_id}/disputes/{dispute_id}")
def dispute_page(
    request: Request, order_id: int, dispute_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    return show_dispute(request, c, user, order_id, dispute_id, audience="buyer")


async def _act(
    request: Request, c: Container, user: User, order_id: int, dispute_id: int, action: str
) -> Response:
    return await post_action(request, c, user, order_id, dispute_id, action, audience="buyer")


@router.post("/orders/{order_id}/disputes/{dispute_id}/accept")
async def accept(
    request: Request, order_id: int, dispute_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "accept")


@router.post("/orders/{order_id}/disputes/{dispute_id}/propose")
async def propose(
    request: Request, order_id: int, dispute_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "propose")


@router.post("/orders/{order_id}/disputes/{dispute_id}/escalate")
async def escalate(
    request: Request, order_id: int, dispute_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "escalate")


@router.post("/orders/{order_id}/disputes/{dispute_id}/withdraw")
async def withdraw(
    request: Request, order_id: int, dispute_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "withdraw")


@router.post("/orders/{order_id}/disputes/{dispute_id}/appeal")
async def appeal(
    request: Request, order_id: int, dispute_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "appeal")


@router.post("/orders/{order_id}/disputes/{dispute_id}/answer-info")
async def answer_info(
    request: Request, order_id: int, dispute_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "answer-info")


@router.post("/orders/{order_id}/disputes/{dispute_id}/evidence")
async def add_evidence(
    request: Request, order_id: int, dispute_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    return await _act(request, c, user, order_id, dispute_id, "evidence")
