"""Refund pages (F4, F5): the panel on every order page, the buyer's Refunds, and support's
manual refund (form → quote → confirm) and refunds needing attention."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext
from sqlalchemy.orm import Session

from recourse.container import Container
from recourse.currency import exponent, format_money
from recourse.db import queries, refund_queries
from recourse.db.queries import OrderDetail
from recourse.db.refund_queries import RefundView
from recourse.db.refunds import SqlSettlement
from recourse.domain.accounts import User
from recourse.domain.errors import DomainError, InvalidInput, NotFound
from recourse.domain.money import Money
from recourse.domain.refund import (
    COUNTS_AGAINST_CAPTURE,
    RefundedSoFar,
    RefundStatus,
    check_ceiling,
    refundable,
)
from recourse.domain.roles import Role
from recourse.domain.settlement import ExpectedBy, expected_by
from recourse.services import refunds
from recourse.web.deps import ContainerDep, PageUser, ReadSession, check_csrf, flash
from recourse.web.errors import status_for
from recourse.web.pages.common import (
    FormFields,
    SupportUser,
    error_field,
    home_for,
    optional_int,
    query_string,
    safe_next,
    see_other,
)
from recourse.web.templating import render, templates

router = APIRouter()

PER_PAGE = 20

STATUS_LABELS = {
    "pending": "Recorded",
    "processing": "On its way",
    "succeeded": "Money sent",
    "failed": "Failed",
}

CAUSES = {
    "cancellation": "Order cancelled",
    "item_cancellation": "Items cancelled",
    "remorse_return": "Return",
    "not_as_described_return": "Return: not as described",
    "dispute": "Dispute decision",
    "manual": "Refund from support",
}

# Support's reasons for a manual refund, in the order the form offers them.
REASONS = {
    "goodwill": "Goodwill gesture",
    "damaged_in_transit": "Damaged in transit",
    "missing_item": "Missing item",
    "duplicate_charge": "Duplicate charge",
    "other": "Other",
}

# Payment method → (the buyer's words, everyone else's words).
METHODS = {
    "card": ("your card", "the buyer's card"),
    "wallet": ("your digital wallet", "the buyer's digital wallet"),
    "bank_transfer": ("bank transfer", "bank transfer"),
    "store_balance": ("store balance", "store balance"),
    "coupon": ("coupon", "coupon"),
}

DESTINATIONS = {
    "card": ("to your card", "to the buyer's card"),
    "wallet": ("to your digital wallet", "to the buyer's digital wallet"),
    "bank_transfer": ("by bank transfer", "by bank transfer"),
    "store_balance": ("to your store balance", "to the buyer's store balance"),
    "coupon": ("as a coupon", "as a coupon"),
}

# Where the money shows up, by method: (the buyer's words, everyone else's words).
LANDS = {
    "store_balance": ("in your store balance", "in the buyer's store balance"),
    "coupon": ("in your account as a coupon", "in the buyer's account as a coupon"),
}
STATEMENT = ("on your statement", "on the buyer's statement")

AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
MAX_DIGITS = 15
NOTE_LIMIT = 2000


def _words(table: dict[str, tuple[str, str]], key: str, audience: Role) -> str:
    pair = table.get(key, (key.replace("_", " "), key.replace("_", " ")))
    return pair[0] if audience is Role.buyer else pair[1]


def money(minor: int, currency: str) -> str:
    return format_money(Money(minor, currency))


def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def date_range(earliest: date, latest: date) -> str:
    """'between 5 Mar and 30 Mar 2026', or 'on 2 Mar 2026' when it is one day."""
    if earliest == latest:
        return f"on {day(latest)}"
    if earliest.year == latest.year:
        return f"between {earliest.day} {earliest:%b} and {day(latest)}"
    return f"between {day(earliest)} and {day(latest)}"


def expected_sentence(
    method: str, expected: ExpectedBy, audience: Role, *, today: date | None = None
) -> str:
    """F5 in words: where the money shows up and when."""
    pair = LANDS.get(method, STATEMENT)
    where = pair[0] if audience is Role.buyer else pair[1]
    if today is not None and today > expected.latest:
        return f"It should have arrived {where} by {day(expected.latest)}."
    lead = "Expect it" if audience is Role.buyer else "Expected"
    return f"{lead} {where} {date_range(expected.earliest, expected.latest)}."


@dataclass(frozen=True, slots=True)
class Step:
    label: str
    at: datetime | None
    state: str  # done | todo | failed

    @property
    def done(self) -> bool:
        return self.state != "todo"


@dataclass(frozen=True, slots=True)
class RefundCard:
    """One refund, worded for whoever looks at it."""

    view: RefundView
    amount: str
    destination: str
    method: str
    cause: str
    reason: str | None
    status_label: str
    parts: list[tuple[str, str]]
    steps: list[Step]
    current: int
    expected: str | None
    attention: str | None
    retryable: bool


def steps(view: RefundView, audience: Role) -> list[Step]:
    """F4: Recorded → sent to the bank or provider → money sent (or failed)."""
    to_bank = view.method in ("card", "bank_transfer")
    if audience is Role.buyer:
        sent = "Sent to your bank" if to_bank else "Sent to your provider"
    else:
        sent = "Sent to the buyer's bank" if to_bank else "Sent to the payment provider"
    status = view.status
    result = [
        Step("Recorded", view.created_at, "done"),
        Step(sent, view.sent_at, "done" if view.sent_at or status == "succeeded" else "todo"),
    ]
    if status == "failed":
        result.append(Step("Failed", view.failed_at, "failed"))
    else:
        done = status == "succeeded"
        result.append(Step("Money sent", view.succeeded_at, "done" if done else "todo"))
    return result


def attention(view: RefundView, audience: Role) -> str | None:
    """A calm sentence when a refund is in trouble; support reads the error itself."""
    if audience is Role.support:
        return None
    if view.status == "failed":
        return "The payment provider could not send this refund. Our support team is on it."
    if view.needs_attention and view.status == "pending":
        return "Sending this refund is taking longer than usual. Our support team is on it."
    if view.needs_attention:
        return (
            "The payment provider returned this refund after sending it. Our support team is on it."
        )
    return None


def retryable(view: RefundView) -> bool:
    """What retry_refund accepts: a failed refund, or a pending one that kept failing."""
    return view.needs_attention and view.status in ("failed", "pending")


def refund_card(view: RefundView, audience: Role, today: date) -> RefundCard:
    currency = view.currency
    parts = [
        (label, money(value, currency))
        for label, value in (
            ("Items", view.items),
            ("Tax", view.tax),
            ("Shipping", view.shipping),
            ("Fees", view.fees),
        )
        if value
    ]
    all_steps = steps(view, audience)
    expected = (
        None
        if view.status == "failed"
        else expected_sentence(
            view.method,
            ExpectedBy(view.expected_earliest, view.expected_latest),
            audience,
            today=today if view.status == "succeeded" else None,
        )
    )
    return RefundCard(
        view=view,
        amount=money(view.amount, currency),
        destination=_words(DESTINATIONS, view.method, audience),
        method=_words(METHODS, view.method, audience),
        cause=CAUSES.get(view.cause, view.cause.replace("_", " ").capitalize()),
        reason=REASONS.get(view.reason or "", view.reason) if view.reason else None,
        status_label=STATUS_LABELS.get(view.status, view.status),
        # A breakdown of one part only repeats the amount.
        parts=parts if len(parts) > 1 else [],
        steps=all_steps,
        current=max(i for i, s in enumerate(all_steps) if s.done),
        expected=expected,
        attention=attention(view, audience),
        retryable=audience is Role.support and retryable(view),
    )


@dataclass(frozen=True, slots=True)
class RefundPanel:
    cards: list[RefundCard]
    currency: str
    captured: int
    issued: int
    refundable: int
    reasons: ClassVar[dict[str, str]] = REASONS

    def money(self, minor: int) -> str:
        return money(minor, self.currency)

    @property
    def digits(self) -> int:
        return exponent(self.currency)

    @property
    def example(self) -> str:
        return amount_example(self.currency)


def panel(views: list[RefundView], detail: OrderDetail, audience: Role, today: date) -> RefundPanel:
    """Every refund of the order, newest first, and what can still go back (F2)."""
    order = detail.order
    so_far = RefundedSoFar(
        total=sum(v.amount for v in views if RefundStatus(v.status) in COUNTS_AGAINST_CAPTURE)
    )
    return RefundPanel(
        cards=[refund_card(v, audience, today) for v in reversed(views)],
        currency=order.currency,
        captured=order.payment.amount_captured,
        issued=so_far.total,
        refundable=refundable(order, so_far),
    )


@pass_context
def order_refund_panel(context: TemplateContext) -> RefundPanel:
    """The order pages' refund panel, read when the shared order template renders it.

    The buyer's, seller's and support's order handlers build their context elsewhere; reading
    here keeps the panel on all three without each of them knowing about refunds."""
    request: Request = context["request"]
    detail: OrderDetail = context["detail"]
    c: Container = request.app.state.container
    tz = str(context.get("tz") or "UTC")
    today = c.clock.now().astimezone(ZoneInfo(tz)).date()
    with c.read_session() as session:
        views = refund_queries.refunds_of_order(session, detail.order.id)
    return panel(views, detail, Role(str(context["audience"])), today)


templates.env.globals["order_refund_panel"] = order_refund_panel


def amount_example(currency: str) -> str:
    """How an amount is typed in `currency`: 12.50 EUR, 1250 JPY, 1.250 KWD."""
    return f"{Decimal(1250).scaleb(-exponent(currency)):f}"


def parse_amount(text: str, currency: str) -> int:
    """What the agent typed, in minor units: '12.50' EUR → 1250, '1.250' KWD → 1250. Exact:
    Decimal and the currency's exponent, never a float; more decimals than the currency has
    are refused rather than rounded."""
    digits = exponent(currency)
    example = amount_example(currency)
    raw = text.strip()
    if not raw:
        raise InvalidInput("amount", f"Enter the amount to refund, for example {example}.")
    if raw.startswith("-"):
        raise InvalidInput("amount", "Enter a positive amount: a refund pays the buyer back.")
    if not AMOUNT.fullmatch(raw):
        raise InvalidInput(
            "amount",
            f"Enter the amount in {currency} as digits, with a point before any decimals, "
            f"for example {example}.",
        )
    whole, _, fraction = raw.partition(".")
    if len(fraction) > digits:
        allowed = (
            "no decimals"
            if digits == 0
            else f"at most {digits} decimal{'s' if digits != 1 else ''}"
        )
        raise InvalidInput(
            "amount",
            f"{currency} amounts have {allowed}; {raw} has {len(fraction)}. For example {example}.",
        )
    if len(whole.lstrip("0")) > MAX_DIGITS:
        raise InvalidInput("amount", "That amount is larger than any payment; check the digits.")
    minor = Decimal(raw).scaleb(digits)
    if minor != minor.to_integral_value():
        raise InvalidInput("amount", f"Enter the amount in {currency}, for example {example}.")
    if minor == 0:
        raise InvalidInput("amount", "Enter an amount greater than zero.")
    return int(minor)


def parse_reason(value: str) -> str:
    if value not in REASONS:
        raise InvalidInput("reason", "Choose the reason for the refund.")
    return value


def parse_note(value: str) -> str | None:
    note = value.strip()
    if len(note) > NOTE_LIMIT:
        raise InvalidInput("note", f"Keep the note under {NOTE_LIMIT:,} characters.")
    return note or None


def error_sentence(error: DomainError, currency: str) -> str:
    """The error's sentence, with what can still be refunded when that is the point."""
    left = error.facts.get("refundable")
    if isinstance(left, int) and not isinstance(left, bool) and error.code != "invalid":
        return f"{error.message} {money(left, currency)} can still be refunded."
    return error.message


