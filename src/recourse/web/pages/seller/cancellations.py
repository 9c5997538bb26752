"""The seller's side of cancellations (C4, C8, C9, C10): the requests inbox with its countdown
and the stores' metrics, answering a request, and cancelling items themselves (quote, then
confirm). Support's metrics page is in support/cancellations.py."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.db.queries.cancellations import (
    cancellation,
    inbox_orders,
    pending_requests,
    store_metrics,
)
from recourse.db.queries.platform import platform_policy
from recourse.db.queries.refunds import refund
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, NotFound
from recourse.domain.roles import Role
from recourse.i18n import N_, Words
from recourse.services import cancellations
from recourse.services.ports import Cancellation
from recourse.texts.refund_dates import destination_words
from recourse.web import language
from recourse.web.deps import ContainerDep, ReadSession, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages.common import FormFields, SellerUser, see_other
from recourse.web.pages.shared.cancellation_forms import (
    QTY,
    cancel_from_form,
    error_state,
    parse_note,
    parse_units,
    quote_page,
    read_order,
)
from recourse.web.pages.shared.cancellation_metrics import METRICS_NOTE, metric_rows
from recourse.web.pages.shared.cancellation_panel import FormState, order_page_with_form
from recourse.web.pages.shared.present_cancellations import countdown, items_text, money
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()

# The seller's order page holds the ship form too: these forms' fields carry their own prefix.
REJECT = "reject-"
CANCEL = "cancel-"
CANCEL_QTY = f"{CANCEL}{QTY}"


@router.get("/seller/requests")
def requests_inbox(
    request: Request, user: SellerUser, c: ContainerDep, session: ReadSession
) -> Response:
    """C4: every request waiting for an answer across the seller's stores, soonest first."""
    now = c.clock.now()
    words = language.words(request)
    pending = pending_requests(session, user.store_ids)
    orders = inbox_orders(session, [p.order_id for p in pending])
    remind_before = platform_policy(session).remind_before_hours
    rows = [
        {
            "view": p,
            "order": orders.get(p.order_id),
            "what": items_text(p.lines),
            "countdown": countdown(p.respond_by, now, remind_before, words)
            if p.respond_by
            else None,
        }
        for p in pending
    ]
    return render(
        request,
        "cancellations/seller_requests.html",
        {
            "user": user,
            "rows": rows,
            "metrics": metric_rows(store_metrics(session, sorted(user.store_ids)), words),
            "metrics_note": words._(METRICS_NOTE),
            "remind_before": remind_before,
        },
    )


def _own(c: Container, user: User, order_id: int, cancellation_id: int) -> None:
    """The request is this order's, and the order one of the seller's stores'."""
    with c.read_session() as session:
        found = cancellation(session, user.actor(), cancellation_id)
    if found is None or found.order_id != order_id:
        raise NotFound("cancellation.no_such_request")


def _refund_words(c: Container, user: User, done: Cancellation, currency: str, words: Words) -> str:
    with c.read_session() as session:
        paid = refund(session, user.actor(), done.refund_id) if done.refund_id else None
    if paid is None:
        return words._(N_("No payment was taken for these items, so there is nothing to refund."))
    return words._(
        N_("The buyer gets %(amount)s back to %(destination)s and is told by email."),
        amount=money(words, paid.amount, currency),
        destination=destination_words(paid.method, Role.seller, words),
    )


def _prefixed(prefix: str, field: str | None) -> str | None:
    return f"{prefix}{field}" if field and field != "csrf_token" else None


def _form_error(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    state: FormState,
    prefix: str,
    error: DomainError,
) -> Response:
    """The order page again with `state`'s form, the error's sentence and the field at fault."""
    detail = read_order(c, user, order_id)
    sentence, field, blocker = error_state(error, detail, language.words(request))
    failed = FormState(
        kind=state.kind,
        values=state.values,
        error=sentence,
        field=_prefixed(prefix, field),
        blocker=blocker,
    )
    return order_page_with_form(request, c, user, order_id, failed, status_code=status_for(error))


def _answer_error(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    error: DomainError,
    values: dict[str, str],
) -> Response:
    state = FormState(kind="answer", values=values)
    return _form_error(request, c, user, order_id, state, REJECT, error)


