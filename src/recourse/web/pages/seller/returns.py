"""§4 the seller's returns: the inbox (`/seller/returns`, soonest deadline first, filtered by
status) and one return's page (`/seller/orders/{id}/returns/{return_id}`) with the answers as
forms: approve with the return address, decline with a reason, offer a partial refund once
(R2), confirm what came back (R4: as expected, or a problem with a note and photos), and for a
parcel that came back on its own, "the parcel is back" (S2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from recourse.container import Container
from recourse.db.queries import returns as return_queries
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput
from recourse.domain.returns import Condition
from recourse.domain.roles import Role
from recourse.i18n import N_
from recourse.services import evidence
from recourse.services import returns as return_services
from recourse.web import language
from recourse.web.deps import ContainerDep, ReadSession, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages.common import (
    FormFields,
    SellerUser,
    form_fields,
    optional_int,
    query_string,
    see_other,
)
from recourse.web.pages.shared.present_refunds import amount_example
from recourse.web.pages.shared.present_returns import return_page_context
from recourse.web.pages.shared.return_forms import LIMITS, answer_form, on_the_form, read_return
from recourse.web.pages.shared.return_inbox import inbox_rows
from recourse.web.pages.support.refunds import parse_amount
from recourse.web.routers import page_router
from recourse.web.templating import render
from recourse.web.uploads import read_files, upload_form

router = page_router("/seller")

APPROVED = N_("Return approved. The buyer has the address and sends the items back.")
DECLINED = N_("Return declined. The buyer has been told.")
OFFERED = N_("Offer sent. The buyer has been told.")
RECEIVED = N_("Receipt confirmed. The buyer is refunded.")
PROBLEM = N_("Problem reported. Support looks into it; the buyer has been told.")
PARCEL_BACK = N_("Thank you. The buyer is refunded.")

# The inbox's filters, in the order a seller works through them, with the seller's words.
FILTERS = {
    "open": N_("Open"),
    "requested": N_("To answer"),
    "offered": N_("Offer sent"),
    "approved": N_("Approved"),
    "shipped": N_("On its way"),
    "delivered": N_("To confirm"),
    "problem": N_("Problem"),
    "all": N_("All"),
}


@router.get("/returns")
def inbox(
    request: Request,
    user: SellerUser,
    c: ContainerDep,
    session: ReadSession,
    status: str = "open",
    cursor: str | None = None,
) -> Response:
    """Every return of the seller's stores, the one whose deadline comes first on top."""
    status = status if status in FILTERS else "open"
    words = language.words(request)
    page = return_queries.returns_inbox(
        session,
        sorted(user.store_ids),
        status=None if status == "all" else status,
        cursor=optional_int(cursor, "cursor"),
    )
    items = page.items
    next_cursor = page.next_cursor
    return render(
        request,
        "returns/seller_inbox.html",
        {
            "user": user,
            "filters": [
                {
                    "key": key,
                    "label": words._(name),
                    "active": key == status,
                    "query": query_string(status=None if key == "open" else key),
                }
                for key, name in FILTERS.items()
            ],
            "status": status,
            "rows": inbox_rows(items, words),
            "older": query_string(status=status, cursor=next_cursor) if next_cursor else None,
            "newest": query_string(status=status) if cursor else None,
        },
    )


def _page(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    return_id: int,
    *,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
) -> Response:
    detail, view = read_return(c, user, order_id, return_id)
    context = return_page_context(
        request, c, user, detail, view, audience=Role.seller, form=form, error=error
    )
    with c.uow() as uow:
        context["store_address"] = uow.returns.store_return_address(int(view.store_id))
    context["limits"] = LIMITS
    context["amount_example"] = amount_example(detail.order.currency)
    return render(
        request,
        "returns/seller_return.html",
        context,
        status_code=status_for(error) if error is not None else 200,
    )


