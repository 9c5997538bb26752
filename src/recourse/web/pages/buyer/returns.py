"""§4 the buyer's returns: the wizard (`/orders/{id}/return`: what goes back, why, photos →
the quote, C6 → confirm) and one return's page (`/orders/{id}/returns/{return_id}`) with its
steps, deadlines and the buyer's actions: answer an offer, send it back, withdraw, and for a
parcel that came back on its own, say why it was refused. The seller's side is in
seller/returns.py; what all audiences share in shared/present_returns.py and the
shared/return_*.py beside it."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from recourse.container import Container
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.returns import ReturnLine
from recourse.domain.roles import Role
from recourse.i18n import N_
from recourse.services import evidence, refunds
from recourse.services import returns as return_services
from recourse.web import language
from recourse.web.deps import ContainerDep, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages.buyer.cancellations import BuyerUser
from recourse.web.pages.common import FormFields, form_fields, see_other
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.pages.shared.present_returns import return_page_context
from recourse.web.pages.shared.return_forms import (
    LIMITS,
    QTY,
    answer_form,
    form_error,
    on_the_form,
    read_return,
    return_reasons,
    returnable_lines,
    wizard_values,
)
from recourse.web.pages.shared.return_quote import quote_words
from recourse.web.routers import page_router
from recourse.web.templating import render
from recourse.web.uploads import read_files, upload_form

router = page_router()

REQUESTED = N_("Your return is with the seller. We will tell you their answer.")
ACCEPTED = N_("You accepted the offer: keep the items, the partial refund is on its way.")
DECLINED = N_("You declined the offer. The seller answers your return again.")
SHIPPED = N_("Thank you. The seller is told the parcel is on its way.")
WITHDRAWN = N_("You withdrew the return.")
REASON_GIVEN = N_("Thank you for telling us why.")


def _wizard(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    *,
    values: dict[str, Any] | None = None,
    error: DomainError | None = None,
) -> Response:
    """Step 1: what goes back (per delivered line, up to what can still go back), why, in a
    few words, and photos."""
    detail = read_order(c, user, order_id)
    words = language.words(request)
    lines = returnable_lines(c, detail)
    sentence, field = form_error(error, words)
    return render(
        request,
        "returns/buyer_wizard.html",
        {
            "user": user,
            "detail": detail,
            "lines": lines,
            "groups": return_reasons(c, words),
            "values": values or wizard_values({}),
            "limits": LIMITS,
            "error": sentence,
            "field": field,
        },
        status_code=status_for(error) if error is not None else 200,
    )


@router.get("/orders/{order_id}/return")
def return_wizard(request: Request, order_id: int, user: BuyerUser, c: ContainerDep) -> Response:
    return _wizard(request, c, user, order_id)


def _lines(values: dict[str, Any]) -> list[ReturnLine]:
    """The quantities typed, as return lines (0 or empty: that line stays)."""
    lines = []
    for key, raw in values["qty"].items():
        text = str(raw).strip() or "0"
        if not key.isdigit() or not text.isdigit():
            raise InvalidInput(f"{QTY}{key}", "page.whole_number")
        if int(text):
            lines.append(ReturnLine(int(key), int(text)))
    if not lines:
        raise InvalidInput("lines", "return_page.no_lines")
    return lines


def _quote_page(
    request: Request, c: Container, user: User, order_id: int, values: dict[str, Any]
) -> Response:
    """Step 2 (C6): what goes back, what comes back (items, tax, shipping, fees), where to,
    by when, and what happens next; Confirm sends exactly these choices."""
    detail = read_order(c, user, order_id)
    words = language.words(request)
    if not values["reason"]:
        raise InvalidInput("reason", "return_page.choose_reason")
    quote = return_services.quote_return(
        c.uow(),
        c.ctx,
        actor=user.actor(),
        order_id=order_id,
        lines=_lines(values),
        reason=values["reason"],
    )
    expected = None
    if quote.quote.total > 0:
        expected = refunds.expected_if_issued_now(
            c.uow(), c.ctx, actor=user.actor(), order_id=order_id
        )
    return render(
        request,
        "returns/buyer_quote.html",
        {
            "user": user,
            "detail": detail,
            "quote": quote_words(detail, quote, values, words, expected),
            "values": values,
            "request_key": secrets.token_urlsafe(16),
        },
    )


def _quote_or_form(
    request: Request, c: Container, user: User, order_id: int, values: dict[str, Any]
) -> Response:
    try:
        return _quote_page(request, c, user, order_id, values)
    except DomainError as error:
        if not on_the_form(error):
            raise
        return _wizard(request, c, user, order_id, values=values, error=error)


def _upload(c: Container, user: User, order_id: int, files: list[tuple[str, bytes]]) -> list[Any]:
    return evidence.upload(c.uow(), c.ctx, actor=user.actor(), order_id=order_id, files=files)


@router.post("/orders/{order_id}/return/quote")
async def return_quote(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    """The wizard's photos are kept first (checked by their content, all or nothing), then
    carried to the quote as file ids; a refused file sends the form back saying which."""
    values = wizard_values({})
    try:
        form = await upload_form(request)
        fields = await form_fields(request)
        values = wizard_values(fields)
        check_csrf(request, fields.get("csrf_token"))
        files = await read_files(form)
        if files:
            stored = await run_in_threadpool(_upload, c, user, order_id, files)
            values["files"] = values["files"] + [{"id": f.id, "name": f.name} for f in stored]
    except NotFound:
        raise
    except DomainError as error:
        return await run_in_threadpool(
            _wizard, request, c, user, order_id, values=values, error=error
        )
    return await run_in_threadpool(_quote_or_form, request, c, user, order_id, values)


@router.post("/orders/{order_id}/return")
def confirm_return(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep, form: FormFields
) -> Response:
    """Back returns to step 1 with the choices kept; Confirm sends the return to the seller."""
    values = wizard_values(form)
    try:
        check_csrf(request, form.get("csrf_token"))
        if form.get("action") == "back":
            return _wizard(request, c, user, order_id, values=values)
        if not values["reason"]:
            raise InvalidInput("reason", "return_page.choose_reason")
        return_id = return_services.request_return(
            c.uow(),
            c.ctx,
            actor=user.actor(),
            order_id=order_id,
            lines=_lines(values),
            reason=values["reason"],
            description=values["description"],
            file_ids=[int(f["id"]) for f in values["files"]],
            request_key=form.get("request_key") or None,
        )
    except DomainError as error:
        if not on_the_form(error):
            raise
        return _wizard(request, c, user, order_id, values=values, error=error)
    flash(request, language.words(request)._(REQUESTED))
    return see_other(f"/orders/{order_id}/returns/{return_id}")


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
    return render(
        request,
        "returns/buyer_return.html",
        return_page_context(
            request, c, user, detail, view, audience=Role.buyer, form=form, error=error
        ),
        status_code=status_for(error) if error is not None else 200,
    )


@router.get("/orders/{order_id}/returns/{return_id}")
def return_page(
    request: Request, order_id: int, return_id: int, user: BuyerUser, c: ContainerDep
) -> Response:
    return _page(request, c, user, order_id, return_id)


def _act(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    return_id: int,
    form: dict[str, str],
    action: str,
    done: str,
) -> Response:

    def step() -> str:
        read_return(c, user, order_id, return_id)
        common: dict[str, Any] = {"actor": user.actor(), "return_id": return_id}
        match action:
            case "accept-offer":
                return_services.accept_offer(c.uow(), c.ctx, **common)
            case "decline-offer":
                return_services.decline_offer(c.uow(), c.ctx, **common)
            case "ship":
                return_services.ship_return(
                    c.uow(),
                    c.ctx,
                    **common,
                    carrier=form.get("carrier", "").strip(),
                    tracking_number=form.get("tracking_number", "").strip(),
                )
            case "withdraw":
                return_services.withdraw_return(c.uow(), c.ctx, **common)
            case "reason":
                if not form.get("reason"):
                    raise InvalidInput("reason", "return_page.choose_reason")
                return_services.give_parcel_reason(
                    c.uow(), c.ctx, **common, reason=form.get("reason", "")
                )
        return done

    return answer_form(
        request,
        form,
        step,
        lambda error: _page(request, c, user, order_id, return_id, form=form, error=error),
        f"/orders/{order_id}/returns/{return_id}",
    )


@router.post("/orders/{order_id}/returns/{return_id}/accept-offer")
def accept_offer(
    request: Request,
    order_id: int,
    return_id: int,
    user: BuyerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _act(request, c, user, order_id, return_id, form, "accept-offer", ACCEPTED)


@router.post("/orders/{order_id}/returns/{return_id}/decline-offer")
def decline_offer(
    request: Request,
    order_id: int,
    return_id: int,
    user: BuyerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _act(request, c, user, order_id, return_id, form, "decline-offer", DECLINED)


@router.post("/orders/{order_id}/returns/{return_id}/ship")
def ship_back(
    request: Request,
    order_id: int,
    return_id: int,
    user: BuyerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _act(request, c, user, order_id, return_id, form, "ship", SHIPPED)


@router.post("/orders/{order_id}/returns/{return_id}/withdraw")
def withdraw(
    request: Request,
    order_id: int,
    return_id: int,
    user: BuyerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _act(request, c, user, order_id, return_id, form, "withdraw", WITHDRAWN)


@router.post("/orders/{order_id}/returns/{return_id}/reason")
def give_reason(
    request: Request,
    order_id: int,
    return_id: int,
    user: BuyerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _act(request, c, user, order_id, return_id, form, "reason", REASON_GIVEN)
