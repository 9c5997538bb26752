"""Support's refund pages (F1, F4, F5): the manual refund (form → quote → confirm), refunds
needing attention and sending a failed one again. The buyer's Refunds page is in
buyer/refunds.py; the order pages' panel is worded in shared/present_refunds.py."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Query, Request
from fastapi.responses import Response

from recourse.container import Container
from recourse.currency import exponent
from recourse.db.queries import refunds as refund_queries
from recourse.db.queries.orders import OrderDetail, order_detail
from recourse.db.queries.stores import all_stores
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.refund import check_ceiling, check_refund_reason
from recourse.domain.roles import Role
from recourse.i18n import Words
from recourse.services import refunds
from recourse.texts import error_message
from recourse.texts.refund_dates import audience_words
from recourse.web import language
from recourse.web.deps import ContainerDep, ReadSession, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages.common import (
    FormFields,
    SupportUser,
    error_field,
    optional_int,
    safe_next,
    see_other,
)
from recourse.web.pages.shared.present_orders import PAYMENT_METHODS
from recourse.web.pages.shared.present_refunds import (
    CAUSES,
    DESTINATIONS,
    REASONS,
    SUPPORT_STATUS_LABELS,
    amount_example,
    manual_quote_sentence,
    money,
    panel,
    refund_card,
)
from recourse.web.routers import page_router
from recourse.web.templating import render

router = page_router()

AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
MAX_DIGITS = 15
NOTE_LIMIT = 2000


def parse_amount(text: str, currency: str) -> int:
    """What the agent typed, in minor units: '12.50' EUR → 1250, '1.250' KWD → 1250. Exact:
    Decimal and the currency's exponent, never a float; more decimals than the currency has
    are refused rather than rounded."""
    digits = exponent(currency)
    example = amount_example(currency)
    raw = text.strip()
    if not raw:
        raise InvalidInput("amount", "refund_form.amount_missing", example=example)
    if raw.startswith("-"):
        raise InvalidInput("amount", "refund_form.amount_negative")
    if not AMOUNT.fullmatch(raw):
        raise InvalidInput(
            "amount", "refund_form.amount_not_digits", currency=currency, example=example
        )
    whole, _, fraction = raw.partition(".")
    if len(fraction) > digits:
        raise InvalidInput(
            "amount",
            "refund_form.too_many_decimals",
            currency=currency,
            digits=digits,
            typed=raw,
            decimals=len(fraction),
            example=example,
        )
    if len(whole.lstrip("0")) > MAX_DIGITS:
        raise InvalidInput("amount", "refund_form.amount_too_large")
    minor = Decimal(raw).scaleb(digits)
    if minor == 0:
        raise InvalidInput("amount", "refund_form.amount_zero")
    return int(minor)


def parse_reason(value: str, note: str | None) -> str:
    """A reason of the catalogue; `other` with a note (F1)."""
    return str(check_refund_reason(value, note))


def parse_note(value: str) -> str | None:
    note = value.strip()
    if len(note) > NOTE_LIMIT:
        raise InvalidInput("note", "refund_form.note_too_long", limit=NOTE_LIMIT)
    return note or None


def error_sentence(error: DomainError, currency: str, words: Words) -> str:
    """The error's sentence, with what can still be refunded when that is the point."""
    sentence = error_message(error, words)
    left = error.facts.get("refundable")
    if isinstance(left, int) and not isinstance(left, bool) and error.code != "invalid":
        still = words._("%(amount)s can still be refunded.", amount=money(left, currency, words))
        return f"{sentence} {still}"
    return sentence


def _read_order(c: Container, user: User, order_id: int) -> OrderDetail:
    with c.read_session() as session:
        detail = order_detail(session, user.actor(), order_id, c.clock.now())
    if detail is None:
        raise NotFound("refunds.order_not_found", order_id=order_id)
    return detail


