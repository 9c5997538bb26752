"""§2 the buyer's request for more protection, the seller's side: the request page
(`/seller/orders/{id}/protection-extension`, which the order page's "What you can do" panel
links to while a request waits) with Grant and Decline
(`…/protection-extension/{request_id}/grant|decline`); each posts and goes back to the order
page with a confirmation. With no request waiting the page says so."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.db.queries.protection import ExtensionView, extension, pending_extension
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, NotFound
from recourse.i18n import N_
from recourse.services import protection
from recourse.texts import error_message
from recourse.web.deps import ContainerDep, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.language import words
from recourse.web.pages.common import FormFields, SellerUser, see_other
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()

GRANTED = N_("Buyer protection extended. The buyer has been told.")
DECLINED = N_("Request declined. The buyer has been told.")


def _page(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    request_id: int | None = None,
    *,
    error: DomainError | None = None,
) -> Response:
    detail = read_order(c, user, order_id)
    found: ExtensionView | None
    with c.read_session() as session:
        if request_id is None:
            found = pending_extension(session, order_id)
        else:
            found = extension(session, request_id)
    if request_id is not None and (found is None or found.order_id != order_id):
        raise NotFound("protection.no_such_request", request_id=request_id)
    ends = detail.order.deadlines.protection_ends_at
    return render(
        request,
        "receipt/seller_extension.html",
        {
            "user": user,
            "detail": detail,
            "order_url": f"/seller/orders/{order_id}",
            "action": f"/seller/orders/{order_id}/protection-extension/"
            + (str(found.id) if found else ""),
            "ext": found,
            "ends_at": ends,
            "new_end": ends + timedelta(days=found.days) if ends and found else None,
            "error": error_message(error, words(request)) if error is not None else None,
        },
        status_code=status_for(error) if error is not None else 200,
    )


@router.get("/seller/orders/{order_id}/protection-extension")
def request_page(request: Request, order_id: int, user: SellerUser, c: ContainerDep) -> Response:
    return _page(request, c, user, order_id)


def _answer(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    request_id: int,
    form: dict[str, str],
    *,
    grant: bool,
) -> Response:
    try:
        check_csrf(request, form.get("csrf_token"))
        protection.answer_extension(
            c.uow(),
            c.ctx,
            actor=user.actor(),
            order_id=order_id,
            request_id=request_id,
            grant=grant,
        )
    except NotFound:
        raise
    except DomainError as error:
        return _page(request, c, user, order_id, request_id, error=error)
    flash(request, words(request)._(GRANTED if grant else DECLINED))
    return see_other(f"/seller/orders/{order_id}")


@router.post("/seller/orders/{order_id}/protection-extension/{request_id}/grant")
def grant(
    request: Request,
    order_id: int,
    request_id: int,
    user: SellerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _answer(request, c, user, order_id, request_id, form, grant=True)


@router.post("/seller/orders/{order_id}/protection-extension/{request_id}/decline")
def decline(
    request: Request,
    order_id: int,
    request_id: int,
    user: SellerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    return _answer(request, c, user, order_id, request_id, form, grant=False)
