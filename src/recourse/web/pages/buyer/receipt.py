"""§2 confirm receipt, the buyer's page (`/orders/{id}/confirm-receipt`): a clear warning that
confirming ends buyer protection (no returns or disputes through Recourse after it) and when it
would have ended, a Confirm button, and — not ready yet? — a form to ask the seller for more
protection (`/orders/{id}/protection-extension`). Whether either is possible is the guide's
answer (services.options), as on the order page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.db.queries.protection import pending_extension
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.options import PathName
from recourse.domain.protection import REASON_MAX
from recourse.i18n import N_
from recourse.services import protection
from recourse.services.options import order_options
from recourse.texts import blocker_message, error_message
from recourse.web.deps import ContainerDep, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.language import words
from recourse.web.pages.buyer.cancellations import BuyerUser
from recourse.web.pages.common import FormFields, error_field, see_other
from recourse.web.pages.shared.cancellation_forms import read_order
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()

CONFIRMED = N_("Thank you: you confirmed receipt and the order is completed.")
ASKED = N_("Your request is with the seller. We will tell you their answer.")


def _page(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    *,
    form: dict[str, str] | None = None,
    error: DomainError | None = None,
) -> Response:
    detail = read_order(c, user, order_id)
    w = words(request)
    found = order_options(c.uow(), c.ctx, user.actor(), order_id).get(PathName.confirm_receipt)
    option = found.option if found is not None else None
    blocker = None
    if option is not None and not option.open and option.blocker:
        blocker = blocker_message(option.blocker, option.facts, w)
    with c.read_session() as session:
        waiting = pending_extension(session, order_id)
    with c.uow() as uow:
        limit = uow.platform.policy().protection_extension_max_days
    return render(
        request,
        "receipt/buyer_confirm.html",
        {
            "user": user,
            "detail": detail,
            "order_url": f"/orders/{order_id}",
            "open": option is not None and option.open,
            "ends_at": detail.order.deadlines.protection_ends_at,
            "blocker": blocker,
            "waiting": waiting,
            "limit": limit,
            "reason_max": REASON_MAX,
            "form": form or {},
            "error": error_message(error, w) if error is not None else None,
            "field": error_field(error) if error is not None else None,
        },
        status_code=status_for(error) if error is not None else 200,
    )


@router.get("/orders/{order_id}/confirm-receipt")
def confirm_page(request: Request, order_id: int, user: BuyerUser, c: ContainerDep) -> Response:
    return _page(request, c, user, order_id)


@router.post("/orders/{order_id}/confirm-receipt")
def confirm(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep, form: FormFields
) -> Response:
    try:
        check_csrf(request, form.get("csrf_token"))
        protection.confirm_receipt(c.uow(), c.ctx, actor=user.actor(), order_id=order_id)
    except NotFound:
        raise
    except DomainError as error:
        return _page(request, c, user, order_id, error=error)
    flash(request, words(request)._(CONFIRMED))
    return see_other(f"/orders/{order_id}")


def _days(value: str | None) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise InvalidInput("days", "protection.days_not_a_number") from None


@router.post("/orders/{order_id}/protection-extension")
def ask_for_more_time(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep, form: FormFields
) -> Response:
    try:
        check_csrf(request, form.get("csrf_token"))
        protection.request_extension(
            c.uow(),
            c.ctx,
            actor=user.actor(),
            order_id=order_id,
            days=_days(form.get("days")),
            reason=form.get("reason", ""),
        )
    except NotFound:
        raise
    except DomainError as error:
        return _page(request, c, user, order_id, form=form, error=error)
    flash(request, words(request)._(ASKED))
    return see_other(f"/orders/{order_id}")
