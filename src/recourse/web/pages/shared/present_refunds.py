"""Refunds worded for whoever looks (F4, F5): steps with times, where and when the money
lands, and the panel every order page shows. Nothing here decides; it only words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from zoneinfo import ZoneInfo

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.currency import exponent, format_money
from recourse.db.queries import refunds as refund_queries
from recourse.db.queries.orders import OrderDetail
from recourse.db.queries.refunds import RefundView
from recourse.domain.money import Money
from recourse.domain.refund import (
    COUNTS_AGAINST_CAPTURE,
    RefundedSoFar,
    RefundQuote,
    RefundReason,
    RefundStatus,
    refundable,
)
from recourse.domain.roles import Role
from recourse.domain.settlement import ExpectedBy
from recourse.web.pages.shared.present_orders import reason_label
from recourse.web.templating import templates

STATUS_LABELS = {
    "pending": "Recorded",
    "processing": "On its way",
    "succeeded": "Money sent",
    "failed": "Failed",
}
# Support reads the ledger's own words (F4).
SUPPORT_STATUS_LABELS = {
    "pending": "Pending",
    "processing": "Processing",
    "succeeded": "Succeeded",
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

# Support's reasons for a manual refund (the domain's catalogue), as the form offers them.
REASONS: dict[str, str] = {
    RefundReason.goodwill: "Goodwill gesture",
    RefundReason.item_not_received: "Item not received",
    RefundReason.damaged_or_defective: "Damaged or defective",
    RefundReason.not_as_described: "Not as described",
    RefundReason.price_adjustment: "Price adjustment",
    RefundReason.duplicate_charge: "Duplicate charge",
    RefundReason.late_delivery: "Late delivery",
    RefundReason.other: "Other (say what in the note)",
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


def words(table: dict[str, tuple[str, str]], key: str, audience: Role) -> str:
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


def manual_quote_sentence(
    quote: RefundQuote, captured: int, expected: ExpectedBy, currency: str
) -> str:
    """Support's manual refund before it is confirmed: how much and where, what stays
    refundable of the capture (F2), and when the money is expected (F5)."""
    method = str(quote.method)
    return (
        f"Refund {money(quote.total, currency)} {words(DESTINATIONS, method, Role.support)}; "
        f"{money(quote.refundable_after, currency)} remains refundable of "
        f"{money(captured, currency)} captured; "
        f"expected {date_range(expected.earliest, expected.latest)}."
    )


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
        # A failed refund sent again is pending: not with the provider, whatever it was before.
        Step(sent, view.sent_at, "todo" if status == "pending" else "done"),
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


def reason_words(code: str | None) -> str | None:
    """Support's reasons as its form names them; any other as the timeline words it."""
    if not code:
        return None
    return REASONS.get(code) or str(reason_label(code)).capitalize()


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
        destination=words(DESTINATIONS, view.method, audience),
        cause=CAUSES.get(view.cause, view.cause.replace("_", " ").capitalize()),
        reason=reason_words(view.reason),
        status_label=(SUPPORT_STATUS_LABELS if audience is Role.support else STATUS_LABELS).get(
            view.status, view.status
        ),
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
