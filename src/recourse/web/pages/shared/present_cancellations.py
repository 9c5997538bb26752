"""Cancellations worded for whoever looks (C1, C4, C6, C10): why not and what instead, the
request waiting for the seller, the refund before confirming, the seller's countdown.
Nothing here decides; eligibility and amounts come from the cancellation service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from recourse.db.queries.cancellations import CancellationView
from recourse.db.queries.orders import OrderDetail
from recourse.db.queries.refunds import RefundView
from recourse.domain.cancellation import Blocker, CancellationStatus, Eligibility, Mode
from recourse.domain.errors import DomainError
from recourse.domain.order import Order, PaymentStatus
from recourse.domain.policy import StorePolicy
from recourse.domain.refund import RefundQuote
from recourse.domain.roles import Role
from recourse.domain.settlement import ExpectedBy, refund_destination
from recourse.i18n import ENGLISH
from recourse.services.cancellations import REJECTION_REASONS
from recourse.texts import error_message
from recourse.web.pages.shared.present_refunds import (
    date_range,
    money,
)
from recourse.web.templating import local_time

STATUS_LABELS = {
    "pending_seller": "Waiting for the seller",
    "completed": "Cancelled",
    "approved": "Approved by the seller",
    "auto_approved": "Approved automatically",
    "rejected": "Declined by the seller",
    "withdrawn": "Withdrawn",
}

# The seller's reasons for declining a request, in the order the form offers them.
REJECTION_LABELS = {
    "already_shipped": "The parcel has already left",
    "made_to_order": "The item is made to order",
    "buyer_agreed_to_keep": "The buyer agreed to keep the order",
    "other": "Another reason",
}
REJECTIONS = {
    code: REJECTION_LABELS.get(code, code.replace("_", " ").capitalize())
    for code in REJECTION_REASONS
}

# What to do instead (C1, §8): a short title and, where it helps, one sentence more.
ALTERNATIVES: dict[str, tuple[str, str]] = {
    "ask_seller": (
        "Ask the seller to stop the parcel",
        "If the seller can still intercept it, the parcel comes back to them and you are refunded.",
    ),
    "refuse_delivery": (
        "Refuse the delivery",
        "Say no to the carrier at the door; you are refunded once the parcel is back with the "
        "seller.",
    ),
    "return_after_delivery": (
        "Return it after it arrives",
        "Once the parcel is delivered you can ask for a return from this page.",
    ),
    "wait": ("Wait", "Once the check is done you can cancel from this page."),
    "withdraw_request": ("Withdraw your request", "The order then goes ahead as placed."),
    "cancel_whole_order": (
        "Cancel the whole order",
        "This store cancels whole orders only; you can cancel every item instead.",
    ),
    "contact_support": ("Contact support", "Our support team can look into it with you."),
    "approve_request": (
        "Approve the buyer's request",
        "Answer the request on this page: approve it, or reject it with a reason.",
    ),
}
DELIVERED_RETURN = ("Return it", "The parcel has arrived: you can ask for a return.")


def duration_words(delta: timedelta) -> str:
    """'1 day 3 hours', '5 hours', '40 minutes': whole units, rounded down."""
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60

    def unit(n: int, word: str) -> str:
        return f"{n} {word}" if n == 1 else f"{n} {word}s"

    if days:
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if hours:
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    if minutes:
        return unit(minutes, "minute")
    return "less than a minute"


@dataclass(frozen=True, slots=True)
class Countdown:
    words: str
    urgent: bool
    overdue: bool


def countdown(respond_by: datetime, now: datetime, remind_before_hours: int) -> Countdown:
    """C4 from the seller's side: how long is left, urgent inside the reminder window."""
    left = respond_by - now
    if left <= timedelta(0):
        return Countdown("overdue — will be approved at the next check", True, True)
    return Countdown(
        f"answer within {duration_words(left)}",
        left < timedelta(hours=remind_before_hours),
        False,
    )


def items_text(lines: list[dict[str, Any]]) -> str:
    """Each line as its quantity, a multiplication sign and its title, comma-separated."""
    return ", ".join(f"{x['quantity']} \N{MULTIPLICATION SIGN} {x['title']}" for x in lines)


def units_lines(order: Order, units: Mapping[int, int]) -> list[dict[str, Any]]:
    return [
        {"line_id": line.id, "title": line.title, "quantity": units[line.id]}
        for line in order.lines
        if units.get(line.id)
    ]