@router.get("/orders/{order_id}/returns/{return_id}")
def return_page(
    request: Request, order_id: int, return_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    return _page(request, c, user, order_id, return_id)


def _url(order_id: int, return_id: int) -> str:
    return f"/seller/orders/{order_id}/returns/{return_id}"


def _done(request: Request, order_id: int, return_id: int, message: str) -> Response:
    flash(request, language.words(request)._(message))
    return see_other(_url(order_id, return_id))


def _answer(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    return_id: int,
    form: dict[str, str],
    action: str,
) -> Response:
    def step() -> str:
        detail, _ = read_return(c, user, order_id, return_id)
        common: dict[str, Any] = {"actor": user.actor(), "return_id": return_id}
        match action:
            case "approve":
                return_services.approve_return(
                    c.uow(), c.ctx, **common, return_address=form.get("return_address", "")
                )
            case "decline":
                return_services.decline_return(
                    c.uow(), c.ctx, **common, reason=form.get("decline_reason", "")
                )
            case "offer":
                amount = parse_amount(form.get("amount", ""), detail.order.currency)
                return_services.offer_partial_refund(c.uow(), c.ctx, **common, amount=amount)
        return {"approve": APPROVED, "decline": DECLINED, "offer": OFFERED}[action]

    return _answered(request, c, user, order_id, return_id, form, step)


def _answered(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    return_id: int,
    form: dict[str, str],
    step: Callable[[], str],
) -> Response:
    """The step, then back to the return's page; a refusal shows on it with the form."""
    return answer_form(
        request,
        form,
        step,
        lambda error: _page(request, c, user, order_id, return_id, form=form, error=error),
        _url(order_id, return_id),
    )


@router.post("/orders/{order_id}/returns/{return_id}/approve")
def approve(
    request: Request,
    order_id: int,
    return_id: int,
    user: SellerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _answer(request, c, user, order_id, return_id, form, "approve")


@router.post("/orders/{order_id}/returns/{return_id}/decline")
def decline(
    request: Request,
    order_id: int,
    return_id: int,
    user: SellerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _answer(request, c, user, order_id, return_id, form, "decline")


@router.post("/orders/{order_id}/returns/{return_id}/offer")
def offer(
    request: Request,
    order_id: int,
    return_id: int,
    user: SellerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _answer(request, c, user, order_id, return_id, form, "offer")


def _receive(
    c: Container,
    user: User,
    order_id: int,
    return_id: int,
    fields: dict[str, str],
    files: list[tuple[str, bytes]],
) -> str:
    """R4: what came back — as expected (the refund is made at once) or a problem with a note
    and photos (flagged to support). The photos are kept first, then attached by the use case."""
    read_return(c, user, order_id, return_id)
    raw = fields.get("condition", "")
    if raw not in (Condition.ok, Condition.problem):
        raise InvalidInput("condition", "return_page.choose_condition")
    condition = Condition(raw)
    file_ids: list[int] = []
    if files and condition is Condition.problem:
        stored = evidence.upload(c.uow(), c.ctx, actor=user.actor(), order_id=order_id, files=files)
        file_ids = [f.id for f in stored]
    return_services.receive_return(
        c.uow(),
        c.ctx,
        actor=user.actor(),
        return_id=return_id,
        condition=condition,
        note=fields.get("note", "").strip() or None,
        file_ids=file_ids,
    )
    return PROBLEM if condition is Condition.problem else RECEIVED


@router.post("/orders/{order_id}/returns/{return_id}/receive")
async def receive(
    request: Request, order_id: int, return_id: int, user: SellerUser, c: ContainerDep
) -> Response:
    fields: dict[str, str] = {}
    try:
        form = await upload_form(request)
        fields = await form_fields(request)
        check_csrf(request, fields.get("csrf_token"))
        files = await read_files(form)
        message = await run_in_threadpool(_receive, c, user, order_id, return_id, fields, files)
    except DomainError as error:
        if not on_the_form(error):
            raise
        return await run_in_threadpool(
            _page, request, c, user, order_id, return_id, form=fields, error=error
        )
    return _done(request, order_id, return_id, message)


@router.post("/orders/{order_id}/returns/{return_id}/parcel-back")
def parcel_back(
    request: Request,
    order_id: int,
    return_id: int,
    user: SellerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    """S2: the parcel that came back on its own is with the seller: the buyer is refunded."""

    def step() -> str:
        read_return(c, user, order_id, return_id)
        return_services.receive_return(
            c.uow(), c.ctx, actor=user.actor(), return_id=return_id, condition=Condition.ok
        )
        return PARCEL_BACK

    return _answered(request, c, user, order_id, return_id, form, step)
