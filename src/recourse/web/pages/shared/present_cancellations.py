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
from recourse.domain.settlement import ExpectedBy
from recourse.i18n import N_, Words
from recourse.services.cancellations import REJECTION_REASONS
from recourse.texts import blocker_message, error_message, label
from recourse.texts.cancellations import (
    ALTERNATIVES,
    DELIVERED_RETURN,
    INSTANT_NEXT,
    REJECTION_LABELS,
    STATUS_LABELS,
    duration_words,
)
from recourse.texts.refund_dates import date_range, destination_words
from recourse.texts.web import reason_label
from recourse.web.templating import local_time


def rejections(words: Words) -> dict[str, str]:
    """The seller's reasons for declining, code → label, in the order the form offers them."""
    return {code: label(REJECTION_LABELS, code, words) for code in REJECTION_REASONS}


def money(words: Words, minor: int, currency: str) -> str:
    return words.money(minor, currency)


@dataclass(frozen=True, slots=True)
class Countdown:
    words: str
    urgent: bool
    overdue: bool


def countdown(
    respond_by: datetime, now: datetime, remind_before_hours: int, words: Words
) -> Countdown:
    """C4 from the seller's side: how long is left, urgent inside the reminder window."""
    left = respond_by - now
    if left <= timedelta(0):
        return Countdown(words._(N_("overdue — will be approved at the next check")), True, True)
    return Countdown(
        words._(N_("answer within %(time)s"), time=duration_words(left, words)),
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
    codes: list[str], *, order_id: int, delivered: bool, words: Words
) -> list[AlternativeWords]:
    found = []
    for code in codes:
        pair = ALTERNATIVES.get(code)
        href = None
        if code == "return_after_delivery" and delivered:
            pair = DELIVERED_RETURN
        if code == "cancel_whole_order":
            href = f"/orders/{order_id}/cancel"
        if code == "ask_seller":
            href = f"/orders/{order_id}/messages#intercept"
        if pair is None:
            title, detail = code.replace("_", " ").capitalize(), ""
        else:
            title, detail = words._(pair[0]), words._(pair[1])
        found.append(AlternativeWords(code, title, detail, href))
    return found


def blocker_words(blocker: Blocker, *, order: Order, words: Words) -> BlockerWords:
    """C1: the blocker's sentence, when it lifts in the viewer's zone, and what instead."""
    return BlockerWords(
        code=blocker.code,
        sentence=blocker_message(blocker.code, blocker.facts, words),
        lifts=local_time(words, blocker.unblocks_at) if blocker.unblocks_at else None,
        alternatives=alternative_words(
            [str(a) for a in blocker.alternatives],
            order_id=order.id,
            delivered=any(line.qty.delivered for line in order.lines),
            words=words,
        ),
    )


