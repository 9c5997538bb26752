"""Refunds worded for whoever looks (F4, F5): steps with times, where and when the money
lands, and the panel every order page shows. Nothing here decides; it only words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from fastapi import Request
from jinja2 import pass_context
from jinja2.runtime import Context as TemplateContext

from recourse.container import Container
from recourse.currency import exponent
from recourse.db.queries import refunds as refund_queries
from recourse.db.queries.orders import OrderDetail
from recourse.db.queries.refunds import RefundView
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
from recourse.i18n import ENGLISH, N_, Words
from recourse.texts import label
from recourse.texts.refund_dates import (
    audience_words,
    date_range,
    expected_sentence,
)
from recourse.web.pages.shared.present_orders import reason_label
from recourse.web.templating import templates

STATUS_LABELS = {
    "pending": N_("Recorded"),
    "processing": N_("On its way"),
    "succeeded": N_("Money sent"),
    "failed": N_("Failed"),
}
# Support reads the ledger's own words (F4).
SUPPORT_STATUS_LABELS = {
    "pending": N_("Pending"),
    "processing": N_("Processing"),
    "succeeded": N_("Succeeded"),
    "failed": N_("Failed"),
}

CAUSES = {
    "cancellation": N_("Order cancelled"),
    "item_cancellation": N_("Items cancelled"),
    "remorse_return": N_("Return"),
    "not_as_described_return": N_("Return: not as described"),
    "dispute": N_("Dispute decision"),
    "manual": N_("Refund from support"),
}

# Support's reasons for a manual refund (the domain's catalogue), as the form offers them.
REASONS: dict[str, str] = {
    RefundReason.goodwill: N_("Goodwill gesture"),
    RefundReason.item_not_received: N_("Item not received"),
    RefundReason.damaged_or_defective: N_("Damaged or defective"),
    RefundReason.not_as_described: N_("Not as described"),
    RefundReason.price_adjustment: N_("Price adjustment"),
    RefundReason.duplicate_charge: N_("Duplicate charge"),
    RefundReason.late_delivery: N_("Late delivery"),
    RefundReason.other: N_("Other (say what in the note)"),
}

DESTINATIONS = {
    "card": (N_("to your card"), N_("to the buyer's card")),
    "wallet": (N_("to your digital wallet"), N_("to the buyer's digital wallet")),
    "bank_transfer": (N_("by bank transfer"), N_("by bank transfer")),
    "store_balance": (N_("to your store balance"), N_("to the buyer's store balance")),
    "coupon": (N_("as a coupon"), N_("as a coupon")),
}


def money(minor: int, currency: str, words: Words = ENGLISH) -> str:
    return words.money(minor, currency)


def manual_quote_sentence(
    quote: RefundQuote, captured: int, expected: ExpectedBy, currency: str, words: Words
) -> str:
    """Support's manual refund before it is confirmed: how much and where, what stays
    refundable of the capture (F2), and when the money is expected (F5)."""
    method = str(quote.method)
    return words._(
        "Refund %(amount)s %(destination)s; %(left)s remains refundable of %(captured)s "
        "captured; expected %(dates)s.",
        amount=money(quote.total, currency, words),
        destination=audience_words(DESTINATIONS, method, Role.support, words),
        left=money(quote.refundable_after, currency, words),
        captured=money(captured, currency, words),
        dates=date_range(expected.earliest, expected.latest, words),
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


def steps(view: RefundView, audience: Role, words: Words) -> list[Step]:
    """F4: Recorded → sent to the bank or provider → money sent (or failed)."""
    to_bank = view.method in ("card", "bank_transfer")
    if audience is Role.buyer:
        sent = words._("Sent to your bank") if to_bank else words._("Sent to your provider")
    else:
        sent = (
            words._("Sent to the buyer's bank")
            if to_bank
            else words._("Sent to the payment provider")
        )
    status = view.status
    result = [
        Step(words._("Recorded"), view.created_at, "done"),
        # A failed refund sent again is pending: not with the provider, whatever it was before.
        Step(sent, view.sent_at, "todo" if status == "pending" else "done"),
    ]
    if status == "failed":
        result.append(Step(words._("Failed"), view.failed_at, "failed"))
    else:
        done = status == "succeeded"
        result.append(Step(words._("Money sent"), view.succeeded_at, "done" if done else "todo"))
    return result


def attention(view: RefundView, audience: Role, words: Words) -> str | None:
    """A calm sentence when a refund is in trouble; support reads the error itself."""
    if audience is Role.support:
        return None
    if view.status == "failed":
        return words._(
            "The payment provider could not send this refund. Our support team is on it."
        )
    if view.needs_attention and view.status == "pending":
        return words._(
            "Sending this refund is taking longer than usual. Our support team is on it."
        )
    if view.needs_attention:
        return words._(
            "The payment provider returned this refund after sending it. Our support team is on it."
        )
    return None


def reason_words(code: str | None, words: Words) -> str | None:
    """Support's reasons as its form names them; any other as the timeline words it."""
    if not code:
        return None
    if code in REASONS:
        return words._(REASONS[code])
    return str(reason_label(code, words)).capitalize()


