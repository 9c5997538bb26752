"""H2 "Contact support": the buyer's and the seller's form to write to support about one of
their orders (`/orders/{id}/support`, `/seller/orders/{id}/support`). The form shows the order,
refuses a bad message next to the field (422) and, once sent, goes back to the order page with
a confirmation. Support reads the tickets in its queue (support/tickets.py)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, NotFound
from recourse.domain.roles import Role
from recourse.domain.tickets import MESSAGE_MAX
from recourse.i18n import N_
from recourse.services import tickets
from recourse.texts import error_message
from recourse.web.deps import ContainerDep, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.language import words
from recourse.web.pages.buyer.cancellations import BuyerUser
from recourse.web.pages.common import FormFields, SellerUser, error_field, see_other
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()

SENT = N_("Your message is with support. They will look at this order and get back to you.")


def _order_url(user: User, order_id: int) -> str:
    return f"/seller/orders/{order_id}" if user.role is Role.seller else f"/orders/{order_id}"


def _form(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    *,
    message: str = "",
    error: DomainError | None = None,
) -> Response:
    detail = read_order(c, user, order_id)
    order_url = _order_url(user, order_id)
    return render(
        request,
        "tickets/contact_form.html",
        {
            "user": user,
            "detail": detail,
            "order_url": order_url,
            "action": f"{order_url}/support",
            "message": message,
            "limit": MESSAGE_MAX,
            "error": error_message(error, words(request)) if error is not None else None,
            "field": error_field(error) if error is not None else None,
        },
        status_code=status_for(error) if error is not None else 200,
    )


def _send(
    request: Request, c: Container, user: User, order_id: int, form: dict[str, str]
) -> Response:
    message = form.get("message", "")
    try:
        check_csrf(request, form.get("csrf_token"))
        tickets.open_ticket(c.uow(), c.ctx, actor=user.actor(), order_id=order_id, message=message)
    except NotFound:
        raise
    except DomainError as error:
        return _form(request, c, user, order_id, message=message, error=error)
    flash(request, words(request)._(SENT))
    return see_other(_order_url(user, order_id))


@router.get("/orders/{order_id}/support")
def buyer_form(request: Request, order_id: int, user: BuyerUser, c: ContainerDep) -> Response:
    return _form(request, c, user, order_id)


@router.post("/orders/{order_id}/support")
def buyer_send(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep, form: FormFields
) -> Response:
    return _send(request, c, user, order_id, form)


@router.get("/seller/orders/{order_id}/support")
def seller_form(request: Request, order_id: int, user: SellerUser, c: ContainerDep) -> Response:
    return _form(request, c, user, order_id)


@router.post("/seller/orders/{order_id}/support")
def seller_send(
    request: Request, order_id: int, user: SellerUser, c: ContainerDep, form: FormFields
) -> Response:
    return _send(request, c, user, order_id, form)