def _expected(session: Session, c: Container, detail: OrderDetail) -> ExpectedBy:
    """F5 for a refund issued now, counted as record_refund counts it (buyer's zone, country,
    weekend and holidays), so the quote promises the dates the refund will carry."""
    buyer = queries.user_view(session, int(detail.buyer["id"]))
    assert buyer is not None
    country = str(buyer["country"])
    profile = SqlSettlement(session).profile(str(detail.order.payment.method))
    issued_on = c.clock.now().astimezone(ZoneInfo(str(buyer["timezone"]))).date()
    holidays = c.ctx.holidays
    return expected_by(
        issued_on,
        profile,
        lambda d: holidays.is_holiday(country, d),
        holidays.weekend(country),
    )


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
    now = c.clock.now()
    with c.read_session() as session:
        detail = queries.order_detail(session, user.actor(), order_id, now)
        if detail is None:
            raise NotFound(f"No order {order_id}.")
        today = now.astimezone(ZoneInfo(user.timezone)).date()
        summary = panel(
            refund_queries.refunds_of_order(session, order_id), detail, Role.support, today
        )
    currency = detail.order.currency
    field = None
    if error is not None:
        field = error_field(error) or ("amount" if error.code != "invalid" else None)
    return render(
        request,
        "support/refund.html",
        {
            "user": user,
            "detail": detail,
            "summary": summary,
            "values": values,
            "quote": quote,
            "error": error_sentence(error, currency) if error else None,
            "field": field,
            "destination": _words(DESTINATIONS, str(detail.order.payment.method), Role.support),
        },
        status_code=status_code,
    )