def error_words(error: DomainError, *, order: Order, words: Words) -> BlockerWords:
    """A refusal from the service, said like the blocker it carries (C1), or just its sentence."""
    unblocks = error.facts.get("unblocks_at")
    lifts_at = datetime.fromisoformat(unblocks) if isinstance(unblocks, str) else None
    codes = error.facts.get("alternatives")
    if error.code == "illegal_transition":
        current = str(error.facts.get("current", ""))
        status = label(STATUS_LABELS, current, words).lower() if current else ""
        sentence = words._(
            N_("This request is no longer waiting for an answer: it is %(status)s."),
            status=status,
        )
    else:
        sentence = error_message(error, words)
    return BlockerWords(
        code=error.code,
        sentence=sentence,
        lifts=local_time(words, lifts_at) if lifts_at else None,
        alternatives=alternative_words(
            [str(x) for x in codes] if isinstance(codes, list) else [],
            order_id=order.id,
            delivered=any(line.qty.delivered for line in order.lines),
            words=words,
        ),
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
    words: Words,
) -> QuoteWords:
    currency = order.currency
    refund = quote is not None and quote.total > 0
    parts = []
    if quote is not None and refund:
        parts = [
            (words._(name), money(words, value, currency))
            for name, value in (
                (N_("Items"), quote.items),
                (N_("Tax"), quote.tax),
                (N_("Shipping"), quote.shipping),
                (N_("Fees"), quote.fees),
            )
            if value
        ]
    lines = units_lines(order, eligibility.units)
    whole = all(eligibility.units.get(x.id, 0) == x.qty.active for x in order.lines)
    what = "items"
    if whole:
        what = "your_order" if audience is Role.buyer else "the_order"
    instant = eligibility.mode is not Mode.request
    if instant:
        next_step = words._(INSTANT_NEXT[(what, refund)])
        if eligibility.seller_overdue and audience is Role.buyer:
            overdue = words._(
                N_("The seller is past the shipping deadline, so you do not need to ask.")
            )
            next_step = f"{next_step} {overdue}"
    else:
        assert eligibility.respond_by is not None
        next_step = words._(
            N_(
                "This sends a request to the seller, who answers by %(respond_by)s. If they do "
                "not answer by then, it is approved automatically and you get the refund."
            ),
            respond_by=local_time(words, eligibility.respond_by),
        )
    destination = None
    if refund:
        destination = destination_words(str(order.payment.method), audience, words)
    nothing = None
    if not refund:
        nothing = (
            words._(N_("Nothing more is refunded for these items."))
            if order.payment.status is PaymentStatus.captured
            else words._(
                N_("No payment has been taken for this order, so there is nothing to refund.")
            )
        )
    return QuoteWords(
        lines=lines,
        parts=parts,
        total=money(words, quote.total, currency) if quote is not None and refund else None,
        destination=destination,
        expected=date_range(expected.earliest, expected.latest, words)
        if expected and refund
        else None,
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


def _who(view: CancellationView, audience: Role, words: Words) -> str:
    if view.initiator == "system":
        return words._(N_("Cancelled automatically"))
    if view.initiator == "seller":
        if audience is Role.seller:
            return words._(N_("You cancelled"))
        return words._(N_("The seller cancelled"))
    asked = view.mode == "request"
    if audience is Role.buyer:
        if asked:
            return words._(N_("You asked the seller to cancel"))
        return words._(N_("You cancelled"))
    if asked:
        return words._(N_("The buyer asked to cancel"))
    return words._(N_("The buyer cancelled"))


def history_row(
    view: CancellationView, audience: Role, words: Words, refunds: Mapping[int, RefundView]
) -> HistoryRow:
    refund = refunds.get(view.refund_id) if view.refund_id else None
    parcel = None
    if view.carrier and view.tracking_number:
        parcel = words._(
            N_("%(carrier)s, tracking %(tracking_number)s"),
            carrier=view.carrier,
            tracking_number=view.tracking_number,
        )
    return HistoryRow(
        view=view,
        status_label=label(STATUS_LABELS, view.status, words),
        items=items_text(view.lines),
        who=_who(view, audience, words),
        reason=reason_label(view.reason, view.reason_label, words),
        rejection=label(REJECTION_LABELS, view.rejection_reason, words)
        if view.rejection_reason
        else None,
        parcel=parcel,
        refund=money(words, refund.amount, refund.currency) if refund else None,
        answer_by=local_time(words, view.respond_by)
        if view.status == str(CancellationStatus.pending_seller) and view.respond_by
        else None,
    )


def how_sentence(eligibility: Eligibility, policy: StorePolicy, order: Order, words: Words) -> str:
    """C4 before the buyer starts: at once, or a request the seller answers."""
    if order.payment.status is not PaymentStatus.captured:
        return words._(
            N_("Cancelling is immediate; nothing has been charged, so there is nothing to refund.")
        )
    if eligibility.mode is Mode.request:
        hours = timedelta(hours=policy.cancel_response_hours)
        return words._(
            N_(
                "Cancelling asks the seller, who has %(time)s to answer; no answer means it is "
                "approved. You see the refund before you confirm."
            ),
            time=duration_words(hours, words),
        )
    return words._(N_("Cancelling is immediate. You see the refund before you confirm."))


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
    words: Words,
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
        cancel_label=words._(N_("Cancel the remaining items"))
        if started
        else words._(N_("Cancel order")),
        items_allowed=eligibility.allowed and policy.allow_partial_cancel and unshipped > 1,
        how=how_sentence(eligibility, policy, order, words) if eligibility.allowed else None,
        blocker=None
        if blocker is None or pending is not None
        else blocker_words(blocker, order=order, words=words),
        pending=pending,
        rejected=rejected,
    )