def retryable(view: RefundView) -> bool:
    """What retry_refund accepts: a failed refund, or a pending one that kept failing."""
    return view.needs_attention and view.status in ("failed", "pending")


def refund_card(view: RefundView, audience: Role, today: date, words: Words) -> RefundCard:
    currency = view.currency
    parts = [
        (name, money(value, currency, words))
        for name, value in (
            (words._("Items"), view.items),
            (words._("Tax"), view.tax),
            (words._("Shipping"), view.shipping),
            (words._("Fees"), view.fees),
        )
        if value
    ]
    all_steps = steps(view, audience, words)
    expected = (
        None
        if view.status == "failed"
        else expected_sentence(
            view.method,
            ExpectedBy(view.expected_earliest, view.expected_latest),
            audience,
            words,
            today=today if view.status == "succeeded" else None,
        )
    )
    statuses = SUPPORT_STATUS_LABELS if audience is Role.support else STATUS_LABELS
    return RefundCard(
        view=view,
        amount=money(view.amount, currency, words),
        destination=audience_words(DESTINATIONS, view.method, audience, words),
        cause=label(CAUSES, view.cause, words),
        reason=reason_words(view.reason, words),
        status_label=words._(statuses[view.status]) if view.status in statuses else view.status,
        # A breakdown of one part only repeats the amount.
        parts=parts if len(parts) > 1 else [],
        steps=all_steps,
        current=max(i for i, s in enumerate(all_steps) if s.done),
        expected=expected,
        attention=attention(view, audience, words),
        retryable=audience is Role.support and retryable(view),
    )


@dataclass(frozen=True, slots=True)
class RefundPanel:
    cards: list[RefundCard]
    currency: str
    captured: int
    issued: int
    refundable: int
    words: Words = ENGLISH

    def money(self, minor: int) -> str:
        return money(minor, self.currency, self.words)

    @property
    def reasons(self) -> dict[str, str]:
        """The form's reasons, in the reader's language."""
        return {code: self.words._(msgid) for code, msgid in REASONS.items()}

    @property
    def digits(self) -> int:
        return exponent(self.currency)

    @property
    def example(self) -> str:
        return amount_example(self.currency)


def panel(
    views: list[RefundView], detail: OrderDetail, audience: Role, today: date, words: Words
) -> RefundPanel:
    """Every refund of the order, newest first, and what can still go back (F2)."""
    order = detail.order
    so_far = RefundedSoFar(
        total=sum(v.amount for v in views if RefundStatus(v.status) in COUNTS_AGAINST_CAPTURE)
    )
    return RefundPanel(
        cards=[refund_card(v, audience, today, words) for v in reversed(views)],
        currency=order.currency,
        captured=order.payment.amount_captured,
        issued=so_far.total,
        refundable=refundable(order, so_far),
        words=words,
    )


@pass_context
def order_refund_panel(context: TemplateContext) -> RefundPanel:
    """The order pages' refund panel, read when the shared order template renders it, in the
    page's language (`words` in its context).

    The buyer's, seller's and support's order handlers build their context elsewhere; reading
    here keeps the panel on all three without each of them knowing about refunds."""
    request: Request = context["request"]
    detail: OrderDetail = context["detail"]
    found = context.get("words")
    words = found if isinstance(found, Words) else ENGLISH
    c: Container = request.app.state.container
    tz = str(context.get("tz") or words.tz)
    today = c.clock.now().astimezone(ZoneInfo(tz)).date()
    with c.read_session() as session:
        views = refund_queries.refunds_of_order(session, detail.order.id)
    return panel(views, detail, Role(str(context["audience"])), today, words)


templates.env.globals["order_refund_panel"] = order_refund_panel


def amount_example(currency: str) -> str:
    """How an amount is typed in `currency`: 12.50 EUR, 1250 JPY, 1.250 KWD."""
    return f"{Decimal(1250).scaleb(-exponent(currency)):f}"