@router.get("/refunds")
def my_refunds(
    request: Request,
    user: PageUser,
    c: ContainerDep,
    session: ReadSession,
    cursor: str | None = None,
) -> Response:
    if user.role is Role.support:
        return see_other("/support/refunds")
    if user.role is not Role.buyer:
        return see_other(home_for(user))
    views, next_cursor = refund_queries.refunds_of(
        session, user.actor(), cursor=optional_int(cursor, "cursor"), limit=PER_PAGE
    )
    today = c.clock.now().astimezone(ZoneInfo(user.timezone)).date()
    return render(
        request,
        "buyer/refunds.html",
        {
            "user": user,
            "cards": [refund_card(v, Role.buyer, today) for v in views],
            "older": query_string(cursor=next_cursor) if next_cursor else None,
            "newest": "" if cursor else None,
        },
    )


@router.get("/support/refunds")
def refunds_needing_attention(
    request: Request, user: SupportUser, c: ContainerDep, session: ReadSession
) -> Response:
    today = c.clock.now().astimezone(ZoneInfo(user.timezone)).date()
    views = refund_queries.refunds_needing_attention(session)
    return render(
        request,
        "support/refunds.html",
        {"user": user, "cards": [refund_card(v, Role.support, today) for v in views]},
    )


@router.post("/support/refunds/{refund_id}/retry")
def retry(
    request: Request, refund_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    check_csrf(request, form.get("csrf_token"))
    refunds.retry_refund(c.uow(), c.ctx, actor=user.actor(), refund_id=refund_id)
    flash(request, f"Refund #{refund_id} will be sent again.")
    return see_other(safe_next(form.get("next")) or "/support/refunds")


@router.post("/support/orders/{order_id}/refunds/quote")
def quote_refund(
    request: Request, order_id: int, user: SupportUser, c: ContainerDep, form: FormFields
) -> Response:
    """Step 1 of a manual refund: check the input and show what it would do, before it does."""
    values = _values(form)
    try:
        check_csrf(request, form.get("csrf_token"))
        with c.read_session() as session:
            detail = queries.order_detail(session, user.actor(), order_id, c.clock.now())
            if detail is None:
                raise NotFound(f"No order {order_id}.")
            expected = _expected(session, c, detail)
        currency = detail.order.currency
        amount = parse_amount(values["amount"], currency)
        reason = parse_reason(values["reason"])
        parse_note(values["note"])
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
    method = str(quote.method)
    sentence = (
        f"Refund {money(quote.total, currency)} {_words(DESTINATIONS, method, Role.support)}; "
        f"{money(quote.refundable_after, currency)} remains refundable of "
        f"{money(detail.order.payment.amount_captured, currency)} captured; "
        f"expected {date_range(expected.earliest, expected.latest)}."
    )
    return _refund_page(
        request,
        c,
        user,
        order_id,
        values=values,
        quote={
            "sentence": sentence,
            "amount": money(quote.total, currency),
            "reason": REASONS[reason],
            "currency": currency,
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
        with c.read_session() as session:
            detail = queries.order_detail(session, user.actor(), order_id, c.clock.now())
        if detail is None:
            raise NotFound(f"No order {order_id}.")
        refund_id = refunds.issue_manual_refund(
            c.uow(),
            c.ctx,
            actor=user.actor(),
            order_id=order_id,
            amount=parse_amount(values["amount"], detail.order.currency),
            reason=parse_reason(values["reason"]),
            note=parse_note(values["note"]),
            # The currency the quote was shown in: the service refuses a mismatch.
            currency=form.get("currency") or None,
            gateway=c.gateway_name,
        )
    except NotFound:
        raise
    except DomainError as error:
        return _refund_page(
            request, c, user, order_id, values=values, error=error, status_code=status_for(error)
        )
    with c.read_session() as session:
        issued = refund_queries.refund(session, user.actor(), refund_id)
    assert issued is not None
    flash(
        request,
        f"Refund #{refund_id} of {money(issued.amount, issued.currency)} issued. "
        "The buyer is told by email and can follow it on their order page.",
    )
    return see_other(f"/support/orders/{order_id}#refunds")