@dataclass(frozen=True, slots=True)
class AlternativeWords:
    code: str
    title: str
    detail: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class BlockerWords:
    code: str
    sentence: str
    lifts: str | None
    alternatives: list[AlternativeWords]


def alternative_words(
    codes: list[str], *, order_id: int, delivered: bool
) -> list[AlternativeWords]:
    found = []
    for code in codes:
        title, detail = ALTERNATIVES.get(code, (code.replace("_", " ").capitalize(), ""))
        href = None
        if code == "return_after_delivery" and delivered:
            title, detail = DELIVERED_RETURN
        if code == "cancel_whole_order":
            href = f"/orders/{order_id}/cancel"
        found.append(AlternativeWords(code, title, detail, href))
    return found


def blocker_words(blocker: Blocker, *, order: Order, tz: str) -> BlockerWords:
    """C1: the blocker's sentence, when it lifts in the viewer's zone, and what instead."""
    return BlockerWords(
        code=blocker.code,
        sentence=blocker.message,
        lifts=local_time(ENGLISH, blocker.unblocks_at, tz) if blocker.unblocks_at else None,
        alternatives=alternative_words(
            [str(a) for a in blocker.alternatives],
            order_id=order.id,
            delivered=any(line.qty.delivered for line in order.lines),
        ),
    )


def error_words(error: DomainError, *, order: Order, tz: str) -> BlockerWords:
    """A refusal from the service, said like the blocker it carries (C1), or just its sentence."""
    unblocks = error.facts.get("unblocks_at")
    lifts_at = datetime.fromisoformat(unblocks) if isinstance(unblocks, str) else None
    codes = error.facts.get("alternatives")
    if error.code == "illegal_transition":
        current = str(error.facts.get("current", ""))
        label = STATUS_LABELS.get(current, current).lower()
        sentence = f"This request is no longer waiting for an answer: it is {label}."
    else:
        sentence = error_message(error, ENGLISH)
    return BlockerWords(
        code=error.code,
        sentence=sentence,
        lifts=local_time(ENGLISH, lifts_at, tz) if lifts_at else None,
        alternatives=alternative_words(
            [str(x) for x in codes] if isinstance(codes, list) else [],
            order_id=order.id,
            delivered=any(line.qty.delivered for line in order.lines),
        ),
    )


def destination_words(method: str, audience: Role) -> str:
    """Where the refund goes, to follow "goes back to": "your card", "the buyer's bank account"."""
    destination = refund_destination(method)
    return (
        destination if audience is Role.buyer else destination.replace("your ", "the buyer's ", 1)
    )


@dataclass(frozen=True, slots=True)
class QuoteWords:
    """C6: what is cancelled, what comes back (non-zero parts and the total), where, by when,
    and what happens next."""

    lines: list[dict[str, Any]]
    parts: list[tuple[str, str]]
    total: str | None
    destination: str | None
    expected: str | None
    nothing: str | None
    next_step: str
    instant: bool