def _values(form: dict[str, str]) -> dict[str, str]:
    return {
        "amount": form.get("amount", ""),
        "reason": form.get("reason", ""),
        "note": form.get("note", ""),
    }


def _refund_page(
    request: Request,
    c: Container,
    user: User,
    order_id: int,
    *,
    values: dict[str, str],
    quote: dict[str, Any] | None = None,
    error: DomainError | None = None,
    status_code: int = 200,
) -> Response:
    """Support's manual refund for one order: the form with its error, or the quote to confirm."""
    words = language.words(request)
    now = c.clock.now()
    with c.read_session() as session:
        detail = order_detail(session, user.actor(), order_id, now)
        if detail is None:
            raise NotFound("refunds.order_not_found", order_id=order_id)
        today = now.astimezone(ZoneInfo(user.timezone)).date()
        summary = panel(
            refund_queries.refunds_of_order(session, order_id), detail, Role.support, today, words
        )
    currency = detail.order.currency
    field = None
    if error is not None:
        field = error_field(error) or ("amount" if error.code != "invalid" else None)
    return render(
        request,
        "refunds/support_manual_refund.html",
        {
            "user": user,
            "detail": detail,
            "summary": summary,
            "values": values,
            "quote": quote,
            "error": error_sentence(error, currency, words) if error else None,
            "field": field,
            "destination": audience_words(
                DESTINATIONS, str(detail.order.payment.method), Role.support, words
            ),
        },
        status_code=status_code,
    )


# The ledger's filters; `attention` left out of the address keeps the page on what needs
# attention (F3), as it always opened.
ATTENTION = {"yes": True, "no": False, "any": None}


def _choice(value: str | None, allowed: Iterable[str]) -> str | None:
    """A filter's value if it is one of the allowed codes; anything else lets everything in."""
    return value if value in set(allowed) else None


def _day(value: str | None, field: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, "page.date", typed=text[:40]) from None


def _start_of(day: date | None, tz: ZoneInfo) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


@router.get("/support/refunds")
def refund_ledger(
    request: Request,
    user: SupportUser,
    c: ContainerDep,
    session: ReadSession,
    status: str | None = None,
    method: str | None = None,
    cause: str | None = None,
    attention: str | None = None,
    store: str | None = None,
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
    cursor: str | None = None,
) -> Response:
    """F4: the whole refund ledger with filters, newest first; it opens on the refunds that
    need attention (F3), where retrying one is a click."""
    words = language.words(request)
    tz = ZoneInfo(user.timezone)
    today = c.clock.now().astimezone(tz).date()
    seen = _choice(attention, ATTENTION) or ("yes" if attention is None else "any")
    first, last = _day(start, "from"), _day(end, "to")
    filters = refund_queries.LedgerFilters(
        status=_choice(status, SUPPORT_STATUS_LABELS),
        method=_choice(method, DESTINATIONS),
        cause=_choice(cause, CAUSES),
        needs_attention=ATTENTION[seen],
        store_id=optional_int(store, "store"),
        created_from=_start_of(first, tz),
        created_before=_start_of(last + timedelta(days=1) if last else None, tz),
    )
    views, next_cursor = refund_queries.ledger(
        session, filters, cursor=optional_int(cursor, "cursor")
    )
    chosen = {
        "status": filters.status,
        "method": filters.method,
        "cause": filters.cause,
        "attention": seen,  # "any" stays in the address: without it the page opens on "yes"
        "store": filters.store_id,
        "from": first.isoformat() if first else None,
        "to": last.isoformat() if last else None,
    }
    kept = urlencode({k: v for k, v in chosen.items() if v is not None})
    return render(
        request,
        "refunds/support_refunds.html",
        {
            "user": user,
            "cards": [refund_card(v, Role.support, today, words) for v in views],
            "chosen": chosen,
            "only_attention": filters == refund_queries.LedgerFilters(needs_attention=True),
            "whole_ledger": filters == refund_queries.LedgerFilters(),
            "attention_count": refund_queries.count_needing_attention(session),
            "statuses": {k: words._(v) for k, v in SUPPORT_STATUS_LABELS.items()},
            "methods": {k: words._(v) for k, v in PAYMENT_METHODS.items()},
            "causes": {k: words._(v) for k, v in CAUSES.items()},
            "stores": all_stores(session),
            "older": f"?{kept}&cursor={next_cursor}" if next_cursor else None,
            "newest": f"?{kept}" if cursor else None,
            "back": f"/support/refunds?{kept}",
        },
    )