@router.post("/seller/orders/{order_id}/cancellations/{cancellation_id}/approve")
def approve(
    request: Request,
    order_id: int,
    cancellation_id: int,
    user: SellerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    """C4: the seller agrees; the items are cancelled and the buyer refunded for them."""
    try:
        check_csrf(request, form.get("csrf_token"))
        _own(c, user, order_id, cancellation_id)
        done = cancellations.approve_cancellation(
            c.uow(), c.ctx, actor=user.actor(), cancellation_id=cancellation_id
        )
    except NotFound:
        raise
    except DomainError as error:
        return _answer_error(request, c, user, order_id, error, {})
    currency = read_order(c, user, order_id).order.currency
    words = language.words(request)
    approved = words._(N_("You approved the cancellation."))
    flash(request, f"{approved} {_refund_words(c, user, done, currency, words)}")
    return see_other(f"/seller/orders/{order_id}")


@router.post("/seller/orders/{order_id}/cancellations/{cancellation_id}/reject")
def reject(
    request: Request,
    order_id: int,
    cancellation_id: int,
    user: SellerUser,
    c: ContainerDep,
    form: FormFields,
) -> Response:
    """C9/C10: with a reason the buyer reads; a parcel that left needs carrier and tracking."""
    values = {key: form.get(key, "") for key in ("reason", "note", "carrier", "tracking_number")}
    try:
        check_csrf(request, form.get("csrf_token"))
        _own(c, user, order_id, cancellation_id)
        cancellations.reject_cancellation(
            c.uow(),
            c.ctx,
            actor=user.actor(),
            cancellation_id=cancellation_id,
            reason=values["reason"],
            note=parse_note(values["note"]),
            carrier=values["carrier"].strip() or None,
            tracking_number=values["tracking_number"].strip() or None,
        )
    except NotFound:
        raise
    except DomainError as error:
        return _answer_error(request, c, user, order_id, error, values)
    words = language.words(request)
    declined = words._(N_("You declined the cancellation; the buyer sees your reason."))
    if values["reason"] == "already_shipped":
        declined = f"{declined} {words._(N_('The parcel is recorded as shipped.'))}"
    flash(request, declined)
    return see_other(f"/seller/orders/{order_id}")


def _values(form: dict[str, str]) -> dict[str, Any]:
    return {
        "reason": form.get("reason", ""),
        "note": form.get("note", ""),
        "qty": {k.removeprefix(CANCEL_QTY): v for k, v in form.items() if k.startswith(CANCEL_QTY)},
    }


def _cancel_error(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    values: dict[str, Any],
    error: DomainError | None = None,
) -> Response:
    state = FormState(kind="cancel", values=values)
    if error is None:
        return order_page_with_form(request, c, user, order_id, state, status_code=200)
    return _form_error(request, c, user, order_id, state, CANCEL, error)


def _seller_quote(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    values: dict[str, Any],
    *,
    changed: bool = False,
    status_code: int = 200,
) -> Response:
    """C8: the refund the buyer will get for these items, before the seller confirms."""
    return quote_page(
        request,
        c,
        user,
        order_id,
        values,
        parse_units(values["qty"]),
        audience=Role.seller,
        changed=changed,
        status_code=status_code,
    )


@router.post("/seller/orders/{order_id}/cancel/quote")
def seller_cancel_quote(
    request: Request, order_id: int, user: SellerUser, c: ContainerDep, form: FormFields
) -> Response:
    values = _values(form)
    try:
        check_csrf(request, form.get("csrf_token"))
        return _seller_quote(request, c, user, order_id, values)
    except NotFound:
        raise
    except DomainError as error:
        return _cancel_error(request, c, user, order_id, values, error)


@router.post("/seller/orders/{order_id}/cancel")
def seller_cancel(
    request: Request, order_id: int, user: SellerUser, c: ContainerDep, form: FormFields
) -> Response:
    values = _values(form)
    try:
        check_csrf(request, form.get("csrf_token"))
        if form.get("action") == "back":
            return _cancel_error(request, c, user, order_id, values)
        units = parse_units(values["qty"])
        done = cancel_from_form(c, user, order_id, values, units, form.get("quote_id"))
    except NotFound:
        raise
    except DomainError as error:
        return _refused(request, c, user, order_id, values, error)
    flash(request, _cancelled_words(c, user, order_id, done, language.words(request)))
    return see_other(f"/seller/orders/{order_id}")


def _refused(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    values: dict[str, Any],
    error: DomainError,
) -> Response:
    """Confirm refused: a changed quote shows the new one (C6); anything else, or a new quote
    that cannot be made, the order page with the Cancel items form, its error and values."""
    if error.code == "quote_changed":
        try:
            return _seller_quote(
                request,
                c,
                user,
                order_id,
                values,
                changed=True,
                status_code=status_for(error),
            )
        except NotFound:
            raise
        except DomainError as again:
            error = again
    return _cancel_error(request, c, user, order_id, values, error)


def _cancelled_words(
    c: Container, user: User, order_id: int, done: Cancellation, words: Words
) -> str:
    detail = read_order(c, user, order_id)
    lines = [
        {"title": line.title, "quantity": done.units[line.id]}
        for line in detail.order.lines
        if done.units.get(line.id)
    ]
    cancelled = words._(N_("Cancelled %(items)s."), items=items_text(lines))
    return f"{cancelled} {_refund_words(c, user, done, detail.order.currency, words)}"