def quote_words(
    order: Order,
    eligibility: Eligibility,
    quote: RefundQuote | None,
    expected: ExpectedBy | None,
    *,
    audience: Role,
    tz: str,
) -> QuoteWords:
    currency = order.currency
    refund = quote is not None and quote.total > 0
    parts = []
    if quote is not None and refund:
        parts = [
            (label, money(value, currency))
            for label, value in (
                ("Items", quote.items),
                ("Tax", quote.tax),
                ("Shipping", quote.shipping),
                ("Fees", quote.fees),
            )
            if value
        ]
    lines = units_lines(order, eligibility.units)
    whole = all(eligibility.units.get(x.id, 0) == x.qty.active for x in order.lines)
    what = "Your order is" if whole else "These items are"
    if audience is not Role.buyer:
        what = "The order is" if whole else "These items are"
    instant = eligibility.mode is not Mode.request
    if instant:
        next_step = f"{what} cancelled at once" + (
            " and the refund is issued straight away." if refund else "."
        )
        if eligibility.seller_overdue and audience is Role.buyer:
            next_step += " The seller is past the shipping deadline, so you do not need to ask."
    else:
        assert eligibility.respond_by is not None
        next_step = (
            "This sends a request to the seller, who answers by "
            f"{local_time(ENGLISH, eligibility.respond_by, tz)}. If they do not answer by then, "
            "it is approved automatically and you get the refund."
        )
    destination = None
    if refund:
        destination = destination_words(str(order.payment.method), audience)
    nothing = None
    if not refund:
        nothing = (
            "Nothing more is refunded for these items."
            if order.payment.status is PaymentStatus.captured
            else "No payment has been taken for this order, so there is nothing to refund."
        )
    return QuoteWords(
        lines=lines,
        parts=parts,
        total=money(quote.total, currency) if quote is not None and refund else None,
        destination=destination,
        expected=date_range(expected.earliest, expected.latest) if expected and refund else None,
        nothing=nothing,
        next_step=next_step,
        instant=instant,
    )


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One cancellation on the order, said for the viewer."""

    view: CancellationView
    status_label: str
    items: str
    who: str
    reason: str
    rejection: str | None
    parcel: str | None
    refund: str | None
    answer_by: str | None


def _who(view: CancellationView, audience: Role) -> str:
    if view.initiator == "system":
        return "Cancelled automatically"
    if view.initiator == "seller":
        return "You cancelled" if audience is Role.seller else "The seller cancelled"
    asked = view.mode == "request"
    if audience is Role.buyer:
        return "You asked the seller to cancel" if asked else "You cancelled"
    return "The buyer asked to cancel" if asked else "The buyer cancelled"


def history_row(
    view: CancellationView, audience: Role, tz: str, refunds: Mapping[int, RefundView]
) -> HistoryRow:
    refund = refunds.get(view.refund_id) if view.refund_id else None
    parcel = None
    if view.carrier and view.tracking_number:
        parcel = f"{view.carrier}, tracking {view.tracking_number}"
    return HistoryRow(
        view=view,
        status_label=STATUS_LABELS.get(view.status, view.status.replace("_", " ")),
        items=items_text(view.lines),
        who=_who(view, audience),
        reason=view.reason_label,
        rejection=REJECTIONS.get(view.rejection_reason or "", view.rejection_reason)
        if view.rejection_reason
        else None,
        parcel=parcel,
        refund=money(refund.amount, refund.currency) if refund else None,
        answer_by=local_time(ENGLISH, view.respond_by, tz)
        if view.status == str(CancellationStatus.pending_seller) and view.respond_by
        else None,
    )


def how_sentence(eligibility: Eligibility, policy: StorePolicy, order: Order) -> str:
    """C4 before the buyer starts: at once, or a request the seller answers."""
    if order.payment.status is not PaymentStatus.captured:
        return "Cancelling is immediate; nothing has been charged, so there is nothing to refund."
    if eligibility.mode is Mode.request:
        hours = timedelta(hours=policy.cancel_response_hours)
        return (
            f"Cancelling asks the seller, who has {duration_words(hours)} to answer; "
            "no answer means it is approved. You see the refund before you confirm."
        )
    return "Cancelling is immediate. You see the refund before you confirm."


@dataclass(frozen=True, slots=True)
class BuyerActions:
    """The buyer's cancel card (C1, C4, C10)."""

    eligible: bool
    cancel_label: str
    items_allowed: bool
    how: str | None
    blocker: BlockerWords | None
    pending: HistoryRow | None
    rejected: HistoryRow | None


def buyer_actions(
    detail: OrderDetail,
    eligibility: Eligibility,
    history: list[HistoryRow],
    *,
    tz: str,
) -> BuyerActions | None:
    """None when there is nothing to say: the order is already cancelled or closed."""
    order = detail.order
    pending = next((h for h in history if h.view.status == "pending_seller"), None)
    latest = history[-1] if history else None
    rejected = latest if latest and latest.view.status == "rejected" else None
    blocker = eligibility.blocker
    if blocker is not None and blocker.code in ("order_cancelled", "order_closed"):
        return None
    if (
        pending is None
        and rejected is not None
        and str(detail.status)
        not in (
            "awaiting_shipment",
            "shipped",
        )
    ):
        rejected = None
    started = any(line.qty.shipped or line.qty.cancelled for line in order.lines)
    unshipped = sum(line.qty.unshipped for line in order.lines)
    policy = detail.policy.policy
    return BuyerActions(
        eligible=eligibility.allowed,
        cancel_label="Cancel the remaining items" if started else "Cancel order",
        items_allowed=eligibility.allowed and policy.allow_partial_cancel and unshipped > 1,
        how=how_sentence(eligibility, policy, order) if eligibility.allowed else None,
        blocker=None
        if blocker is None or pending is not None
        else blocker_words(blocker, order=order, tz=tz),
        pending=pending,
        rejected=rejected,
    )