@router.post("/support/refunds/{refund_id}/retry")
def retry(
    request: Request, refund_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    check_csrf(request, form.get("csrf_token"))
    refunds.retry_refund(
        c.uow(), c.ctx, actor=user.actor(), refund_id=refund_id, gateways=c.gateways
    )
    words = language.words(request)
    flash(request, words._("Refund #%(refund_id)s will be sent again.", refund_id=refund_id))
    return see_other(safe_next(form.get("next")) or "/support/refunds")


@router.post("/support/orders/{order_id}/refunds/quote")
def quote_refund(
    request: Request, order_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    """Step 1 of a manual refund: check the input and show what it would do, before it does."""
    values = _values(form)
    words = language.words(request)
    try:
        check_csrf(request, form.get("csrf_token"))
        detail = _read_order(c, user, order_id)
        expected = refunds.expected_if_issued_now(
            c.uow(), c.ctx, actor=user.actor(), order_id=order_id
        )
        currency = detail.order.currency
        amount = parse_amount(values["amount"], currency)
        reason = parse_reason(values["reason"], parse_note(values["note"]))
        quote = check_ceiling(
            refunds.quote_manual_refund(
                c.uow(), c.ctx, actor=user.actor(), order_id=order_id, amount=amount
            )
        )
    except NotFound:
        raise
    except DomainError as error:
        return _refund_page(
            request, c, user, order_id, values=values, error=error, status_code=status_for(error)
        )
    captured = detail.order.payment.amount_captured
    return _refund_page(
        request,
        c,
        user,
        order_id,
        values=values,
        quote={
            "sentence": manual_quote_sentence(quote, captured, expected, currency, words),
            "amount": money(quote.total, currency, words),
            "reason": words._(REASONS[reason]),
            "currency": currency,
            # One refund per confirmed quote, however often Confirm is pressed.
            "request_key": secrets.token_urlsafe(16),
        },
    )


@router.post("/support/orders/{order_id}/refunds")
def issue_refund(
    request: Request, order_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    """Step 2: Back returns to the form with the values kept; Confirm issues the refund."""
    values = _values(form)
    back = form.get("action") == "back"
    try:
        check_csrf(request, form.get("csrf_token"))
        if back:
            return _refund_page(request, c, user, order_id, values=values)
        detail = _read_order(c, user, order_id)
        amount = parse_amount(values["amount"], detail.order.currency)
        note = parse_note(values["note"])
        refund_id = refunds.issue_manual_refund(
            c.uow(),
            c.ctx,
            actor=user.actor(),
            order_id=order_id,
            amount=amount,
            reason=parse_reason(values["reason"], note),
            note=note,
            # The currency the quote was shown in: the service refuses a mismatch.
            currency=form.get("currency") or None,
            gateway=c.gateway_name,
            request_key=form.get("request_key") or None,
        )
    except NotFound:
        raise
    except DomainError as error:
        return _refund_page(
            request, c, user, order_id, values=values, error=error, status_code=status_for(error)
        )
    words = language.words(request)
    flash(
        request,
        words._(
            "Refund #%(refund_id)s of %(amount)s issued. "
            "The buyer is told by email and can follow it on their order page.",
            refund_id=refund_id,
            amount=money(amount, detail.order.currency, words),
        ),
    )
    # The top of the page, where the flash is; the refund panel follows the status.
    return see_other(f"/support/orders/{order_id}")
