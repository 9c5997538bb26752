"""The buyer's cancel flow (C1, C5, C6, C7): choose what and why → the quote → confirm → done,
and withdrawing a request (C10). The seller's side lives in seller/cancellations.py, what both
forms share in shared/cancellation_forms.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.db.queries.cancellations import cancellation
from recourse.db.queries.orders import OrderDetail
from recourse.db.queries.refunds import RefundView, refund
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.roles import Role
from recourse.domain.settlement import ExpectedBy
from recourse.i18n import N_, Words
from recourse.services import cancellations
from recourse.texts.refund_dates import destination_words, expected_sentence
from recourse.web import language
from recourse.web.deps import ContainerDep, PageUser, ReadSession, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages.common import FormFields, optional_int, see_other
from recourse.web.pages.shared.cancellation_forms import (
    QTY,
    cancel_from_form,
    error_state,
    parse_units,
    quote_page,
    read_order,
)
from recourse.web.pages.shared.cancellation_panel import FormState, order_page_with_form
from recourse.web.pages.shared.present_cancellations import (
    blocker_words,
    how_sentence,
    items_text,
    money,
)
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()


def buyer_user(user: PageUser) -> User:
    if user.role is not Role.buyer:
        raise NotFound("page.not_found")
    return user


BuyerUser = Annotated[User, Depends(buyer_user)]


def form_values(form: dict[str, str]) -> dict[str, Any]:
    """What the person typed, to send back with an error or carry to the next step."""
    return {
        "reason": form.get("reason", ""),
        "note": form.get("note", ""),
        "items": form.get("items") == "1",
        "qty": {k.removeprefix(QTY): v for k, v in form.items() if k.startswith(QTY)},
    }


def _cancel_form(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    *,
    items: bool,
    values: dict[str, Any] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    """Step 1: what to cancel and why; or, when the order cannot be cancelled, why not (C1)."""
    detail = read_order(c, user, order_id)
    preview = cancellations.preview_cancellation(
        c.uow(), c.ctx, actor=user.actor(), order_id=order_id
    )
    e = preview.eligibility
    order = detail.order
    unshipped = [line for line in order.lines if line.qty.unshipped]
    items = items and detail.policy.policy.allow_partial_cancel and len(e.units) > 0
    items = items and sum(line.qty.unshipped for line in unshipped) > 1
    words = language.words(request)
    sentence = field = None
    blocker = None
    if error is not None:
        sentence, field, blocker = error_state(error, detail, words)
    closed = None
    if e.blocker is not None:
        closed = blocker_words(e.blocker, order=order, words=words)
        # The order itself cannot be cancelled: a conflict, unless a sharper error came first.
        status_code = 409 if status_code == 200 else status_code
    return render(
        request,
        "cancellations/buyer_cancel.html",
        {
            "user": user,
            "detail": detail,
            "items": items,
            "lines": unshipped,
            "everything": items_text(
                [{"title": x.title, "quantity": x.qty.unshipped} for x in unshipped]
            ),
            "reasons": preview.reasons,
            "values": values or {"reason": "", "note": "", "qty": {}, "items": items},
            "how": how_sentence(e, detail.policy.policy, order, words) if e.allowed else None,
            "closed": closed,
            "error": sentence,
            "field": field,
            "blocker": blocker,
        },
        status_code=status_code,
    )


def _quote_page(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    *,
    values: dict[str, Any],
    units: dict[int, int] | None,
    changed: bool = False,
    status_code: int = 200,
) -> Response:
    """Step 2 (C6): exactly what is cancelled and refunded, where to, by when, what next."""
    return quote_page(
        request,
        c,
        user,
        order_id,
        values,
        units,
        audience=Role.buyer,
        changed=changed,
        status_code=status_code,
    )


@router.get("/orders/{order_id}/cancel")
def cancel_form(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep, items: str | None = None
) -> Response:
    return _cancel_form(request, c, user, order_id, items=items == "1")


@router.post("/orders/{order_id}/cancel/quote")
def cancel_quote(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep, form: FormFields
) -> Response:
    values = form_values(form)
    try:
        check_csrf(request, form.get("csrf_token"))
        units = parse_units(values["qty"]) if values["items"] else None
        return _quote_page(request, c, user, order_id, values=values, units=units)
    except NotFound:
        raise
    except DomainError as error:
        return _cancel_form(
            request,
            c,
            user,
            order_id,
            items=values["items"],
            values=values,
            error=error,
            status_code=status_for(error),
        )


@router.post("/orders/{order_id}/cancel")
def confirm_cancel(
    request: Request, order_id: int, user: BuyerUser, c: ContainerDep, form: FormFields
) -> Response:
    """Back returns to step 1 with the values kept; Confirm executes the quote that was shown."""
    values = form_values(form)
    units: dict[int, int] | None = None
    try:
        check_csrf(request, form.get("csrf_token"))
        if form.get("action") == "back":
            return _cancel_form(request, c, user, order_id, items=values["items"], values=values)
        units = parse_units(values["qty"]) if values["items"] else None
        if not values["reason"]:
            raise InvalidInput("reason", "cancellation.choose_reason")
        done = cancel_from_form(c, user, order_id, values, units, form.get("quote_id"))
    except NotFound:
        raise
    except DomainError as error:
        return _refused(request, c, user, order_id, values, units, error)
    return see_other(f"/orders/{order_id}/cancel/done?c={done.id}")


def _refused(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    values: dict[str, Any],
    units: dict[int, int] | None,
    error: DomainError,
) -> Response:
    """Confirm refused: a changed quote shows the new one (C6); anything else, or a new quote
    that cannot be made, step 1 with the error and the values kept."""
    if error.code == "quote_changed":
        try:
            return _quote_page(
                request,
                c,
                user,
                order_id,
                values=values,
                units=units,
                changed=True,
                status_code=status_for(error),
            )
        except NotFound:
            raise
        except DomainError as again:
            error = again
    return _cancel_form(
        request,
        c,
        user,
        order_id,
        items=values["items"],
        values=values,
        error=error,
        status_code=status_for(error),
    )


@router.get("/orders/{order_id}/cancel/done")
def cancel_done(
    request: Request,
    order_id: int,
    user: BuyerUser,
    c: ContainerDep,
    session: ReadSession,
    ref: Annotated[str | None, Query(alias="c")] = None,
) -> Response:
    """After confirming: cancelled and what comes back, or the request sent and its answer-by."""
    cancellation_id = optional_int(ref, "c")
    found = (
        cancellation(session, user.actor(), cancellation_id)
        if cancellation_id is not None
        else None
    )
    if found is None or found.order_id != order_id:
        raise NotFound("cancellation.no_such")
    detail = read_order(c, user, order_id)
    words = language.words(request)
    paid_back = refund(session, user.actor(), found.refund_id) if found.refund_id else None
    return render(
        request,
        "cancellations/buyer_done.html",
        {
            "user": user,
            "detail": detail,
            "found": found,
            "items": items_text(found.lines),
            "asked_refund": _asked_refund_words(detail, found.id, words),
            **_paid_back_words(paid_back, words),
        },
    )


def _asked_refund_words(detail: OrderDetail, cancellation_id: int, words: Words) -> str | None:
    """C6/C7: the refund the buyer was quoted when asking, for the items asked for only."""
    asked = next(
        (
            t.data
            for t in detail.timeline
            if t.action == "cancellation.requested"
            and t.data
            and t.data.get("cancellation_id") == cancellation_id
        ),
        None,
    )
    total = int(asked.get("refund") or 0) if asked else 0
    if not total:
        return None
    order = detail.order
    return words._(
        N_("%(amount)s goes back to %(destination)s"),
        amount=money(words, total, order.currency),
        destination=destination_words(str(order.payment.method), Role.buyer, words),
    )


def _paid_back_words(paid_back: RefundView | None, words: Words) -> dict[str, str | None]:
    """The refund a completed cancellation made: how much, where to and by when (F5)."""
    if paid_back is None:
        return {"amount": None, "destination": None, "expected": None}
    return {
        "amount": money(words, paid_back.amount, paid_back.currency),
        "destination": destination_words(paid_back.method, Role.buyer, words),
        "expected": expected_sentence(
            paid_back.method,
            ExpectedBy(paid_back.expected_earliest, paid_back.expected_latest),
            Role.buyer,
            words,
        ),
    }


@router.post("/orders/{order_id}/cancellations/{cancellation_id}/withdraw")
def withdraw(
    request: Request,
    order_id: int,
    cancellation_id: int,
    user: BuyerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    """C10: the buyer takes their request back; the order goes ahead."""
    try:
        check_csrf(request, form.get("csrf_token"))
        with c.read_session() as session:
            found = cancellation(session, user.actor(), cancellation_id)
        if found is None or found.order_id != order_id:
            raise NotFound("cancellation.no_such_request")
        cancellations.withdraw_cancellation(
            c.uow(), c.ctx, actor=user.actor(), cancellation_id=cancellation_id
        )
    except NotFound:
        raise
    except DomainError as error:
        detail = read_order(c, user, order_id)
        sentence, field, blocker = error_state(error, detail, language.words(request))
        state = FormState(kind="withdraw", error=sentence, field=field, blocker=blocker)
        return order_page_with_form(
            request, c, user, order_id, state, status_code=status_for(error)
        )
    flash(
        request,
        language.words(request)._(
            N_("You withdrew your cancellation request. The order goes ahead as placed.")
        ),
    )
    return see_other(f"/orders/{order_id}")
